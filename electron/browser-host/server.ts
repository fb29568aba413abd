/**
 * The browser host: services, gateway and renderer bundle behind one HTTP server on 127.0.0.1 with an
 * ephemeral port. Everything except the static bundle needs the per-launch bearer token, and requests
 * must name our own host (no DNS rebinding). End-to-end tests drive Chromium against it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { createServices, type Services } from '../services/app/createServices';
import type { SettingsStore } from '../services/settings/settings';
import { openSecretStore, type SecretStore } from '../services/secrets/secretStore';
import type { KeyProvider } from '../services/archive/keyProvider';
import { keySourcesFromEnv, type KeySources } from '../services/custody/custody';
import { openDataFolder } from '../services/custody/openFolder';
import { VERSION } from '../services/version';
import { HttpBridge } from './httpBridge';
import { nodeHealthRows } from '../services/app/handlers';
import { contentSecurityPolicy } from '../../common/security/csp';
import { RENDERER_MIME_TYPES as MIME } from '../services/app/mimeTypes';

/** The page's policy; sent with every answer (see the request handler). */
const APP_CSP = contentSecurityPolicy({ connectSrc: ["'self'"] });

export const DATA_PLANE_PREFIX = '/dicomweb';

export interface BrowserHostOptions {
  dataDir: string;
  settings: SettingsStore;
  /** Defaults to the encrypted secrets file in dataDir (its key wrapped under the folder's custody). */
  secrets?: SecretStore;
  /**
   * Where the data folder's key comes from (default: DOKUEI_ARCHIVE_KEY / DOKUEI_PASSPHRASE, nothing asked).
   * A folder they cannot open fails the start with the "locked" message, before any port is opened.
   */
  keySources?: KeySources;
  /** An already unlocked key provider (tests, the bench): custody is not consulted. */
  keyProvider?: KeyProvider;
  rendererDir: string;
  port?: number;
  token?: string;
  demoDir?: string;
  log?: (message: string) => void;
}

export interface BrowserHost {
  /** URL to open: the token travels in the fragment, which browsers never send to the server. */
  url: string;
  origin: string;
  token: string;
  services: Services;
  close(): Promise<void>;
}

/** The largest request body the data plane takes (STOW-RS uploads). */
export const MAX_DATA_PLANE_BODY = 2 * 1024 * 1024 * 1024;

/** The request's bytes, failing the stream once more than `limit` have come. */
function capped(req: IncomingMessage, limit: number): Readable {
  let seen = 0;
  const out = new PassThrough();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limit) {
      req.unpipe(out);
      out.destroy(new Error(`Request body over the ${limit}-byte limit`));
    }
  });
  req.on('error', (err) => out.destroy(err));
  req.pipe(out);
  return out;
}

