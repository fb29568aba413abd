/**
 * The only code that touches the host bridge (window.dokuei in Electron, the HTTP bridge in the browser
 * host) and the data plane's credentials. Everything else asks this module.
 */
import { buildClient, type ClientTransport } from '../../common/ipc/client';
import { requestChannels, type DokueiApi } from '../../common/ipc/contract';
import { fromBridgeError } from '../../common/ipc/errors';
import { createHttpTransport } from './httpTransport';

declare global {
  interface Window {
    dokuei?: DokueiApi;
  }
}

export interface DataPlane {
  /** e.g. "dicomweb://local" or "http://127.0.0.1:PORT/dicomweb" (no trailing slash). */
  baseUrl: string;
  /** Headers every data-plane request needs (the bearer token in the browser host). */
  headers: Record<string, string>;
}

export interface Platform {
  api: DokueiApi;
  dataPlane: DataPlane;
  host: 'electron' | 'browser';
  version: string;
  upstreams: { name: string; url: string }[];
  /** What the services found at start that the reader must see (damage in the archive's index, a key beside the data). */
  alerts: string[];
}

export class PlatformError extends Error {}

const TOKEN_KEY = 'dokuei.token';

/** Reads the launch token from the URL fragment once, then keeps it for reloads of this tab only. */
function takeToken(): string | undefined {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, m[1]!);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return m[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** Over the preload's API, so that errors come back as DokueiErrors with their codes (see toBridgeError). */
export function bridgedTransport(bridge: DokueiApi): ClientTransport {
  const fns = new Map(
    requestChannels().map((c) => [c.channel, (bridge as unknown as Record<string, Record<string, (r: unknown) => Promise<unknown>>>)[c.namespace]![c.method]!]),
  );
  return {
    async invoke(channel, request) {
      try {
        return { ok: true, value: await fns.get(channel)!(request) };
      } catch (err) {
        return { ok: false, error: fromBridgeError(err) };
      }
    },
    subscribe: (event, listener) => (bridge.on[event] as (l: (p: unknown) => void) => () => void)(listener),
  };
}

export async function connectPlatform(): Promise<Platform> {
  if (window.dokuei) {
    const api = buildClient(bridgedTransport(window.dokuei));
    const info = await api.app.getInfo({});
    return { api, dataPlane: { baseUrl: info.dataPlaneBaseUrl, headers: {} }, host: info.host, version: info.version, upstreams: info.upstreams, alerts: info.alerts ?? [] };
  }
  const token = takeToken();
  if (!token) {
    throw new PlatformError('No access token. Open the full URL printed by `npm run start:browser` (it ends with #token=…).');
  }
  const windowId = crypto.randomUUID();
  const api = buildClient(createHttpTransport(window.location.origin, token, windowId));
  const info = await api.app.getInfo({});
  return {
    api,
    dataPlane: { baseUrl: info.dataPlaneBaseUrl, headers: { Authorization: `Bearer ${token}` } },
    host: info.host,
    version: info.version,
    upstreams: info.upstreams,
    alerts: info.alerts ?? [],
  };
}
