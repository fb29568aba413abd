import { describe, expect, it } from 'vitest';
import { parseDoseGrid } from '../../../../common/rt/doseGrid';
import { computeDvh, slabsOf, structureVolumeCc, volumeAtDose } from '../../../../common/rt/dvh';
import type { ContourPlane } from '../../../../common/rt/structureSet';
import { circle, doseDataset, polygonAreaOfCircle, rect, spherePlanes } from '../../../support/rtGrids';

// A 3 mm grid, as planning systems export; the Gaussian tests use 1.5 mm, where trilinear interpolation of the
// field itself is off by well under 1 % (on 3 mm it is up to ~2 % low at the peak: the grid's error, not the DVH's).
const grid = (dose: (p: [number, number, number]) => number, offset: [number, number, number] = [0, 0, 0], h = 3) => {
  const n = Math.round(90 / h) + 1;
  const { ds, stored } = doseDataset({ origin: [-45 + offset[0], -45 + offset[1], -45 + offset[2]], spacing: [h, h, h], size: [n, n, n], dose });
  return parseDoseGrid(ds, stored);
};
const zs = Array.from({ length: 40 }, (_, k) => -48.75 + 2.5 * k); // CT planes, 2.5 mm apart, centred on 0

describe('slabsOf: end caps and gaps', () => {
  it('extrudes each plane halfway to its neighbours and half a plane spacing beyond the first and last', () => {
    const planes = [0, 2.5, 5].map((z) => ({ z, polygons: [rect(0, 0, 1, 1)] }));
    expect(slabsOf(planes, 3).map((s) => [s.lo, s.hi])).toEqual([[-1.25, 1.25], [1.25, 3.75], [3.75, 6.25]]);
  });
  it('caps both parts of a structure with a gap, instead of bridging it', () => {
    const planes = [0, 2.5, 5, 20, 22.5].map((z) => ({ z, polygons: [rect(0, 0, 1, 1)] }));
    const s = slabsOf(planes, 3);
    expect([s[2]!.hi, s[3]!.lo]).toEqual([6.25, 18.75]);
  });
});

