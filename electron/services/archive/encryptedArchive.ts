/**
 * The encrypted local archive: the InstanceStore the gateway, jobs, federation and CLI use. This class is
 * a facade over one module per job, each of which explains its part:
 *   objectFiles.ts   the folder layout and the instance files (crypto.ts: their format)
 *   journal.ts       the encrypted index journal: records, numbers and chain, damage, append, compaction,
 *                    replay, and the copy of the user state (state.enc)
 *   recovery.ts      the start-up pass after a crash: temp files, orphans, quarantine, dropped entries
 *   archiveIndex.ts  the in-memory index and its queries
 *   eviction.ts      quota, LRU order, pins and studies in use
 *   usage.ts         the usage report and its history (usageHistory.ts: the arithmetic)
 *   verify.ts        authenticating every file against the index, completeness and content hash
 *   duplicates.ts    a second copy of a stored instance: skipped, replacing an incomplete one, or a conflict
 *   archiveLock.ts   one process per archive folder
 *   keyCustody.ts    the data key (keyProvider.ts: how it is wrapped)
 *
 * Every change (put, eviction, pin, state, quota, close) runs through one queue (`serial`), so the journal
 * records changes in the order they happen and an eviction never races the put it makes room for.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { SeriesInstanceUid, SopInstanceUid, StudyInstanceUid } from '../../../common/dicom/uid';
import { assertComplete, contentHash } from '../dicom/completeness';
import { readPart10Header } from '../dicom/part10';
import type { InstanceStore, PutOutcome, StoreCounts } from '../store/instanceStore';
import { ArchiveIndex, instanceUids, type StudyCompleteness } from './archiveIndex';
import { releaseLock, takeLock } from './archiveLock';
import { ArchiveCorruptError, decryptFile, encryptFile } from './crypto';
import { checkQuota, Eviction, type SetQuotaResult } from './eviction';
import { Journal, putRecord } from './journal';
import type { KeyProvider } from './keyProvider';
import { archiveCreatedAt, loadDataKey } from './keyCustody';
import { CONFLICTS_DIR, decideDuplicate, keepAside } from './duplicates';
import { newObjectId, objectPath, readObject, writeObject } from './objectFiles';
import { emptyStartupReport, recover, type StartupReport } from './recovery';
import { archiveUsage, type ArchiveUsage } from './usage';
import { verifyArchive, type VerifyReport } from './verify';
import type { AuditSink } from '../audit/auditSink';
import { ArchiveAudit } from './archiveAudit';

export { ArchiveCorruptError } from './crypto';
export { ArchiveBusyError } from './archiveLock';
export { ArchiveQuotaError, type SetQuotaResult } from './eviction';
export type { StudyCompleteness } from './archiveIndex';
export type { StartupReport } from './recovery';
export { describeJournalDamage, type JournalDamage } from './journal';
export type { ArchiveUsage, StudyUsage } from './usage';
export type { VerifyProblem, VerifyReport } from './verify';

export interface ArchiveOptions {
  keyProvider: KeyProvider;
  /** Size limit of the instance files in bytes (encrypted size); unlimited when absent. */
  quotaBytes?: number;
  /** Called for every file set aside at open (quarantined), with the reason. */
  onSkip?: (file: string, reason: string) => void;
  /** The audit trail: pins, removals (by the user or the quota) and files that fail authentication. */
  audit?: AuditSink;
}

export interface PutOptions {
  /** The PACS node the instance came from (kept in the index). */
  sourceNode?: string;
}

export class EncryptedArchive implements InstanceStore {
  private readonly index: ArchiveIndex;
  private readonly journal: Journal;
  private readonly eviction: Eviction;
  private readonly audit: ArchiveAudit;
  private readonly listeners = new Set<() => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  readonly startup: StartupReport = emptyStartupReport();

