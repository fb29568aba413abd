/**
 * The reader's curved path as data (issue #19): the clicked points in patient millimetres, in order, and how long
 * the smooth curve through them is. It is what the measurements save (common/sr/savedMeasurements.ts, tool
 * 'CurvedPath': frame of reference + 3D points), so it holds plain numbers only.
 */
import { curvePath } from '../../../../common/cpr';

export type PathPoint = [number, number, number];

export interface CurvedPathData {
  /** The frame of reference the points are in (the series'); undefined when the series names none. */
  frameOfReferenceUid: string | undefined;
  /** The clicked points, patient mm (LPS), in the order the reader placed them. */
  points: PathPoint[];
  /** Length along the smooth curve through the points (centripetal Catmull–Rom, as the CPR samples it), mm. */
  lengthMm: number;
}

/**
 * A click closer than this to the previous point is the same point (the second click of a double click, a
 * trembling hand): mm. Well under a voxel, so two deliberate clicks on neighbouring voxels both count.
 */
export const SAME_CLICK_MM = 0.05;

/** The points with `point` appended, unless it repeats the last one (then the same array). */
export function appendPoint(points: readonly PathPoint[], point: readonly [number, number, number]): readonly PathPoint[] {
  if (!point.every((v) => Number.isFinite(v))) return points;
  const last = points[points.length - 1];
  if (last && Math.hypot(last[0] - point[0], last[1] - point[1], last[2] - point[2]) <= SAME_CLICK_MM) return points;
  return [...points, [point[0], point[1], point[2]]];
}

/** The length of the curve through the points (mm), or undefined with fewer than 2 distinct points. */
export function pathLengthMm(points: readonly PathPoint[]): number | undefined {
  if (points.length < 2) return undefined;
  try {
    return curvePath(points).lengthMm;
  } catch {
    return undefined;
  }
}

/** The path as the measurements keep it, or undefined when it is not a path yet (fewer than 2 distinct points). */
export function curvedPathData(points: readonly PathPoint[], frameOfReferenceUid: string | undefined): CurvedPathData | undefined {
  const lengthMm = pathLengthMm(points);
  if (lengthMm === undefined) return undefined;
  return { frameOfReferenceUid, points: points.map((p) => [p[0], p[1], p[2]]), lengthMm };
}

/** "123.4": lengths to a tenth of a millimetre, as the MPR's other measurements show them. */
export const formatMm = (mm: number): string => (Math.round(mm * 10) / 10).toFixed(1);
