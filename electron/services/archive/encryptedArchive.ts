/**
 * The encrypted local archive: the InstanceStore the gateway, jobs, federation and CLI use.
 *
 * Layout of `<root>` (no UID or PHI in any name; every byte of every file is ciphertext or random):
 *   key.json                      the random 32-byte data key, wrapped by a KeyProvider
 *   objects/<2 hex>/<32 hex>.dka  one Part 10 instance each, AES-256-GCM (see crypto.ts)
 *   index.journal                 encrypted append-only journal of index changes (put/del/touch/pin/state),
 *                                 compacted into one snapshot frame by temp + fsync + rename
 *   tmp/                          writes in progress (already-encrypted bytes), emptied at open
 *   quarantine/                   files that failed authentication at open, kept encrypted for inspection
 *
 * Why the index keeps each instance's metadata (encrypted, in the journal) instead of recomputing it at
 * open: recomputing means decrypting and parsing every file (≈5 GB for 10k CT slices), while the journal
 * is a few kB per instance, so opening 10k instances costs one read + JSON.parse of tens of MB.
 *
 * Crash safety, per put: encrypt → temp file → fsync → rename into objects/ → fsync dir → journal frame
 * → fsync. A crash before the rename leaves only a temp file (deleted at open); after the rename but before
 * the journal frame, an orphan object, re-indexed at open (quarantined if it does not authenticate). A torn
 * journal tail is cut at the last authenticated frame. Index entries whose file is gone are dropped.
 * Eviction deletes the files first and then journals the deletion, so a crash cannot resurrect half a study
 * in the index pointing at nothing.
 *
 * Quota: with `quotaBytes`, a put that would exceed it first evicts whole studies, least recently used
 * first (last access = last read or write), never a pinned study, never the study being written and never a
 * study in use. "In use" is a refcount: `openStudy(uid)` when a viewer opens a study and `closeStudy(uid)`
 * when it closes it (each readInstance also holds the study for its duration). If nothing evictable is left
 * the put fails with ArchiveQuotaError.
 *
 * Usage over time: every put record carries `storedAt` (epoch ms) and every deletion record its time, so
 * `usage()` can give the cumulative total per day (last 90 days) and a linear projection of when the quota
 * fills (usageHistory.ts). Records written before `storedAt` existed count as stored when the archive was
 * created (the modification time of `key.json`, written once when the folder is first opened; the time of
 * this open if it cannot be read); deletions journalled without a time are not in the history (their bytes
 * drop out of every day). Compaction keeps removals of the last 91 days in the snapshot, merged per minute.
 * The quota can be changed while open (`setQuota`), evicting at once in the same LRU order as a put.
 *
 * One process at a time opens an archive folder: `<root>/lock` holds the owner's pid; another live process
 * gets ArchiveBusyError, a dead owner's lock (kill -9) is taken over.
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { seriesUid, sopUid, studyUid, type SeriesInstanceUid, type SopInstanceUid, type StudyInstanceUid } from '../../../common/dicom/uid';
import { readPart10Header } from '../dicom/part10';
import type { InstanceStore, PutOutcome, StoreCounts } from '../store/instanceStore';
import { ArchiveCorruptError, decryptFile, decryptFrames, encryptFile, encryptFrame } from './crypto';
import { ArchiveKeyError, type KeyProvider } from './keyProvider';
import { HISTORY_DAYS, projectUsage, usageHistory, type StoredSpan, type UsageDay, type UsageProjection } from './usageHistory';
import { instanceDatasets, seriesDatasets, studyDatasets } from '../store/studyIndexViews';
import { fsyncDir, writeSyncedFile } from '../store/durableFile';

export { ArchiveCorruptError } from './crypto';

export class ArchiveQuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveQuotaError';
  }
}
export class ArchiveBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveBusyError';
  }
}

export type StudyCompleteness = 'complete' | 'partial';

export interface ArchiveOptions {
  keyProvider: KeyProvider;
  /** Size limit of the instance files in bytes (encrypted size); unlimited when absent. */
  quotaBytes?: number;
  /** Called for every file set aside at open (quarantined), with the reason. */
  onSkip?: (file: string, reason: string) => void;
}

export interface PutOptions {
  /** The PACS node the instance came from (kept in the index). */
  sourceNode?: string;
}

