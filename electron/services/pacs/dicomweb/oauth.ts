/**
 * OAuth 2.0 authorization code flow with PKCE for DICOMweb nodes behind a hospital identity provider,
 * the way native apps must do it (RFC 8252): the system browser does the sign-in, and the IdP redirects to
 * a one-shot HTTP server on the loopback interface (http://127.0.0.1:<ephemeral port>/callback, §7.3),
 * so no password ever passes through Dokuei and no client secret is needed (a desktop app cannot keep one;
 * PKCE, RFC 7636, binds the code to this process instead).
 *
 * Tokens live in the SecretStore under the node's auth.secretRef as JSON {access_token, refresh_token,
 * expires_at (ms since the epoch)}, never in settings.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SecretStore } from '../../secrets/secretStore';
import type { DicomwebAuth, DicomwebNodeSettings } from '../../settings/settings';
import { PacsError } from '../pacsNode';
import { newCodeVerifier, newState, s256Challenge } from './pkce';
import { checkCredentialTransport, insecureUseLog, reportInsecureCredentialUse, type InsecureUseLog } from './transportPolicy';
import { securityAlert, userAuthentication } from '../../../../common/audit/builders';
import { EventTypeCode, Outcome } from '../../../../common/audit/codes';
import type { AuditSink } from '../../audit/auditSink';

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  /** Milliseconds since the epoch; absent when the IdP did not say (then valid until refused). */
  expires_at?: number;
  token_type?: string;
}

export type OAuthSettings = Extract<DicomwebAuth, { type: 'oauth2' }>;

