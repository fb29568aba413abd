/**
 * WADO-RS rendered images and thumbnails: a stored instance rendered here (renderedImage.ts), or one node's
 * image (a node without /thumbnail is asked for a small /rendered instead).
 */
import type { GatewayContext, RouteCall } from '../context';
import { renderedResponse } from '../renderedImage';
import { upstreamBytes } from '../upstreamReads';

const THUMBNAIL_SIZE = 128;

/** GET /studies/{st}/series/{se}/instances/{sop}/rendered and …/thumbnail. */
export async function retrieveRendered(ctx: GatewayContext, { route, request, path, pathAndQuery }: RouteCall<'rendered'>): Promise<Response> {
  const bytes = await ctx.store.readInstance(route.study, route.series, route.instance);
  if (!bytes) {
    // Orthanc and others refuse an Accept list here: ask for exactly one image type.
    const accept = /image\/jpeg/.test(request.headers.get('accept') ?? '') && !/image\/png/.test(request.headers.get('accept') ?? '') ? 'image/jpeg' : 'image/png';
    const what = `The rendered image of instance ${route.instance}`;
    const answer = (await upstreamBytes(ctx, pathAndQuery, accept, what)).response;
    if (!route.thumbnail || answer.status !== 404) return answer;
    // Many nodes (Orthanc's plugin among them) have no /thumbnail: a small /rendered is the same picture.
    const rendered = `${path.replace(/\/thumbnail$/, '/rendered')}?viewport=${THUMBNAIL_SIZE},${THUMBNAIL_SIZE}`;
    return (await upstreamBytes(ctx, rendered, accept, what)).response;
  }
  // Every transfer syntax and photometric interpretation the viewer decodes (see renderedImage.ts).
  return await renderedResponse(bytes, request.headers.get('accept'), { maxSize: route.thumbnail ? THUMBNAIL_SIZE : undefined });
}
