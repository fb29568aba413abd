/**
 * STOW-RS on the gateway into a real encrypted archive: stored, duplicate, malformed part, wrong content
 * type, truncated body, a study mismatch, and limits.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import { encodeMultipart } from '../../../../../common/dicom/multipart';
import { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { EnvKeyProvider } from '../../../../../electron/services/archive/keyProvider';
import { createGateway, type DataPlaneGateway } from '../../../../../electron/services/gateway/gateway';
import { handleStow, STOW_PRIVATE } from '../../../../../electron/services/gateway/stow';
import { readPart10Header } from '../../../../../electron/services/dicom/part10';
import { repoRoot } from '../../../../support/data';
import { cutShort, MR_SOP, nativeMr } from '../../../../support/incompleteInstances';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const charset = (name: string) => readFileSync(path.join(repoRoot, 'test/fixtures/charsets', name));
const BOUNDARY = 'stow-test-boundary';
const CT = `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`;
const BASE = 'http://127.0.0.1:9/dicomweb';

function body(...parts: (Uint8Array | { contentType: string; body: Uint8Array })[]): Uint8Array<ArrayBuffer> {
  return encodeMultipart(
    parts.map((p) => (p instanceof Uint8Array ? { contentType: 'application/dicom', body: p } : p)),
    BOUNDARY,
  );
}

function post(data: BodyInit, contentType = CT, where = '/studies'): Request {
  return new Request(`${BASE}${where}`, { method: 'POST', headers: { 'Content-Type': contentType }, body: data });
}

const seq = (ds: DicomJsonDataset, tag: string) => (ds[tag]?.Value ?? []) as DicomJsonDataset[];
const str = (ds: DicomJsonDataset, tag: string) => ds[tag]?.Value?.[0];

let dir: string;
let archive: EncryptedArchive;
let gateway: DataPlaneGateway;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-stow-');
  archive = await EncryptedArchive.open(path.join(dir, 'archive'), { keyProvider: new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') }) });
  gateway = createGateway({ store: archive, upstreams: [], basePath: '/dicomweb', storeThrough: false });
});
afterEach(async () => {
  await gateway.close();
  await archive.close();
  await removeDir(dir);
});

describe('STOW-RS', () => {
  it('stores every part (200), then counts them as duplicates, and serves them back', async () => {
    const h31 = charset('chrH31.dcm');
    const x1 = charset('chrX1.dcm');
    const res = await gateway(post(body(h31, x1)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/dicom+json');
    const ds = (await res.json()) as DicomJsonDataset;
    const refs = seq(ds, '00081199');
    expect(refs).toHaveLength(2);
    expect(refs.map((r) => str(r, STOW_PRIVATE.outcome))).toEqual(['STORED', 'STORED']);
    expect(refs.map((r) => str(r, STOW_PRIVATE.partNumber))).toEqual([1, 2]);
    expect(str(refs[0]!, '00081155')).toBe(readPart10Header(h31).dataset['00080018']!.Value![0]);
    expect(str(refs[0]!, '00081190')).toMatch(/^http:\/\/127\.0\.0\.1:9\/dicomweb\/studies\/[\d.]+\/series\/[\d.]+\/instances\/[\d.]+$/);
    expect(ds['00081198']).toBeUndefined();
    expect(archive.counts().instances).toBe(2);
    // The stored instance is read back through the gateway, byte for byte.
    const back = await gateway(new Request(str(refs[0]!, '00081190') as string));
    expect(back.status).toBe(200);

    const again = await gateway(post(body(h31)));
    expect(again.status).toBe(200);
    expect(seq((await again.json()) as DicomJsonDataset, '00081199').map((r) => str(r, STOW_PRIVATE.outcome))).toEqual(['DUPLICATE']);
    expect(archive.counts().instances).toBe(2);
  });

  it('answers 202 with each malformed part and its reason, and stores the rest', async () => {
    const truncated = charset('chrGerm.dcm').subarray(0, 400);
    const res = await gateway(post(body(charset('chrGerm.dcm').subarray(0, 0), charset('chrH32.dcm'), truncated, { contentType: 'text/plain', body: new Uint8Array([65]) })));
    expect(res.status).toBe(202);
    const ds = (await res.json()) as DicomJsonDataset;
    expect(seq(ds, '00081199')).toHaveLength(1);
    const failed = seq(ds, '00081198');
    expect(failed.map((f) => str(f, STOW_PRIVATE.partNumber))).toEqual([1, 3, 4]);
    for (const f of failed) {
      expect(typeof str(f, '00081197')).toBe('number');
      expect(String(str(f, STOW_PRIVATE.reasonText))).toMatch(/\w{4}/);
    }
    expect(str(failed[0]!, '00081197')).toBe(0xc000);
    expect(String(str(failed[1]!, STOW_PRIVATE.reasonText))).toMatch(/truncated|runs past|end of/i);
    expect(String(str(failed[2]!, STOW_PRIVATE.reasonText))).toMatch(/text\/plain/);
    expect(archive.counts().instances).toBe(1);
  });

  it('refuses an incomplete instance with its reason, then takes the intact copy; a different copy is a conflict', async () => {
    const intact = nativeMr({ seed: 1 });
    const res = await gateway(post(body(cutShort(intact, 1000))));
    expect(res.status).toBe(409);
    const [failed] = seq((await res.json()) as DicomJsonDataset, '00081198');
    expect(str(failed!, '00081197')).toBe(0xc000);
    expect(String(str(failed!, STOW_PRIVATE.reasonText))).toMatch(/^Incomplete instance: the file is truncated/);
    expect(archive.counts().instances).toBe(0);

    const ok = await gateway(post(body(intact)));
    expect(ok.status).toBe(200);
    expect(seq((await ok.json()) as DicomJsonDataset, '00081199').map((r) => str(r, STOW_PRIVATE.outcome))).toEqual(['STORED']);

    const other = await gateway(post(body(nativeMr({ seed: 2 }))));
    expect(other.status).toBe(409);
    const [conflict] = seq((await other.json()) as DicomJsonDataset, '00081198');
    expect(str(conflict!, '00081155')).toBe(MR_SOP);
    expect(String(str(conflict!, STOW_PRIVATE.reasonText))).toMatch(/different copy .* kept aside/);
    expect(archive.counts().instances).toBe(1);
  });

  it('answers 409 when nothing could be stored', async () => {
    const res = await gateway(post(body(new Uint8Array(300))));
    expect(res.status).toBe(409);
    const failed = seq((await res.json()) as DicomJsonDataset, '00081198');
    expect(String(str(failed[0]!, STOW_PRIVATE.reasonText))).toMatch(/DICM/);
  });

  it('refuses other content types with 415', async () => {
    const res = await gateway(post(charset('chrH31.dcm'), 'application/dicom'));
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toMatch(/multipart\/related/);
    const octet = await gateway(post(body(charset('chrH31.dcm')), `multipart/related; type="application/octet-stream"; boundary=${BOUNDARY}`));
    expect(octet.status).toBe(415);
    expect(archive.counts().instances).toBe(0);
  });

  it('answers 400 with the reason for a truncated multipart body, keeping the parts that came whole', async () => {
    const whole = body(charset('chrH31.dcm'), charset('chrX1.dcm'));
    const cut = whole.subarray(0, whole.length - 100);
    const res = await gateway(post(cut));
    expect(res.status).toBe(400);
    const ds = (await res.json()) as DicomJsonDataset;
    expect(String(str(ds, STOW_PRIVATE.requestError))).toMatch(/ended in the middle of a part.*without its closing boundary/);
    expect(seq(ds, '00081199')).toHaveLength(1);
    expect(archive.counts().instances).toBe(1);
    const empty = await gateway(post(new Uint8Array(0)));
    expect(empty.status).toBe(400);
  });

  it('refuses parts of another study on /studies/{study}', async () => {
    const res = await gateway(post(body(charset('chrH31.dcm')), CT, '/studies/1.2.3.4'));
    expect(res.status).toBe(409);
    const failed = seq((await res.json()) as DicomJsonDataset, '00081198');
    expect(str(failed[0]!, '00081197')).toBe(0xa900);
    expect(str(failed[0]!, '00081155')).toBe(readPart10Header(charset('chrH31.dcm')).dataset['00080018']!.Value![0]);
    expect((await gateway(post(body(charset('chrH31.dcm')), CT, '/studies/1.2.3/series'))).status).toBe(405);
    expect((await gateway(post(body(charset('chrH31.dcm')), CT, '/studies/not-a-uid'))).status).toBe(400);
  });

  it('enforces the body, part count and part size limits (413)', async () => {
    const two = body(charset('chrH31.dcm'), charset('chrX1.dcm'));
    expect((await handleStow(post(two), archive, BASE, undefined, { maxBodyBytes: 1000 })).status).toBe(413);
    expect((await handleStow(post(two), archive, BASE, undefined, { maxParts: 1 })).status).toBe(413);
    expect((await handleStow(post(two), archive, BASE, undefined, { maxPartBytes: 100 })).status).toBe(413);
    expect(archive.counts().instances).toBeLessThanOrEqual(1);
  });
});
