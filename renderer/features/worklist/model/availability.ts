/** How the study list shows where a study is and what a reader can do with it. Pure; no React. */
import type { FederatedStudy, NodeOutcome } from '../../../../common/dicom/federation';
import type { RetrieveJob } from '../../../../common/dicom/retrieveJob';
import type { Says } from '../../../../common/i18n/says';

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

/** Text the component words in the reader's language: an i18n key (browser.*) and its values. */
export interface Worded {
  key: string;
  values: Record<string, string | number>;
}

export interface NodeChip {
  nodeId: string;
  label: string;
  state: NodeOutcome['state'];
  /** The chip's tooltip and problem line: what the node answered, or why it did not. */
  title: Worded;
  /** The node's error as the services keyed it (services.*), for the reason inside `title`; absent: `reason` as given. */
  says?: Says;
}

export function nodeChips(outcomes: readonly NodeOutcome[]): NodeChip[] {
  return outcomes.map((n) => {
    const ms = Math.round(n.ms);
    const title: Worded =
      n.state === 'ok' || n.state === 'slow'
        ? { key: `browser.node.${n.state}`, values: { count: n.count, ms } }
        : { key: `browser.node.${n.state}`, values: { reason: n.error ?? '' } };
    return { nodeId: n.nodeId, label: n.name, state: n.state, title, ...(n.says ? { says: n.says } : {}) };
  });
}

export function jobProgress(job: RetrieveJob): Worded {
  const total = job.total !== undefined ? `/${job.total}` : '';
  const mb = (job.bytes / 1048576).toFixed(1);
  switch (job.state) {
    case 'queued':
      return { key: 'browser.job.queued', values: { node: job.nodeName } };
    case 'running':
      return job.bytesPerSecond > 0
        ? { key: 'browser.job.runningRate', values: { done: `${job.completed}${total}`, mb, rate: (job.bytesPerSecond / 1048576).toFixed(1) } }
        : { key: 'browser.job.running', values: { done: `${job.completed}${total}`, mb } };
    case 'done':
      return job.failed ? { key: 'browser.job.doneFailed', values: { failed: job.failed, done: `${job.completed}${total}` } } : { key: 'browser.job.done', values: { count: job.completed } };
    case 'cancelled':
      return { key: 'browser.job.cancelled', values: { count: job.completed } };
    case 'failed':
      return job.error ? { key: 'browser.job.failed', values: { reason: job.error } } : { key: 'browser.job.failedUnknown', values: {} };
  }
}

export function jobFraction(job: RetrieveJob): number | undefined {
  if (job.total === undefined || job.total === 0) return undefined;
  return Math.min(1, (job.completed + job.failed) / job.total);
}
