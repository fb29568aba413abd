/**
 * Pure security decisions, kept apart from the Electron event wiring in main.ts so each rule can be unit
 * tested under plain Node. Everything defaults to "no": the renderer shows DICOM from arbitrary PACS, and a
 * crafted dataset or upstream response must not be able to navigate, open windows or reach our IPC.
 */
import type { WindowOpenHandlerResponse } from 'electron';
import { APP_HOST, APP_SCHEME } from './schemes';

function parse(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** Exactly app://dokuei (no credentials, no port): the one origin our own UI is served from. */
function isAppOrigin(raw: string): boolean {
  const url = parse(raw);
  return (
    url !== undefined &&
    url.protocol === `${APP_SCHEME}:` &&
    url.host === APP_HOST &&
    url.username === '' &&
    url.password === ''
  );
}

/** will-navigate / will-redirect: only within our own bundle; links to anything else are dropped. */
export function isAllowedNavigation(url: string): boolean {
  return isAppOrigin(url);
}

/** window.open and target=_blank never create a window (allow-listed https links go to the system browser). */
export function windowOpenDecision(): WindowOpenHandlerResponse {
  return { action: 'deny' };
}

/**
 * Origins (scheme://host[:port]) shell.openExternal may open. Empty until a feature needs one (a help page,
 * say): add exact https origins here, never patterns. Not user-editable, so a setting cannot widen it.
 */
export const EXTERNAL_URL_ALLOW_LIST: readonly string[] = [];

/**
 * shell.openExternal hands the URL to the OS, which will happily run file:, smb: or custom app handlers;
 * so only https to an exactly listed origin, and no credentials (they hide the real host from the reader).
 */
export function isAllowedExternalUrl(url: string, allowList: readonly string[]): boolean {
  const parsed = parse(url);
  if (!parsed || parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false;
  return allowList.includes(parsed.origin);
}

/** Camera, microphone, geolocation, notifications, USB, clipboard reads…: a reading workstation needs none. */
export function permissionDecision(): false {
  return false;
}

/** IPC is answered only for frames showing our own UI, never for a frame that navigated elsewhere. */
export function isTrustedIpcSender(frameUrl: string): boolean {
  return isAppOrigin(frameUrl);
}
