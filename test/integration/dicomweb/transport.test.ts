/**
 * The transport rules seen from the server's side (transportPolicy.ts): a DICOMweb node and a token endpoint
 * started here count every request and its Authorization header. Credentials over plain http never leave
 * Dokuei unless the node is marked allowInsecureCredentials (then they arrive, and a warning is logged);
 * requests without credentials go as before; a node once used over https (through a TLS front) is not
 * downgraded to http across a restart, until its record in <dataDir>/https-nodes.json is deleted.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomwebPacsNode } from '../../../electron/services/pacs/dicomweb/dicomwebPacsNode';
import { HTTPS_MEMORY_FILE } from '../../../electron/services/pacs/dicomweb/httpsMemory';
import { createPacsNodes } from '../../../electron/services/pacs/nodeFactory';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { parseSettings } from '../../../electron/services/settings/settings';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { makeTestPki, startTlsProxy, type TestPki, type TlsProxy } from '../../support/tls';
import { nodeSettings, pacsErrorOf } from './helpers';

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
}

/** A DICOMweb root at /dicom-web (QIDO answers []) and an OAuth token endpoint at /token, recording what reaches them. */
async function startRecordingServer() {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    if (req.url === '/token') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'fresh-access', token_type: 'Bearer', expires_in: 600 }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/dicom+json' });
    res.end('[]');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/dicom-web`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const PASSWORD = 'correct horse battery staple';
const BASIC = `Basic ${Buffer.from(`reader:${PASSWORD}`).toString('base64')}`;
const basic = { type: 'basic', username: 'reader', secretRef: 'pw' };

describe('credentials over http:// and https downgrades, from the server side', () => {
  let server: Awaited<ReturnType<typeof startRecordingServer>>;
  let pki: TestPki | undefined;
  let tls: TlsProxy | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  const dirs: string[] = [];

  const makeNode = (input: Record<string, unknown>, log: (m: string) => void = () => {}) => {
    const node = new DicomwebPacsNode(nodeSettings({ id: 'ward', name: 'Ward PACS', url: server.url, ...input }), { secrets: new MemorySecretStore({ pw: PASSWORD }), log });
    closers.push(() => node.close());
    return node;
  };

  beforeAll(async () => {
    server = await startRecordingServer();
    pki = await makeTestPki();
    tls = await startTlsProxy({ target: server.origin, pair: pki.server });
  }, 60_000);

  afterAll(async () => {
    for (const c of closers) await c();
    await tls?.close();
    await server?.close();
    await pki?.remove();
    for (const d of dirs) await removeDir(d);
  });

  it('refuses to send a password over http: the server never sees the request, let alone its Authorization header', async () => {
    const before = server.seen.length;
    const node = makeNode({ auth: basic });
    for (const attempt of [node.echo(), node.find({ level: 'STUDY', filters: {} }), node.http.request('/studies', { accept: 'application/dicom+json' })]) {
      const err = await pacsErrorOf(attempt);
      expect(err.kind).toBe('tls');
      expect(err.message).toMatch(/^Ward PACS: refusing to send a password over plain http:\/\/ .*set "allowInsecureCredentials": true for node "ward" in settings\.json \(not recommended\)$/);
    }
    expect(server.seen.slice(before)).toEqual([]);
    expect(server.seen.some((s) => s.authorization !== undefined)).toBe(false);
  });

  it('sends it when the node is marked allowInsecureCredentials, and logs a warning', async () => {
    const before = server.seen.length;
    const logs: string[] = [];
    const node = makeNode({ auth: basic, allowInsecureCredentials: true }, (m) => logs.push(m));
    expect(await node.find({ level: 'STUDY', filters: {} })).toEqual([]);
    expect(server.seen.slice(before)).toEqual([{ method: 'GET', path: expect.stringMatching(/^\/dicom-web\/studies\?/) as unknown as string, authorization: BASIC }]);
    expect(logs).toEqual([expect.stringMatching(/^WARNING insecure transport: Ward PACS \(node "ward"\): sent a password over plain http:\/\/ to http:\/\/127\.0\.0\.1:\d+/)]);
  });

  it('lets requests without credentials go to an http node, as before', async () => {
    const before = server.seen.length;
    const logs: string[] = [];
    expect(await makeNode({}, (m) => logs.push(m)).echo()).toBeGreaterThanOrEqual(0);
    expect(server.seen.slice(before)).toEqual([{ method: 'GET', path: '/dicom-web/studies?limit=1', authorization: undefined }]);
    expect(logs).toEqual([]);
  });

  it('does not renew an OAuth token at an http token endpoint, nor use the token, without the setting; with it, both arrive', async () => {
    const auth = { type: 'oauth2', authorizationUrl: `${server.origin}/authorize`, tokenUrl: `${server.origin}/token`, clientId: 'dokuei', secretRef: 'tok' };
    const expired = JSON.stringify({ access_token: 'old-access', refresh_token: 'R1', expires_at: 1 });
    const before = server.seen.length;
    const refused = new DicomwebPacsNode(nodeSettings({ id: 'cloud', name: 'Cloud PACS', url: server.url, auth }), { secrets: new MemorySecretStore({ tok: expired }), log: () => {} });
    closers.push(() => refused.close());
    expect((await pacsErrorOf(refused.echo())).message).toMatch(/refusing to send an OAuth access token over plain http:\/\/.*allowInsecureCredentials/);
    expect(server.seen.slice(before)).toEqual([]);

    const allowed = new DicomwebPacsNode(nodeSettings({ id: 'cloud', name: 'Cloud PACS', url: server.url, auth, allowInsecureCredentials: true }), {
      secrets: new MemorySecretStore({ tok: expired }),
      log: () => {},
    });
    closers.push(() => allowed.close());
    expect(await allowed.echo()).toBeGreaterThanOrEqual(0);
    expect(server.seen.slice(before).map((s) => `${s.method} ${s.path.split('?')[0]} ${s.authorization ?? '-'}`)).toEqual([
      'POST /token -',
      'GET /dicom-web/studies Bearer fresh-access',
    ]);
  });

  it('never downgrades a node used over https to http, across a restart, until its record is deleted', async () => {
    const dataDir = await makeTempDir('dokuei-transport-');
    dirs.push(dataDir);
    const secrets = new MemorySecretStore({ pw: PASSWORD });
    const settingsWith = (url: string) =>
      parseSettings({ nodes: [{ id: 'ward', name: 'Ward PACS', kind: 'dicomweb', url, auth: basic, tls: { caFile: pki!.caFile } }] }, 'the test');

    // First run: the node is configured with https and answers.
    const first = await createPacsNodes(settingsWith(`${tls!.baseUrl}/dicom-web`), { secrets, dataDir });
    closers.push(() => first.close());
    const before = server.seen.length;
    expect(await first.nodes[0]!.echo()).toBeGreaterThanOrEqual(0);
    expect(server.seen.slice(before).map((s) => s.authorization)).toEqual([BASIC]); // through the TLS front
    const file = path.join(dataDir, HTTPS_MEMORY_FILE);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ nodes: { ward: { url: tls!.baseUrl } } });

    // Next run: settings.json now says http:// (and even allows credentials over it). Nothing is sent.
    const settings = settingsWith(server.url);
    (settings.nodes[0] as { allowInsecureCredentials?: boolean }).allowInsecureCredentials = true;
    const second = await createPacsNodes(settings, { secrets, dataDir, log: () => {} });
    closers.push(() => second.close());
    const afterFirst = server.seen.length;
    const err = await pacsErrorOf(second.nodes[0]!.echo());
    expect(err.kind).toBe('tls');
    expect(err.message).toContain(`Ward PACS: this node was used over https:// (${tls!.baseUrl}, since `);
    expect(err.message).toContain(`refusing to downgrade to an unencrypted connection. Use its https:// URL again; if the node really has no https any more, delete the entry "ward" from ${file} (or the whole file)`);
    expect(server.seen.length).toBe(afterFirst);

    // The user deletes the record, as the message says: the same node now goes (no restart needed).
    await fs.rm(file);
    expect(await second.nodes[0]!.echo()).toBeGreaterThanOrEqual(0);
    expect(server.seen.slice(afterFirst).map((s) => s.authorization)).toEqual([BASIC]);
  });
});
