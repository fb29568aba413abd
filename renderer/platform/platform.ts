/**
 * The only code that touches the host bridge (window.dokuei in Electron, the HTTP bridge in the browser
 * host) and the data plane's credentials. Everything else asks this module.
 */
import { buildClient } from '../../common/ipc/client';
import type { DokueiApi } from '../../common/ipc/contract';
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

export async function connectPlatform(): Promise<Platform> {
  if (window.dokuei) {
    const info = await window.dokuei.app.getInfo({});
    return { api: window.dokuei, dataPlane: { baseUrl: info.dataPlaneBaseUrl, headers: {} }, host: info.host, version: info.version, upstreams: info.upstreams };
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
  };
}