/** The subset of fetch the token endpoint needs (lets the node route it through its TLS agent). */
export type TokenFetch = (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<Response>;

export interface OAuthDeps {
  settings: DicomwebNodeSettings;
  secrets: SecretStore;
  /** Defaults to the global fetch. */
  fetch?: TokenFetch;
  /** Clock, for tests. */
  now?: () => number;
  /** Where uses of an http:// token endpoint or sign-in page are reported (allowInsecureCredentials); default console.warn. */
  insecureUse?: InsecureUseLog;
  /**
   * The audit trail: a sign-in (User Authentication, Login, with a failure outcome when it fails) and the end of a
   * session (Logout); a sign-in or renewal the identity provider refuses is also a Security Alert there.
   */
  audit?: AuditSink;
}

export interface StartAuthorizationOptions extends OAuthDeps {
  /** Opens the system browser at the authorization URL (Electron: shell.openExternal). */
  openBrowser: (url: string) => void | Promise<void>;
  /** How long the user has to sign in. Default 5 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A token this close to its expiry is refreshed before use, so it does not expire in flight. */
const EXPIRY_SKEW_MS = 30000;
const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60 * 1000;
const CALLBACK_PATH = '/callback';

/** Refreshes in flight per store and secretRef: IdPs that rotate refresh tokens accept each one only once. */
const refreshing = new WeakMap<SecretStore, Map<string, Promise<Tokens>>>();

function oauthSettings(settings: DicomwebNodeSettings): OAuthSettings {
  if (settings.auth.type !== 'oauth2') throw new TypeError(`Node ${settings.id} is not configured for OAuth2 (auth.type is ${settings.auth.type})`);
  return settings.auth;
}

export class OAuthClient {
  private readonly auth: OAuthSettings;
  private readonly fetchImpl: TokenFetch;
  private readonly now: () => number;
  private readonly insecureUse: InsecureUseLog;

  constructor(private readonly deps: OAuthDeps) {
    this.auth = oauthSettings(deps.settings);
    this.fetchImpl = deps.fetch ?? ((url, init) => fetch(url, init));
    this.now = deps.now ?? Date.now;
    this.insecureUse = deps.insecureUse ?? insecureUseLog((m) => console.warn(m));
  }

  private get name(): string {
    return this.deps.settings.name;
  }

  private fail(kind: PacsError['kind'], message: string, cause?: unknown): PacsError {
    return new PacsError(kind, this.deps.settings.id, `${this.name}: ${message}`, cause === undefined ? undefined : { cause });
  }

  /** The stored tokens, or undefined when not signed in (or the stored value is unreadable). */
  tokens(): Tokens | undefined {
    const raw = this.deps.secrets.get(this.auth.secretRef);
    if (!raw) return undefined;
    try {
      const t = JSON.parse(raw) as Tokens;
      return typeof t.access_token === 'string' && t.access_token ? t : undefined;
    } catch {
      return undefined;
    }
  }

  /** Forgets the tokens; when there were some, the session's end is recorded (User Authentication, Logout). */
  signOut(why = 'signed out'): void {
    const hadTokens = this.tokens() !== undefined;
    this.deps.secrets.delete(this.auth.secretRef);
    if (hadTokens) this.recordAuthentication('logout', Outcome.Success, why);
  }

  /**
   * User Authentication (PS3.15 A.5.3.12) for a sign-in or a session's end. The person is the workstation's user
   * (the token tells Dokuei nothing it can trust about who signed in); the identity provider is the
   * authenticating system, named by its host; the node the session is for is in the description.
   */
  private recordAuthentication(kind: 'login' | 'logout', outcome: typeof Outcome.Success | typeof Outcome.MinorFailure, what: string): void {
    const { id, name } = this.deps.settings;
    const { authorizationUrl, tokenUrl } = this.auth;
    // Built inside the sink, which catches a builder that throws: recording never breaks the sign-in.
    this.deps.audit?.record((ctx) =>
      userAuthentication(ctx, { kind, node: { name: new URL(authorizationUrl).host, address: tokenUrl }, outcome, outcomeDescription: `${name} (node "${id}"): ${what}` }),
    );
  }

  /** Runs the browser sign-in and stores the tokens. */
  async startAuthorization(openBrowser: StartAuthorizationOptions['openBrowser'], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Tokens> {
    // Both checked before the browser opens: no point typing a password if the code exchange will be refused.
    const signInUse = checkCredentialTransport(this.deps.settings, 'sign-in');
    checkCredentialTransport(this.deps.settings, 'token-endpoint');
    if (signInUse) reportInsecureCredentialUse(this.deps.settings, signInUse, this.insecureUse);
    const verifier = newCodeVerifier();
    const state = newState();
    const loopback = await LoopbackRedirect.listen();
    try {
      const redirectUri = loopback.redirectUri;
      const url = new URL(this.auth.authorizationUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', this.auth.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', this.auth.scope);
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', s256Challenge(verifier));
      url.searchParams.set('code_challenge_method', 'S256');

      const redirect = loopback.next(options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS, options.signal);
      try {
        await openBrowser(url.toString());
      } catch (err) {
        redirect.catch(() => {}); // superseded by this error
        throw this.fail('auth', `could not open the browser for sign-in (${err instanceof Error ? err.message : String(err)})`, err);
      }
      let callback: CallbackRequest;
      try {
        callback = await redirect;
      } catch (err) {
        if (err instanceof LoopbackTimeout) throw this.fail('timeout', `sign-in did not finish within ${Math.round(err.ms / 1000)} s: try again`);
        if (err instanceof LoopbackAborted) throw this.fail('cancelled', 'sign-in cancelled');
        throw err;
      }
      const { params } = callback;
      try {
        if (params.get('error')) {
          const why = [params.get('error'), params.get('error_description')].filter(Boolean).join(': ');
          throw this.fail('auth', `the sign-in service refused the sign-in (${why})`);
        }
        // Compared before anything else: a redirect with another state was not started by us (CSRF, RFC 6749 §10.12).
        if (params.get('state') !== state) throw this.fail('auth', 'the sign-in answer does not belong to this sign-in (state mismatch): sign in again');
        const code = params.get('code');
        if (!code) throw this.fail('auth', 'the sign-in answer carries no authorization code');
        const tokens = await this.tokenRequest(
          { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: this.auth.clientId, code_verifier: verifier },
          undefined,
          options.signal,
        );
        this.store(tokens);
        this.recordAuthentication('login', Outcome.Success, 'signed in');
        callback.respond(200, 'Signed in', `You are signed in to ${this.name}. You can close this tab and return to Dokuei.`);
        return tokens;
      } catch (err) {
        // The user went through the identity provider and was not signed in: a failed login attempt.
        this.recordAuthentication('login', Outcome.MinorFailure, `sign-in failed: ${err instanceof Error ? err.message : String(err)}`);
        callback.respond(400, 'Sign-in failed', err instanceof Error ? err.message : String(err));
        throw err;
      }
    } finally {
      await loopback.close();
    }
  }

  /**
   * A usable access token, refreshed first when it has expired (or is about to).
   * @param refused the token the node just refused (HTTP 401): refresh even if it looks valid, unless another
   *   request has already replaced it.
   */
  async getAccessToken(options: { refused?: string; signal?: AbortSignal } = {}): Promise<string> {
    const tokens = this.tokens();
    if (!tokens) throw this.fail('auth', "not signed in: sign in to the node from its settings");
    const expired = tokens.expires_at !== undefined && tokens.expires_at - EXPIRY_SKEW_MS <= this.now();
    const refused = options.refused !== undefined && options.refused === tokens.access_token;
    if (!expired && !refused) return tokens.access_token;
    return (await this.refresh(tokens, options.signal)).access_token;
  }

  private refresh(tokens: Tokens, signal?: AbortSignal): Promise<Tokens> {
    if (!tokens.refresh_token) throw this.fail('auth', 'token expired or refused, and there is no refresh token: sign in to the node again');
    let inFlight = refreshing.get(this.deps.secrets);
    if (!inFlight) refreshing.set(this.deps.secrets, (inFlight = new Map()));
    const key = this.auth.secretRef;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const map = inFlight;
    const run = (async () => {
      try {
        const fresh = await this.tokenRequest(
          { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: this.auth.clientId },
          tokens.refresh_token,
          signal,
        );
        this.store(fresh);
        return fresh;
      } finally {
        map.delete(key);
      }
    })();
    map.set(key, run);
    return run;
  }

  private store(tokens: Tokens): void {
    this.deps.secrets.set(this.auth.secretRef, JSON.stringify(tokens));
  }

  /** POSTs a form to the token endpoint (RFC 6749 §4.1.3, §6) and validates the answer. */
  private async tokenRequest(form: Record<string, string>, previousRefresh: string | undefined, signal?: AbortSignal): Promise<Tokens> {
    const isRefresh = form.grant_type === 'refresh_token';
    const insecure = checkCredentialTransport(this.deps.settings, 'token-endpoint');
    if (insecure) reportInsecureCredentialUse(this.deps.settings, insecure, this.insecureUse);
    let res: Response;
    try {
      res = await this.fetchImpl(this.auth.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(this.deps.settings.timeoutMs)]) : AbortSignal.timeout(this.deps.settings.timeoutMs),
      });
    } catch (err) {
      if (signal?.aborted) throw this.fail('cancelled', 'sign-in cancelled', err);
      const why = (err as { cause?: { message?: string } })?.cause?.message ?? (err instanceof Error ? err.message : String(err));
      throw this.fail('unreachable', `cannot reach the sign-in service at ${new URL(this.auth.tokenUrl).host} (${why})`, err);
    }
    const text = await res.text().catch(() => '');
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      if (res.ok) throw this.fail('protocol', 'the sign-in service answered with something that is not JSON');
    }
    if (!res.ok) {
      const why = [body.error, body.error_description].filter((v) => typeof v === 'string').join(': ') || `HTTP ${res.status}`;
      const tokenUrl = this.auth.tokenUrl;
      this.deps.audit?.record((ctx) =>
        securityAlert(ctx, {
          type: EventTypeCode.NodeAuthentication,
          subject: tokenUrl,
          description: `${this.name} (node "${this.deps.settings.id}"): the sign-in service refused the ${isRefresh ? 'token renewal' : 'sign-in'} (${why})`,
          outcome: Outcome.MinorFailure,
        }),
      );
      if (isRefresh && (res.status === 400 || res.status === 401)) {
        // The refresh token is dead: forget the tokens so the UI shows "not signed in" rather than retrying.
        this.signOut(`session ended: the sign-in service refused to renew it (${why})`);
        throw this.fail('auth', `token expired or refused, and the sign-in service refused to renew it (${why}): sign in to the node again`);
      }
      throw this.fail(res.status >= 500 ? 'protocol' : 'auth', `the sign-in service refused the ${isRefresh ? 'token renewal' : 'sign-in'} (${why})`);
    }
    if (typeof body.access_token !== 'string' || !body.access_token) throw this.fail('protocol', 'the sign-in service answered without an access token');
    if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer') {
      throw this.fail('protocol', `the sign-in service issued a "${body.token_type}" token; only bearer tokens are supported`);
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : typeof body.expires_in === 'string' ? Number(body.expires_in) : undefined;
    return {
      access_token: body.access_token,
      // A renewal may omit the refresh token, meaning "keep using the old one" (RFC 6749 §6).
      refresh_token: typeof body.refresh_token === 'string' ? body.refresh_token : previousRefresh,
      expires_at: expiresIn !== undefined && Number.isFinite(expiresIn) ? this.now() + expiresIn * 1000 : undefined,
      token_type: 'Bearer',
    };
  }
}

