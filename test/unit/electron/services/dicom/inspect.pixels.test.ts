/**
 * `dokuei inspect`'s per-frame fingerprints (sha256/min/max of the decoded stored values) on files written here,
 * so they run without ../shared: one image in five encodings must give one hash, equal to a reference computed
 * directly from the samples; broken files say why and never throw.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InspectResult } from '../../../../../common/dicom/inspectResult';
import { inspectFile, inspectFiles } from '../../../../../electron/services/dicom/inspect';
import { demoCtDir, dicomFilesIn } from '../../../../support/data';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { TS, writePart10, type Samples, type TestImage } from '../../../../support/part10Writer';

function reference(frame: Samples, rescale = { slope: 1, intercept: 0 }): { sha256: string; min: number; max: number; modalityMin: number; modalityMax: number } {
  // Little-endian bytes of the native type, written out value by value (independent of the code under test).
  const width = frame.BYTES_PER_ELEMENT;
  const bytes = Buffer.alloc(frame.length * width);
  for (let i = 0; i < frame.length; i++) {
    if (width === 1) bytes.writeUInt8(frame[i]! & 0xff, i);
    else bytes.writeUInt16LE(frame[i]! & 0xffff, i * 2);
  }
  const [min, max] = [Math.min(...frame), Math.max(...frame)];
  const [a, b] = [min * rescale.slope + rescale.intercept, max * rescale.slope + rescale.intercept];
  return { sha256: createHash('sha256').update(bytes).digest('hex'), min, max, modalityMin: Math.min(a, b), modalityMax: Math.max(a, b) };
}

let dir: string;
let n = 0;
async function writeFile(bytes: Uint8Array, name = `f${n++}.dcm`): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

beforeAll(async () => {
  dir = await makeTempDir('dokuei-inspect-pixels-');
});
afterAll(() => removeDir(dir));

function ctLike(sopInstanceUid: string): TestImage {
  const rows = 24;
  const columns = 20;
  const frames = [0, 1].map((f) => {
    const a = new Int16Array(rows * columns);
    for (let i = 0; i < a.length; i++) a[i] = i % 7 === 0 ? -1024 : ((i * 37 + f * 1000) % 3000) - 1000; // runs and noise
    a.fill(-2000, 0, 30); // a long run for the RLE replicate path
    return a;
  });
  return { sopInstanceUid, rows, columns, bitsAllocated: 16, signed: true, frames, rescale: { slope: 1, intercept: -1024 } };
}

describe('inspect: decoded frame fingerprints', () => {
  it('gives one hash per frame for every lossless encoding of one image, equal to the reference', async () => {
    const img = ctLike('1.2.3.4.5');
    const expected = img.frames.map((f) => reference(f, img.rescale));
    for (const [name, ts] of Object.entries(TS)) {
      const r = await inspectFile(await writeFile(writePart10(img, ts), `ct-${name}.dcm`));
      expect(InspectResult.parse(r)).toEqual(r);
      expect(r, name).toMatchObject({ ok: true, transferSyntaxUID: ts, rows: 24, columns: 20, numberOfFrames: 2, bitsAllocated: 16, pixelRepresentation: 1, lossless: true, framesError: null });
      expect(r.frames, name).toEqual(expected);
    }
  });

  it('compares a lossy derivative among the inputs with its lossless original, in modality values', async () => {
    const original = ctLike('1.2.3.4.6');
    // The "lossy" copy stores (value + 1024) / 2 unsigned with slope 2, intercept -2048, and two samples off.
    const lossyFrames = original.frames.map((f) => Uint16Array.from(f, (v) => Math.round((v + 1024) / 2 + 512)));
    lossyFrames[1]![5] = lossyFrames[1]![5]! + 7; // 14 in modality values
    const lossy: TestImage = { sopInstanceUid: '1.2.3.4.7', rows: 24, columns: 20, bitsAllocated: 16, signed: false, frames: lossyFrames, rescale: { slope: 2, intercept: -3072 }, derivedFrom: '1.2.3.4.6' };
    const unrelated = { ...lossy, sopInstanceUid: '1.2.3.4.8', derivedFrom: '9.9.9' };
    const files = [await writeFile(writePart10(lossy, TS.explicit)), await writeFile(writePart10(original, TS.rle)), await writeFile(writePart10(unrelated, TS.explicit))];
    const [l, o, u] = await inspectFiles(files);
    expect(o).toMatchObject({ lossless: true, maxDifferenceFromLossless: null, losslessReference: null });
    // Rounding (v + 1024) / 2 loses at most one stored step of 2: the largest difference is the 14 planted above.
    expect(l).toMatchObject({ lossless: false, maxDifferenceFromLossless: 14, losslessReference: files[1] });
    expect(u).toMatchObject({ lossless: false, maxDifferenceFromLossless: null, losslessReference: null });
    // inspectFile alone never compares.
    expect((await inspectFile(files[0]!)).maxDifferenceFromLossless).toBeNull();
  });

  it('says why frames cannot be decoded, and still reports the other files', async () => {
    const img = ctLike('1.2.3.4.9');
    const native = writePart10(img, TS.explicit);
    const truncated = await writeFile(native.subarray(0, native.length - 100));
    // Encapsulated bytes announced as MPEG-2, which neither the viewer nor Dokuei decodes.
    const unsupported = await writeFile(writePart10(img, TS.rle, '1.2.840.10008.1.2.4.100'));
    const noPixels = await writeFile(writePart10({ ...img, frames: [] }, TS.explicit).subarray(0, 0)); // empty file
    const good = await writeFile(native);
    const results = await inspectFiles([truncated, unsupported, noPixels, good, path.join(dir, 'missing.dcm')]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true, false]);
    expect(results[0]!.frames).toBeNull();
    expect(results[0]!.framesError).toMatch(/truncated/i);
    expect(results[1]!.transferSyntaxUID).toBe('1.2.840.10008.1.2.4.100');
    expect(results[1]!.framesError).toMatch(/no decoder for transfer syntax 1\.2\.840\.10008\.1\.2\.4\.100/);
    expect(results[2]!.error).toBeTruthy();
    expect(results[3]!.frames).toEqual(img.frames.map((f) => reference(f, img.rescale)));
    expect(results[4]!.error).toBe('No such file');
    for (const r of results) InspectResult.parse(r);
  });

  it('a dataset without an image has no frames and says so', async () => {
    const img = ctLike('1.2.3.4.10');
    const bytes = writePart10(img, TS.explicit);
    // Cut just before (0028,0002): the dataset keeps SOP/patient but loses the whole Image Pixel module.
    const at = Buffer.from(bytes).indexOf(Buffer.from([0x28, 0x00, 0x02, 0x00]), 132 + 60);
    const r = await inspectFile(await writeFile(bytes.subarray(0, at)));
    expect(r).toMatchObject({ ok: true, rows: null, frames: null, lossless: null, bitsAllocated: null });
    expect(r.framesError).toMatch(/no pixel data/i);
  });

  it('the committed demo CT (implicit VR little endian): the hash is over the stored bytes, min/max over the stored values', async () => {
    const file = dicomFilesIn(demoCtDir())[0]!;
    const r = await inspectFile(file);
    const ds = dicomParser.parseDicom(new Uint8Array(await fs.readFile(file)));
    const el = ds.elements['x7fe00010']!;
    const stored = ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
    const values: number[] = Array.from(ds.uint16('x00280103') === 1 ? new Int16Array(stored.slice().buffer) : new Uint16Array(stored.slice().buffer));
    expect(r).toMatchObject({ bitsAllocated: 16, lossless: true, framesError: null });
    const min = values.reduce((a, v) => Math.min(a, v), Infinity);
    const max = values.reduce((a, v) => Math.max(a, v), -Infinity);
    const slope = ds.floatString('x00281053') ?? 1;
    const intercept = ds.floatString('x00281052') ?? 0;
    expect(r.frames).toEqual([{ sha256: createHash('sha256').update(stored).digest('hex'), min, max, modalityMin: min * slope + intercept, modalityMax: max * slope + intercept }]);
  });
});

describe('inspect: property tests at the parsing boundary', () => {
  const image = fc
    .record({
      rows: fc.integer({ min: 1, max: 9 }),
      columns: fc.integer({ min: 1, max: 9 }),
      frameCount: fc.integer({ min: 1, max: 3 }),
      kind: fc.constantFrom('u8', 'i8', 'u16', 'i16'),
      ts: fc.constantFrom(...Object.values(TS)),
      seed: fc.array(fc.integer({ min: -32768, max: 65535 }), { minLength: 1, maxLength: 40 }),
      runs: fc.boolean(),
    })
    .map(({ rows, columns, frameCount, kind, ts, seed, runs }) => {
      const ctor = { u8: Uint8Array, i8: Int8Array, u16: Uint16Array, i16: Int16Array }[kind] as { from(values: number[]): Samples; BYTES_PER_ELEMENT: number };
      const frames = Array.from({ length: frameCount }, (_, f) =>
        ctor.from(Array.from({ length: rows * columns }, (_, i) => (runs ? seed[Math.floor(i / 5) % seed.length]! : seed[(i + f * 3) % seed.length]! * (i + 1 + f)))),
      );
      const bitsAllocated = ctor.BYTES_PER_ELEMENT === 1 ? 8 : 16;
      const img: TestImage = { sopInstanceUid: '1.2.3', rows, columns, bitsAllocated, signed: kind.startsWith('i'), frames };
      return { img, ts };
    });

  it('random native/RLE/deflate frames → sha256/min/max equal to the reference computation', async () => {
    await fc.assert(
      fc.asyncProperty(image, async ({ img, ts }) => {
        const r = await inspectFile(await writeFile(writePart10(img, ts)));
        expect(r.framesError).toBeNull();
        expect(r.frames).toEqual(img.frames.map((f) => reference(f, img.rescale)));
      }),
      { numRuns: 60 },
    );
  });

  it('random truncation or corruption never throws out of inspectFile, and the result keeps its shape', async () => {
    const bases = [writePart10(ctLike('1.2.3.4.11'), TS.explicit), writePart10(ctLike('1.2.3.4.12'), TS.rle), writePart10(ctLike('1.2.3.4.13'), TS.deflate)];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        async (which, cut, flips) => {
          const base = bases[which]!;
          const bytes = base.slice(0, Math.floor(cut * base.length));
          for (const [at, v] of flips) if (bytes.length) bytes[Math.floor(at * bytes.length) % bytes.length] = v;
          const r = await inspectFile(await writeFile(bytes));
          expect(InspectResult.parse(r)).toEqual(r);
          if (r.ok && r.frames === null && r.rows !== null) expect(r.framesError).toBeTruthy();
        },
      ),
      { numRuns: 80 },
    );
  });
});
