/**
 * RT Dose (PS3.3 A.18, C.8.8.3) → a dose grid in Gy placed in patient coordinates by its own geometry, and the
 * dose at any point by trilinear interpolation. Never assumes the grid lines up with the CT: the grid's Image
 * Position, Image Orientation, Pixel Spacing and Grid Frame Offset Vector say where each voxel centre is.
 *
 * Grid Frame Offset Vector (3004,000C), C.8.8.3.2: when its first value is 0 the offsets are relative (distance of
 * each frame from the first along the normal to the image plane); otherwise they are absolute, the frames' z
 * coordinates, which the standard allows only for the axial orientation 1\0\0\0\1\0. Both forms are read.
 * Dose Grid Scaling (3004,000E) turns stored values into the Dose Units (GY; RELATIVE doses are refused for the
 * DVH in Gy, with the reason).
 */
import { getNumber, getNumbers, getString, type DicomJsonDataset } from '../dicom/dicomJson';

const T = {
  Rows: '00280010',
  Columns: '00280011',
  NumberOfFrames: '00280008',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  PixelSpacing: '00280030',
  FrameOfReferenceUID: '00200052',
  DoseUnits: '30040002',
  DoseType: '30040004',
  DoseSummationType: '3004000A',
  GridFrameOffsetVector: '3004000C',
  DoseGridScaling: '3004000E',
} as const;

export class DoseGridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DoseGridError';
  }
}

export interface DoseGrid {
  /** columns (along the row direction), rows, frames. */
  size: [number, number, number];
  /** Centre of the first voxel (Image Position). */
  origin: [number, number, number];
  /** Unit vectors: along a row (i), down a column (j), and their cross product (frames, k). */
  rowDir: [number, number, number];
  colDir: [number, number, number];
  normal: [number, number, number];
  /** mm between columns (i), between rows (j). */
  spacing: [number, number];
  /** Each frame's distance from the first along `normal` (mm, ascending or descending as stored). */
  frameOffsets: Float64Array;
  /** Gy per voxel, i fastest, then j, then k. */
  gy: Float32Array;
  units: string;
  summationType?: string;
  frameOfReferenceUid?: string;
  maxGy: number;
}


/**
 * @param stored every frame's stored values, frames one after another (the decoder's output, unsigned or signed
 * as the file says).
 */
export function parseDoseGrid(ds: DicomJsonDataset, stored: ArrayLike<number>): DoseGrid {
  const rows = getNumber(ds, T.Rows);
  const cols = getNumber(ds, T.Columns);
  const frames = getNumber(ds, T.NumberOfFrames) ?? 1;
  if (!rows || !cols) throw new DoseGridError('The dose has no Rows/Columns: is it an RT Dose with a dose grid?');
  const ipp = getNumbers(ds, T.ImagePositionPatient, 3);
  const iop = getNumbers(ds, T.ImageOrientationPatient, 6);
  const ps = getNumbers(ds, T.PixelSpacing, 2);
  if (!ipp || !iop || !ps) throw new DoseGridError('The dose grid cannot be placed: Image Position, Image Orientation or Pixel Spacing is missing.');
  if (ps.some((v) => !(v > 0))) throw new DoseGridError(`The dose grid's Pixel Spacing ${ps.join('\\')} is not positive.`);
  const rowDir = iop.slice(0, 3) as [number, number, number];
  const colDir = iop.slice(3, 6) as [number, number, number];
  const normal: [number, number, number] = [
    rowDir[1] * colDir[2] - rowDir[2] * colDir[1],
    rowDir[2] * colDir[0] - rowDir[0] * colDir[2],
    rowDir[0] * colDir[1] - rowDir[1] * colDir[0],
  ];
  const units = getString(ds, T.DoseUnits)?.trim().toUpperCase() ?? '';
  const scaling = getNumber(ds, T.DoseGridScaling) ?? 1;
  if (!(scaling > 0)) throw new DoseGridError(`Dose Grid Scaling ${scaling} is not a positive number.`);
  let offsets = getNumbers(ds, T.GridFrameOffsetVector) ?? (frames === 1 ? [0] : undefined);
  if (!offsets || offsets.length !== frames) {
    throw new DoseGridError(`The Grid Frame Offset Vector lists ${offsets?.length ?? 0} offsets for ${frames} frames: the dose planes cannot be placed.`);
  }
  if (offsets[0] !== 0) {
    // Absolute form: z coordinates, allowed only for axial grids.
    const axial = Math.abs(normal[2]) > 0.999 && Math.abs(rowDir[0]) > 0.999;
    if (!axial) throw new DoseGridError('The Grid Frame Offset Vector is in the absolute form (z coordinates), which the standard allows only for an axial grid (1\\0\\0\\0\\1\\0); this grid is not axial.');
    offsets = offsets.map((z) => (z - ipp[2]!) * Math.sign(normal[2]));
  }
  const expected = rows * cols * frames;
  if (stored.length < expected) throw new DoseGridError(`The dose holds ${stored.length} values where ${cols}×${rows}×${frames} = ${expected} are needed.`);
  const gy = new Float32Array(expected);
  let maxGy = 0;
  for (let i = 0; i < expected; i++) {
    const v = stored[i]! * scaling;
    gy[i] = v;
    if (v > maxGy) maxGy = v;
  }
  const frameOfReferenceUid = getString(ds, T.FrameOfReferenceUID)?.trim();
  const summationType = getString(ds, T.DoseSummationType)?.trim();
  return {
    size: [cols, rows, frames],
    origin: ipp as [number, number, number],
    rowDir,
    colDir,
    normal,
    spacing: [ps[1]!, ps[0]!],
    frameOffsets: Float64Array.from(offsets),
    gy,
    units,
    maxGy,
    ...(frameOfReferenceUid ? { frameOfReferenceUid } : {}),
    ...(summationType ? { summationType } : {}),
  };
}

