/**
 * One process at a time opens an archive folder: `<root>/lock` holds the owner's pid. Two writers would
 * interleave journal frames and evict each other's files. Another live process gets ArchiveBusyError; a
 * dead owner's lock (kill -9, power loss) is taken over, since nobody is left to release it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The archive is held by another process, or the study asked for is pinned or open. */
export class ArchiveBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveBusyError';
  }
}

export async function takeLock(root: string): Promise<void> {
  const lock = path.join(root, 'lock');
  try {
    await fs.writeFile(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const owner = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
  if (owner && owner !== process.pid && isAlive(owner)) {
    throw new ArchiveBusyError(`The archive ${root} is in use by process ${owner} (close the app, or wait for that command)`);
  }
  await fs.writeFile(lock, String(process.pid), { mode: 0o600 });
}

/** Removes the lock if this process holds it (never another owner's, e.g. after a takeover). */
export async function releaseLock(root: string): Promise<void> {
  const lock = path.join(root, 'lock');
  const owner = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
  if (owner === process.pid) await fs.rm(lock, { force: true });
}

/** Whether a process with this pid exists (a lock's owner). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
