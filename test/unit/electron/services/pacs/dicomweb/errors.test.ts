/**
 * How raw Node/undici failures become PacsErrors. The error shapes are the ones undici 6 really produces
 * (fetch's TypeError with the system error as `cause`); the integration suites meet them for real.
 */
import { describe, expect, it } from 'vitest';
import { contentFailure, networkFailure, statusFailure, type NodeRef } from '../../../../../../electron/services/pacs/dicomweb/errors';
import { PacsError } from '../../../../../../electron/services/pacs/pacsNode';

const node: NodeRef = { id: 'onsite', name: 'On-site PACS', hostPort: 'pacs.example:443', https: true, authType: 'basic', username: 'reader', hasClientCert: false, connectTimeoutMs: 5000, timeoutMs: 15000 };
const request = { phase: 'request' as const, cancelled: false, timedOut: false };
const fetchFailed = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });
const sysErr = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('networkFailure', () => {
  it.each([
    ['ECONNREFUSED', 'unreachable', /cannot reach pacs\.example:443 \(connection refused\)/],
    ['ENOTFOUND', 'unreachable', /host name not found.*check the URL/],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout', /no connection to pacs\.example:443 within 5000 ms/],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', /no answer from pacs\.example:443 within 15000 ms/],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls', /certificate is not trusted: configure the hospital CA in the node's TLS settings/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', /certificate is not trusted/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls', /certificate is not trusted/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', /does not match the host name/],
    ['CERT_HAS_EXPIRED', 'tls', /expired/],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tls', /requires a client certificate/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls', /TLS set-up with pacs\.example:443 failed/],
  ])('%s → %s', (code, kind, message) => {
    const err = networkFailure(node, fetchFailed(sysErr(code)), request);
    expect(err).toBeInstanceOf(PacsError);
    expect(err.kind).toBe(kind);
    expect(err.nodeId).toBe('onsite');
    expect(err.message).toMatch(/^On-site PACS: /);
    expect(err.message).toMatch(message);
  });

  it('finds codes inside AggregateErrors (several addresses tried)', () => {
    const agg = Object.assign(new AggregateError([sysErr('ECONNREFUSED'), sysErr('ECONNREFUSED')], ''), {});
    expect(networkFailure(node, fetchFailed(agg), request).kind).toBe('unreachable');
  });

  it('uses a TLS alert seen on the socket over a bare "other side closed"', () => {
    const closed = fetchFailed(sysErr('UND_ERR_SOCKET', 'other side closed'));
    expect(networkFailure(node, closed, request).kind).toBe('unreachable');
    const err = networkFailure(node, closed, { ...request, tlsAlert: { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', message: 'alert 116' } });
    expect(err.kind).toBe('tls');
    expect(err.message).toMatch(/requires a client certificate/);
    const withCert = networkFailure({ ...node, hasClientCert: true }, closed, { ...request, tlsAlert: { code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', message: 'alert 42' } });
    expect(withCert.message).toMatch(/refused our client certificate/);
  });

  it('calls an https connection closed unanswered right after the handshake a TLS refusal', () => {
    const closed = (bytesRead: number) => fetchFailed(Object.assign(sysErr('UND_ERR_SOCKET', 'other side closed'), { socket: { bytesRead, bytesWritten: 176 } }));
    expect(networkFailure(node, closed(0), request).message).toMatch(/right after TLS set-up.*if it requires a client certificate/);
    expect(networkFailure({ ...node, hasClientCert: true }, closed(0), request).message).toMatch(/most likely refused our client certificate/);
    expect(networkFailure(node, closed(0), request).kind).toBe('tls');
    // A reused connection that had answered before, or plain HTTP: just unreachable.
    expect(networkFailure(node, closed(1200), request).kind).toBe('unreachable');
    expect(networkFailure({ ...node, https: false }, closed(0), request).kind).toBe('unreachable');
  });

  it('says cancelled when the caller aborted, and timeout when our deadline fired, whatever the error', () => {
    const abort = new DOMException('aborted', 'AbortError');
    expect(networkFailure(node, abort, { ...request, cancelled: true }).kind).toBe('cancelled');
    expect(networkFailure(node, abort, { ...request, timedOut: true }).kind).toBe('timeout');
  });

  it('calls a connection cut while the body streams a truncated answer', () => {
    const cut = Object.assign(new TypeError('terminated'), { cause: sysErr('UND_ERR_SOCKET', 'other side closed') });
    const err = networkFailure(node, cut, { ...request, phase: 'body' });
    expect(err.kind).toBe('protocol');
    expect(err.message).toMatch(/closed before the answer was complete/);
  });

  it('passes PacsErrors through', () => {
    const own = new PacsError('auth', 'onsite', 'x');
    expect(networkFailure(node, own, request)).toBe(own);
  });
});

describe('statusFailure and contentFailure', () => {
  it('explains 401/403 by the kind of authentication', () => {
    expect(statusFailure(node, 401, 'Unauthorized', 'QIDO').message).toMatch(/wrong user name or password for "reader"/);
    expect(statusFailure(node, 401, '', 'QIDO').kind).toBe('auth');
    expect(statusFailure({ ...node, authType: 'bearer' }, 401, '', 'QIDO').message).toMatch(/token expired or refused/);
    expect(statusFailure({ ...node, authType: 'oauth2' }, 403, '', 'QIDO').message).toMatch(/token expired or refused.*sign in/);
    expect(statusFailure({ ...node, authType: 'none' }, 401, '', 'QIDO').message).toMatch(/asks for credentials/);
  });

  it('maps 404 to not-found and 5xx to protocol with the status', () => {
    expect(statusFailure(node, 404, 'Not Found', 'the retrieve').kind).toBe('not-found');
    const e = statusFailure(node, 503, 'Service Unavailable', 'the study query');
    expect(e.kind).toBe('protocol');
    expect(e.message).toMatch(/HTTP 503 Service Unavailable for the study query/);
  });

  it('names the problem with the body', () => {
    expect(contentFailure(node, 'the study query', 'html').message).toMatch(/^On-site PACS: answered the study query with an HTML page/);
    expect(contentFailure(node, 'q', 'invalid-json', 'Unexpected token').message).toMatch(/invalid JSON \(Unexpected token\)/);
    expect(contentFailure(node, 'q', 'truncated-multipart').message).toMatch(/truncated multipart/);
  });
});
