/**
 * Retrieve Series through the gateway (electron/services/gateway/seriesRetrieve.ts): the series stream and the
 * per-frame route give byte-identical frames, in every transfer syntax of ../shared/data/ts_ct_cornerstone
 * (copied into one series with their own SOP Instance UIDs: the files share one) and for the committed demo CT;
 * every frame comes exactly once; an instance without pixel data is left out, not fatal; a client that stops
 * reading stops the reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MultipartStreamParser, multipartBoundary, type StreamedPart } from '../../../../../common/dicom/multipartStream';
import { boundaryOf, decodeMultipart } from '../../../../../common/dicom/multipart';
import type { SopInstanceUid } from '../../../../../common/dicom/uid';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { extractFrames } from '../../../../../electron/services/dicom/part10';
import { createGateway, type DataPlaneGateway } from '../../../../../electron/services/gateway/gateway';
import { OCTET_STREAM_ACCEPT, seriesRetrieveKind, seriesRetrieveResponse } from '../../../../../electron/services/gateway/seriesRetrieve';
import { demoCtDir, dicomFilesIn, sharedDataDir } from '../../../../support/data';
import { rewriteIdentity, uidFor } from '../../../../support/rewriteUids';
import { openTestArchive } from '../../../../support/testArchive';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const BASE = 'http://127.0.0.1:1/dicomweb';
const tsDir = sharedDataDir('ts_ct_cornerstone');
const TS_STUDY = uidFor('dokuei-series-retrieve-study');
const TS_SERIES = uidFor('dokuei-series-retrieve-series');

/** Every file of the transfer-syntax set that is DICOM (the set's MANIFEST and wadors/ folder aside). */
function transferSyntaxFiles(): string[] {
  if (!tsDir) return [];
  return readdirSync(tsDir)
    .filter((f) => f !== 'MANIFEST.txt' && f !== 'wadors')
    .sort()
    .map((f) => path.join(tsDir, f));
}

async function readAll(res: Response): Promise<StreamedPart[]> {
  const boundary = multipartBoundary(res.headers.get('content-type') ?? '');
  expect(boundary).toBeTruthy();
  const parser = new MultipartStreamParser(boundary!);
  const parts: StreamedPart[] = [];
  const reader = res.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(...parser.push(value));
  }
  parser.end();
  return parts;
}

async function framePerRequest(gateway: DataPlaneGateway, location: string): Promise<{ ts: string; body: Uint8Array }> {
  const res = await gateway(new Request(location, { headers: { accept: OCTET_STREAM_ACCEPT } }));
  expect(res.status, location).toBe(200);
  const parts = decodeMultipart(new Uint8Array(await res.arrayBuffer()), boundaryOf(res.headers.get('content-type')!)!);
  expect(parts).toHaveLength(1);
  return { ts: /transfer-syntax=([0-9.]+)/.exec(parts[0]!.contentType)![1]!, body: parts[0]!.body };
}

