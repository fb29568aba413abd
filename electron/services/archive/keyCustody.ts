/**
 * The archive's data key in `<root>/key.json`: one random 32-byte key encrypts every file and journal
 * frame; key.json holds it only wrapped by a KeyProvider (keyProvider.ts), with the provider's name.
 *
 * key.json is written once, when the folder is first opened, and never replaced: a lost or replaced key
 * makes every file unreadable, so a folder that has an index but no key.json is refused rather than given a
 * fresh key. Its modification time is therefore the archive's creation time (see archiveCreatedAt).
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ArchiveKeyError, type KeyProvider } from './keyProvider';
import { fsyncDir, replaceFileDurably, writeSyncedFile } from '../store/durableFile';

/** Reads `<root>/key.json` and unwraps the data key, or creates and wraps a fresh one for a new archive. */
export async function loadDataKey(root: string, provider: KeyProvider): Promise<Buffer> {
  const file = path.join(root, 'key.json');
  try {
    const stored = JSON.parse(await fs.readFile(file, 'utf8')) as { v: number; provider: string; wrapped: string };
    const key = await provider.unwrap(Buffer.from(stored.wrapped, 'base64'));
    if (key.length !== 32) throw new ArchiveKeyError('The archive data key is damaged');
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof ArchiveKeyError) throw err;
      throw new ArchiveKeyError(`The archive key file ${file} is damaged: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (await fs.stat(path.join(root, 'index.journal')).then(() => true, () => false)) {
    throw new ArchiveKeyError(`The archive in ${root} has an index but no key.json: its data key is lost`);
  }
  const key = randomBytes(32);
  const body = JSON.stringify({ v: 1, provider: provider.kind, wrapped: (await provider.wrap(key)).toString('base64') });
  const tmp = path.join(root, 'tmp', `key-${randomBytes(8).toString('hex')}`);
  await writeSyncedFile(tmp, body);
  try {
    await fs.link(tmp, file); // never replaces a key another process just created
  } catch (err) {
    await fs.rm(tmp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadDataKey(root, provider);
    throw err;
  }
  await fs.rm(tmp, { force: true });
  await fsyncDir(root);
  return key;
}

/**
 * When the archive was created: the modification time of key.json (the time of this call if it cannot be
 * read), never in the future. Index records written before `storedAt` existed count as stored then.
 */
export async function archiveCreatedAt(root: string): Promise<number> {
  const createdAt = await fs.stat(path.join(root, 'key.json')).then((st) => st.mtimeMs, () => Date.now());
  return Math.min(createdAt, Date.now());
}

/**
 * Re-wraps the data key in a key.json under `to` (a rekey): the data key, and so every file it encrypts, stays
 * the same. The file is replaced atomically and keeps its modification time (the archive's creation time).
 * Returns false when there is no such file, or it is already wrapped by `to`.
 */
export async function rewrapKeyFile(file: string, from: KeyProvider, to: KeyProvider & { opensWithCurrentKey?(w: Buffer): boolean }): Promise<boolean> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const stored = JSON.parse(text) as { v: number; provider: string; wrapped: string };
  const wrapped = Buffer.from(stored.wrapped, 'base64');
  if (to.opensWithCurrentKey?.(wrapped)) return false;
  const key = await from.unwrap(wrapped);
  if (key.length !== 32) throw new ArchiveKeyError(`The data key in ${file} is damaged`);
  const st = await fs.stat(file);
  await replaceFileDurably(file, Buffer.from(JSON.stringify({ ...stored, provider: to.kind, wrapped: (await to.wrap(key)).toString('base64') })));
  await fs.utimes(file, st.atimeMs / 1000, st.mtimeMs / 1000);
  return true;
}
