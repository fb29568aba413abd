/**
 * A stub OAuth 2.0 identity provider on 127.0.0.1, strict where a real one is: the authorization request
 * must use PKCE S256 and a loopback redirect; the code is single-use and only exchanged with the verifier
 * whose SHA-256 is the challenge, the same client_id and the same redirect_uri; refresh tokens rotate.
 * The "browser" auto-approves (302 straight back to the redirect URI), so tests follow it with fetch.
 * Plus a DICOMweb stub that answers only requests bearing a token this IdP issued and still considers valid.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthorizeRequest {
  params: Record<string, string>;
}

export interface TokenRequest {
  grant_type: string;
  form: Record<string, string>;
  /** What the stub answered. */
  status: number;
}

export interface StubIdp {
  baseUrl: string;
  authorizationUrl: string;
  tokenUrl: string;
  clientId: string;
  authorizeRequests: AuthorizeRequest[];
  tokenRequests: TokenRequest[];
  /** Whether an access token was issued here and is neither expired nor revoked. */
  isValid(accessToken: string): boolean;
  /** Makes an access token invalid (as if its lifetime had passed on the server's clock). */
  expire(accessToken: string): void;
  /** Refuses every refresh token issued so far (a revoked session). */
  revokeRefreshTokens(): void;
  /** Answers the next authorization with ?error=… instead of a code. */
  denyNext(error: string, description: string): void;
  close(): Promise<void>;
}

interface PendingCode {
  challenge: string;
  clientId: string;
  redirectUri: string;
}

const b64url = (b: Buffer) => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const token = (prefix: string) => `${prefix}-${b64url(randomBytes(18))}`;

export async function startStubIdp(options: { clientId?: string; expiresInSeconds?: number } = {}): Promise<StubIdp> {
  const clientId = options.clientId ?? 'dokuei-test';
  const expiresIn = options.expiresInSeconds ?? 3600;
  const codes = new Map<string, PendingCode>();
  const validAccess = new Set<string>();
  const validRefresh = new Set<string>();
  const authorizeRequests: AuthorizeRequest[] = [];
  const tokenRequests: TokenRequest[] = [];
  let deny: { error: string; description: string } | undefined;

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  function authorize(url: URL, res: http.ServerResponse): void {
    const p = Object.fromEntries(url.searchParams);
    authorizeRequests.push({ params: p });
    const redirect = p.redirect_uri ?? '';
    // RFC 8252 §7.3: loopback IP literal, any port; we insist on it so the test proves the client uses it.
    if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(redirect)) return json(res, 400, { error: 'invalid_request', error_description: 'redirect_uri must be a loopback IP literal' });
    if (p.client_id !== clientId) return json(res, 400, { error: 'unauthorized_client' });
    if (p.response_type !== 'code') return json(res, 400, { error: 'unsupported_response_type' });
    if (p.code_challenge_method !== 'S256' || !p.code_challenge) return json(res, 400, { error: 'invalid_request', error_description: 'PKCE S256 required' });
    const back = new URL(redirect);
    if (deny) {
      back.searchParams.set('error', deny.error);
      back.searchParams.set('error_description', deny.description);
      deny = undefined;
    } else {
      const code = token('code');
      codes.set(code, { challenge: p.code_challenge, clientId: p.client_id, redirectUri: redirect });
      back.searchParams.set('code', code);
    }
    if (p.state !== undefined) back.searchParams.set('state', p.state);
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  function issue(res: http.ServerResponse, form: Record<string, string>): void {
    const access = token('at');
    const refresh = token('rt');
    validAccess.add(access);
    validRefresh.add(refresh);
    tokenRequests.push({ grant_type: form.grant_type ?? '', form, status: 200 });
    json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: expiresIn, refresh_token: refresh });
  }

  function tokenEndpoint(form: Record<string, string>, res: http.ServerResponse): void {
    const refuse = (error: string, description: string) => {
      tokenRequests.push({ grant_type: form.grant_type ?? '', form, status: 400 });
      json(res, 400, { error, error_description: description });
    };
    if (form.client_id !== clientId) return refuse('invalid_client', 'unknown client_id');
    if (form.grant_type === 'authorization_code') {
      const pending = codes.get(form.code ?? '');
      codes.delete(form.code ?? ''); // single use, even when the exchange fails
      if (!pending) return refuse('invalid_grant', 'unknown or used code');
      if (pending.redirectUri !== form.redirect_uri) return refuse('invalid_grant', 'redirect_uri differs from the authorization request');
      const challenge = b64url(createHash('sha256').update(form.code_verifier ?? '', 'ascii').digest());
      if (challenge !== pending.challenge) return refuse('invalid_grant', 'code_verifier does not match the code_challenge');
      return issue(res, form);
    }
    if (form.grant_type === 'refresh_token') {
      if (!validRefresh.delete(form.refresh_token ?? '')) return refuse('invalid_grant', 'refresh token revoked or unknown');
      return issue(res, form); // rotated: the old refresh token is now dead
    }
    refuse('unsupported_grant_type', String(form.grant_type));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/authorize') return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/token') {
      if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) return json(res, 400, { error: 'invalid_request', error_description: 'form encoding required' });
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => tokenEndpoint(Object.fromEntries(new URLSearchParams(body)), res));
      return;
    }
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    authorizationUrl: `${baseUrl}/authorize`,
    tokenUrl: `${baseUrl}/token`,
    clientId,
    authorizeRequests,
    tokenRequests,
    isValid: (t) => validAccess.has(t),
    expire: (t) => void validAccess.delete(t),
    revokeRefreshTokens: () => validRefresh.clear(),
    denyNext: (error, description) => void (deny = { error, description }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface BearerDicomweb {
  /** http://127.0.0.1:PORT/dicom-web */
  url: string;
  /** The bearer tokens presented, in order (valid or not). */
  seenTokens: string[];
  close(): Promise<void>;
}

/** A DICOMweb stub with one study that answers only with a valid bearer token (per `isValid`). */
export async function startBearerDicomweb(isValid: (token: string) => boolean, study = '1.2.826.0.1.3680043.8.498.1'): Promise<BearerDicomweb> {
  const seenTokens: string[] = [];
  const server = http.createServer((req, res) => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (m) seenTokens.push(m[1]!);
    if (!m || !isValid(m[1]!)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json' });
      res.end('{"error":"invalid_token"}');
      return;
    }
    if (!(req.url ?? '').startsWith('/dicom-web/studies')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/dicom+json' });
    res.end(JSON.stringify([{ '0020000D': { vr: 'UI', Value: [study] }, '00100020': { vr: 'LO', Value: ['OAUTH-1'] } }]));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`,
    seenTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
