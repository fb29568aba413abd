/**
 * The audit log's append lock (electron/services/audit/appendLock.ts): one appender at a time, the lock naming its
 * owner from the moment it exists, a dead owner's lock taken over, and a lock left naming nobody (a process killed
 * between creating and writing it, as the crash-during-retrieve test once caught) taken over instead of waited on.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withAppendLock } from '../../../../../electron/services/audit/appendLock';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-append-lock-');
});
afterEach(async () => {
  await removeDir(dir);
});

const lock = () => path.join(dir, 'append.lock');
/** A pid no process has now: a child's, once it has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('withAppendLock', () => {
  it('holds a lock naming this process while the work runs, and removes it after (no temp file left)', async () => {
    const seen = await withAppendLock(dir, () => fs.readFile(lock(), 'utf8'));
    expect(seen).toBe(String(process.pid));
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('removes the temp files of processes killed before removing them, and only those', async () => {
    const dead = path.join(dir, `append.lock.${deadPid()}.0badf00d`);
    const live = path.join(dir, `append.lock.${process.ppid}.0123abcd`);
    await fs.writeFile(dead, '1');
    await fs.writeFile(live, '2');
    await fs.writeFile(path.join(dir, 'log.0001'), 'entries');
    await withAppendLock(dir, async () => undefined);
    expect((await fs.readdir(dir)).sort()).toEqual(['append.lock.' + process.ppid + '.0123abcd', 'log.0001']);
  });

  it('runs one appender at a time', async () => {
    const log: string[] = [];
    const append = (name: string) =>
      withAppendLock(dir, async () => {
        log.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 30));
        log.push(`${name} out`);
      });
    await Promise.all([append('a'), append('b')]);
    expect(log).toHaveLength(4);
    expect(log[1]).toBe(`${log[0]!.split(' ')[0]} out`);
  });

  it('takes over the lock of a process that died holding it', async () => {
    await fs.writeFile(lock(), String(deadPid()));
    await expect(withAppendLock(dir, async () => 'appended', 1000)).resolves.toBe('appended');
  });

  it('takes over a lock left empty (killed between creating and writing it) once it is older than any append', async () => {
    await fs.writeFile(lock(), '');
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lock(), old, old);
    await expect(withAppendLock(dir, async () => 'appended', 1000)).resolves.toBe('appended');
    await fs.writeFile(lock(), 'garbage');
    await fs.utimes(lock(), old, old);
    await expect(withAppendLock(dir, async () => 'again', 1000)).resolves.toBe('again');
  });

  it('waits for a live owner, and says who held it when it times out; a fresh empty lock is waited on too', async () => {
    // Another live process: the parent of this one (vitest's).
    await fs.writeFile(lock(), String(process.ppid));
    await expect(withAppendLock(dir, async () => 'no', 150)).rejects.toThrow(`stayed locked by process ${process.ppid} for 150 ms`);
    await fs.writeFile(lock(), '');
    await expect(withAppendLock(dir, async () => 'no', 150)).rejects.toThrow('stayed locked by process ? for 150 ms');
  });
});
