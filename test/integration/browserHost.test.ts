/**
 * The browser host as a browser (or an attacker on the same machine) sees it: token on everything but the
 * static bundle, our own Host only, no path traversal, every IPC channel bound, the data plane reaching a
 * real Orthanc, a CSP on the page, and the demo study seeded on a first run without PACS.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import { requestChannels } from '../../common/ipc/contract';
import { ErrorCode } from '../../common/ipc/errors';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server';
import { MemorySettingsStore } from '../../electron/services/settings/settings';
import { demoCtDir, dicomFilesIn, evenlySpaced, realCtDir } from '../support/data';
import { expectSameBytes, readDicomFile, type DicomFileInfo } from '../support/dicomFiles';
import { allKeys, FRAMES_ACCEPT, multipartParts, RETRIEVE_URL, stringValue } from '../support/dicomweb';
import { rawRequest } from '../support/http';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';
import { makeTempDir, removeDir } from '../support/tempDir';
import { testKeyProvider, testKeySources } from '../support/testArchive';

const INDEX_HTML = '<!doctype html><html><head><title>Dokuei test bundle</title></head><body><div id="root">dokuei-test-bundle</div></body></html>\n';
const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

async function writeRenderer(): Promise<string> {
  const dir = await makeTempDir('dokuei-renderer-');
  await fs.writeFile(path.join(dir, 'index.html'), INDEX_HTML);
  return dir;
}

function portOf(host: BrowserHost): number {
  return Number(new URL(host.origin).port);
}

async function ipc(host: BrowserHost, channel: string, body: unknown, token: string | undefined = host.token): Promise<Response> {
  return fetch(`${host.origin}/ipc/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
}

describe('browser host with a real Orthanc node', () => {
  let orthanc: OrthancInstance | undefined;
  let host: BrowserHost | undefined;
  let files: DicomFileInfo[] = [];
  const dirs: string[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    files = await Promise.all(evenlySpaced(dicomFilesIn(realCtDir()), 5).map(readDicomFile));
    orthanc = await startOrthanc({ name: 'TestPACS' });
    for (const f of files) await orthanc.upload(f.path);
    const dataDir = await makeTempDir('dokuei-host-data-');
    const rendererDir = await writeRenderer();
    dirs.push(dataDir, rendererDir);
    host = await startBrowserHost({
      dataDir,
      settings: new MemorySettingsStore({ nodes: [{ name: 'TestPACS', kind: 'dicomweb', url: orthanc.dicomwebUrl }] }),
      rendererDir,
      keyProvider: testKeyProvider(),
      log: (m) => logs.push(m),
    });
  }, 180_000);

  afterAll(async () => {
    await host?.close();
    await orthanc?.stop();
    for (const d of dirs) await removeDir(d);
  }, 60_000);

  it('listens on 127.0.0.1 and hands out a long random token only in the URL fragment', () => {
    expect(host!.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host!.token.length).toBeGreaterThanOrEqual(32);
    expect(host!.url).toBe(`${host!.origin}/#token=${host!.token}`);
  });

  describe('access token', () => {
    const flip = (t: string) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A');
    it.each<[string, (token: string) => string | undefined]>([
      ['no Authorization header', () => undefined],
      ['a wrong token', () => 'Bearer not-the-token'],
      ['the token with its last character changed', (t) => `Bearer ${flip(t)}`],
      ['the token with one character more', (t) => `Bearer ${t}x`],
      ['the token as Basic credentials', (t) => `Basic ${t}`],
      ['the token without a scheme', (t) => t],
    ])('%s → 401 on the data plane, IPC and events', async (_label, header) => {
      const value = header(host!.token);
      const authorization: Record<string, string> = value === undefined ? {} : { Authorization: value };
      const qido = await fetch(`${host!.origin}/dicomweb/studies`, { headers: authorization });
      expect(qido.status).toBe(401);
      const info = await fetch(`${host!.origin}/ipc/app.getInfo`, { method: 'POST', headers: authorization, body: '{}' });
      expect(info.status).toBe(401);
      const events = await fetch(`${host!.origin}/ipc/events`, { headers: authorization });
      expect(events.status).toBe(401);
      await Promise.all([qido.text(), info.text(), events.text()]);
    });

    it('the right token → 200, and QIDO includes the study held by Orthanc (the local store is empty)', async () => {
      const summary = (await (await ipc(host!, 'store.summary', {})).json()) as { ok: boolean; value: { instances: number } };
      expect(summary).toMatchObject({ ok: true, value: { instances: 0 } });
      const res = await fetch(`${host!.origin}/dicomweb/studies?PatientID=LIDC-IDRI-0314`, {
        headers: { Authorization: `Bearer ${host!.token}`, Accept: 'application/dicom+json' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const list = (await res.json()) as DicomJsonDataset[];
      expect(list.map((d) => stringValue(d, Tag.StudyInstanceUID))).toEqual([files[0]!.study]);
      expect(stringValue(list[0], Tag.NumberOfStudyRelatedInstances)).toBe(String(files.length));
      expect(allKeys(list).has(RETRIEVE_URL)).toBe(false);
    });

    it('a frame through the host is the pixel data of the file Orthanc holds', async () => {
      const f = files[2]!;
      const res = await fetch(`${host!.origin}/dicomweb/studies/${f.study}/series/${f.series}/instances/${f.sop}/frames/1`, {
        headers: { Authorization: `Bearer ${host!.token}`, Accept: FRAMES_ACCEPT },
      });
      const parts = await multipartParts(res, 'frame through the browser host');
      expect(parts).toHaveLength(1);
      expectSameBytes(parts[0]!.body, f.pixelData, 'frame through the browser host');
    });
  });

  describe('IPC over HTTP', () => {
    it('app.getInfo describes the browser host and its node', async () => {
      const res = await ipc(host!, 'app.getInfo', {});
      expect(res.status).toBe(200);
      const body = (await res.json()) as { ok: boolean; value: Record<string, unknown> };
      expect(body).toMatchObject({
        ok: true,
        value: {
          name: 'Dokuei',
          host: 'browser',
          dataPlaneBaseUrl: `${host!.origin}/dicomweb`,
          upstreams: [{ name: 'TestPACS', kind: 'dicomweb', url: orthanc!.dicomwebUrl }],
        },
      });
      expect(typeof body.value.version).toBe('string');
    });

    it('every contract channel is bound and answers a JSON WireResult', async () => {
      const channels = requestChannels();
      expect(channels.length).toBeGreaterThan(0);
      for (const { channel } of channels) {
        const res = await ipc(host!, channel, {});
        expect(res.status, channel).toBe(200);
        expect(res.headers.get('content-type'), channel).toContain('application/json');
        const body = (await res.json()) as { ok: unknown; value?: unknown; error?: { code: string; message: string } };
        expect(typeof body.ok, channel).toBe('boolean');
        if (body.ok) {
          expect(body, channel).toHaveProperty('value');
        } else {
          expect(KNOWN_CODES.has(body.error!.code), `${channel}: ${body.error!.code}`).toBe(true);
          expect(body.error!.code, channel).not.toBe(ErrorCode.UnknownChannel);
          expect(typeof body.error!.message, channel).toBe('string');
        }
      }
    });

    it('control: an unknown channel is 404 UNKNOWN_CHANNEL, a GET is 405', async () => {
      const res = await ipc(host!, 'app.noSuchThing', {});
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.UnknownChannel);
      const get = await fetch(`${host!.origin}/ipc/app.getInfo`, { headers: { Authorization: `Bearer ${host!.token}` } });
      expect(get.status).toBe(405);
      await get.text();
    });

    it('a body that is not JSON is refused with INVALID_REQUEST', async () => {
      const res = await fetch(`${host!.origin}/ipc/app.getInfo`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${host!.token}` },
        body: '{not json',
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.InvalidRequest);
    });
  });

  describe('paths and hosts', () => {
    it.each([
      '/dicomweb/studies/../../../etc/passwd',
      '/dicomweb/studies/%2e%2e/%2e%2e/etc/passwd',
      '/dicomweb/studies/..%2f..%2fetc/series',
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/ipc/../dicomweb/studies',
    ])('raw path %s → 400 (with a valid token)', async (rawPath) => {
      const res = await rawRequest({ port: portOf(host!), path: rawPath, headers: { Authorization: `Bearer ${host!.token}` } });
      expect(res.status).toBe(400);
      expect(res.body.toString()).not.toContain('root:');
    });

    it('control: the same raw client gets 200 for a clean data-plane path', async () => {
      const res = await rawRequest({
        port: portOf(host!),
        path: '/dicomweb/studies',
        headers: { Authorization: `Bearer ${host!.token}`, Accept: 'application/dicom+json' },
      });
      expect(res.status).toBe(200);
    });

    it.each<[string, (port: number) => string]>([
      ['evil.example', () => 'evil.example'],
      ['evil.example:PORT', (port) => `evil.example:${port}`],
      ['127.0.0.2:PORT', (port) => `127.0.0.2:${port}`],
      ['127.0.0.1 without the port', () => '127.0.0.1'],
    ])('Host %s → 421 even with the token', async (_label, hostHeader) => {
      const h = hostHeader(portOf(host!));
      for (const p of ['/dicomweb/studies', '/ipc/app.getInfo', '/', '/index.html']) {
        const res = await rawRequest({
          port: portOf(host!),
          path: p,
          method: p.startsWith('/ipc/') ? 'POST' : 'GET',
          headers: { Host: h, Authorization: `Bearer ${host!.token}` },
          body: p.startsWith('/ipc/') ? '{}' : undefined,
        });
        expect(res.status, `${h} ${p}`).toBe(421);
      }
    });

    it('localhost:PORT is accepted as our own host', async () => {
      const res = await rawRequest({ port: portOf(host!), path: '/', headers: { Host: `localhost:${portOf(host!)}` } });
      expect(res.status).toBe(200);
    });

    it('index.html is served without a token, with a CSP of default-src \'self\'', async () => {
      for (const p of ['/', '/index.html']) {
        const res = await fetch(`${host!.origin}${p}`);
        expect(res.status, p).toBe(200);
        expect(res.headers.get('content-type'), p).toContain('text/html');
        const csp = res.headers.get('content-security-policy');
        expect(csp, p).toContain("default-src 'self'");
        expect(csp, p).toContain("object-src 'none'");
        expect(await res.text(), p).toBe(INDEX_HTML);
      }
    });

    it('a missing static file is 404', async () => {
      const res = await fetch(`${host!.origin}/no-such-file.js`);
      expect(res.status).toBe(404);
      await res.text();
    });

    it('app.log from the page is one line of the host log: a newline cannot forge a line of its own', async () => {
      const res = await ipc(host!, 'app.log', { level: 'info', message: 'opened\n[renderer 9] error: forged line' });
      expect(res.status).toBe(200);
      const line = logs.find((l) => l.includes('forged line'));
      expect(line).toBeDefined();
      expect(line).toContain('opened\\n[renderer 9] error: forged line');
      expect(line!.split('\n')).toHaveLength(1);
    });

    it('every answer carries the CSP and nosniff, not only the page: data plane, IPC, errors, refusals', async () => {
      const auth = { Authorization: `Bearer ${host!.token}` };
      const answers = [
        await fetch(`${host!.origin}/dicomweb/studies`, { headers: auth }),
        await fetch(`${host!.origin}/dicomweb/studies`),
        await ipc(host!, 'app.getInfo', {}),
        await ipc(host!, 'no.such', {}),
        await fetch(`${host!.origin}/no-such-file.js`),
      ];
      expect(answers.map((r) => r.status)).toEqual([200, 401, 200, 404, 404]);
      for (const res of answers) {
        expect(res.headers.get('content-security-policy'), res.url).toContain("default-src 'self'");
        expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
        await res.arrayBuffer();
      }
    });
  });
});

describe('browser host on a first run without PACS', () => {
  let host: BrowserHost | undefined;
  const dirs: string[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    const dataDir = await makeTempDir('dokuei-host-first-run-');
    const rendererDir = await writeRenderer();
    dirs.push(dataDir, rendererDir);
    // No demoDir: the host must find resources/demo by itself, as it does for a user.
    // The key as a user gives it (DOKUEI_ARCHIVE_KEY): the first start sets up the folder's custody.
    host = await startBrowserHost({ dataDir, settings: new MemorySettingsStore({}), rendererDir, keySources: testKeySources(), log: (m) => logs.push(m) });
  }, 180_000);

  afterAll(async () => {
    await host?.close();
    for (const d of dirs) await removeDir(d);
  }, 60_000);

  it('seeds the demo study (64 slices of resources/demo) into the empty store', async () => {
    const demoFiles = dicomFilesIn(demoCtDir());
    expect(demoFiles).toHaveLength(64);
    const res = await ipc(host!, 'store.summary', {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; value: { studies: number; series: number; instances: number; root: string } };
    expect(body.ok).toBe(true);
    expect(body.value).toMatchObject({ studies: 1, series: 1, instances: 64 });
    expect(logs.some((l) => l.includes('demo study') && l.includes('64'))).toBe(true);
  });

  it('the seeded study answers QIDO with no upstream configured', async () => {
    const info = (await (await ipc(host!, 'app.getInfo', {})).json()) as { value: { upstreams: unknown[] } };
    expect(info.value.upstreams).toEqual([]);
    const res = await fetch(`${host!.origin}/dicomweb/studies`, { headers: { Authorization: `Bearer ${host!.token}` } });
    expect(res.status).toBe(200);
    const list = (await res.json()) as DicomJsonDataset[];
    expect(list).toHaveLength(1);
    expect(stringValue(list[0], Tag.PatientID)).toBe('LIDC-IDRI-0314');
    expect(stringValue(list[0], Tag.NumberOfStudyRelatedInstances)).toBe('64');
  });
});
