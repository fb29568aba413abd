/**
 * The one way Dokuei talks HTTP to a DICOMweb node: auth headers, TLS trust and client certificate,
 * timeouts and cancellation, `Accept-Encoding: identity`, and every failure as a PacsError naming the node.
 * Also where the transport rules apply (transportPolicy.ts): no credentials over http:// unless the node
 * allows it, and no http:// for a node once used over https.
 * Used by DicomwebPacsNode (queries and retrieves) and by the gateway's DicomwebUpstream (pass-through).
 *
 * Why not dicomweb-client: it is built on XMLHttpRequest (absent in Node) and cannot take a TLS agent.
 * Why the undici package: see tlsAgent.ts.
 */
import { promises as fs } from 'node:fs';
import { fetch as undiciFetch } from 'undici';
import type { SecretStore } from '../../secrets/secretStore';
import type { DicomwebNodeSettings } from '../../settings/settings';
import { PacsError } from '../pacsNode';
import { contentFailure, networkFailure, statusFailure, type NodeRef, type Phase } from './errors';
import type { HttpsMemory } from './httpsMemory';
import { OAuthClient, type TokenFetch } from './oauth';
import { createNodeAgent, type NodeAgent } from './tlsAgent';
import { checkCredentialTransport, checkNoDowngrade, insecureUseLog, reportInsecureCredentialUse, type CredentialUse } from './transportPolicy';
import type { AuditSink } from '../../audit/auditSink';

export interface RequestOptions {
  accept: string;
  signal?: AbortSignal;
  /**
   * 'whole' (default): the node's timeoutMs covers the request and reading the body (queries).
   * 'stream': it bounds the wait for the headers and each pause in the body, not the whole transfer
   * (a study retrieve may rightly take minutes).
   */
  deadline?: 'whole' | 'stream';
  /** POST with this body (STOW-RS); default GET. */
  post?: { body: Uint8Array; contentType: string };
}

export interface NodeResponse {
  /** The answer, any status. Its body still has to be read (or cancelled). */
  readonly response: Response;
  /** Maps an error thrown while reading the body (cut connection, timeout, cancel) to a PacsError. */
  fail(err: unknown): PacsError;
}

export interface NodeFetcher {
  readonly node: NodeRef;
  /** The node's URL without a trailing slash. */
  readonly baseUrl: string;
  /** GET (or POST with options.post) baseUrl + pathAndQuery. Throws PacsError when no answer arrives; any HTTP status is returned. */
  request(pathAndQuery: string, options: RequestOptions): Promise<NodeResponse>;
  /** Like request, but a non-2xx status becomes a PacsError (auth, not-found, protocol). */
  requestOk(pathAndQuery: string, options: RequestOptions, what: string): Promise<NodeResponse>;
  /** A QIDO-style request: a DICOM JSON array (204 → []), validated. */
  getJson(pathAndQuery: string, signal: AbortSignal | undefined, what: string): Promise<Record<string, unknown>[]>;
  /** The PacsError for a non-2xx answer to `what` (clear auth messages for 401/403). */
  statusError(status: number, statusText: string, what: string): PacsError;
  /** Fetch for the OAuth token endpoint through the same TLS trust. */
  readonly tokenFetch: TokenFetch;
  close(): Promise<void>;
}

export interface NodeFetcherOptions {
  /** Clock for token expiry, for tests. */
  now?: () => number;
  /**
   * Nodes used over https before: this node is remembered once it answers over https, and refused if its URL
   * is http:// and it is remembered. Without it (tests, one-off upstreams) there is no downgrade check.
   */
  httpsMemory?: HttpsMemory;
  /** Where warnings go (credentials sent over http with the node's permission); default console.warn. */
  log?: (message: string) => void;
  /** The audit trail: credentials over http, and refused OAuth sign-ins and renewals. */
  audit?: AuditSink;
}

function nodeRef(settings: DicomwebNodeSettings): NodeRef {
  const url = new URL(settings.url);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return {
    id: settings.id,
    name: settings.name,
    hostPort: `${url.hostname.includes(':') && !url.hostname.startsWith('[') ? `[${url.hostname}]` : url.hostname}:${port}`,
    https: url.protocol === 'https:',
    authType: settings.auth.type,
    username: settings.auth.type === 'basic' ? settings.auth.username : undefined,
    hasClientCert: !!settings.tls?.clientCertFile,
    connectTimeoutMs: settings.connectTimeoutMs,
    timeoutMs: settings.timeoutMs,
  };
}

