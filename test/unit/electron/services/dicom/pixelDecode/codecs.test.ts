/**
 * The decoder `dokuei inspect` and the viewer share (dicom-image-loader's decodeImageFrame, patched in
 * patches/@cornerstonejs+dicom-image-loader+5.14.0.patch) on RLE frames written by our own encoder: 16-bit colour
 * must come back sample for sample in the layout Planar Configuration declares (the stock decoder wrote all six
 * segments into one plane), and grey and 8-bit colour frames as before. Corrupt frames end (a value or an
 * error), never hang.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, type LoaderImageFrame } from '../../../../../../electron/services/dicom/pixelDecode/codecs';
import { rleFrame, TS, type Samples } from '../../../../../support/part10Writer';

function imageFrame(rows: number, columns: number, samplesPerPixel: number, bits: 8 | 16, signed: boolean, planar: boolean): LoaderImageFrame {
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated: bits,
    bitsStored: bits,
    pixelRepresentation: signed ? 1 : 0,
    photometricInterpretation: samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2',
    planarConfiguration: planar ? 1 : 0,
  };
}

describe('RLE through the shared decoder', () => {
  it('16-bit RGB: red, then light blue, interleaved as stored (not scrambled into one plane)', async () => {
    const rgb = Uint16Array.of(65535, 0, 0, 32896, 32896, 65535);
    const decoded = await decodeFrame(imageFrame(1, 2, 3, 16, false, false), TS.rle, rleFrame(rgb, 3));
    expect(Array.from(decoded)).toEqual([65535, 0, 0, 32896, 32896, 65535]);
  });

  it('16-bit RGB with Planar Configuration 1: all red, then all green, then all blue', async () => {
    const planes = Uint16Array.of(65535, 32896, 0, 32896, 0, 65535);
    const decoded = await decodeFrame(imageFrame(1, 2, 3, 16, false, true), TS.rle, rleFrame(planes, 3, true));
    expect(Array.from(decoded)).toEqual([65535, 32896, 0, 32896, 0, 65535]);
  });

  it('property: any 8/16-bit grey or colour frame, signed or not, interleaved or planar, decodes to its samples', async () => {
    const frame = fc
      .record({
        rows: fc.integer({ min: 1, max: 9 }),
        columns: fc.integer({ min: 1, max: 9 }),
        samplesPerPixel: fc.constantFrom(1, 3),
        kind: fc.constantFrom('u8', 'u16', 'i16'),
        planar: fc.boolean(),
        seed: fc.array(fc.integer({ min: -32768, max: 65535 }), { minLength: 1, maxLength: 30 }),
        runs: fc.boolean(),
      })
      .map(({ rows, columns, samplesPerPixel, kind, planar, seed, runs }) => {
        const n = rows * columns * samplesPerPixel;
        // Repeated values (replicate runs) or the seed cycled (mostly literal runs).
        const values = Array.from({ length: n }, (_, i) => seed[(runs ? Math.floor(i / 5) : i) % seed.length]!);
        const samples: Samples = kind === 'u8' ? Uint8Array.from(values) : kind === 'u16' ? Uint16Array.from(values) : Int16Array.from(values);
        return { rows, columns, samplesPerPixel, bits: kind === 'u8' ? (8 as const) : (16 as const), signed: kind === 'i16', planar, samples };
      });
    await fc.assert(
      fc.asyncProperty(frame, async ({ rows, columns, samplesPerPixel, bits, signed, planar, samples }) => {
        const decoded = await decodeFrame(imageFrame(rows, columns, samplesPerPixel, bits, signed, planar), TS.rle, rleFrame(samples, samplesPerPixel, planar));
        expect(Array.from(decoded)).toEqual(Array.from(samples));
      }),
      { numRuns: 300 },
    );
  });

  it('property: a corrupted or truncated 16-bit colour frame decodes to a full frame or fails, and never hangs', async () => {
    const rows = 6;
    const columns = 5;
    const rgb = Uint16Array.from({ length: rows * columns * 3 }, (_, i) => (i % 7) * 9000 + (i % 3));
    const good = rleFrame(rgb, 3);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.integer({ min: 65, max: good.length }),
        async (edits, length) => {
          const bad = good.slice(0, length);
          for (const [at, value] of edits) if (at < bad.length) bad[at] = value;
          const outcome = await decodeFrame(imageFrame(rows, columns, 3, 16, false, false), TS.rle, bad).then(
            (values) => values.length,
            (err: unknown) => err,
          );
          if (typeof outcome === 'number') expect(outcome).toBe(rows * columns * 3);
          else expect(outcome).toBeInstanceOf(Error);
        },
      ),
      { numRuns: 200 },
    );
  });
});