/**
 * A function giving the dose at a point (Gy), trilinear between the eight voxel centres around it; NaN outside the
 * grid (beyond its outermost voxel centres: the grid says nothing there). Made once per grid: the DVH samples
 * millions of points and the image overlay hundreds of thousands, so the geometry is precomputed and nothing is
 * allocated per point; evenly spaced frames (the usual case) are found by division, others by binary search.
 */
export function doseSampler(grid: DoseGrid): (x: number, y: number, z: number) => number {
  const [ox, oy, oz] = grid.origin;
  const [rx, ry, rz] = grid.rowDir;
  const [cx, cy, cz] = grid.colDir;
  const [qx, qy, qz] = grid.normal;
  const isx = 1 / grid.spacing[0];
  const isy = 1 / grid.spacing[1];
  const [nx, ny, nz] = grid.size;
  const plane = nx * ny;
  const g = grid.gy;
  const o = grid.frameOffsets;
  const step = nz > 1 ? (o[nz - 1]! - o[0]!) / (nz - 1) : 0;
  let even = nz > 1 && step !== 0;
  for (let k = 0; k < nz && even; k++) if (Math.abs(o[k]! - o[0]! - k * step) > 1e-4 * Math.abs(step)) even = false;
  const asc = nz > 1 && o[nz - 1]! > o[0]!;
  const eps = 1e-6;
  return (x, y, z) => {
    const dx = x - ox;
    const dy = y - oy;
    const dz = z - oz;
    const fxAll = (dx * rx + dy * ry + dz * rz) * isx;
    const fyAll = (dx * cx + dy * cy + dz * cz) * isy;
    if (!(fxAll >= -eps && fyAll >= -eps && fxAll <= nx - 1 + eps && fyAll <= ny - 1 + eps)) return NaN;
    const w = dx * qx + dy * qy + dz * qz;
    let k0: number;
    let fz: number;
    if (nz === 1) {
      if (Math.abs(w - o[0]!) > eps) return NaN;
      k0 = 0;
      fz = 0;
    } else if (even) {
      const f = (w - o[0]!) / step;
      if (!(f >= -eps && f <= nz - 1 + eps)) return NaN;
      k0 = Math.min(nz - 2, Math.max(0, Math.floor(f)));
      fz = Math.min(1, Math.max(0, f - k0));
    } else {
      const first = o[0]!;
      const last = o[nz - 1]!;
      if (asc ? w < first - eps || w > last + eps : w > first + eps || w < last - eps) return NaN;
      let lo = 0;
      let hi = nz - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (asc ? o[mid]! <= w : o[mid]! >= w) lo = mid;
        else hi = mid;
      }
      k0 = lo;
      const span = o[hi]! - o[lo]!;
      fz = span === 0 ? 0 : Math.min(1, Math.max(0, (w - o[lo]!) / span));
    }
    const i0 = Math.min(nx - 1, Math.max(0, Math.floor(fxAll)));
    const j0 = Math.min(ny - 1, Math.max(0, Math.floor(fyAll)));
    const i1 = i0 + 1 < nx ? i0 + 1 : i0;
    const j1 = j0 + 1 < ny ? j0 + 1 : j0;
    const k1 = k0 + 1 < nz ? k0 + 1 : k0;
    const fx = Math.min(1, Math.max(0, fxAll - i0));
    const fy = Math.min(1, Math.max(0, fyAll - j0));
    const a = k0 * plane;
    const b = k1 * plane;
    const r0 = j0 * nx;
    const r1 = j1 * nx;
    const c00 = g[a + r0 + i0]! + (g[a + r0 + i1]! - g[a + r0 + i0]!) * fx;
    const c10 = g[a + r1 + i0]! + (g[a + r1 + i1]! - g[a + r1 + i0]!) * fx;
    const c01 = g[b + r0 + i0]! + (g[b + r0 + i1]! - g[b + r0 + i0]!) * fx;
    const c11 = g[b + r1 + i0]! + (g[b + r1 + i1]! - g[b + r1 + i0]!) * fx;
    const lower = c00 + (c10 - c00) * fy;
    const upper = c01 + (c11 - c01) * fy;
    return lower + (upper - lower) * fz;
  };
}

/** The dose at one point (Gy), or undefined outside the grid (see doseSampler, for many points). */
export function doseAt(grid: DoseGrid, p: readonly [number, number, number]): number | undefined {
  const v = doseSampler(grid)(p[0], p[1], p[2]);
  return Number.isNaN(v) ? undefined : v;
}

/** The smallest voxel edge of the grid (mm): the DVH samples finer than this. */
export function doseVoxelMm(grid: DoseGrid): [number, number, number] {
  const o = grid.frameOffsets;
  let dz = Infinity;
  for (let i = 1; i < o.length; i++) dz = Math.min(dz, Math.abs(o[i]! - o[i - 1]!));
  return [grid.spacing[0], grid.spacing[1], Number.isFinite(dz) ? dz : Math.min(grid.spacing[0], grid.spacing[1])];
}
