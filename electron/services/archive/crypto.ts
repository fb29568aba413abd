/**
 * On-disk formats of the archive, all AES-256-GCM with a fresh random 12-byte nonce per message:
 *   instance file: "DKA1" | nonce(12) | ciphertext | tag(16); the AAD binds the file's random id, so a
 *                  file renamed or swapped with another one fails authentication.
 *   journal frame: u32 LE length of the rest | nonce(12) | ciphertext | tag(16); AAD "DKJ1" (the audit log's
 *                  frames, and the index journal's before record numbers).
 *   index journal frame (v2): "DKJ2" | u32 LE length of the rest | nonce(12) | ciphertext | tag(16); AAD "DKJ2".
 *                  The magic lets a reader find the next frame after a damaged one, even one whose length
 *                  field is damaged (scanJournalFrames).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const FILE_MAGIC = Buffer.from('DKA1');
const JOURNAL_AAD = Buffer.from('DKJ1');
const JOURNAL_V2 = Buffer.from('DKJ2');
export const FILE_OVERHEAD = 4 + 12 + 16;

export class ArchiveCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveCorruptError';
  }
}

export function encryptFile(key: Buffer, id: string, plain: Uint8Array): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.concat([FILE_MAGIC, Buffer.from(id, 'ascii')]));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([FILE_MAGIC, iv, body, c.getAuthTag()]);
}

export function decryptFile(key: Buffer, id: string, blob: Uint8Array): Buffer {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < FILE_OVERHEAD || !buf.subarray(0, 4).equals(FILE_MAGIC)) throw new ArchiveCorruptError('not an archive file (bad header or truncated)');
  try {
    const d = createDecipheriv('aes-256-gcm', key, buf.subarray(4, 16));
    d.setAAD(Buffer.concat([FILE_MAGIC, Buffer.from(id, 'ascii')]));
    d.setAuthTag(buf.subarray(buf.length - 16));
    // GCM's final() adds no bytes when decrypting: no concat, which would copy the whole instance once more.
    const plain = d.update(buf.subarray(16, buf.length - 16));
    const rest = d.final();
    return rest.length ? Buffer.concat([plain, rest]) : plain;
  } catch {
    throw new ArchiveCorruptError('authentication tag mismatch (file altered, truncated or encrypted with another key)');
  }
}

export function encryptFrame(key: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(JOURNAL_AAD);
  const body = Buffer.concat([c.update(plain), c.final()]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(12 + body.length + 16);
  return Buffer.concat([len, iv, body, c.getAuthTag()]);
}

/** Decodes frames until the end or the first torn/unauthenticated one; `validBytes` is where the good prefix ends. */
export function decryptFrames(key: Buffer, buf: Buffer): { frames: Buffer[]; validBytes: number; damaged: boolean } {
  const frames: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) return { frames, validBytes: pos, damaged: true };
    const len = buf.readUInt32LE(pos);
    if (len < 28 || pos + 4 + len > buf.length) return { frames, validBytes: pos, damaged: true };
    const frame = buf.subarray(pos + 4, pos + 4 + len);
    try {
      const d = createDecipheriv('aes-256-gcm', key, frame.subarray(0, 12));
      d.setAAD(JOURNAL_AAD);
      d.setAuthTag(frame.subarray(len - 16));
      frames.push(Buffer.concat([d.update(frame.subarray(12, len - 16)), d.final()]));
    } catch {
      return { frames, validBytes: pos, damaged: true };
    }
    pos += 4 + len;
  }
  return { frames, validBytes: pos, damaged: false };
}

/** An index journal frame (v2, see the top of this file). */
export function encryptJournalFrame(key: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(JOURNAL_V2);
  const body = Buffer.concat([c.update(plain), c.final()]);
  const head = Buffer.alloc(8);
  JOURNAL_V2.copy(head);
  head.writeUInt32LE(12 + body.length + 16, 4);
  return Buffer.concat([head, iv, body, c.getAuthTag()]);
}

/** One authenticated frame of the journal (`v1`: written before frames had the magic) or a damaged stretch. */
export type JournalItem = { kind: 'frame'; offset: number; end: number; plain: Buffer; v1: boolean } | { kind: 'damaged'; offset: number; end: number };

function openFrame(key: Buffer, buf: Buffer, pos: number, v2: boolean): { plain: Buffer; end: number } | undefined {
  const head = v2 ? 8 : 4;
  if (pos + head > buf.length) return undefined;
  const len = buf.readUInt32LE(pos + head - 4);
  if (len < 28 || pos + head + len > buf.length) return undefined;
  const frame = buf.subarray(pos + head, pos + head + len);
  try {
    const d = createDecipheriv('aes-256-gcm', key, frame.subarray(0, 12));
    d.setAAD(v2 ? JOURNAL_V2 : JOURNAL_AAD);
    d.setAuthTag(frame.subarray(len - 16));
    return { plain: Buffer.concat([d.update(frame.subarray(12, len - 16)), d.final()]), end: pos + head + len };
  } catch {
    return undefined;
  }
}

/**
 * Reads the index journal (v1 and v2 frames) frame by frame. A frame that does not authenticate becomes a
 * damaged stretch that ends at the next v2 frame that does (found by its magic), and reading goes on from
 * there; damage with no authenticated frame after it is a torn tail (a crash mid-append), cut at `validBytes`.
 */
export function scanJournalFrames(key: Buffer, buf: Buffer): { items: JournalItem[]; validBytes: number; tornTail: boolean } {
  const items: JournalItem[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const v2 = buf.subarray(pos, pos + 4).equals(JOURNAL_V2);
    // A v1 frame whose length happens to read "DKJ2" (843 MB) is not plausible, but is tried all the same.
    const f2 = v2 ? openFrame(key, buf, pos, true) : undefined;
    const f = f2 ?? openFrame(key, buf, pos, false);
    if (f) {
      items.push({ kind: 'frame', offset: pos, end: f.end, plain: f.plain, v1: !f2 });
      pos = f.end;
      continue;
    }
    let next = buf.indexOf(JOURNAL_V2, pos + 1);
    while (next !== -1 && !openFrame(key, buf, next, true)) next = buf.indexOf(JOURNAL_V2, next + 1);
    if (next === -1) return { items, validBytes: pos, tornTail: true };
    items.push({ kind: 'damaged', offset: pos, end: next });
    pos = next;
  }
  return { items, validBytes: pos, tornTail: false };
}
