/**
 * The curved path over an MPR plane: which clicked points lie in the plane shown (within its slab) and the curve
 * projected onto the canvas, split into the stretches near the plane (drawn solid) and away from it (drawn dashed),
 * so a reader scrolling through a plane sees where the path pierces it and where it runs off in front or behind.
 */
import { curvePath } from '../../../../common/cpr';
import type { PathPoint } from './curvedPath';

type Vec3 = readonly [number, number, number];

export interface PlaneCamera {
  focalPoint: Vec3;
  /** Unit normal of the plane shown. */
  viewPlaneNormal: Vec3;
}

export interface ProjectedPoint {
  x: number;
  y: number;
  /** Signed distance from the plane along its normal, mm. */
  distanceMm: number;
  /** Whether the point lies within the slab shown (|distance| ≤ half the slab, at least NEAR_PLANE_MM). */
  near: boolean;
}

/**
 * A point this close to a thin plane counts as on it, mm: a click lands on the plane exactly, but after scrolling by a
 * slice (0.5–1 mm on a CT) the reader still wants to see the points of the slice before as "here".
 */
export const NEAR_PLANE_MM = 1;

/** Half the thickness within which points show as on the plane: half the MPR slab, never less than NEAR_PLANE_MM. */
export function nearHalfThicknessMm(slabThicknessMm: number | undefined): number {
  return Math.max(NEAR_PLANE_MM, Number.isFinite(slabThicknessMm) && slabThicknessMm! > 0 ? slabThicknessMm! / 2 : 0);
}

export const planeDistanceMm = (p: Vec3, camera: PlaneCamera): number => {
  const n = camera.viewPlaneNormal;
  const f = camera.focalPoint;
  return (p[0] - f[0]) * n[0] + (p[1] - f[1]) * n[1] + (p[2] - f[2]) * n[2];
};

/** Each point on the canvas (toCanvas: the viewport's world → CSS px), with its distance from the plane. */
export function projectPoints(points: readonly Vec3[], camera: PlaneCamera, toCanvas: (p: Vec3) => readonly [number, number], halfThicknessMm: number): ProjectedPoint[] {
  return points.map((p) => {
    const [x, y] = toCanvas(p);
    const distanceMm = planeDistanceMm(p, camera);
    return { x, y, distanceMm, near: Math.abs(distanceMm) <= halfThicknessMm };
  });
}

/** The smooth curve through the points, sampled every `stepMm` (the points themselves when they are fewer than 2). */
export function curveSamples(points: readonly PathPoint[], stepMm = 1): Vec3[] {
  if (points.length < 2) return [...points];
  try {
    return [...curvePath(points, { stepMm }).points];
  } catch {
    return [...points];
  }
}

export interface ProjectedRun {
  near: boolean;
  points: ProjectedPoint[];
}

/**
 * Consecutive stretches of the projected curve that are all near the plane or all away from it; neighbouring runs
 * share their boundary point, so together they draw one unbroken line.
 */
export function runsBySlab(projected: readonly ProjectedPoint[]): ProjectedRun[] {
  const runs: ProjectedRun[] = [];
  for (const p of projected) {
    const run = runs[runs.length - 1];
    if (run && run.near === p.near) run.points.push(p);
    else runs.push({ near: p.near, points: run ? [run.points[run.points.length - 1]!, p] : [p] });
  }
  return runs;
}

/** SVG `points` of a polyline. */
export const svgPoints = (points: readonly { x: number; y: number }[]): string => points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