  private constructor(
    readonly root: string,
    private readonly key: Buffer,
    quota: number | undefined,
    /** When the archive was created: the storedAt of index records written before storedAt existed. */
    readonly createdAt: number,
    audit: AuditSink | undefined,
  ) {
    this.index = new ArchiveIndex(createdAt);
    this.journal = new Journal(root, key, this.index);
    this.audit = new ArchiveAudit(audit, this.index, root);
    this.eviction = new Eviction(root, this.index, this.journal, quota, () => this.emitChange(), (study, reason) => this.audit.removing(study, reason));
  }

  /** The size limit in bytes (encrypted size); undefined when unlimited. */
  get quotaBytes(): number | undefined {
    return this.eviction.quota;
  }

  /** Opens (creating if needed) an archive folder and runs the start-up recovery pass. */
  static async open(dir: string, options: ArchiveOptions): Promise<EncryptedArchive> {
    const root = path.resolve(dir);
    for (const d of ['objects', 'tmp', 'quarantine', CONFLICTS_DIR]) await fs.mkdir(path.join(root, d), { recursive: true, mode: 0o700 });
    await takeLock(root);
    try {
      const key = await loadDataKey(root, options.keyProvider);
      const archive = new EncryptedArchive(root, key, checkQuota(options.quotaBytes), await archiveCreatedAt(root), options.audit);
      const { index, journal, startup } = archive;
      await recover({ root, key, index, journal, startup, onSkip: options.onSkip ?? (() => {}) });
      for (const d of startup.journalDamage) archive.audit.journalDamaged(d);
      return archive;
    } catch (err) {
      await releaseLock(root);
      throw err;
    }
  }

