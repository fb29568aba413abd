/**
 * The index journal `<root>/index.journal`: an append-only sequence of encrypted frames (crypto.ts), one
 * JSON record each (put/del/touch/pin/state), replayed into the ArchiveIndex at open. A record is written
 * (and fsynced, unless it is only an access time) before it is applied in memory, so the index never shows
 * what a crash would lose. Records are idempotent, so replaying a record twice changes nothing.
 *
 * Each record carries its number `n` (1, 2, 3… across compactions) and `p`, a hash of the record before it
 * (a chain), inside its encrypted frame. At open, a frame that does not authenticate, a gap in the numbers
 * (frames removed), a number that comes again (a frame replayed) or a broken chain is reported as damage
 * (JournalDamage: CLI `archive verify`, start-up notices, audit Security Alert) and reading goes on with the
 * next authenticated frame (crypto.ts scanJournalFrames), so the records after the damage are kept. The
 * damaged journal is copied to quarantine/ and the archive compacts it at open (recovery.ts). Records of
 * older versions (no `n`, v1 frames) are read as before and rewritten at the first open.
 *
 * A torn tail (damage with no authenticated frame after it: a crash mid-append) is cut at the last
 * authenticated frame at open, and is no error. A long journal is compacted into one snapshot frame by
 * temp + fsync + rename + fsync dir, so a crash leaves either the old journal or the new one, never half of one.
 *
 * `state.enc` is a second copy of the user state (pins, access times, study states, the removals of the
 * usage history), encrypted under the archive key and replaced durably after pins and study states change,
 * every STATE_EVERY records, at compaction and at close. When the journal lost records (damage, or a journal
 * shorter than the copy: missing, or an older copy put back), that state is taken from the copy, except
 * what records newer than the copy changed, so a pin survives an index rebuilt from the files.
 */
import { promises as fs } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { ArchiveIndex, StudyCompleteness, StudyMeta } from './archiveIndex';
import { decryptFile, encryptFile, encryptJournalFrame, scanJournalFrames } from './crypto';
import { ArchiveKeyError } from './keyProvider';
import { hasObjects } from './objectFiles';
import { fsyncDir, replaceFileDurably, writeSyncedFile } from '../store/durableFile';
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

export const JOURNAL_FILE = 'index.journal';
export const STATE_FILE = 'state.enc';
/** The id bound into state.enc's authentication (crypto.ts encryptFile): it cannot pass for an instance file. */
const STATE_ID = 'user-state';
/** Records between two copies of the user state, at the most (pins and study states are copied at once). */
export const STATE_EVERY = 256;

/** A record as framed: its number and the hash of the record before it (absent in records of older versions). */
type Chained = JournalRecord & { n?: number; p?: string };

/** The second copy of the user state (state.enc). */
export interface UserState {
  v: 1;
  /** The number of the last journal record it covers. */
  n: number;
  /** The highest access sequence number. */
  seq: number;
  meta: [string, StudyMeta][];
  removed: readonly RemovedSpan[];
}

/** Records newer than the copy of the user state, which win over it. */
export interface NewerThanCopy {
  pins: Set<string>;
  states: Set<string>;
}

/** A damaged place in the journal (or in the copy of the user state), found at open or by `archive verify`. */
export interface JournalDamage {
  /** index.journal or state.enc, in the archive folder. */
  file: string;
  /** Position of the damaged frame in the journal, 1 for the first (a damaged stretch counts as one frame). */
  frame?: number;
  /** Where the damage starts in the file (bytes), and how many bytes it spans (0: frames missing there). */
  offset?: number;
  bytes?: number;
  /** Records lost there, from the gap in the record numbers; absent where that cannot be known. */
  lost?: number;
  /** Intact records after it, kept. */
  keptAfter?: number;
  reason: string;
  /** A copy of the damaged journal set aside for inspection (quarantine/…, still encrypted). */
  copy?: string;
}

