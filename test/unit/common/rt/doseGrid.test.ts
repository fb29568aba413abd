import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { doseAt, DoseGridError, parseDoseGrid } from '../../../../common/rt/doseGrid';
import { doseDataset } from '../../../support/rtGrids';

// A field linear in x, y and z: trilinear interpolation reproduces it exactly anywhere inside the grid, so any
// misplacement of the grid (a swapped axis, an offset dropped, the wrong frame) shows as a wrong dose.
const linear = (p: [number, number, number]) => 10 + 0.05 * p[0] - 0.03 * p[1] + 0.02 * p[2];
const spec = { origin: [-30.4, -20.7, -15.1] as [number, number, number], spacing: [2.5, 3, 2] as [number, number, number], size: [25, 15, 16] as [number, number, number], dose: linear };

describe('parseDoseGrid / doseAt', () => {
  it('places the grid by its own position and spacing: the dose at any point inside equals the field there', () => {
    const { ds, stored } = doseDataset(spec);
    const grid = parseDoseGrid(ds, stored);
    expect(grid.size).toEqual([25, 15, 16]);
    fc.assert(
      fc.property(fc.double({ min: -30.4, max: -30.4 + 24 * 2.5, noNaN: true }), fc.double({ min: -20.7, max: -20.7 + 14 * 3, noNaN: true }), fc.double({ min: -15.1, max: -15.1 + 15 * 2, noNaN: true }), (x, y, z) => {
        expect(doseAt(grid, [x, y, z])).toBeCloseTo(linear([x, y, z]), 3);
      }),
    );
  });

  it('reads the absolute form of the Grid Frame Offset Vector (z coordinates) as the relative one', () => {
    const rel = parseDoseGrid(doseDataset(spec).ds, doseDataset(spec).stored);
    const absSpec = doseDataset({ ...spec, absoluteOffsets: true });
    const abs = parseDoseGrid(absSpec.ds, absSpec.stored);
    expect(Array.from(abs.frameOffsets)).toEqual(Array.from(rel.frameOffsets));
    expect(doseAt(abs, [1.3, 2.2, 3.1])).toBeCloseTo(linear([1.3, 2.2, 3.1]), 3);
  });

  it('applies Dose Grid Scaling', () => {
    const { ds, stored } = doseDataset({ ...spec, scaling: 0.001 });
    expect(parseDoseGrid(ds, stored).gy[0]).toBeCloseTo(linear(spec.origin), 2);
    expect(stored[0]).toBe(Math.round(linear(spec.origin) / 0.001));
  });

  it('answers nothing outside the grid rather than a made-up dose', () => {
    const { ds, stored } = doseDataset(spec);
    const grid = parseDoseGrid(ds, stored);
    expect(doseAt(grid, [-31, 0, 0])).toBeUndefined();
    expect(doseAt(grid, [0, 0, -15.2])).toBeUndefined();
    expect(doseAt(grid, [0, 0, 15.0])).toBeUndefined();
  });

  it('refuses what cannot be placed, with the reason', () => {
    const { ds, stored } = doseDataset(spec);
    expect(() => parseDoseGrid({ ...ds, '3004000C': { vr: 'DS', Value: [0, 2] } }, stored)).toThrow(/2 offsets for 16 frames/);
    expect(() => parseDoseGrid({ ...ds, '00200032': { vr: 'DS' } }, stored)).toThrow(DoseGridError);
    const tilted = doseDataset({ ...spec, absoluteOffsets: true }).ds;
    expect(() => parseDoseGrid({ ...tilted, '00200037': { vr: 'DS', Value: [1, 0, 0, 0, 0, -1] } }, stored)).toThrow(/absolute form/);
    expect(() => parseDoseGrid(ds, stored.subarray(0, 100))).toThrow(/holds 100 values/);
  });

  it('never throws anything but a DoseGridError on damaged geometry (fast-check)', () => {
    const { ds, stored } = doseDataset(spec);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constant(0)), { maxLength: 20 }), fc.constantFrom('3004000C', '00280030', '00200032', '00200037'), (values, tag) => {
        try {
          parseDoseGrid({ ...ds, [tag]: { vr: 'DS', Value: values } }, stored);
        } catch (err) {
          expect(err).toBeInstanceOf(DoseGridError);
        }
      }),
    );
  });
});
