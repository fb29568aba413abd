/**
 * The audit log's files in `<dataDir>/audit/`, all encrypted (AES-256-GCM, fresh nonce each):
 *   audit.log   append-only frames, one record each: u32 LE length | nonce | ciphertext | tag (the archive
 *               journal's frame format, ../archive/crypto), the plaintext a record's JSON;
 *   head.enc    the last index, its hash and the log's length after it (the archive's file format, replaced
 *               atomically after each append), so a tail cut off the log is noticed;
 *   key.json    the log's key, wrapped (auditKey.ts); append.lock: one appender at a time, across processes.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { decryptFile, decryptFrames, encryptFile } from '../archive/crypto';
import { replaceFileDurably } from '../store/durableFile';

export const AUDIT_LOG_FILE = 'audit.log';
export const AUDIT_HEAD_FILE = 'head.enc';
const HEAD_AAD_ID = 'audithead1';

export interface StoredHead {
  lastIndex: number;
  hash: string;
  /** The log's length in bytes just after the last record: what lies beyond was never acknowledged. */
  bytes: number;
}

export type HeadState = { kind: 'none' } | { kind: 'ok'; head: StoredHead } | { kind: 'unreadable' };

export async function readHead(dir: string, key: Buffer): Promise<HeadState> {
  let blob: Buffer;
  try {
    blob = await fs.readFile(path.join(dir, AUDIT_HEAD_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw err;
  }
  try {
    const head = JSON.parse(decryptFile(key, HEAD_AAD_ID, blob).toString('utf8')) as Partial<StoredHead>;
    if (typeof head.lastIndex !== 'number' || typeof head.hash !== 'string' || typeof head.bytes !== 'number') return { kind: 'unreadable' };
    return { kind: 'ok', head: { lastIndex: head.lastIndex, hash: head.hash, bytes: head.bytes } };
  } catch {
    return { kind: 'unreadable' };
  }
}

/** Replaces the head atomically: temp file, fsync, rename, fsync the folder. */
export async function writeHead(dir: string, key: Buffer, head: StoredHead): Promise<void> {
  const tmp = path.join(dir, 'tmp', `head-${randomBytes(6).toString('hex')}`);
  await replaceFileDurably(path.join(dir, AUDIT_HEAD_FILE), encryptFile(key, HEAD_AAD_ID, Buffer.from(JSON.stringify(head), 'utf8')), tmp);
}

export type Frame = { kind: 'ok'; plain: Buffer; start: number; end: number } | { kind: 'unreadable'; start: number; end: number };

/**
 * The frames of `buf`, going on past a frame that fails authentication (its length prefix still says where
 * the next one starts). `tornAt` is where an incomplete frame begins: a crash mid-append, or a cut.
 */
export function splitFrames(key: Buffer, buf: Buffer, from = 0): { frames: Frame[]; tornAt?: number } {
  const frames: Frame[] = [];
  let pos = from;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) return { frames, tornAt: pos };
    const len = buf.readUInt32LE(pos);
    if (len < 28 || pos + 4 + len > buf.length) return { frames, tornAt: pos };
    const end = pos + 4 + len;
    const { frames: one } = decryptFrames(key, buf.subarray(pos, end));
    frames.push(one[0] ? { kind: 'ok', plain: one[0], start: pos, end } : { kind: 'unreadable', start: pos, end });
    pos = end;
  }
  return { frames };
}