/** The damage in one sentence, for the start-up notices and the audit record. */
export function describeJournalDamage(d: JournalDamage): string {
  if (d.file !== JOURNAL_FILE) return `The archive's ${d.file} is damaged: ${d.reason}.`;
  const bytes = d.bytes ? `, ${d.bytes} bytes` : '';
  const where = d.frame !== undefined ? `frame ${d.frame} (byte ${d.offset ?? '?'}${bytes})` : `byte ${d.offset ?? '?'}${bytes}`;
  const lost = d.lost === undefined ? 'an unknown number of records lost' : `${d.lost} record${d.lost === 1 ? '' : 's'} lost`;
  const kept = d.keptAfter === undefined ? '' : `, the ${d.keptAfter} record${d.keptAfter === 1 ? '' : 's'} after it kept`;
  return `The archive index journal is damaged at ${where}: ${d.reason}; ${lost}${kept}${d.copy ? `; the damaged journal was copied to ${d.copy}` : ''}.`;
}

const chainHash = (plain: Buffer): string => createHash('sha256').update(plain).digest('base64').slice(0, 22);

/** The journal's records in order, and what is wrong with it; applies nothing. */
export interface JournalRead {
  records: { rec: Chained; offset: number }[];
  damage: JournalDamage[];
  tornTail: boolean;
  validBytes: number;
  /** Frames in the v1 format or records without numbers: the journal is rewritten at open. */
  older: boolean;
  lastN: number | undefined;
  lastHash: string | undefined;
  /** Authenticated frames: 0 with bytes there means another key (or no journal at all). */
  frames: number;
}

/** Reads the journal `raw`: every authenticated record in order, checking numbers and chain (see the top). */
export function readJournal(key: Buffer, raw: Buffer): JournalRead {
  const scan = scanJournalFrames(key, raw);
  const out: JournalRead = { records: [], damage: [], tornTail: scan.tornTail, validBytes: scan.validBytes, older: false, lastN: undefined, lastHash: undefined, frames: 0 };
  let frameNo = 0;
  let pending: JournalDamage | undefined;
  const damaged = (offset: number, end: number, reason: string): void => {
    if (pending) out.damage.push(pending);
    pending = { file: JOURNAL_FILE, frame: frameNo, offset, bytes: end - offset, reason };
    out.lastHash = undefined;
  };
  for (const item of scan.items) {
    frameNo++;
    if (item.kind === 'damaged') {
      damaged(item.offset, item.end, 'it fails authentication (altered or damaged)');
      continue;
    }
    out.frames++;
    let rec: Chained;
    try {
      rec = JSON.parse(item.plain.toString('utf8')) as Chained;
    } catch {
      damaged(item.offset, item.end, 'it authenticates but holds no readable record');
      continue;
    }
    if (item.v1 || rec.n === undefined) out.older = true;
    const { n } = rec;
    const last = out.lastN;
    if (n !== undefined && last !== undefined && n <= last) {
      out.damage.push({ file: JOURNAL_FILE, frame: frameNo, offset: item.offset, bytes: item.end - item.offset, reason: `record ${n} comes again after record ${last} (a copied or replayed frame), left out` });
      continue;
    }
    if (pending) {
      if (n !== undefined && last !== undefined) pending.lost = n - last - 1;
      out.damage.push(pending);
      pending = undefined;
    } else if (n !== undefined && last !== undefined && n > last + 1) {
      const lost = n - last - 1;
      out.damage.push({ file: JOURNAL_FILE, frame: frameNo, offset: item.offset, bytes: 0, lost, reason: lost === 1 ? `record ${last + 1} is missing (a frame removed)` : `records ${last + 1} to ${n - 1} are missing (frames removed)` });
    } else if (n !== undefined && out.lastHash !== undefined && rec.p !== undefined && rec.p !== out.lastHash) {
      out.damage.push({ file: JOURNAL_FILE, frame: frameNo, offset: item.offset, bytes: item.end - item.offset, reason: `record ${n} does not follow the record before it (the chain is broken: a frame was replaced)` });
    }
    if (n !== undefined) out.lastN = n;
    out.lastHash = chainHash(item.plain);
    out.records.push({ rec, offset: item.offset });
  }
  if (pending) out.damage.push(pending);
  for (const d of out.damage) {
    const from = d.offset! + (d.bytes ?? 0);
    d.keptAfter = out.records.filter((r) => r.offset >= from).length;
  }
  return out;
}

