/**
 * Error codes that cross the IPC boundary. Thrown errors are mapped to one of these by the binders,
 * so the renderer can show a message that fits ("the PACS is unreachable") instead of a stack trace.
 */
import { asSays, type Says } from '../i18n/says';

export const ErrorCode = {
  InvalidRequest: 'INVALID_REQUEST',
  InvalidResponse: 'INVALID_RESPONSE',
  UnknownChannel: 'UNKNOWN_CHANNEL',
  Forbidden: 'FORBIDDEN',
  /** files.inspect / store.importPaths named a path the reader did not pick (dialog, drop, confirmed typed path). */
  PathNotPicked: 'PATH_NOT_PICKED',
  NotFound: 'NOT_FOUND',
  UpstreamUnreachable: 'UPSTREAM_UNREACHABLE',
  UpstreamError: 'UPSTREAM_ERROR',
  TransportError: 'TRANSPORT_ERROR',
  Internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface WireError {
  code: ErrorCode;
  message: string;
  /** The message as a key and values of the services' catalogue, for the UI to word in the reader's language. */
  says?: Says;
}

export type WireResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** An error meant for the user: its message is shown as is, or, when it says a key, worded in the reader's language. */
export class DokueiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly says?: Says,
  ) {
    super(message);
    this.name = 'DokueiError';
  }
}

/** Anything thrown that words itself by a key of the services' catalogue (DokueiError, PacsError …). */
export function saysOf(err: unknown): Says | undefined {
  return err && typeof err === 'object' && 'says' in err ? asSays((err as { says: unknown }).says) : undefined;
}

const knownCodes = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && knownCodes.has(value);
}

/** Maps anything thrown to a wire error; unexpected errors keep their message but get code INTERNAL. */
export function toWireError(err: unknown): WireError {
  const said = saysOf(err);
  if (err instanceof DokueiError) return { code: err.code, message: err.message, ...(said ? { says: said } : {}) };
  if (err instanceof Error) return { code: ErrorCode.Internal, message: err.message || err.name, ...(said ? { says: said } : {}) };
  return { code: ErrorCode.Internal, message: String(err) };
}

/**
 * Electron's contextBridge passes only an error's message to the page, so the preload's client encodes the
 * code into it and the renderer's platform decodes it back into a DokueiError (renderer/platform).
 */
const BRIDGE_PREFIX = /^\[dokuei:([A-Z_]+)(?:\|([^\]\s]*))?\] ([\s\S]*)$/;

/** The code, and the says (URI-encoded JSON: no "]" or space in it), ride in front of the message. */
export function toBridgeError(code: ErrorCode, message: string, said?: Says): Error {
  return new Error(`[dokuei:${code}${said ? `|${encodeURIComponent(JSON.stringify(said))}` : ''}] ${message}`);
}

function decodeSays(text: string | undefined): Says | undefined {
  if (!text) return undefined;
  try {
    return asSays(JSON.parse(decodeURIComponent(text)));
  } catch {
    return undefined;
  }
}

export function fromBridgeError(err: unknown): WireError {
  const message = err instanceof Error ? err.message : String(err);
  // Electron prefixes what crosses the bridge with "Error invoking remote method …: Error: " in some paths.
  const m = BRIDGE_PREFIX.exec(message.replace(/^[\s\S]*?(?=\[dokuei:)/, ''));
  if (m && isErrorCode(m[1])) {
    const said = decodeSays(m[2]);
    return { code: m[1], message: m[3]!, ...(said ? { says: said } : {}) };
  }
  return { code: ErrorCode.TransportError, message };
}