export interface StartupReport {
  journalTruncated: boolean;
  tempFilesRemoved: number;
  reindexed: number;
  dropped: number;
  quarantined: number;
}

export interface VerifyProblem {
  file: string;
  study?: string;
  series?: string;
  instance?: string;
  reason: string;
}
export interface VerifyReport {
  checked: number;
  corrupt: VerifyProblem[];
  missing: VerifyProblem[];
  orphans: VerifyProblem[];
}

export interface StudyUsage {
  study: string;
  bytes: number;
  instances: number;
  modalities: string[];
  pinned: boolean;
  inUse: boolean;
  lastAccess: string;
  state?: StudyCompleteness;
  sourceNodes: string[];
}
export interface ArchiveUsage {
  totalBytes: number;
  quotaBytes?: number;
  byModality: Record<string, number>;
  /** Least recently used first (the eviction order). */
  studies: StudyUsage[];
  /** Cumulative stored bytes at the end of each of the last 90 days (local days), oldest first. */
  history: UsageDay[];
  /** Growth over the last 30 days and the day the quota fills at that rate. */
  projection: UsageProjection;
  /** The archive folder. */
  location: string;
}

export interface SetQuotaResult {
  /** Studies evicted to get under the new quota (LRU order). */
  evicted: string[];
  /** Bytes freed by those evictions. */
  bytes: number;
}

interface InstanceEntry {
  file: string;
  size: number;
  stored: number;
  /** When it was put (epoch ms); see the header comment for records without it. */
  storedAt: number;
  node?: string;
  metadata: DicomJsonDataset;
}
interface SeriesEntry {
  instances: Map<string, InstanceEntry>;
}
interface StudyEntry {
  series: Map<string, SeriesEntry>;
}
interface StudyMeta {
  pinned: boolean;
  lastAccess: number;
  seq: number;
  state?: StudyCompleteness;
}

interface PutRecord {
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
}
/** A removal kept for the usage history: [storedAt, removedAt, bytes]. */
type RemovedSpan = [number, number, number];
type JournalRecord =
  | PutRecord
  | { t: 'del'; f: string; at?: number }
  | { t: 'touch'; st: string; at: number; seq: number }
  | { t: 'pin'; st: string; v: boolean }
  | { t: 'state'; st: string; v: StudyCompleteness | null }
  | { t: 'snap'; seq: number; meta: [string, StudyMeta][]; puts: PutRecord[]; removed?: RemovedSpan[] };

const FILE_NAME = /^([0-9a-f]{32})\.dka$/;
const TOUCH_PERSIST_MS = 2000;



export class EncryptedArchive implements InstanceStore {
  private readonly index = new Map<string, StudyEntry>();
  private readonly meta = new Map<string, StudyMeta>();
  private readonly files = new Map<string, { st: string; se: string; sop: string }>();
  private readonly listeners = new Set<() => void>();
  private readonly inUse = new Map<string, number>();
  private readonly touchPersisted = new Map<string, number>();
  /** Removed instances (for the usage history), trimmed to the history window at compaction. */
  private removed: RemovedSpan[] = [];
  private plainBytes = 0;
  private storedBytes = 0;
  private seq = 0;
  private journal: fs.FileHandle | undefined;
  private journalRecords = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  readonly startup: StartupReport = { journalTruncated: false, tempFilesRemoved: 0, reindexed: 0, dropped: 0, quarantined: 0 };

  private constructor(
    readonly root: string,
    private readonly key: Buffer,
    private quota: number | undefined,
    /** When the archive was created: the storedAt of index records written before storedAt existed. */
    readonly createdAt: number,
  ) {}

  /** The size limit in bytes (encrypted size); undefined when unlimited. */
  get quotaBytes(): number | undefined {
    return this.quota;
  }

  /** Opens (creating if needed) an archive folder and runs the start-up recovery pass. */
  static async open(dir: string, options: ArchiveOptions): Promise<EncryptedArchive> {
    const root = path.resolve(dir);
    for (const d of ['objects', 'tmp', 'quarantine']) await fs.mkdir(path.join(root, d), { recursive: true, mode: 0o700 });
    await takeLock(root);
    try {
      const key = await loadDataKey(root, options.keyProvider);
      const createdAt = await fs.stat(path.join(root, 'key.json')).then((st) => st.mtimeMs, () => Date.now());
      const archive = new EncryptedArchive(root, key, checkQuota(options.quotaBytes), Math.min(createdAt, Date.now()));
      await archive.recover(options.onSkip ?? (() => {}));
      return archive;
    } catch (err) {
      await releaseLock(root);
      throw err;
    }
  }

