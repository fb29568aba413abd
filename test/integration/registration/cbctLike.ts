/**
 * A CBCT-like copy of a CT for registration tests: resampled onto a coarser isotropic grid (lower resolution),
 * through an optional rigid pose, inside a cylindrical field of view of limited length (truncated FOV: outside
 * it the voxels are 0, as CBCT scanners store them), with cupping (values sag towards the axis), an uncalibrated
 * scale (no HU) and Gaussian noise from a seeded PRNG.
 */
import { mulberry32, resampleVolume, type Matrix4, type Vec3, type Volume } from '../../../common/registration';

export interface CbctLikeOptions {
  centre: Vec3;
  radiusMm: number;
  lengthMm: number;
  spacingMm: number;
  /** CBCT patient point → CT patient point (the pose of the copy). */
  toCt?: Matrix4;
  noiseSd: number;
  seed: number;
}

export function cbctLike(ct: Volume, o: CbctLikeOptions): Volume {
  const n = Math.round((2 * o.radiusMm) / o.spacingMm) + 1;
  const nz = Math.round(o.lengthMm / o.spacingMm) + 1;
  const grid = {
    dims: [n, n, nz] as [number, number, number],
    spacing: [o.spacingMm, o.spacingMm, o.spacingMm] as Vec3,
    origin: [o.centre[0] - o.radiusMm, o.centre[1] - o.radiusMm, o.centre[2] - o.lengthMm / 2] as Vec3,
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  };
  const v = resampleVolume(ct, grid, o.toCt, -1000);
  const random = mulberry32(o.seed);
  const d = v.data;
  let q = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++, q++) {
        const x = i * o.spacingMm - o.radiusMm;
        const y = j * o.spacingMm - o.radiusMm;
        const r2 = (x * x + y * y) / (o.radiusMm * o.radiusMm);
        if (r2 > 1) {
          d[q] = 0;
          continue;
        }
        const gauss = Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
        d[q] = 0.85 * (d[q]! + 1000) * (1 - 0.25 * (1 - r2)) + o.noiseSd * gauss;
      }
  return v;
}
