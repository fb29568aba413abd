/**
 * The index journal `<root>/index.journal`: an append-only sequence of encrypted frames (crypto.ts), one
 * JSON record each (put/del/touch/pin/state), replayed into the ArchiveIndex at open. A record is written
 * (and fsynced, unless it is only an access time) before it is applied in memory, so the index never shows
 * what a crash would lose. Records are idempotent, so replaying a record twice changes nothing.
 *
 * A torn tail (a crash mid-append) is cut at the last authenticated frame at open. A long journal is
 * compacted into one snapshot frame by temp + fsync + rename + fsync dir, so a crash leaves either the old
 * journal or the new one, never half of one.
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { ArchiveIndex, StudyCompleteness, StudyMeta } from './archiveIndex';
import { decryptFrames, encryptFrame } from './crypto';
import { ArchiveKeyError } from './keyProvider';
import { hasObjects } from './objectFiles';
import { fsyncDir, writeSyncedFile } from '../store/durableFile';
import type { RemovedSpan } from './usage';

export interface PutRecord {
  t: 'put';
  f: string;
  st: string;
  se: string;
  sop: string;
  size: number;
  stored: number;
  node?: string;
  md: DicomJsonDataset;
  at: number;
  seq: number;
  /** When the instance was stored (epoch ms); absent in records of older versions. */
  storedAt?: number;
  /** Content hash (completeness.ts contentHash) of a complete instance; absent in records of older versions,
   *  whose file was not checked for completeness when stored. */
  h?: string;
}
export interface TouchRecord {
  t: 'touch';
  st: string;
  at: number;
  seq: number;
}
export type JournalRecord =
  | PutRecord
  | { t: 'del'; f: string; at?: number }
  | TouchRecord
  | { t: 'pin'; st: string; v: boolean }
  | { t: 'state'; st: string; v: StudyCompleteness | null }
  | { t: 'snap'; seq: number; meta: [string, StudyMeta][]; puts: PutRecord[]; removed?: readonly RemovedSpan[] };

/** The record of a new instance: stored now, and the most recently used study from now on. */
export function putRecord(index: ArchiveIndex, f: string, st: string, se: string, sop: string, size: number, stored: number, md: DicomJsonDataset, node?: string, hash?: string): PutRecord {
  const seq = index.nextSeq();
  const now = Date.now();
  const rec: PutRecord = { t: 'put', f, st, se, sop, size, stored, md, at: now, seq, storedAt: now };
  if (node) rec.node = node;
  if (hash) rec.h = hash;
  return rec;
}

export class Journal {
  private handle: fs.FileHandle | undefined;
  private records = 0;

  constructor(
    private readonly root: string,
    private readonly key: Buffer,
    private readonly index: ArchiveIndex,
  ) {}

  get path(): string {
    return path.join(this.root, 'index.journal');
  }

  /** More than twice as many records as instances (plus slack): worth rewriting as one snapshot. */
  get needsCompaction(): boolean {
    return this.records > 2 * this.index.files.size + 1000;
  }

  /** Replays the journal into the index and opens it for appending; true when a torn tail was cut off. */
  async load(): Promise<boolean> {
    let raw: Buffer = Buffer.alloc(0);
    try {
      raw = await fs.readFile(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const { frames, validBytes, damaged } = decryptFrames(this.key, raw);
    if (damaged && frames.length === 0 && validBytes === 0 && raw.length > 64 && (await hasObjects(this.root))) {
      // Not a torn tail but a journal this key cannot read at all: refuse rather than rebuild over it.
      throw new ArchiveKeyError(`The archive index ${this.path} cannot be decrypted with this key`);
    }
    for (const frame of frames) this.index.apply(JSON.parse(frame.toString('utf8')) as JournalRecord);
    this.records = frames.length;
    if (damaged) await fs.truncate(this.path, validBytes);
    this.handle = await fs.open(this.path, 'a', 0o600);
    return damaged;
  }

  /** Writes records to the journal (fsynced when `durable`) and then applies them in memory. */
  async append(records: JournalRecord[], durable: boolean): Promise<void> {
    if (!this.handle) throw new Error('The archive is closed');
    const bytes = Buffer.concat(records.map((r) => encryptFrame(this.key, Buffer.from(JSON.stringify(r), 'utf8'))));
    await this.handle.write(bytes);
    if (durable) await this.handle.datasync();
    this.records += records.length;
    for (const r of records) this.index.apply(r);
  }

  /** Journals the removal of instances (durably), with the time for the usage history. */
  drop(ids: string[]): Promise<void> {
    const at = Date.now();
    return this.append(ids.map((f) => ({ t: 'del', f, at })), true);
  }

  /** Rewrites the journal as one snapshot frame: temp file, fsync, rename, fsync the folder. */
  async compact(): Promise<void> {
    const puts: PutRecord[] = [];
    for (const [f, w] of this.index.files) {
      const e = this.index.entry(w.st, w.se, w.sop)!;
      const rec: PutRecord = { t: 'put', f, st: w.st, se: w.se, sop: w.sop, size: e.size, stored: e.stored, md: e.metadata, at: 0, seq: 0, storedAt: e.storedAt };
      if (e.node) rec.node = e.node;
      if (e.hash) rec.h = e.hash;
      puts.push(rec);
    }
    // Pins outlive their study (a study may be pinned before it arrives); other metadata does not.
    const meta = [...this.index.meta].filter(([st, m]) => m.pinned || this.index.byStudy.has(st));
    this.index.trimRemoved(Date.now());
    const snap: JournalRecord = { t: 'snap', seq: this.index.seq, meta, puts, removed: this.index.removed };
    const tmp = path.join(this.root, 'tmp', `journal-${randomBytes(8).toString('hex')}`);
    await writeSyncedFile(tmp, encryptFrame(this.key, Buffer.from(JSON.stringify(snap), 'utf8')));
    await this.handle?.close();
    await fs.rename(tmp, this.path);
    await fsyncDir(this.root);
    this.handle = await fs.open(this.path, 'a', 0o600);
    this.records = 1;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
