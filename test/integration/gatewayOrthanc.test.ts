/**
 * The gateway against a real Orthanc holding a real CT: what the renderer gets through the gateway must be
 * what the PACS holds (QIDO answers, metadata, frames byte for byte, and those bytes must be the pixel data
 * of the original files), the local store must serve the same frames, a dead node must degrade to local
 * data with a warning, and malformed paths must be refused before any store or upstream is touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import type { EncryptedArchive } from '../../electron/services/archive/encryptedArchive';
import { createGateway, type Gateway } from '../../electron/services/gateway/gateway';
import { DicomwebUpstream } from '../../electron/services/pacs/upstream';
import { importPaths } from '../../electron/services/store/importPaths';
import type { InstanceStore } from '../../electron/services/store/instanceStore';
import { dicomFilesIn, evenlySpaced, realCtDir } from '../support/data';
import { expectSameBytes, readDicomFile, type DicomFileInfo } from '../support/dicomFiles';
import { allKeys, bulkDataUris, FRAMES_ACCEPT, multipartParts, RETRIEVE_URL, stringValue, withoutRetrieveUrl } from '../support/dicomweb';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';
import { makeTempDir, removeDir } from '../support/tempDir';
import { openTestArchive } from '../support/testArchive';

/** The gateway is a pure function: this origin is never connected to, it only shapes the URLs it writes. */
const GW_ORIGIN = 'http://127.0.0.1:1';
const BASE = '/dicomweb';
const DICOM_JSON = 'application/dicom+json';
const SUBSET = 40;

function call(gateway: Gateway, pathAndQuery: string, accept = DICOM_JSON): Promise<Response> {
  return gateway(new Request(`${GW_ORIGIN}${BASE}${pathAndQuery}`, { headers: { Accept: accept } }));
}

async function jsonOf(res: Response, what: string): Promise<DicomJsonDataset[]> {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as DicomJsonDataset[];
}

/** Counts every method call on a real store, to prove a refused request never reached it. */
function countingStore(target: InstanceStore): { store: InstanceStore; calls: Map<string, number>; total(): number } {
  const calls = new Map<string, number>();
  const store = new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
  return { store, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0) };
}

/** An upstream that counts its requests (fetchJson goes through fetch, so both are counted). */
class CountingUpstream extends DicomwebUpstream {
  requests: string[] = [];
  override fetch(pathAndQuery: string, accept: string, signal?: AbortSignal): Promise<Response> {
    this.requests.push(pathAndQuery);
    return super.fetch(pathAndQuery, accept, signal);
  }
}

