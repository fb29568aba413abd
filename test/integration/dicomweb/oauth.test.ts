/**
 * OAuth 2.0 authorization code + PKCE with a loopback redirect, against a strict stub identity provider
 * (test/support/stubIdp.ts) and a DICOMweb stub that wants its bearer tokens. The "browser" is fetch
 * following the IdP's redirect to our loopback server. Also: static bearer tokens. The stubs speak plain
 * http, so the nodes are marked allowInsecureCredentials (the refusal without it: transport.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomwebPacsNode } from '../../../electron/services/pacs/dicomweb/dicomwebPacsNode';
import { startAuthorization, type Tokens } from '../../../electron/services/pacs/dicomweb/oauth';
import { s256Challenge } from '../../../electron/services/pacs/dicomweb/pkce';
import { insecureUseLog } from '../../../electron/services/pacs/dicomweb/transportPolicy';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { startBearerDicomweb, startStubIdp, type BearerDicomweb, type StubIdp } from '../../support/stubIdp';
import { nodeSettings, pacsErrorOf } from './helpers';

const SECRET_REF = 'cloud/oauth';
/** The http:// warnings these tests cause on purpose. */
const quiet = insecureUseLog(() => {});

/** What the system browser does: load the URL, follow the IdP's redirect, show the page. */
function browser(pages: { status: number; html: string }[]) {
  return (url: string) => {
    void fetch(url)
      .then(async (res) => pages.push({ status: res.status, html: await res.text() }))
      .catch((err: unknown) => pages.push({ status: 0, html: String(err) }));
  };
}

