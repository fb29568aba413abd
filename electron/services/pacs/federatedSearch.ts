/**
 * One study query, fanned out to the local store and every enabled node in parallel. Each node gets its
 * own deadline (its timeoutMs), so a node that is down never delays the answer past that; its failure is
 * reported beside the results instead of replacing them.
 */
import { formatPersonName, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { FederatedSearchResult, FederatedStudy, NodeOutcome } from '../../../common/dicom/federation';
import { studyFromDicomJson, type StudySummary } from '../../../common/dicom/model';
import { nodeFilters, studyQueryToFilters, type StudyQuery } from '../../../common/dicom/studyQuery';
import { resolveTag } from '../../../common/dicom/tags';
import type { InstanceStore } from '../store/instanceStore';
import { matchesQido } from '../store/qidoMatch';
import { PacsError, type PacsNode } from './pacsNode';
import type { Says } from '../../../common/i18n/says';

export interface SearchOptions {
  signal?: AbortSignal;
  now?: () => number;
}

function toTagFilters(filters: Record<string, string>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(filters)) {
    const tag = resolveTag(k);
    if (tag) m.set(tag, v);
  }
  return m;
}

export function describeFailure(err: unknown): { state: 'unreachable' | 'error'; message: string; says?: Says } {
  if (err instanceof PacsError) {
    return { state: err.kind === 'unreachable' || err.kind === 'timeout' ? 'unreachable' : 'error', message: err.message, says: err.says };
  }
  return { state: 'error', message: err instanceof Error ? err.message : String(err) };
}

