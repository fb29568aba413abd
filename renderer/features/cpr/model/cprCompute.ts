/**
 * The CPR panel's computations on a loaded volume: the straightened or stretched CPR along the reader's path, and
 * the cross-section at one arc length, with the output sizes bounded so that a long path on a fine volume stays a
 * picture of a few hundred thousand pixels (tens of milliseconds on the main thread), never a stall.
 */
import { crossSection, curvePath, straightenedCpr, stretchedCpr, type CrossSectionImage, type CurvePath, type SlabMode, type StraightenedCpr, type StretchedCpr } from '../../../../common/cpr';
import type { Vec3, Volume } from '../../../../common/registration/types';
import type { PathPoint } from './curvedPath';

export type CprKind = 'straightened' | 'stretched';

export interface CprSettings {
  kind: CprKind;
  /** Slab thickness across the CPR (and along the path for the cross-section), mm; 0 = a thin surface. */
  thicknessMm: number;
  slabMode: SlabMode;
  /** Extent across the path, mm. */
  widthMm: number;
  /** The stretched CPR's fixed direction and the straightened CPR's first normal: the normal of the plane the path was drawn on. */
  up: Vec3;
}

/** Slab thicknesses offered, mm. */
export const THICKNESSES_MM = [0, 1, 3, 5, 10] as const;
/** Extents across the path offered, mm: a coronary or a carotid (20–40), the aorta or the dental arch (60–80). */
export const WIDTHS_MM = [20, 40, 60, 80] as const;

export const DEFAULT_SETTINGS: CprSettings = { kind: 'straightened', thicknessMm: 0, slabMode: 'mip', widthMm: 40, up: [0, 0, 1] };

/**
 * At most this many rows along the path: a CPR one pixel per voxel along a 1 m path on 0.5 mm voxels would be 2000
 * rows, more than any panel shows and twice the compute; past it the pixel grows (still square) instead.
 */
export const MAX_ROWS = 1024;
/** At most this many columns across the path (a wide extent on a fine volume), by the same reasoning. */
export const MAX_COLUMNS = 512;
/** The cross-section's side, mm, and the most pixels along it. */
export const CROSS_SECTION_MM = 30;
export const MAX_CROSS_SECTION_PIXELS = 256;

/** The CPR's pixel size: the volume's finest voxel spacing (no finer: nothing to see), coarser only to keep within MAX_ROWS × MAX_COLUMNS. */
export function cprPixelMm(volume: Pick<Volume, 'spacing'>, lengthMm: number, widthMm: number): number {
  const finest = Math.min(volume.spacing[0], volume.spacing[1], volume.spacing[2]);
  return Math.max(finest, lengthMm / (MAX_ROWS - 1), widthMm / (MAX_COLUMNS - 1));
}

export type CprImageResult = ({ kind: 'straightened' } & StraightenedCpr) | ({ kind: 'stretched' } & StretchedCpr);

export interface CprResult {
  path: CurvePath;
  image: CprImageResult;
  /** Arc length of each row, mm (ascending): what the cursor on row r shows the cross-section of. */
  rowArcLengthsMm: Float64Array;
  settings: CprSettings;
}

/**
 * The CPR of `volume` along the curve through `points` (patient mm).
 * @throws CprError (common/cpr) when the path or the settings cannot give an image (fewer than 2 distinct points …).
 */
export function computeCpr(volume: Volume, points: readonly PathPoint[], settings: CprSettings): CprResult {
  // The path sampled every 0.5 mm (or finer for a finer volume): the frames along it, and so the rows, follow the
  // curve to well under a voxel.
  const finest = Math.min(volume.spacing[0], volume.spacing[1], volume.spacing[2]);
  const path = curvePath(points, { stepMm: Math.min(0.5, finest) });
  const pixelMm = cprPixelMm(volume, path.lengthMm, settings.widthMm);
  const options = { pixelMm, widthMm: settings.widthMm, thicknessMm: settings.thicknessMm, slabMode: settings.slabMode, up: settings.up };
  if (settings.kind === 'stretched') {
    const image = stretchedCpr(volume, path, options);
    return { path, image: { kind: 'stretched', ...image }, rowArcLengthsMm: image.rowArcLengthsMm, settings };
  }
  const image = straightenedCpr(volume, path, options);
  const rowArcLengthsMm = Float64Array.from({ length: image.height }, (_, r) => Math.min(path.lengthMm, r * image.pixelMm));
  return { path, image: { kind: 'straightened', ...image }, rowArcLengthsMm, settings };
}

/** The cross-section across the path at arc length `arcLengthMm`, with the CPR's slab and frames. */
export function computeCrossSection(volume: Volume, result: CprResult, arcLengthMm: number): CrossSectionImage {
  const { settings } = result;
  const pixelMm = Math.max(result.image.pixelMm, CROSS_SECTION_MM / (MAX_CROSS_SECTION_PIXELS - 1));
  return crossSection(volume, result.path, arcLengthMm, { pixelMm, sizeMm: CROSS_SECTION_MM, thicknessMm: settings.thicknessMm, slabMode: settings.slabMode, up: settings.up });
}

/** The row whose arc length is nearest `arcLengthMm` (rows ascend). */
export function rowOfArcLength(rowArcLengthsMm: ArrayLike<number>, arcLengthMm: number): number {
  let lo = 0;
  let hi = rowArcLengthsMm.length - 1;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rowArcLengthsMm[mid]! < arcLengthMm) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(rowArcLengthsMm[lo - 1]! - arcLengthMm) <= Math.abs(rowArcLengthsMm[lo]! - arcLengthMm)) return lo - 1;
  return lo;
}