describe('Retrieve Series through the gateway', () => {
  let dir: string;
  let archive: EncryptedArchive;
  let gateway: DataPlaneGateway;
  const log: string[] = [];
  /** SOP Instance UID → its number of frames, for what we put in. */
  const expectedFrames = new Map<string, number>();
  let tsWithoutPixels: string | undefined;
  let demo: { study: string; series: string };

  beforeAll(async () => {
    dir = await makeTempDir('dokuei-series-retrieve-');
    archive = await openTestArchive(dir);
    gateway = createGateway({ store: archive, upstreams: [], basePath: '/dicomweb', storeThrough: false, log: (m) => log.push(m) });
    for (const [i, file] of transferSyntaxFiles().entries()) {
      const sop = uidFor(`dokuei-series-retrieve-${path.basename(file)}`);
      const bytes = rewriteIdentity(new Uint8Array(readFileSync(file)), { studyInstanceUid: TS_STUDY, seriesInstanceUid: TS_SERIES, sopInstanceUid: sop, seriesNumber: 1 + i });
      await archive.put(bytes);
      let frames: number;
      try {
        frames = extractFrames(bytes, 'all').frames.length;
      } catch (err) {
        expect(String(err)).toMatch(/no pixel data/);
        tsWithoutPixels = sop;
        continue;
      }
      expectedFrames.set(sop, frames);
    }
    for (const file of dicomFilesIn(demoCtDir())) {
      const put = await archive.put(new Uint8Array(readFileSync(file)));
      demo = { study: put.study, series: put.series };
      expectedFrames.set(put.instance, 1);
    }
  });
  afterAll(async () => {
    await gateway?.close();
    await archive?.close();
    await removeDir(dir);
  });

  /** `accept` null: a request without an Accept header. */
  const seriesRequest = (study: string, series: string, accept: string | null = OCTET_STREAM_ACCEPT) =>
    gateway(new Request(`${BASE}/studies/${study}/series/${series}`, { headers: accept === null ? {} : { accept } }));

  async function checkIdenticalToPerFrame(study: string, series: string): Promise<number> {
    const res = await seriesRequest(study, series);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/related; type="application\/octet-stream"; boundary=/);
    const parts = await readAll(res);
    const seen = new Map<string, number[]>();
    for (const part of parts) {
      const location = part.headers['content-location']!;
      const m = /\/studies\/([0-9.]+)\/series\/([0-9.]+)\/instances\/([0-9.]+)\/frames\/([0-9]+)$/.exec(location);
      expect(m, location).toBeTruthy();
      expect([m![1], m![2]]).toEqual([study, series]);
      expect(Number(part.headers['content-length'])).toBe(part.body.byteLength);
      const perFrame = await framePerRequest(gateway, location);
      // Byte for byte, and in the same transfer syntax as the frame asked for on its own.
      expect(part.headers['content-type']).toBe(`application/octet-stream; transfer-syntax=${perFrame.ts}`);
      expect(Buffer.from(part.body).equals(Buffer.from(perFrame.body)), location).toBe(true);
      seen.set(m![3]!, [...(seen.get(m![3]!) ?? []), Number(m![4])]);
    }
    // Every frame of every instance, once, in order within an instance.
    for (const [sop, frames] of seen) expect(frames).toEqual(Array.from({ length: expectedFrames.get(sop)! }, (_, i) => i + 1));
    return parts.length;
  }

  it.skipIf(!tsDir)('gives every transfer syntax of the set byte-identical to the per-frame route, every frame once', async () => {
    const parts = await checkIdenticalToPerFrame(TS_STUDY, TS_SERIES);
    const withPixels = [...expectedFrames].filter(([sop]) => archive.instanceMetadata(TS_STUDY as never, TS_SERIES as never, sop as SopInstanceUid));
    expect(parts).toBe(withPixels.reduce((n, [, f]) => n + f, 0));
    // The set holds 17 encodings of one CT slice, two NEMA JPEG 2000 CTs, a fragmented JPEG and a YBR ultrasound.
    expect(withPixels.length).toBeGreaterThanOrEqual(20);
    // The one without pixel data is left out and said so, the stream goes on.
    expect(tsWithoutPixels).toBeDefined();
    expect(log.some((l) => l.includes(tsWithoutPixels!) && /left out/.test(l))).toBe(true);
  });

  it('gives the committed demo CT byte-identical to the per-frame route, in Instance Number order', async () => {
    expect(await checkIdenticalToPerFrame(demo.study, demo.series)).toBe(64);
    const parts = await readAll(await seriesRequest(demo.study, demo.series));
    const numbers = parts.map((p) => {
      const sop = /instances\/([0-9.]+)\//.exec(p.headers['content-location']!)![1]!;
      return Number(archive.instanceMetadata(demo.study as never, demo.series as never, sop as SopInstanceUid)!['00200013']!.Value![0]);
    });
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it('answers the instances themselves for an application/dicom Accept (or none), each the stored Part 10 bytes', async () => {
    for (const accept of ['multipart/related; type="application/dicom"', null]) {
      const res = await seriesRequest(demo.study, demo.series, accept);
      expect(res.headers.get('content-type')).toMatch(/type="application\/dicom"/);
      const parts = await readAll(res);
      expect(parts).toHaveLength(64);
      for (const part of parts) {
        const sop = /instances\/([0-9.]+)$/.exec(part.headers['content-location']!)![1]! as SopInstanceUid;
        const stored = await archive.readInstance(demo.study as never, demo.series as never, sop);
        expect(Buffer.from(part.body).equals(Buffer.from(stored!))).toBe(true);
      }
    }
  });

  it('refuses an Accept it cannot answer (406) and a series nobody has (404)', async () => {
    expect((await seriesRequest(demo.study, demo.series, 'image/jpeg')).status).toBe(406);
    const missing = await seriesRequest(demo.study, '1.2.3.4.5');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/not found locally or on any configured node/);
  });
});

describe('seriesRetrieveResponse', () => {
  it('reads only a few instances ahead of what the client took, and stops reading when it goes away', async () => {
    const sops = Array.from({ length: 40 }, (_, i) => `1.2.3.${i + 1}` as SopInstanceUid);
    const demoBytes = new Uint8Array(readFileSync(dicomFilesIn(demoCtDir())[0]!));
    const reads: string[] = [];
    let cancelled = false;
    const res = seriesRetrieveResponse(
      {
        seriesUrl: `${BASE}/studies/1.2/series/1.3`,
        instances: sops,
        read: async (sop) => {
          reads.push(sop);
          return demoBytes;
        },
        onCancel: () => (cancelled = true),
      },
      'bulk',
    );
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    const readBeforeCancel = reads.length;
    // One instance sent, a handful read ahead — not the whole series.
    expect(readBeforeCancel).toBeGreaterThan(1);
    expect(readBeforeCancel).toBeLessThanOrEqual(8);
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(cancelled).toBe(true);
    expect(reads.length).toBe(readBeforeCancel);
  });

  it('tells the kinds of Accept apart', () => {
    expect(seriesRetrieveKind(OCTET_STREAM_ACCEPT)).toBe('bulk');
    expect(seriesRetrieveKind('multipart/related; type=application/octet-stream')).toBe('bulk');
    expect(seriesRetrieveKind('multipart/related; type="application/dicom"; transfer-syntax=*')).toBe('instances');
    expect(seriesRetrieveKind(null)).toBe('instances');
    expect(seriesRetrieveKind('*/*')).toBe('instances');
    expect(seriesRetrieveKind('image/png')).toBeUndefined();
  });
});
