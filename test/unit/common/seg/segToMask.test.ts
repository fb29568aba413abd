/**
 * DICOM SEG → masks on an image grid (common/seg): hand-built SEG headers (DICOM JSON) with bit-packed frames,
 * placed on a small grid; fast-check at the parsing boundary (bit unpacking of packed and byte-padded frames,
 * random headers never crash with anything but a SegError); and SUV statistics per segment.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import type { Volume } from '../../../../common/registration/types';
import { findPixelData, readSegHeader, SegError, segFrameValues, segmentSuvStatistics, segToMasks } from '../../../../common/seg';

const sq = (...items: DicomJsonDataset[]) => ({ vr: 'SQ', Value: items });
const val = (vr: string, ...v: (string | number)[]) => ({ vr, Value: v });

interface FrameSpec {
  segment: number;
  position?: [number, number, number];
  source?: string;
  orientation?: number[];
}

/** A SEG header as WADO-RS metadata would give it. */
function segJson(o: { type?: string; rows: number; columns: number; frames: FrameSpec[]; bits?: number; maxFractional?: number; segments?: [number, string][] }): DicomJsonDataset {
  const frames = o.frames.map((f) => ({
    '0062000A': sq({ '0062000B': val('US', f.segment) }),
    ...(f.position ? { '00209113': sq({ '00200032': val('DS', ...f.position) }) } : {}),
    ...(f.source ? { '00089124': sq({ '00082112': sq({ '00081155': val('UI', f.source) }) }) } : {}),
    ...(f.orientation ? { '00209116': sq({ '00200037': val('DS', ...f.orientation) }) } : {}),
  }));
  return {
    '00080018': val('UI', '2.25.1'),
    '00081115': sq({ '0020000E': val('UI', '2.25.99') }),
    '00280008': val('IS', o.frames.length),
    '00280010': val('US', o.rows),
    '00280011': val('US', o.columns),
    '00280100': val('US', o.bits ?? (o.type === 'FRACTIONAL' ? 8 : 1)),
    '00620001': val('CS', o.type ?? 'BINARY'),
    ...(o.maxFractional ? { '00620010': val('US', o.maxFractional) } : {}),
    '00620002': sq(...(o.segments ?? [[1, 'Tumour'], [2, 'Node']]).map(([n, l]) => ({ '00620004': val('US', n), '00620005': val('LO', l) }))),
    '52009229': sq({
      '00209116': sq({ '00200037': val('DS', 1, 0, 0, 0, 1, 0) }),
      '00289110': sq({ '00280030': val('DS', 2, 2) }),
    }),
    '52009230': sq(...frames),
  };
}

/** The test's own packer: pixel p of frame f at bit f·rows·cols + p, least significant bit first (PS3.5 8.1.1). */
function pack(frames: number[][]): Uint8Array {
  const bits = frames.flat();
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => (out[i >> 3]! |= (b ? 1 : 0) << (i & 7)));
  return out;
}

/** Each frame starting on a byte boundary (what some writers did). */
function packPadded(frames: number[][]): Uint8Array {
  const per = Math.ceil(frames[0]!.length / 8);
  const out = new Uint8Array(per * frames.length);
  frames.forEach((f, k) => out.set(pack([f]), k * per));
  return out;
}

