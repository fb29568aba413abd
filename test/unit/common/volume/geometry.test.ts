/**
 * analyzeSeriesGeometry: one synthetic case per rule, property tests over random orientations, orders and gaps, and
 * the real series of ../shared/data (skipped where this machine has no copy).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { analyzeSeriesGeometry, modalSpacing, planeOf, type Vec3 } from '../../../../common/volume/geometry';
import { readPart10Header } from '../../../../electron/services/dicom/part10';
import { sharedDataDir } from '../../../support/data';

const AXIAL: [Vec3, Vec3] = [
  [1, 0, 0],
  [0, 1, 0],
];
const SAGITTAL: [Vec3, Vec3] = [
  [0, 1, 0],
  [0, 0, -1],
];

interface SliceOptions {
  ipp?: Vec3 | null;
  iop?: readonly [Vec3, Vec3] | null;
  rows?: number;
  columns?: number;
  pixelSpacing?: [number, number] | null;
  instanceNumber?: number;
  sop?: string;
  frameOfReference?: string;
}

function slice(o: SliceOptions): DicomJsonDataset {
  const ds: DicomJsonDataset = {
    [Tag.Rows]: { vr: 'US', Value: [o.rows ?? 256] },
    [Tag.Columns]: { vr: 'US', Value: [o.columns ?? 256] },
    [Tag.FrameOfReferenceUID]: { vr: 'UI', Value: [o.frameOfReference ?? '1.2.3'] },
  };
  if (o.ipp !== null) ds[Tag.ImagePositionPatient] = { vr: 'DS', Value: [...(o.ipp ?? [0, 0, 0])] };
  if (o.iop !== null) ds[Tag.ImageOrientationPatient] = { vr: 'DS', Value: [...(o.iop ?? AXIAL)[0], ...(o.iop ?? AXIAL)[1]] };
  if (o.pixelSpacing !== null) ds[Tag.PixelSpacing] = { vr: 'DS', Value: o.pixelSpacing ?? [0.5, 0.5] };
  if (o.instanceNumber !== undefined) ds[Tag.InstanceNumber] = { vr: 'IS', Value: [o.instanceNumber] };
  ds[Tag.SOPInstanceUID] = { vr: 'UI', Value: [o.sop ?? `1.2.3.${o.instanceNumber ?? Math.random()}`] };
  return ds;
}

/** An axial stack at z = z0 + i·spacing for the given indices (skipping some makes gaps). */
function axialStack(zs: number[], extra: Partial<SliceOptions> = {}): DicomJsonDataset[] {
  return zs.map((z, i) => slice({ ipp: [-100, -100, z], instanceNumber: i + 1, ...extra }));
}

const range = (n: number, step = 1, start = 0) => Array.from({ length: n }, (_, i) => start + i * step);

