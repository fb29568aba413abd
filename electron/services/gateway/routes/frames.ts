/**
 * WADO-RS Retrieve Frames: the frames of a stored instance in its own transfer syntax (never transcoded); a
 * single-frame instance not stored yet is fetched and stored first; otherwise one node's answer (the instance is
 * then stored in the background). A frame that does not exist or cannot be
 * read throws Part10Error, which the router answers 422.
 */
import { encodeMultipart, newBoundary } from '../../../../common/dicom/multipart';
import { extractFrames } from '../../dicom/part10';
import { storeLater, type GatewayContext, type RouteCall } from '../context';
import { OCTET_STREAM_ACCEPT } from '../../../../common/dicom/multipart';
import { upstreamBytes } from '../upstreamReads';

/** GET /studies/{st}/series/{se}/instances/{sop}/frames/{n,…}. */
export async function retrieveFrames(ctx: GatewayContext, { route, request, pathAndQuery }: RouteCall<'frames'>): Promise<Response> {
  const cached = ctx.decrypted.get(route);
  let bytes = cached ?? (await ctx.store.readInstance(route.study, route.series, route.instance));
  // A single-frame instance (its metadata came from a node): fetch it whole through store-through and answer
  // from what was stored, so the frame and the stored copy are one download, not two. Multi-frame instances
  // (a cine of hundreds of MB) and instances of unknown metadata keep the frame forwarded on its own.
  if (!bytes && ctx.storeThrough && ctx.partial.singleFrame(route.instance)) {
    bytes = await ctx.storeThrough.fetchStored(route);
  }
  if (!bytes) {
    const up = await upstreamBytes(ctx, pathAndQuery, request.headers.get('accept') ?? OCTET_STREAM_ACCEPT, `Frames of instance ${route.instance}`);
    if (up.node) storeLater(ctx, route, up.node);
    return up.response;
  }
  const { transferSyntaxUid, frames, numberOfFrames } = extractFrames(bytes, route.frames);
  if (!cached && numberOfFrames > 1) ctx.decrypted.put(route, bytes);
  const boundary = newBoundary();
  const partType = `application/octet-stream; transfer-syntax=${transferSyntaxUid}`;
  const body = encodeMultipart(frames.map((f) => ({ contentType: partType, body: f })), boundary);
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': `multipart/related; type="application/octet-stream"; transfer-syntax=${transferSyntaxUid}; boundary=${boundary}` },
  });
}
