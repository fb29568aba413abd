/**
 * The two steps of every crash-safe write in the stores: a new file written and fsynced before it is
 * renamed (or linked) into place, and the folder fsynced after, so the rename itself survives a crash.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Creates `file` (it must not exist), owner-only, writes `data` and fsyncs it. */
export async function writeSyncedFile(file: string, data: Uint8Array | string): Promise<void> {
  const h = await fs.open(file, 'wx', 0o600);
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // Not every platform can fsync a directory (Windows); the rename is still atomic there.
  }
}

/**
 * Replaces `file` atomically: `data` into a temp file (default `<file>.<random>.tmp`, beside it), fsynced, renamed
 * over `file` (the temp removed if the rename fails), then the folder fsynced. A crash leaves the old or the new file.
 */
export async function replaceFileDurably(file: string, data: Uint8Array | string, tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`): Promise<void> {
  await writeSyncedFile(tmp, data);
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(path.dirname(file));
}
