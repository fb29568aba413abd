/**
 * One forwarder per audit log, across processes: the app and a CLI command may run at the same time over the same
 * data folder, and two forwarders reading the same cursor would send the same records twice. The lock is held
 * for as long as the forwarder runs; the others wait in standby and take over when its owner is gone. The file
 * names the owner's pid and a token, so a lock left by an earlier forwarder of this same process (which did not
 * stop cleanly) is also known to be stale.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAlive } from '../../archive/archiveLock';

const LOCK_FILE = 'forwarding.lock';
const held = new Set<string>();

export interface ForwardingLock {
  release(): Promise<void>;
}

function stale(content: string): boolean {
  const [pidText, token] = content.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return !token || !held.has(token);
  return !isAlive(pid);
}

/** Takes the lock, or answers undefined when a live forwarder holds it. */
export async function tryForwardingLock(auditDir: string): Promise<ForwardingLock | undefined> {
  const file = path.join(auditDir, LOCK_FILE);
  const token = randomBytes(8).toString('hex');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, `${process.pid} ${token}`, { flag: 'wx', mode: 0o600 });
      held.add(token);
      return {
        async release() {
          held.delete(token);
          const now = await fs.readFile(file, 'utf8').catch(() => '');
          if (now.trim() === `${process.pid} ${token}`) await fs.rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const content = await fs.readFile(file, 'utf8').catch(() => '');
    if (!stale(content)) return undefined;
    await fs.rm(file, { force: true });
  }
  return undefined;
}

/** The pid of the process forwarding this log now, if one is. */
export async function forwardingLockOwner(auditDir: string): Promise<number | undefined> {
  const content = await fs.readFile(path.join(auditDir, LOCK_FILE), 'utf8').catch(() => '');
  if (!content || stale(content)) return undefined;
  return Number(content.trim().split(/\s+/)[0]);
}