/** Runs `find` with the node's own deadline; a node that ignores the signal is still cut off at the deadline. */
export async function withDeadline<T>(node: PacsNode, run: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
  const timeoutMs = node.settings.timeoutMs;
  const ctl = new AbortController();
  const onOuter = () => ctl.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctl.abort();
      reject(new PacsError('timeout', node.settings.id, `${node.settings.name} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(ctl.signal), deadline]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  }
}

export async function federatedStudySearch(
  nodes: readonly PacsNode[],
  store: InstanceStore,
  query: StudyQuery,
  options: SearchOptions = {},
): Promise<FederatedSearchResult> {
  const now = options.now ?? (() => performance.now());
  const filters = studyQueryToFilters(query);
  const ordered = [...nodes].filter((n) => n.settings.enabled).sort((a, b) => a.settings.priority - b.settings.priority);

  const t0 = now();
  const tagFilters = toTagFilters(filters);
  const local = store.studies().filter((ds) => matchesQido(ds, tagFilters));
  const outcomes: NodeOutcome[] = [{ nodeId: 'local', name: 'Local archive', role: 'local', state: 'ok', ms: now() - t0, count: local.length }];

  const answers = await Promise.all(
    ordered.map(async (node) => {
      const start = now();
      try {
        const items = await withDeadline(node, (signal) => node.find({ level: 'STUDY', filters: nodeFilters(filters), limit: query.limit }, signal), options.signal);
        const ms = now() - start;
        outcomes.push({ nodeId: node.settings.id, name: node.settings.name, role: node.settings.role, state: ms > node.settings.slowMs ? 'slow' : 'ok', ms, count: items.length });
        return { node, items };
      } catch (err) {
        const { state, message, says: said } = describeFailure(err);
        outcomes.push({ nodeId: node.settings.id, name: node.settings.name, role: node.settings.role, state, ms: now() - start, count: 0, error: message, ...(said ? { says: said } : {}) });
        return { node, items: [] as DicomJsonDataset[] };
      }
    }),
  );

  const merged = new Map<string, FederatedStudy>();
  const add = (ds: DicomJsonDataset, location: string, role: 'local' | 'onsite' | 'offsite' | 'other') => {
    const s = studyFromDicomJson(ds);
    if (!s) return;
    let entry = merged.get(s.studyInstanceUid);
    if (!entry) {
      entry = { ...s, locations: [], availability: { local: false, onsite: false, offsite: false, other: false }, localInstances: 0 };
      merged.set(s.studyInstanceUid, entry);
    } else {
      fillMissing(entry, s);
    }
    if (!entry.locations.includes(location)) entry.locations.push(location);
    entry.availability[role] = true;
    if (role === 'local') entry.localInstances = s.numberOfInstances ?? 0;
  };
  for (const ds of local) add(ds, 'local', 'local');
  for (const { node, items } of answers) for (const ds of items) add(ds, node.settings.id, node.settings.role);

  const studies = [...merged.values()]
    .sort((a, b) => `${b.studyDate}${b.studyTime}`.localeCompare(`${a.studyDate}${a.studyTime}`) || a.studyInstanceUid.localeCompare(b.studyInstanceUid))
    .slice(0, query.limit);
  const order = new Map(['local', ...ordered.map((n) => n.settings.id)].map((id, i) => [id, i]));
  outcomes.sort((a, b) => (order.get(a.nodeId) ?? 0) - (order.get(b.nodeId) ?? 0));
  return { studies, nodes: outcomes };
}

/** Nodes disagree on optional attributes (one omits the description): keep the first non-empty value. */
function fillMissing(entry: FederatedStudy, s: StudySummary): void {
  const keys = ['patientNameText', 'patientId', 'patientBirthDate', 'patientSex', 'studyDate', 'studyTime', 'studyDescription', 'accessionNumber'] as const;
  for (const k of keys) if (!entry[k] && s[k]) entry[k] = s[k];
  // Per group: a node that could not represent the kanji (Orthanc on its Latin-1 default) answers "^".
  const blank = (g: string | undefined) => !g || /^[\^\s]*$/.test(g);
  let nameChanged = false;
  for (const g of ['Alphabetic', 'Ideographic', 'Phonetic'] as const) {
    if (blank(entry.patientName[g]) && !blank(s.patientName[g])) {
      entry.patientName = { ...entry.patientName, [g]: s.patientName[g] };
      nameChanged = true;
    }
  }
  if (nameChanged) entry.patientNameText = formatPersonName(entry.patientName);
  entry.modalities = [...new Set([...entry.modalities, ...s.modalities])].sort();
  if ((s.numberOfInstances ?? 0) > (entry.numberOfInstances ?? 0)) entry.numberOfInstances = s.numberOfInstances;
  if ((s.numberOfSeries ?? 0) > (entry.numberOfSeries ?? 0)) entry.numberOfSeries = s.numberOfSeries;
}

export interface SeriesAnswer {
  series: DicomJsonDataset[];
  /** Where the list came from: 'local' or a node id. */
  source: string;
  nodes: NodeOutcome[];
}

/**
 * The series of one study: from the local store when it holds the study, else from the first node (by
 * priority) that answers with series. Nodes that fail are reported, not fatal.
 */
export async function findSeries(nodes: readonly PacsNode[], store: InstanceStore, studyInstanceUid: string, signal?: AbortSignal): Promise<SeriesAnswer> {
  const local = store.series(studyInstanceUid as never);
  const outcomes: NodeOutcome[] = [];
  if (local && local.length) return { series: local, source: 'local', nodes: outcomes };
  const ordered = [...nodes].filter((n) => n.settings.enabled).sort((a, b) => a.settings.priority - b.settings.priority);
  for (const node of ordered) {
    const start = performance.now();
    try {
      const series = await withDeadline(node, (s) => node.find({ level: 'SERIES', filters: {}, studyInstanceUid }, s), signal);
      const ms = performance.now() - start;
      outcomes.push({ nodeId: node.settings.id, name: node.settings.name, role: node.settings.role, state: ms > node.settings.slowMs ? 'slow' : 'ok', ms, count: series.length });
      if (series.length) return { series, source: node.settings.id, nodes: outcomes };
    } catch (err) {
      const { state, message } = describeFailure(err);
      outcomes.push({ nodeId: node.settings.id, name: node.settings.name, role: node.settings.role, state, ms: performance.now() - start, count: 0, error: message });
    }
  }
  return { series: [], source: 'none', nodes: outcomes };
}
