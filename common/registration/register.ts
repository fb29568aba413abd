/**
 * 6-DOF rigid registration of a moving volume to a fixed one, in patient coordinates (mm): Mattes mutual
 * information, a multi-resolution pyramid, random off-grid fixed samples (seeded, drawn once per level), regular-step
 * gradient descent on (rotation, translation) with the rotation scaled by the sample cloud's radius, initialised
 * from the headers, the geometric centres or the intensity centres of mass, optionally restricted to a box.
 *
 * Internally the transform maps fixed → moving points (x ↦ R·(x − c) + c + t, as ITK and elastix do, so the moving
 * image is read at fixed sample points); the result is reported the other way, moving → fixed.
 */
import {
  affineToMatrix4,
  applyAffine,
  identityAffine,
  indexToPatient,
  invertAffine,
  matrix4ToAffine,
  orthonormalize,
  rigidAffine,
  rotationFromVector,
  volumeCentre,
} from './affine';
import { MattesMetric, type MattesSamples } from './mattes';
import { buildLevel, shrinkFactors, type PyramidLevel } from './pyramid';
import { mulberry32 } from './random';
import type { Initialization, LevelReport, RegistrationOptions, RegistrationResult, RoiBox, Vec3, Volume } from './types';

/** Too few of the samples fall inside the moving image (or the ROI): registration cannot go on. */
export class RegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistrationError';
  }
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
/** Hand the event loop a turn this often, so an AbortSignal (SIGINT, a worker message) can fire. */
const YIELD_EVERY_MS = 50;

export function validateVolume(v: Volume, name: string): void {
  const [nx, ny, nz] = v.dims;
  if (![nx, ny, nz].every((n) => Number.isInteger(n) && n >= 2)) throw new RegistrationError(`The ${name} volume needs at least 2 voxels along each axis (it has ${nx}×${ny}×${nz}).`);
  if (v.data.length !== nx * ny * nz) throw new RegistrationError(`The ${name} volume holds ${v.data.length} voxels, not ${nx}×${ny}×${nz}.`);
  if (!v.spacing.every((s) => Number.isFinite(s) && s > 0)) throw new RegistrationError(`The ${name} volume's spacing must be positive.`);
  if (v.direction.length !== 9 || !v.direction.every(Number.isFinite)) throw new RegistrationError(`The ${name} volume's direction must be 9 finite numbers.`);
}

