/**
 * QIDO-RS: studies (local and every node at once, merged), and the series or instances of a study (local
 * unless the study or series is only partly here; then the nodes first, the local part as the fallback).
 */
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { getString } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import type { StudyInstanceUid } from '../../../../common/dicom/uid';
import { fetchWithFailover } from '../../pacs/failover';
import { matchesQido, parseQidoQuery } from '../../store/qidoMatch';
import { pickTags } from '../../store/studyIndexViews';
import { DICOM_JSON, json, page, problem, warningHeader } from '../answers';
import type { GatewayContext, RouteCall } from '../context';
import { parseJsonBody, sanitizeUpstreamDataset, upstreamJson } from '../upstreamReads';

/** What a local instance listing tells (the store holds full metadata). */
const INSTANCE_LEVEL_TAGS = [
  Tag.SpecificCharacterSet, Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.Modality, Tag.StudyInstanceUID,
  Tag.SeriesInstanceUID, Tag.InstanceNumber, Tag.Rows, Tag.Columns, Tag.BitsAllocated, Tag.NumberOfFrames,
];

/** GET /studies: local matches, and every node not skipped asked at once; a study partly here is described by a node. */
export async function qidoStudies(ctx: GatewayContext, { url, pathAndQuery, ourBase }: RouteCall<'qidoStudies'>): Promise<Response> {
  const { store, upstreams, health } = ctx;
  const q = parseQidoQuery(url.searchParams);
  const merged = new Map<string, DicomJsonDataset>();
  for (const ds of store.studies()) {
    if (matchesQido(ds, q.filters, q.fuzzy)) merged.set(getString(ds, Tag.StudyInstanceUID)!, ds);
  }
  const failures: string[] = [];
  const replaced = new Set<string>();
  const asked = upstreams.filter((up) => {
    if (!health.shouldSkip(up.name)) return true;
    failures.push(health.skipReason(up.name));
    return false;
  });
  const answers = await Promise.allSettled(
    asked.map(async (up) => {
      const outcome = await fetchWithFailover([up], health, pathAndQuery, DICOM_JSON, { deadline: true });
      if (outcome.kind === 'miss') {
        if (outcome.failures.length) throw new Error(outcome.failures.join('; '));
        return [];
      }
      const parsed = parseJsonBody(outcome.answer.body);
      if (!Array.isArray(parsed)) throw new Error(`${up.name} sent JSON that is not a DICOM JSON array`);
      return parsed as DicomJsonDataset[];
    }),
  );
  answers.forEach((a, i) => {
    const up = asked[i]!;
    if (a.status === 'rejected') {
      const why = a.reason instanceof Error ? a.reason.message : String(a.reason);
      failures.push(why.includes(up.name) ? why : `${up.name}: ${why}`);
      return;
    }
    for (const raw of a.value) {
      const uid = getString(raw, Tag.StudyInstanceUID);
      if (!uid) continue;
      // A study only partly stored here is described by the node that holds all of it.
      const partial = merged.has(uid) && !replaced.has(uid) && ctx.partial.studyPartial(uid as StudyInstanceUid);
      if (!merged.has(uid) || partial) {
        merged.set(uid, sanitizeUpstreamDataset(raw, up.baseUrl, ourBase));
        if (partial) replaced.add(uid);
      }
    }
  });
  // Offset and limit were already applied upstream, so only the local part is paged here.
  return json(200, page([...merged.values()], 0, q.limit), warningHeader(failures));
}

/** GET /studies/{st}/series, /studies/{st}/instances, /studies/{st}/series/{se}/instances. */
export async function qidoSeriesOrInstances(ctx: GatewayContext, { route, url, pathAndQuery, ourBase }: RouteCall<'qidoSeries' | 'qidoStudyInstances' | 'qidoSeriesInstances'>): Promise<Response> {
  const { store, partial } = ctx;
  const q = parseQidoQuery(url.searchParams);
  const series = route.kind === 'qidoSeriesInstances' ? route.series : undefined;
  const local =
    route.kind === 'qidoSeries'
      ? store.series(route.study)
      : store.instances(route.study, series)?.map((d) => pickTags(d, INSTANCE_LEVEL_TAGS));
  const matching = (rows: DicomJsonDataset[]) => page(rows.filter((d) => matchesQido(d, q.filters, q.fuzzy)), q.offset, q.limit);
  const isPartial = series ? partial.seriesPartial(route.study, series) : partial.studyPartial(route.study);
  if (local && !isPartial) return json(200, matching(local));
  const up = await upstreamJson(ctx, pathAndQuery, ourBase);
  if (up.kind === 'ok') {
    // Only unfiltered listings say what the study or series holds.
    if (url.search === '') {
      if (route.kind === 'qidoSeries') partial.learnSeries(route.study, up.items);
      else partial.learnInstances(route.study, series, up.items);
    }
    return json(200, up.items);
  }
  if (local) return json(200, matching(local), partial.warning(route.study, series, up.failures));
  return up.failures.length ? problem(502, up.failures.join('; ')) : json(200, []);
}
