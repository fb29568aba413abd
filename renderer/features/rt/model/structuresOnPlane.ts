/**
 * Which contours of an RT Structure Set lie on the image shown, in that image's pixel coordinates, for the structure
 * layer over a stack cell. Pure.
 *
 * A planar contour is drawn on the image whose plane it lies on: every point within `toleranceMm` of the plane
 * (half the slice spacing by default: the contours a planning system draws sit on the CT's own planes). Contours on
 * other planes are not drawn there; cutting a structure by a plane it was not drawn on (sagittal, oblique) is the
 * MPR's job.
 */
import type { Roi } from '../../../../common/rt/structureSet';

export type Vec3 = [number, number, number];

/** An image's plane (the viewer's ImagePlane has these fields): patient mm and unit vectors. */
export interface PlaneGeometry {
  origin: Vec3;
  rowDirection: Vec3;
  columnDirection: Vec3;
  normal: Vec3;
  rowSpacing: number;
  columnSpacing: number;
}

export interface PlaneContour {
  type: 'CLOSED_PLANAR' | 'OPEN_PLANAR' | 'POINT';
  /** column, row pairs (0, 0 = centre of the first pixel). */
  pixels: number[];
}

export interface RoiOnPlane {
  roiNumber: number;
  contours: PlaneContour[];
}

const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;

/** Patient mm → (column, row) of `plane`, and the distance from it along its normal. */
export function toPixel(plane: PlaneGeometry, p: readonly [number, number, number] | Vec3): { column: number; row: number; off: number } {
  const d = [p[0] - plane.origin[0], p[1] - plane.origin[1], p[2] - plane.origin[2]];
  return { column: dot(d, plane.rowDirection) / plane.columnSpacing, row: dot(d, plane.columnDirection) / plane.rowSpacing, off: dot(d, plane.normal) };
}

export function structuresOnPlane(rois: readonly Roi[], plane: PlaneGeometry, toleranceMm: number): RoiOnPlane[] {
  const out: RoiOnPlane[] = [];
  for (const roi of rois) {
    const contours: PlaneContour[] = [];
    for (const c of roi.contours) {
      if (c.type === 'OPEN_NONPLANAR') continue;
      const pixels: number[] = [];
      let on = true;
      for (let i = 0; i < c.points.length && on; i += 3) {
        const px = toPixel(plane, [c.points[i]!, c.points[i + 1]!, c.points[i + 2]!]);
        if (Math.abs(px.off) > toleranceMm) on = false;
        pixels.push(px.column, px.row);
      }
      if (on && pixels.length) contours.push({ type: c.type, pixels });
    }
    if (contours.length) out.push({ roiNumber: roi.number, contours });
  }
  return out;
}

/** The centre of a structure's contours (mean of its closed contours' points), to jump to it. */
export function structureCentre(roi: Roi): Vec3 | undefined {
  let n = 0;
  const sum: Vec3 = [0, 0, 0];
  for (const c of roi.contours) {
    for (let i = 0; i < c.points.length; i += 3) {
      sum[0] += c.points[i]!;
      sum[1] += c.points[i + 1]!;
      sum[2] += c.points[i + 2]!;
      n++;
    }
  }
  return n ? [sum[0] / n, sum[1] / n, sum[2] / n] : undefined;
}
