/**
 * Retrieve Bulkdata (issue #19): an encapsulated PDF report larger than the metadata's inline limit is left out of
 * its metadata, and the viewer fetches its Encapsulated Document (0042,0011) at …/bulk/00420011. Through the router
 * over a real encrypted archive: the stored PDF comes back byte for byte as one octet-stream part; a small one is
 * inline in the metadata as well; an element the instance lacks is a 404 that names it, pixel data and malformed
 * tags are refused; an instance not here is asked of the node at the same path (Orthanc's BulkDataURI spelling).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../../common/dicom/dicomJson';
import { dicomwebPath, parseDicomwebPath } from '../../../../../../common/dicom/dicomwebPaths';
import { boundaryOf, decodeMultipart, encodeMultipart } from '../../../../../../common/dicom/multipart';
import type { EncryptedArchive } from '../../../../../../electron/services/archive/encryptedArchive';
import { createGateway, type DataPlaneGateway } from '../../../../../../electron/services/gateway/gateway';
import { DicomwebUpstream } from '../../../../../../electron/services/pacs/upstream';
import { importPaths } from '../../../../../../electron/services/store/importPaths';
import { encapsulatedPdf, tinyPdf } from '../../../../../support/reportFixtures';
import { startStubServer, type StubServer } from '../../../../../support/stubServers';
import { makeTempDir, removeDir } from '../../../../../support/tempDir';
import { openTestArchive } from '../../../../../support/testArchive';

const ROOT = '1.2.826.0.1.3680043.9.7777.1919';
const STUDY = `${ROOT}.1`;
const SERIES = `${ROOT}.2`;
const BIG = `${ROOT}.2.1`;
const SMALL = `${ROOT}.2.2`;
const REMOTE = `${ROOT}.2.3`;
const BASE = 'http://127.0.0.1:9/dicomweb';
const study = { StudyInstanceUID: STUDY, PatientName: 'REPORT^TEST', PatientID: 'BULK1', StudyDate: '20260102' };

async function partsOf(res: Response): Promise<Uint8Array[]> {
  const boundary = boundaryOf(res.headers.get('content-type') ?? '');
  expect(boundary).toBeDefined();
  return decodeMultipart(new Uint8Array(await res.arrayBuffer()), boundary!).map((p) => p.body);
}

describe('gateway: Retrieve Bulkdata', () => {
  let dir: string;
  let store: EncryptedArchive;
  let gateway: DataPlaneGateway;
  let node: StubServer;
  const bigPdf = tinyPdf(undefined, 20_000);
  const smallPdf = tinyPdf();
  const get = (p: string) => gateway(new Request(`${BASE}${p}`));

  beforeAll(async () => {
    dir = await makeTempDir();
    store = await openTestArchive(dir);
    const files = [
      [BIG, bigPdf],
      [SMALL, smallPdf],
    ].map(([sop, pdf]) => {
      const file = path.join(dir, `${sop as string}.dcm`);
      writeFileSync(file, encapsulatedPdf(study, { series: SERIES, sop: sop as string }, pdf as Uint8Array));
      return file;
    });
    expect((await importPaths(store, files)).imported).toBe(2);
    // A node that holds one more report: it answers the bulk path the way Orthanc does.
    node = await startStubServer((_req, res, p) => {
      if (p !== dicomwebPath.bulkData(STUDY, SERIES, REMOTE, '00420011')) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'multipart/related; type="application/octet-stream"; boundary=stub' });
      res.end(encodeMultipart([{ contentType: 'application/octet-stream', body: smallPdf }], 'stub'));
    });
    gateway = createGateway({ store, upstreams: [new DicomwebUpstream({ name: 'PACS', baseUrl: node.url, timeoutMs: 2000 })], basePath: '/dicomweb', storeThrough: false });
  });
  afterAll(async () => {
    await gateway?.close();
    await node?.close();
    await store?.close();
    await removeDir(dir);
  });

  it('parses the bulk path strictly', () => {
    expect(parseDicomwebPath(dicomwebPath.bulkData(STUDY, SERIES, BIG, '00420011'))).toEqual({ ok: true, route: { kind: 'bulkData', study: STUDY, series: SERIES, instance: BIG, tag: '00420011' } });
    expect(parseDicomwebPath(`/studies/${STUDY}/series/${SERIES}/instances/${BIG}/bulk/0042001`)).toMatchObject({ ok: false, status: 400 });
    expect(parseDicomwebPath(`/studies/${STUDY}/series/${SERIES}/instances/${BIG}/bulk/..%2F..`)).toMatchObject({ ok: false, status: 400 });
  });

  it('leaves a large PDF out of the metadata and gives it back byte for byte as bulk data', async () => {
    const meta = (await (await get(`${dicomwebPath.instance(STUDY, SERIES, BIG)}/metadata`)).json()) as DicomJsonDataset[];
    expect(meta[0]!['00420011']?.InlineBinary).toBeUndefined();
    const res = await get(dicomwebPath.bulkData(STUDY, SERIES, BIG, '00420011'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/related; type="application\/octet-stream"; boundary=/);
    const [pdf, ...more] = await partsOf(res);
    expect(more).toEqual([]);
    // The value is padded to an even length in DICOM: the PDF, then at most one NUL.
    expect(Buffer.from(pdf!.subarray(0, bigPdf.byteLength)).equals(Buffer.from(bigPdf))).toBe(true);
    expect(pdf!.byteLength - bigPdf.byteLength).toBeLessThanOrEqual(1);
  });

  it('gives a small PDF inline in the metadata and as bulk data alike', async () => {
    const meta = (await (await get(`${dicomwebPath.instance(STUDY, SERIES, SMALL)}/metadata`)).json()) as DicomJsonDataset[];
    const inline = Buffer.from(String(meta[0]!['00420011']?.InlineBinary), 'base64');
    const [bulk] = await partsOf(await get(dicomwebPath.bulkData(STUDY, SERIES, SMALL, '00420011')));
    expect(Buffer.from(bulk!).equals(inline)).toBe(true);
    expect(new TextDecoder().decode(inline.subarray(0, 8))).toBe('%PDF-1.4');
  });

  it('says which element is missing, and refuses pixel data and malformed tags', async () => {
    const missing = await get(dicomwebPath.bulkData(STUDY, SERIES, BIG, '00282000'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: `Instance ${BIG} has no element (0028,2000) with a value` });
    expect((await get(dicomwebPath.bulkData(STUDY, SERIES, BIG, '7FE00010'))).status).toBe(400);
    expect((await get(dicomwebPath.bulkData(STUDY, SERIES, BIG, 'zz420011'))).status).toBe(400);
  });

  it('asks the node at the same path for an instance that is not here', async () => {
    const res = await get(dicomwebPath.bulkData(STUDY, SERIES, REMOTE, '00420011'));
    expect(res.status).toBe(200);
    const [pdf] = await partsOf(res);
    expect(Buffer.from(pdf!).equals(Buffer.from(smallPdf))).toBe(true);
    expect(node.requests).toEqual([`GET /dicom-web${dicomwebPath.bulkData(STUDY, SERIES, REMOTE, '00420011')}`]);
  });
});
