import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveBusyError, releaseLock, takeLock } from '../../../../../electron/services/archive/archiveLock';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

// Far above any pid a test machine hands out (Linux caps pids at 2^22): no such process.
const DEAD_PID = 2147483646;

let dir: string;
let lock: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-lock-');
  lock = path.join(dir, 'lock');
});
afterEach(async () => {
  await removeDir(dir);
});

describe('archive lock', () => {
  it('creates an owner-only lock file holding this pid, and release removes it', async () => {
    await takeLock(dir);
    expect(await fs.readFile(lock, 'utf8')).toBe(String(process.pid));
    if (process.platform !== 'win32') expect(statSync(lock).mode & 0o777).toBe(0o600);
    await releaseLock(dir);
    await expect(fs.stat(lock)).rejects.toThrow();
  });

  it('refuses a lock held by a live process, naming it, and leaves its lock alone', async () => {
    await fs.writeFile(lock, String(process.ppid));
    const err = await takeLock(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveBusyError);
    expect((err as Error).message).toContain(`in use by process ${process.ppid}`);
    await releaseLock(dir);
    expect(await fs.readFile(lock, 'utf8')).toBe(String(process.ppid));
  });

  it("takes over a dead process's lock, and one left empty or unreadable", async () => {
    for (const stale of [String(DEAD_PID), '', 'not a pid']) {
      await fs.writeFile(lock, stale);
      await takeLock(dir);
      expect(await fs.readFile(lock, 'utf8'), JSON.stringify(stale)).toBe(String(process.pid));
    }
  });

  it('takes its own lock again (a reopen after an open that failed to release)', async () => {
    await takeLock(dir);
    await takeLock(dir);
    expect(await fs.readFile(lock, 'utf8')).toBe(String(process.pid));
  });

  it('release does nothing without a lock', async () => {
    await expect(releaseLock(dir)).resolves.toBeUndefined();
  });
});
