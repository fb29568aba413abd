/**
 * The series-level data plane against a real PACS (Orthanc's DICOMweb, behind a pass-through that counts what
 * was asked of it), through the real gateway over an encrypted archive, the way the viewer opens a series it has
 * not cached: series metadata, the centre slice on its own, then the whole series as one stream.
 *  - every frame arrives byte-identical to the frames of the files Orthanc holds;
 *  - store-through keeps what streamed: exactly one download per instance, nothing asked twice, and a second
 *    open reads the archive only (no request upstream);
 *  - a reader that goes away mid-series leaves the archive verify-clean, every stored instance whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamedPart } from '../../common/dicom/multipartStream';
import type { EncryptedArchive } from '../../electron/services/archive/encryptedArchive';
import { extractFrames } from '../../electron/services/dicom/part10';
import { createGateway, type DataPlaneGateway } from '../../electron/services/gateway/gateway';
import { OCTET_STREAM_ACCEPT } from '../../electron/services/gateway/seriesRetrieve';
import { DicomwebUpstream } from '../../electron/services/pacs/upstream';
import { demoCtDir, dicomFilesIn } from '../support/data';
import { streamedParts } from '../support/dicomweb';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';
import { passThroughTo, startStubServer, type StubServer } from '../support/stubServers';
import { sourceSetOf } from '../support/sourceFrames';
import { openTestArchive } from '../support/testArchive';
import { makeTempDir, removeDir } from '../support/tempDir';

const BASE = 'http://127.0.0.1:1/dicomweb';
const files = dicomFilesIn(demoCtDir());

/** The files Orthanc was given: SOP Instance UID → the pixel data of its (single) frame. */
const { study, series, frames: framesOfFiles } = sourceSetOf(files);

describe('series transfer through the gateway from a PACS', () => {
  let orthanc: OrthancInstance;
  let counter: StubServer;
  const dirs: string[] = [];
  const open: { archive: EncryptedArchive; gateway: DataPlaneGateway }[] = [];

  beforeAll(async () => {
    orthanc = await startOrthanc();
    await orthanc.uploadDir(demoCtDir());
    counter = await startStubServer(passThroughTo(orthanc.dicomwebUrl));
  });
  afterAll(async () => {
    for (const o of open) {
      await o.gateway.close();
      await o.archive.close();
    }
    await counter?.close();
    await orthanc?.stop();
    for (const d of dirs) await removeDir(d);
  });

  async function freshGateway(): Promise<{ archive: EncryptedArchive; gateway: DataPlaneGateway }> {
    const dir = await makeTempDir('dokuei-series-transfer-');
    dirs.push(dir);
    const archive = await openTestArchive(dir);
    const gateway = createGateway({ store: archive, upstreams: [new DicomwebUpstream({ name: 'TestPACS', baseUrl: counter.url, timeoutMs: 30000 })], basePath: '/dicomweb' });
    open.push({ archive, gateway });
    return { archive, gateway };
  }

  const get = (gateway: DataPlaneGateway, path: string, accept: string) => gateway(new Request(`${BASE}${path}`, { headers: { accept } }));

  async function parts(res: Response, stopAfter = Infinity): Promise<StreamedPart[]> {
    expect(res.status).toBe(200);
    return streamedParts(res, stopAfter);
  }

  /** Upstream requests that name an instance, by SOP Instance UID (instance or frames). */
  function downloadsPerInstance(from: number): Map<string, string[]> {
    const per = new Map<string, string[]>();
    for (const line of counter.requests.slice(from)) {
      const m = /\/instances\/([0-9.]+)/.exec(line);
      if (m) per.set(m[1]!, [...(per.get(m[1]!) ?? []), line]);
    }
    return per;
  }

  it('streams every frame byte-identical to the PACS files, with one download per instance, and the next open reads the archive only', async () => {
    const { archive, gateway } = await freshGateway();
    const before = counter.requests.length;
    // As the viewer opens a series it has not cached: metadata, the slice shown first, then the stream.
    const metadata = await get(gateway, `/studies/${study}/series/${series}/metadata`, 'application/dicom+json');
    expect(metadata.status).toBe(200);
    const items = (await metadata.json()) as unknown[];
    expect(items).toHaveLength(files.length);
    const centreSop = [...framesOfFiles.keys()][Math.floor(files.length / 2)]!;
    const centre = await get(gateway, `/studies/${study}/series/${series}/instances/${centreSop}/frames/1`, OCTET_STREAM_ACCEPT);
    expect(centre.status).toBe(200);
    const streamed = await parts(await get(gateway, `/studies/${study}/series/${series}`, OCTET_STREAM_ACCEPT));
    expect(streamed).toHaveLength(files.length);
    for (const p of streamed) {
      const sop = /instances\/([0-9.]+)\/frames\/1$/.exec(p.headers['content-location']!)![1]!;
      expect(Buffer.from(p.body).equals(Buffer.from(framesOfFiles.get(sop)!)), sop).toBe(true);
    }
    await gateway.storeThrough!.idle();
    expect(archive.counts().instances).toBe(files.length);

    const per = downloadsPerInstance(before);
    expect([...per.keys()].sort()).toEqual([...framesOfFiles.keys()].sort());
    for (const [sop, lines] of per) expect(lines, `instance ${sop} was asked for ${lines.length} times: ${lines.join(' | ')}`).toHaveLength(1);

    // Opened again: everything from the archive, nothing asked upstream.
    const again = counter.requests.length;
    const second = await parts(await get(gateway, `/studies/${study}/series/${series}`, OCTET_STREAM_ACCEPT));
    expect(second.map((p) => Buffer.from(p.body).toString('base64'))).toEqual(streamed.map((p) => Buffer.from(p.body).toString('base64')));
    expect(counter.requests.slice(again)).toEqual([]);
  });

  it('leaves the archive verify-clean, every stored instance whole, when the reader goes away mid-series', async () => {
    const { archive, gateway } = await freshGateway();
    const got = await parts(await get(gateway, `/studies/${study}/series/${series}`, OCTET_STREAM_ACCEPT), 5);
    expect(got.length).toBeGreaterThanOrEqual(5);
    await gateway.storeThrough!.idle();
    const report = await archive.verify();
    expect(report.corrupt).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.orphans).toEqual([]);
    const stored = archive.instances(study as never, series as never) ?? [];
    // The transfer stopped: not the whole series (a few were read ahead), and what is there is whole.
    expect(stored.length).toBeGreaterThanOrEqual(5);
    expect(stored.length).toBeLessThan(files.length);
    for (const ds of stored) {
      const sop = String(ds['00080018']!.Value![0]);
      const bytes = await archive.readInstance(study as never, series as never, sop as never);
      expect(Buffer.from(extractFrames(bytes!, [1]).frames[0]!).equals(Buffer.from(framesOfFiles.get(sop)!))).toBe(true);
    }
  });
});
