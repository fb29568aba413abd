import { describe, expect, it } from 'vitest';
import { curveSamples, NEAR_PLANE_MM, nearHalfThicknessMm, planeDistanceMm, projectPoints, runsBySlab, svgPoints } from '../../../../../../renderer/features/cpr/model/pathProjection';

// An axial plane at z = 5 seen with 2 px per mm, canvas origin at patient (−100, −100).
const camera = { focalPoint: [0, 0, 5] as const, viewPlaneNormal: [0, 0, 1] as const };
const toCanvas = (p: readonly [number, number, number]) => [(p[0] + 100) * 2, (p[1] + 100) * 2] as const;

describe('the path over a plane', () => {
  it('measures each point from the plane and marks those within the slab', () => {
    expect(planeDistanceMm([3, 4, 8], camera)).toBe(3);
    const projected = projectPoints([[0, 0, 5], [10, 0, 5.8], [20, 0, 9]], camera, toCanvas, nearHalfThicknessMm(undefined));
    expect(projected.map((p) => [p.x, p.y])).toEqual([[200, 200], [220, 200], [240, 200]]);
    expect(projected.map((p) => p.near)).toEqual([true, true, false]);
    expect(projected[2]!.distanceMm).toBe(4);
  });

  it('counts half the MPR slab as on the plane, never less than NEAR_PLANE_MM', () => {
    expect(nearHalfThicknessMm(undefined)).toBe(NEAR_PLANE_MM);
    expect(nearHalfThicknessMm(0.1)).toBe(NEAR_PLANE_MM);
    expect(nearHalfThicknessMm(10)).toBe(5);
  });

  it('splits the projected curve into near and far runs that share their boundary points', () => {
    const pts = [0, 0.5, 3, 4, 0.2].map((z, i) => [i * 10, 0, 5 + z] as [number, number, number]);
    const runs = runsBySlab(projectPoints(pts, camera, toCanvas, 1));
    expect(runs.map((r) => [r.near, r.points.length])).toEqual([
      [true, 2],
      [false, 3],
      [true, 2],
    ]);
    expect(runs[1]!.points[0]).toBe(runs[0]!.points[1]);
    expect(svgPoints(runs[0]!.points)).toBe('200.0,200.0 220.0,200.0');
  });

  it('samples the smooth curve through the clicks, passing through them', () => {
    const samples = curveSamples([[0, 0, 0], [10, 10, 0], [20, 0, 0]], 1);
    expect(samples.length).toBeGreaterThan(28);
    expect(samples[0]).toEqual([0, 0, 0]);
    expect(samples[samples.length - 1]).toEqual([20, 0, 0]);
    expect(curveSamples([[1, 2, 3]])).toEqual([[1, 2, 3]]);
  });
});
