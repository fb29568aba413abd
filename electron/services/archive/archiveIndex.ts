/**
 * The archive's in-memory index: study → series → instance (each with its file id, sizes and metadata),
 * the reverse map file id → instance, and per-study metadata (pin, last access, completeness). It changes
 * only through `apply`, one journal record at a time (journal.ts), so what is in memory is what a replay of
 * the journal gives at the next open.
 *
 * Why the index keeps each instance's metadata (encrypted, in the journal) instead of recomputing it at
 * open: recomputing means decrypting and parsing every file (≈5 GB for 10k CT slices), while the journal
 * is a few kB per instance, so opening 10k instances costs one read + JSON.parse of tens of MB.
 */
import { getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { seriesUid, sopUid, studyUid, type SeriesInstanceUid, type SopInstanceUid, type StudyInstanceUid } from '../../../common/dicom/uid';
import type { StoreCounts } from '../store/instanceStore';
import { instanceDatasets, seriesDatasets, studyDatasets } from '../store/studyIndexViews';
import type { JournalRecord, NewerThanCopy, UserState } from './journal';
import { compactRemoved, type RemovedSpan } from './usage';

export type StudyCompleteness = 'complete' | 'partial';

export interface InstanceEntry {
  file: string;
  size: number;
  stored: number;
  /** When it was put (epoch ms); `createdAt` for records written before storedAt existed (usage.ts). */
  storedAt: number;
  node?: string;
  metadata: DicomJsonDataset;
  /** Content hash of the instance, checked complete when stored; undefined for entries of older versions. */
  hash?: string;
}
export interface SeriesEntry {
  instances: Map<string, InstanceEntry>;
}
export interface StudyEntry {
  series: Map<string, SeriesEntry>;
}
export interface StudyMeta {
  pinned: boolean;
  lastAccess: number;
  /** Access order: the higher, the more recently used (eviction.ts). */
  seq: number;
  state?: StudyCompleteness;
}
export interface FileLocation {
  st: string;
  se: string;
  sop: string;
}

/** The keys of an instance in the index, from its dataset (throws when a UID is missing or invalid). */
export function instanceUids(dataset: DicomJsonDataset): { study: StudyInstanceUid; series: SeriesInstanceUid; instance: SopInstanceUid } {
  const study = studyUid(getString(dataset, Tag.StudyInstanceUID));
  const series = seriesUid(getString(dataset, Tag.SeriesInstanceUID));
  const instance = sopUid(getString(dataset, Tag.SOPInstanceUID));
  return { study, series, instance };
}

export class ArchiveIndex {
  readonly byStudy = new Map<string, StudyEntry>();
  /** Studies in the index, and pinned studies that are not (yet): a pin may come before the study. */
  readonly meta = new Map<string, StudyMeta>();
  readonly files = new Map<string, FileLocation>();
  /** Removed instances (for the usage history), trimmed to the history window at compaction. */
  private removedSpans: RemovedSpan[] = [];
  private plainBytes = 0;
  private stored = 0;
  private lastSeq = 0;

  /** `createdAt`: when the archive was created, the storedAt of records written before storedAt existed. */
  constructor(readonly createdAt: number) {}

  /** Total size of the instance files (encrypted size): what the quota limits. */
  get storedBytes(): number {
    return this.stored;
  }
  /** The highest access sequence number given so far. */
  get seq(): number {
    return this.lastSeq;
  }
  get removed(): readonly RemovedSpan[] {
    return this.removedSpans;
  }

  nextSeq(): number {
    return ++this.lastSeq;
  }

  /** Keeps only the removals that still matter to the usage history (at compaction). */
  trimRemoved(now: number): void {
    this.removedSpans = compactRemoved(this.removedSpans, now);
  }

  entry(st: string, se: string, sop: string): InstanceEntry | undefined {
    return this.byStudy.get(st)?.series.get(se)?.instances.get(sop);
  }

  /** The instance whose file is `id`. */
  fileEntry(id: string): InstanceEntry | undefined {
    const w = this.files.get(id);
    return w && this.entry(w.st, w.se, w.sop);
  }

  /** The file ids of a study's instances. */
  studyFiles(st: string): string[] {
    return [...this.files].filter(([, w]) => w.st === st).map(([id]) => id);
  }

  metaFor(st: string): StudyMeta {
    let m = this.meta.get(st);
    if (!m) this.meta.set(st, (m = { pinned: false, lastAccess: 0, seq: 0 }));
    return m;
  }

  /** Forgets a removed study's pin, access time and state. */
  forgetStudy(st: string): void {
    this.meta.delete(st);
  }

  /**
   * Takes pins, study states, access order and removals from the copy of the user state (journal.ts
   * state.enc) after the journal lost records: the copy wins, except for the pins and study states that
   * records newer than the copy set; the later of two access times wins; removals are merged.
   */
  restoreUserState(copy: UserState, newer: NewerThanCopy): void {
    const saved = new Map(copy.meta);
    for (const st of new Set([...this.meta.keys(), ...saved.keys()])) {
      const s = saved.get(st);
      const m = this.metaFor(st);
      if (!newer.pins.has(st)) m.pinned = s?.pinned ?? false;
      if (!newer.states.has(st)) {
        if (s?.state) m.state = s.state;
        else delete m.state;
      }
      if (s && s.seq > m.seq) Object.assign(m, { seq: s.seq, lastAccess: s.lastAccess });
      // Instances may still come back from their files (recovery.ts): keep what the copy knew of the study.
      if (!m.pinned && !s && !this.byStudy.has(st)) this.meta.delete(st);
    }
    this.lastSeq = Math.max(this.lastSeq, copy.seq);
    const known = new Set(this.removedSpans.map((r) => r.join()));
    for (const r of copy.removed) if (!known.has(r.join())) this.removedSpans.push(r);
  }

  /** Applies one journal record to the in-memory index (records are idempotent). */
  apply(rec: JournalRecord): void {
    switch (rec.t) {
      case 'put': {
        if (this.files.has(rec.f) || this.entry(rec.st, rec.se, rec.sop)) return;
        let st = this.byStudy.get(rec.st);
        if (!st) this.byStudy.set(rec.st, (st = { series: new Map() }));
        let se = st.series.get(rec.se);
        if (!se) st.series.set(rec.se, (se = { instances: new Map() }));
        const entry: InstanceEntry = { file: rec.f, size: rec.size, stored: rec.stored, storedAt: rec.storedAt ?? this.createdAt, metadata: rec.md };
        if (rec.node) entry.node = rec.node;
        if (rec.h) entry.hash = rec.h;
        se.instances.set(rec.sop, entry);
        this.files.set(rec.f, { st: rec.st, se: rec.se, sop: rec.sop });
        this.plainBytes += rec.size;
        this.stored += rec.stored;
        const m = this.metaFor(rec.st);
        if (rec.seq >= m.seq) Object.assign(m, { seq: rec.seq, lastAccess: rec.at });
        this.lastSeq = Math.max(this.lastSeq, rec.seq);
        return;
      }
      case 'del': {
        const where = this.files.get(rec.f);
        if (!where) return;
        this.files.delete(rec.f);
        const st = this.byStudy.get(where.st);
        const se = st?.series.get(where.se);
        const entry = se?.instances.get(where.sop);
        if (!st || !se || !entry) return;
        se.instances.delete(where.sop);
        if (rec.at !== undefined) this.removedSpans.push([entry.storedAt, rec.at, entry.stored]);
        this.plainBytes -= entry.size;
        this.stored -= entry.stored;
        if (se.instances.size === 0) st.series.delete(where.se);
        if (st.series.size === 0) {
          this.byStudy.delete(where.st);
          if (!this.meta.get(where.st)?.pinned) this.meta.delete(where.st);
        }
        return;
      }
      case 'touch': {
        const m = this.metaFor(rec.st);
        if (rec.seq >= m.seq) Object.assign(m, { seq: rec.seq, lastAccess: rec.at });
        this.lastSeq = Math.max(this.lastSeq, rec.seq);
        return;
      }
      case 'pin':
        this.metaFor(rec.st).pinned = rec.v;
        if (!rec.v && !this.byStudy.has(rec.st)) this.meta.delete(rec.st);
        return;
      case 'state': {
        const m = this.metaFor(rec.st);
        if (rec.v) m.state = rec.v;
        else delete m.state;
        return;
      }
      case 'snap':
        this.lastSeq = Math.max(this.lastSeq, rec.seq);
        for (const p of rec.puts) this.apply(p);
        for (const [st, m] of rec.meta) this.meta.set(st, { ...m });
        if (rec.removed) this.removedSpans.push(...rec.removed);
        return;
    }
  }

  // ---- queries ----

  studies(): DicomJsonDataset[] {
    return studyDatasets(this.byStudy);
  }

  hasStudy(study: StudyInstanceUid): boolean {
    return this.byStudy.has(study);
  }

  series(study: StudyInstanceUid): DicomJsonDataset[] | undefined {
    return seriesDatasets(this.byStudy.get(study));
  }

  instances(study: StudyInstanceUid, series?: SeriesInstanceUid): DicomJsonDataset[] | undefined {
    return instanceDatasets(this.byStudy.get(study), series);
  }

  instanceMetadata(study: StudyInstanceUid, series: SeriesInstanceUid, instance: SopInstanceUid): DicomJsonDataset | undefined {
    return this.entry(study, series, instance)?.metadata;
  }

  counts(): StoreCounts {
    let series = 0;
    for (const st of this.byStudy.values()) series += st.series.size;
    return { studies: this.byStudy.size, series, instances: this.files.size, bytes: this.plainBytes };
  }

  isPinned(study: string): boolean {
    return this.meta.get(study)?.pinned ?? false;
  }

  studyState(study: string): StudyCompleteness | undefined {
    return this.meta.get(study)?.state;
  }
}
