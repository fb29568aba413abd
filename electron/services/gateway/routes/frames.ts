/**
 * WADO-RS Retrieve Frames: the frames of a stored instance in its own transfer syntax (never transcoded), or
 * one node's answer (the instance is then stored in the background). A frame that does not exist or cannot be
 * read throws Part10Error, which the router answers 422.
 */
import { encodeMultipart, newBoundary } from '../../../../common/dicom/multipart';
import { extractFrames } from '../../dicom/part10';
import { storeLater, type GatewayContext, type RouteCall } from '../context';
import { OCTET_STREAM_ACCEPT } from '../seriesRetrieve';
import { upstreamBytes } from '../upstreamReads';

/** GET /studies/{st}/series/{se}/instances/{sop}/frames/{n,…}. */
export async function retrieveFrames(ctx: GatewayContext, { route, request, pathAndQuery }: RouteCall<'frames'>): Promise<Response> {
  const bytes = await ctx.store.readInstance(route.study, route.series, route.instance);
  if (!bytes) {
    const up = await upstreamBytes(ctx, pathAndQuery, request.headers.get('accept') ?? OCTET_STREAM_ACCEPT, `Frames of instance ${route.instance}`);
    if (up.node) storeLater(ctx, route, up.node);
    return up.response;
  }
  const { transferSyntaxUid, frames } = extractFrames(bytes, route.frames);
  const boundary = newBoundary();
  const partType = `application/octet-stream; transfer-syntax=${transferSyntaxUid}`;
  const body = encodeMultipart(frames.map((f) => ({ contentType: partType, body: f })), boundary);
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': `multipart/related; type="application/octet-stream"; transfer-syntax=${transferSyntaxUid}; boundary=${boundary}` },
  });
}