  /** Rewrites the journal as one snapshot frame (journal.ts); done at open and close when it grew long. */
  private async compact(): Promise<void> {
    await this.journal.compact();
    this.eviction.touchesCompacted();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  // ---- InstanceStore ----

  /**
   * Crash-safe order: encrypt → temp file → fsync → rename into objects/ → fsync dir (writeObject) →
   * journal frame → fsync. What a crash between two steps leaves is cleaned up at open (recovery.ts).
   */
  /**
   * An incomplete instance (dicom/completeness.ts) is refused with IncompleteInstanceError. A second copy of
   * a stored instance is skipped (identical, or in another transfer syntax), replaces an incomplete stored
   * copy, or is kept aside as a conflict
   * (duplicates.ts); a replacement is journalled as the old file's removal and the new put in one write.
   */
  async put(bytes: Uint8Array, options: PutOptions = {}): Promise<PutOutcome> {
    const { dataset, transferSyntaxUid } = readPart10Header(bytes);
    const { study, series, instance } = instanceUids(dataset);
    assertComplete(bytes, dataset);
    const hash = contentHash(bytes);
    return this.serial(async () => {
      if (this.closed) throw new Error('The archive is closed');
      const existing = this.index.entry(study, series, instance);
      const decision = existing && (await decideDuplicate(this.root, this.key, existing, hash, transferSyntaxUid));
      if (decision === 'duplicate') return { kind: 'duplicate', study, series, instance } as const;
      if (decision === 'conflict') return { kind: 'conflict', study, series, instance, keptAs: await keepAside(this.root, this.key, bytes, hash) } as const;
      const id = newObjectId();
      const blob = encryptFile(this.key, id, bytes);
      await this.eviction.makeRoom(blob.byteLength, study);
      await writeObject(this.root, id, blob);
      const put = putRecord(this.index, id, study, series, instance, bytes.byteLength, blob.byteLength, dataset, options.sourceNode, hash);
      await this.journal.append(existing ? [{ t: 'del', f: existing.file, at: Date.now() }, put] : [put], true);
      // The old file goes after the journal says so: a crash before leaves it an orphan, removed at open (recovery.ts).
      if (existing) await fs.rm(objectPath(this.root, existing.file), { force: true });
      this.eviction.touchJournalled(study);
      this.emitChange();
      return { kind: existing ? 'replaced' : 'stored', study, series, instance } as const;
    });
  }

  studies(): DicomJsonDataset[] {
    return this.index.studies();
  }

  hasStudy(study: StudyInstanceUid): boolean {
    return this.index.hasStudy(study);
  }

  series(study: StudyInstanceUid): DicomJsonDataset[] | undefined {
    return this.index.series(study);
  }

  instances(study: StudyInstanceUid, series?: SeriesInstanceUid): DicomJsonDataset[] | undefined {
    return this.index.instances(study, series);
  }

  instanceMetadata(study: StudyInstanceUid, series: SeriesInstanceUid, instance: SopInstanceUid): DicomJsonDataset | undefined {
    return this.index.instanceMetadata(study, series, instance);
  }

  /** Decrypts and authenticates the file; throws ArchiveCorruptError when it does not authenticate. */
  async readInstance(study: StudyInstanceUid, series: SeriesInstanceUid, instance: SopInstanceUid): Promise<Uint8Array | undefined> {
    const entry = this.index.entry(study, series, instance);
    if (!entry) return undefined;
    this.openStudy(study);
    try {
      const touch = this.eviction.touch(study);
      if (touch) void this.serial(() => this.journal.append([touch], false)).catch(() => undefined);
      const blob = await readObject(this.root, entry.file);
      if (!blob) return undefined;
      try {
        return decryptFile(this.key, entry.file, blob);
      } catch (err) {
        const corrupt = new ArchiveCorruptError(`Archived instance ${instance} is corrupt: ${err instanceof Error ? err.message : String(err)}`);
        this.audit.corrupt(entry.file, corrupt.message);
        throw corrupt;
      }
    } finally {
      this.closeStudy(study);
    }
  }

  counts(): StoreCounts {
    return this.index.counts();
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

  /** A viewer opened the study: it is never evicted until the matching closeStudy. Refcounted. */
  openStudy(study: string): void {
    this.eviction.openStudy(study);
  }

  closeStudy(study: string): void {
    this.eviction.closeStudy(study);
  }

  isInUse(study: string): boolean {
    return this.eviction.isInUse(study);
  }

  isPinned(study: string): boolean {
    return this.index.isPinned(study);
  }

  /** Pinned studies are never evicted (a study may be pinned before it arrives, e.g. by a prefetch list). */
  pin(study: string): Promise<void> {
    return this.setPinned(study, true);
  }

  unpin(study: string): Promise<void> {
    return this.setPinned(study, false);
  }

  private setPinned(study: string, pinned: boolean): Promise<void> {
    return this.serial(async () => {
      await this.journal.append([{ t: 'pin', st: study, v: pinned }], true);
      this.audit.pinChanged(study, pinned);
    });
  }

  /** Marks whether every instance of the study is here (set by retrieve/prefetch when they finish or stop). */
  setStudyState(study: string, state: StudyCompleteness | undefined): Promise<void> {
    return this.serial(() => this.journal.append([{ t: 'state', st: study, v: state ?? null }], true));
  }

  studyState(study: string): StudyCompleteness | undefined {
    return this.index.studyState(study);
  }

  /** Removes a whole study now; refuses pinned and open studies. */
  evict(study: string): Promise<{ instances: number; bytes: number }> {
    return this.serial(() => this.eviction.evict(study));
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
      return this.eviction.setQuota(quota);
    });
  }

  usage(now: number = Date.now()): ArchiveUsage {
    return archiveUsage(this.index, this.eviction, this.root, now);
  }

  /**
   * Authenticates every file (GCM tag) and checks that files and index agree, and the journal: the damage
   * found at open (already repaired) and any in the journal now. Reports; repairs nothing.
   */
  verify(): Promise<VerifyReport> {
    return this.serial(() => verifyArchive(this.root, this.key, this.index, this.startup.journalDamage));
  }

  /** Persists pending access times, compacts a long journal and closes the journal file. */
  close(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      this.closed = true;
      if (this.journal.needsCompaction) await this.compact();
      else {
        const pending = this.eviction.pendingTouches();
        if (pending.length) await this.journal.append(pending, true);
      }
      await this.journal.close();
      await releaseLock(this.root);
    });
  }
}
