/**
 * Types of the rigid registration engine (common/registration): pure, isomorphic TypeScript that runs in Node (CLI,
 * tests) and in a Web Worker (viewer) alike. No Node, DOM or Electron imports here.
 */

export type Vec3 = readonly [number, number, number];

/** The voxel types a volume may hold (modality values: rescale already applied by whoever built it). */
export type VoxelArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/**
 * A volume placed in patient coordinates (mm, DICOM LPS), like an ITK image:
 *   patient = origin + direction · diag(spacing) · [i, j, k]
 * - `dims` = [nx, ny, nz]: voxel (i, j, k) is `data[i + nx·(j + ny·k)]` (i fastest: along a row of a slice).
 * - `origin` = the centre of voxel (0, 0, 0): the first slice's Image Position (Patient).
 * - `direction` = 3×3 row-major (9 numbers) whose COLUMNS are the unit directions of increasing i, j and k:
 *   the row cosine, the column cosine and the slice direction (the normal, or the line through the slice
 *   positions under gantry tilt). It need not be orthogonal.
 * - `spacing` = [between columns (Pixel Spacing 2), between rows (Pixel Spacing 1), between slices], mm.
 */
export interface Volume {
  dims: readonly [number, number, number];
  spacing: Vec3;
  origin: Vec3;
  direction: readonly number[];
  data: VoxelArray;
}

/** A box in fixed patient coordinates (mm): the samples are drawn only inside it (e.g. a CBCT's field of view). */
export interface RoiBox {
  min: Vec3;
  max: Vec3;
}

/** 4×4 row-major matrix, last row [0, 0, 0, 1]. */
export type Matrix4 = number[][];

export type Initialization = 'auto' | 'identity' | 'centers' | 'moments' | 'global';

/**
 * The start the registration was finished from: 'header' (the pose from the headers, centres or moments: the
 * orientation the headers give), 'given' (initialTransform), or a start of the global search that turns the moving
 * image: a quarter or half turn about one patient axis ('rot90-lr', 'rot180-ap', 'rot270-vertical': right-handed
 * about +x (left), +y (posterior), +z (head)), another of the 24 axis-aligned rotations ('axis-permutation-+y+z+x':
 * where the patient x, y, z axes go), or 'principal-axes' (the images' intensity principal axes aligned).
 */
export type StartPose = 'header' | 'given' | 'principal-axes' | `rot${90 | 180 | 270}-${'lr' | 'ap' | 'vertical'}` | `axis-permutation-${string}`;

export interface RegistrationProgress {
  /** 0-based level, coarse to fine. */
  level: number;
  levels: number;
  /** Iteration within the level. */
  iteration: number;
  /** Iterations so far, all levels. */
  totalIterations: number;
  /** Current cost: −MI (lower is better). */
  metric: number;
  /** Current step length, mm-equivalent. */
  step: number;
  /** Rough overall fraction done, 0…1. */
  fraction: number;
}

export interface RegistrationOptions {
  /** Joint-histogram bins per image (default 32). */
  bins?: number;
  /**
   * Voxel size of each pyramid level, coarse to fine, in multiples of the working resolution (default [4, 2, 1]).
   * The working resolution is the coarser of the two images' finest spacings (at least 1 mm), so a 0.43 mm MR is
   * not registered at 0.43 mm when the other image has 1.1 mm voxels.
   */
  levels?: readonly number[];
  /** Working resolution in mm (overrides the default above). */
  workingSpacingMm?: number;
  /** Fixed-image samples per level (default 12000), drawn once per level at random off-grid points. */
  samples?: number;
  /** Iterations per level at most (default 200). */
  maxIterations?: number;
  /** Seed of the sampler's PRNG (default 1): the same inputs and seed give the same result. */
  seed?: number;
  /** Restrict the fixed samples to this box (fixed patient coordinates, mm). */
  roi?: RoiBox;
  /**
   * Starting pose: 'identity' (the headers already roughly agree: same frame of reference), 'centers' (geometric
   * centres of the images, or of the ROI), 'moments' (intensity centres of mass), 'auto' (identity when the two
   * images overlap by half of the smaller one as they are, else moments; then the global search's cheap first pass,
   * refining the turned starts only when one of them matches better than the header's pose), 'global' (the header's
   * pose as under 'auto', and the 24 axis-aligned turns and the principal axes always refined: see globalStart.ts).
   * Default 'auto'.
   */
  initialize?: Initialization;
  /** A starting moving→fixed transform (4×4 row-major); replaces `initialize`. */
  initialTransform?: Matrix4;
  /** Largest optimizer step at the coarsest level, in working-resolution voxels (default 2; halves per level). */
  maxStepVoxels?: number;
  /** Smallest step at the finest level, mm-equivalent (default 0.005): below it the optimizer stops. */
  minStepMm?: number;
  onProgress?: (p: RegistrationProgress) => void;
  signal?: AbortSignal;
}

export interface LevelReport {
  /** Voxel size of the fixed and moving pyramid images at this level, mm. */
  fixedSpacing: Vec3;
  movingSpacing: Vec3;
  samples: number;
  iterations: number;
  /** −MI at the end of the level. */
  metric: number;
  stopReason: 'minimum step' | 'max iterations' | 'zero gradient';
}

/** What the global start search did (absent under 'identity', 'centers', 'moments' and a given transform). */
export interface StartSearchReport {
  /** Starts whose metric was evaluated at the coarsest level. */
  candidates: number;
  /** Starts refined at the coarsest level (0: the header's pose matched best as it was). */
  refined: number;
  /** The winner's −MI at the coarsest level (outside samples counted as background), and the header's pose's. */
  metric: number;
  headerMetric: number;
  timeMs: number;
}

export interface RegistrationResult {
  /** Moving → fixed patient coordinates (mm), 4×4 row-major. */
  matrix: Matrix4;
  /** The transform the optimizer started from (moving → fixed). */
  initialMatrix: Matrix4;
  /** How the header's pose was made ('identity', 'centers', 'moments'), 'global' when asked for, or 'given'. */
  initialization: Exclude<Initialization, 'auto'> | 'given';
  /** The start the result was finished from: 'header' unless the global search found a turned pose better. */
  start: StartPose;
  searched?: StartSearchReport;
  /**
   * MI over the smaller of the two images' entropies at the finest level, 0…1: how much one image explains the
   * other, comparable between pairs (−metric is not: it grows with the images' entropy).
   */
  normalizedMi: number;
  /** Sentences for the reader: the headers' orientation disagreeing with the image, a doubtful match. */
  warnings: string[];
  /** Final cost −MI (nats), as ITK and elastix report Mattes MI: lower is better. */
  metric: number;
  /** Iterations, all levels together. */
  iterations: number;
  timeMs: number;
  levels: LevelReport[];
}
