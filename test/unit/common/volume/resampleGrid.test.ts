import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blendSlices, MAX_PLANES_PER_SLICE, regularGrid, shiftSlice } from '../../../../common/volume/resampleGrid';

describe('regularGrid', () => {
  it('puts planes at the median gap, each between the two acquired slices around it', () => {
    // Gaps 1, 1, 4, 2 mm: median (1, 1, 2, 4 → 1.5), span 8 → round(8 / 1.5) + 1 = 6 planes, 1.6 mm apart.
    const g = regularGrid([0, 1, 2, 6, 8]);
    expect(g.minGap).toBe(1);
    expect(g.maxGap).toBe(4);
    expect(g.planes).toHaveLength(6);
    expect(g.spacing).toBeCloseTo(1.6, 12);
    // Plane at 3.2 mm lies between the slices at 2 and 6: 30 % of the way.
    const p = g.planes[2]!;
    expect(p).toMatchObject({ lower: 2, upper: 3 });
    expect(p.distance).toBeCloseTo(3.2, 12);
    expect(p.t).toBeCloseTo(0.3, 12);
    // The first and last planes are the acquired end slices themselves.
    expect(g.planes[0]).toEqual({ lower: 0, upper: 0, t: 0, distance: 0 });
    expect(g.planes[5]).toEqual({ lower: 4, upper: 4, t: 0, distance: 8 });
  });

  it('uses the smallest gap when asked (finer grid)', () => {
    const g = regularGrid([0, 1, 2, 6, 8], 'smallest');
    expect(g.planes).toHaveLength(9);
    expect(g.spacing).toBeCloseTo(1, 12);
    // Every whole millimetre that was acquired is that slice, unchanged.
    expect(g.planes.filter((p) => p.t === 0).map((p) => p.lower)).toEqual([0, 1, 2, 3, 4]);
  });

  it('caps the planes for overlapping reconstructions with tiny gaps', () => {
    const g = regularGrid([0, 0.001, 10, 20], 'smallest');
    expect(g.planes.length).toBe(MAX_PLANES_PER_SLICE * 4);
  });

  it('refuses fewer than two slices and positions that do not increase', () => {
    expect(() => regularGrid([1])).toThrow(/two slices/);
    expect(() => regularGrid([0, 2, 2])).toThrow(/strictly increasing/);
    expect(() => regularGrid([0, Number.NaN])).toThrow(/strictly increasing/);
  });

  it('for any increasing positions: a regular grid from first to last, every plane bracketed by its slices', () => {
    const gapsArb = fc.array(fc.double({ min: 0.05, max: 30, noNaN: true }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), gapsArb, fc.constantFrom('median' as const, 'smallest' as const), (start, gaps, choice) => {
        const positions = [start];
        for (const g of gaps) positions.push(positions[positions.length - 1]! + g);
        const grid = regularGrid(positions, choice);
        const last = positions[positions.length - 1]!;
        expect(grid.planes.length).toBeLessThanOrEqual(Math.max(2, MAX_PLANES_PER_SLICE * positions.length));
        expect(grid.planes[0]!.distance).toBeCloseTo(start, 6);
        expect(grid.planes[grid.planes.length - 1]!.distance).toBeCloseTo(last, 6);
        grid.planes.forEach((p, i) => {
          // Regular: each plane one spacing after the one before.
          if (i > 0) expect(p.distance - grid.planes[i - 1]!.distance).toBeCloseTo(grid.spacing, 6);
          expect(p.t).toBeGreaterThanOrEqual(0);
          expect(p.t).toBeLessThan(1);
          if (p.t === 0) {
            expect(p.lower).toBe(p.upper);
            // On an acquired slice: within a thousandth of the gap around it.
            expect(Math.abs(p.distance - positions[p.lower]!)).toBeLessThanOrEqual(1e-3 * 30 + 1e-9);
          } else {
            expect(p.upper).toBe(p.lower + 1);
            expect(positions[p.lower]!).toBeLessThanOrEqual(p.distance + 1e-9);
            expect(positions[p.upper]!).toBeGreaterThanOrEqual(p.distance - 1e-9);
            // The weight says where the plane lies between the two slices.
            expect(positions[p.lower]! + p.t * (positions[p.upper]! - positions[p.lower]!)).toBeCloseTo(p.distance, 6);
          }
        });
      }),
    );
  });
});

describe('blendSlices', () => {
  it('interpolates linearly, rounding for integer volumes', () => {
    const out = new Int16Array(3);
    blendSlices(Int16Array.from([0, -1000, 100]), Int16Array.from([10, 1000, 101]), 0.25, out, true);
    expect([...out]).toEqual([3, -500, 100]);
    const f = new Float32Array(2);
    blendSlices([0, 1], [1, 3], 0.5, f, false);
    expect([...f]).toEqual([0.5, 2]);
  });
});

describe('shiftSlice', () => {
  // A 4×3 slice with distinct values: value = 10·row + column.
  const src = Float32Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));

  it('moves whole pixels exactly, filling what comes in from outside', () => {
    const out = new Float32Array(12);
    shiftSlice(src, 4, 3, 1, -1, out, -1000);
    // out(c, r) = src(c − 1, r + 1)
    expect([...out]).toEqual([-1000, 10, 11, 12, -1000, 20, 21, 22, -1000, -1000, -1000, -1000]);
  });

  it('interpolates bilinearly between pixels for a fractional shift', () => {
    const out = new Float32Array(12);
    shiftSlice(src, 4, 3, 0.25, 0.5, out, 0);
    // out(2, 1) = src(1.75, 0.5): the plane 10·r + c is linear, so exactly 10·0.5 + 1.75.
    expect(out[1 * 4 + 2]).toBeCloseTo(6.75, 6);
  });

  it('for any shift inside the slice, a linear ramp stays the same ramp moved by the shift', () => {
    fc.assert(
      fc.property(fc.double({ min: -1.5, max: 1.5, noNaN: true }), fc.double({ min: -1.5, max: 1.5, noNaN: true }), (dx, dy) => {
        const cols = 8;
        const rows = 8;
        const ramp = Float32Array.from({ length: cols * rows }, (_, i) => 3 * (i % cols) - 2 * Math.floor(i / cols));
        const out = new Float32Array(cols * rows);
        shiftSlice(ramp, cols, rows, dx, dy, out, Number.NaN);
        // Pixels whose source lies well inside: ramp(c − dx, r − dy).
        for (let r = 2; r < rows - 2; r++) for (let c = 2; c < cols - 2; c++) expect(out[r * cols + c]).toBeCloseTo(3 * (c - dx) - 2 * (r - dy), 4);
      }),
    );
  });
});