describe('computeDvh', () => {
  it('a box in a uniform field: its volume (planes × spacing) and every dose statistic equal the field', () => {
    const planes = zs.filter((z) => Math.abs(z) < 9).map((z) => ({ z, polygons: [rect(-10, -10, 10, 10)] }));
    const dvh = computeDvh(planes, grid(() => 2));
    expect(dvh.volumeCc).toBeCloseTo((20 * 20 * planes.length * 2.5) / 1000, 3);
    for (const v of [dvh.minGy, dvh.maxGy, dvh.meanGy, dvh.D['98'], dvh.D['2'], dvh.D0_03ccGy]) expect(v).toBeCloseTo(2, 3);
    expect(volumeAtDose(dvh.cumulative, 1.99)).toBeCloseTo(dvh.volumeCc, 3);
    expect(volumeAtDose(dvh.cumulative, 2.01)).toBe(0);
  });

  it('a box in a field rising along z: the cumulative DVH is the straight line the field makes', () => {
    // 8 planes from -8.75 to 8.75 mm, so with the end caps the box spans z -10…10; D = 50 + z runs 40…60 Gy
    // evenly over its volume.
    const planes = zs.filter((z) => Math.abs(z) < 9).map((z) => ({ z, polygons: [rect(-10, -10, 10, 10)] }));
    expect(planes).toHaveLength(8);
    const dvh = computeDvh(planes, grid((p) => 50 + p[2]));
    const v = dvh.volumeCc;
    expect(v).toBeCloseTo(8, 3);
    expect(dvh.minGy).toBeCloseTo(40, 0);
    expect(dvh.maxGy).toBeCloseTo(60, 0);
    expect(dvh.meanGy).toBeCloseTo(50, 2);
    // Sub-planes every 0.25 mm make the dose a staircase of 0.25 Gy steps: Dx is within a step.
    expect(Math.abs(dvh.D['50'] - 50)).toBeLessThan(0.25);
    expect(Math.abs(dvh.D['95'] - 41)).toBeLessThan(0.25);
    expect(Math.abs(dvh.D['2'] - 59.6)).toBeLessThan(0.25);
    expect(volumeAtDose(dvh.cumulative, 45)).toBeCloseTo((v * 15) / 20, 2);
  });

  it('a hole is a hole: a ring (outer and inner contour on each plane) has the area between them', () => {
    const planes = zs.filter((z) => Math.abs(z) < 5).map((z) => ({ z, polygons: [circle(0, 0, 20), circle(0, 0, 10)] }));
    const dvh = computeDvh(planes, grid(() => 1));
    const expected = ((polygonAreaOfCircle(20) - polygonAreaOfCircle(10)) * planes.length * 2.5) / 1000;
    expect(dvh.volumeCc / expected).toBeGreaterThan(0.995);
    expect(dvh.volumeCc / expected).toBeLessThan(1.005);
  });

  // The analytic DVH of a sphere of radius R centred on a Gaussian dose peak: V(≥d) = 4/3 π min(R, r(d))³ with
  // r(d) = σ √(2 ln(peak/d)). Drawn on 2.5 mm planes, the structure is the sphere to well under 1 %.
  const sigma = 12;
  const gauss = (c: readonly number[]) => (p: [number, number, number]) => 60 * Math.exp(-((p[0] - c[0]!) ** 2 + (p[1] - c[1]!) ** 2 + (p[2] - c[2]!) ** 2) / (2 * sigma * sigma));
  const sphereDvh = (R: number, d: number) => ((4 / 3) * Math.PI * Math.min(R, sigma * Math.sqrt(2 * Math.log(60 / d))) ** 3) / 1000;

  for (const [label, R, c, offset] of [
    ['a 15 mm sphere', 15, [0, 0, 0], [0, 0, 0]],
    ['a 15 mm sphere on a grid offset by a fraction of a voxel', 15, [0, 0, 0], [1.1, -0.7, 0.9]],
    ['a lens-sized 6 mm sphere on an offset grid', 6, [0, 0, 0], [1.1, -0.7, 0.9]],
  ] as const) {
    it(`${label}: the DVH is within 1 % volume and 1 % dose of the analytic one`, () => {
      const planes = spherePlanes([...c] as [number, number, number], R, zs);
      const dvh = computeDvh(planes, grid(gauss(c), [...offset] as [number, number, number], 1.5));
      // The structure is what was drawn: circles on 2.5 mm planes, each extruded over its slab. Its volume is the
      // sum of the polygons' areas × 2.5 mm, which for a small sphere is a few % under 4/3 πR³.
      const drawn = (planes.reduce((a, p) => a + polygonAreaOfCircle(Math.sqrt(R * R - (p.z - c[2]) ** 2)), 0) * 2.5) / 1000;
      expect(Math.abs(dvh.volumeCc / drawn - 1)).toBeLessThan(0.005);
      const volume = ((4 / 3) * Math.PI * R ** 3) / 1000;
      expect(Math.abs(dvh.volumeCc / volume - 1)).toBeLessThan(R >= 15 ? 0.01 : 0.025);
      // Each point of the curve within 1 % volume or 1 % of the maximum dose (the trilinear interpolation of the
      // Gaussian on a 3 mm grid runs up to ~0.8 % low near the peak: that shows as a dose error, within 1 %).
      const doseForVolume = (cc: number) => {
        for (let i = dvh.cumulative.length - 1; i >= 0; i--) if (dvh.cumulative[i]![1] >= cc) return dvh.cumulative[i]![0];
        return 0;
      };
      for (const d of [10, 20, 30, 40, 45, 50, 55]) {
        const va = sphereDvh(R, d);
        if (va >= volume * 0.999) {
          expect(Math.abs(volumeAtDose(dvh.cumulative, d) - dvh.volumeCc) / volume).toBeLessThan(0.001);
          continue;
        }
        const volumeOk = Math.abs(volumeAtDose(dvh.cumulative, d) - va) / volume < 0.01;
        const doseOk = Math.abs(doseForVolume(va) - d) / 60 < 0.01;
        expect(volumeOk || doseOk, `at ${d} Gy: ${volumeAtDose(dvh.cumulative, d).toFixed(3)} cc vs ${va.toFixed(3)} cc analytic`).toBe(true);
      }
      // The hottest 95 % of a sphere centred on the peak is the inner sphere of 0.95 of its volume.
      const r95 = R * Math.cbrt(0.95);
      const d95 = 60 * Math.exp(-(r95 * r95) / (2 * sigma * sigma));
      expect(Math.abs(dvh.D['95'] - d95) / 60).toBeLessThan(0.01);
      expect(Math.abs(dvh.D['50'] - 60 * Math.exp(-((R * Math.cbrt(0.5)) ** 2) / (2 * sigma * sigma))) / 60).toBeLessThan(0.01);
      expect(dvh.maxGy).toBeGreaterThan(59);
    });
  }

  it('refuses a structure that encloses nothing, with the reason', () => {
    expect(() => computeDvh([], grid(() => 1))).toThrow(/no closed contours/);
  });

  it('structure volumes (the list beside the image) agree within 2 % with a plain voxel rasterisation', () => {
    // The test's rasterisation: 0.5 mm voxels; a voxel is in the structure when the contour plane nearest in z is
    // within half a plane spacing and its centre is inside an odd number of that plane's contours (ray casting).
    const raster = (planes: ContourPlane[], spacing: number) => {
      const inside = (poly: Float64Array, x: number, y: number) => {
        let c = false;
        for (let i = 0, j = poly.length / 2 - 1; i < poly.length / 2; j = i++) {
          const yi = poly[i * 2 + 1]!;
          const yj = poly[j * 2 + 1]!;
          if (yi > y !== yj > y && x < ((poly[j * 2]! - poly[i * 2]!) * (y - yi)) / (yj - yi) + poly[i * 2]!) c = !c;
        }
        return c;
      };
      let n = 0;
      const h = 0.5;
      for (let z = -30 + h / 2; z < 30; z += h) {
        const plane = planes.reduce((a, b) => (Math.abs(b.z - z) < Math.abs(a.z - z) ? b : a));
        if (Math.abs(plane.z - z) > spacing / 2) continue;
        for (let y = -30 + h / 2; y < 30; y += h)
          for (let x = -30 + h / 2; x < 30; x += h) if (plane.polygons.filter((p) => inside(p, x, y)).length % 2 === 1) n++;
      }
      return (n * h ** 3) / 1000;
    };
    const ring = zs.filter((z) => Math.abs(z) < 5).map((z) => ({ z, polygons: [circle(0, 0, 20), circle(0, 0, 10)] }));
    const lens = spherePlanes([0, 0, 0], 6, zs);
    const breastLike = zs.filter((z) => Math.abs(z) < 20).map((z) => ({ z, polygons: [circle(z / 4, 0, 25 - Math.abs(z) / 2, 64)] }));
    for (const planes of [ring, lens, breastLike]) {
      const v = structureVolumeCc(planes, 2.5);
      expect(Math.abs(v / raster(planes, 2.5) - 1)).toBeLessThan(0.02);
    }
  });
});

