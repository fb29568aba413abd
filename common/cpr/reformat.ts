/**
 * Curved planar reformations of a volume along a CurvePath (patient mm throughout), and cross-sections across it.
 *
 * Image layout, all three: pixels[row · width + column], square pixels of pixelMm, row 0 at the start of the path.
 *
 * - Straightened CPR: row r is the line across the path at arc length r·pixelMm, along that point's
 *   rotation-minimizing normal (pathFrames.ts); the path runs down the centre column. A vessel of constant calibre
 *   shows as a straight band of that calibre, whatever its course, and every row is perpendicular to the vessel;
 *   but the surface sampled turns with the path, so the image is not one developable "curtain" and the tissue
 *   around a tortuous vessel is distorted.
 * - Stretched CPR (Kanitsar, Fleischmann, Wegenkittl, Felkel, Gröller, "CPR – Curved Planar Reformation",
 *   IEEE Visualization 2002): the surface is the "curtain" of lines through the path along one fixed direction
 *   (`up`), unrolled flat without distortion. Each row samples along that same direction; rows are placed so that
 *   the distance in the image between consecutive path points equals their distance in the patient (Kanitsar's
 *   length preservation): the row step is the part of the path's step across `up`, and the path's column shifts by
 *   its part along `up`. So the vessel keeps its course in the image (it meanders where it rises and falls along
 *   `up`), the surroundings are undistorted, and the length of the path traced in the image is the vessel's length.
 *   For a path that lies in a plane across `up` (a dental arch drawn on an axial slice, up = the slice normal) the
 *   stretched and straightened CPRs are the same image. A stretched CPR cannot show a stretch of path that runs
 *   along `up` (it collapses into a single row).
 * - Cross-section: the plane perpendicular to the path at one arc length; columns along the frame's normal, rows
 *   along its binormal, the path at the centre pixel. Its normal is the straightened CPR's column direction there.
 *
 * Outside the volume a sample is `padding` (default NaN): a pixel whose every slab sample is outside is NaN, which
 * a viewer draws as blank rather than as a plausible tissue value.
 */
import { CprError } from './cprError';
import { type CurvePath, pointAt, tangentAt } from './curvePath';
import { DEFAULT_UP, framesAt, type PathFrame } from './pathFrames';
import { type SlabMode, slabOffsets, slabValue } from './slab';
import { finestSpacing, type PatientSampler, trilinearSampler } from './trilinearSampler';
import type { Volume } from '../registration/types';
import { type Vec3, addScaled, cross, dot, leastAlignedAxis, sub, unit } from './vec3';

export type { SlabMode };

export interface ReformatSampling {
  /** Pixel size, mm, along both image axes (default: the path's step). */
  pixelMm?: number;
  /** Slab thickness, mm (default 0: a thin surface); across the image: the binormal, or the tangent for a cross-section. */
  thicknessMm?: number;
  /** How a thick slab is combined (default 'mip'). */
  slabMode?: SlabMode;
  /** Reference direction: the straightened CPR's first normal, the stretched CPR's fixed direction (default patient +z). */
  up?: Vec3;
  /** The value of a sample outside the volume (default NaN). */
  padding?: number;
}

export interface CprOptions extends ReformatSampling {
  /** Extent across the path, mm (default 40): the image is this wide, centred on the path (stretched: plus the path's own meander). */
  widthMm?: number;
}

export interface CrossSectionOptions extends ReformatSampling {
  /** Side of the square image, mm (default 30), centred on the path. */
  sizeMm?: number;
}

export interface CprImage {
  width: number;
  height: number;
  /** Row-major values, pixels[row · width + column]; NaN where nothing of the volume was sampled (see padding). */
  pixels: Float32Array;
  pixelMm: number;
  /** Length of the path, mm. */
  lengthMm: number;
}

export interface StraightenedCpr extends CprImage {
  /** The column the path runs down (row r is arc length r·pixelMm). */
  centreColumn: number;
}

export interface StretchedCpr extends CprImage {
  /** The fixed sampling direction (unit): column c + 1 is pixelMm further along it than column c. */
  up: Vec3;
  /** The path's length across `up`, mm: what the rows span ((height − 1)·pixelMm ≤ it). */
  projectedLengthMm: number;
  /** Per row, the (fractional) column where the path crosses it. */
  centreColumns: Float64Array;
  /** Per row, the arc length of the path point on it, mm. */
  rowArcLengthsMm: Float64Array;
}

