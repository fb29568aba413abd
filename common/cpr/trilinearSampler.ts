/**
 * A volume's value at any patient position (mm), by trilinear interpolation between the 8 voxel centres around it.
 *
 * The volume is the engine's `Volume` (common/registration/types.ts: ITK-like dims/spacing/origin/direction/data,
 * origin at the centre of voxel 0, direction's columns the i, j, k axes), so a CPR runs on what the viewer and the
 * registration already hold. The volume covers the box between its first and last voxel centres; a position outside
 * it gets the caller's padding (NaN by default: "no data", which the CPR leaves out of a slab and shows as blank).
 * An axis with a single voxel (one slice) is sampled only on that slice's plane.
 */
import { indexToPatient, invertAffine } from '../registration/affine';
import type { Volume } from '../registration/types';
import { CprError } from './cprError';

/** The value at patient (x, y, z) mm; numbers rather than a tuple, as it runs once per pixel and slab sample. */
export type PatientSampler = (x: number, y: number, z: number) => number;

/** A position this far outside the voxel-centre box (in voxels) still counts as inside: rounding, not anatomy. */
const EDGE_TOLERANCE = 1e-6;

/**
 * The sampler of `volume`; `padding` is returned outside it (default NaN).
 * @throws CprError when the volume's geometry or voxel count is not usable.
 */
export function trilinearSampler(volume: Volume, padding = Number.NaN): PatientSampler {
  checkVolume(volume);
  let toIndex: Float64Array;
  try {
    toIndex = invertAffine(indexToPatient(volume));
  } catch {
    throw new CprError("The volume's direction and spacing do not define a 3D grid (the matrix is singular).");
  }
  const m = toIndex;
  const [nx, ny, nz] = volume.dims;
  const data = volume.data;
  const strideY = nx;
  const strideZ = nx * ny;
  return (x, y, z) => {
    const fi = m[0]! * x + m[1]! * y + m[2]! * z + m[3]!;
    const fj = m[4]! * x + m[5]! * y + m[6]! * z + m[7]!;
    const fk = m[8]! * x + m[9]! * y + m[10]! * z + m[11]!;
    if (!(fi >= -EDGE_TOLERANCE && fi <= nx - 1 + EDGE_TOLERANCE)) return padding;
    if (!(fj >= -EDGE_TOLERANCE && fj <= ny - 1 + EDGE_TOLERANCE)) return padding;
    if (!(fk >= -EDGE_TOLERANCE && fk <= nz - 1 + EDGE_TOLERANCE)) return padding;
    // The lower corner of the cell; on the last voxel centre the cell below is used with weight 1 on its top.
    const i0 = nx > 1 ? Math.min(Math.max(Math.floor(fi), 0), nx - 2) : 0;
    const j0 = ny > 1 ? Math.min(Math.max(Math.floor(fj), 0), ny - 2) : 0;
    const k0 = nz > 1 ? Math.min(Math.max(Math.floor(fk), 0), nz - 2) : 0;
    const wx = nx > 1 ? Math.min(Math.max(fi - i0, 0), 1) : 0;
    const wy = ny > 1 ? Math.min(Math.max(fj - j0, 0), 1) : 0;
    const wz = nz > 1 ? Math.min(Math.max(fk - k0, 0), 1) : 0;
    const dx = nx > 1 ? 1 : 0;
    const dy = ny > 1 ? strideY : 0;
    const dz = nz > 1 ? strideZ : 0;
    const o = i0 + j0 * strideY + k0 * strideZ;
    const c00 = data[o]! + wx * (data[o + dx]! - data[o]!);
    const c10 = data[o + dy]! + wx * (data[o + dy + dx]! - data[o + dy]!);
    const c01 = data[o + dz]! + wx * (data[o + dz + dx]! - data[o + dz]!);
    const c11 = data[o + dz + dy]! + wx * (data[o + dz + dy + dx]! - data[o + dz + dy]!);
    const c0 = c00 + wy * (c10 - c00);
    const c1 = c01 + wy * (c11 - c01);
    return c0 + wz * (c1 - c0);
  };
}

/** The smallest voxel spacing, mm: the finest detail worth sampling for. */
export function finestSpacing(volume: Volume): number {
  return Math.min(volume.spacing[0], volume.spacing[1], volume.spacing[2]);
}

function checkVolume(v: Volume): void {
  const [nx, ny, nz] = v.dims;
  if (![nx, ny, nz].every((n) => Number.isInteger(n) && n >= 1)) throw new CprError(`The volume's size must be whole numbers of voxels (it is ${nx}×${ny}×${nz}).`);
  if (v.data.length !== nx * ny * nz) throw new CprError(`The volume holds ${v.data.length} voxels, not ${nx}×${ny}×${nz}.`);
  if (!v.spacing.every((s) => Number.isFinite(s) && s > 0)) throw new CprError("The volume's voxel spacing must be positive millimetres.");
  if (!v.origin.every(Number.isFinite)) throw new CprError("The volume's origin must be a finite position.");
  if (v.direction.length !== 9 || !v.direction.every(Number.isFinite)) throw new CprError("The volume's direction must be 9 finite numbers (a 3×3 matrix).");
}