export function createNodeFetcher(settings: DicomwebNodeSettings, secrets: SecretStore, options: NodeFetcherOptions = {}): NodeFetcher {
  const node = nodeRef(settings);
  const baseUrl = settings.url.replace(/\/+$/, '');
  const isHttps = new URL(settings.url).protocol === 'https:';
  const tlsError = (message: string, cause?: unknown) => new PacsError('tls', node.id, `${node.name}: ${message}`, cause === undefined ? undefined : { cause });

  // Built on first use, so that a missing CA file or key is reported by the request that needs it.
  let agent: Promise<NodeAgent> | undefined;
  async function buildAgent(): Promise<NodeAgent> {
    const tls = isHttps ? settings.tls : undefined;
    const read = async (file: string, what: string) => {
      try {
        return await fs.readFile(file, 'utf8');
      } catch (err) {
        throw tlsError(`cannot read the ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check the node's TLS settings`, err);
      }
    };
    const ca = tls?.caFile ? await read(tls.caFile, 'CA file') : undefined;
    let cert: string | undefined;
    let key: string | undefined;
    if (tls?.clientCertFile) {
      cert = await read(tls.clientCertFile, 'client certificate file');
      key = tls.clientKeySecretRef ? secrets.get(tls.clientKeySecretRef) : undefined;
      if (!key) throw tlsError("a client certificate is configured but its private key is not stored: add the key in the node's TLS settings");
    }
    return createNodeAgent({ ca, cert, key, connectTimeoutMs: settings.connectTimeoutMs, timeoutMs: settings.timeoutMs });
  }
  function getAgent(): Promise<NodeAgent> {
    if (!agent) {
      const building = buildAgent();
      agent = building;
      building.catch(() => {
        if (agent === building) agent = undefined; // not cached: the next request reports it again
      });
    }
    return agent;
  }

  const tokenFetch: TokenFetch = async (url, init) => {
    const a = await getAgent();
    return (await undiciFetch(url, { ...init, dispatcher: a.dispatcher })) as unknown as Response;
  };
  const insecureUse = insecureUseLog(options.log ?? ((m) => console.warn(m)), undefined, options.audit);
  const oauth = settings.auth.type === 'oauth2' ? new OAuthClient({ settings, secrets, fetch: tokenFetch, now: options.now, insecureUse, ...(options.audit ? { audit: options.audit } : {}) }) : undefined;

  // The URL does not change during a fetcher's life: one passed downgrade check holds for it; a refusal is
  // checked again on the next request, so deleting the record takes effect without a restart.
  let downgradeChecked = !options.httpsMemory;
  let httpsRemembered = !isHttps || !options.httpsMemory;
  /** Throws when the request may not go; returns the credential use to report when it goes over http. */
  function checkTransport(): CredentialUse | undefined {
    if (!downgradeChecked) {
      checkNoDowngrade(settings, options.httpsMemory!);
      downgradeChecked = true;
    }
    return checkCredentialTransport(settings, 'node');
  }
  function rememberHttps(): void {
    if (httpsRemembered) return;
    httpsRemembered = true;
    try {
      options.httpsMemory!.remember(settings.id, settings.url);
    } catch (err) {
      // The request itself worked: say why the node could not be remembered, and go on.
      insecureUse.log(`${settings.name}: could not note that this node uses https (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  async function authHeaders(refused?: string): Promise<{ headers: Record<string, string>; token?: string }> {
    const auth = settings.auth;
    const missing = (what: string) => new PacsError('auth', node.id, `${node.name}: no ${what} is stored for this node: enter it in the node's settings`);
    switch (auth.type) {
      case 'none':
        return { headers: {} };
      case 'basic': {
        const password = secrets.get(auth.secretRef);
        if (password === undefined) throw missing('password');
        return { headers: { Authorization: `Basic ${Buffer.from(`${auth.username}:${password}`, 'utf8').toString('base64')}` } };
      }
      case 'bearer': {
        const token = secrets.get(auth.secretRef);
        if (!token) throw missing('token');
        return { headers: { Authorization: `Bearer ${token}` }, token };
      }
      case 'oauth2': {
        const token = await oauth!.getAccessToken({ refused });
        return { headers: { Authorization: `Bearer ${token}` }, token };
      }
    }
  }

  async function attempt(url: string, opts: RequestOptions, refused?: string): Promise<{ nr: NodeResponse; token?: string }> {
    const deadline = opts.deadline === 'stream' ? undefined : AbortSignal.timeout(settings.timeoutMs);
    const signals = [opts.signal, deadline].filter((s): s is AbortSignal => !!s);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    let a: NodeAgent | undefined;
    const fail = (phase: Phase) => (err: unknown) =>
      networkFailure(node, err, { phase, cancelled: !!opts.signal?.aborted, timedOut: !!deadline?.aborted, tlsAlert: a?.tlsAlertFor(err) });
    try {
      if (opts.signal?.aborted) throw opts.signal.reason;
      // Before the secret is read, so that a refused request never even takes it out of the SecretStore.
      const insecure = checkTransport();
      a = await getAgent();
      const { headers, token } = await authHeaders(refused);
      if (insecure) reportInsecureCredentialUse(settings, insecure, insecureUse);
      const response = (await undiciFetch(url, {
        headers: {
          ...headers,
          Accept: opts.accept,
          // Orthanc (and others) gzip every answer the client allows; on a LAN that costs ~8× the time.
          'Accept-Encoding': 'identity',
          ...(opts.post ? { 'Content-Type': opts.post.contentType } : {}),
        },
        ...(opts.post ? { method: 'POST', body: opts.post.body } : {}),
        signal,
        dispatcher: a.dispatcher,
      })) as unknown as Response;
      // An answer over https (any status): the TLS handshake with a trusted certificate succeeded.
      rememberHttps();
      return { nr: { response, fail: fail('body') }, token };
    } catch (err) {
      throw fail('request')(err);
    }
  }

  async function request(pathAndQuery: string, opts: RequestOptions): Promise<NodeResponse> {
    const url = `${baseUrl}${pathAndQuery}`;
    const first = await attempt(url, opts);
    // An OAuth token can be revoked before it expires: renew once and retry (GETs are safe to repeat; a refused
    // STOW-RS POST stored nothing, and its body is a buffer that can be sent again).
    if (first.nr.response.status === 401 && oauth && first.token) {
      await first.nr.response.body?.cancel().catch(() => {});
      return (await attempt(url, opts, first.token)).nr;
    }
    return first.nr;
  }

  async function requestOk(pathAndQuery: string, opts: RequestOptions, what: string): Promise<NodeResponse> {
    const nr = await request(pathAndQuery, opts);
    const res = nr.response;
    if (res.status >= 200 && res.status < 300) return nr;
    await res.body?.cancel().catch(() => {});
    throw statusFailure(node, res.status, res.statusText, what);
  }

  async function getJson(pathAndQuery: string, signal: AbortSignal | undefined, what: string): Promise<Record<string, unknown>[]> {
    const nr = await requestOk(pathAndQuery, { accept: 'application/dicom+json, application/json;q=0.9', signal }, what);
    const res = nr.response;
    if (res.status === 204) {
      await res.body?.cancel().catch(() => {});
      return [];
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw nr.fail(err);
    }
    const contentType = res.headers.get('content-type') ?? '';
    if (/text\/html|application\/xhtml/i.test(contentType) || /^\s*<(!doctype|html|head|body)/i.test(text)) throw contentFailure(node, what, 'html');
    if (text.trim() === '') return [];
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw contentFailure(node, what, 'invalid-json', (err as Error).message.slice(0, 120));
    }
    if (!Array.isArray(json) || json.some((d) => !d || typeof d !== 'object' || Array.isArray(d))) throw contentFailure(node, what, 'not-array');
    return json as Record<string, unknown>[];
  }

  return {
    node,
    baseUrl,
    request,
    requestOk,
    getJson,
    statusError: (status, statusText, what) => statusFailure(node, status, statusText, what),
    tokenFetch,
    async close() {
      const a = agent;
      agent = undefined;
      if (a) await (await a.catch(() => undefined))?.close();
    },
  };
}
