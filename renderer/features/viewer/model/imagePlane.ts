/**
 * Image planes in patient space, for what cells show of each other: the reference line of one image on
 * another, and the slice of a parallel series nearest to a point (linked scrolling). Pure.
 */
import { getNumbers, getString, type DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';

export type Vec3 = [number, number, number];

export interface ImagePlane {
  frameOfReferenceUid: string;
  /** Image Position (Patient): centre of the first transmitted pixel, mm. */
  origin: Vec3;
  /** Direction of increasing column index (along a row), and of increasing row index. */
  rowDirection: Vec3;
  columnDirection: Vec3;
  normal: Vec3;
  rows: number;
  columns: number;
  /** mm between rows, between columns (Pixel Spacing values 1 and 2). */
  rowSpacing: number;
  columnSpacing: number;
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** The plane of a single-frame image, or undefined when its geometry is incomplete. */
export function planeOf(ds: DicomJsonDataset): ImagePlane | undefined {
  const ipp = getNumbers(ds, Tag.ImagePositionPatient, 3);
  const iop = getNumbers(ds, Tag.ImageOrientationPatient, 6);
  const ps = getNumbers(ds, Tag.PixelSpacing, 2);
  const rows = Number(ds[Tag.Rows]?.Value?.[0]);
  const columns = Number(ds[Tag.Columns]?.Value?.[0]);
  if (!ipp || !iop || !ps || !(rows > 0) || !(columns > 0)) return undefined;
  const rowDirection = iop.slice(0, 3) as Vec3;
  const columnDirection = iop.slice(3, 6) as Vec3;
  return {
    frameOfReferenceUid: getString(ds, Tag.FrameOfReferenceUID) ?? '',
    origin: ipp as Vec3,
    rowDirection,
    columnDirection,
    normal: cross(rowDirection, columnDirection),
    rows,
    columns,
    rowSpacing: ps[0]!,
    columnSpacing: ps[1]!,
  };
}

/** The patient-space point at the centre of the image. */
export function centreOf(p: ImagePlane): Vec3 {
  const u = ((p.columns - 1) / 2) * p.columnSpacing;
  const v = ((p.rows - 1) / 2) * p.rowSpacing;
  return [0, 1, 2].map((a) => p.origin[a]! + p.rowDirection[a]! * u + p.columnDirection[a]! * v) as Vec3;
}

/** Planes whose normals are within ~25° of each other: "the same orientation" for linked scrolling. */
export function areParallel(a: ImagePlane, b: ImagePlane): boolean {
  return Math.abs(dot(a.normal, b.normal)) > 0.9;
}

export interface ImageSegment {
  from: { column: number; row: number };
  to: { column: number; row: number };
}

/**
 * Where `source`'s plane cuts the `target` image, as a segment in target pixel coordinates (column, row),
 * clipped to the image. Undefined when the frames of reference differ or the planes are (nearly) parallel.
 */
export function referenceLine(source: ImagePlane, target: ImagePlane): ImageSegment | undefined {
  if (!source.frameOfReferenceUid || source.frameOfReferenceUid !== target.frameOfReferenceUid) return undefined;
  // Target pixel (u, v) is at origin + u·rowDir·colSpacing + v·colDir·rowSpacing; on the source plane when
  // a·u + b·v + d = 0.
  const a = dot(source.normal, target.rowDirection) * target.columnSpacing;
  const b = dot(source.normal, target.columnDirection) * target.rowSpacing;
  const d = dot(source.normal, [0, 1, 2].map((i) => target.origin[i]! - source.origin[i]!) as Vec3);
  if (Math.hypot(a, b) < 1e-6 * Math.max(target.columnSpacing, target.rowSpacing) || Math.abs(dot(source.normal, target.normal)) > 0.999) return undefined;
  const uMax = target.columns - 1;
  const vMax = target.rows - 1;
  const points: { column: number; row: number }[] = [];
  const add = (u: number, v: number) => {
    if (u < -1e-9 || u > uMax + 1e-9 || v < -1e-9 || v > vMax + 1e-9) return;
    if (points.some((p) => Math.abs(p.column - u) < 1e-6 && Math.abs(p.row - v) < 1e-6)) return;
    points.push({ column: u, row: v });
  };
  if (Math.abs(b) > 1e-12) {
    add(0, -d / b);
    add(uMax, -(a * uMax + d) / b);
  }
  if (Math.abs(a) > 1e-12) {
    add(-d / a, 0);
    add(-(b * vMax + d) / a, vMax);
  }
  if (points.length < 2) return undefined;
  return { from: points[0]!, to: points[1]! };
}

/** Signed distance of a point from a plane, mm. */
export function distanceFromPlane(point: Vec3, plane: ImagePlane): number {
  return dot(plane.normal, [0, 1, 2].map((i) => point[i]! - plane.origin[i]!) as Vec3);
}

/** Index of the plane nearest to `point` (by distance along each plane's normal). */
export function nearestPlaneIndex(planes: readonly (ImagePlane | undefined)[], point: Vec3): number | undefined {
  let best: number | undefined;
  let bestDistance = Infinity;
  planes.forEach((p, i) => {
    if (!p) return;
    const d = Math.abs(distanceFromPlane(point, p));
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return best;
}
