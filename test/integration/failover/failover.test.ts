/**
 * Issue 4's failover test: two real Orthancs hold the same real CT, one playing the off-site archive
 * (asked first here), one the on-site PACS. The whole study (series metadata and every frame) is read
 * through the gateway from the off-site node; that Orthanc is stopped; the whole study is read again:
 * no frame request fails, every frame is the file's pixel data byte for byte, and no request waits past the
 * node's configured timeout (plus a margin). Then a partially stored study, with every node stopped,
 * serves what it has and says what is missing, at once.
 *
 * The nodes are reached the way the app reaches them: DicomwebUpstream over the node's own NodeFetcher.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import type { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { createGateway, type DataPlaneGateway } from '../../../electron/services/gateway/gateway';
import { DicomwebUpstream } from '../../../electron/services/pacs/upstream';
import { createNodeFetcher, type NodeFetcher } from '../../../electron/services/pacs/dicomweb/http';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { DicomwebNodeSettings } from '../../../electron/services/settings/settings';
import { dicomFilesIn, evenlySpaced, realCtDir } from '../../support/data';
import { expectSameBytes, readDicomFile, type DicomFileInfo } from '../../support/dicomFiles';
import { FRAMES_ACCEPT, multipartParts, stringValue } from '../../support/dicomweb';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { openTestArchive } from '../../support/testArchive';

const GW_ORIGIN = 'http://127.0.0.1:1';
const BASE = '/dicomweb';
const DICOM_JSON = 'application/dicom+json';
const SUBSET = 20;
/** The nodes' configured timeout. Every request must finish within it plus this margin. */
const TIMEOUT_MS = 3000;
const CONNECT_TIMEOUT_MS = 1000;
const MARGIN_MS = TIMEOUT_MS; // generous: a request may try one node to its timeout, then the next node

/** Counts the requests each node is sent (to show who served what). */
class CountingUpstream extends DicomwebUpstream {
  requests: string[] = [];
  override fetch(pathAndQuery: string, accept: string, signal?: AbortSignal): Promise<Response> {
    this.requests.push(pathAndQuery);
    return super.fetch(pathAndQuery, accept, signal);
  }
}

interface Timed {
  res: Response;
  ms: number;
}