function percentileRange(values: Float32Array, lo: number, hi: number): [number, number] {
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
function sampleBox(level: PyramidLevel, roi: RoiBox | undefined): [number, number, number, number, number, number] {
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

function drawSamples(level: PyramidLevel, roi: RoiBox | undefined, count: number, centre: Vec3, random: () => number): MattesSamples {
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
function voxelSubsample(level: PyramidLevel, count: number, random: () => number): { values: Float32Array; index: Int32Array } {
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

/** Intensity centre of mass (weights: the value above the 2nd percentile), patient mm. */
function centreOfMass(level: PyramidLevel, random: () => number): Vec3 {
  const { values, index } = voxelSubsample(level, 200_000, random);
  const [lo] = percentileRange(values, 0.02, 0.98);
  const [nx, ny] = level.dims;
  let w = 0;
  let sx = 0;
  let sy = 0;
  let sz = 0;
  for (let s = 0; s < values.length; s++) {
    const v = values[s]! - lo;
    if (!(v > 0)) continue;
    const i = index[s]!;
    const x = i % nx;
    const y = Math.floor(i / nx) % ny;
    const z = Math.floor(i / (nx * ny));
    w += v;
    sx += v * x;
    sy += v * y;
    sz += v * z;
  }
  if (!(w > 0)) return applyAffine(level.i2p, [(level.dims[0] - 1) / 2, (level.dims[1] - 1) / 2, (level.dims[2] - 1) / 2]);
  return applyAffine(level.i2p, [sx / w, sy / w, sz / w]);
}

/** Fraction of points of box A (uniform) inside box B, both volumes' index boxes, estimated with 4000 points. */
function overlapFraction(a: Volume, b: Volume, random: () => number): number {
  const ai2p = indexToPatient(a);
  const bp2i = invertAffine(indexToPatient(b));
  let inside = 0;
  const n = 4000;
  for (let s = 0; s < n; s++) {
    const p = applyAffine(ai2p, [random() * (a.dims[0] - 1), random() * (a.dims[1] - 1), random() * (a.dims[2] - 1)]);
    const i = applyAffine(bp2i, p);
    if (i[0] >= 0 && i[0] <= b.dims[0] - 1 && i[1] >= 0 && i[1] <= b.dims[1] - 1 && i[2] >= 0 && i[2] <= b.dims[2] - 1) inside++;
  }
  return inside / n;
}

function minSpacing(v: Volume): number {
  return Math.min(v.spacing[0], v.spacing[1], v.spacing[2]);
}

async function yieldTurn(): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/**
 * Registers `moving` to `fixed`; resolves with the moving → fixed transform. Rejects with the signal's reason when
 * aborted, and with a RegistrationError when the images cannot be registered (no overlap, empty ROI, bad volume).
 */
export async function registerRigid(fixed: Volume, moving: Volume, options: RegistrationOptions = {}): Promise<RegistrationResult> {
  const t0 = now();
  validateVolume(fixed, 'fixed');
  validateVolume(moving, 'moving');
  const signal = options.signal;
  signal?.throwIfAborted();
  const bins = Math.max(8, Math.round(options.bins ?? 32));
  const factors = options.levels && options.levels.length > 0 ? options.levels : [4, 2, 1];
  const samplesWanted = Math.max(500, Math.round(options.samples ?? 12000));
  const maxIterations = Math.max(1, Math.round(options.maxIterations ?? 200));
  const random = mulberry32(options.seed ?? 1);
  const working = options.workingSpacingMm ?? Math.max(1, minSpacing(fixed), minSpacing(moving));
  const roi = options.roi;

  // Pyramids, coarse to fine.
  const fixedLevels: PyramidLevel[] = [];
  const movingLevels: PyramidLevel[] = [];
  for (let l = 0; l < factors.length; l++) {
    const target = working * factors[l]!;
    const smooth = l < factors.length - 1;
    fixedLevels.push(buildLevel(fixed, shrinkFactors(fixed, target), smooth));
    movingLevels.push(buildLevel(moving, shrinkFactors(moving, target), smooth));
    if (signal) await yieldTurn();
    signal?.throwIfAborted();
  }

  // Rotation centre: the ROI's centre (clipped to the fixed image) or the fixed image's centre.
  let centre: Vec3 = volumeCentre(fixed);
  if (roi) {
    const box = sampleBox(fixedLevels[fixedLevels.length - 1]!, roi);
    const mid = applyAffine(fixedLevels[fixedLevels.length - 1]!.i2p, [(box[0] + box[1]) / 2, (box[2] + box[3]) / 2, (box[4] + box[5]) / 2]);
    centre = [0, 1, 2].map((a) => Math.min(Math.max(roi.min[a]!, roi.max[a]!), Math.max(Math.min(roi.min[a]!, roi.max[a]!), mid[a]!))) as unknown as Vec3;
  }

  // Initial fixed → moving transform.
  let initialization: RegistrationResult['initialization'];
  let initial: Float64Array; // fixed → moving, 3×4
  if (options.initialTransform) {
    initialization = 'given';
    initial = invertAffine(matrix4ToAffine(options.initialTransform));
  } else {
    let mode: Initialization = options.initialize ?? 'auto';
    if (mode === 'auto') mode = Math.max(overlapFraction(fixed, moving, random), overlapFraction(moving, fixed, random)) >= 0.5 ? 'identity' : 'moments';
    initialization = mode;
    if (mode === 'identity') initial = identityAffine();
    else {
      const coarseF = fixedLevels[0]!;
      const coarseM = movingLevels[0]!;
      const cf = mode === 'centers' ? centre : centreOfMass(coarseF, random);
      const cm = mode === 'centers' ? volumeCentre(moving) : centreOfMass(coarseM, random);
      initial = new Float64Array([1, 0, 0, cm[0] - cf[0], 0, 1, 0, cm[1] - cf[1], 0, 0, 1, cm[2] - cf[2]]);
    }
  }
  // Express the initial map as R·(x − c) + c + t.
  const R = new Float64Array([initial[0]!, initial[1]!, initial[2]!, initial[4]!, initial[5]!, initial[6]!, initial[8]!, initial[9]!, initial[10]!]);
  orthonormalize(R);
  const tc = applyAffine(initial, centre);
  const t = new Float64Array([tc[0] - centre[0], tc[1] - centre[1], tc[2] - centre[2]]);

  const reports: LevelReport[] = [];
  const gradient = new Float64Array(6);
  const previous = new Float64Array(6);
  const scaled = new Float64Array(6);
  const next = new Float64Array(9);
  let totalIterations = 0;
  let lastYield = now();
  let finalMetric = 0;
  const maxStepVoxels = options.maxStepVoxels ?? 2;
  const minStepMm = options.minStepMm ?? 0.005;
  const levels = factors.length;

  for (let l = 0; l < levels; l++) {
    const F = fixedLevels[l]!;
    const M = movingLevels[l]!;
    const samples = drawSamples(F, roi, samplesWanted, centre, random);
    const fixedRange = percentileRange(samples.fixedValues, 0.001, 0.999);
    const movingRange = percentileRange(voxelSubsample(M, 100_000, random).values, 0.001, 0.999);
    const metric = new MattesMetric(samples, M, fixedRange, movingRange, bins);
    // Rotation scaling: a step of 1 (mm-equivalent) in the rotation turns a point at the cloud's RMS radius by 1 mm.
    let r2 = 0;
    for (let s = 0; s < samples.count; s++) r2 += samples.y[3 * s]! ** 2 + samples.y[3 * s + 1]! ** 2 + samples.y[3 * s + 2]! ** 2;
    const radius = Math.max(1, Math.sqrt(r2 / samples.count));
    const levelSpacing = working * factors[l]!;
    let step = maxStepVoxels * levelSpacing;
    const minStep = l === levels - 1 ? minStepMm : Math.max(minStepMm, 0.02 * levelSpacing);
    previous.fill(0);
    let stopReason: LevelReport['stopReason'] = 'max iterations';
    let iterations = 0;
    for (let it = 0; it < maxIterations; it++) {
      const ev = metric.evaluate(R, centre, t, gradient);
      if (ev.valid < Math.max(100, 0.05 * samples.count)) {
        throw new RegistrationError(`Only ${ev.valid} of ${samples.count} samples fall inside the moving image: the images do not overlap enough to be registered.`);
      }
      const value = ev.value;
      iterations++;
      totalIterations++;
      for (let k = 0; k < 3; k++) {
        scaled[k] = gradient[k]! / radius;
        scaled[k + 3] = gradient[k + 3]!;
      }
      let norm = 0;
      let dot = 0;
      for (let k = 0; k < 6; k++) {
        norm += scaled[k]! * scaled[k]!;
        dot += scaled[k]! * previous[k]!;
      }
      norm = Math.sqrt(norm);
      if (!(norm > 1e-14)) {
        stopReason = 'zero gradient';
        break;
      }
      if (dot < 0) step *= 0.5;
      if (step < minStep) {
        stopReason = 'minimum step';
        break;
      }
      previous.set(scaled);
      const k = -step / norm;
      const dR = rotationFromVector([(k * scaled[0]!) / radius, (k * scaled[1]!) / radius, (k * scaled[2]!) / radius]);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) next[r * 3 + c] = dR[r * 3]! * R[c]! + dR[r * 3 + 1]! * R[3 + c]! + dR[r * 3 + 2]! * R[6 + c]!;
      R.set(next);
      orthonormalize(R);
      t[0]! += k * scaled[3]!;
      t[1]! += k * scaled[4]!;
      t[2]! += k * scaled[5]!;
      options.onProgress?.({
        level: l,
        levels,
        iteration: it,
        totalIterations,
        metric: value,
        step,
        fraction: Math.min(1, (l + Math.min(1, Math.log(maxStepVoxels * levelSpacing / step) / Math.log(maxStepVoxels * levelSpacing / minStep))) / levels),
      });
      if (signal && now() - lastYield > YIELD_EVERY_MS) {
        await yieldTurn();
        lastYield = now();
      }
      signal?.throwIfAborted();
    }
    finalMetric = metric.evaluate(R, centre, t).value;
    reports.push({ fixedSpacing: F.spacing, movingSpacing: M.spacing, samples: samples.count, iterations, metric: finalMetric, stopReason });
  }

  const fixedToMoving = rigidAffine(R, centre, [t[0]!, t[1]!, t[2]!]);
  return {
    matrix: affineToMatrix4(invertAffine(fixedToMoving)),
    initialMatrix: affineToMatrix4(invertAffine(initial)),
    initialization,
    metric: finalMetric,
    iterations: totalIterations,
    timeMs: now() - t0,
    levels: reports,
  };
}

