/**
 * One appender at a time across processes: the app and a `dokuei audit ls` may both write to the same log,
 * and two appends computed from the same head would fork the chain. The lock is held only for one append
 * (milliseconds), so a second process waits for it rather than failing; a dead owner's lock is taken over.
 *
 * The lock file appears with its owner's pid in it (written to a temp file, then hard-linked into place): a lock
 * created empty and then written could be left empty by a kill -9 in between, naming no owner to find dead, and
 * every later append (the app's start included) then waited out its timeout. An empty or unreadable lock that
 * older versions may have left is taken over once it is older than any append.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAlive } from '../archive/archiveLock';

const LOCK_FILE = 'append.lock';
/** An append takes milliseconds: a lock naming no owner for this long was left by a process that died. */
const NAMELESS_STALE_MS = 2000;

/** Creates the lock with this process's pid in it, in one step; false when it exists already. */
async function createLock(lock: string): Promise<boolean> {
  const tmp = `${lock}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(tmp, String(process.pid), { mode: 0o600 });
  try {
    await fs.link(tmp, lock);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: create-exclusive, then write (the nameless case below covers a crash).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      try {
        await fs.writeFile(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    }
    throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** A lock's temp file: `append.lock.<pid>.<8 hex>`. */
const TEMP_NAME = /^append\.lock\.(\d+)\.[0-9a-f]{8}$/;
/** The folders this process has swept of dead processes' temp files (once each). */
const swept = new Set<string>();

/** Removes the temp files of processes killed between writing and removing them (nothing else does). */
async function sweepDeadTemps(dir: string): Promise<void> {
  if (swept.has(dir)) return;
  swept.add(dir);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(TEMP_NAME.exec(name)?.[1]);
    if (pid > 0 && pid !== process.pid && !isAlive(pid)) await fs.rm(path.join(dir, name), { force: true });
  }
}

export async function withAppendLock<T>(dir: string, work: () => Promise<T>, timeoutMs = 10000): Promise<T> {
  const lock = path.join(dir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  await sweepDeadTemps(dir);
  for (;;) {
    if (await createLock(lock)) break;
    const owner = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
    const named = Number.isInteger(owner) && owner > 0;
    if (named && !isAlive(owner)) {
      await fs.rm(lock, { force: true });
      continue;
    }
    if (!named) {
      const age = await fs.stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > NAMELESS_STALE_MS) {
        await fs.rm(lock, { force: true });
        continue;
      }
    }
    if (Date.now() > deadline) throw new Error(`The audit log ${dir} stayed locked by process ${named ? owner : '?'} for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { force: true });
  }
}
