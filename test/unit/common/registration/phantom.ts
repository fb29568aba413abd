/**
 * A smooth blob phantom for registration tests: a soft-edged ellipsoidal "body" with Gaussian blobs of several
 * sizes and contrasts at asymmetric places, evaluated analytically at any patient point (mm), so a moving image
 * with a known pose is rendered exactly, with no resampling of a resampled image.
 */
import { applyAffine, matrix4ToAffine, indexToPatient, type Matrix4, type Vec3, type Volume } from '../../../../common/registration';

const BLOBS: readonly { c: Vec3; r: number; a: number }[] = [
  { c: [-25, 10, 5], r: 9, a: 140 },
  { c: [20, -18, -12], r: 14, a: -60 },
  { c: [5, 30, -20], r: 6, a: 220 },
  { c: [-10, -30, 25], r: 11, a: 90 },
  { c: [32, 15, 22], r: 7, a: 180 },
  { c: [0, 0, -35], r: 12, a: 60 },
  { c: [-35, -8, -25], r: 5, a: 250 },
  { c: [12, 4, 38], r: 8, a: -40 },
];

/** Phantom intensity at p (mm, phantom frame: centred at the origin). */
export function phantomValue(p: Vec3): number {
  const e = (p[0] / 60) ** 2 + (p[1] / 50) ** 2 + (p[2] / 55) ** 2;
  let v = 100 / (1 + Math.exp((Math.sqrt(e) - 1) * 25)); // body, soft edge
  for (const b of BLOBS) {
    const d2 = (p[0] - b.c[0]) ** 2 + (p[1] - b.c[1]) ** 2 + (p[2] - b.c[2]) ** 2;
    v += b.a * Math.exp(-d2 / (2 * b.r * b.r));
  }
  return v;
}

/**
 * A volume on the given grid whose voxel at patient point q shows map(phantom(T(q))) — T is `toPhantom` (the
 * moving → fixed transform when the fixed image is rendered with the identity).
 */
export function renderPhantom(grid: Omit<Volume, 'data'>, toPhantom?: Matrix4, map: (v: number) => number = (v) => v): Volume {
  const g = indexToPatient(grid);
  const T = toPhantom ? matrix4ToAffine(toPhantom) : undefined;
  const [nx, ny, nz] = grid.dims;
  const data = new Float32Array(nx * ny * nz);
  let q = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, q++) {
        const p = applyAffine(g, [i, j, k]);
        data[q] = map(phantomValue(T ? applyAffine(T, p) : p));
      }
  return { ...grid, data };
}

/** A grid of `dims` voxels of `spacing`, centred at the origin, axes along `direction` (columns, row-major 3×3). */
export function centredGrid(dims: [number, number, number], spacing: Vec3, direction: readonly number[] = [1, 0, 0, 0, 1, 0, 0, 0, 1]): Omit<Volume, 'data'> {
  const half: Vec3 = [((dims[0] - 1) * spacing[0]) / 2, ((dims[1] - 1) * spacing[1]) / 2, ((dims[2] - 1) * spacing[2]) / 2];
  const origin: Vec3 = [0, 1, 2].map((r) => -(direction[r * 3]! * half[0] + direction[r * 3 + 1]! * half[1] + direction[r * 3 + 2]! * half[2])) as unknown as Vec3;
  return { dims, spacing, origin, direction };
}