// Target grid: 4 columns × 3 rows × 5 slices, 2 mm pixels, 3 mm slices, origin (−10, −20, 100), axial.
const grid = { dims: [4, 3, 5] as [number, number, number], spacing: [2, 2, 3] as [number, number, number], origin: [-10, -20, 100] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const idx = (i: number, j: number, k: number) => i + 4 * (j + 3 * k);

describe('segToMasks', () => {
  it('puts each frame on the slice at its position, per segment', () => {
    // Frame 1 (segment 1) at z = 106 → slice k = (106 − 100)/3 = 2; its set pixels (row 0, col 1) and (row 2, col 3).
    // Frame 2 (segment 2) at z = 112 → k = 4; pixel (row 1, col 0). Frame 3 (segment 1) at z = 109 → k = 3; none.
    const f1 = [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const f2 = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    const f3 = new Array<number>(12).fill(0);
    const ds = segJson({ rows: 3, columns: 4, frames: [{ segment: 1, position: [-10, -20, 106] }, { segment: 2, position: [-10, -20, 112] }, { segment: 1, position: [-10, -20, 109] }] });
    const { segments, warnings } = segToMasks(ds, pack([f1, f2, f3]), grid);
    expect(warnings).toEqual([]);
    expect(segments.map((s) => [s.segmentNumber, s.label, s.voxels])).toEqual([[1, 'Tumour', 2], [2, 'Node', 1]]);
    const on = (m: Uint8Array) => [...m].flatMap((v, x) => (v ? [x] : []));
    expect(on(segments[0]!.mask)).toEqual([idx(1, 0, 2), idx(3, 2, 2)]);
    expect(on(segments[1]!.mask)).toEqual([idx(0, 1, 4)]);
  });

  it('shifts a frame whose first pixel is one column further: SEG column c lands on image column c + 1', () => {
    // Position x = −8 = origin + 1 column: SEG pixel (row 0, col 0) is image voxel (1, 0); SEG col 3 falls off.
    const f = [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    const ds = segJson({ rows: 3, columns: 4, frames: [{ segment: 1, position: [-8, -20, 100] }] });
    const [s] = segToMasks(ds, pack([f]), grid).segments;
    expect(s!.voxels).toBe(1);
    expect(s!.mask[idx(1, 0, 0)]).toBe(1);
  });

  it('places a frame without a position by its source image UID', () => {
    const ds = segJson({ rows: 3, columns: 4, frames: [{ segment: 2, source: '2.25.7.3' }] });
    const uids = ['2.25.7.0', '2.25.7.1', '2.25.7.2', '2.25.7.3', '2.25.7.4'];
    const [, node] = segToMasks(ds, pack([new Array<number>(12).fill(1)]), { ...grid, sopInstanceUids: uids }).segments;
    expect(node!.voxels).toBe(12);
    expect(node!.mask[idx(0, 0, 3)]).toBe(1);
  });

  it('leaves out frames between slices or across planes, with a warning; none placed is an error', () => {
    const ones = new Array<number>(12).fill(1);
    const ds = segJson({ rows: 3, columns: 4, frames: [{ segment: 1, position: [-10, -20, 101.5] }, { segment: 1, position: [-10, -20, 103], orientation: [1, 0, 0, 0, 0, 1] }, { segment: 1, position: [-10, -20, 100] }] });
    const { segments, warnings } = segToMasks(ds, pack([ones, ones, ones]), grid);
    expect(segments[0]!.voxels).toBe(12);
    expect(warnings.join(' ')).toMatch(/1 SEG frame\(s\) are not parallel/);
    expect(warnings.join(' ')).toMatch(/1 SEG frame\(s\) do not lie on a slice/);
    const off = segJson({ rows: 3, columns: 4, frames: [{ segment: 1, position: [-10, -20, 500] }] });
    expect(() => segToMasks(off, pack([ones]), grid)).toThrow(/No frame of the SEG falls on the image's slices/);
  });

  it('FRACTIONAL: inside from half the maximum fractional value', () => {
    // Max 200: 99 out, 100 and 200 in.
    const ds = segJson({ type: 'FRACTIONAL', rows: 3, columns: 4, maxFractional: 200, frames: [{ segment: 1, position: [-10, -20, 100] }] });
    const px = Uint8Array.from([99, 100, 200, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(segToMasks(ds, px, grid).segments[0]!.voxels).toBe(2);
  });

  it('refuses what it cannot read, with the reason', () => {
    expect(() => readSegHeader({})).toThrow(/no Segmentation Type/);
    expect(() => readSegHeader(segJson({ type: 'LABELMAP', rows: 3, columns: 4, frames: [] }))).toThrow(/LABELMAP is not supported/);
    expect(() => readSegHeader(segJson({ rows: 3, columns: 4, frames: [{ segment: 1 }], bits: 8 }))).toThrow(/Bits Allocated 1/);
    const short = segJson({ rows: 3, columns: 4, frames: [{ segment: 1, position: [-10, -20, 100] }, { segment: 1, position: [-10, -20, 103] }] });
    expect(() => segToMasks(short, new Uint8Array(2), grid)).toThrow(/has 2 bytes; 2 frames of 3×4 bits need 3/);
  });
});

describe('SEG bit unpacking (parsing boundary)', () => {
  const framesArb = fc
    .record({ rows: fc.integer({ min: 1, max: 9 }), columns: fc.integer({ min: 1, max: 9 }), count: fc.integer({ min: 1, max: 6 }) })
    .chain(({ rows, columns, count }) =>
      fc.record({
        rows: fc.constant(rows),
        columns: fc.constant(columns),
        frames: fc.array(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: rows * columns, maxLength: rows * columns }), { minLength: count, maxLength: count }),
      }),
    );

  it('reads back every frame of bit-packed data, frames packed one after another', () => {
    fc.assert(
      fc.property(framesArb, ({ rows, columns, frames }) => {
        const header = { type: 'BINARY' as const, rows, columns, frames: frames.map(() => ({ segmentNumber: 1, sourceSopInstanceUids: [] })) };
        const data = pack(frames);
        // An even-length value gets one padding byte: it must not change the reading.
        const padded = data.length % 2 ? Uint8Array.from([...data, 0]) : data;
        frames.forEach((f, k) => expect([...segFrameValues(padded, header, k)]).toEqual(f));
      }),
    );
  });

  it('reads back frames that each start on a byte boundary', () => {
    fc.assert(
      fc.property(framesArb, ({ rows, columns, frames }) => {
        fc.pre((rows * columns) % 8 !== 0 && frames.length > 2);
        const header = { type: 'BINARY' as const, rows, columns, frames: frames.map(() => ({ segmentNumber: 1, sourceSopInstanceUids: [] })) };
        const data = packPadded(frames);
        fc.pre(data.length > Math.ceil((rows * columns * frames.length) / 8) + 1);
        frames.forEach((f, k) => expect([...segFrameValues(data, header, k)]).toEqual(f));
      }),
    );
  });

  it('a damaged header or short data gives a SegError, never another exception', () => {
    const anyValue = fc.oneof(fc.string(), fc.integer({ min: -5, max: 70000 }), fc.constant(null), fc.double());
    fc.assert(
      fc.property(
        fc.record({ type: fc.constantFrom('BINARY', 'FRACTIONAL', 'x'), rows: anyValue, columns: anyValue, bits: anyValue, frames: fc.integer({ min: 0, max: 4 }), z: fc.double({ min: 90, max: 120, noNaN: true }), segment: fc.integer({ min: 0, max: 3 }) }),
        fc.uint8Array({ maxLength: 40 }),
        ({ type, rows, columns, bits, frames, z, segment }, px) => {
          const ds = segJson({ type, rows: 3, columns: 4, frames: Array.from({ length: frames }, () => ({ segment, position: [-10, -20, z] as [number, number, number] })) });
          ds['00280010'] = { vr: 'US', Value: [rows as never] };
          ds['00280011'] = { vr: 'US', Value: [columns as never] };
          ds['00280100'] = { vr: 'US', Value: [bits as never] };
          try {
            segToMasks(ds, px, grid);
          } catch (err) {
            expect(err).toBeInstanceOf(SegError);
          }
        },
      ),
    );
  });
});

describe('findPixelData', () => {
  /** A Part 10 file: preamble, DICM, one meta element, then `tail` elements (explicit VR little endian). */
  function part10(tail: number[]): Uint8Array {
    const head = [...new Array<number>(128).fill(0), 0x44, 0x49, 0x43, 0x4d, 0x02, 0x00, 0x10, 0x00, 0x55, 0x49, 0x02, 0x00, 0x31, 0x00];
    return Uint8Array.from([...head, ...tail]);
  }
  it('finds the Pixel Data at the end, explicit (OB) or implicit VR', () => {
    const ob = part10([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 4, 0, 0, 0, 9, 8, 7, 6]);
    expect([...findPixelData(ob)]).toEqual([9, 8, 7, 6]);
    const implicit = part10([0x28, 0x00, 0x10, 0x00, 2, 0, 0, 0, 3, 0, 0xe0, 0x7f, 0x10, 0x00, 2, 0, 0, 0, 5, 1]);
    expect([...findPixelData(implicit)]).toEqual([5, 1]);
    expect(() => findPixelData(part10([1, 2, 3, 4]))).toThrow(SegError);
  });
});

describe('segmentSuvStatistics', () => {
  // 2×1×2 volume in Bq/ml: slice 0 = [1000, 3000], slice 1 = [2000, 4000]; 1 mm voxels.
  const volume: Volume = { dims: [2, 1, 2], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: Float32Array.from([1000, 3000, 2000, 4000]) };
  const mask = Uint8Array.from([1, 1, 1, 0]);
  const seg = [{ segmentNumber: 1, label: 'T', mask, voxels: 3 }];

  it('one factor for every slice scales the statistics', () => {
    // Factor 0.001: SUV 1, 3, 2 → max 3, mean 2; 3 voxels of 1 mm³ = 0.003 ml.
    const [s] = segmentSuvStatistics(volume, seg, [0.001, 0.001]);
    expect(s!.voxels).toBe(3);
    expect(s!.volumeMl).toBeCloseTo(0.003, 12);
    expect(s!.suvbw.max).toBeCloseTo(3, 12);
    expect(s!.suvbw.mean).toBeCloseTo(2, 12);
  });

  it('factors that differ per slice apply slice by slice', () => {
    // Slice 0 × 0.001 → 1, 3; slice 1 × 0.002 → 4: max 4 (from slice 1, not the 3000 of slice 0), mean 8/3.
    const [s] = segmentSuvStatistics(volume, seg, [0.001, 0.002]);
    expect(s!.suvbw.max).toBeCloseTo(4, 12);
    expect(s!.suvbw.mean).toBeCloseTo(8 / 3, 12);
  });

  it('no SUV without a factor for every slice, with the reason; voxels still counted', () => {
    const [s] = segmentSuvStatistics(volume, seg, [0.001, NaN]);
    expect(s!.suvbw).toEqual({ max: null, mean: null, peak: null });
    expect(s!.reason).toMatch(/No SUVbw factor/);
    expect(s!.voxels).toBe(3);
  });
});