export interface CrossSectionImage {
  width: number;
  height: number;
  pixels: Float32Array;
  pixelMm: number;
  /** The arc length it was taken at (clamped to the path), mm. */
  arcLengthMm: number;
  /** The path's frame there: the image centre is frame.position, columns along normal, rows along binormal. */
  frame: PathFrame;
  /** Index of the centre pixel along either axis (width = height = 2·centre + 1). */
  centre: number;
}

export const DEFAULT_WIDTH_MM = 40;
export const DEFAULT_CROSS_SECTION_MM = 30;

/** No reformatted image larger than this: a mistake in the options, not a picture anyone can look at. */
const MAX_PIXELS = 32 * 1024 * 1024;

/** Straightened CPR of `volume` along `path`. @throws CprError on unusable options or volume geometry. */
export function straightenedCpr(volume: Volume, path: CurvePath, options: CprOptions = {}): StraightenedCpr {
  const o = resolveSampling(volume, path, options);
  const widthMm = positive(options.widthMm ?? DEFAULT_WIDTH_MM, 'width', true);
  const half = Math.round(widthMm / (2 * o.pixelMm));
  const width = 2 * half + 1;
  const height = Math.floor(path.lengthMm / o.pixelMm + 1e-9) + 1;
  checkSize(width, height);
  const sample = o.sample;
  const frames = framesAt(path, Array.from({ length: height }, (_, r) => r * o.pixelMm), o.up);
  const pixels = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    const f = frames[r]!;
    for (let c = 0; c < width; c++) {
      const base = addScaled(f.position, f.normal, (c - half) * o.pixelMm);
      pixels[r * width + c] = slabValue(sample, base, f.binormal, o.offsets, o.slabMode);
    }
  }
  return { width, height, pixels, pixelMm: o.pixelMm, lengthMm: path.lengthMm, centreColumn: half };
}

/** Stretched CPR of `volume` along `path`, sampling along the fixed `up`. @throws CprError as straightenedCpr, and when the path runs along `up`. */
export function stretchedCpr(volume: Volume, path: CurvePath, options: CprOptions = {}): StretchedCpr {
  const o = resolveSampling(volume, path, options);
  const widthMm = positive(options.widthMm ?? DEFAULT_WIDTH_MM, 'width', true);
  const up = o.up;
  // Along the path's samples: the distance travelled across `up` (the curtain's unrolled length: ∫ |t − (t·up)up| ds,
  // by the trapezoid rule on the exact tangents, so a path lying across `up` unrolls to exactly its arc length) and
  // the height along `up`.
  const { points, tangents } = path;
  const across = new Float64Array(points.length);
  const along = new Float64Array(points.length);
  const acrossSpeed = (t: Vec3) => Math.sqrt(Math.max(0, 1 - dot(t, up) ** 2));
  for (let i = 1; i < points.length; i++) {
    across[i] = across[i - 1]! + (path.stepMm * (acrossSpeed(tangents[i - 1]!) + acrossSpeed(tangents[i]!))) / 2;
    along[i] = dot(sub(points[i]!, points[0]!), up);
  }
  const projectedLengthMm = across[points.length - 1]!;
  if (!(projectedLengthMm > 0.01 * path.lengthMm)) {
    throw new CprError('The path runs along the stretched CPR\'s fixed direction: choose a direction across the path (or use the straightened CPR).');
  }
  let lowest = 0;
  let highest = 0;
  for (const a of along) {
    lowest = Math.min(lowest, a);
    highest = Math.max(highest, a);
  }
  const half = Math.round((highest - lowest + widthMm) / (2 * o.pixelMm));
  const width = 2 * half + 1;
  const height = Math.floor(projectedLengthMm / o.pixelMm + 1e-9) + 1;
  checkSize(width, height);
  // Column c lies at firstColumnMm + c·pixelMm along `up` (measured from the first path point).
  const firstColumnMm = (lowest + highest) / 2 - half * o.pixelMm;
  const sample = o.sample;
  const pixels = new Float32Array(width * height);
  const centreColumns = new Float64Array(height);
  const rowArcLengthsMm = new Float64Array(height);
  const start = points[0]!;
  let i = 0;
  let slabDirection: Vec3 | undefined;
  for (let r = 0; r < height; r++) {
    // The arc length where the unrolled length reaches this row (linear between samples; rows ascend, so i only grows).
    const y = r * o.pixelMm;
    while (i < points.length - 2 && across[i + 1]! <= y) i++;
    const gap = across[i + 1]! - across[i]!;
    const fraction = gap > 0 ? Math.min(1, Math.max(0, (y - across[i]!) / gap)) : 0;
    const s = Math.min(path.lengthMm, (i + fraction) * path.stepMm);
    const q = pointAt(path, s);
    const rise = dot(sub(q, start), up);
    // Across the curtain: tangent × up (the straightened CPR's binormal when its normal is `up`); where the path
    // runs along up for a moment, the previous row's direction is kept.
    slabDirection = unit(cross(tangentAt(path, s), up)) ?? slabDirection ?? unit(cross(leastAlignedAxis(up), up))!;
    rowArcLengthsMm[r] = s;
    centreColumns[r] = (rise - firstColumnMm) / o.pixelMm;
    for (let c = 0; c < width; c++) {
      const base = addScaled(q, up, firstColumnMm + c * o.pixelMm - rise);
      pixels[r * width + c] = slabValue(sample, base, slabDirection, o.offsets, o.slabMode);
    }
  }
  return { width, height, pixels, pixelMm: o.pixelMm, lengthMm: path.lengthMm, up, projectedLengthMm, centreColumns, rowArcLengthsMm };
}

