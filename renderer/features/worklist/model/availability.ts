/** How the study list shows where a study is and what a reader can do with it. Pure; no React. */
import type { FederatedStudy, NodeOutcome } from '../../../../common/dicom/federation';
import type { RetrieveJob } from '../../../../common/dicom/retrieveJob';

export interface LocationBadge {
  key: 'local' | 'onsite' | 'offsite' | 'other';
  /** i18n keys (renderer/ui/i18n) of the badge's text and tooltip, and the numbers they take. */
  label: string;
  title: string;
  values?: { local: number; total?: number };
}

export function locationBadges(study: FederatedStudy): LocationBadge[] {
  const out: LocationBadge[] = [];
  const partial = study.availability.local && study.numberOfInstances !== undefined && study.localInstances < study.numberOfInstances;
  if (study.availability.local) {
    out.push({
      key: 'local',
      label: partial ? 'badges.localPartial' : 'badges.local',
      title: partial ? 'badges.localPartialTitle' : 'badges.localTitle',
      values: { local: study.localInstances, ...(study.numberOfInstances !== undefined ? { total: study.numberOfInstances } : {}) },
    });
  }
  if (study.availability.onsite) out.push({ key: 'onsite', label: 'badges.onsite', title: 'badges.onsiteTitle' });
  if (study.availability.offsite) out.push({ key: 'offsite', label: 'badges.offsite', title: 'badges.offsiteTitle' });
  if (study.availability.other) out.push({ key: 'other', label: 'badges.other', title: 'badges.otherTitle' });
  return out;
}

export interface NodeChip {
  nodeId: string;
  label: string;
  state: NodeOutcome['state'];
  title: string;
}

export function nodeChips(outcomes: readonly NodeOutcome[]): NodeChip[] {
  return outcomes.map((n) => {
    const ms = `${Math.round(n.ms)} ms`;
    const what =
      n.state === 'ok' ? `${n.count} studies in ${ms}` : n.state === 'slow' ? `slow: ${n.count} studies in ${ms}` : n.state === 'unreachable' ? `unreachable: ${n.error ?? ''}` : `error: ${n.error ?? ''}`;
    return { nodeId: n.nodeId, label: n.name, state: n.state, title: what };
  });
}

export function jobProgressText(job: RetrieveJob): string {
  const total = job.total !== undefined ? `/${job.total}` : '';
  const mb = (job.bytes / 1048576).toFixed(1);
  const rate = job.bytesPerSecond > 0 ? `, ${(job.bytesPerSecond / 1048576).toFixed(1)} MB/s` : '';
  switch (job.state) {
    case 'queued':
      return `Queued (${job.nodeName})`;
    case 'running':
      return `${job.completed}${total} images, ${mb} MB${rate}`;
    case 'done':
      return job.failed ? `Done with ${job.failed} failed: ${job.completed}${total}` : `Retrieved ${job.completed} images`;
    case 'cancelled':
      return `Cancelled after ${job.completed} images`;
    case 'failed':
      return `Failed: ${job.error ?? 'unknown error'}`;
  }
}

export function jobFraction(job: RetrieveJob): number | undefined {
  if (job.total === undefined || job.total === 0) return undefined;
  return Math.min(1, (job.completed + job.failed) / job.total);
}
