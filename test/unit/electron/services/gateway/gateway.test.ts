import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getString } from '../../../../../common/dicom/dicomJson';
import { boundaryOf, decodeMultipart } from '../../../../../common/dicom/multipart';
import { Tag } from '../../../../../common/dicom/tags';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { createGateway, type Gateway } from '../../../../../electron/services/gateway/gateway';
import { DicomwebUpstream } from '../../../../../electron/services/pacs/upstream';
import type { InstanceStore } from '../../../../../electron/services/store/instanceStore';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { demoCtDir, dicomFilesIn } from '../../../../support/data';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

const BASE = 'http://127.0.0.1:9/dicomweb';

/** Wraps a real store and counts every call, to prove refused requests never reach storage. */
function counting(store: InstanceStore): { store: InstanceStore; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

describe('gateway over the local store', () => {
  let dir: string;
  let store: EncryptedArchive;
  let gateway: Gateway;
  let calls: string[];
  const files = dicomFilesIn(demoCtDir()).slice(0, 3);
  const first = dicomParser.parseDicom(new Uint8Array(readFileSync(files[0]!)));
  const S = first.string('x0020000d')!.trim();
  const SE = first.string('x0020000e')!.trim();
  const I = first.string('x00080018')!.trim();

  beforeAll(async () => {
    dir = await makeTempDir();
    store = await openTestArchive(dir);
    const result = await importPaths(store, files);
    expect(result).toEqual({ imported: 3, skipped: 0, replaced: 0, conflicts: [], failed: [] });
    const c = counting(store);
    calls = c.calls;
    gateway = createGateway({ store: c.store, upstreams: [], basePath: '/dicomweb' });
  });
  afterAll(async () => {
    await store?.close();
    await removeDir(dir);
  });

  const get = (path: string, accept?: string) => gateway(new Request(`${BASE}${path}`, { headers: accept ? { Accept: accept } : {} }));

  it('answers QIDO at study, series and instance level, with filters', async () => {
    const studies = (await (await get('/studies?PatientID=LIDC-IDRI-0314')).json()) as Record<string, { Value?: unknown[] }>[];
    expect(studies).toHaveLength(1);
    expect(studies[0]![Tag.NumberOfStudyRelatedInstances]!.Value).toEqual([3]);
    expect(studies[0]![Tag.ModalitiesInStudy]!.Value).toEqual(['CT']);
    expect(await (await get('/studies?PatientID=SOMEONE-ELSE')).json()).toEqual([]);
    expect(await (await get('/studies?PatientID=LIDC*&StudyDate=19990101-20001231')).json()).toHaveLength(1);
    expect(await (await get('/studies?StudyDate=20010101-')).json()).toHaveLength(0);

    const series = (await (await get(`/studies/${S}/series`)).json()) as Record<string, { Value?: unknown[] }>[];
    expect(series.map((s) => s[Tag.SeriesInstanceUID]!.Value![0])).toEqual([SE]);
    const instances = (await (await get(`/studies/${S}/series/${SE}/instances`)).json()) as Record<string, { Value?: unknown[] }>[];
    expect(instances).toHaveLength(3);
    await expect((await get(`/studies/${S}/series/${SE}/instances?limit=2`)).json()).resolves.toHaveLength(2);
  });

  it('serves series metadata with every instance', async () => {
    const res = await get(`/studies/${S}/series/${SE}/metadata`);
    expect(res.headers.get('content-type')).toBe('application/dicom+json');
    const md = (await res.json()) as Record<string, { Value?: unknown[] }>[];
    expect(md.map((d) => getString(d as never, Tag.SOPInstanceUID)).sort()).toHaveLength(3);
    expect(md[0]![Tag.TransferSyntaxUID]!.Value).toEqual(['1.2.840.10008.1.2']);
  });

  it('serves frames as multipart whose part is exactly the stored pixel data', async () => {
    const res = await get(`/studies/${S}/series/${SE}/instances/${I}/frames/1`);
    expect(res.status).toBe(200);
    const parts = decodeMultipart(new Uint8Array(await res.arrayBuffer()), boundaryOf(res.headers.get('content-type')!)!);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.contentType).toContain('transfer-syntax=1.2.840.10008.1.2.1');
    const el = first.elements['x7fe00010']!;
    const expected = first.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
    expect(Buffer.from(parts[0]!.body).equals(Buffer.from(expected))).toBe(true);
  });

  it('serves the whole instance and a PNG thumbnail', async () => {
    const inst = await get(`/studies/${S}/series/${SE}/instances/${I}`);
    const parts = decodeMultipart(new Uint8Array(await inst.arrayBuffer()), boundaryOf(inst.headers.get('content-type')!)!);
    expect(Buffer.from(parts[0]!.body).equals(readFileSync(files[0]!))).toBe(true);

    const thumb = await get(`/studies/${S}/series/${SE}/instances/${I}/thumbnail`);
    expect(thumb.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await thumb.arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect([width, height]).toEqual([128, 128]);
    // Decode the IDAT to check the thumbnail has real structure: a CT slice, not a flat square.
    const idatLen = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    const values = new Set<number>();
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) values.add(raw[y * (width + 1) + 1 + x]!);
    expect(values.size).toBeGreaterThan(50);
  });

  it('refuses malformed UIDs and traversal with 400 and never touches the store', async () => {
    calls.length = 0;
    for (const p of [
      '/studies/1.2.abc/series',
      '/studies/..%2f..%2fetc/series',
      `/studies/${S}/series/${SE}/instances/${I}%2f..%2f..%2fpasswd/frames/1`,
      `/studies/${S}/series/${SE}/instances/${I}/frames/0`,
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(400);
      expect(((await res.json()) as { error: string }).error.length).toBeGreaterThan(0);
    }
    // URL parsing resolves a plain "../" before the gateway sees it: it lands outside the data plane.
    expect((await gateway(new Request('http://127.0.0.1:9/dicomweb/../etc/passwd'))).status).toBe(400);
    expect((await gateway(new Request(`${BASE}/studies`, { method: 'PUT', body: 'x' }))).status).toBe(405);
    expect(calls).toEqual([]);
  });

  it('answers 404 for what is neither local nor upstream, and 502 naming a dead node', async () => {
    expect((await get(`/studies/${S}/series/${SE}/instances/1.2.3/frames/1`)).status).toBe(404);
    const dead = createGateway({
      store,
      upstreams: [new DicomwebUpstream({ name: 'Off-site archive', baseUrl: 'http://127.0.0.1:9/dicom-web', timeoutMs: 2000 })],
      basePath: '/dicomweb',
    });
    const frames = await dead(new Request(`${BASE}/studies/1.2.3/series/1.2.3.4/instances/1.2.3.4.5/frames/1`));
    expect(frames.status).toBe(502);
    expect(((await frames.json()) as { error: string }).error).toContain('Off-site archive is unreachable');
    const qido = await dead(new Request(`${BASE}/studies`));
    expect(qido.status).toBe(200);
    expect(((await qido.json()) as unknown[]).length).toBe(1);
    expect(qido.headers.get('warning')).toContain('Off-site archive');
  });

  it('keeps what it stored across a restart and skips duplicates', async () => {
    const again = await openTestArchive(dir);
    try {
      expect(again.counts()).toMatchObject({ studies: 1, series: 1, instances: 3 });
      expect(await importPaths(again, [files[0]!, '/nonexistent/file.dcm'])).toEqual({
        imported: 0,
        skipped: 1,
        replaced: 0,
        conflicts: [],
        failed: [{ path: '/nonexistent/file.dcm', reason: 'No such file or folder', says: { key: 'services.fs.noSuchFile' } }],
      });
    } finally {
      await again.close();
    }
  });
});
