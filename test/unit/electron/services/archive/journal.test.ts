import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveIndex } from '../../../../../electron/services/archive/archiveIndex';
import { encryptFrame, scanJournalFrames } from '../../../../../electron/services/archive/crypto';
import { Journal, putRecord, readJournal, type JournalDamage, type JournalRecord } from '../../../../../electron/services/archive/journal';
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
    const { items } = scanJournalFrames(key, raw);
    expect(items).toHaveLength(1);
    expect(items[0]!.kind === 'frame' && (JSON.parse(items[0]!.plain.toString('utf8')) as { t: string }).t).toBe('snap');
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

/** The damage cases below, for the hardening summary line (issue 16): tried, detected, user state kept. */
const figures = { cases: 0, detected: 0, kept: 0 };

const fileId = (i: number) => i.toString(16).padStart(32, '0');
const STUDIES = ['1.1', '2.2', '3.3'] as const;

/**
 * 277 frames, one record each, as a reading day writes them: puts of three studies, access times every fifth
 * frame, a pin in frame 3, a pin in frame 10 (the frame the named case damages), a study state in frame 150
 * and a pin of a study not here yet in frame 200. Returns the index as written.
 */
async function write277(): Promise<ArchiveIndex> {
  const { index, journal } = await reopen();
  for (let i = 1; i <= 277; i++) {
    const st = STUDIES[i % 3]!;
    let rec: JournalRecord;
    if (i === 3) rec = { t: 'pin', st: '1.1', v: true };
    else if (i === 10) rec = { t: 'pin', st: '2.2', v: true };
    else if (i === 150) rec = { t: 'state', st: '3.3', v: 'partial' };
    else if (i === 200) rec = { t: 'pin', st: '7.7', v: true };
    else if (i % 5 === 0) rec = { t: 'touch', st, at: 1_700_000_000_000 + i, seq: index.nextSeq() };
    else rec = putRecord(index, fileId(i), st, `${st}.1`, `${st}.1.${i}`, 10, 42, md);
    await journal.append([rec], rec.t === 'pin' || rec.t === 'state');
  }
  await journal.close();
  return index;
}

/** What a reader set or did: pins, study states, access order and times, and removals. */
const userState = (index: ArchiveIndex) => ({ meta: [...index.meta].sort(([a], [b]) => a.localeCompare(b)), removed: index.removed, seq: index.seq });

/** The byte spans of the journal's frames, 1-based like the damage reports. */
async function frames(): Promise<{ raw: Buffer; at: (n: number) => { offset: number; end: number } }> {
  const raw = await fs.readFile(path.join(root, 'index.journal'));
  const { items } = scanJournalFrames(key, raw);
  return { raw, at: (n) => items[n - 1]! };
}

async function rewrite(parts: Buffer[]): Promise<void> {
  await fs.writeFile(path.join(root, 'index.journal'), Buffer.concat(parts));
}

/** Flips one byte, `at` bytes into frame `n`. */
async function flip(n: number, at: (span: { offset: number; end: number }) => number): Promise<void> {
  const { raw, at: span } = await frames();
  raw[at(span(n))]! ^= 0x5a;
  await rewrite([raw]);
}