/** Runs the browser sign-in for a node and stores its tokens (see OAuthClient.startAuthorization). */
export function startAuthorization(options: StartAuthorizationOptions): Promise<Tokens> {
  const { openBrowser, timeoutMs, signal, ...deps } = options;
  return new OAuthClient(deps).startAuthorization(openBrowser, { timeoutMs, signal });
}

/** A valid access token for the node, refreshed with the refresh token when it has expired. */
export function getAccessToken(deps: OAuthDeps): Promise<string> {
  return new OAuthClient(deps).getAccessToken();
}

// ---- the loopback redirect receiver ----

class LoopbackTimeout extends Error {
  constructor(readonly ms: number) {
    super(`No sign-in redirect within ${ms} ms`);
  }
}
class LoopbackAborted extends Error {}

interface CallbackRequest {
  params: URLSearchParams;
  /** Answers the browser tab (once); the page tells the user what happened. */
  respond(status: number, title: string, text: string): void;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, text: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Dokuei — ${escapeHtml(title)}</title></head>
<body style="font-family: system-ui, sans-serif; margin: 3em auto; max-width: 36em; line-height: 1.5">
<h1 style="font-size: 1.4em">${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
}

/**
 * An HTTP server on 127.0.0.1 with a port the OS picks (RFC 8252 §7.3: loopback IP literal, not
 * "localhost", which could resolve elsewhere; §8.3: listen on the loopback interface only).
 */
class LoopbackRedirect {
  private waiter: { resolve: (c: CallbackRequest) => void; reject: (e: Error) => void } | undefined;