/** The image across the path at arc length `arcLengthMm` (clamped to the path). @throws CprError on unusable options. */
export function crossSection(volume: Volume, path: CurvePath, arcLengthMm: number, options: CrossSectionOptions = {}): CrossSectionImage {
  if (!Number.isFinite(arcLengthMm)) throw new CprError('A cross-section needs an arc length along the path, in mm.');
  const o = resolveSampling(volume, path, options);
  const sizeMm = positive(options.sizeMm ?? DEFAULT_CROSS_SECTION_MM, 'size', true);
  const centre = Math.round(sizeMm / (2 * o.pixelMm));
  const side = 2 * centre + 1;
  checkSize(side, side);
  const s = Math.min(Math.max(arcLengthMm, 0), path.lengthMm);
  const frame = framesAt(path, [s], o.up)[0]!;
  const sample = o.sample;
  const pixels = new Float32Array(side * side);
  for (let j = 0; j < side; j++) {
    const rowStart = addScaled(frame.position, frame.binormal, (j - centre) * o.pixelMm);
    for (let i = 0; i < side; i++) {
      const base = addScaled(rowStart, frame.normal, (i - centre) * o.pixelMm);
      pixels[j * side + i] = slabValue(sample, base, frame.tangent, o.offsets, o.slabMode);
    }
  }
  return { width: side, height: side, pixels, pixelMm: o.pixelMm, arcLengthMm: s, frame, centre };
}

// ---------------------------------------------------------------------------------------------------------

interface ResolvedSampling {
  sample: PatientSampler;
  pixelMm: number;
  offsets: Float64Array;
  slabMode: SlabMode;
  up: Vec3;
}

function resolveSampling(volume: Volume, path: CurvePath, options: ReformatSampling): ResolvedSampling {
  const pixelMm = positive(options.pixelMm ?? path.stepMm, 'pixel size', false);
  const thicknessMm = positive(options.thicknessMm ?? 0, 'slab thickness', true);
  const slabMode = options.slabMode ?? 'mip';
  if (slabMode !== 'mip' && slabMode !== 'mean') throw new CprError(`The slab mode must be 'mip' or 'mean' (it is '${String(slabMode)}').`);
  const up = unit(options.up ?? DEFAULT_UP);
  if (!up) throw new CprError('The up direction must be a non-zero, finite vector.');
  const padding = options.padding ?? Number.NaN;
  if (typeof padding !== 'number') throw new CprError('The padding must be a number (or NaN).');
  const sample = trilinearSampler(volume, padding);
  // Slab samples no further apart than a pixel or a voxel, whichever is finer: a thin bright vessel is not stepped over.
  const offsets = slabOffsets(thicknessMm, Math.min(pixelMm, finestSpacing(volume)));
  return { sample, pixelMm, offsets, slabMode, up };
}

function positive(value: number, what: string, zeroAllowed: boolean): number {
  if (typeof value === 'number' && Number.isFinite(value) && (value > 0 || (zeroAllowed && value === 0))) return value;
  throw new CprError(`The ${what} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number of millimetres (it is ${String(value)}).`);
}

function checkSize(width: number, height: number): void {
  if (width * height > MAX_PIXELS) {
    throw new CprError(`The reformatted image would be ${width}×${height} pixels: choose a larger pixel size or a smaller extent.`);
  }
}