describe('synthetic series, one per rule', () => {
  it('a uniform shuffled axial stack comes out sorted, uniform and without warnings', () => {
    const stack = axialStack(range(20, 1.25, -50));
    const shuffled = [stack[5]!, ...stack.slice(0, 5), ...stack.slice(6)].reverse();
    const g = analyzeSeriesGeometry(shuffled);
    expect(g.ok).toBe(true);
    expect(g.warnings).toEqual([]);
    expect(g.sorted).toEqual(stack);
    expect(g.normal).toEqual([0, 0, 1]);
    expect(g.spacing).toEqual({ row: 0.5, column: 0.5, slice: 1.25 });
    expect(g.positions[0]).toBeCloseTo(-50);
    expect(g.positions).toHaveLength(20);
    expect(g.nonUniform).toBe(false);
    expect(g.missingSlices).toEqual([]);
    expect(g.gantryTiltDeg).toBe(0);
    expect(g.rows).toBe(256);
  });

  it('one missing slice: a warning naming the images around the gap and the gap', () => {
    const zs = range(12, 2.5).filter((_, i) => i !== 7);
    const g = analyzeSeriesGeometry(zs.map((z, i) => slice({ ipp: [0, 0, z], instanceNumber: i < 7 ? i + 1 : i + 2 })));
    expect(g.ok).toBe(true);
    expect(g.missingSlices).toEqual([{ afterIndex: 6, gapMm: 5, estimatedMissing: 1 }]);
    expect(g.nonUniform).toBe(false);
    expect(g.warnings).toEqual([
      '1 slice is missing between image 7 and image 8 of 11 (instance numbers 7 and 9): the gap is 5.00 mm where the spacing is 2.50 mm.',
    ]);
  });

  it('three missing slices in one gap', () => {
    const zs = [...range(5, 1), ...range(5, 1, 8)];
    const g = analyzeSeriesGeometry(axialStack(zs));
    expect(g.missingSlices).toEqual([{ afterIndex: 4, gapMm: 4, estimatedMissing: 3 }]);
    expect(g.warnings[0]).toMatch(/^About 3 slices are missing between image 5 and image 6 of 10/);
  });

  it('many gaps are summarized after the first five', () => {
    const zs = range(40, 1).filter((i) => i % 5 !== 3);
    const g = analyzeSeriesGeometry(axialStack(zs));
    expect(g.missingSlices).toHaveLength(8);
    expect(g.warnings).toHaveLength(6);
    expect(g.warnings[5]).toBe('In all, about 8 slices are missing in 8 places.');
  });

  it('non-uniform spacing beyond 1 % + 0.01 mm is reported; jitter within it is not', () => {
    const jitter = analyzeSeriesGeometry(axialStack([0, 1.005, 2, 2.995, 4.004]));
    expect(jitter.nonUniform).toBe(false);
    expect(jitter.warnings).toEqual([]);
    const uneven = analyzeSeriesGeometry(axialStack([0, 1, 2, 3, 4.5, 5.5, 6.5]));
    expect(uneven.nonUniform).toBe(true);
    expect(uneven.missingSlices).toEqual([]);
    expect(uneven.warnings).toEqual([
      'The slice spacing is uneven: gaps range from 1.00 mm to 1.50 mm where the usual spacing is 1.00 mm, so distances along the slice direction may be off.',
    ]);
  });

  it('gantry tilt: positions drift in y as z advances → the tilt angle and a warning', () => {
    const tilt = (20 * Math.PI) / 180;
    const g = analyzeSeriesGeometry(range(10).map((i) => slice({ ipp: [0, -i * 2 * Math.tan(tilt), i * 2], instanceNumber: i + 1 })));
    expect(g.ok).toBe(true);
    expect(g.gantryTiltDeg).toBeCloseTo(20, 5);
    expect(g.spacing.slice).toBeCloseTo(2);
    expect(g.sliceDirection[1]).toBeLessThan(0);
    expect(g.warnings).toEqual(['The slices are tilted by 20.0° (gantry tilt): the volume is sheared so that each slice sits at its true position.']);
  });

  it('positions off one line are refused', () => {
    const ipps: Vec3[] = [
      [0, 0, 0],
      [0, 0, 1],
      [30, 0, 2],
      [0, 0, 3],
    ];
    const g = analyzeSeriesGeometry(ipps.map((ipp, i) => slice({ ipp, instanceNumber: i + 1 })));
    expect(g.ok).toBe(false);
    expect(g.refusal).toMatch(/do not lie along one line/);
  });

  it('mixed orientations are refused, with the groups as a split suggestion', () => {
    const axial = axialStack(range(10));
    const localizer = [slice({ ipp: [0, 0, 0], iop: SAGITTAL, sop: 'loc' })];
    const g = analyzeSeriesGeometry([...localizer, ...axial]);
    expect(g.ok).toBe(false);
    expect(g.mixedOrientations).toBe(true);
    expect(g.refusal).toBe(
      'The series mixes 2 orientations (10 images axial, 1 image sagittal): a volume needs one orientation. Open each orientation as its own series (the small group is likely a localizer).',
    );
    expect(g.orientationGroups.map((x) => [x.plane, x.instances.length])).toEqual([
      ['axial', 10],
      ['sagittal', 1],
    ]);
    expect(g.orientationGroups[1]!.instances).toEqual(localizer);
  });

  it('orientations within half a degree are the same', () => {
    const a = (0.3 * Math.PI) / 180;
    const g = analyzeSeriesGeometry([
      ...axialStack(range(3)),
      slice({ ipp: [-100, -100, 3], iop: [[Math.cos(a), Math.sin(a), 0], [-Math.sin(a), Math.cos(a), 0]] }),
    ]);
    expect(g.ok).toBe(true);
  });

  it('different matrix sizes are refused', () => {
    const g = analyzeSeriesGeometry([...axialStack(range(3)), slice({ ipp: [0, 0, 3], rows: 512, columns: 512 })]);
    expect(g.refusal).toBe('The images differ in size (256×256 in 3 images, 512×512 in 1 image): a volume needs one matrix size.');
  });

  it('different pixel spacings are refused', () => {
    const g = analyzeSeriesGeometry([...axialStack(range(3)), slice({ ipp: [0, 0, 3], pixelSpacing: [0.7, 0.7] })]);
    expect(g.refusal).toBe('The images differ in pixel spacing (0.5×0.5 mm in 3 images, 0.7×0.7 mm in 1 image): a volume needs one pixel spacing.');
  });

  it('missing pixel spacing everywhere: 1 mm assumed, with a warning', () => {
    const g = analyzeSeriesGeometry(axialStack(range(3), { pixelSpacing: null }));
    expect(g.ok).toBe(true);
    expect(g.spacing.row).toBe(1);
    expect(g.warnings).toEqual(['The images do not give a pixel spacing: 1 mm is assumed, so distances and sizes are not to scale.']);
  });

  it('missing IPP or IOP are refused, saying how many', () => {
    expect(analyzeSeriesGeometry([...axialStack(range(3)), slice({ ipp: null })]).refusal).toBe(
      '1 of 4 images have no Image Position (Patient), so the slices cannot be placed in 3D.',
    );
    expect(analyzeSeriesGeometry(axialStack(range(3), { iop: null })).refusal).toBe(
      'No image has an Image Orientation (Patient), so the slices cannot be placed in 3D.',
    );
    expect(analyzeSeriesGeometry(axialStack(range(3), { ipp: null })).refusal).toBe(
      'No image has an Image Position (Patient), so the slices cannot be placed in 3D.',
    );
  });

  it('a degenerate orientation (parallel cosines) counts as missing', () => {
    const g = analyzeSeriesGeometry(axialStack(range(3), { iop: [[1, 0, 0], [1, 0, 0]] }));
    expect(g.refusal).toBe('No image has an Image Orientation (Patient), so the slices cannot be placed in 3D.');
  });

  it('a single slice, and no slices at all, are refused', () => {
    expect(analyzeSeriesGeometry(axialStack([0])).refusal).toBe('A single slice is not a volume.');
    expect(analyzeSeriesGeometry([]).refusal).toBe('There are no images to build a volume from.');
  });

  it('the same instance twice is shown once', () => {
    const stack = axialStack(range(5));
    const g = analyzeSeriesGeometry([...stack, stack[2]!]);
    expect(g.ok).toBe(true);
    expect(g.duplicatesRemoved).toBe(1);
    expect(g.slices).toHaveLength(5);
    expect(g.warnings).toEqual(['1 image was present twice and is shown once.']);
  });

  it('a few different images at one position: the lowest instance number is kept, with a warning', () => {
    const stack = axialStack(range(5));
    const extra = slice({ ipp: [-100, -100, 2], instanceNumber: 99, sop: 'other' });
    const g = analyzeSeriesGeometry([extra, ...stack]);
    expect(g.ok).toBe(true);
    expect(g.sorted).toEqual(stack);
    expect(g.warnings).toEqual(['1 slice at the same position as another was left out of the volume (the one with the lowest instance number is kept).']);
  });

  it('every position twice (two echoes) is a 4D series and refused', () => {
    const echo1 = axialStack(range(6));
    const echo2 = range(6).map((z, i) => slice({ ipp: [-100, -100, z], instanceNumber: 100 + i, sop: `e2.${i}` }));
    const g = analyzeSeriesGeometry([...echo1, ...echo2]);
    expect(g.ok).toBe(false);
    expect(g.refusal).toBe(
      'The series holds 2 images at each of its 6 positions (several echoes, phases or time points): it is not one volume. Open it as a stack, or split it by echo or time.',
    );
  });

  it('all images at one position are refused as a single slice', () => {
    const g = analyzeSeriesGeometry([slice({ ipp: [0, 0, 0], sop: 'a' }), slice({ ipp: [0, 0, 0], sop: 'a' })]);
    expect(g.refusal).toBe('All the images are at the same position: a single slice is not a volume.');
  });

  it('a few frames of reference warn; one per image (anonymized collections) does not', () => {
    const mixed = analyzeSeriesGeometry(range(4).map((z) => slice({ ipp: [0, 0, z], frameOfReference: z < 2 ? 'a' : 'b' })));
    expect(mixed.ok).toBe(true);
    expect(mixed.warnings).toEqual(['The images name 2 different frames of reference: if the patient moved between them, the slices may not line up.']);
    const perImage = analyzeSeriesGeometry(range(4).map((z) => slice({ ipp: [0, 0, z], frameOfReference: `f${z}` })));
    expect(perImage.warnings).toEqual([]);
  });

  it('sagittal slices sort along +x (row × column)', () => {
    const g = analyzeSeriesGeometry([3, 1, 2, 0].map((x) => slice({ ipp: [x, 0, 0], iop: SAGITTAL, instanceNumber: x })));
    expect(g.normal).toEqual([-1, 0, 0]);
    expect(g.slices.map((s) => s.position[0])).toEqual([3, 2, 1, 0]);
    expect(planeOf(g.normal)).toBe('sagittal');
  });
});

