/**
 * The gateway's read path against fake nodes: failover in priority order, skipping offline nodes, a node
 * dying mid-answer, timeouts, store-through (deduplicated, never awaited by the answer), and a partially
 * stored series when every node is gone.
 */
import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { boundaryOf, decodeMultipart, encodeMultipart } from '../../../../../common/dicom/multipart';
import { seriesUid, sopUid, studyUid } from '../../../../../common/dicom/uid';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { createGateway, type DataPlaneGateway } from '../../../../../electron/services/gateway/gateway';
import { DicomwebUpstream, UpstreamError } from '../../../../../electron/services/pacs/upstream';
import { demoCtDir, dicomFilesIn } from '../../../../support/data';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

const BASE = 'http://127.0.0.1:9/dicomweb';
const FRAMES_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';

const files = dicomFilesIn(demoCtDir()).slice(0, 3).map((p) => {
  const bytes = new Uint8Array(readFileSync(p));
  const ds = dicomParser.parseDicom(bytes);
  return { bytes, study: ds.string('x0020000d')!.trim(), series: ds.string('x0020000e')!.trim(), sop: ds.string('x00080018')!.trim() };
});
const S = files[0]!.study;
const SE = files[0]!.series;

type Behaviour = 'ok' | 'refuse' | 'hang' | 'cut' | 'truncated';

/** A node serving the three demo instances from memory; `behaviour` decides how it fails. */
class FakeNode extends DicomwebUpstream {
  behaviour: Behaviour = 'ok';
  requests: string[] = [];
  constructor(name: string, timeoutMs = 500) {
    super({ name, baseUrl: `http://${name.toLowerCase()}.invalid/dicom-web`, timeoutMs });
  }
  frameBytes(sop: string): Uint8Array {
    return new TextEncoder().encode(`frame 1 of ${sop}`.padEnd(64, '.'));
  }
  override async fetch(pathAndQuery: string, _accept: string, signal?: AbortSignal): Promise<Response> {
    this.requests.push(pathAndQuery);
    if (this.behaviour === 'refuse') throw new UpstreamError(this.name, undefined, `${this.name} is unreachable: connect ECONNREFUSED`, 'unreachable');
    if (this.behaviour === 'hang') {
      return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new UpstreamError(this.name, undefined, 'aborted', 'cancelled'))));
    }
    const m = /^\/studies\/([\d.]+)\/series\/([\d.]+)\/(metadata|instances\/([\d.]+)(\/frames\/1)?)$/.exec(pathAndQuery);
    if (!m) return new Response('[]', { status: 404 });
    if (m[3] === 'metadata') {
      const body = JSON.stringify(files.map((f) => ({ '0020000E': { vr: 'UI', Value: [f.series] }, '00080018': { vr: 'UI', Value: [f.sop] } })));
      return new Response(body, { status: 200, headers: { 'content-type': 'application/dicom+json' } });
    }
    const f = files.find((x) => x.sop === m[4]);
    if (!f) return new Response('', { status: 404 });
    const frames = !!m[5];
    const part = frames ? { contentType: 'application/octet-stream', body: this.frameBytes(f.sop) } : { contentType: 'application/dicom', body: f.bytes };
    const encoded = encodeMultipart([part], 'fakeboundary');
    const contentType = `multipart/related; type="${part.contentType}"; boundary=fakeboundary`;
    if (this.behaviour === 'cut') {
      // The status line and half the body arrive, then the connection breaks.
      const half = encoded.slice(0, encoded.length >> 1);
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(half);
          setTimeout(() => c.error(new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) })), 5);
        },
      });
      return new Response(stream, { status: 200, headers: { 'content-type': contentType } });
    }
    // Well-formed HTTP, but the multipart ends in the middle of its part (no closing delimiter).
    if (this.behaviour === 'truncated') return new Response(encoded.slice(0, encoded.length - 40), { status: 200, headers: { 'content-type': contentType } });
    return new Response(encoded, { status: 200, headers: { 'content-type': contentType } });
  }
}

