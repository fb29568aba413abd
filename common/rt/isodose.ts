/**
 * Isodose lines and the dose on an image plane, for the viewer's dose overlay (issue #17).
 *
 * `doseOnPlane` samples the dose grid at each pixel centre of an image (its own geometry: any orientation, any
 * offset between the grids), by the same trilinear interpolation in patient coordinates as the DVH (doseGrid.ts).
 * `isodoseSegments` is marching squares over that sampled plane: the line where the interpolated dose crosses a
 * level, as segments in the image's pixel coordinates (column, row; 0, 0 = the first pixel's centre). The
 * saddle cases are resolved by the cell's centre value, so lines never cross.
 */
import { doseSampler, type DoseGrid } from './doseGrid';

export interface PlaneSampling {
  /** Centre of the first pixel, and the unit directions of increasing column and row (patient mm). */
  origin: readonly [number, number, number];
  rowDirection: readonly [number, number, number];
  columnDirection: readonly [number, number, number];
  /** mm between rows, between columns. */
  rowSpacing: number;
  columnSpacing: number;
  rows: number;
  columns: number;
}

/** Gy at each pixel centre (row-major), NaN where the image lies outside the dose grid. */
export function doseOnPlane(grid: DoseGrid, plane: PlaneSampling): Float32Array {
  const out = new Float32Array(plane.rows * plane.columns);
  const dose = doseSampler(grid);
  const [ox, oy, oz] = plane.origin;
  const [ux, uy, uz] = plane.rowDirection.map((v) => v * plane.columnSpacing);
  const [vx, vy, vz] = plane.columnDirection.map((v) => v * plane.rowSpacing);
  for (let r = 0; r < plane.rows; r++) {
    for (let c = 0; c < plane.columns; c++) out[r * plane.columns + c] = dose(ox + ux! * c + vx! * r, oy + uy! * c + vy! * r, oz + uz! * c + vz! * r);
  }
  return out;
}

/** Flat list of segments x0, y0, x1, y1 (pixel coordinates) where `values` crosses `level`. */
export function isodoseSegments(values: Float32Array, columns: number, rows: number, level: number): Float32Array {
  const out: number[] = [];
  const v = (c: number, r: number) => values[r * columns + c]!;
  // Where the edge from a to b crosses the level (a fraction from a).
  const t = (a: number, b: number) => (level - a) / (b - a);
  for (let r = 0; r + 1 < rows; r++) {
    for (let c = 0; c + 1 < columns; c++) {
      const a = v(c, r);
      const b = v(c + 1, r);
      const d = v(c + 1, r + 1);
      const e = v(c, r + 1);
      if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(d) || Number.isNaN(e)) continue;
      const idx = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (d >= level ? 4 : 0) | (e >= level ? 8 : 0);
      if (idx === 0 || idx === 15) continue;
      // Crossing points on the four edges: top (a–b), right (b–d), bottom (e–d), left (a–e).
      const top = () => [c + t(a, b), r];
      const right = () => [c + 1, r + t(b, d)];
      const bottom = () => [c + t(e, d), r + 1];
      const left = () => [c, r + t(a, e)];
      const seg = (p: number[], q: number[]) => out.push(p[0]!, p[1]!, q[0]!, q[1]!);
      switch (idx) {
        case 1:
        case 14:
          seg(left(), top());
          break;
        case 2:
        case 13:
          seg(top(), right());
          break;
        case 3:
        case 12:
          seg(left(), right());
          break;
        case 4:
        case 11:
          seg(right(), bottom());
          break;
        case 6:
        case 9:
          seg(top(), bottom());
          break;
        case 7:
        case 8:
          seg(left(), bottom());
          break;
        case 5:
        case 10: {
          // Saddle: the centre decides which corners the high region joins.
          const centreHigh = (a + b + d + e) / 4 >= level;
          if ((idx === 5) === centreHigh) {
            seg(left(), bottom());
            seg(top(), right());
          } else {
            seg(left(), top());
            seg(right(), bottom());
          }
          break;
        }
      }
    }
  }
  return Float32Array.from(out);
}

/** SVG path data for segments from isodoseSegments, scaled by `scale` (e.g. sample spacing in canvas px). */
export function segmentsPath(s: Float32Array, scale = 1, digits = 2): string {
  let d = '';
  for (let i = 0; i < s.length; i += 4) d += `M${(s[i]! * scale).toFixed(digits)} ${(s[i + 1]! * scale).toFixed(digits)}L${(s[i + 2]! * scale).toFixed(digits)} ${(s[i + 3]! * scale).toFixed(digits)}`;
  return d;
}
