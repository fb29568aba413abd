/**
 * The DICOMweb gateway: a web-standard (Request) => Promise<Response> over the local store, falling
 * through to upstream DICOMweb nodes on a miss. Electron binds it to the dicomweb:// scheme; the browser
 * host puts it behind a token-protected 127.0.0.1 server. It implements the subset cornerstone3D uses.
 *
 * This file is the router: it parses the path, dispatches by route kind to a named handler, and maps errors
 * to answers. The handlers are in routes/ (one module per route family, each a function of what the handlers
 * share, context.ts, and the routed call); STOW-RS is stow.ts.
 */
import { parseDicomwebPath, parseStowPath } from '../../../common/dicom/dicomwebPaths';
import { Part10Error } from '../dicom/part10';
import type { NodeHealth } from '../pacs/nodeHealth';
import { problem } from './answers';
import { createGatewayContext, type GatewayContext, type GatewayOptions, type RouteCall } from './context';
import { RenderError } from './renderedImage';
import { retrieveBulkData } from './routes/bulkData';
import { retrieveFrames } from './routes/frames';
import { retrieveInstance } from './routes/instance';
import { seriesOrInstanceMetadata } from './routes/metadata';
import { qidoSeriesOrInstances, qidoStudies } from './routes/qido';
import { retrieveRendered } from './routes/rendered';
import { retrieveSeries } from './routes/series';
import type { StoreThrough } from './storeThrough';
import { handleStow } from './stow';

export type { GatewayOptions } from './context';

export type Gateway = (request: Request) => Promise<Response>;

/** The gateway with what it keeps: node health (the UI shows it) and the store-through queue. */
export interface DataPlaneGateway extends Gateway {
  readonly health: NodeHealth;
  /** Undefined when store-through is off. */
  readonly storeThrough: StoreThrough | undefined;
  /** Stops background store-through (aborts transfers in flight). */
  close(): Promise<void>;
}

/** A GET or HEAD to its handler. */
function dispatch(ctx: GatewayContext, call: RouteCall): Promise<Response> {
  const { route } = call;
  switch (route.kind) {
    case 'qidoStudies':
      return qidoStudies(ctx, { ...call, route });
    case 'qidoSeries':
    case 'qidoStudyInstances':
    case 'qidoSeriesInstances':
      return qidoSeriesOrInstances(ctx, { ...call, route });
    case 'seriesMetadata':
    case 'instanceMetadata':
      return seriesOrInstanceMetadata(ctx, { ...call, route });
    case 'series':
      return retrieveSeries(ctx, { ...call, route });
    case 'instance':
      return retrieveInstance(ctx, { ...call, route });
    case 'frames':
      return retrieveFrames(ctx, { ...call, route });
    case 'rendered':
      return retrieveRendered(ctx, { ...call, route });
    case 'bulkData':
      return retrieveBulkData(ctx, { ...call, route });
  }
}

/** Reads of a study's images or their metadata: what counts as the viewer opening it (thumbnails and searches do not). */
const STUDY_READS: ReadonlySet<string> = new Set(['seriesMetadata', 'instanceMetadata', 'series', 'instance', 'frames', 'bulkData']);

/** The 500 answer to an error no handler expected (logged with its stack by the caller). */
function internalError(err: unknown): Response {
  return problem(500, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
}

export function createGateway(options: GatewayOptions): DataPlaneGateway {
  const ctx = createGatewayContext(options);
  const { store, log } = ctx;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const ourBaseOf = (url: URL) => `${url.protocol}//${url.host}${basePath}`;

  /** STOW-RS into the local store (see stow.ts). */
  async function stow(request: Request, url: URL): Promise<Response> {
    if (basePath && !url.pathname.startsWith(`${basePath}/`)) return problem(400, 'Path outside the DICOMweb data plane');
    const parsed = parseStowPath(url.pathname.slice(basePath.length));
    if (!parsed.ok) return problem(parsed.status === 404 ? 405 : 400, parsed.status === 404 ? `POST is not supported here (${parsed.reason})` : parsed.reason);
    try {
      return await handleStow(request, store, ourBaseOf(url), parsed.study, {}, ctx.audit);
    } catch (err) {
      log(`gateway STOW error: ${err instanceof Error ? err.stack : String(err)}`);
      return internalError(err);
    }
  }

  async function gateway(request: Request): Promise<Response> {
    const post = request.method === 'POST';
    if (!post && request.method !== 'GET' && request.method !== 'HEAD') return problem(405, `${request.method} is not supported by the data plane`);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return problem(400, 'Malformed URL');
    }
    if (post) return stow(request, url);
    // Paths outside the data plane (including "../" that the URL parser already resolved) are refused.
    if (basePath && !(url.pathname === basePath || url.pathname.startsWith(`${basePath}/`))) {
      return problem(400, 'Path outside the DICOMweb data plane');
    }
    const path = url.pathname.slice(basePath.length);
    const parsed = parseDicomwebPath(path);
    if (!parsed.ok) return problem(400, parsed.reason);
    try {
      const response = await dispatch(ctx, { route: parsed.route, url, request, path, pathAndQuery: path + url.search, ourBase: ourBaseOf(url) });
      if (response.ok && STUDY_READS.has(parsed.route.kind) && 'study' in parsed.route) ctx.studyAccess.read(parsed.route.study);
      return response;
    } catch (err) {
      if (err instanceof Part10Error || err instanceof RenderError) return problem(err instanceof RenderError ? err.status : 422, err.message);
      log(`gateway error on ${url.pathname}: ${err instanceof Error ? err.stack : String(err)}`);
      return internalError(err);
    }
  }

  return Object.assign(gateway, {
    health: ctx.health,
    storeThrough: ctx.storeThrough,
    close: async () => {
      await ctx.storeThrough?.close();
    },
  });
}
