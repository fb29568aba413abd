/**
 * The two custom schemes of the Electron host and the pure URL → file mapping behind app://.
 *   app://dokuei/…      the renderer bundle (dist/renderer), so the UI has a real origin instead of file://
 *   dicomweb://local/…  the DICOMweb data plane, answered in-process by the services' gateway (no TCP port)
 * No 'electron' runtime import here: this module is unit-tested under plain Node.
 */
import path from 'node:path';
import type { CustomScheme } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'dokuei';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export const DATA_PLANE_SCHEME = 'dicomweb';
export const DATA_PLANE_HOST = 'local';
/** What the renderer is told to use (AppInfo.dataPlaneBaseUrl); the gateway runs with basePath ''. */
export const DATA_PLANE_BASE_URL = `${DATA_PLANE_SCHEME}://${DATA_PLANE_HOST}`;

/**
 * Passed to protocol.registerSchemesAsPrivileged before 'ready'. Neither scheme gets bypassCSP or
 * allowServiceWorkers: the CSP must apply to everything, and a service worker could outlive an update.
 */
export const PRIVILEGED_SCHEMES: CustomScheme[] = [
  {
    scheme: APP_SCHEME,
    privileges: {
      // standard: a real origin (app://dokuei) so relative URLs, localStorage and same-origin checks work.
      standard: true,
      // secure: a secure context, which WebAssembly codecs, crypto.subtle and workers expect.
      secure: true,
      // fetch() of our own .wasm/.json assets.
      supportFetchAPI: true,
      // Module scripts and module workers are fetched in CORS mode; the bundle holds no secrets.
      corsEnabled: true,
      // V8 code cache for the large cornerstone bundle (only effective on a standard scheme).
      codeCache: true,
    },
  },
  {
    scheme: DATA_PLANE_SCHEME,
    privileges: {
      standard: true,
      secure: true,
      // cornerstone's WADO-RS loader uses XHR/fetch against dicomweb://local from the app:// origin.
      supportFetchAPI: true,
      corsEnabled: true,
      // Frames are multipart bodies that the gateway streams rather than buffers.
      stream: true,
    },
  },
];

/** One path segment as the renderer may use it: no dot segments, separators, drive letters or NULs. */
function isSafeSegment(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..' && !/[/\\:\0]/.test(segment);
}

/**
 * Maps app://dokuei/<path> to a file inside rendererDir, or undefined for anything else.
 * The raw URL text is checked, not only the parsed one: the URL parser silently folds "/../" and
 * "/%2e%2e/" away, and a request that tries them is refused outright rather than "fixed". Each segment is
 * then decoded and re-checked, because "..%2f" decodes to a separator the parser never saw.
 */
export function resolveAppAssetPath(rendererDir: string, requestUrl: string): string | undefined {
  const m = /^app:\/\/([^/?#]*)([^?#]*)/i.exec(requestUrl);
  if (!m || m[1] !== APP_HOST) return undefined;
  const rawPath = m[2] || '/';
  if (!rawPath.startsWith('/')) return undefined;
  const rawSegments = rawPath.slice(1).split('/');
  // "app://dokuei/" and "app://dokuei/some/folder/" are the single-page app's entry point.
  if (rawSegments[rawSegments.length - 1] === '') rawSegments[rawSegments.length - 1] = 'index.html';
  const segments: string[] = [];
  for (const raw of rawSegments) {
    if (!isSafeSegment(raw)) return undefined;
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (!isSafeSegment(decoded)) return undefined;
    segments.push(decoded);
  }
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, ...segments);
  // Belt and braces: whatever the checks above missed, the result must still lie under root.
  const rel = path.relative(root, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return file;
}

/** True for requests the data-plane handler should pass to the gateway (dicomweb://local/… only). */
export function isDataPlaneUrl(requestUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return false;
  }
  return url.protocol === `${DATA_PLANE_SCHEME}:` && url.host === DATA_PLANE_HOST && !url.username && !url.password;
}