  private constructor(
    private readonly server: http.Server,
    readonly redirectUri: string,
  ) {}

  static async listen(): Promise<LoopbackRedirect> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const loopback = new LoopbackRedirect(server, `http://127.0.0.1:${port}${CALLBACK_PATH}`);
    server.on('request', (req, res) => loopback.onRequest(req, res));
    return loopback;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, title: string, text: string) => {
      if (res.headersSent) return;
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
      res.end(page(title, text));
    };
    // Browsers also ask for /favicon.ico and the like: those must not end the sign-in.
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) return send(404, 'Not found', 'This address only receives the sign-in answer.');
    const waiter = this.waiter;
    if (!waiter) return send(409, 'Sign-in already handled', 'This sign-in has already been answered. You can close this tab.');
    this.waiter = undefined;
    waiter.resolve({ params: url.searchParams, respond: send });
  }

  /** The next callback request, or a LoopbackTimeout / LoopbackAborted rejection. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<CallbackRequest> {
    return new Promise<CallbackRequest>((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new LoopbackTimeout(timeoutMs))), timeoutMs);
      const onAbort = () => settle(() => reject(new LoopbackAborted('aborted')));
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiter = undefined;
        fn();
      };
      this.waiter = { resolve: (c) => settle(() => resolve(c)), reject: (e) => settle(() => reject(e)) };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async close(): Promise<void> {
    this.waiter?.reject(new LoopbackAborted('closed'));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // The answered request closes its own socket once the page is sent (Connection: close); idle
      // keep-alive sockets a browser may have opened would hold close() open, and a stuck one gets a second.
      this.server.closeIdleConnections();
      setTimeout(() => this.server.closeAllConnections(), 1000).unref();
    });
  }
}
