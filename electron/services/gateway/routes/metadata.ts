/**
 * WADO-RS metadata of a series or of one instance: local unless the series is only partly here; then the
 * nodes first (a series answered upstream is queued for store-through), the local part as the fallback.
 */
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { json, problem } from '../answers';
import { queueSeries, storeLater, type GatewayContext, type RouteCall } from '../context';
import { upstreamJson } from '../upstreamReads';

/** GET /studies/{st}/series/{se}/metadata and /studies/{st}/series/{se}/instances/{sop}/metadata. */
export async function seriesOrInstanceMetadata(ctx: GatewayContext, { route, pathAndQuery, ourBase }: RouteCall<'seriesMetadata' | 'instanceMetadata'>): Promise<Response> {
  const { store, partial } = ctx;
  const local =
    route.kind === 'seriesMetadata'
      ? store.instances(route.study, route.series)
      : [store.instanceMetadata(route.study, route.series, route.instance)].filter((d): d is DicomJsonDataset => !!d);
  const isPartial = route.kind === 'seriesMetadata' && partial.seriesPartial(route.study, route.series);
  if (local && local.length && !isPartial) return json(200, local);
  const up = await upstreamJson(ctx, pathAndQuery, ourBase);
  if (up.kind === 'ok') {
    // Not stored yet: the node's answer names the patient (the router's record would find no header).
    ctx.studyAccess.read(route.study, up.items[0]);
    if (route.kind === 'seriesMetadata') {
      partial.learnInstances(route.study, route.series, up.items);
      queueSeries(ctx, route.study, route.series, up.items, up.node);
    } else {
      storeLater(ctx, route, up.node);
    }
    return json(200, up.items);
  }
  if (local && local.length) return json(200, local, partial.warning(route.study, route.series, up.failures));
  const what = route.kind === 'seriesMetadata' ? `Series ${route.series}` : `Instance ${route.instance}`;
  return up.failures.length
    ? problem(502, `${what} is not available locally and no node could provide it: ${up.failures.join('; ')}`)
    : problem(404, `${what} was not found locally or on any configured node`);
}
