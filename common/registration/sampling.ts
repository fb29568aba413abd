/**
 * Fixed-image samples and intensity statistics of pyramid levels, for the registration metric: random off-grid
 * sample points (optionally inside a box), robust intensity ranges, voxel subsamples.
 */
import { applyAffine } from './affine';
import { RegistrationError } from './errors';
import type { MattesSamples } from './mattes';
import type { PyramidLevel } from './pyramid';
import type { RoiBox, Vec3 } from './types';

export function percentileRange(values: Float32Array, lo: number, hi: number): [number, number] {
  const sorted = Float32Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
  let a = at(lo);
  let b = at(hi);
  if (!(b > a)) {
    a = sorted[0]!;
    b = sorted[sorted.length - 1]!;
  }
  if (!(b > a)) b = a + 1;
  return [a, b];
}

function trilinear(level: PyramidLevel, ix: number, iy: number, iz: number): number {
  const [nx, ny, nz] = level.dims;
  let x0 = Math.floor(ix);
  let y0 = Math.floor(iy);
  let z0 = Math.floor(iz);
  if (x0 >= nx - 1) x0 = nx - 2;
  if (y0 >= ny - 1) y0 = ny - 2;
  if (z0 >= nz - 1) z0 = nz - 2;
  const fx = ix - x0;
  const fy = iy - y0;
  const fz = iz - z0;
  const d = level.data;
  const sy = nx;
  const sz = nx * ny;
  const o = x0 + y0 * sy + z0 * sz;
  const c00 = d[o]! + fx * (d[o + 1]! - d[o]!);
  const c10 = d[o + sy]! + fx * (d[o + sy + 1]! - d[o + sy]!);
  const c01 = d[o + sz]! + fx * (d[o + sz + 1]! - d[o + sz]!);
  const c11 = d[o + sz + sy]! + fx * (d[o + sz + sy + 1]! - d[o + sz + sy]!);
  const c0 = c00 + fy * (c10 - c00);
  const c1 = c01 + fy * (c11 - c01);
  return c0 + fz * (c1 - c0);
}

function insideRoi(roi: RoiBox | undefined, p: readonly number[]): boolean {
  if (!roi) return true;
  for (let a = 0; a < 3; a++) {
    const lo = Math.min(roi.min[a]!, roi.max[a]!);
    const hi = Math.max(roi.min[a]!, roi.max[a]!);
    if (p[a]! < lo || p[a]! > hi) return false;
  }
  return true;
}

/** Index-space box of the fixed level where samples may lie: the whole image, or the ROI's bounding box in it. */
export function sampleBox(level: PyramidLevel, roi: RoiBox | undefined): [number, number, number, number, number, number] {
  const [nx, ny, nz] = level.dims;
  if (!roi) return [0, nx - 1, 0, ny - 1, 0, nz - 1];
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let k = 0; k < 8; k++) {
    const p: Vec3 = [k & 1 ? roi.max[0] : roi.min[0], k & 2 ? roi.max[1] : roi.min[1], k & 4 ? roi.max[2] : roi.min[2]];
    const i = applyAffine(level.p2i, p);
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, i[a]!);
      hi[a] = Math.max(hi[a]!, i[a]!);
    }
  }
  const dims = level.dims;
  const box = [0, 1, 2].flatMap((a) => [Math.max(0, lo[a]!), Math.min(dims[a]! - 1, hi[a]!)]);
  if (box[0]! > box[1]! || box[2]! > box[3]! || box[4]! > box[5]!) throw new RegistrationError('The region of interest does not overlap the fixed image.');
  return box as [number, number, number, number, number, number];
}

export function drawSamples(level: PyramidLevel, roi: RoiBox | undefined, count: number, centre: Vec3, random: () => number): MattesSamples {
  const box = sampleBox(level, roi);
  const y = new Float64Array(3 * count);
  const fixedValues = new Float32Array(count);
  let n = 0;
  const m = level.i2p;
  for (let attempt = 0; n < count && attempt < count * 50; attempt++) {
    const ix = box[0] + random() * (box[1] - box[0]);
    const iy = box[2] + random() * (box[3] - box[2]);
    const iz = box[4] + random() * (box[5] - box[4]);
    const px = m[0]! * ix + m[1]! * iy + m[2]! * iz + m[3]!;
    const py = m[4]! * ix + m[5]! * iy + m[6]! * iz + m[7]!;
    const pz = m[8]! * ix + m[9]! * iy + m[10]! * iz + m[11]!;
    if (roi && !insideRoi(roi, [px, py, pz])) continue;
    y[3 * n] = px - centre[0];
    y[3 * n + 1] = py - centre[1];
    y[3 * n + 2] = pz - centre[2];
    fixedValues[n] = trilinear(level, ix, iy, iz);
    n++;
  }
  if (n < Math.min(count, 500)) throw new RegistrationError('Too few fixed-image samples inside the region of interest.');
  return { y: y.subarray(0, 3 * n), fixedValues: fixedValues.subarray(0, n), count: n };
}

/** Values of `count` random voxels of a level (for intensity ranges and centres of mass). */
export function voxelSubsample(level: PyramidLevel, count: number, random: () => number): { values: Float32Array; index: Int32Array } {
  const n = Math.min(count, level.data.length);
  const values = new Float32Array(n);
  const index = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const i = n === level.data.length ? s : Math.floor(random() * level.data.length);
    index[s] = i;
    values[s] = level.data[i]!;
  }
  return { values, index };
}
