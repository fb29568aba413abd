/**
 * The (Request) => Response handlers main.ts registers with protocol.handle. Web-standard types only, so
 * they run (and are tested) under plain Node; main.ts just plugs them in.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { APP_CONTENT_SECURITY_POLICY } from './csp';
import { APP_ORIGIN, isDataPlaneUrl, resolveAppAssetPath } from './schemes';
import { RENDERER_MIME_TYPES as MIME } from '../services/app/mimeTypes';

function plain(status: number, message: string): Response {
  return new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
}

export interface AppHandlerOptions {
  rendererDir: string;
  /** Injected in tests; fs.readFile in the app (Electron's fs also reads inside app.asar). */
  readFile?: (file: string) => Promise<Uint8Array<ArrayBuffer>>;
}

/** Serves the renderer bundle for app://dokuei/…, with the CSP on every response. */
export function createAppHandler(options: AppHandlerOptions): (request: Request) => Promise<Response> {
  const readFile = options.readFile ?? ((file: string) => fs.readFile(file));
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const file = resolveAppAssetPath(options.rendererDir, request.url);
    // One answer for "outside the bundle" and "not in the bundle": nothing to learn by probing.
    if (!file) return plain(404, 'Not found');
    let data: Uint8Array<ArrayBuffer>;
    try {
      data = await readFile(file);
    } catch {
      if (path.basename(file) === 'index.html' && path.dirname(file) === path.resolve(options.rendererDir)) {
        return plain(503, `The renderer is not built (${options.rendererDir} is missing). Run \`npm run build:renderer\`.`);
      }
      return plain(404, 'Not found');
    }
    const headers: Record<string, string> = {
      'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      // On every response, not only the HTML: a dedicated worker takes its CSP from its own script's response.
      'Content-Security-Policy': APP_CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    };
    return new Response(request.method === 'HEAD' ? null : data, { status: 200, headers });
  };
}

/**
 * Wraps the gateway for dicomweb://local/…. The page (app://dokuei) is cross-origin to the data plane, so
 * this answers CORS for our origin only and refuses requests that declare any other origin: whatever else
 * might end up in a renderer must not read patient data.
 */
export function createDataPlaneHandler(gateway: (request: Request) => Promise<Response>): (request: Request) => Promise<Response> {
  return async (request) => {
    if (!isDataPlaneUrl(request.url)) return plain(404, 'Not found');
    const origin = request.headers.get('origin');
    if (origin !== null && origin !== APP_ORIGIN) return plain(403, 'Forbidden origin');
    const cors: Record<string, string> = {
      'Access-Control-Allow-Origin': APP_ORIGIN,
      // The gateway reports partial answers from upstream nodes in Warning: the UI shows them per node.
      'Access-Control-Expose-Headers': 'Warning, Content-Type, Content-Length',
      Vary: 'Origin',
    };
    if (request.method === 'OPTIONS') {
      // cornerstone's Accept values (multipart/related; type="…") are not CORS-safelisted, so it preflights.
      return new Response(null, {
        status: 204,
        headers: {
          ...cors,
          'Access-Control-Allow-Methods': 'GET, HEAD, POST', // POST: STOW-RS of dropped files
          'Access-Control-Allow-Headers': request.headers.get('access-control-request-headers') ?? 'Accept',
          'Access-Control-Max-Age': '600',
        },
      });
    }
    const response = await gateway(request);
    // Copy into a fresh Response: headers of a fetch() passthrough from an upstream are immutable.
    const headers = new Headers(response.headers);
    for (const [k, v] of Object.entries(cors)) headers.set(k, v);
    headers.set('Cache-Control', 'no-store');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
