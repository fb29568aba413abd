/** WADO-RS Retrieve Instance: the stored Part 10 bytes, or one node's answer (then stored in the background). */
import { encodeMultipart, newBoundary } from '../../../../common/dicom/multipart';
import { storeLater, type GatewayContext, type RouteCall } from '../context';
import { upstreamBytes } from '../upstreamReads';

/** GET /studies/{st}/series/{se}/instances/{sop}. */
export async function retrieveInstance(ctx: GatewayContext, { route, request, pathAndQuery }: RouteCall<'instance'>): Promise<Response> {
  const bytes = await ctx.store.readInstance(route.study, route.series, route.instance);
  if (!bytes) {
    // A whole instance may rightly take long: each node's own timeouts apply, not one deadline.
    const up = await upstreamBytes(ctx, pathAndQuery, request.headers.get('accept') ?? 'multipart/related; type="application/dicom"', `Instance ${route.instance}`, false);
    if (up.node) storeLater(ctx, route, up.node);
    return up.response;
  }
  const boundary = newBoundary();
  const body = encodeMultipart([{ contentType: 'application/dicom', body: bytes }], boundary);
  return new Response(body, { status: 200, headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` } });
}
