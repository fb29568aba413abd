/**
 * Prefetch rules: which studies to fetch ahead of the reader. Each rule answers candidates (studies some
 * node holds) and what it skipped; the Prefetcher turns candidates into background retrieve jobs.
 *   query  — the studies matching a StudyQuery on any node (e.g. today's: studyDateFrom = studyDateTo = today);
 *   priors — for a patient whose study was just opened, the N most recent *other* studies of that patient
 *            (by study date and time); the ones already complete locally are skipped — they count toward N,
 *            since the reader already has them;
 *   pinned — given Study Instance UIDs (the node is chosen when the job starts).
 */
import type { FederatedStudy } from '../../../common/dicom/federation';
import { datePresetRange, type StudyQueryInput, StudyQuery } from '../../../common/dicom/studyQuery';
import { studyUid } from '../../../common/dicom/uid';
import { federatedStudySearch } from '../pacs/federatedSearch';
import type { PacsNode } from '../pacs/pacsNode';
import type { InstanceStore } from '../store/instanceStore';

export type PrefetchRule = 'query' | 'priors' | 'pinned';

export interface PrefetchCandidate {
  studyInstanceUid: string;
  patientId?: string;
  studyDate?: string;
  /** The first node (by priority) that holds it, when known. */
  nodeId?: string;
  numberOfInstances?: number;
}

export type SkipReason = 'local' | 'queued' | 'unavailable' | 'opened';

export interface RuleAnswer {
  candidates: PrefetchCandidate[];
  skipped: { studyInstanceUid: string; reason: SkipReason }[];
  /** Nodes that failed to answer, with their reason. */
  errors: string[];
}

interface CompletenessAware {
  studyState?(study: string): 'complete' | 'partial' | undefined;
}

/** Complete locally: the archive says so, or the store holds at least as many instances as the node lists. */
export function isCompleteLocally(store: InstanceStore, study: string, remoteInstances?: number): boolean {
  const aware = store as unknown as CompletenessAware;
  if (typeof aware.studyState === 'function' && aware.studyState(study) === 'complete') return true;
  let uid;
  try {
    uid = studyUid(study);
  } catch {
    return false;
  }
  if (!store.hasStudy(uid)) return false;
  if (!remoteInstances) return false;
  return (store.instances(uid)?.length ?? 0) >= remoteInstances;
}

function toCandidate(s: FederatedStudy): PrefetchCandidate {
  return {
    studyInstanceUid: s.studyInstanceUid,
    patientId: s.patientId || undefined,
    studyDate: s.studyDate || undefined,
    nodeId: s.locations.find((l) => l !== 'local'),
    numberOfInstances: s.numberOfInstances,
  };
}

function split(studies: FederatedStudy[], store: InstanceStore, answer: RuleAnswer): void {
  for (const s of studies) {
    if (isCompleteLocally(store, s.studyInstanceUid, s.numberOfInstances)) answer.skipped.push({ studyInstanceUid: s.studyInstanceUid, reason: 'local' });
    else if (!s.locations.some((l) => l !== 'local')) answer.skipped.push({ studyInstanceUid: s.studyInstanceUid, reason: 'unavailable' });
    else answer.candidates.push(toCandidate(s));
  }
}

export async function queryRule(nodes: readonly PacsNode[], store: InstanceStore, query: StudyQueryInput): Promise<RuleAnswer> {
  const result = await federatedStudySearch(nodes, store, StudyQuery.parse(query));
  const answer: RuleAnswer = { candidates: [], skipped: [], errors: result.nodes.filter((n) => n.error).map((n) => n.error!) };
  split(result.studies, store, answer);
  return answer;
}

/** Today's studies (local calendar), on every node. */
export function todayQuery(now: Date = new Date()): StudyQueryInput {
  const { from, to } = datePresetRange('today', now);
  return { studyDateFrom: from, studyDateTo: to };
}

export async function priorsRule(
  nodes: readonly PacsNode[],
  store: InstanceStore,
  patientId: string,
  options: { count: number; openedStudyUid?: string },
): Promise<RuleAnswer> {
  const result = await federatedStudySearch(nodes, store, StudyQuery.parse({ patientId }));
  const answer: RuleAnswer = { candidates: [], skipped: [], errors: result.nodes.filter((n) => n.error).map((n) => n.error!) };
  // The search sorts newest first; a node that ignores the key answers other patients: keep exact matches.
  const others = result.studies
    .filter((s) => s.patientId === patientId && s.studyInstanceUid !== options.openedStudyUid)
    .sort((a, b) => `${b.studyDate}${b.studyTime}`.localeCompare(`${a.studyDate}${a.studyTime}`) || a.studyInstanceUid.localeCompare(b.studyInstanceUid));
  split(others.slice(0, Math.max(0, options.count)), store, answer);
  return answer;
}

export function pinnedRule(store: InstanceStore, studyUids: readonly string[]): RuleAnswer {
  const answer: RuleAnswer = { candidates: [], skipped: [], errors: [] };
  for (const uid of new Set(studyUids)) {
    if (isCompleteLocally(store, uid)) answer.skipped.push({ studyInstanceUid: uid, reason: 'local' });
    else answer.candidates.push({ studyInstanceUid: uid });
  }
  return answer;
}
