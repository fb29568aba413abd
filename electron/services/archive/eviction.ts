/**
 * Quota and eviction. With a quota, a put that would exceed it first evicts whole studies, least recently
 * used first (last access = last read or write), never a pinned study, never the study being written and
 * never a study in use. "In use" is a refcount: `openStudy(uid)` when a viewer opens a study and
 * `closeStudy(uid)` when it closes it (each readInstance also holds the study for its duration). If nothing
 * evictable is left the put fails with ArchiveQuotaError. The quota can be changed while open (`setQuota`),
 * evicting at once in the same LRU order as a put.
 *
 * Eviction deletes the files first and then journals the deletion, so a crash cannot resurrect half a study
 * in the index pointing at nothing (a file without its deletion record is dropped at open: recovery.ts).
 *
 * LRU order is each study's access sequence number (StudyMeta.seq), bumped by every read and write. Reads
 * journal it at most every couple of seconds per study (a series scroll reads hundreds of instances), and
 * the rest at close.
 */
import { promises as fs } from 'node:fs';
import type { ArchiveIndex } from './archiveIndex';
import { ArchiveBusyError } from './archiveLock';
import type { Journal, TouchRecord } from './journal';
import { objectPath } from './objectFiles';

export class ArchiveQuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveQuotaError';
  }
}

export interface SetQuotaResult {
  /** Studies evicted to get under the new quota (LRU order). */
  evicted: string[];
  /** Bytes freed by those evictions. */
  bytes: number;
}

const TOUCH_PERSIST_MS = 2000;

export function checkQuota(bytes: number | undefined): number | undefined {
  if (bytes === undefined) return undefined;
  if (!Number.isFinite(bytes) || bytes <= 0) throw new RangeError(`The archive quota must be a positive number of bytes, not ${bytes}`);
  return Math.floor(bytes);
}

export class Eviction {
  private readonly inUse = new Map<string, number>();
  /** When each study's access time was last journalled. */
  private readonly touchPersisted = new Map<string, number>();

  constructor(
    private readonly root: string,
    private readonly index: ArchiveIndex,
    private readonly journal: Journal,
    private quotaBytes: number | undefined,
    /** Called after every eviction (the index changed). */
    private readonly onChange: () => void,
    /** Called before a study is removed, while its headers are still in the index (the audit record). */
    private readonly onRemoving: (study: string, reason: 'user' | 'eviction') => void = () => {},
  ) {}

  /** The size limit in bytes (encrypted size); undefined when unlimited. */
  get quota(): number | undefined {
    return this.quotaBytes;
  }

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

  /** Records an access (LRU order); returns the record to journal when this study's is due. */
  touch(study: string): TouchRecord | undefined {
    const m = this.index.metaFor(study);
    m.seq = this.index.nextSeq();
    m.lastAccess = Date.now();
    const last = this.touchPersisted.get(study) ?? 0;
    if (m.lastAccess - last < TOUCH_PERSIST_MS) return undefined;
    this.touchPersisted.set(study, m.lastAccess);
    return { t: 'touch', st: study, at: m.lastAccess, seq: m.seq };
  }

  /** The study's access time was just journalled (by a put record). */
  touchJournalled(study: string): void {
    this.touchPersisted.set(study, Date.now());
  }

  /** After compaction every access time is in the snapshot. */
  touchesCompacted(): void {
    this.touchPersisted.clear();
  }

  /** The access times not journalled yet (written at close). */
  pendingTouches(): TouchRecord[] {
    const pending: TouchRecord[] = [];
    for (const [st, m] of this.index.meta) {
      if (this.index.byStudy.has(st) && (this.touchPersisted.get(st) ?? 0) < m.lastAccess) pending.push({ t: 'touch', st, at: m.lastAccess, seq: m.seq });
    }
    return pending;
  }

  /** Makes room for `needed` more bytes under the quota, never evicting `writing`. */
  async makeRoom(needed: number, writing: string): Promise<void> {
    const quota = this.quotaBytes;
    if (quota === undefined || this.index.storedBytes + needed <= quota) return;
    for (const st of this.candidates(writing)) {
      if (this.index.storedBytes + needed <= quota) return;
      await this.removeStudy(st, 'eviction');
    }
    if (this.index.storedBytes + needed > quota) {
      throw new ArchiveQuotaError(
        `The archive quota (${quota} bytes) is full: ${this.index.storedBytes} bytes are pinned, open or part of the study being stored`,
      );
    }
  }

  /** Removes a whole study now; refuses pinned and open studies. */
  async evict(study: string): Promise<{ instances: number; bytes: number }> {
    if (this.index.isPinned(study)) throw new ArchiveBusyError(`Study ${study} is pinned; unpin it first`);
    if (this.isInUse(study)) throw new ArchiveBusyError(`Study ${study} is open`);
    return this.removeStudy(study, 'user');
  }

  /** Sets the quota (already checked) and evicts at once, in LRU order, until the archive is under it. */
  async setQuota(quota: number | undefined): Promise<SetQuotaResult> {
    this.quotaBytes = quota;
    const result: SetQuotaResult = { evicted: [], bytes: 0 };
    if (quota === undefined || this.index.storedBytes <= quota) return result;
    for (const st of this.candidates()) {
      if (this.index.storedBytes <= quota) break;
      const removed = await this.removeStudy(st, 'eviction');
      result.evicted.push(st);
      result.bytes += removed.bytes;
    }
    this.onChange();
    return result;
  }

  /** The evictable studies, least recently used first: neither pinned nor in use, nor `except`. */
  private candidates(except?: string): string[] {
    const { index } = this;
    return [...index.byStudy.keys()]
      .filter((st) => st !== except && !index.meta.get(st)?.pinned && !this.inUse.get(st))
      .sort((a, b) => (index.meta.get(a)?.seq ?? 0) - (index.meta.get(b)?.seq ?? 0));
  }

  /** Deletes the files first, then journals the deletion (see the header comment). */
  private async removeStudy(st: string, reason: 'user' | 'eviction'): Promise<{ instances: number; bytes: number }> {
    const ids = this.index.studyFiles(st);
    this.onRemoving(st, reason);
    let bytes = 0;
    for (const id of ids) {
      bytes += this.index.fileEntry(id)!.stored;
      await fs.rm(objectPath(this.root, id), { force: true });
    }
    if (ids.length) await this.journal.drop(ids);
    this.index.forgetStudy(st);
    this.touchPersisted.delete(st);
    this.onChange();
    return { instances: ids.length, bytes };
  }
}
