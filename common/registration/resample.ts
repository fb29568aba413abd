/**
 * Resampling a volume onto another grid (trilinear), optionally through a transform: for tests and phantoms
 * (a CBCT-like copy of a CT, a perturbed copy), and later for fusion previews. Not used by the optimizer.
 */
import { indexToPatient, invertAffine, matrix4ToAffine } from './affine';
import type { Matrix4, Volume } from './types';

export type Grid = Omit<Volume, 'data'>;

/**
 * The source's values on `grid`: voxel q of the result holds source(T(p(q))), with p the grid's index → patient map
 * and T `gridToSource` (patient mm → patient mm; identity when absent). Points outside the source get `outside`.
 */
export function resampleVolume(source: Volume, grid: Grid, gridToSource?: Matrix4, outside = 0): Volume {
  const g = indexToPatient(grid);
  const T = gridToSource ? matrix4ToAffine(gridToSource) : undefined;
  const s = invertAffine(indexToPatient(source));
  // index(grid) → index(source) = s ∘ T ∘ g
  const m = new Float64Array(12);
  const chain = T ? compose(s, compose(T, g)) : compose(s, g);
  m.set(chain);
  const [nx, ny, nz] = grid.dims;
  const [sx, sy, sz] = source.dims;
  const d = source.data;
  const out = new Float32Array(nx * ny * nz);
  const stY = sx;
  const stZ = sx * sy;
  let q = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, q++) {
        const x = m[0]! * i + m[1]! * j + m[2]! * k + m[3]!;
        const y = m[4]! * i + m[5]! * j + m[6]! * k + m[7]!;
        const z = m[8]! * i + m[9]! * j + m[10]! * k + m[11]!;
        if (!(x >= 0 && x <= sx - 1 && y >= 0 && y <= sy - 1 && z >= 0 && z <= sz - 1)) {
          out[q] = outside;
          continue;
        }
        const x0 = Math.min(Math.floor(x), sx - 2);
        const y0 = Math.min(Math.floor(y), sy - 2);
        const z0 = Math.min(Math.floor(z), sz - 2);
        const fx = x - x0;
        const fy = y - y0;
        const fz = z - z0;
        const o = x0 + y0 * stY + z0 * stZ;
        const c00 = d[o]! + fx * (d[o + 1]! - d[o]!);
        const c10 = d[o + stY]! + fx * (d[o + stY + 1]! - d[o + stY]!);
        const c01 = d[o + stZ]! + fx * (d[o + stZ + 1]! - d[o + stZ]!);
        const c11 = d[o + stZ + stY]! + fx * (d[o + stZ + stY + 1]! - d[o + stZ + stY]!);
        const c0 = c00 + fy * (c10 - c00);
        const c1 = c01 + fy * (c11 - c01);
        out[q] = c0 + fz * (c1 - c0);
      }
    }
  }
  return { ...grid, data: out };
}

function compose(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      let v = c === 3 ? a[r * 4 + 3]! : 0;
      for (let k = 0; k < 3; k++) v += a[r * 4 + k]! * b[k * 4 + c]!;
      out[r * 4 + c] = v;
    }
  }
  return out;
}
