/**
 * The archive folder and its instance files.
 *
 * Layout of `<root>` (no UID or PHI in any name; every byte of every file is ciphertext or random):
 *   key.json                      the random 32-byte data key, wrapped by a KeyProvider (keyCustody.ts)
 *   objects/<2 hex>/<32 hex>.dka  one Part 10 instance each, AES-256-GCM (see crypto.ts)
 *   index.journal                 encrypted append-only journal of index changes (journal.ts)
 *   state.enc                     encrypted second copy of pins, access times and study states (journal.ts)
 *   tmp/                          writes in progress (already-encrypted bytes), emptied at open (recovery.ts)
 *   quarantine/                   files that failed authentication at open, and damaged journals, kept
 *                                 encrypted for inspection
 *   conflicts/<32 hex>.dka        a second, different copy of a stored instance, kept aside (duplicates.ts)
 *   lock                          the pid of the process that has the folder open (archiveLock.ts)
 *
 * An instance file is named by a random id, not by its UIDs: the name leaks nothing, and the id is bound
 * into the file's authentication (crypto.ts), so a renamed or swapped file does not authenticate.
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fsyncDir, writeSyncedFile } from '../store/durableFile';

/** `<32 hex>.dka`; the first two hex digits are the name of its subfolder of objects/. */
export const FILE_NAME = /^([0-9a-f]{32})\.dka$/;

export function newObjectId(): string {
  return randomBytes(16).toString('hex');
}

/** The instance file of `id`, relative to the archive folder. */
export function objectRelPath(id: string): string {
  return path.join('objects', id.slice(0, 2), `${id}.dka`);
}

export function objectPath(root: string, id: string): string {
  return path.join(root, objectRelPath(id));
}

/**
 * Puts an already-encrypted instance file in place: temp file → fsync → rename into objects/ → fsync the
 * folder. The caller journals the instance only after this returns, so a crash leaves either a temp file
 * (before the rename) or an orphan object (after it), both handled at open by recovery.ts.
 */
export async function writeObject(root: string, id: string, blob: Uint8Array): Promise<void> {
  const tmp = path.join(root, 'tmp', `${id}.part`);
  await writeSyncedFile(tmp, blob);
  const target = objectPath(root, id);
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  await fs.rename(tmp, target);
  await fsyncDir(path.dirname(target));
}

/** The encrypted bytes of `id`; undefined when its file is gone. */
export async function readObject(root: string, id: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(objectPath(root, id));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export interface ObjectFolder {
  /** The subfolder's name (two hex digits in a sound archive). */
  sub: string;
  dir: string;
  names: string[];
}

/**
 * The subfolders of objects/ with the names in each, read one folder at a time as the caller goes (so the
 * caller may move files away meanwhile); entries of objects/ that are not folders are skipped.
 */
export async function* objectFolders(root: string, sorted = false): AsyncGenerator<ObjectFolder> {
  const objects = path.join(root, 'objects');
  const subs = await fs.readdir(objects);
  for (const sub of sorted ? subs.sort() : subs) {
    const dir = path.join(objects, sub);
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      continue;
    }
    yield { sub, dir, names: sorted ? names.sort() : names };
  }
}

/** Whether any instance file (or anything else) lies in a subfolder of objects/. */
export async function hasObjects(root: string): Promise<boolean> {
  for await (const { names } of objectFolders(root)) if (names.length) return true;
  return false;
}
