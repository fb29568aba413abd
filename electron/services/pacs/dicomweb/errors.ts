/**
 * Turns what goes wrong talking to a DICOMweb node into a PacsError a user can act on. Pure functions (no
 * I/O) so that every branch is unit-tested without a network: Node and undici report failures as error
 * codes buried in `cause` chains, which is not something to show a radiologist.
 */
import { PacsError } from '../pacsNode';

/** What the messages need to know about the node. */
export interface NodeRef {
  id: string;
  name: string;
  /** "host:port", as the user configured it. */
  hostPort: string;
  https: boolean;
  authType: 'none' | 'basic' | 'bearer' | 'oauth2';
  username?: string;
  /** A client certificate is configured (changes what a refused handshake most likely means). */
  hasClientCert: boolean;
  connectTimeoutMs: number;
  timeoutMs: number;
}

/** Where in a request the failure happened: before the status line, or while reading the body. */
export type Phase = 'request' | 'body';

export interface FailureContext {
  phase: Phase;
  /** The caller's own AbortSignal fired. */
  cancelled: boolean;
  /** Our whole-request deadline fired. */
  timedOut: boolean;
  /** A TLS alert seen on the socket that undici reported only as "other side closed" (see tlsAgent.ts). */
  tlsAlert?: { code?: string; message: string };
}

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** Alerts a server sends when it wanted a client certificate and got none (TLS 1.3, TLS 1.2). */
const CLIENT_CERT_MISSING = new Set(['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE']);
/** Alerts a server sends when it did not accept the client certificate we sent. */
const CLIENT_CERT_REFUSED = new Set([
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
]);
const UNREACHABLE_WHY: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'the connection was closed before an answer',
  UND_ERR_CLOSED: 'the connection was closed before an answer',
};
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

interface Coded {
  code?: string;
  message: string;
  /** undici's socket info on SocketErrors: application bytes read on that connection. */
  bytesRead?: number;
}

/** Every error in the cause chain (and inside AggregateErrors, which happy-eyeballs connects produce). */
export function errorChain(err: unknown, out: Coded[] = [], depth = 0): Coded[] {
  if (depth > 8 || err === null || err === undefined) return out;
  if (typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; socket?: { bytesRead?: unknown } };
    out.push({
      code: typeof e.code === 'string' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : String(err),
      bytesRead: typeof e.socket?.bytesRead === 'number' ? e.socket.bytesRead : undefined,
    });
    if (Array.isArray(e.errors)) for (const inner of e.errors) errorChain(inner, out, depth + 1);
    errorChain(e.cause, out, depth + 1);
  } else {
    out.push({ message: String(err) });
  }
  return out;
}

function firstCode(chain: Coded[], pred: (code: string) => boolean): string | undefined {
  for (const c of chain) if (c.code && pred(c.code)) return c.code;
  return undefined;
}

