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

const sub = (a: readonly number[], b: readonly number[]) => [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!] as [number, number, number];
const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;

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

/** Where `w` falls among ascending or descending offsets: [index, fraction] of the lower neighbour, or undefined outside. */
function frameAt(offsets: Float64Array, w: number): [number, number] | undefined {
  const n = offsets.length;
  if (n === 1) return Math.abs(w - offsets[0]!) < 1e-6 ? [0, 0] : undefined;
  const asc = offsets[n - 1]! > offsets[0]!;
  const first = offsets[0]!;
  const last = offsets[n - 1]!;
  if (asc ? w < first || w > last : w > first || w < last) return undefined;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (asc ? offsets[mid]! <= w : offsets[mid]! >= w) lo = mid;
    else hi = mid;
  }
  const span = offsets[hi]! - offsets[lo]!;
  return [lo, span === 0 ? 0 : (w - offsets[lo]!) / span];
}

/**
 * The dose at a point (Gy), trilinear between the eight voxel centres around it; undefined outside the grid (beyond
 * its outermost voxel centres: the grid says nothing there).
 */
export function doseAt(grid: DoseGrid, p: readonly [number, number, number]): number | undefined {
  const d = sub(p, grid.origin);
  const x = dot(d, grid.rowDir) / grid.spacing[0];
  const y = dot(d, grid.colDir) / grid.spacing[1];
  const [nx, ny] = grid.size;
  const eps = 1e-6;
  if (x < -eps || y < -eps || x > nx - 1 + eps || y > ny - 1 + eps) return undefined;
  const f = frameAt(grid.frameOffsets, dot(d, grid.normal));
  if (!f) return undefined;
  const i0 = Math.min(nx - 1, Math.max(0, Math.floor(x)));
  const j0 = Math.min(ny - 1, Math.max(0, Math.floor(y)));
  const i1 = Math.min(nx - 1, i0 + 1);
  const j1 = Math.min(ny - 1, j0 + 1);
  const k0 = f[0];
  const k1 = Math.min(grid.size[2] - 1, k0 + 1);
  const fx = Math.min(1, Math.max(0, x - i0));
  const fy = Math.min(1, Math.max(0, y - j0));
  const fz = f[1];
  const plane = nx * ny;
  const g = grid.gy;
  const at = (i: number, j: number, k: number) => g[k * plane + j * nx + i]!;
  const c00 = at(i0, j0, k0) * (1 - fx) + at(i1, j0, k0) * fx;
  const c10 = at(i0, j1, k0) * (1 - fx) + at(i1, j1, k0) * fx;
  const c01 = at(i0, j0, k1) * (1 - fx) + at(i1, j0, k1) * fx;
  const c11 = at(i0, j1, k1) * (1 - fx) + at(i1, j1, k1) * fx;
  return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
}

/** The smallest voxel edge of the grid (mm): the DVH samples finer than this. */
export function doseVoxelMm(grid: DoseGrid): [number, number, number] {
  const o = grid.frameOffsets;
  let dz = Infinity;
  for (let i = 1; i < o.length; i++) dz = Math.min(dz, Math.abs(o[i]! - o[i - 1]!));
  return [grid.spacing[0], grid.spacing[1], Number.isFinite(dz) ? dz : Math.min(grid.spacing[0], grid.spacing[1])];
}