export class Journal {
  private handle: fs.FileHandle | undefined;
  private records = 0;
  /** The number of the last record written, and the hash of its plaintext (the chain). */
  private lastN = 0;
  private lastHash: string | undefined;
  private sinceState = 0;
  private older = false;
  /** What load() found wrong (journal and copy of the user state); empty when all was well. */
  readonly damage: JournalDamage[] = [];
  /** Whether load() took pins, access times and study states from the copy (state.enc). */
  restored = false;

  constructor(
    private readonly root: string,
    private readonly key: Buffer,
    private readonly index: ArchiveIndex,
  ) {}

  get path(): string {
    return path.join(this.root, JOURNAL_FILE);
  }

  get statePath(): string {
    return path.join(this.root, STATE_FILE);
  }

  /** More than twice as many records as instances (plus slack): worth rewriting as one snapshot. */
  get needsCompaction(): boolean {
    return this.records > 2 * this.index.files.size + 1000;
  }

  /** The journal holds frames or records of an older version (no numbers, no chain): rewrite it. */
  get needsMigration(): boolean {
    return this.older;
  }

  /**
   * Replays the journal into the index, reporting damage in `damage` and taking the user state from the
   * copy when records were lost, and opens the journal for appending; true when a torn tail was cut off.
   */
  async load(): Promise<boolean> {
    let raw: Buffer = Buffer.alloc(0);
    try {
      raw = await fs.readFile(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const read = readJournal(this.key, raw);
    if (read.tornTail && read.frames === 0 && raw.length > 64 && (await hasObjects(this.root))) {
      // Not a torn tail but a journal this key cannot read at all: refuse rather than rebuild over it.
      throw new ArchiveKeyError(`The archive index ${this.path} cannot be decrypted with this key`);
    }
    const state = await this.readState();
    const newer: NewerThanCopy = { pins: new Set(), states: new Set() };
    for (const { rec } of read.records) {
      this.index.apply(rec);
      if (state && rec.n !== undefined && rec.n > state.n) {
        if (rec.t === 'pin') newer.pins.add(rec.st);
        else if (rec.t === 'state') newer.states.add(rec.st);
      }
    }
    this.records = read.records.length;
    this.lastHash = read.lastHash;
    this.older = read.older;
    // Numbers go on after the copy's even when the journal lost its end, so "newer than the copy" stays true.
    this.lastN = Math.max(read.lastN ?? 0, state?.n ?? 0);
    if (read.damage.length) {
      const copy = path.join('quarantine', `${Date.now()}-${randomBytes(4).toString('hex')}-${JOURNAL_FILE}`);
      // The copy is for inspection only: a full disk must not keep the archive from opening.
      const kept = await fs
        .mkdir(path.join(this.root, 'quarantine'), { recursive: true, mode: 0o700 })
        .then(() => writeSyncedFile(path.join(this.root, copy), raw))
        .then(() => true, () => false);
      for (const d of read.damage) this.damage.push(kept ? { ...d, copy } : d);
    }
    if (state && (read.damage.length > 0 || (read.lastN ?? 0) < state.n)) {
      this.index.restoreUserState(state, newer);
      this.restored = true;
    }
    if (read.tornTail) await fs.truncate(this.path, read.validBytes);
    this.handle = await fs.open(this.path, 'a', 0o600);
    return read.tornTail;
  }

  /** The copy of the user state, or undefined (none yet, or unreadable: reported in `damage`). */
  private async readState(): Promise<UserState | undefined> {
    let blob: Buffer;
    try {
      blob = await fs.readFile(this.statePath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const state = JSON.parse(decryptFile(this.key, STATE_ID, blob).toString('utf8')) as UserState;
      if (state.v !== 1 || !Number.isInteger(state.n) || !Array.isArray(state.meta)) throw new Error('not a copy of the user state this version knows');
      return state;
    } catch (err) {
      this.damage.push({ file: STATE_FILE, reason: `the copy of pins and access times cannot be read (${err instanceof Error ? err.message : String(err)}); it is written again` });
      return undefined;
    }
  }

  /**
   * Copies the user state where a failure must not fail what was already journalled (a put, a pin, the
   * close): the journal stays the first copy, and the next save tries again.
   */
  private async copyState(): Promise<void> {
    await this.saveState().catch(() => undefined);
  }

  /** Replaces state.enc with the user state now (temp file in tmp/, removed at open if a crash leaves it). */
  private async saveState(): Promise<void> {
    const meta = [...this.index.meta].filter(([st, m]) => m.pinned || this.index.byStudy.has(st));
    const state: UserState = { v: 1, n: this.lastN, seq: this.index.seq, meta, removed: this.index.removed };
    const blob = encryptFile(this.key, STATE_ID, Buffer.from(JSON.stringify(state), 'utf8'));
    await replaceFileDurably(this.statePath, blob, path.join(this.root, 'tmp', `state-${randomBytes(8).toString('hex')}`));
    this.sinceState = 0;
  }

  /** Frames `records`, numbered and chained after the last one written; the numbering moves on once written. */
  private frame(records: JournalRecord[]): { bytes: Buffer; lastN: number; lastHash: string | undefined } {
    let { lastN, lastHash } = this;
    const bytes = Buffer.concat(
      records.map((r) => {
        const plain = Buffer.from(JSON.stringify({ ...r, n: ++lastN, p: lastHash }), 'utf8');
        lastHash = chainHash(plain);
        return encryptJournalFrame(this.key, plain);
      }),
    );
    return { bytes, lastN, lastHash };
  }

  /** Writes records to the journal (fsynced when `durable`) and then applies them in memory. */
  async append(records: JournalRecord[], durable: boolean): Promise<void> {
    if (!this.handle) throw new Error('The archive is closed');
    const { bytes, lastN, lastHash } = this.frame(records);
    await this.handle.write(bytes);
    if (durable) await this.handle.datasync();
    this.lastN = lastN;
    this.lastHash = lastHash;
    this.records += records.length;
    this.sinceState += records.length;
    for (const r of records) this.index.apply(r);
    // Pins and study states are what a reader set by hand or waited for: copied at once; the rest now and then.
    if (records.some((r) => r.t === 'pin' || r.t === 'state') || this.sinceState >= STATE_EVERY) await this.copyState();
  }

  /** Journals the removal of instances (durably), with the time for the usage history. */
  drop(ids: string[]): Promise<void> {
    const at = Date.now();
    return this.append(ids.map((f) => ({ t: 'del', f, at })), true);
  }

  /** Rewrites the journal as one snapshot frame: temp file, fsync, rename, fsync the folder; then the copy of the user state. */
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
    const { bytes, lastN, lastHash } = this.frame([snap]);
    const tmp = path.join(this.root, 'tmp', `journal-${randomBytes(8).toString('hex')}`);
    await writeSyncedFile(tmp, bytes);
    await this.handle?.close();
    await fs.rename(tmp, this.path);
    await fsyncDir(this.root);
    this.handle = await fs.open(this.path, 'a', 0o600);
    this.lastN = lastN;
    this.lastHash = lastHash;
    this.records = 1;
    this.older = false;
    await this.copyState();
  }

  /** Copies the user state (access times journalled last) and closes the journal file. */
  async close(): Promise<void> {
    if (this.handle) await this.copyState();
    await this.handle?.close();
    this.handle = undefined;
  }
}