describe('index journal damage (issue 16)', () => {
  afterAll(() => {
    // One summary line for the hardening run (npm run test:hardening gathers it).
    console.log(`journal: ${figures.cases} damage cases / ${figures.detected} detected / ${figures.kept} user state kept`);
    expect(figures.detected).toBe(figures.cases);
    expect(figures.kept).toBe(figures.cases);
  });

  /** Reopens after `damage`, checks what was reported and kept, and counts the case for the summary line. */
  async function damageCase(damage: () => Promise<void>, expected: Partial<JournalDamage> & { lostInstances?: number }): Promise<JournalDamage[]> {
    const written = await write277();
    await damage();
    figures.cases++;
    const { index, journal, truncated } = await reopen();
    await journal.close();
    expect(truncated).toBe(false);
    const { lostInstances = 0, ...report } = expected;
    expect(journal.damage[0]).toMatchObject({ file: 'index.journal', ...report });
    figures.detected++;
    // Everything after the damage is kept: only what the damaged frame held is missing.
    expect(index.counts().instances).toBe(written.counts().instances - lostInstances);
    expect(journal.restored).toBe(true);
    expect(userState(index)).toEqual(userState(written));
    expect(index.isPinned('2.2') && index.isPinned('1.1') && index.isPinned('7.7')).toBe(true);
    figures.kept++;
    // The damaged journal is set aside, still encrypted, for inspection.
    expect(journal.damage[0]!.copy).toMatch(/^quarantine[/\\]\d+-[0-9a-f]{8}-index\.journal$/);
    return journal.damage;
  }

  it('one flipped byte in frame 10 of 277: reported with its frame, the 267 records after it kept, every pin kept', async () => {
    const [d, ...more] = await damageCase(() => flip(10, (s) => s.offset + 30), { frame: 10, lost: 1, keptAfter: 267 });
    expect(more).toEqual([]);
    expect(d!.reason).toMatch(/fails authentication/);
  });

  it('a flipped byte in the length of frame 10, its magic or its tag: found by the next frame that authenticates', async () => {
    await damageCase(() => flip(10, (s) => s.offset + 5), { frame: 10, lost: 1, keptAfter: 267 });
    await removeDir(root);
    root = await makeTempDir('dokuei-journal-');
    for (const d of ['objects', 'tmp']) await fs.mkdir(path.join(root, d));
    await damageCase(() => flip(10, (s) => s.offset), { frame: 10, lost: 1, keptAfter: 267 });
    await removeDir(root);
    root = await makeTempDir('dokuei-journal-');
    for (const d of ['objects', 'tmp']) await fs.mkdir(path.join(root, d));
    await damageCase(() => flip(10, (s) => s.end - 1), { frame: 10, lost: 1, keptAfter: 267 });
  });

  it('a flipped byte in a put (frame 11): that one instance is missing, the rest and every pin kept', async () => {
    await damageCase(() => flip(11, (s) => s.offset + 40), { frame: 11, lost: 1, keptAfter: 266, lostInstances: 1 });
  });

  it('a flipped byte in the first frame: reported, the 276 after it kept', async () => {
    const [d] = await damageCase(() => flip(1, (s) => s.offset + 40), { frame: 1, keptAfter: 276, lostInstances: 1 });
    expect(d!.lost).toBeUndefined();
  });

  it('frame 10 removed: the gap in the record numbers is reported', async () => {
    await damageCase(
      async () => {
        const { raw, at } = await frames();
        await rewrite([raw.subarray(0, at(10).offset), raw.subarray(at(10).end)]);
      },
      { frame: 10, bytes: 0, lost: 1, keptAfter: 267, reason: 'record 10 is missing (a frame removed)' },
    );
  });

  it('frame 9 written again after itself (a replayed frame): reported and left out', async () => {
    const damage = await damageCase(
      async () => {
        const { raw, at } = await frames();
        await rewrite([raw.subarray(0, at(10).offset), raw.subarray(at(9).offset, at(9).end), raw.subarray(at(10).offset)]);
      },
      { frame: 10, reason: expect.stringMatching(/record 9 comes again after record 9/) as unknown as string },
    );
    expect(damage).toHaveLength(1);
  });

  it('frames 10 and 11 swapped: the order is reported', async () => {
    const damage = await damageCase(
      async () => {
        const { raw, at } = await frames();
        const ten = raw.subarray(at(10).offset, at(10).end);
        const eleven = raw.subarray(at(11).offset, at(11).end);
        await rewrite([raw.subarray(0, at(10).offset), eleven, ten, raw.subarray(at(11).end)]);
      },
      { frame: 10, lost: 1, reason: 'record 10 is missing (a frame removed)' },
    );
    expect(damage[1]).toMatchObject({ frame: 11, reason: expect.stringMatching(/record 10 comes again after record 11/) as unknown as string });
  });

  it('a torn tail (a crash mid-append) is cut without a report, and nothing is restored', async () => {
    const written = await write277();
    const { raw, at } = await frames();
    // Frame 278 half written: the record was never applied, so the copy of the user state does not know it.
    await rewrite([raw, raw.subarray(at(277).offset, at(277).offset + 20)]);
    const { index, journal, truncated } = await reopen();
    expect(truncated).toBe(true);
    expect(journal.damage).toEqual([]);
    expect(journal.restored).toBe(false);
    expect((await fs.stat(path.join(root, 'index.journal'))).size).toBe(raw.length);
    expect(userState(index)).toEqual(userState(written));
    expect(index.files.size).toBe(written.files.size);
    await journal.close();
  });

  it('a journal that lost everything (removed) takes pins, states and access times from the copy', async () => {
    const written = await write277();
    await fs.rm(path.join(root, 'index.journal'));
    const { index, journal } = await reopen();
    expect(journal.damage).toEqual([]);
    expect(journal.restored).toBe(true);
    expect(index.files.size).toBe(0); // the instances come back from their files (recovery.ts)
    expect(index.isPinned('1.1') && index.isPinned('2.2') && index.isPinned('7.7')).toBe(true);
    expect(index.studyState('3.3')).toBe('partial');
    expect(index.meta.get('1.1')).toEqual(written.meta.get('1.1'));
    // New records number on from the copy, so at the next open they count as newer than it.
    await journal.append([{ t: 'pin', st: '1.1', v: false }], true);
    await journal.close();
    await fs.rm(path.join(root, 'state.enc'));
    const again = await reopen();
    expect(again.index.isPinned('1.1')).toBe(false);
    await again.journal.close();
  });

  it('an unpin newer than the copy wins over it when the journal is damaged before it', async () => {
    await write277();
    const { journal } = await reopen();
    await journal.append([{ t: 'pin', st: '1.1', v: false }], true);
    // The copy from before the unpin: as if it had not been written since.
    const before = await fs.readFile(path.join(root, 'state.enc'));
    await journal.append([{ t: 'touch', st: '1.1', at: 1_800_000_000_000, seq: 10_000 }], false);
    await journal.close();
    await fs.writeFile(path.join(root, 'state.enc'), before);
    await flip(10, (s) => s.offset + 30);
    const again = await reopen();
    expect(again.journal.damage).toHaveLength(1);
    expect(again.index.isPinned('1.1')).toBe(false);
    expect(again.index.isPinned('2.2')).toBe(true);
    expect(again.index.meta.get('1.1')?.lastAccess).toBe(1_800_000_000_000);
    await again.journal.close();
  });

  it('reports a damaged copy of the user state and writes it again; the journal alone is complete', async () => {
    const written = await write277();
    const copy = await fs.readFile(path.join(root, 'state.enc'));
    copy[copy.length - 3]! ^= 1;
    await fs.writeFile(path.join(root, 'state.enc'), copy);
    const { index, journal } = await reopen();
    expect(journal.damage).toEqual([{ file: 'state.enc', reason: expect.stringMatching(/cannot be read/) as unknown as string }]);
    expect(journal.restored).toBe(false);
    expect(userState(index)).toEqual(userState(written));
    await journal.close();
    const again = await reopen();
    expect(again.journal.damage).toEqual([]);
    await again.journal.close();
  });

  it('opens a journal of an older version (v1 frames, no numbers) and numbers what it appends after it', async () => {
    const old: JournalRecord[] = [
      { t: 'put', f: 'a'.repeat(32), st: '1.1', se: '1.1.1', sop: '1.1.1.1', size: 100, stored: 132, md, at: 5, seq: 1 },
      { t: 'pin', st: '1.1', v: true },
    ];
    await fs.writeFile(path.join(root, 'index.journal'), Buffer.concat(old.map((r) => encryptFrame(key, Buffer.from(JSON.stringify(r))))));
    const { index, journal } = await reopen();
    expect(journal.damage).toEqual([]);
    expect(journal.needsMigration).toBe(true);
    expect(index.isPinned('1.1')).toBe(true);
    expect(index.counts().instances).toBe(1);
    await journal.append([{ t: 'pin', st: '2.2', v: true }], true);
    await journal.close();
    const read = readJournal(key, await fs.readFile(path.join(root, 'index.journal')));
    expect(read.damage).toEqual([]);
    expect(read.records.map((r) => r.rec.n)).toEqual([undefined, undefined, 1]);
    const again = await reopen();
    await again.journal.compact();
    expect(again.journal.needsMigration).toBe(false);
    await again.journal.close();
    const third = await reopen();
    expect(third.index.isPinned('1.1') && third.index.isPinned('2.2')).toBe(true);
    expect(third.journal.damage).toEqual([]);
    await third.journal.close();
  });
});
