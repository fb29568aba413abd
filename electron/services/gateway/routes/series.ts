/**
 * Retrieve Series (GET /studies/{st}/series/{se}): the instances in Instance Number order, local or fetched
 * whole through store-through, streamed by seriesRetrieve.ts. The listing comes from the nodes when the series
 * is not here or only partly here.
 */
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { getNumber, getString } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { sopUid, type SopInstanceUid } from '../../../../common/dicom/uid';
import type { DicomwebUpstream } from '../../pacs/upstream';
import { problem } from '../answers';
import type { GatewayContext, RouteCall } from '../context';
import { seriesRetrieveKind, seriesRetrieveResponse } from '../seriesRetrieve';
import { upstreamJson } from '../upstreamReads';

/** SOP Instance UIDs of a listing by Instance Number (listing order where it is absent); malformed UIDs dropped. */
export function instancesInOrder(items: readonly DicomJsonDataset[]): SopInstanceUid[] {
  const rows: { sop: SopInstanceUid; n: number; i: number }[] = [];
  items.forEach((ds, i) => {
    const raw = getString(ds, Tag.SOPInstanceUID);
    if (!raw) return;
    let sop: SopInstanceUid;
    try {
      sop = sopUid(raw);
    } catch {
      return;
    }
    rows.push({ sop, n: getNumber(ds, Tag.InstanceNumber) ?? Number.POSITIVE_INFINITY, i });
  });
  return rows.sort((a, b) => a.n - b.n || a.i - b.i).map((r) => r.sop);
}

/** GET /studies/{st}/series/{se}: bulk data (a part per frame) or instances, as the Accept header asks. */
export async function retrieveSeries(ctx: GatewayContext, { route, request, ourBase }: RouteCall<'series'>): Promise<Response> {
  const { store, storeThrough, partial, log } = ctx;
  const kind = seriesRetrieveKind(request.headers.get('accept'));
  if (!kind) return problem(406, 'Retrieve Series answers multipart/related of type application/dicom (instances) or application/octet-stream (bulk data)');
  const local = store.instances(route.study, route.series) ?? [];
  let listing = local;
  let node: DicomwebUpstream | undefined;
  if (local.length === 0 || partial.seriesPartial(route.study, route.series)) {
    const up = await upstreamJson(ctx, `/studies/${route.study}/series/${route.series}/instances`, ourBase);
    if (up.kind === 'ok') {
      partial.learnInstances(route.study, route.series, up.items);
      listing = up.items;
      node = up.node;
    } else if (local.length === 0) {
      return up.failures.length
        ? problem(502, `Series ${route.series} is not available locally and no node could provide it: ${up.failures.join('; ')}`)
        : problem(404, `Series ${route.series} was not found locally or on any configured node`);
    }
  }
  const ref = (instance: SopInstanceUid) => ({ study: route.study, series: route.series, instance });
  return seriesRetrieveResponse(
    {
      seriesUrl: `${ourBase}/studies/${route.study}/series/${route.series}`,
      instances: instancesInOrder(listing),
      // Missing instances are fetched whole through store-through: what streams is what is stored.
      read: (sop) => (storeThrough ? storeThrough.fetchStored(ref(sop), node) : store.readInstance(route.study, route.series, sop)),
      log,
    },
    kind,
  );
}
