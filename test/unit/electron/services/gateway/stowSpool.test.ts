/**
 * STOW-RS parts over a few MB wait in an encrypted temp file, not in memory: a ~20 MB part received chunk by
 * chunk (fresh buffers, as from a socket) leaves the heap well below its size while it arrives, the temp file
 * holds no patient data in clear, the stored instance is byte-identical, and no temp file remains, also when
 * the body is cut short. The same upload with spooling turned off is the control: it does hold the part.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeMultipart } from '../../../../../common/dicom/multipart';
import { seriesUid, sopUid, studyUid } from '../../../../../common/dicom/uid';
import { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { EnvKeyProvider } from '../../../../../electron/services/archive/keyProvider';
import { handleStow, SPOOL_ABOVE_BYTES } from '../../../../../electron/services/gateway/stow';
import { MR_SERIES, MR_SOP, MR_STUDY, nativeMr } from '../../../../support/incompleteInstances';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

// A full collection before each reading, so the figures are what is held, not garbage waiting to be collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const held = async () => {
  // Twice, with a turn between: array buffers freed by one collection are accounted for after it.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
};

const BOUNDARY = 'stow-spool-boundary';
const CT = `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`;
const CHUNK = 64 * 1024;

let dir: string;
let spoolDir: string;
let archive: EncryptedArchive;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-stow-spool-');
  spoolDir = path.join(dir, 'tmp');
  await fs.mkdir(spoolDir);
  archive = await EncryptedArchive.open(path.join(dir, 'archive'), { keyProvider: new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') }) });
});
afterEach(async () => {
  await archive.close();
  await removeDir(dir);
});

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(root, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  return out;
}

interface Upload {
  status: number;
  /** Heap + array buffers held just before the last chunk, over the part's size. */
  growthRatio: number;
  /** The temp files as they were at that moment. */
  spooled: Buffer[];
}

/**
 * Sends `body` in fresh 64 kB chunks, pulled one at a time (highWaterMark 0), and measures just before the
 * last chunk (`stopBefore` bytes from the end): by then the whole part but its tail has been received.
 */
async function upload(body: Uint8Array, partBytes: number, options: { spoolAboveBytes?: number; stopBefore?: number; cutAt?: number } = {}): Promise<Upload> {
  const baseline = await held();
  const end = options.cutAt ?? body.length;
  const measureAt = body.length - (options.stopBefore ?? CHUNK);
  let pos = 0;
  let growth = 0;
  let spooled: Buffer[] = [];
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (pos >= end) return controller.close();
        const next = Math.min(pos + CHUNK, end);
        if (next >= measureAt && growth === 0) {
          growth = (await held()) - baseline;
          spooled = await Promise.all((await filesUnder(spoolDir)).map((f) => fs.readFile(f)));
        }
        // A copy, as a socket gives: a parser holding it keeps it alive.
        controller.enqueue(body.slice(pos, next));
        pos = next;
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request('http://127.0.0.1:9/dicomweb/studies', { method: 'POST', headers: { 'Content-Type': CT }, body: stream, duplex: 'half' } as RequestInit);
  const res = await handleStow(request, archive, 'http://127.0.0.1:9/dicomweb', undefined, { spoolDir, ...(options.spoolAboveBytes ? { spoolAboveBytes: options.spoolAboveBytes } : {}) });
  await res.arrayBuffer();
  if (process.env.DEBUG_STOW) console.log(`growth ratio ${(growth / partBytes).toFixed(3)} baseline ${baseline}`);
  return { status: res.status, growthRatio: growth / partBytes, spooled };
}

describe('STOW-RS spooling of large parts', () => {
  const instance = nativeMr({ frames: 2560 }); // 64 × 64 × 16 bits × 2560 frames ≈ 21 MB
  const body = encodeMultipart([{ contentType: 'application/dicom', body: instance }], BOUNDARY);

  it('holds a ~20 MB part in an encrypted temp file, not in memory, stores it byte for byte and leaves no file', async () => {
    expect(instance.length).toBeGreaterThan(5 * SPOOL_ABOVE_BYTES);
    const spooled = await upload(body, instance.length);
    expect(spooled.status).toBe(200);
    expect(spooled.growthRatio).toBeLessThan(0.3);

    // Captured during the transfer: one file with nearly the whole part, and nothing of it readable.
    expect(spooled.spooled).toHaveLength(1);
    const file = spooled.spooled[0]!;
    expect(file.length).toBeGreaterThan(instance.length - 2 * CHUNK);
    for (const clear of [MR_SOP, 'Incomplete^Test', 'INC-16']) expect(file.includes(Buffer.from(clear)), clear).toBe(false);
    const sample = Buffer.from(instance.subarray(instance.length / 2, instance.length / 2 + 256));
    expect(file.includes(sample)).toBe(false);

    const stored = await archive.readInstance(studyUid(MR_STUDY), seriesUid(MR_SERIES), sopUid(MR_SOP));
    expect(stored && Buffer.from(stored).equals(Buffer.from(instance))).toBe(true);
    expect(await filesUnder(spoolDir)).toEqual([]);
    expect(await fs.readdir(spoolDir)).toEqual([]);

    // The control: the same upload with the part kept in memory holds about all of it at the same moment.
    const inMemory = await upload(body, instance.length, { spoolAboveBytes: 2 * instance.length });
    expect(inMemory.status).toBe(200);
    expect(inMemory.spooled).toHaveLength(0);
    expect(inMemory.growthRatio).toBeGreaterThan(0.8);
  });

  it('removes the temp file when the body is cut in the middle of a spooled part', async () => {
    const cut = await upload(body, instance.length, { cutAt: Math.floor(body.length * 0.75), stopBefore: Math.ceil(body.length * 0.25) + CHUNK });
    expect(cut.status).toBe(400);
    expect(cut.spooled).toHaveLength(1);
    expect(await fs.readdir(spoolDir)).toEqual([]);
    expect(archive.counts().instances).toBe(0);
  });
});
