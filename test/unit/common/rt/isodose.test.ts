import { describe, expect, it } from 'vitest';
import { parseDoseGrid } from '../../../../common/rt/doseGrid';
import { doseOnPlane, isodoseSegments } from '../../../../common/rt/isodose';
import { doseDataset } from '../../../support/rtGrids';

describe('doseOnPlane', () => {
  it('samples the dose at each pixel centre of an image whose grid is offset from the dose grid', () => {
    const linear = (p: [number, number, number]) => 20 + 0.1 * p[0] + 0.2 * p[1] + 0.3 * p[2];
    const { ds, stored } = doseDataset({ origin: [-30.7, -29.2, -10.4], spacing: [3, 3, 3], size: [21, 21, 8], dose: linear });
    const grid = parseDoseGrid(ds, stored);
    const image = { origin: [-20, -20, 1.25] as const, rowDirection: [1, 0, 0] as const, columnDirection: [0, 1, 0] as const, rowSpacing: 2, columnSpacing: 2, rows: 20, columns: 20 };
    const d = doseOnPlane(grid, image);
    for (const [c, r] of [[0, 0], [7, 3], [19, 19]] as const) expect(d[r * 20 + c]).toBeCloseTo(linear([-20 + 2 * c, -20 + 2 * r, 1.25]), 3);
    // Outside the grid: NaN, not a made-up dose.
    const outside = doseOnPlane(grid, { ...image, origin: [-20, -20, 50] });
    expect(Number.isNaN(outside[0]!)).toBe(true);
  });
});

describe('isodoseSegments', () => {
  const cone = (n: number, cx: number, cy: number) => {
    const v = new Float32Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) v[r * n + c] = 100 - Math.hypot(c - cx, r - cy);
    return v;
  };

  it('draws the level where the dose crosses it: on a cone, a closed ring at the level’s radius', () => {
    const v = cone(64, 31.3, 30.6);
    for (const level of [90, 80, 75]) {
      const s = isodoseSegments(v, 64, 64, level);
      expect(s.length).toBeGreaterThan(40);
      for (let i = 0; i < s.length; i += 2) expect(Math.abs(Math.hypot(s[i]! - 31.3, s[i + 1]! - 30.6) - (100 - level))).toBeLessThan(0.1);
      // Closed: every end point is shared by exactly two segments.
      const ends = new Map<string, number>();
      for (let i = 0; i < s.length; i += 2) {
        const k = `${s[i]!.toFixed(4)},${s[i + 1]!.toFixed(4)}`;
        ends.set(k, (ends.get(k) ?? 0) + 1);
      }
      expect([...ends.values()].every((n) => n === 2)).toBe(true);
    }
  });

  it('draws nothing for a level above the maximum, and nothing across cells outside the grid', () => {
    const v = cone(16, 8, 8);
    expect(isodoseSegments(v, 16, 16, 101)).toHaveLength(0);
    v.fill(NaN, 0, 16 * 8);
    const s = isodoseSegments(v, 16, 16, 95);
    for (let i = 1; i < s.length; i += 2) expect(s[i]!).toBeGreaterThanOrEqual(8);
  });
});
