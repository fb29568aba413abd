import { describe, expect, it } from 'vitest';
import { isodoseSegments } from '../../../../common/rt/isodose';
import { structureMaskOnPlane } from '../../../../common/rt/structureMask';
import { circle, spherePlanes } from '../../../support/rtGrids';

const zs = Array.from({ length: 40 }, (_, k) => -48.75 + 2.5 * k);

describe('structureMaskOnPlane', () => {
  it('cuts a sphere drawn on axial planes with a sagittal plane: a disc, its outline at the sphere’s radius', () => {
    const planes = spherePlanes([0, 0, 0], 15, zs);
    // Sagittal plane x = 0: columns along −y… here +y, rows down the patient (−z), 0.5 mm pixels, 80 × 80 mm.
    const sag = { origin: [0, -40, 40] as const, rowDirection: [0, 1, 0] as const, columnDirection: [0, 0, -1] as const, rowSpacing: 0.5, columnSpacing: 0.5, rows: 161, columns: 161 };
    const mask = structureMaskOnPlane(planes, 2.5, sag);
    const s = isodoseSegments(mask, 161, 161, 0.5);
    expect(s.length).toBeGreaterThan(40);
    let inPlaneMax = 0;
    let zMax = 0;
    for (let i = 0; i < s.length; i += 2) {
      const y = -40 + 0.5 * s[i]!;
      const z = 40 - 0.5 * s[i + 1]!;
      // Slabs: the outline follows the stair of the extruded planes, within one plane spacing of the sphere.
      expect(Math.abs(Math.hypot(y, z) - 15)).toBeLessThan(3);
      inPlaneMax = Math.max(inPlaneMax, Math.abs(y));
      zMax = Math.max(zMax, Math.abs(z));
    }
    // End caps: the top and bottom planes (z = ±13.75) reach half a spacing further, to ±15 mm.
    expect(zMax).toBeCloseTo(15, 0);
    expect(inPlaneMax).toBeCloseTo(15, 0);
  });

  it('keeps holes on any plane: a ring cut through its middle shows two bands', () => {
    const ring = zs.filter((z) => Math.abs(z) < 5).map((z) => ({ z, polygons: [circle(0, 0, 20), circle(0, 0, 10)] }));
    const sag = { origin: [0, -30, 0] as const, rowDirection: [0, 1, 0] as const, columnDirection: [0, 0, -1] as const, rowSpacing: 1, columnSpacing: 1, rows: 1, columns: 61 };
    const m = structureMaskOnPlane(ring, 2.5, sag);
    const inside = (y: number) => m[y + 30]!;
    expect([inside(-15), inside(0), inside(15), inside(25)]).toEqual([1, 0, 1, 0]);
  });
});
