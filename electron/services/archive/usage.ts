/**
 * The archive's usage report: bytes per study (in eviction order) and per modality, and usage over time.
 *
 * Usage over time: every put record carries `storedAt` (epoch ms) and every deletion record its time, so
 * `usage()` can give the cumulative total per day (last 90 days) and a linear projection of when the quota
 * fills (usageHistory.ts). Records written before `storedAt` existed count as stored when the archive was
 * created (keyCustody.ts: archiveCreatedAt); deletions journalled without a time are not in the history
 * (their bytes drop out of every day). Compaction keeps removals of the last 91 days in the snapshot, merged
 * per minute (compactRemoved), so the history survives it without the journal growing with every eviction.
 */
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import type { ArchiveIndex, StudyCompleteness } from './archiveIndex';
import { HISTORY_DAYS, projectUsage, usageHistory, type StoredSpan, type UsageDay, type UsageProjection } from './usageHistory';

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

/** A removal kept for the usage history: [storedAt, removedAt, bytes]. */
export type RemovedSpan = [number, number, number];

/** What the report needs from eviction.ts. */
export interface Retention {
  readonly quota: number | undefined;
  isInUse(study: string): boolean;
}

export function archiveUsage(index: ArchiveIndex, retention: Retention, location: string, now: number): ArchiveUsage {
  const byModality: Record<string, number> = {};
  const studies: StudyUsage[] = [];
  for (const [uid, st] of index.byStudy) {
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
    const meta = index.meta.get(uid);
    const u: StudyUsage = {
      study: uid,
      bytes,
      instances,
      modalities: [...modalities].sort(),
      pinned: meta?.pinned ?? false,
      inUse: retention.isInUse(uid),
      lastAccess: new Date(meta?.lastAccess ?? 0).toISOString(),
      sourceNodes: [...nodes].sort(),
    };
    if (meta?.state) u.state = meta.state;
    studies.push(Object.assign(u, { seq: meta?.seq ?? 0 }));
  }
  studies.sort((a, b) => (a as StudyUsage & { seq: number }).seq - (b as StudyUsage & { seq: number }).seq);
  for (const s of studies) delete (s as Partial<StudyUsage & { seq: number }>).seq;
  const history = usageHistory(storedSpans(index), now, HISTORY_DAYS);
  const projection = projectUsage(history, retention.quota, now, { currentBytes: index.storedBytes });
  const out: ArchiveUsage = { totalBytes: index.storedBytes, byModality, studies, history, projection, location };
  if (retention.quota !== undefined) out.quotaBytes = retention.quota;
  return out;
}

/** Every instance stored, still here or removed since (as far as the index remembers removals). */
function* storedSpans(index: ArchiveIndex): Generator<StoredSpan> {
  for (const st of index.byStudy.values()) {
    for (const se of st.series.values()) for (const e of se.instances.values()) yield { bytes: e.stored, storedAt: e.storedAt };
  }
  for (const [storedAt, removedAt, bytes] of index.removed) yield { bytes, storedAt, removedAt };
}

/** Keeps the removals that still matter to the history window, merged per minute of storing and removing. */
export function compactRemoved(removed: readonly RemovedSpan[], now: number): RemovedSpan[] {
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
