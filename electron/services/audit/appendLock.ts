/**
 * One appender at a time across processes: the app and a `dokuei audit ls` may both write to the same log,
 * and two appends computed from the same head would fork the chain. The lock is held only for one append
 * (milliseconds), so a second process waits for it rather than failing; a dead owner's lock is taken over.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAlive } from '../archive/archiveLock';

const LOCK_FILE = 'append.lock';

export async function withAppendLock<T>(dir: string, work: () => Promise<T>, timeoutMs = 10000): Promise<T> {
  const lock = path.join(dir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
    if (owner && !isAlive(owner)) {
      await fs.rm(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`The audit log ${dir} stayed locked by process ${owner || '?'} for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { force: true });
  }
}
