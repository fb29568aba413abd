/**
 * Token upkeep without a network: expiry and refresh, one refresh for concurrent callers, a refused
 * refresh forgets the tokens. (The browser flow and a real token endpoint: test/integration/dicomweb.)
 */
import { describe, expect, it } from 'vitest';
import { OAuthClient, type TokenFetch } from '../../../../../../electron/services/pacs/dicomweb/oauth';
import { PacsError } from '../../../../../../electron/services/pacs/pacsNode';
import { MemorySecretStore } from '../../../../../../electron/services/secrets/secretStore';
import { DicomwebNodeSettings } from '../../../../../../electron/services/settings/settings';

const settings = DicomwebNodeSettings.parse({
  id: 'idp-node',
  name: 'Cloud PACS',
  kind: 'dicomweb',
  url: 'https://pacs.example/dicom-web',
  auth: { type: 'oauth2', authorizationUrl: 'https://idp.example/authorize', tokenUrl: 'https://idp.example/token', clientId: 'dokuei', secretRef: 'tok' },
});

function tokenEndpoint(answer: (form: URLSearchParams) => { status: number; body: unknown }) {
  const forms: URLSearchParams[] = [];
  const fetch: TokenFetch = async (_url, init) => {
    const form = new URLSearchParams(init.body);
    forms.push(form);
    await new Promise((r) => setTimeout(r, 5));
    const { status, body } = answer(form);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, forms };
}

describe('OAuthClient.getAccessToken', () => {
  it('uses a valid token as it is, and refreshes an expired one (keeping the refresh token if none comes back)', async () => {
    let now = 1_000_000;
    const secrets = new MemorySecretStore({ tok: JSON.stringify({ access_token: 'A1', refresh_token: 'R1', expires_at: now + 3600_000 }) });
    const idp = tokenEndpoint(() => ({ status: 200, body: { access_token: 'A2', token_type: 'Bearer', expires_in: 600 } }));
    const client = new OAuthClient({ settings, secrets, fetch: idp.fetch, now: () => now });
    expect(await client.getAccessToken()).toBe('A1');
    expect(idp.forms).toHaveLength(0);
    now += 3600_000; // expired
    expect(await client.getAccessToken()).toBe('A2');
    expect(Object.fromEntries(idp.forms[0]!)).toEqual({ grant_type: 'refresh_token', refresh_token: 'R1', client_id: 'dokuei' });
    expect(JSON.parse(secrets.get('tok')!)).toEqual({ access_token: 'A2', refresh_token: 'R1', expires_at: now + 600_000, token_type: 'Bearer' });
  });

  it('refreshes once for concurrent callers, and not again for a token already replaced', async () => {
    const secrets = new MemorySecretStore({ tok: JSON.stringify({ access_token: 'A1', refresh_token: 'R1', expires_at: 0 }) });
    let n = 0;
    const idp = tokenEndpoint(() => ({ status: 200, body: { access_token: `A${++n + 1}`, refresh_token: `R${n + 1}`, expires_in: 600 } }));
    const client = new OAuthClient({ settings, secrets, fetch: idp.fetch });
    const tokens = await Promise.all([client.getAccessToken(), client.getAccessToken(), client.getAccessToken()]);
    expect(tokens).toEqual(['A2', 'A2', 'A2']);
    expect(idp.forms).toHaveLength(1);
    // A request that was refused with the old token after the refresh gets the new one without another refresh.
    expect(await client.getAccessToken({ refused: 'A1' })).toBe('A2');
    expect(idp.forms).toHaveLength(1);
    // A refused current token is renewed even though it has not expired.
    expect(await client.getAccessToken({ refused: 'A2' })).toBe('A3');
    expect(idp.forms[1]!.get('refresh_token')).toBe('R2');
  });

  it('forgets the tokens when the refresh is refused, and says to sign in again', async () => {
    const secrets = new MemorySecretStore({ tok: JSON.stringify({ access_token: 'A1', refresh_token: 'R1', expires_at: 0 }) });
    const idp = tokenEndpoint(() => ({ status: 400, body: { error: 'invalid_grant', error_description: 'refresh token revoked' } }));
    const client = new OAuthClient({ settings, secrets, fetch: idp.fetch });
    const err = await client.getAccessToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacsError);
    expect((err as PacsError).kind).toBe('auth');
    expect((err as PacsError).message).toMatch(/^Cloud PACS: token expired or refused.*invalid_grant: refresh token revoked.*sign in/);
    expect(secrets.get('tok')).toBeUndefined();
    await expect(client.getAccessToken()).rejects.toThrow(/not signed in/);
  });
});
