/**
 * WADO-RS Retrieve Bulkdata of one top-level element (issue #19: an encapsulated PDF report's Encapsulated Document
 * (0042,0011), which the metadata leaves out when it is larger than the inline limit). A stored instance answers
 * from its own bytes; otherwise the nodes are asked for the same path (a node's BulkDataURIs are rewritten to point
 * here, see upstreamReads.ts) and the instance is stored in the background, as a whole-instance read would be.
 */
import { encodeMultipart, newBoundary } from '../../../../common/dicom/multipart';
import { readBinaryElements } from '../../dicom/part10';
import { problem } from '../answers';
import { storeLater, type GatewayContext, type RouteCall } from '../context';
import { upstreamBytes } from '../upstreamReads';

/** PS3.18 8.7.3.3: bulk data goes as multipart/related with octet-stream parts unless the client asks otherwise. */
const BULK_ACCEPT = 'multipart/related; type="application/octet-stream"';

/** Pixel data has its own route (frames): its bytes here would be encapsulated fragments no client expects. */
const PIXEL_DATA_TAGS = new Set(['7FE00008', '7FE00009', '7FE00010']);

/** GET /studies/{st}/series/{se}/instances/{sop}/bulk/{tag}. */
export async function retrieveBulkData(ctx: GatewayContext, { route, pathAndQuery }: RouteCall<'bulkData'>): Promise<Response> {
  if (PIXEL_DATA_TAGS.has(route.tag)) return problem(400, 'Pixel data is retrieved through the frames resource, not as bulk data');
  const bytes = await ctx.store.readInstance(route.study, route.series, route.instance);
  if (!bytes) {
    const up = await upstreamBytes(ctx, pathAndQuery, BULK_ACCEPT, `Bulk data ${route.tag} of instance ${route.instance}`, false);
    if (up.node) storeLater(ctx, route, up.node);
    return up.response;
  }
  const value = readBinaryElements(bytes, [route.tag])[route.tag];
  if (!value) return problem(404, `Instance ${route.instance} has no element (${route.tag.slice(0, 4)},${route.tag.slice(4)}) with a value`);
  const boundary = newBoundary();
  const body = encodeMultipart([{ contentType: 'application/octet-stream', body: value.bytes }], boundary);
  return new Response(body, { status: 200, headers: { 'Content-Type': `multipart/related; type="application/octet-stream"; boundary=${boundary}` } });
}
