/**
 * The transport rules without a network: credentials over http:// are refused unless the node is marked
 * allowInsecureCredentials (loopback included), requests without credentials are not affected, a node used
 * over https is not downgraded, and each allowed use is reported. The same rules seen from the wire (what
 * reaches a real server): test/integration/dicomweb/transport.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createNodeFetcher } from '../../../../../../electron/services/pacs/dicomweb/http';
import { MemoryHttpsMemory } from '../../../../../../electron/services/pacs/dicomweb/httpsMemory';
import { OAuthClient, type TokenFetch } from '../../../../../../electron/services/pacs/dicomweb/oauth';
import {
  checkCredentialTransport,
  checkNoDowngrade,
  insecureUseLog,
  isInsecureNode,
  reportInsecureCredentialUse,
} from '../../../../../../electron/services/pacs/dicomweb/transportPolicy';
import { PacsError } from '../../../../../../electron/services/pacs/pacsNode';
import { MemorySecretStore, type SecretStore } from '../../../../../../electron/services/secrets/secretStore';
import { DicomwebNodeSettings, NodeSettings } from '../../../../../../electron/services/settings/settings';

const node = (input: Record<string, unknown>) => DicomwebNodeSettings.parse({ id: 'ward', name: 'Ward PACS', kind: 'dicomweb', url: 'http://pacs.ward.example/dicom-web', ...input });
const basic = { type: 'basic', username: 'reader', secretRef: 'pw' };
const oauth = (scheme: 'http' | 'https') => ({
  type: 'oauth2',
  authorizationUrl: `${scheme}://idp.example/authorize`,
  tokenUrl: `${scheme}://idp.example/token`,
  clientId: 'dokuei',
  secretRef: 'tok',
});

function refusal(run: () => unknown): PacsError {
  try {
    run();
  } catch (err) {
    if (err instanceof PacsError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('credentials over http://', () => {
  it('refuses a password, a bearer token and an OAuth token over http, naming the setting and the node', () => {
    for (const [auth, what] of [
      [basic, 'a password'],
      [{ type: 'bearer', secretRef: 't' }, 'a bearer token'],
      [oauth('https'), 'an OAuth access token'],
    ] as const) {
      const err = refusal(() => checkCredentialTransport(node({ auth }), 'node'));
      expect(err.kind).toBe('tls');
      expect(err.nodeId).toBe('ward');
      expect(err.message).toContain(`Ward PACS: refusing to send ${what} over plain http:// (its DICOMweb URL is http://pacs.ward.example)`);
      expect(err.message).toMatch(/Use an https:\/\/ URL, or set "allowInsecureCredentials": true for node "ward" in settings\.json \(not recommended\)$/);
    }
  });

  it('does not exempt loopback: the permission must be written down even for 127.0.0.1, ::1 and localhost', () => {
    for (const url of ['http://127.0.0.1:8042/dicom-web', 'http://[::1]:8042/dicom-web', 'http://localhost/dicom-web']) {
      expect(refusal(() => checkCredentialTransport(node({ url, auth: basic }), 'node')).message).toMatch(/allowInsecureCredentials/);
    }
  });

  it('lets them go over http when the node is marked allowInsecureCredentials, and says what to report', () => {
    const s = node({ auth: basic, allowInsecureCredentials: true });
    expect(checkCredentialTransport(s, 'node')).toEqual({ target: 'node', url: 'http://pacs.ward.example/dicom-web', carries: 'a password' });
    expect(isInsecureNode(s)).toBe(true);
  });

  it('lets them go over https, with nothing to report and no warning in the UI', () => {
    const s = node({ url: 'https://pacs.ward.example/dicom-web', auth: basic });
    expect(checkCredentialTransport(s, 'node')).toBeUndefined();
    expect(isInsecureNode(s)).toBe(false);
    // The flag on an https node changes nothing: it is not shown as insecure.
    expect(isInsecureNode(node({ url: 'https://pacs.ward.example/dicom-web', auth: basic, allowInsecureCredentials: true }))).toBe(false);
  });

  it('lets requests without credentials go to an http node, which is not shown as insecure', () => {
    const s = node({});
    expect(s.allowInsecureCredentials).toBeUndefined(); // absent means false
    expect(checkCredentialTransport(s, 'node')).toBeUndefined();
    expect(isInsecureNode(node({ allowInsecureCredentials: true }))).toBe(false);
    expect(isInsecureNode(NodeSettings.parse({ id: 'd', name: 'D', kind: 'dimse', host: 'h', port: 104, calledAeTitle: 'PACS' }))).toBe(false);
  });

  it('checks the OAuth token endpoint and sign-in page on their own: an https node with an http IdP is refused', () => {
    const s = node({ url: 'https://pacs.ward.example/dicom-web', auth: oauth('http') });
    expect(checkCredentialTransport(s, 'node')).toBeUndefined();
    expect(refusal(() => checkCredentialTransport(s, 'token-endpoint')).message).toContain(
      'refusing to send OAuth authorization codes and refresh tokens over plain http:// (its OAuth token endpoint is http://idp.example)',
    );
    expect(refusal(() => checkCredentialTransport(s, 'sign-in')).message).toContain('(its OAuth sign-in page is http://idp.example)');
    expect(isInsecureNode({ ...s, allowInsecureCredentials: true })).toBe(true);
  });
});

describe('what the requests do', () => {
  it('refuses before the password is even read from the SecretStore, and before any connection', async () => {
    const reads: string[] = [];
    const secrets: SecretStore = { get: (ref) => (reads.push(ref), 'pw'), set: () => {}, delete: () => {} };
    // Port 9 (discard): were a connection tried, the error would be 'unreachable', not this refusal.
    const fetcher = createNodeFetcher(node({ url: 'http://127.0.0.1:9/dicom-web', auth: basic }), secrets);
    const err = await fetcher.request('/studies', { accept: 'application/dicom+json' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacsError);
    expect((err as PacsError).message).toMatch(/refusing to send a password over plain http:\/\/.*allowInsecureCredentials/);
    expect(reads).toEqual([]);
    await fetcher.close();
  });

  it('does not ask an http token endpoint for a token (refresh or sign-in) without the setting', async () => {
    const calls: string[] = [];
    const fetch: TokenFetch = async (url) => (calls.push(url), new Response('{}', { status: 500 }));
    const tokens = JSON.stringify({ access_token: 'A1', refresh_token: 'R1', expires_at: 1 });
    const client = new OAuthClient({ settings: node({ url: 'https://pacs.example/dicom-web', auth: oauth('http') }), secrets: new MemorySecretStore({ tok: tokens }), fetch });
    const refresh = await client.getAccessToken().catch((e: unknown) => e);
    expect((refresh as PacsError).message).toMatch(/OAuth token endpoint is http:\/\/idp\.example.*allowInsecureCredentials/);
    let opened = false;
    const signIn = await client.startAuthorization(() => void (opened = true)).catch((e: unknown) => e);
    expect((signIn as PacsError).message).toMatch(/sign-in page is http:\/\/idp\.example.*allowInsecureCredentials/);
    expect(opened).toBe(false);
    expect(calls).toEqual([]);
  });
});

describe('no downgrade from https', () => {
  it('refuses an http URL for a node used over https before, with or without credentials, saying how to clear it', () => {
    const memory = new MemoryHttpsMemory(() => new Date('2025-03-01T08:00:00Z'));
    memory.remember('ward', 'https://pacs.ward.example/dicom-web');
    for (const s of [node({}), node({ auth: basic, allowInsecureCredentials: true })]) {
      const err = refusal(() => checkNoDowngrade(s, memory));
      expect(err.kind).toBe('tls');
      expect(err.message).toBe(
        'Ward PACS: this node was used over https:// (https://pacs.ward.example, since 2025-03-01T08:00:00.000Z) and its URL is now http:// (http://pacs.ward.example): ' +
          'refusing to downgrade to an unencrypted connection. Use its https:// URL again; if the node really has no https any more, restart Dokuei (this record is kept in memory only)',
      );
    }
  });

  it('lets the https URL go, and another node (other id) go over http', () => {
    const memory = new MemoryHttpsMemory();
    memory.remember('ward', 'https://pacs.ward.example/dicom-web');
    expect(() => checkNoDowngrade(node({ url: 'https://pacs.ward.example/dicom-web' }), memory)).not.toThrow();
    expect(() => checkNoDowngrade(node({ id: 'other' }), memory)).not.toThrow();
  });
});

describe('reportInsecureCredentialUse', () => {
  it('warns at the first use, then at most once a minute per node with the count of uses', () => {
    const lines: string[] = [];
    let now = 0;
    const to = insecureUseLog((m) => lines.push(m), () => now);
    const s = node({ auth: basic, allowInsecureCredentials: true });
    const use = checkCredentialTransport(s, 'node')!;
    reportInsecureCredentialUse(s, use, to);
    expect(lines).toEqual([
      'WARNING insecure transport: Ward PACS (node "ward"): sent a password over plain http:// to http://pacs.ward.example, because allowInsecureCredentials is set for this node: anyone on the network path can read it',
    ]);
    for (let i = 0; i < 499; i++) {
      now += 100;
      reportInsecureCredentialUse(s, use, to);
    }
    expect(lines).toHaveLength(1);
    now = 60_000;
    reportInsecureCredentialUse(s, use, to);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/sent a password over plain http:\/\/ to http:\/\/pacs\.ward\.example \(500 times in the last 60 s\)/);
    // Another node is reported on its own.
    reportInsecureCredentialUse({ id: 'lab', name: 'Lab PACS' }, use, to);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^WARNING insecure transport: Lab PACS \(node "lab"\)/);
  });
});