  private get journalPath(): string {
    return path.join(this.root, 'index.journal');
  }
  private objectPath(id: string): string {
    return path.join(this.root, 'objects', id.slice(0, 2), `${id}.dka`);
  }

  private async recover(onSkip: (file: string, reason: string) => void): Promise<void> {
    const tmpDir = path.join(this.root, 'tmp');
    for (const f of await fs.readdir(tmpDir)) {
      await fs.rm(path.join(tmpDir, f), { force: true, recursive: true });
      this.startup.tempFilesRemoved++;
    }
    let raw: Buffer = Buffer.alloc(0);
    try {
      raw = await fs.readFile(this.journalPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const { frames, validBytes, damaged } = decryptFrames(this.key, raw);
    if (damaged && frames.length === 0 && validBytes === 0 && raw.length > 64 && (await this.hasObjects())) {
      // Not a torn tail but a journal this key cannot read at all: refuse rather than rebuild over it.
      throw new ArchiveKeyError(`The archive index ${this.journalPath} cannot be decrypted with this key`);
    }
    for (const frame of frames) this.apply(JSON.parse(frame.toString('utf8')) as JournalRecord);
    this.journalRecords = frames.length;
    if (damaged) {
      this.startup.journalTruncated = true;
      await fs.truncate(this.journalPath, validBytes);
    }
    this.journal = await fs.open(this.journalPath, 'a', 0o600);

    // Files and index must agree.
    const onDisk = new Set<string>();
    const objects = path.join(this.root, 'objects');
    for (const sub of await fs.readdir(objects)) {
      const subDir = path.join(objects, sub);
      let names: string[];
      try {
        names = await fs.readdir(subDir);
      } catch {
        continue;
      }
      for (const name of names) {
        const file = path.join(subDir, name);
        const m = FILE_NAME.exec(name);
        if (!m || m[1]!.slice(0, 2) !== sub) {
          await this.quarantine(file, 'unexpected file name in the archive', onSkip);
          continue;
        }
        const id = m[1]!;
        const known = this.files.get(id);
        if (known) {
          const entry = this.entry(known.st, known.se, known.sop)!;
          const st = await fs.stat(file);
          if (st.size !== entry.stored) {
            await this.quarantine(file, `size ${st.size} differs from the index (${entry.stored})`, onSkip);
            await this.dropEntries([id]);
            this.startup.dropped++;
            continue;
          }
          onDisk.add(id);
          continue;
        }
        // An orphan: written and renamed, but the process died before the journal frame.
        try {
          const blob = await fs.readFile(file);
          const plain = decryptFile(this.key, id, blob);
          const header = readPart10Header(plain);
          const st = studyUid(getString(header.dataset, Tag.StudyInstanceUID));
          const se = seriesUid(getString(header.dataset, Tag.SeriesInstanceUID));
          const sop = sopUid(getString(header.dataset, Tag.SOPInstanceUID));
          if (this.entry(st, se, sop)) {
            await fs.rm(file, { force: true });
            continue;
          }
          await this.append([this.putRecord(id, st, se, sop, plain.byteLength, blob.byteLength, header.dataset)], true);
          onDisk.add(id);
          this.startup.reindexed++;
        } catch (err) {
          await this.quarantine(file, err instanceof Error ? err.message : String(err), onSkip);
        }
      }
    }
    const gone = [...this.files.keys()].filter((id) => !onDisk.has(id));
    if (gone.length) {
      await this.dropEntries(gone);
      this.startup.dropped += gone.length;
    }
    if (this.startup.journalTruncated || this.journalRecords > 2 * this.files.size + 1000) await this.compact();
  }

  private async hasObjects(): Promise<boolean> {
    for (const sub of await fs.readdir(path.join(this.root, 'objects'))) {
      try {
        if ((await fs.readdir(path.join(this.root, 'objects', sub))).length) return true;
      } catch {
        // not a folder
      }
    }
    return false;
  }

  private async quarantine(file: string, reason: string, onSkip: (file: string, reason: string) => void): Promise<void> {
    const target = path.join(this.root, 'quarantine', `${Date.now()}-${randomBytes(4).toString('hex')}-${path.basename(file)}`);
    await fs.rename(file, target);
    this.startup.quarantined++;
    onSkip(target, reason);
  }

  private putRecord(f: string, st: string, se: string, sop: string, size: number, stored: number, md: DicomJsonDataset, node?: string): PutRecord {
    this.seq++;
    const now = Date.now();
    const rec: PutRecord = { t: 'put', f, st, se, sop, size, stored, md, at: now, seq: this.seq, storedAt: now };
    if (node) rec.node = node;
    return rec;
  }

  private metaFor(st: string): StudyMeta {
    let m = this.meta.get(st);
    if (!m) this.meta.set(st, (m = { pinned: false, lastAccess: 0, seq: 0 }));
    return m;
  }

  /** Applies one journal record to the in-memory index (records are idempotent). */
  private apply(rec: JournalRecord): void {
    switch (rec.t) {
      case 'put': {
        if (this.files.has(rec.f) || this.entry(rec.st, rec.se, rec.sop)) return;
        let st = this.index.get(rec.st);
        if (!st) this.index.set(rec.st, (st = { series: new Map() }));
        let se = st.series.get(rec.se);
        if (!se) st.series.set(rec.se, (se = { instances: new Map() }));
        const entry: InstanceEntry = { file: rec.f, size: rec.size, stored: rec.stored, storedAt: rec.storedAt ?? this.createdAt, metadata: rec.md };
        if (rec.node) entry.node = rec.node;
        se.instances.set(rec.sop, entry);
        this.files.set(rec.f, { st: rec.st, se: rec.se, sop: rec.sop });
        this.plainBytes += rec.size;
        this.storedBytes += rec.stored;
        const m = this.metaFor(rec.st);
        if (rec.seq >= m.seq) Object.assign(m, { seq: rec.seq, lastAccess: rec.at });
        this.seq = Math.max(this.seq, rec.seq);
        return;
      }
      case 'del': {
        const where = this.files.get(rec.f);
        if (!where) return;
        this.files.delete(rec.f);
        const st = this.index.get(where.st);
        const se = st?.series.get(where.se);
        const entry = se?.instances.get(where.sop);
        if (!st || !se || !entry) return;
        se.instances.delete(where.sop);
        if (rec.at !== undefined) this.removed.push([entry.storedAt, rec.at, entry.stored]);
        this.plainBytes -= entry.size;
        this.storedBytes -= entry.stored;
        if (se.instances.size === 0) st.series.delete(where.se);
        if (st.series.size === 0) {
          this.index.delete(where.st);
          if (!this.meta.get(where.st)?.pinned) this.meta.delete(where.st);
        }
        return;
      }
      case 'touch': {
        const m = this.metaFor(rec.st);
        if (rec.seq >= m.seq) Object.assign(m, { seq: rec.seq, lastAccess: rec.at });
        this.seq = Math.max(this.seq, rec.seq);
        return;
      }
      case 'pin':
        this.metaFor(rec.st).pinned = rec.v;
        if (!rec.v && !this.index.has(rec.st)) this.meta.delete(rec.st);
        return;
      case 'state': {
        const m = this.metaFor(rec.st);
        if (rec.v) m.state = rec.v;
        else delete m.state;
        return;
      }
      case 'snap':
        this.seq = Math.max(this.seq, rec.seq);
        for (const p of rec.puts) this.apply(p);
        for (const [st, m] of rec.meta) this.meta.set(st, { ...m });
        if (rec.removed) this.removed.push(...rec.removed);
        return;
    }
  }

  private entry(st: string, se: string, sop: string): InstanceEntry | undefined {
    return this.index.get(st)?.series.get(se)?.instances.get(sop);
  }

  /** Writes records to the journal (fsynced when `durable`) and then applies them in memory. */
  private async append(records: JournalRecord[], durable: boolean): Promise<void> {
    if (!this.journal) throw new Error('The archive is closed');
    const bytes = Buffer.concat(records.map((r) => encryptFrame(this.key, Buffer.from(JSON.stringify(r), 'utf8'))));
    await this.journal.write(bytes);
    if (durable) await this.journal.datasync();
    this.journalRecords += records.length;
    for (const r of records) this.apply(r);
  }

  private async dropEntries(ids: string[]): Promise<void> {
    const at = Date.now();
    await this.append(ids.map((f) => ({ t: 'del', f, at })), true);
  }

  /** Rewrites the journal as one snapshot frame: temp file, fsync, rename, fsync the folder. */
  private async compact(): Promise<void> {
    const puts: PutRecord[] = [];
    for (const [f, w] of this.files) {
      const e = this.entry(w.st, w.se, w.sop)!;
      const rec: PutRecord = { t: 'put', f, st: w.st, se: w.se, sop: w.sop, size: e.size, stored: e.stored, md: e.metadata, at: 0, seq: 0, storedAt: e.storedAt };
      if (e.node) rec.node = e.node;
      puts.push(rec);
    }
    const meta = [...this.meta].filter(([st, m]) => m.pinned || this.index.has(st));
    this.removed = compactRemoved(this.removed, Date.now());
    const snap: JournalRecord = { t: 'snap', seq: this.seq, meta, puts, removed: this.removed };
    const tmp = path.join(this.root, 'tmp', `journal-${randomBytes(8).toString('hex')}`);
    await writeSyncedFile(tmp, encryptFrame(this.key, Buffer.from(JSON.stringify(snap), 'utf8')));
    await this.journal?.close();
    await fs.rename(tmp, this.journalPath);
    await fsyncDir(this.root);
    this.journal = await fs.open(this.journalPath, 'a', 0o600);
    this.journalRecords = 1;
    this.touchPersisted.clear();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  // ---- InstanceStore ----

  async put(bytes: Uint8Array, options: PutOptions = {}): Promise<PutOutcome> {
    const { dataset } = readPart10Header(bytes);
    const study = studyUid(getString(dataset, Tag.StudyInstanceUID));
    const series = seriesUid(getString(dataset, Tag.SeriesInstanceUID));
    const instance = sopUid(getString(dataset, Tag.SOPInstanceUID));
    return this.serial(async () => {
      if (this.closed) throw new Error('The archive is closed');
      if (this.entry(study, series, instance)) return { kind: 'duplicate', study, series, instance } as const;
      const id = randomBytes(16).toString('hex');
      const blob = encryptFile(this.key, id, bytes);
      if (this.quota !== undefined && this.storedBytes + blob.byteLength > this.quota) {
        await this.evictFor(blob.byteLength, study);
      }
      const tmp = path.join(this.root, 'tmp', `${id}.part`);
      await writeSyncedFile(tmp, blob);
      const target = this.objectPath(id);
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await fs.rename(tmp, target);
      await fsyncDir(path.dirname(target));
      await this.append([this.putRecord(id, study, series, instance, bytes.byteLength, blob.byteLength, dataset, options.sourceNode)], true);
      this.touchPersisted.set(study, Date.now());
      this.emitChange();
      return { kind: 'stored', study, series, instance } as const;
    });
  }

  private async evictFor(needed: number, writing: string): Promise<void> {
    const candidates = [...this.index.keys()]
      .filter((st) => st !== writing && !this.meta.get(st)?.pinned && !this.inUse.get(st))
      .sort((a, b) => (this.meta.get(a)?.seq ?? 0) - (this.meta.get(b)?.seq ?? 0));
    for (const st of candidates) {
      if (this.storedBytes + needed <= this.quota!) return;
      await this.removeStudy(st);
    }
    if (this.storedBytes + needed > this.quota!) {
      throw new ArchiveQuotaError(
        `The archive quota (${this.quota} bytes) is full: ${this.storedBytes} bytes are pinned, open or part of the study being stored`,
      );
    }
  }

  /** Deletes the files first, then journals the deletion (see the header comment). */
  private async removeStudy(st: string): Promise<{ instances: number; bytes: number }> {
    const ids = [...this.files].filter(([, w]) => w.st === st).map(([id]) => id);
    let bytes = 0;
    for (const id of ids) {
      const w = this.files.get(id)!;
      bytes += this.entry(w.st, w.se, w.sop)!.stored;
      await fs.rm(this.objectPath(id), { force: true });
    }
    if (ids.length) await this.dropEntries(ids);
    this.meta.delete(st);
    this.touchPersisted.delete(st);
    this.emitChange();
    return { instances: ids.length, bytes };
  }

  studies(): DicomJsonDataset[] {
    return studyDatasets(this.index);
  }

  hasStudy(study: StudyInstanceUid): boolean {
    return this.index.has(study);
  }

  series(study: StudyInstanceUid): DicomJsonDataset[] | undefined {
    return seriesDatasets(this.index.get(study));
  }

  instances(study: StudyInstanceUid, series?: SeriesInstanceUid): DicomJsonDataset[] | undefined {
    return instanceDatasets(this.index.get(study), series);
  }

  instanceMetadata(study: StudyInstanceUid, series: SeriesInstanceUid, instance: SopInstanceUid): DicomJsonDataset | undefined {
    return this.entry(study, series, instance)?.metadata;
  }

  /** Decrypts and authenticates the file; throws ArchiveCorruptError when it does not authenticate. */
  async readInstance(study: StudyInstanceUid, series: SeriesInstanceUid, instance: SopInstanceUid): Promise<Uint8Array | undefined> {
    const entry = this.entry(study, series, instance);
    if (!entry) return undefined;
    this.openStudy(study);
    try {
      this.touch(study);
      let blob: Buffer;
      try {
        blob = await fs.readFile(this.objectPath(entry.file));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      try {
        return decryptFile(this.key, entry.file, blob);
      } catch (err) {
        throw new ArchiveCorruptError(`Archived instance ${instance} is corrupt: ${err instanceof Error ? err.message : String(err)}`);
      }
    } finally {
      this.closeStudy(study);
    }
  }

  counts(): StoreCounts {
    let series = 0;
    for (const st of this.index.values()) series += st.series.size;
    return { studies: this.index.size, series, instances: this.files.size, bytes: this.plainBytes };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitChange(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // A broken listener must not fail the write that already succeeded.
      }
    }
  }

  // ---- archive API ----

  /** Records an access (LRU order); persisted at most every couple of seconds per study, and at close. */
  private touch(study: string): void {
    const m = this.metaFor(study);
    m.seq = ++this.seq;
    m.lastAccess = Date.now();
    const last = this.touchPersisted.get(study) ?? 0;
    if (m.lastAccess - last >= TOUCH_PERSIST_MS) {
      this.touchPersisted.set(study, m.lastAccess);
      void this.serial(() => this.append([{ t: 'touch', st: study, at: m.lastAccess, seq: m.seq }], false)).catch(() => undefined);
    }
  }

  /** A viewer opened the study: it is never evicted until the matching closeStudy. Refcounted. */
  openStudy(study: string): void {
    this.inUse.set(study, (this.inUse.get(study) ?? 0) + 1);
  }

  closeStudy(study: string): void {
    const n = (this.inUse.get(study) ?? 0) - 1;
    if (n > 0) this.inUse.set(study, n);
    else this.inUse.delete(study);
  }

  isInUse(study: string): boolean {
    return (this.inUse.get(study) ?? 0) > 0;
  }

  isPinned(study: string): boolean {
    return this.meta.get(study)?.pinned ?? false;
  }

  /** Pinned studies are never evicted (a study may be pinned before it arrives, e.g. by a prefetch list). */
  pin(study: string): Promise<void> {
    return this.serial(() => this.append([{ t: 'pin', st: study, v: true }], true));
  }

  unpin(study: string): Promise<void> {
    return this.serial(() => this.append([{ t: 'pin', st: study, v: false }], true));
  }

  /** Marks whether every instance of the study is here (set by retrieve/prefetch when they finish or stop). */
  setStudyState(study: string, state: StudyCompleteness | undefined): Promise<void> {
    return this.serial(() => this.append([{ t: 'state', st: study, v: state ?? null }], true));
  }

  studyState(study: string): StudyCompleteness | undefined {
    return this.meta.get(study)?.state;
  }

  /** Removes a whole study now; refuses pinned and open studies. */
  evict(study: string): Promise<{ instances: number; bytes: number }> {
    return this.serial(async () => {
      if (this.isPinned(study)) throw new ArchiveBusyError(`Study ${study} is pinned; unpin it first`);
      if (this.isInUse(study)) throw new ArchiveBusyError(`Study ${study} is open`);
      return this.removeStudy(study);
    });
  }

  /**
   * Changes the quota now (undefined: unlimited). When the archive is over the new quota, whole studies
   * are evicted at once in LRU order, never pinned or open ones; if those alone exceed it, the archive
   * stays over the quota (nothing more can be evicted) and the next put fails with ArchiveQuotaError.
   */
  async setQuota(bytes: number | undefined): Promise<SetQuotaResult> {
    const quota = checkQuota(bytes);
    return this.serial(async () => {
      if (this.closed) throw new Error('The archive is closed');
      this.quota = quota;
      const result: SetQuotaResult = { evicted: [], bytes: 0 };
      if (quota === undefined || this.storedBytes <= quota) return result;
      const candidates = [...this.index.keys()]
        .filter((st) => !this.meta.get(st)?.pinned && !this.inUse.get(st))
        .sort((a, b) => (this.meta.get(a)?.seq ?? 0) - (this.meta.get(b)?.seq ?? 0));
      for (const st of candidates) {
        if (this.storedBytes <= quota) break;
        const removed = await this.removeStudy(st);
        result.evicted.push(st);
        result.bytes += removed.bytes;
      }
      this.emitChange();
      return result;
    });
  }

  usage(now: number = Date.now()): ArchiveUsage {
    const byModality: Record<string, number> = {};
    const studies: StudyUsage[] = [];
    for (const [uid, st] of this.index) {
      let bytes = 0;
      let instances = 0;
      const modalities = new Set<string>();
      const nodes = new Set<string>();
      for (const se of st.series.values()) {
        for (const e of se.instances.values()) {
          const m = getString(e.metadata, Tag.Modality) || 'OT';
          modalities.add(m);
          byModality[m] = (byModality[m] ?? 0) + e.stored;
          bytes += e.stored;
          instances++;
          if (e.node) nodes.add(e.node);
        }
      }
      const meta = this.meta.get(uid);
      const u: StudyUsage = {
        study: uid,
        bytes,
        instances,
        modalities: [...modalities].sort(),
        pinned: meta?.pinned ?? false,
        inUse: this.isInUse(uid),
        lastAccess: new Date(meta?.lastAccess ?? 0).toISOString(),
        sourceNodes: [...nodes].sort(),
      };
      if (meta?.state) u.state = meta.state;
      studies.push(Object.assign(u, { seq: meta?.seq ?? 0 }));
    }
    studies.sort((a, b) => (a as StudyUsage & { seq: number }).seq - (b as StudyUsage & { seq: number }).seq);
    for (const s of studies) delete (s as Partial<StudyUsage & { seq: number }>).seq;
    const history = usageHistory(this.spans(), now, HISTORY_DAYS);
    const projection = projectUsage(history, this.quota, now, { currentBytes: this.storedBytes });
    const out: ArchiveUsage = { totalBytes: this.storedBytes, byModality, studies, history, projection, location: this.root };
    if (this.quota !== undefined) out.quotaBytes = this.quota;
    return out;
  }

  private *spans(): Generator<StoredSpan> {
    for (const st of this.index.values()) {
      for (const se of st.series.values()) for (const e of se.instances.values()) yield { bytes: e.stored, storedAt: e.storedAt };
    }
    for (const [storedAt, removedAt, bytes] of this.removed) yield { bytes, storedAt, removedAt };
  }

  /** Authenticates every file (GCM tag) and checks that files and index agree. Reports; repairs nothing. */
  verify(): Promise<VerifyReport> {
    return this.serial(async () => {
      const report: VerifyReport = { checked: 0, corrupt: [], missing: [], orphans: [] };
      const seen = new Set<string>();
      const objects = path.join(this.root, 'objects');
      for (const sub of (await fs.readdir(objects)).sort()) {
        let names: string[];
        try {
          names = await fs.readdir(path.join(objects, sub));
        } catch {
          continue;
        }
        for (const name of names.sort()) {
          const rel = path.join('objects', sub, name);
          const id = FILE_NAME.exec(name)?.[1];
          const where = id ? this.files.get(id) : undefined;
          if (!id || !where) {
            report.orphans.push({ file: rel, reason: 'file not in the index' });
            continue;
          }
          seen.add(id);
          report.checked++;
          const problem = { file: rel, study: where.st, series: where.se, instance: where.sop };
          try {
            const plain = decryptFile(this.key, id, await fs.readFile(path.join(this.root, rel)));
            const entry = this.entry(where.st, where.se, where.sop)!;
            if (plain.byteLength !== entry.size) report.corrupt.push({ ...problem, reason: `size ${plain.byteLength} differs from the index (${entry.size})` });
          } catch (err) {
            report.corrupt.push({ ...problem, reason: err instanceof Error ? err.message : String(err) });
          }
        }
      }
      for (const [id, w] of this.files) {
        if (!seen.has(id)) report.missing.push({ file: path.join('objects', id.slice(0, 2), `${id}.dka`), study: w.st, series: w.se, instance: w.sop, reason: 'file missing' });
      }
      return report;
    });
  }

  /** Persists pending access times, compacts a long journal and closes the journal file. */
  close(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      this.closed = true;
      if (this.journalRecords > 2 * this.files.size + 1000) await this.compact();
      else {
        const pending: JournalRecord[] = [];
        for (const [st, m] of this.meta) {
          if (this.index.has(st) && (this.touchPersisted.get(st) ?? 0) < m.lastAccess) pending.push({ t: 'touch', st, at: m.lastAccess, seq: m.seq });
        }
        if (pending.length) await this.append(pending, true);
      }
      await this.journal?.close();
      this.journal = undefined;
      await releaseLock(this.root);
    });
  }
}

function checkQuota(bytes: number | undefined): number | undefined {
  if (bytes === undefined) return undefined;
  if (!Number.isFinite(bytes) || bytes <= 0) throw new RangeError(`The archive quota must be a positive number of bytes, not ${bytes}`);
  return Math.floor(bytes);
}

/** Keeps the removals that still matter to the history window, merged per minute of storing and removing. */
function compactRemoved(removed: readonly RemovedSpan[], now: number): RemovedSpan[] {
  const horizon = now - (HISTORY_DAYS + 1) * 86_400_000;
  const merged = new Map<string, RemovedSpan>();
  for (const [s, r, b] of removed) {
    if (r < horizon) continue; // stored and removed before the window: no effect on any day shown
    const key = `${Math.floor(s / 60_000)}:${Math.floor(r / 60_000)}`;
    const m = merged.get(key);
    if (m) m[2] += b;
    else merged.set(key, [s, r, b]);
  }
  return [...merged.values()];
}


async function takeLock(root: string): Promise<void> {
  const lock = path.join(root, 'lock');
  try {
    await fs.writeFile(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const owner = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
  if (owner && owner !== process.pid && isAlive(owner)) {
    throw new ArchiveBusyError(`The archive ${root} is in use by process ${owner} (close the app, or wait for that command)`);
  }
  await fs.writeFile(lock, String(process.pid), { mode: 0o600 });
}

async function releaseLock(root: string): Promise<void> {
  const lock = path.join(root, 'lock');
  const owner = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
  if (owner === process.pid) await fs.rm(lock, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads `<root>/key.json` and unwraps the data key, or creates and wraps a fresh one for a new archive. */
async function loadDataKey(root: string, provider: KeyProvider): Promise<Buffer> {
  const file = path.join(root, 'key.json');
  try {
    const stored = JSON.parse(await fs.readFile(file, 'utf8')) as { v: number; provider: string; wrapped: string };
    const key = provider.unwrap(Buffer.from(stored.wrapped, 'base64'));
    if (key.length !== 32) throw new ArchiveKeyError('The archive data key is damaged');
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof ArchiveKeyError) throw err;
      throw new ArchiveKeyError(`The archive key file ${file} is damaged: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (await fs.stat(path.join(root, 'index.journal')).then(() => true, () => false)) {
    throw new ArchiveKeyError(`The archive in ${root} has an index but no key.json: its data key is lost`);
  }
  const key = randomBytes(32);
  const body = JSON.stringify({ v: 1, provider: provider.kind, wrapped: provider.wrap(key).toString('base64') });
  const tmp = path.join(root, 'tmp', `key-${randomBytes(8).toString('hex')}`);
  await writeSyncedFile(tmp, body);
  try {
    await fs.link(tmp, file); // never replaces a key another process just created
  } catch (err) {
    await fs.rm(tmp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadDataKey(root, provider);
    throw err;
  }
  await fs.rm(tmp, { force: true });
  await fsyncDir(root);
  return key;
}
