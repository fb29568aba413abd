/**
 * 6-DOF rigid registration of a moving volume to a fixed one, in patient coordinates (mm): Mattes mutual
 * information, a multi-resolution pyramid, random off-grid fixed samples (seeded, drawn once per level), regular-step
 * gradient descent on (rotation, translation) with the rotation scaled by the sample cloud's radius, initialised
 * from the headers, the geometric centres or the intensity centres of mass, optionally restricted to a box.
 *
 * Internally the transform maps fixed → moving points (x ↦ R·(x − c) + c + t, as ITK and elastix do, so the moving
 * image is read at fixed sample points); the result is reported the other way, moving → fixed.
 */
import { affineToMatrix4, applyAffine, identityAffine, indexToPatient, invertAffine, matrix4ToAffine, rigidAffine, volumeCentre } from './affine';
import { descend, sampleRadius } from './descent';
import { RegistrationError } from './errors';
import { poseAbout, searchStart } from './globalStart';
import { MattesMetric } from './mattes';
import { buildLevel, shrinkFactors, type PyramidLevel } from './pyramid';
import { mulberry32 } from './random';
import { resultWarnings } from './resultWarnings';
import { drawSamples, percentileRange, sampleBox, voxelSubsample } from './sampling';
import type { Initialization, LevelReport, RegistrationOptions, RegistrationResult, StartPose, StartSearchReport, Vec3, Volume } from './types';