describe('enhanced multi-frame', () => {
  function enhanced(zs: number[], options: { perFrameOrientation?: boolean } = {}): DicomJsonDataset {
    const orientation = { [Tag.ImageOrientationPatient]: { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] } };
    const shared: DicomJsonDataset = {
      [Tag.PixelMeasuresSequence]: { vr: 'SQ', Value: [{ [Tag.PixelSpacing]: { vr: 'DS', Value: [0.8, 0.9] } }] },
    };
    if (!options.perFrameOrientation) shared[Tag.PlaneOrientationSequence] = { vr: 'SQ', Value: [orientation] };
    return {
      [Tag.SOPInstanceUID]: { vr: 'UI', Value: ['mf'] },
      [Tag.Rows]: { vr: 'US', Value: [128] },
      [Tag.Columns]: { vr: 'US', Value: [64] },
      [Tag.NumberOfFrames]: { vr: 'IS', Value: [zs.length] },
      [Tag.SharedFunctionalGroupsSequence]: { vr: 'SQ', Value: [shared] },
      [Tag.PerFrameFunctionalGroupsSequence]: {
        vr: 'SQ',
        Value: zs.map((z) => ({
          [Tag.PlanePositionSequence]: { vr: 'SQ', Value: [{ [Tag.ImagePositionPatient]: { vr: 'DS', Value: [0, 0, z] } }] },
          ...(options.perFrameOrientation ? { [Tag.PlaneOrientationSequence]: { vr: 'SQ', Value: [orientation] } } : {}),
        })),
      },
    };
  }

  it('frames become slices, ordered, with shared pixel measures', () => {
    const g = analyzeSeriesGeometry([enhanced([4, 0, 2, 6, 8])]);
    expect(g.ok).toBe(true);
    expect(g.multiFrame).toBe(true);
    expect(g.slices.map((s) => s.frame)).toEqual([2, 3, 1, 4, 5]);
    expect(g.spacing).toEqual({ row: 0.8, column: 0.9, slice: 2 });
    expect(g.rows).toBe(128);
    expect(g.columns).toBe(64);
    expect(g.sorted).toHaveLength(1);
    expect(g.warnings).toEqual([]);
  });

  it('per-frame orientation works too, and a missing frame is named by frame number', () => {
    const g = analyzeSeriesGeometry([enhanced([0, 2, 4, 8, 10], { perFrameOrientation: true })]);
    expect(g.warnings).toEqual(['1 slice is missing between frame 3 and frame 4 of 5: the gap is 4.00 mm where the spacing is 2.00 mm.']);
  });

  it('a multi-frame image without per-frame groups is refused', () => {
    const ds = slice({ ipp: [0, 0, 0] });
    ds[Tag.NumberOfFrames] = { vr: 'IS', Value: [10] };
    expect(analyzeSeriesGeometry([ds]).refusal).toBe(
      '1 multi-frame image has no per-frame positions (Per-Frame Functional Groups), so the frames cannot be placed in 3D.',
    );
  });
});