describe('OAuth2 (authorization code + PKCE, loopback redirect) and bearer tokens', () => {
  let idp: StubIdp;
  let pacs: BearerDicomweb;
  const nodes: DicomwebPacsNode[] = [];
  let clock = Date.now();

  const settings = () =>
    nodeSettings({
      id: 'cloud',
      name: 'Cloud PACS',
      url: pacs.url,
      auth: { type: 'oauth2', authorizationUrl: idp.authorizationUrl, tokenUrl: idp.tokenUrl, clientId: idp.clientId, scope: 'openid dicomweb', secretRef: SECRET_REF },
      allowInsecureCredentials: true,
    });
  const makeNode = (secrets: MemorySecretStore) => {
    const node = new DicomwebPacsNode(settings(), { secrets, now: () => clock, log: () => {} });
    nodes.push(node);
    return node;
  };
  const stored = (secrets: MemorySecretStore): Tokens => JSON.parse(secrets.get(SECRET_REF) ?? 'null') as Tokens;

  beforeAll(async () => {
    idp = await startStubIdp({ expiresInSeconds: 3600 });
    pacs = await startBearerDicomweb((t) => idp.isValid(t));
  });

  afterAll(async () => {
    for (const n of nodes) await n.close();
    await pacs?.close();
    await idp?.close();
  });

  it('signs in through the browser with PKCE S256 and a loopback redirect, then queries with the token', async () => {
    const secrets = new MemorySecretStore();
    const node = makeNode(secrets);
    const pages: { status: number; html: string }[] = [];
    const before = idp.authorizeRequests.length;
    const tokens = await node.signIn(browser(pages));

    const auth = idp.authorizeRequests[before]!.params;
    expect(auth.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(auth).toMatchObject({ response_type: 'code', client_id: idp.clientId, code_challenge_method: 'S256', scope: 'openid dicomweb' });
    expect(auth.state).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    // The exchange sent the verifier whose S256 is the challenge (the stub refuses anything else).
    const exchange = idp.tokenRequests[idp.tokenRequests.length - 1]!;
    expect(exchange).toMatchObject({ grant_type: 'authorization_code', status: 200 });
    expect(s256Challenge(exchange.form.code_verifier!)).toBe(auth.code_challenge);
    expect(exchange.form.redirect_uri).toBe(auth.redirect_uri);

    expect(stored(secrets)).toEqual(tokens);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.expires_at).toBeGreaterThan(clock);
    await expect.poll(() => pages.length).toBe(1);
    expect(pages[0]!.status).toBe(200);
    expect(pages[0]!.html).toMatch(/You are signed in to Cloud PACS\. You can close this tab/);

    const studies = await node.find({ level: 'STUDY', filters: {} });
    expect(studies).toHaveLength(1);
    expect(pacs.seenTokens[pacs.seenTokens.length - 1]).toBe(tokens.access_token);
  });

  it('the stub IdP really checks the verifier (so the test above proves PKCE)', async () => {
    const res = await fetch(`${idp.authorizationUrl}?response_type=code&client_id=${idp.clientId}&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/callback')}&state=s&code_challenge=${s256Challenge('right-verifier-right-verifier-right-verifier')}&code_challenge_method=S256`, { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const token = await fetch(idp.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: idp.clientId, redirect_uri: 'http://127.0.0.1:1/callback', code_verifier: 'wrong-verifier-wrong-verifier-wrong-verifier' }),
    });
    expect(token.status).toBe(400);
    expect(await token.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a redirect with the wrong state: no code exchange, no tokens', async () => {
    const secrets = new MemorySecretStore();
    const exchangesBefore = idp.tokenRequests.length;
    const pages: { status: number; html: string }[] = [];
    const forged = (url: string) => {
      void (async () => {
        // The IdP answers as usual, but a forged redirect with another state reaches the loopback first.
        const res = await fetch(url, { redirect: 'manual' });
        const back = new URL(res.headers.get('location')!);
        back.searchParams.set('state', 'attacker-state');
        const page = await fetch(back);
        pages.push({ status: page.status, html: await page.text() });
      })().catch(() => {});
    };
    const err = await pacsErrorOf(startAuthorization({ settings: settings(), secrets, insecureUse: quiet, openBrowser: forged }));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/^Cloud PACS: the sign-in answer does not belong to this sign-in \(state mismatch\)/);
    expect(idp.tokenRequests.length).toBe(exchangesBefore);
    expect(secrets.get(SECRET_REF)).toBeUndefined();
    await expect.poll(() => pages.length).toBe(1);
    expect(pages[0]!.status).toBe(400);
    expect(pages[0]!.html).toMatch(/Sign-in failed/);
  });

  it('reports a sign-in the IdP refused, and one that never finishes', async () => {
    const secrets = new MemorySecretStore();
    idp.denyNext('access_denied', 'The user said no');
    const denied = await pacsErrorOf(startAuthorization({ settings: settings(), secrets, insecureUse: quiet, openBrowser: browser([]) }));
    expect(denied.kind).toBe('auth');
    expect(denied.message).toMatch(/refused the sign-in \(access_denied: The user said no\)/);

    const abandoned = await pacsErrorOf(startAuthorization({ settings: settings(), secrets, insecureUse: quiet, openBrowser: () => {}, timeoutMs: 300 }));
    expect(abandoned.kind).toBe('timeout');
    expect(abandoned.message).toMatch(/^Cloud PACS: sign-in did not finish/);
    expect(secrets.get(SECRET_REF)).toBeUndefined();
  });

  it('refreshes an expired token before using it', async () => {
    const secrets = new MemorySecretStore();
    const node = makeNode(secrets);
    await node.signIn(browser([]));
    const first = stored(secrets);
    // Two hours later: the token has expired, for us and for the server.
    clock += 2 * 3600_000;
    idp.expire(first.access_token);
    const refreshesBefore = idp.tokenRequests.filter((r) => r.grant_type === 'refresh_token').length;

    expect(await node.find({ level: 'STUDY', filters: {} })).toHaveLength(1);

    const refreshes = idp.tokenRequests.filter((r) => r.grant_type === 'refresh_token');
    expect(refreshes.length).toBe(refreshesBefore + 1);
    expect(refreshes[refreshes.length - 1]!.form.refresh_token).toBe(first.refresh_token);
    const second = stored(secrets);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.expires_at).toBeGreaterThan(clock);
    // The expired token was never sent: the refresh came first.
    expect(pacs.seenTokens).not.toContain(first.access_token);
    expect(pacs.seenTokens[pacs.seenTokens.length - 1]).toBe(second.access_token);
  });

  it('renews a token the node refuses before its expiry, and retries once', async () => {
    const secrets = new MemorySecretStore();
    const node = makeNode(secrets);
    await node.signIn(browser([]));
    const first = stored(secrets);
    idp.expire(first.access_token); // revoked on the server side only
    expect(await node.echo()).toBeGreaterThanOrEqual(0);
    expect(pacs.seenTokens.slice(-2)).toEqual([first.access_token, stored(secrets).access_token]);
  });

  it('says to sign in again when the token is refused and cannot be renewed', async () => {
    const secrets = new MemorySecretStore();
    const node = makeNode(secrets);
    await node.signIn(browser([]));
    idp.expire(stored(secrets).access_token);
    idp.revokeRefreshTokens();
    const err = await pacsErrorOf(node.find({ level: 'STUDY', filters: {} }));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/^Cloud PACS: token expired or refused.*sign in to the node again/);
    const notSignedIn = await pacsErrorOf(makeNode(new MemorySecretStore()).echo());
    expect(notSignedIn.kind).toBe('auth');
    expect(notSignedIn.message).toMatch(/not signed in/);
  });

  it('uses a static bearer token from the SecretStore, and says when it is refused', async () => {
    const secrets = new MemorySecretStore();
    const signedIn = makeNode(secrets);
    await signedIn.signIn(browser([]));
    const valid = stored(secrets).access_token;
    const bearer = (token: string) => {
      const node = new DicomwebPacsNode(nodeSettings({ id: 'static', name: 'Static PACS', url: pacs.url, auth: { type: 'bearer', secretRef: 't' }, allowInsecureCredentials: true }), {
        secrets: new MemorySecretStore({ t: token }),
        log: () => {},
      });
      nodes.push(node);
      return node;
    };
    expect(await bearer(valid).find({ level: 'STUDY', filters: {} })).toHaveLength(1);
    const err = await pacsErrorOf(bearer('not-a-token').echo());
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/^Static PACS: token expired or refused \(HTTP 401/);
  });
});