export { RegistrationError };

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

  // Initial fixed → moving transform: the header's pose.
  let initialization: RegistrationResult['initialization'];
  let initial: Float64Array; // fixed → moving, 3×4
  const requested: Initialization = options.initialize ?? 'auto';
  if (options.initialTransform) {
    initialization = 'given';
    initial = invertAffine(matrix4ToAffine(options.initialTransform));
  } else {
    let mode: Initialization = requested;
    if (mode === 'auto' || mode === 'global') mode = Math.max(overlapFraction(fixed, moving, random), overlapFraction(moving, fixed, random)) >= 0.5 ? 'identity' : 'moments';
    initialization = requested === 'global' ? 'global' : mode;
    if (mode === 'identity') initial = identityAffine();
    else {
      const coarseF = fixedLevels[0]!;
      const coarseM = movingLevels[0]!;
      const cf = mode === 'centers' ? centre : centreOfMass(coarseF, random);
      const cm = mode === 'centers' ? volumeCentre(moving) : centreOfMass(coarseM, random);
      initial = new Float64Array([1, 0, 0, cm[0] - cf[0], 0, 1, 0, cm[1] - cf[1], 0, 0, 1, cm[2] - cf[2]]);
    }
  }
  const header = initial;

  let lastYield = now();
  const breathe = async (): Promise<void> => {
    if (signal && now() - lastYield > YIELD_EVERY_MS) {
      await yieldTurn();
      lastYield = now();
    }
    signal?.throwIfAborted();
  };
  const maxStepVoxels = options.maxStepVoxels ?? 2;
  const minStepMm = options.minStepMm ?? 0.005;

  // Global start search (globalStart.ts). Default 'auto': the cheap first pass always, the refinement only when a
  // turned start scores better than the header's orientation. Measured on the tests (globalStart.test.ts,
  // turnedHeaders.test.ts; 2 busy cores): 'auto' and 'global' both found every turned header (the phantom under
  // three intensity mappings and the MR T2, each turned 180° about every patient axis and 90° about the vertical; the
  // demo CT through the CLI), all within 0.1 mm; the first pass cost 15–40 ms (phantom, MR) to ~110 ms (CT/CBCT),
  // and on the 20 header-right trials of realData.test.ts it never triggered a refinement, so those results are
  // bit for bit what they were. 'global' adds ~1 coarse level of refinement for no case found, hence not the
  // default. The weak link of 'auto' is the unrefined ranking: with moments weighted by value (not by distance
  // from the background) it missed an inverted-intensity half turn that 'global' found; if a miss shows up, use
  // --init global. Its own PRNG: the samples of the levels stay what they were without the search.
  let start: StartPose = options.initialTransform ? 'given' : 'header';
  let searched: StartSearchReport | undefined;
  if (!options.initialTransform && (requested === 'auto' || requested === 'global')) {
    const found = await searchStart({
      fixedLevel: fixedLevels[0]!,
      movingLevel: movingLevels[0]!,
      moving,
      header,
      centre,
      roi,
      bins,
      levelSpacing: working * factors[0]!,
      maxStepVoxels,
      always: requested === 'global',
      random: mulberry32((options.seed ?? 1) ^ 0x5bd1e995),
      afterStep: breathe,
    });
    start = found.start;
    searched = found.report;
    initial = found.affine;
  }

  // Express the initial map as R·(x − c) + c + t.
  const pose = poseAbout(initial, centre);
  const { R, t } = pose;

  const reports: LevelReport[] = [];
  let totalIterations = 0;
  let finalMetric = 0;
  let finalMetricObject: MattesMetric | undefined;
  const levels = factors.length;

  for (let l = 0; l < levels; l++) {
    const F = fixedLevels[l]!;
    const M = movingLevels[l]!;
    const samples = drawSamples(F, roi, samplesWanted, centre, random);
    const fixedRange = percentileRange(samples.fixedValues, 0.001, 0.999);
    const movingRange = percentileRange(voxelSubsample(M, 100_000, random).values, 0.001, 0.999);
    const metric = new MattesMetric(samples, M, fixedRange, movingRange, bins);
    const levelSpacing = working * factors[l]!;
    const firstStep = maxStepVoxels * levelSpacing;
    const minStep = l === levels - 1 ? minStepMm : Math.max(minStepMm, 0.02 * levelSpacing);
    const outcome = await descend(metric, pose, centre, {
      radius: sampleRadius(samples),
      firstStep,
      minStep,
      maxIterations,
      minValid: Math.max(100, 0.05 * samples.count),
      afterStep: (it, value, step) => {
        totalIterations++;
        options.onProgress?.({
          level: l,
          levels,
          iteration: it,
          totalIterations,
          metric: value,
          step,
          fraction: Math.min(1, (l + Math.min(1, Math.log(firstStep / step) / Math.log(firstStep / minStep))) / levels),
        });
        return breathe();
      },
    });
    if (outcome.stopReason === 'no overlap') {
      throw new RegistrationError(`Only ${outcome.valid} of ${samples.count} samples fall inside the moving image: the images do not overlap enough to be registered.`);
    }
    // The last iteration that stops (minimum step, zero gradient) is counted without a step taken.
    if (outcome.stopReason !== 'max iterations') totalIterations++;
    finalMetric = metric.evaluate(R, centre, t).value;
    finalMetricObject = metric;
    reports.push({ fixedSpacing: F.spacing, movingSpacing: M.spacing, samples: samples.count, iterations: outcome.iterations, metric: finalMetric, stopReason: outcome.stopReason });
  }

  const fixedToMoving = rigidAffine(R, centre, [t[0]!, t[1]!, t[2]!]);
  const movingToFixed = invertAffine(fixedToMoving);
  const entropies = finalMetricObject!.marginalEntropies();
  const normalizedMi = -finalMetric / Math.max(1e-9, Math.min(entropies.fixed, entropies.moving));
  return {
    matrix: affineToMatrix4(movingToFixed),
    initialMatrix: affineToMatrix4(invertAffine(initial)),
    initialization,
    start,
    ...(searched ? { searched } : {}),
    normalizedMi,
    warnings: resultWarnings({ given: !!options.initialTransform, header, movingToFixed, normalizedMi }),
    metric: finalMetric,
    iterations: totalIterations,
    timeMs: now() - t0,
    levels: reports,
  };
}
