/**
 * Multi-resolution pyramid: each level is the volume block-averaged by whole voxels per axis (an anti-alias box
 * filter), as Float32, and on the coarser levels smoothed once more with a [1 2 1]/4 kernel per axis.
 */
import { indexToPatient, invertAffine } from './affine';
import type { Vec3, Volume } from './types';

/** One pyramid image: Float32 voxels and its index ↔ patient maps. */
export interface PyramidLevel {
  dims: [number, number, number];
  spacing: Vec3;
  data: Float32Array;
  /** index → patient (3×4). */
  i2p: Float64Array;
  /** patient → index (3×4). */
  p2i: Float64Array;
}

/** Whole-voxel shrink factors per axis so that the spacing approaches `targetMm` (never below the native one). */
export function shrinkFactors(v: Volume, targetMm: number): [number, number, number] {
  return [0, 1, 2].map((a) => {
    const k = Math.max(1, Math.round(targetMm / v.spacing[a]!));
    return Math.max(1, Math.min(k, Math.floor(v.dims[a]! / 2))); // keep ≥ 2 voxels per axis
  }) as [number, number, number];
}

export function buildLevel(v: Volume, factors: readonly [number, number, number], smooth: boolean): PyramidLevel {
  const [nx, ny, nz] = v.dims;
  const [kx, ky, kz] = factors;
  const ox = Math.floor(nx / kx);
  const oy = Math.floor(ny / ky);
  const oz = Math.floor(nz / kz);
  const out = new Float32Array(ox * oy * oz);
  const src = v.data;
  for (let z = 0; z < oz * kz; z++) {
    const zo = Math.floor(z / kz) * ox * oy;
    for (let y = 0; y < oy * ky; y++) {
      const rowOut = zo + Math.floor(y / ky) * ox;
      let at = (z * ny + y) * nx;
      for (let X = 0; X < ox; X++) {
        let sum = 0;
        for (let e = at + kx; at < e; at++) sum += src[at]!;
        out[rowOut + X]! += sum;
      }
    }
  }
  const inv = 1 / (kx * ky * kz);
  for (let i = 0; i < out.length; i++) out[i]! *= inv;
  const dims: [number, number, number] = [ox, oy, oz];
  if (smooth) smooth121(out, dims);
  const spacing: Vec3 = [v.spacing[0] * kx, v.spacing[1] * ky, v.spacing[2] * kz];
  // The centre of the first block is at index ((k − 1)/2) of the original.
  const base = indexToPatient(v);
  const origin: Vec3 = [0, 1, 2].map((r) => base[r * 4]! * (kx - 1) / 2 + base[r * 4 + 1]! * (ky - 1) / 2 + base[r * 4 + 2]! * (kz - 1) / 2 + base[r * 4 + 3]!) as unknown as Vec3;
  const i2p = indexToPatient({ spacing, origin, direction: v.direction });
  return { dims, spacing, data: out, i2p, p2i: invertAffine(i2p) };
}

/** In-place separable [1 2 1]/4 smoothing (edges replicated). */
function smooth121(data: Float32Array, dims: readonly [number, number, number]): void {
  const [nx, ny, nz] = dims;
  const strides = [1, nx, nx * ny];
  const lengths = [nx, ny, nz];
  const line = new Float32Array(Math.max(nx, ny, nz));
  for (let axis = 0; axis < 3; axis++) {
    const n = lengths[axis]!;
    if (n < 3) continue;
    const s = strides[axis]!;
    // Every line along `axis`: iterate over the start points (index 0 along axis).
    const [a1, a2] = [0, 1, 2].filter((a) => a !== axis) as [number, number];
    for (let q = 0; q < lengths[a2]!; q++) {
      for (let p = 0; p < lengths[a1]!; p++) {
        const start = p * strides[a1]! + q * strides[a2]!;
        for (let i = 0; i < n; i++) line[i] = data[start + i * s]!;
        data[start] = (3 * line[0]! + line[1]!) / 4;
        for (let i = 1; i < n - 1; i++) data[start + i * s] = (line[i - 1]! + 2 * line[i]! + line[i + 1]!) / 4;
        data[start + (n - 1) * s] = (line[n - 2]! + 3 * line[n - 1]!) / 4;
      }
    }
  }
}