describe('gateway with a real Orthanc upstream and a real CT', () => {
  let orthanc: OrthancInstance | undefined;
  let files: DicomFileInfo[] = [];
  let study = '';
  let series = '';
  let picked: DicomFileInfo[] = [];
  const dirs: string[] = [];
  let remoteGateway: Gateway;
  let emptyStore: EncryptedArchive | undefined;
  let localStore: EncryptedArchive;
  let localGateway: Gateway;

  const direct = async (pathAndQuery: string, accept = DICOM_JSON): Promise<Response> =>
    fetch(`${orthanc!.dicomwebUrl}${pathAndQuery}`, { headers: { Accept: accept, 'Accept-Encoding': 'identity' } });

  beforeAll(async () => {
    const all = dicomFilesIn(realCtDir());
    expect(all.length).toBeGreaterThanOrEqual(30);
    // The full set has 275 slices: a spread of real files keeps the suite fast and still spans the volume.
    const chosen = evenlySpaced(all, SUBSET);
    files = await Promise.all(chosen.map(readDicomFile));
    files.sort((a, b) => a.instanceNumber - b.instanceNumber);
    study = files[0]!.study;
    series = files[0]!.series;
    expect(new Set(files.map((f) => f.study)).size).toBe(1);
    expect(new Set(files.map((f) => f.series)).size).toBe(1);
    expect(new Set(files.map((f) => f.sop)).size).toBe(files.length);
    picked = [files[0]!, files[Math.floor(files.length / 2)]!, files[files.length - 1]!];

    orthanc = await startOrthanc({ name: 'TestPACS' });
    for (const f of files) await orthanc.upload(f.path);

    const emptyDir = await makeTempDir('dokuei-gw-empty-');
    dirs.push(emptyDir);
    emptyStore = await openTestArchive(emptyDir);
    expect(emptyStore.counts().instances).toBe(0);
    remoteGateway = createGateway({
      store: emptyStore,
      upstreams: [new DicomwebUpstream({ name: 'TestPACS', baseUrl: orthanc.dicomwebUrl, timeoutMs: 30000 })],
      basePath: BASE,
    });

    const localDir = await makeTempDir('dokuei-gw-local-');
    dirs.push(localDir);
    localStore = await openTestArchive(localDir);
    const outcome = await importPaths(localStore, files.map((f) => f.path));
    expect(outcome.failed).toEqual([]);
    expect(outcome.imported).toBe(files.length);
    localGateway = createGateway({ store: localStore, upstreams: [], basePath: BASE });
  }, 180_000);

  afterAll(async () => {
    await orthanc?.stop();
    await emptyStore?.close();
    await localStore?.close();
    for (const d of dirs) await removeDir(d);
  }, 60_000);

  describe('QIDO-RS through the gateway equals Orthanc (RetrieveURL aside)', () => {
    it.each([
      ['PatientID filter', '?PatientID=LIDC-IDRI-0314'],
      ['no filter', ''],
      ['StudyInstanceUID filter', () => `?StudyInstanceUID=${study}`],
    ])('studies, %s', async (_label, q) => {
      const query = typeof q === 'function' ? q() : q;
      const viaGateway = await call(remoteGateway, `/studies${query}`);
      expect(viaGateway.headers.get('content-type')).toContain(DICOM_JSON);
      expect(viaGateway.headers.get('warning')).toBeNull();
      const ours = await jsonOf(viaGateway, 'gateway QIDO studies');
      const theirs = await jsonOf(await direct(`/studies${query}`), 'Orthanc QIDO studies');
      expect(theirs).toHaveLength(1);
      expect(stringValue(theirs[0], Tag.StudyInstanceUID)).toBe(study);
      // Orthanc does send RetrieveURLs; the gateway must not pass them (upstream addresses stay private).
      expect(allKeys(theirs).has(RETRIEVE_URL)).toBe(true);
      expect(allKeys(ours).has(RETRIEVE_URL)).toBe(false);
      expect(JSON.stringify(ours)).not.toContain(`:${orthanc!.httpPort}`);
      expect(ours).toEqual(withoutRetrieveUrl(theirs));
    });

    it('studies, a query that matches nothing answers an empty list on both sides', async () => {
      const ours = await jsonOf(await call(remoteGateway, '/studies?PatientID=NOBODY-0000'), 'gateway');
      const theirs = await jsonOf(await direct('/studies?PatientID=NOBODY-0000'), 'Orthanc');
      expect(theirs).toEqual([]);
      expect(ours).toEqual([]);
    });

    it('series of the study', async () => {
      const ours = await jsonOf(await call(remoteGateway, `/studies/${study}/series`), 'gateway QIDO series');
      const theirs = await jsonOf(await direct(`/studies/${study}/series`), 'Orthanc QIDO series');
      expect(theirs).toHaveLength(1);
      expect(stringValue(theirs[0], Tag.SeriesInstanceUID)).toBe(series);
      expect(stringValue(theirs[0], Tag.NumberOfSeriesRelatedInstances)).toBe(String(files.length));
      expect(allKeys(ours).has(RETRIEVE_URL)).toBe(false);
      expect(ours).toEqual(withoutRetrieveUrl(theirs));
    });

    it('instances of the series', async () => {
      const ours = await jsonOf(await call(remoteGateway, `/studies/${study}/series/${series}/instances`), 'gateway QIDO instances');
      const theirs = await jsonOf(await direct(`/studies/${study}/series/${series}/instances`), 'Orthanc QIDO instances');
      expect(theirs).toHaveLength(files.length);
      expect(new Set(theirs.map((d) => stringValue(d, Tag.SOPInstanceUID)))).toEqual(new Set(files.map((f) => f.sop)));
      expect(allKeys(ours).has(RETRIEVE_URL)).toBe(false);
      expect(ours).toEqual(withoutRetrieveUrl(theirs));
    });
  });

  it('frames through the gateway are Orthanc\'s frames byte for byte, and are the pixel data of the files', async () => {
    for (const f of picked) {
      const path = `/studies/${study}/series/${series}/instances/${f.sop}/frames/1`;
      const what = `instance #${f.instanceNumber} (${f.path})`;
      const ours = await multipartParts(await call(remoteGateway, path, FRAMES_ACCEPT), `gateway frame of ${what}`);
      const theirs = await multipartParts(await direct(path, FRAMES_ACCEPT), `Orthanc frame of ${what}`);
      expect(ours).toHaveLength(1);
      expect(theirs).toHaveLength(1);
      expect(ours[0]!.body.byteLength).toBe(f.rows * f.columns * (f.bitsAllocated / 8));
      expectSameBytes(ours[0]!.body, theirs[0]!.body, `gateway vs Orthanc frame of ${what}`);
      expectSameBytes(ours[0]!.body, f.pixelData, `gateway frame vs pixel data in the file, ${what}`);
    }
    // Different slices really differ (a constant or cached answer would not pass the loop above honestly).
    expect(Buffer.from(picked[0]!.pixelData).equals(Buffer.from(picked[2]!.pixelData))).toBe(false);
  });

  it('series metadata through the gateway lists Orthanc\'s instances and never points at Orthanc', async () => {
    const path = `/studies/${study}/series/${series}/metadata`;
    const ours = await jsonOf(await call(remoteGateway, path), 'gateway series metadata');
    const theirs = await jsonOf(await direct(path), 'Orthanc series metadata');
    const sops = (list: DicomJsonDataset[]) => list.map((d) => stringValue(d, Tag.SOPInstanceUID)).sort();
    expect(theirs).toHaveLength(files.length);
    expect(sops(ours)).toEqual(sops(theirs));
    expect(sops(ours)).toEqual(files.map((f) => f.sop).sort());
    const theirUris = bulkDataUris(theirs);
    const ourUris = bulkDataUris(ours);
    expect(ourUris).toHaveLength(theirUris.length);
    for (const uri of ourUris) {
      expect(uri).not.toContain(`:${orthanc!.httpPort}`);
      expect(uri.startsWith(`${GW_ORIGIN}${BASE}/studies/${study}/series/${series}/instances/`)).toBe(true);
    }
    expect(allKeys(ours).has(RETRIEVE_URL)).toBe(false);
    expect(JSON.stringify(ours)).not.toContain(`127.0.0.1:${orthanc!.httpPort}`);
  });

  it('thumbnails come from Orthanc even though its plugin has no /thumbnail (small /rendered instead)', async () => {
    const f = picked[1]!;
    const base = `/studies/${study}/series/${series}/instances/${f.sop}`;
    expect((await direct(`${base}/thumbnail`, 'image/png')).status).toBe(404);
    // The study browser asks with an Accept list, which Orthanc alone would refuse.
    const res = await call(remoteGateway, `${base}/thumbnail`, 'image/png, image/jpeg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(Math.max(width, height)).toBeLessThanOrEqual(128);
    expect(Math.min(width, height)).toBeGreaterThan(32);
  });

  describe('the same files in the local store', () => {
    it('the local store serves the frames, equal to Orthanc\'s byte for byte', async () => {
      for (const f of picked) {
        const path = `/studies/${study}/series/${series}/instances/${f.sop}/frames/1`;
        const what = `instance #${f.instanceNumber}`;
        const local = await multipartParts(await call(localGateway, path, FRAMES_ACCEPT), `local frame of ${what}`);
        const theirs = await multipartParts(await direct(path, FRAMES_ACCEPT), `Orthanc frame of ${what}`);
        expect(local).toHaveLength(1);
        expectSameBytes(local[0]!.body, theirs[0]!.body, `local vs Orthanc frame of ${what}`);
        expectSameBytes(local[0]!.body, f.pixelData, `local frame vs pixel data in the file, ${what}`);
      }
    });

    it('local QIDO studies agrees with Orthanc on the study-level attributes', async () => {
      const local = await jsonOf(await call(localGateway, '/studies?PatientID=LIDC-IDRI-0314'), 'local QIDO studies');
      const theirs = await jsonOf(await direct('/studies?PatientID=LIDC-IDRI-0314'), 'Orthanc QIDO studies');
      expect(local).toHaveLength(1);
      expect(theirs).toHaveLength(1);
      for (const tag of [Tag.StudyInstanceUID, Tag.PatientID, Tag.StudyDate, Tag.ModalitiesInStudy, Tag.NumberOfStudyRelatedInstances]) {
        expect(theirs[0]![tag]?.Value, `Orthanc's ${tag}`).toBeDefined();
        expect(local[0]![tag]?.Value, `local ${tag}`).toEqual(theirs[0]![tag]?.Value);
      }
      expect(stringValue(local[0], Tag.NumberOfStudyRelatedInstances)).toBe(String(files.length));
      expect(stringValue(local[0], Tag.PatientID)).toBe(files[0]!.patientId);
      expect(stringValue(local[0], Tag.StudyDate)).toBe(files[0]!.studyDate);
    });
  });

  describe('with the upstream down', () => {
    let deadGateway: Gateway;
    let deadUrl = '';

    beforeAll(async () => {
      const dead = await startOrthanc({ name: 'DeadPACS' });
      deadUrl = dead.dicomwebUrl;
      await dead.stop();
      deadGateway = createGateway({
        store: localStore,
        upstreams: [new DicomwebUpstream({ name: 'DeadPACS', baseUrl: deadUrl, timeoutMs: 5000 })],
        basePath: BASE,
      });
    }, 120_000);

    it('the node really is down', async () => {
      await expect(fetch(`${deadUrl}/studies`)).rejects.toThrow();
    });

    it('QIDO studies still answers 200 with the local study and a Warning naming the node', async () => {
      const res = await call(deadGateway, '/studies');
      const warning = res.headers.get('warning');
      const list = await jsonOf(res, 'QIDO studies with a dead node');
      expect(list.map((d) => stringValue(d, Tag.StudyInstanceUID))).toEqual([study]);
      expect(warning).toMatch(/^299 /);
      expect(warning).toContain('DeadPACS');
    });

    it('a local frame is still served', async () => {
      const f = picked[1]!;
      const parts = await multipartParts(
        await call(deadGateway, `/studies/${study}/series/${series}/instances/${f.sop}/frames/1`, FRAMES_ACCEPT),
        'local frame with a dead node',
      );
      expectSameBytes(parts[0]!.body, f.pixelData, 'local frame with a dead node');
    });

    it('frames of an instance that is not local answer 502 naming the node', async () => {
      const res = await call(deadGateway, '/studies/1.2.3.4/series/1.2.3.4.5/instances/1.2.3.4.5.6/frames/1', FRAMES_ACCEPT);
      expect(res.status).toBe(502);
      const body = (await res.json()) as { error: string };
      expect(body.error).toContain('DeadPACS');
    });

    it('series of a study that is not local answer 502 naming the node', async () => {
      const res = await call(deadGateway, '/studies/1.2.3.4/series');
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: string }).error).toContain('DeadPACS');
    });
  });

  describe('malformed and traversal paths are refused before the store or the node is touched', () => {
    it.each([
      ['malformed StudyInstanceUID', '/studies/1.2.abc/series'],
      ['encoded ../ in a UID segment', '/studies/..%2f..%2fetc/series'],
      ['encoded ..\\ in a UID segment', '/studies/..%5c..%5cetc/series'],
      ['encoded NUL in a SOPInstanceUID', '/studies/1.2.3/series/1.2.3.4/instances/1.2.3.4.5%00/frames/1'],
      ['bad percent-encoding', '/studies/1.2.%zz/series'],
      ['UID longer than 64 characters', `/studies/${'1.'.repeat(40)}1/series`],
      ['malformed frame list', () => `/studies/${study}/series/${series}/instances/${files[0]!.sop}/frames/0`],
    ])('%s → 400', async (_label, p) => {
      const path = typeof p === 'function' ? p() : p;
      const counted = countingStore(localStore);
      const upstream = new CountingUpstream({ name: 'TestPACS', baseUrl: orthanc!.dicomwebUrl });
      const gateway = createGateway({ store: counted.store, upstreams: [upstream], basePath: BASE });
      const res = await call(gateway, path, path.includes('/frames/') ? FRAMES_ACCEPT : DICOM_JSON);
      expect(res.status).toBe(400);
      expect(counted.total()).toBe(0);
      expect(upstream.requests).toEqual([]);
    });

    it('a "../" the URL parser resolves out of the data plane → 400, untouched', async () => {
      const counted = countingStore(localStore);
      const upstream = new CountingUpstream({ name: 'TestPACS', baseUrl: orthanc!.dicomwebUrl });
      const gateway = createGateway({ store: counted.store, upstreams: [upstream], basePath: BASE });
      const res = await gateway(new Request(`${GW_ORIGIN}${BASE}/studies/../../etc/passwd`));
      expect(res.status).toBe(400);
      expect(counted.total()).toBe(0);
      expect(upstream.requests).toEqual([]);
    });

    it('control: a valid request through the same wrappers is counted (the counters work)', async () => {
      const counted = countingStore(localStore);
      const upstream = new CountingUpstream({ name: 'TestPACS', baseUrl: orthanc!.dicomwebUrl });
      const gateway = createGateway({ store: counted.store, upstreams: [upstream], basePath: BASE });
      const res = await call(gateway, `/studies/${study}/series`);
      expect(res.status).toBe(200);
      expect(counted.calls.get('series')).toBe(1);
      const studies = await call(gateway, '/studies');
      expect(studies.status).toBe(200);
      expect(counted.calls.get('studies')).toBe(1);
      expect(upstream.requests).toEqual(['/studies']);
    });
  });
});
