import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveIndex } from '../../../../../electron/services/archive/archiveIndex';
import { decryptFrames } from '../../../../../electron/services/archive/crypto';
import { Journal, putRecord } from '../../../../../electron/services/archive/journal';
import { ArchiveKeyError } from '../../../../../electron/services/archive/keyProvider';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const md = { '00080060': { vr: 'CS', Value: ['CT'] } };

let root: string;
let key: Buffer;
beforeEach(async () => {
  root = await makeTempDir('dokuei-journal-');
  for (const d of ['objects', 'tmp']) await fs.mkdir(path.join(root, d));
  key = randomBytes(32);
});
afterEach(async () => {
  await removeDir(root);
});

/** A fresh index with the journal of `root` replayed into it. */
async function reopen(k = key): Promise<{ index: ArchiveIndex; journal: Journal; truncated: boolean }> {
  const index = new ArchiveIndex(1000);
  const journal = new Journal(root, k, index);
  const truncated = await journal.load();
  return { index, journal, truncated };
}

/** Two instances of study 1.1 (one removed again), a pin of a study not here yet, a state. */
async function writeSome(): Promise<ArchiveIndex> {
  const { index, journal } = await reopen();
  await journal.append([putRecord(index, 'a'.repeat(32), '1.1', '1.1.1', '1.1.1.1', 100, 132, md, 'pacs')], true);
  await journal.append([putRecord(index, 'b'.repeat(32), '1.1', '1.1.1', '1.1.1.2', 200, 232, md)], true);
  await journal.append([{ t: 'pin', st: '9.9', v: true }, { t: 'state', st: '1.1', v: 'partial' }], true);
  await journal.drop(['b'.repeat(32)]);
  await journal.close();
  return index;
}

const summary = (index: ArchiveIndex) => ({
  counts: index.counts(),
  stored: index.storedBytes,
  seq: index.seq,
  meta: [...index.meta],
  files: [...index.files],
  removed: index.removed.map(([, , bytes]) => bytes),
  entry: index.entry('1.1', '1.1.1', '1.1.1.1'),
});

describe('index journal', () => {
  it('applies what it appends and replays to the same index at the next open', async () => {
    const written = await writeSome();
    expect(written.counts()).toEqual({ studies: 1, series: 1, instances: 1, bytes: 100 });
    expect(written.isPinned('9.9')).toBe(true);
    expect(written.studyState('1.1')).toBe('partial');
    const { index, truncated, journal } = await reopen();
    expect(truncated).toBe(false);
    expect(summary(index)).toEqual(summary(written));
    expect(index.entry('1.1', '1.1.1', '1.1.1.1')).toMatchObject({ node: 'pacs', stored: 132 });
    await journal.close();
    await expect(journal.append([{ t: 'pin', st: '1.1', v: true }], true)).rejects.toThrow('The archive is closed');
  });

  it('cuts a torn tail at the last authenticated frame', async () => {
    const written = await writeSome();
    const file = path.join(root, 'index.journal');
    const good = (await fs.stat(file)).size;
    await fs.appendFile(file, randomBytes(50));
    const { index, truncated, journal } = await reopen();
    expect(truncated).toBe(true);
    expect((await fs.stat(file)).size).toBe(good);
    expect(summary(index)).toEqual(summary(written));
    await journal.close();
  });

  it('refuses a journal another key wrote when there are objects, and starts over when there are none', async () => {
    await writeSome();
    await fs.mkdir(path.join(root, 'objects', 'aa'));
    await fs.writeFile(path.join(root, 'objects', 'aa', `${'a'.repeat(32)}.dka`), randomBytes(64));
    await expect(reopen(randomBytes(32))).rejects.toBeInstanceOf(ArchiveKeyError);
    await fs.rm(path.join(root, 'objects', 'aa'), { recursive: true });
    const { index, truncated, journal } = await reopen(randomBytes(32));
    expect(truncated).toBe(true);
    expect(index.counts().instances).toBe(0);
    expect((await fs.stat(path.join(root, 'index.journal'))).size).toBe(0);
    await journal.close();
  });

  it('compacts into one snapshot frame that replays to the same index, keeping pins of absent studies', async () => {
    const written = await writeSome();
    const { journal } = await reopen();
    await journal.compact();
    await journal.close();
    const raw = await fs.readFile(path.join(root, 'index.journal'));
    const { frames } = decryptFrames(key, raw);
    expect(frames).toHaveLength(1);
    expect((JSON.parse(frames[0]!.toString('utf8')) as { t: string }).t).toBe('snap');
    expect(await fs.readdir(path.join(root, 'tmp'))).toEqual([]);
    const again = await reopen();
    expect(summary(again.index)).toEqual(summary(written));
    expect(again.journal.needsCompaction).toBe(false);
    await again.journal.close();
  });

  it('asks for compaction once records outnumber twice the instances by 1000', async () => {
    const { index, journal } = await reopen();
    await journal.append([putRecord(index, 'c'.repeat(32), '2.2', '2.2.1', '2.2.1.1', 1, 33, md)], false);
    const touches = (n: number) => Array.from({ length: n }, () => ({ t: 'touch' as const, st: '2.2', at: Date.now(), seq: index.nextSeq() }));
    await journal.append(touches(1001), false); // 1002 records, 1 instance: 2 × 1 + 1000 = 1002
    expect(journal.needsCompaction).toBe(false);
    await journal.append(touches(1), false);
    expect(journal.needsCompaction).toBe(true);
    await journal.close();
  });
});
