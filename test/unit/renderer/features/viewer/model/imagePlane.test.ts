import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../../common/dicom/dicomJson';
import { areParallel, centreOf, nearestPlaneIndex, planeOf, referenceLine, type ImagePlane, type Vec3 } from '../../../../../../renderer/features/viewer/model/imagePlane';

function ds(ipp: number[], iop: number[], opts: { rows?: number; columns?: number; spacing?: [number, number]; for?: string } = {}): DicomJsonDataset {
  return {
    '00200032': { vr: 'DS', Value: ipp },
    '00200037': { vr: 'DS', Value: iop },
    '00280030': { vr: 'DS', Value: opts.spacing ?? [0.5, 0.5] },
    '00280010': { vr: 'US', Value: [opts.rows ?? 512] },
    '00280011': { vr: 'US', Value: [opts.columns ?? 512] },
    '00200052': { vr: 'UI', Value: [opts.for ?? '1.2.3'] },
  };
}

const AXIAL = [1, 0, 0, 0, 1, 0];
const SAGITTAL = [0, 1, 0, 0, 0, -1];
const CORONAL = [1, 0, 0, 0, 0, -1];

describe('reference lines between images', () => {
  const axial = planeOf(ds([-128, -128, 40], AXIAL))!;

  it('a sagittal image at x = 10 mm cuts the axial image along the column at x = 10 mm', () => {
    // Axial column u is at x = −128 + 0.5·u: x = 10 mm → u = 276, from the top row to the bottom row.
    const sagittal = planeOf(ds([10, -128, 128], SAGITTAL))!;
    const line = referenceLine(sagittal, axial)!;
    expect(line.from.column).toBeCloseTo(276, 6);
    expect(line.to.column).toBeCloseTo(276, 6);
    expect([line.from.row, line.to.row].sort((a, b) => a - b)).toEqual([0, 511]);
  });

  it('an axial image at z = 40 mm cuts a coronal image along the row at z = 40 mm', () => {
    // Coronal row v is at z = 128 − 0.5·v: z = 40 → v = 176.
    const coronal = planeOf(ds([-128, 0, 128], CORONAL))!;
    const line = referenceLine(axial, coronal)!;
    expect(line.from.row).toBeCloseTo(176, 6);
    expect(line.to.row).toBeCloseTo(176, 6);
  });

  it('draws nothing for parallel images, other frames of reference, or planes that miss the image', () => {
    expect(referenceLine(planeOf(ds([-128, -128, 60], AXIAL))!, axial)).toBeUndefined();
    expect(referenceLine(planeOf(ds([10, -128, 128], SAGITTAL, { for: '9.9' }))!, axial)).toBeUndefined();
    expect(referenceLine(planeOf(ds([500, -128, 128], SAGITTAL))!, axial)).toBeUndefined();
  });

  it('is refused for incomplete geometry', () => {
    const d = ds([0, 0, 0], AXIAL);
    delete d['00280030'];
    expect(planeOf(d)).toBeUndefined();
  });

  it('the line passes through every target pixel that lies on the source plane (property)', () => {
    const unit = fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })).filter(([x, y, z]) => Math.hypot(x, y, z) > 0.2);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 511 }), fc.integer({ min: 0, max: 511 }), unit, (u, v, dir) => {
        // A source plane through the centre of target pixel (u, v), with some orientation.
        const point: Vec3 = [axial.origin[0] + 0.5 * u, axial.origin[1] + 0.5 * v, axial.origin[2]];
        const n = Math.hypot(...dir);
        const normal = dir.map((x) => x / n) as Vec3;
        if (Math.abs(normal[2]) > 0.99) return; // parallel to the axial image: no line
        const helper: Vec3 = Math.abs(normal[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
        const r = [normal[1] * helper[2] - normal[2] * helper[1], normal[2] * helper[0] - normal[0] * helper[2], normal[0] * helper[1] - normal[1] * helper[0]];
        const rn = Math.hypot(...r);
        const row = r.map((x) => x / rn) as Vec3;
        const col = [normal[1] * row[2] - normal[2] * row[1], normal[2] * row[0] - normal[0] * row[2], normal[0] * row[1] - normal[1] * row[0]] as Vec3;
        const source: ImagePlane = { ...axial, origin: point, rowDirection: row, columnDirection: col, normal };
        const line = referenceLine(source, axial);
        expect(line).toBeDefined();
        // Distance from (u, v) to the segment's line, in pixels.
        const { from, to } = line!;
        const dx = to.column - from.column;
        const dy = to.row - from.row;
        const dist = Math.abs(dx * (from.row - v) - dy * (from.column - u)) / Math.hypot(dx, dy);
        expect(dist).toBeLessThan(1e-6);
      }),
    );
  });
});

describe('linked scrolling helpers', () => {
  it('finds the slice of a parallel series nearest to a point, and tells parallel from orthogonal', () => {
    const slices = [0, 5, 10, 15].map((z) => planeOf(ds([-128, -128, z], AXIAL))!);
    const other = planeOf(ds([-100, -100, 11.9], AXIAL, { spacing: [0.7, 0.7] }))!;
    expect(nearestPlaneIndex(slices, centreOf(other))).toBe(2);
    expect(areParallel(slices[0]!, other)).toBe(true);
    expect(areParallel(slices[0]!, planeOf(ds([0, 0, 0], SAGITTAL))!)).toBe(false);
  });
});