/** True when the raw request path contains a "." or ".." segment, plainly or percent-encoded. */
export function hasDotSegment(rawPath: string): boolean {
  return rawPath.split('?')[0]!.split('/').some((seg) => {
    let d: string;
    try {
      d = decodeURIComponent(seg);
    } catch {
      return true;
    }
    return d === '.' || d === '..' || d.includes('/') || d.includes('\\');
  });
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const log = options.log ?? ((m: string) => console.error(m));
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  // The keys first: a locked data folder stops the start before anything listens.
  let keyProvider: KeyProvider;
  let secrets: SecretStore;
  let keyNotices: string[];
  if (options.keyProvider) {
    keyProvider = options.keyProvider;
    const opened = options.secrets ? undefined : await openSecretStore(options.dataDir, keyProvider);
    secrets = options.secrets ?? opened!.store;
    keyNotices = opened?.notices ?? [];
  } else {
    const archiveDir = options.settings.get().archive?.dir;
    const opened = await openDataFolder(options.dataDir, options.keySources ?? keySourcesFromEnv(), archiveDir ? { archiveDirs: [archiveDir] } : {});
    keyProvider = opened.folder.provider;
    secrets = options.secrets ?? opened.secrets;
    keyNotices = opened.notices;
  }
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const services = await createServices({
    dataDir: options.dataDir,
    settings: options.settings,
    secrets,
    keyProvider,
    keyNotices,
    host: 'browser',
    version: VERSION,
    dataPlaneBaseUrl: `${origin}${DATA_PLANE_PREFIX}`,
    gatewayBasePath: DATA_PLANE_PREFIX,
    demoDir: options.demoDir,
    log,
  });
  const bridge = new HttpBridge(services.handlers);
  const offStore = services.onStoreChanged((counts) => bridge.emit('storeChanged', counts));
  const offJobs = services.onRetrieveProgress((job) => bridge.emit('retrieveProgress', job));
  const offHealth = services.onNodeHealth(() => bridge.emit('nodeHealthChanged', nodeHealthRows(services.nodes, services.health)));
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const m = /^bearer (.+)$/i.exec(header);
    if (!m) return false;
    const given = Buffer.from(m[1]!);
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };

  const deny = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ error: message }));
  };

  async function serveStatic(urlPath: string, res: ServerResponse): Promise<void> {
    const rel = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath).replace(/^\/+/, '');
    const root = path.resolve(options.rendererDir);
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return deny(res, 400, 'Bad path');
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch {
      if (rel === 'index.html') return deny(res, 503, `The renderer is not built (${root} is missing). Run \`npm run build:renderer\`.`);
      return deny(res, 404, 'Not found');
    }
    const headers: Record<string, string> = {
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
    };
    if (file.endsWith('.html')) {
      headers['Cache-Control'] = 'no-store';
    }
    res.writeHead(200, headers);
    res.end(data);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    if (!allowedHosts.has(req.headers.host ?? '')) return deny(res, 421, 'Unexpected Host header');
    if (hasDotSegment(rawUrl)) return deny(res, 400, 'Path traversal refused');
    const urlPath = rawUrl.split('?')[0]!;
    if (urlPath === DATA_PLANE_PREFIX || urlPath.startsWith(`${DATA_PLANE_PREFIX}/`)) {
      if (!authorized(req)) return deny(res, 401, 'Missing or wrong access token');
      // POST (STOW-RS) streams its body through, capped; the gateway parses it as it arrives.
      const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers: req.headers as Record<string, string> };
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        if (Number(req.headers['content-length'] ?? 0) > MAX_DATA_PLANE_BODY) return deny(res, 413, 'Request body too large');
        init.body = Readable.toWeb(capped(req, MAX_DATA_PLANE_BODY)) as ReadableStream<Uint8Array>;
        init.duplex = 'half';
      }
      const request = new Request(`${origin}${rawUrl}`, init);
      const response = await services.gateway(request);
      const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
      response.headers.forEach((v, k) => (headers[k] = v));
      res.writeHead(response.status, headers);
      if (!response.body || req.method === 'HEAD') return void res.end();
      const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).on('error', () => res.destroy());
      // A client that goes away (a viewer closed mid-series) cancels the rest of a streamed answer.
      res.on('close', () => {
        if (!res.writableFinished) body.destroy();
      });
      body.pipe(res);
      return;
    }
    if (urlPath === '/ipc/events') {
      if (!authorized(req)) return deny(res, 401, 'Missing or wrong access token');
      return bridge.handleEvents(req, res);
    }
    if (urlPath.startsWith('/ipc/')) {
      if (!authorized(req)) return deny(res, 401, 'Missing or wrong access token');
      return bridge.handleRequest(urlPath.slice('/ipc/'.length), req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed');
    return serveStatic(urlPath, res);
  }

  server.on('request', (req, res) => {
    // Every answer carries the CSP, not only the page: a JSON, DICOM or error body opened as a document (a
    // link, a redirect, a sniffing client) must not run anything either.
    res.setHeader('Content-Security-Policy', APP_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    onRequest(req, res).catch((err) => {
      log(`browser host: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) deny(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    services,
    close: async () => {
      offStore();
      offJobs();
      offHealth();
      await services.close();
      bridge.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