/** The TLS reason, if the failure was about TLS at all. */
export function tlsFailure(node: NodeRef, chain: Coded[]): PacsError | undefined {
  const codes = chain.map((c) => c.code).filter((c): c is string => !!c);
  const err = (message: string) => new PacsError('tls', node.id, `${node.name}: ${message}`);
  if (codes.some((c) => UNTRUSTED.has(c))) {
    return err(`certificate is not trusted: configure the hospital CA in the node's TLS settings (${node.hostPort})`);
  }
  if (codes.includes('ERR_TLS_CERT_ALTNAME_INVALID')) {
    const why = chain.find((c) => c.code === 'ERR_TLS_CERT_ALTNAME_INVALID')?.message ?? '';
    return err(`certificate does not match the host name ${node.hostPort} (${why}): use the host name the certificate was issued for, or have the certificate reissued`);
  }
  if (codes.some((c) => EXPIRED.has(c))) {
    return err(`certificate of ${node.hostPort} has expired or is not yet valid: ask the node's administrator, and check this computer's clock`);
  }
  if (codes.some((c) => CLIENT_CERT_REFUSED.has(c)) && node.hasClientCert) {
    return err(`the node refused our client certificate: check the client certificate and key in the node's TLS settings`);
  }
  if (codes.some((c) => CLIENT_CERT_MISSING.has(c) || c === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE')) {
    return node.hasClientCert
      ? err(`the node refused our client certificate: check the client certificate and key in the node's TLS settings`)
      : err(`the node requires a client certificate: configure one (certificate file and key) in the node's TLS settings`);
  }
  if (codes.some((c) => CLIENT_CERT_REFUSED.has(c))) {
    return err(`the node requires a client certificate: configure one (certificate file and key) in the node's TLS settings`);
  }
  const other = codes.find((c) => c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_') || c.startsWith('CERT_') || c.includes('_CERT'));
  if (other) {
    const why = chain.find((c) => c.code === other)?.message ?? other;
    return err(`TLS set-up with ${node.hostPort} failed (${why.split('\n')[0]}): check the node's TLS settings`);
  }
  return undefined;
}

/** A failure of fetch itself, or of reading a response body. */
export function networkFailure(node: NodeRef, error: unknown, ctx: FailureContext): PacsError {
  const wrap = (kind: PacsError['kind'], message: string) => new PacsError(kind, node.id, `${node.name}: ${message}`, { cause: error });
  if (ctx.cancelled) return wrap('cancelled', 'cancelled');
  if (error instanceof PacsError) return error;
  const chain = errorChain(error);
  if (ctx.tlsAlert) chain.unshift(ctx.tlsAlert);
  const tls = tlsFailure(node, chain);
  if (tls) return new PacsError(tls.kind, tls.nodeId, tls.message, { cause: error });

  const timeoutCode = firstCode(chain, (c) => TIMEOUT_CODES.has(c));
  if (ctx.timedOut || timeoutCode || chain.some((c) => /TimeoutError/.test(c.message))) {
    if (timeoutCode === 'UND_ERR_CONNECT_TIMEOUT') {
      return wrap('timeout', `no connection to ${node.hostPort} within ${node.connectTimeoutMs} ms: the node or the network is down or slow`);
    }
    if (timeoutCode === 'UND_ERR_BODY_TIMEOUT') {
      return wrap('timeout', `the answer from ${node.hostPort} stalled for more than ${node.timeoutMs} ms`);
    }
    return wrap('timeout', `no answer from ${node.hostPort} within ${node.timeoutMs} ms: the node is overloaded or not a DICOMweb server`);
  }

  // A fresh TLS connection closed after the handshake, before a single byte of answer, with no alert: what a
  // server that checks client certificates after the handshake (Node's https, some proxies) does to one it
  // rejects. (A reused keep-alive connection would have read earlier answers: bytesRead > 0.)
  if (node.https && ctx.phase === 'request' && chain.some((c) => c.code === 'UND_ERR_SOCKET' && c.bytesRead === 0)) {
    return wrap(
      'tls',
      node.hasClientCert
        ? "the node closed the connection right after TLS set-up without answering: it most likely refused our client certificate; check the client certificate and key in the node's TLS settings"
        : "the node closed the connection right after TLS set-up without answering: if it requires a client certificate, configure one in the node's TLS settings",
    );
  }

  if (ctx.phase === 'body') {
    // The status line arrived, so the node is reachable: a body that stops early is a broken answer.
    return wrap('protocol', `the connection to ${node.hostPort} closed before the answer was complete (truncated): try again`);
  }
  const code = firstCode(chain, (c) => c in UNREACHABLE_WHY);
  const why = code ? UNREACHABLE_WHY[code]! : (chain[chain.length - 1]?.message ?? 'unknown error');
  const hint = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? "check the URL in the node's settings" : "check that the node is running and that the URL in its settings is right";
  return wrap('unreachable', `cannot reach ${node.hostPort} (${why}): ${hint}`);
}

/** A non-2xx answer to `what` (a short description such as "QIDO /studies"). */
export function statusFailure(node: NodeRef, status: number, statusText: string, what: string): PacsError {
  const wrap = (kind: PacsError['kind'], message: string) => new PacsError(kind, node.id, `${node.name}: ${message}`);
  const http = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 401 || status === 403) {
    switch (node.authType) {
      case 'basic':
        return status === 401
          ? wrap('auth', `wrong user name or password for "${node.username ?? ''}" (${http}): correct them in the node's settings`)
          : wrap('auth', `user "${node.username ?? ''}" is not allowed to do this (${http}): ask the node's administrator`);
      case 'bearer':
      case 'oauth2':
        return wrap('auth', `token expired or refused (${http}): ${node.authType === 'oauth2' ? 'sign in to the node again' : "update the token in the node's settings"}`);
      default:
        return wrap('auth', `the node asks for credentials (${http}): configure authentication in the node's settings`);
    }
  }
  if (status === 404) return wrap('not-found', `not found on the node (${http} for ${what})`);
  if (status >= 500) return wrap('protocol', `the node failed with ${http} for ${what}: try again later, or ask its administrator`);
  return wrap('protocol', `the node refused ${what} with ${http}: it may not support this request`);
}

/** An answer whose body is not what was asked for. */
export function contentFailure(node: NodeRef, what: string, problem: 'html' | 'invalid-json' | 'not-array' | 'not-multipart' | 'truncated-multipart', detail = ''): PacsError {
  const messages = {
    html: `answered ${what} with an HTML page instead of DICOM data: check that the node's URL is its DICOMweb root (e.g. …/dicom-web), and any login proxy in front of it`,
    'invalid-json': `answered ${what} with invalid JSON${detail ? ` (${detail})` : ''}: the node or a proxy in front of it is misbehaving`,
    'not-array': `answered ${what} with JSON that is not a DICOM JSON array`,
    'not-multipart': `answered ${what} with ${detail || 'something'} instead of multipart/related DICOM: the node may not support WADO-RS retrieve`,
    'truncated-multipart': `the answer to ${what} ended before its last instance was complete (truncated multipart)${detail ? `; ${detail}` : ''}: try again`,
  } as const;
  return new PacsError('protocol', node.id, `${node.name}: ${messages[problem]}`);
}
