/**
 * A segment mask (on its volume's voxel grid) sampled on any plane, for drawing the segment's outline over MPR or
 * fused planes: each plane pixel takes the voxel its centre falls in (nearest neighbour, as the mask is binary),
 * 0 outside the volume. The outline is then the 0.5 isoline (common/rt/isodose.ts's marching squares).
 */
import type { Volume } from '../registration/types';
import type { PlaneSampling } from '../rt/isodose';


export function maskOnPlane(mask: Uint8Array, grid: Pick<Volume, 'dims' | 'spacing' | 'origin' | 'direction'>, plane: PlaneSampling): Float32Array {
  const out = new Float32Array(plane.rows * plane.columns);
  const [nx, ny, nz] = grid.dims;
  const d = grid.direction;
  // direction is row-major [i_x, j_x, k_x, i_y, j_y, k_y, i_z, j_z, k_z]: columns are the axes.
  const ax = [d[0]!, d[3]!, d[6]!];
  const ay = [d[1]!, d[4]!, d[7]!];
  const az = [d[2]!, d[5]!, d[8]!];
  const [sx, sy, sz] = grid.spacing;
  const [ox, oy, oz] = grid.origin;
  for (let r = 0; r < plane.rows; r++) {
    for (let c = 0; c < plane.columns; c++) {
      const px = plane.origin[0] + plane.rowDirection[0] * c * plane.columnSpacing + plane.columnDirection[0] * r * plane.rowSpacing - ox;
      const py = plane.origin[1] + plane.rowDirection[1] * c * plane.columnSpacing + plane.columnDirection[1] * r * plane.rowSpacing - oy;
      const pz = plane.origin[2] + plane.rowDirection[2] * c * plane.columnSpacing + plane.columnDirection[2] * r * plane.rowSpacing - oz;
      const i = Math.round((px * ax[0]! + py * ax[1]! + pz * ax[2]!) / sx);
      const j = Math.round((px * ay[0]! + py * ay[1]! + pz * ay[2]!) / sy);
      const k = Math.round((px * az[0]! + py * az[1]! + pz * az[2]!) / sz);
      if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
      out[r * plane.columns + c] = mask[(k * ny + j) * nx + i]!;
    }
  }
  return out;
}