describe('failover: reading goes on when the off-site archive goes away', () => {
  let offsite: OrthancInstance | undefined;
  let onsite: OrthancInstance | undefined;
  /** A second off-site archive, for the other order (on-site first, and the on-site node stops). */
  let offsite2: OrthancInstance | undefined;
  let files: DicomFileInfo[] = [];
  let study = '';
  let series = '';
  const dirs: string[] = [];
  const fetchers: NodeFetcher[] = [];
  const gateways: DataPlaneGateway[] = [];
  const stores: EncryptedArchive[] = [];
  const slowest: { what: string; ms: number } = { what: '', ms: 0 };

  function upstream(name: string, id: string, orthanc: OrthancInstance): CountingUpstream {
    const settings = DicomwebNodeSettings.parse({ kind: 'dicomweb', id, name, url: orthanc.dicomwebUrl, timeoutMs: TIMEOUT_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS });
    const fetcher = createNodeFetcher(settings, new MemorySecretStore());
    fetchers.push(fetcher);
    return new CountingUpstream({ name, baseUrl: fetcher.baseUrl, timeoutMs: TIMEOUT_MS, fetcher });
  }

  async function gatewayOver(ups: DicomwebUpstream[], storeThrough: Parameters<typeof createGateway>[0]['storeThrough']): Promise<{ gateway: DataPlaneGateway; store: EncryptedArchive }> {
    const dir = await makeTempDir('dokuei-failover-');
    dirs.push(dir);
    const store = await openTestArchive(dir);
    stores.push(store);
    const gateway = createGateway({ store, upstreams: ups, basePath: BASE, storeThrough });
    gateways.push(gateway);
    return { gateway, store };
  }

  async function timed(gateway: DataPlaneGateway, pathAndQuery: string, accept: string): Promise<Timed> {
    const t0 = performance.now();
    const res = await gateway(new Request(`${GW_ORIGIN}${BASE}${pathAndQuery}`, { headers: { Accept: accept } }));
    const body = new Uint8Array(await res.arrayBuffer()); // the wait includes the whole body
    const ms = performance.now() - t0;
    if (ms > slowest.ms) Object.assign(slowest, { what: pathAndQuery, ms });
    expect(ms, `${pathAndQuery} took ${Math.round(ms)} ms; configured timeout ${TIMEOUT_MS} ms`).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    return { res: new Response(body, { status: res.status, headers: res.headers }), ms };
  }

  const framesPath = (f: DicomFileInfo) => `/studies/${study}/series/${series}/instances/${f.sop}/frames/1`;

  /** Series metadata plus every frame, as the viewer reads a study. Returns the number of failed frame requests. */
  async function readWholeStudy(gateway: DataPlaneGateway, label: string): Promise<number> {
    const md = await timed(gateway, `/studies/${study}/series/${series}/metadata`, DICOM_JSON);
    expect(md.res.status, `${label}: series metadata`).toBe(200);
    const list = (await md.res.json()) as DicomJsonDataset[];
    expect(new Set(list.map((d) => stringValue(d, Tag.SOPInstanceUID)))).toEqual(new Set(files.map((f) => f.sop)));
    let failed = 0;
    // A few at a time, as cornerstone's request pool does.
    for (let i = 0; i < files.length; i += 4) {
      await Promise.all(
        files.slice(i, i + 4).map(async (f) => {
          const { res } = await timed(gateway, framesPath(f), FRAMES_ACCEPT);
          if (res.status !== 200) {
            failed++;
            return;
          }
          const parts = await multipartParts(res, `${label}: frame of instance #${f.instanceNumber}`);
          expect(parts).toHaveLength(1);
          expectSameBytes(parts[0]!.body, f.pixelData, `${label}: frame of instance #${f.instanceNumber} vs the file's pixel data`);
        }),
      );
    }
    return failed;
  }

  beforeAll(async () => {
    const chosen = evenlySpaced(dicomFilesIn(realCtDir()), SUBSET);
    files = await Promise.all(chosen.map(readDicomFile));
    files.sort((a, b) => a.instanceNumber - b.instanceNumber);
    study = files[0]!.study;
    series = files[0]!.series;
    expect(new Set(files.map((f) => f.series)).size).toBe(1);
    [offsite, onsite, offsite2] = await Promise.all([
      startOrthanc({ name: 'OffsiteArchive' }),
      startOrthanc({ name: 'OnsitePACS' }),
      startOrthanc({ name: 'OffsiteArchive2' }),
    ]);
    for (const f of files) await Promise.all([offsite.upload(f.path), onsite.upload(f.path), offsite2.upload(f.path)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(gateways.map((g) => g.close()));
    await Promise.allSettled(stores.map((s) => s.close()));
    await Promise.allSettled(fetchers.map((f) => f.close()));
    await offsite?.stop();
    await onsite?.stop();
    await offsite2?.stop();
    for (const d of dirs) await removeDir(d);
    console.log(`failover: slowest request ${Math.round(slowest.ms)} ms (${slowest.what}); configured timeout ${TIMEOUT_MS} ms`);
  }, 60_000);

  let failoverGateway: DataPlaneGateway;
  let off: CountingUpstream;
  let on: CountingUpstream;
  let partial: { gateway: DataPlaneGateway; store: EncryptedArchive };

  it('store-through: reading a series from a node stores it in the background, and the next read is local', async () => {
    const o = upstream('Off-site archive', 'offsite-st', offsite!);
    const { gateway, store } = await gatewayOver([o, upstream('On-site PACS', 'onsite-st', onsite!)], undefined);
    expect(await readWholeStudy(gateway, 'store-through, first read')).toBe(0);
    await gateway.storeThrough!.idle();
    expect(store.counts().instances).toBe(files.length);
    const before = o.requests.length;
    expect(await readWholeStudy(gateway, 'store-through, from the store')).toBe(0);
    expect(o.requests.length).toBe(before);
  });

  it('sets up a partially retrieved study (a third of the instances stored)', async () => {
    partial = await gatewayOver([upstream('Off-site archive', 'offsite-p', offsite!), upstream('On-site PACS', 'onsite-p', onsite!)], { series: false });
    const md = await timed(partial.gateway, `/studies/${study}/series/${series}/metadata`, DICOM_JSON);
    expect(md.res.status).toBe(200);
    for (const f of files.filter((_, i) => i % 3 === 0)) expect((await timed(partial.gateway, framesPath(f), FRAMES_ACCEPT)).res.status).toBe(200);
    await partial.gateway.storeThrough!.idle();
    expect(partial.store.counts().instances).toBe(Math.ceil(files.length / 3));
  });

  it('reads the whole study from the off-site archive (first by priority)', async () => {
    off = upstream('Off-site archive', 'offsite', offsite!);
    on = upstream('On-site PACS', 'onsite', onsite!);
    // Store-through off: every read must really go to a node, so the second read exercises failover.
    failoverGateway = (await gatewayOver([off, on], false)).gateway;
    expect(await readWholeStudy(failoverGateway, 'before the off-site archive stops')).toBe(0);
    expect(off.requests.filter((r) => r.includes('/frames/'))).toHaveLength(files.length);
    expect(on.requests).toEqual([]);
  });

  it('after the off-site Orthanc stops: 0 failed frame requests, same bytes, none past the timeout', async () => {
    await offsite!.stop();
    const offBefore = off.requests.length;
    expect(await readWholeStudy(failoverGateway, 'after the off-site archive stopped')).toBe(0);
    expect(on.requests.filter((r) => r.includes('/frames/'))).toHaveLength(files.length);
    // The dead node was tried once (or a few times, by requests already in flight), then skipped.
    expect(off.requests.length - offBefore).toBeLessThanOrEqual(4);
    const states = Object.fromEntries(failoverGateway.health.snapshot().map((e) => [e.name, e.state]));
    expect(states).toEqual({ 'Off-site archive': 'offline', 'On-site PACS': 'online' });
  });

  it('the other order: on-site first by priority; when it stops, the off-site archive serves every frame', async () => {
    const first = upstream('On-site PACS', 'onsite-first', onsite!);
    const second = upstream('Off-site archive', 'offsite-second', offsite2!);
    const gateway = (await gatewayOver([first, second], false)).gateway;
    expect(await readWholeStudy(gateway, 'on-site first, before it stops')).toBe(0);
    expect(second.requests).toEqual([]);
    await onsite!.stop();
    expect(await readWholeStudy(gateway, 'after the on-site PACS stopped')).toBe(0);
    expect(second.requests.filter((r) => r.includes('/frames/'))).toHaveLength(files.length);
    expect(gateway.health.state('On-site PACS')).toBe('offline');
  });

  it('a partially retrieved study with every node stopped serves what it has and says what is missing', async () => {
    // Both of its nodes (the off-site archive and the on-site PACS) are stopped by now.
    const local = files.filter((_, i) => i % 3 === 0);
    const absent = files.filter((_, i) => i % 3 !== 0);

    const md = await timed(partial.gateway, `/studies/${study}/series/${series}/metadata`, DICOM_JSON);
    expect(md.res.status).toBe(200);
    const list = (await md.res.json()) as DicomJsonDataset[];
    expect(new Set(list.map((d) => stringValue(d, Tag.SOPInstanceUID)))).toEqual(new Set(local.map((f) => f.sop)));
    const warning = md.res.headers.get('warning') ?? '';
    expect(warning).toMatch(/^299 /);
    expect(warning).toContain(`${absent.length} of ${files.length} instances are not available`);
    expect(warning).toContain(absent[0]!.sop);

    for (const f of local) {
      const { res } = await timed(partial.gateway, framesPath(f), FRAMES_ACCEPT);
      expect(res.status).toBe(200);
      const parts = await multipartParts(res, `local frame of #${f.instanceNumber}`);
      expectSameBytes(parts[0]!.body, f.pixelData, `local frame of #${f.instanceNumber}`);
    }
    for (const f of absent) {
      const { res } = await timed(partial.gateway, framesPath(f), FRAMES_ACCEPT);
      expect([404, 502]).toContain(res.status);
      const { error } = (await res.json()) as { error: string };
      expect(error).toContain(f.sop);
      expect(error).toMatch(/not available/);
      expect(error).toContain('Off-site archive');
      expect(error).toContain('On-site PACS');
    }
  });
});
