/**
 * Where a large STOW-RS part waits while it arrives: an encrypted temp file instead of memory (a part may be up
 * to 1 GiB). Patient data never lies in clear on disk, not even for the seconds of an upload: the file is
 * AES-256-GCM under a random key made for this one request and held only in this process's memory, so the
 * file is unreadable once the process is gone, and the request's folder is removed when the request ends
 * (also on error: the caller's `finally` calls dispose()).
 */
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCM } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Read back in slices of this size, so decrypting a 1 GiB part never needs a second 1 GiB buffer. */
const READ_SLICE = 1024 * 1024;

export class StowSpool {
  /** The per-request key: in memory only, never written anywhere. */
  private readonly key = randomBytes(32);
  private dir: string | undefined;
  private fileCount = 0;

  /** `parentDir`: where the request's private temp folder goes (default the OS temp folder). */
  constructor(private readonly parentDir: string = tmpdir()) {}

  /** A new encrypted temp file for one part. */
  async open(): Promise<SpooledPart> {
    // mkdtemp makes the folder 0700: other local users cannot even list it.
    this.dir ??= await fs.mkdtemp(path.join(this.parentDir, 'dokuei-stow-'));
    const file = path.join(this.dir, `part-${++this.fileCount}`);
    const handle = await fs.open(file, 'wx+', 0o600);
    const iv = randomBytes(12);
    return new SpooledPart(file, handle, this.key, iv);
  }

  /** Removes the request's temp folder and whatever is in it. Safe to call twice. */
  async dispose(): Promise<void> {
    const dir = this.dir;
    this.dir = undefined;
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  }
}

export class SpooledPart {
  private readonly cipher: CipherGCM;
  private written = 0;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly key: Buffer,
    private readonly iv: Buffer,
  ) {
    this.cipher = createCipheriv('aes-256-gcm', key, iv);
  }

  /** Plain bytes of the part so far. */
  get bytes(): number {
    return this.written;
  }

  async append(chunks: readonly Uint8Array[]): Promise<void> {
    for (const c of chunks) {
      if (c.length === 0) continue;
      const enc = this.cipher.update(c);
      await this.handle.write(enc, 0, enc.length);
      this.written += c.length;
    }
  }

  /**
   * The whole part, authenticated and decrypted, with `tail` (the bytes still in memory) after it; the file is
   * deleted. A file altered or cut while it lay on disk fails here instead of reaching the archive.
   */
  async finish(tail: Uint8Array): Promise<Uint8Array> {
    const rest = this.cipher.final();
    if (rest.length) await this.handle.write(rest, 0, rest.length);
    const tag = this.cipher.getAuthTag();
    const total = this.written;
    const out = Buffer.allocUnsafe(total + tail.length);
    const decipher = createDecipheriv('aes-256-gcm', this.key, this.iv);
    decipher.setAuthTag(tag);
    const slice = Buffer.allocUnsafe(Math.min(READ_SLICE, Math.max(1, total)));
    let pos = 0;
    while (pos < total) {
      const { bytesRead } = await this.handle.read(slice, 0, Math.min(slice.length, total - pos), pos);
      if (bytesRead === 0) throw new Error('The STOW temp file ended early');
      // GCM is a stream mode: a slice of ciphertext gives exactly as many plain bytes.
      const plain = decipher.update(slice.subarray(0, bytesRead));
      plain.copy(out, pos);
      pos += bytesRead;
    }
    try {
      decipher.final();
    } catch {
      throw new Error('The STOW temp file was altered while the part was received');
    }
    out.set(tail, total);
    await this.close();
    return out;
  }

  /** Closes and deletes the file (the spool's dispose() removes it too). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => {});
    await fs.rm(this.file, { force: true });
  }
}