async function firstPart(res: Response): Promise<Uint8Array> {
  expect(res.status).toBe(200);
  const parts = decodeMultipart(new Uint8Array(await res.arrayBuffer()), boundaryOf(res.headers.get('content-type')!)!);
  expect(parts).toHaveLength(1);
  return parts[0]!.body;
}

describe('gateway read path with failover', () => {
  let dir: string;
  let store: EncryptedArchive;
  let a: FakeNode;
  let b: FakeNode;
  let gateway: DataPlaneGateway;
  const framesPath = (sop: string) => `/studies/${S}/series/${SE}/instances/${sop}/frames/1`;
  const get = (path: string, accept = FRAMES_ACCEPT) => gateway(new Request(`${BASE}${path}`, { headers: { Accept: accept } }));

  beforeEach(async () => {
    dir = await makeTempDir();
    store = await openTestArchive(dir);
    a = new FakeNode('Off-site');
    b = new FakeNode('On-site');
  });
  afterEach(async () => {
    await gateway?.close();
    await store.close();
    await removeDir(dir);
  });

  it('tries nodes in priority order, skips a refusing node from then on, and serves the next node\'s bytes', async () => {
    gateway = createGateway({ store, upstreams: [a, b], basePath: '/dicomweb', storeThrough: false });
    expect(await firstPart(await get(framesPath(files[0]!.sop)))).toEqual(a.frameBytes(files[0]!.sop));
    expect(b.requests).toEqual([]);
    a.behaviour = 'refuse';
    expect(await firstPart(await get(framesPath(files[1]!.sop)))).toEqual(b.frameBytes(files[1]!.sop));
    expect(gateway.health.state('Off-site')).toBe('offline');
    const before = a.requests.length;
    expect(await firstPart(await get(framesPath(files[2]!.sop)))).toEqual(b.frameBytes(files[2]!.sop));
    expect(a.requests.length).toBe(before); // skipped, not waited on
    expect(gateway.health.snapshot().find((e) => e.name === 'On-site')?.state).toBe('online');
  });

  it('a node that breaks off in the middle of a frame hands the request to the next node, untruncated', async () => {
    gateway = createGateway({ store, upstreams: [a, b], basePath: '/dicomweb', storeThrough: false });
    a.behaviour = 'cut';
    expect(await firstPart(await get(framesPath(files[0]!.sop)))).toEqual(b.frameBytes(files[0]!.sop));
    expect(gateway.health.state('Off-site')).toBe('offline');
  });

  it('a complete HTTP answer whose multipart is cut mid-part is never served: the next node answers, or a 502 says so', async () => {
    gateway = createGateway({ store, upstreams: [a, b], basePath: '/dicomweb', storeThrough: false });
    a.behaviour = 'truncated';
    expect(await firstPart(await get(framesPath(files[0]!.sop)))).toEqual(b.frameBytes(files[0]!.sop));
    b.behaviour = 'truncated';
    const res = await get(framesPath(files[1]!.sop));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toMatch(/On-site sent a multipart answer that ends before its closing boundary/);
  });

  it('a node that does not answer is given up after its timeout, and the next node answers', async () => {
    gateway = createGateway({ store, upstreams: [a, b], basePath: '/dicomweb', storeThrough: false });
    a.behaviour = 'hang';
    const t0 = performance.now();
    expect(await firstPart(await get(framesPath(files[0]!.sop)))).toEqual(b.frameBytes(files[0]!.sop));
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(a.timeoutMs - 50);
    expect(took).toBeLessThan(a.timeoutMs + 1000);
    expect(gateway.health.state('Off-site')).toBe('degraded');
  });

  it('with every node gone: 502 at once, naming the instance and each node', async () => {
    gateway = createGateway({ store, upstreams: [a, b], basePath: '/dicomweb', storeThrough: false });
    a.behaviour = 'refuse';
    b.behaviour = 'refuse';
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      const res = await get(framesPath(files[0]!.sop));
      expect(performance.now() - t0).toBeLessThan(200);
      expect(res.status).toBe(502);
      const { error } = (await res.json()) as { error: string };
      expect(error).toContain(files[0]!.sop);
      expect(error).toContain('Off-site');
      expect(error).toContain('On-site');
      if (i === 1) expect(error).toMatch(/Off-site is offline/);
    }
  });

  it('stores what passes through in the background, once per instance, and then reads it locally', async () => {
    gateway = createGateway({ store, upstreams: [a, b], basePath: '/dicomweb', storeThrough: { series: false } });
    const sop = files[1]!.sop;
    await Promise.all([get(framesPath(sop)), get(framesPath(sop)), get(framesPath(sop))].map(async (p) => firstPart(await p)));
    await gateway.storeThrough!.idle();
    const instanceFetches = a.requests.filter((r) => r.endsWith(`/instances/${sop}`));
    expect(instanceFetches).toHaveLength(1);
    expect(store.counts().instances).toBe(1);
    expect(gateway.storeThrough!.stats()).toMatchObject({ stored: 1, failed: 0, queued: 0, running: 0 });
    const n = a.requests.length;
    const res = await get(framesPath(sop));
    expect(res.status).toBe(200);
    expect(a.requests.length).toBe(n);
    const stored = await store.readInstance(studyUid(files[1]!.study), seriesUid(files[1]!.series), sopUid(sop));
    expect(Buffer.from(stored!).equals(Buffer.from(files[1]!.bytes))).toBe(true);
  });

  it('series metadata from a node queues the whole series for storing', async () => {
    gateway = createGateway({ store, upstreams: [a, b], basePath: '/dicomweb' });
    const res = await get(`/studies/${S}/series/${SE}/metadata`, 'application/dicom+json');
    expect(res.status).toBe(200);
    expect((await res.json()) as unknown[]).toHaveLength(3);
    await gateway.storeThrough!.idle();
    expect(store.counts().instances).toBe(3);
    // Now complete: answered locally, with the full datasets.
    const n = a.requests.length;
    const local = (await (await get(`/studies/${S}/series/${SE}/metadata`, 'application/dicom+json')).json()) as unknown[];
    expect(local).toHaveLength(3);
    expect(a.requests.length).toBe(n);
  });

  it('a partly stored series, every node gone: local frames served, metadata says what is missing, nothing hangs', async () => {
    gateway = createGateway({ store, upstreams: [a, b], basePath: '/dicomweb', storeThrough: { series: false } });
    expect((await get(`/studies/${S}/series/${SE}/metadata`, 'application/dicom+json')).status).toBe(200);
    await firstPart(await get(framesPath(files[0]!.sop)));
    await gateway.storeThrough!.idle();
    expect(store.counts().instances).toBe(1);
    // While a node is up, the partial series is still described by the node (all 3 instances).
    expect((await (await get(`/studies/${S}/series/${SE}/metadata`, 'application/dicom+json')).json()) as unknown[]).toHaveLength(3);
    a.behaviour = 'hang';
    b.behaviour = 'refuse';
    const t0 = performance.now();
    const md = await get(`/studies/${S}/series/${SE}/metadata`, 'application/dicom+json');
    expect(md.status).toBe(200);
    expect((await md.json()) as unknown[]).toHaveLength(1);
    const warning = md.headers.get('warning')!;
    expect(warning).toContain('2 of 3 instances are not available');
    expect(warning).toContain(files[1]!.sop);
    expect(warning).toContain('On-site');
    const local = await get(framesPath(files[0]!.sop));
    expect(local.status).toBe(200);
    const missing = await get(framesPath(files[2]!.sop));
    expect(missing.status).toBe(502);
    expect(((await missing.json()) as { error: string }).error).toContain(files[2]!.sop);
    expect(performance.now() - t0).toBeLessThan(a.timeoutMs * 3 + 1000);
  });
});
