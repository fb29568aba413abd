import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archiveCreatedAt, loadDataKey } from '../../../../../electron/services/archive/keyCustody';
import { ArchiveKeyError, EnvKeyProvider } from '../../../../../electron/services/archive/keyProvider';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const provider = () => new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') });

let root: string;
beforeEach(async () => {
  root = await makeTempDir('dokuei-key-');
  await fs.mkdir(path.join(root, 'tmp'));
});
afterEach(async () => {
  await removeDir(root);
});

describe('archive data key custody', () => {
  it('creates a random key once, stored only wrapped, and unwraps the same key afterwards', async () => {
    const p = provider();
    const key = await loadDataKey(root, p);
    expect(key).toHaveLength(32);
    const stored = JSON.parse(await fs.readFile(path.join(root, 'key.json'), 'utf8')) as { v: number; provider: string; wrapped: string };
    expect(stored).toMatchObject({ v: 1, provider: p.kind });
    expect(Buffer.from(stored.wrapped, 'base64').includes(key)).toBe(false);
    expect((await loadDataKey(root, p)).equals(key)).toBe(true);
    expect(await fs.readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('gives concurrent first opens the same key (never replaces a key just created)', async () => {
    const p = provider();
    const keys = await Promise.all([loadDataKey(root, p), loadDataKey(root, p), loadDataKey(root, p)]);
    expect(keys[1]!.equals(keys[0]!) && keys[2]!.equals(keys[0]!)).toBe(true);
  });

  it('refuses an archive with an index but no key.json, and a damaged key.json', async () => {
    await fs.writeFile(path.join(root, 'index.journal'), randomBytes(100));
    await expect(loadDataKey(root, provider())).rejects.toThrow(/has an index but no key.json/);
    await fs.writeFile(path.join(root, 'key.json'), '{ not json');
    const err = await loadDataKey(root, provider()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveKeyError);
    expect((err as Error).message).toMatch(/key file .* is damaged/);
  });

  it("dates the archive's creation by key.json, never in the future, and now without one", async () => {
    const before = Date.now();
    expect(await archiveCreatedAt(root)).toBeGreaterThanOrEqual(before);
    await loadDataKey(root, provider());
    const created = new Date('2024-05-01T10:00:00Z');
    await fs.utimes(path.join(root, 'key.json'), created, created);
    expect(await archiveCreatedAt(root)).toBe(created.getTime());
    const future = new Date(Date.now() + 86_400_000);
    await fs.utimes(path.join(root, 'key.json'), future, future);
    expect(await archiveCreatedAt(root)).toBeLessThanOrEqual(Date.now());
  });
});
