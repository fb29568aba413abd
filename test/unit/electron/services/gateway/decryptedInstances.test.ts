/**
 * The frames route keeps the last few decrypted multi-frame instances: a viewer reading a multi-frame object frame
 * by frame decrypts it once, not once per frame; single-frame instances are not kept; an instance that leaves the
 * archive is not answered from memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryOf, decodeMultipart } from '../../../../../common/dicom/multipart';
import { seriesUid, sopUid, studyUid, type SopInstanceUid } from '../../../../../common/dicom/uid';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { DecryptedInstances } from '../../../../../electron/services/gateway/decryptedInstances';
import { createGateway, type DataPlaneGateway } from '../../../../../electron/services/gateway/gateway';
import { TS, writePart10 } from '../../../../support/part10Writer';
import { rewriteIdentity } from '../../../../support/rewriteUids';
import { openTestArchive } from '../../../../support/testArchive';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const ref = (n: number) => ({ study: studyUid('1.2.9'), series: seriesUid('1.2.9.1'), instance: sopUid(`1.2.9.1.${n}`) });

describe('DecryptedInstances', () => {
  it('keeps at most its count and bytes, dropping the least recently used first', () => {
    const c = new DecryptedInstances(2, 1000);
    c.put(ref(1), new Uint8Array(300));
    c.put(ref(2), new Uint8Array(300));
    expect(c.get(ref(1))).toBeDefined(); // 1 is now the most recent
    c.put(ref(3), new Uint8Array(300));
    expect(c.get(ref(2))).toBeUndefined();
    expect(c.get(ref(1))).toBeDefined();
    c.put(ref(4), new Uint8Array(900)); // over the bytes: everything older goes
    expect(c.size).toEqual({ entries: 1, bytes: 900 });
    c.put(ref(5), new Uint8Array(1001)); // larger than the whole cache: not kept
    expect(c.get(ref(5))).toBeUndefined();
    expect(c.get({ ...ref(4), series: seriesUid('1.2.9.2') })).toBeUndefined(); // another series' instance of that UID
    c.retain(() => false);
    expect(c.size).toEqual({ entries: 0, bytes: 0 });
  });
});

describe('the frames route reads a multi-frame instance once', () => {
  let dir: string;
  let archive: EncryptedArchive;
  let gateway: DataPlaneGateway;
  let reads = 0;
  const study = '1.2.826.0.1.3680043.10.9.1';
  const series = '1.2.826.0.1.3680043.10.9.1.1';
  const frames = [0, 1, 2].map((f) => Uint16Array.from({ length: 16 }, (_, i) => f * 100 + i));
  const multi = '1.2.826.0.1.3680043.10.9.1.1.1';
  const single = '1.2.826.0.1.3680043.10.9.1.1.2';

  beforeAll(async () => {
    dir = await makeTempDir('dokuei-decrypted-');
    archive = await openTestArchive(dir);
    const identity = (sop: string) => ({ studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sop });
    await archive.put(rewriteIdentity(writePart10({ sopInstanceUid: multi, rows: 4, columns: 4, bitsAllocated: 16, signed: false, frames }, TS.explicit), identity(multi)));
    await archive.put(rewriteIdentity(writePart10({ sopInstanceUid: single, rows: 4, columns: 4, bitsAllocated: 16, signed: false, frames: [frames[0]!] }, TS.explicit), identity(single)));
    // Count the archive's reads (each one reads the file and decrypts it).
    const counting = new Proxy(archive, {
      get(target, prop, receiver) {
        if (prop === 'readInstance') return (...args: Parameters<EncryptedArchive['readInstance']>) => (reads++, target.readInstance(...args));
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    gateway = createGateway({ store: counting, upstreams: [], basePath: '/dicomweb', storeThrough: false });
  });
  afterAll(async () => {
    await gateway?.close();
    await archive?.close();
    await removeDir(dir);
  });

  async function frame(sop: string, n: number): Promise<Uint16Array> {
    const res = await gateway(new Request(`http://127.0.0.1:1/dicomweb/studies/${study}/series/${series}/instances/${sop}/frames/${n}`));
    expect(res.status).toBe(200);
    const [part] = decodeMultipart(new Uint8Array(await res.arrayBuffer()), boundaryOf(res.headers.get('content-type')!)!);
    return new Uint16Array(part!.body.slice().buffer);
  }

  it('decrypts the multi-frame instance for its first frame only, and answers every frame right', async () => {
    reads = 0;
    for (const n of [1, 2, 3, 2]) expect([...(await frame(multi, n))]).toEqual([...frames[n - 1]!]);
    expect(reads).toBe(1);
    // A single-frame instance is read each time (it is read once per view anyway, and not worth the memory).
    await frame(single, 1);
    await frame(single, 1);
    expect(reads).toBe(3);
  });

  it('does not answer from memory once the instance has left the archive', async () => {
    await frame(multi, 1);
    await archive.evict(study);
    const res = await gateway(new Request(`http://127.0.0.1:1/dicomweb/studies/${study}/series/${series}/instances/${multi as SopInstanceUid}/frames/2`));
    expect(res.status).toBe(404);
  });
});