describe('modalSpacing', () => {
  it('picks the biggest cluster, not the mean', () => {
    expect(modalSpacing([1, 1, 1, 2, 1, 5])).toBe(1);
    expect(modalSpacing([2.487, 2.4871, 4.97, 2.4869])).toBeCloseTo(2.487, 3);
    expect(modalSpacing([])).toBe(0);
  });
});

describe('properties', () => {
  const unitVec = fc
    .tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }))
    .filter(([x, y, z]) => Math.hypot(x, y, z) > 0.2)
    .map(([x, y, z]): Vec3 => {
      const n = Math.hypot(x, y, z);
      return [x / n, y / n, z / n];
    });
  const orientation = fc
    .tuple(unitVec, unitVec)
    .filter(([a, b]) => Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) < 0.9)
    .map(([a, b]): [Vec3, Vec3] => {
      // Gram–Schmidt: b ⟂ a.
      const d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
      const c: Vec3 = [b[0] - d * a[0], b[1] - d * a[1], b[2] - d * a[2]];
      const n = Math.hypot(...c);
      return [a, [c[0] / n, c[1] / n, c[2] / n]];
    });
  const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

  it('any orientation, any order: sorted ascending, spacing recovered, no warnings; a removed slice is found', () => {
    fc.assert(
      fc.property(
        orientation,
        fc.double({ min: 0.3, max: 10, noNaN: true }),
        fc.integer({ min: 3, max: 60 }),
        fc.tuple(fc.double({ min: -300, max: 300, noNaN: true }), fc.double({ min: -300, max: 300, noNaN: true }), fc.double({ min: -300, max: 300, noNaN: true })),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.option(fc.integer({ min: 1, max: 58 })),
        (iop, spacing, count, origin, seed, drop) => {
          const normal = cross(iop[0], iop[1]);
          let stack = range(count).map((i) =>
            slice({ iop, ipp: [origin[0] + normal[0] * spacing * i, origin[1] + normal[1] * spacing * i, origin[2] + normal[2] * spacing * i], instanceNumber: i + 1 }),
          );
          const dropped = drop !== null && drop < count - 1 && count > 4 ? drop : undefined;
          if (dropped !== undefined) stack = stack.filter((_, i) => i !== dropped);
          const shuffled = [...stack].sort((a, b) => ((Number(a[Tag.InstanceNumber]!.Value![0]) * 7919 + seed) % 101) - ((Number(b[Tag.InstanceNumber]!.Value![0]) * 7919 + seed) % 101));
          const g = analyzeSeriesGeometry(shuffled);
          expect(g.ok).toBe(true);
          expect(g.sorted).toEqual(stack);
          for (let i = 1; i < g.positions.length; i++) expect(g.positions[i]!).toBeGreaterThan(g.positions[i - 1]!);
          expect(g.spacing.slice).toBeCloseTo(spacing, 6);
          expect(g.gantryTiltDeg).toBe(0);
          expect(g.nonUniform).toBe(false);
          if (dropped === undefined) {
            expect(g.warnings).toEqual([]);
          } else {
            expect(g.missingSlices).toEqual([{ afterIndex: dropped - 1, gapMm: expect.closeTo(2 * spacing, 6), estimatedMissing: 1 }]);
            expect(g.warnings).toHaveLength(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary (malformed) metadata, and a refusal is always a sentence', () => {
    const value = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(''), fc.constant(null));
    const element = fc.record({ vr: fc.constantFrom('DS', 'IS', 'US', 'SQ', 'UI'), Value: fc.option(fc.array(value, { maxLength: 7 }), { nil: undefined }) });
    const tags = [Tag.ImagePositionPatient, Tag.ImageOrientationPatient, Tag.Rows, Tag.Columns, Tag.PixelSpacing, Tag.NumberOfFrames, Tag.PerFrameFunctionalGroupsSequence, Tag.InstanceNumber];
    const dataset = fc.dictionary(fc.constantFrom(...tags), element) as fc.Arbitrary<DicomJsonDataset>;
    fc.assert(
      fc.property(fc.array(dataset, { maxLength: 8 }), (list) => {
        const g = analyzeSeriesGeometry(list);
        if (!g.ok) expect(g.refusal).toMatch(/^[A-Z0-9].*\.$/);
        else expect(g.slices.length).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 500 },
    );
  });
});

describe('real series in ../shared/data', () => {
  function readSeries(dir: string): Map<string, DicomJsonDataset[]> {
    const bySeries = new Map<string, DicomJsonDataset[]>();
    for (const f of readdirSync(dir).filter((name) => !name.endsWith('.txt'))) {
      const ds = readPart10Header(new Uint8Array(readFileSync(path.join(dir, f)))).dataset;
      const key = String(ds[Tag.SeriesDescription]?.Value?.[0] ?? '');
      bySeries.set(key, [...(bySeries.get(key) ?? []), ds]);
    }
    return bySeries;
  }
  const mr = sharedDataDir('mr_brain_siemens_trio');
  const ct = sharedDataDir('ct_chest_lidc0314');

  it.skipIf(!mr)('MR brain: the AX FSE T2 misses one slice, the MPRAGE one, the ASL mosaics are single images', () => {
    const series = readSeries(mr!);
    const t2 = analyzeSeriesGeometry(series.get('AX FSE T2')!);
    expect(t2.ok).toBe(true);
    expect(t2.slices).toHaveLength(55);
    expect(planeOf(t2.normal)).toBe('axial');
    // 2.5 mm along the oblique normal; 2.487 mm is its z component (normal z = 0.9949).
    expect(t2.spacing.slice).toBeCloseTo(2.5, 3);
    expect(t2.spacing.slice * Math.abs(t2.normal[2])).toBeCloseTo(2.487, 3);
    expect(t2.missingSlices).toEqual([{ afterIndex: 33, gapMm: expect.closeTo(5, 3), estimatedMissing: 1 }]);
    expect(t2.nonUniform).toBe(false);
    expect(t2.gantryTiltDeg).toBe(0);
    expect(t2.warnings).toEqual([
      '1 slice is missing between image 34 and image 35 of 55 (instance numbers 34 and 36): the gap is 5.00 mm where the spacing is 2.50 mm.',
    ]);

    const mprage = analyzeSeriesGeometry(series.get('mocoMEMPRAGE_220FOV RMS')!);
    expect(mprage.ok).toBe(true);
    expect(mprage.slices).toHaveLength(175);
    expect(planeOf(mprage.normal)).toBe('sagittal');
    expect(mprage.spacing.slice).toBeCloseTo(1, 3);
    expect(mprage.missingSlices).toEqual([{ afterIndex: 113, gapMm: expect.closeTo(2, 3), estimatedMissing: 1 }]);
    expect(mprage.warnings).toHaveLength(1);

    for (const asl of ['Perfusion_Weighted', 'relCBF']) {
      expect(analyzeSeriesGeometry(series.get(asl)!).refusal).toBe('A single slice is not a volume.');
    }
  });

  it.skipIf(!ct)('LIDC-IDRI-0314 chest CT: 275 uniform 1 mm slices, no warnings', () => {
    const [only] = [...readSeries(ct!).values()];
    const g = analyzeSeriesGeometry(only!);
    expect(g.ok).toBe(true);
    expect(g.warnings).toEqual([]);
    expect(g.slices).toHaveLength(275);
    expect(g.spacing.slice).toBeCloseTo(1, 4);
    expect(g.spacing.row).toBeCloseTo(0.78125);
    expect(g.positions[0]).toBeCloseTo(-679.8, 1);
    expect(g.positions[274]).toBeCloseTo(-405.8, 1);
    expect(g.nonUniform).toBe(false);
  });
});
