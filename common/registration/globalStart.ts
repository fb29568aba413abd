/**
 * Global start search for rigid registration (issue #14): the headers' pose is not always near the answer (a CT
 * labelled feet-first with head-first orientation vectors is turned 180° about the vertical axis; C-arm CBCT and
 * phantoms come in any orientation), and descending from it then ends in a confident wrong optimum.
 *
 * At the coarsest pyramid level, with a few thousand samples, the metric is evaluated at:
 * - the header's pose;
 * - the 24 axis-aligned rotations of the moving anatomy, each about the moving image's centre (the header's
 *   position kept) and with the intensity centres of mass matched (the header's position ignored);
 * - the 4 principal-axes alignments, when both images' principal axes are well defined.
 * Samples falling outside the moving image count as its background, so all poses are scored on the same samples.
 * The best few distinct rotations (and the header's pose) are refined at that level, and the best refined one wins.
 *
 * Under 'auto' the refinement runs only when a turned start scores better than every start in the header's
 * orientation: when the header is right, the search costs the ~50 cheap evaluations (a few ms) and the result is
 * exactly what it was without the search.
 */
import { applyAffine, composeAffine, orthonormalize, rigidAffine, volumeCentre } from './affine';
import { AXIS_ROTATIONS, rotationDistance } from './axisRotations';
import { descend, sampleRadius, type DescentSettings, type Pose } from './descent';
import { MattesMetric } from './mattes';
import { axesWellDefined, intensityMoments, principalAxisRotations } from './principalAxes';
import type { PyramidLevel } from './pyramid';
import { drawSamples, percentileRange, voxelSubsample } from './sampling';
import type { RoiBox, StartPose, StartSearchReport, Vec3, Volume } from './types';

/** Samples for scoring the starts: enough for a stable 32-bin histogram, few enough for ~50 evaluations in ms. */
const SEARCH_SAMPLES = 3000;
/** Distinct rotations refined besides the header's pose. */
const KEEP = 5;
/** Starts closer than this in rotation are the same start (the better-scored one is kept). */
const DISTINCT_RADIANS = (30 * Math.PI) / 180;
/** A start within this of the header's rotation is in the header's orientation. */
const HEADER_ORIENTATION_RADIANS = (45 * Math.PI) / 180;
/** Refinement steps per start at the coarsest level: the start is within a basin, the pyramid finishes it. */
const REFINE_ITERATIONS = 80;

interface Candidate {
  start: StartPose;
  /** Fixed → moving, 3×4. */
  affine: Float64Array;
  headerOrientation: boolean;
  score: number;
}

export interface StartSearchInput {
  fixedLevel: PyramidLevel;
  movingLevel: PyramidLevel;
  moving: Volume;
  /** The header's pose, fixed → moving (3×4). */
  header: Float64Array;
  /** Rotation centre of the registration (fixed patient mm). */
  centre: Vec3;
  roi: RoiBox | undefined;
  bins: number;
  /** Coarsest level's voxel size (mm): the refinement's step scale. */
  levelSpacing: number;
  maxStepVoxels: number;
  /** Refine even when the header's orientation scores best ('global'), or only when it does not ('auto'). */
  always: boolean;
  random: () => number;
  /** Between refinement steps: yielding to the event loop and cancelling. */
  afterStep?: DescentSettings['afterStep'];
}

export interface StartSearchResult {
  start: StartPose;
  /** The pose to finish from, fixed → moving (3×4). */
  affine: Float64Array;
  report: StartSearchReport;
}

/** Median of the 8 corner voxels: the background of scanners' images (air, or the zeros outside a CBCT's view). */
function cornerBackground(level: PyramidLevel): number {
  const [nx, ny, nz] = level.dims;
  const values: number[] = [];
  for (let k = 0; k < 8; k++) values.push(level.data[(k & 1 ? nx - 1 : 0) + nx * ((k & 2 ? ny - 1 : 0) + ny * (k & 4 ? nz - 1 : 0))]!);
  values.sort((a, b) => a - b);
  return (values[3]! + values[4]!) / 2;
}

function rotationOf(a: Float64Array): Float64Array {
  const R = new Float64Array([a[0]!, a[1]!, a[2]!, a[4]!, a[5]!, a[6]!, a[8]!, a[9]!, a[10]!]);
  orthonormalize(R);
  return R;
}

function transpose(R: ArrayLike<number>): Float64Array {
  return new Float64Array([R[0]!, R[3]!, R[6]!, R[1]!, R[4]!, R[7]!, R[2]!, R[5]!, R[8]!]);
}

function mul(A: ArrayLike<number>, B: ArrayLike<number>): Float64Array {
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r * 3 + c] = A[r * 3]! * B[c]! + A[r * 3 + 1]! * B[3 + c]! + A[r * 3 + 2]! * B[6 + c]!;
  return out;
}

/** The pose as (R, t) about the centre: x ↦ R·(x − c) + c + t. */
export function poseAbout(affine: Float64Array, centre: Vec3): Pose {
  const R = rotationOf(affine);
  const tc = applyAffine(affine, centre);
  return { R, t: new Float64Array([tc[0] - centre[0], tc[1] - centre[1], tc[2] - centre[2]]) };
}

function candidates(input: StartSearchInput): Candidate[] {
  const { header, moving, fixedLevel, movingLevel } = input;
  const headerR = rotationOf(header);
  const out: Candidate[] = [{ start: 'header', affine: header, headerOrientation: true, score: 0 }];
  const movingCentre = volumeCentre(moving);
  const mf = intensityMoments(fixedLevel, cornerBackground(fixedLevel));
  const mm = intensityMoments(movingLevel, cornerBackground(movingLevel));
  for (const turn of AXIS_ROTATIONS) {
    // `turn` is the correction a reader would apply to the moving image (moving → fixed side); the fixed → moving
    // pose turns the other way: Q = turnᵀ, composed after the header.
    const Q = transpose(turn.matrix);
    const headerOrientation = turn.name === 'header';
    if (!headerOrientation) out.push({ start: turn.name as StartPose, affine: composeAffine(rigidAffine(Q, movingCentre, [0, 0, 0]), header), headerOrientation, score: 0 });
    if (mf && mm) {
      const R = mul(Q, headerR);
      out.push({ start: turn.name as StartPose, affine: withCentres(R, mf.centre, mm.centre), headerOrientation, score: 0 });
    }
  }
  if (mf && mm && axesWellDefined(mf) && axesWellDefined(mm)) {
    for (const R of principalAxisRotations(mf, mm)) {
      out.push({ start: 'principal-axes', affine: withCentres(R, mf.centre, mm.centre), headerOrientation: rotationDistance(R, headerR) < HEADER_ORIENTATION_RADIANS, score: 0 });
    }
  }
  return out;
}

/** x ↦ R·(x − cf) + cm as a 3×4. */
function withCentres(R: Float64Array, cf: Vec3, cm: Vec3): Float64Array {
  return rigidAffine(R, cf, [cm[0] - cf[0], cm[1] - cf[1], cm[2] - cf[2]]);
}

/** The best `count` candidates that are pairwise distinct in rotation, best first. */
function distinctBest(list: readonly Candidate[], count: number): Candidate[] {
  const kept: Candidate[] = [];
  for (const c of [...list].sort((a, b) => a.score - b.score)) {
    if (kept.length >= count) break;
    const R = rotationOf(c.affine);
    if (kept.some((k) => rotationDistance(rotationOf(k.affine), R) < DISTINCT_RADIANS)) continue;
    kept.push(c);
  }
  return kept;
}

export async function searchStart(input: StartSearchInput): Promise<StartSearchResult> {
  const t0 = performance.now();
  const { fixedLevel, movingLevel, centre, random } = input;
  const samples = drawSamples(fixedLevel, input.roi, SEARCH_SAMPLES, centre, random);
  const fixedRange = percentileRange(samples.fixedValues, 0.001, 0.999);
  const movingRange = percentileRange(voxelSubsample(movingLevel, 100_000, random).values, 0.001, 0.999);
  const scorer = new MattesMetric(samples, movingLevel, fixedRange, movingRange, input.bins, cornerBackground(movingLevel));
  const minValid = Math.max(100, 0.05 * samples.count);
  const score = (pose: Pose) => {
    const ev = scorer.evaluate(pose.R, centre, pose.t);
    // A pose that keeps almost nothing inside the moving image is no start.
    return ev.valid < minValid ? Infinity : ev.value;
  };

  const list = candidates(input);
  for (const c of list) c.score = score(poseAbout(c.affine, centre));
  const header = list[0]!;
  const bestHeaderOrientation = Math.min(...list.filter((c) => c.headerOrientation).map((c) => c.score));
  const bestTurned = Math.min(...list.filter((c) => !c.headerOrientation).map((c) => c.score));
  const report = (start: Candidate, metric: number, refined: number): StartSearchResult => ({
    start: start.start,
    affine: start.affine,
    report: { candidates: list.length, refined, metric, headerMetric: header.score, timeMs: performance.now() - t0 },
  });
  if (!input.always && !(bestTurned < bestHeaderOrientation)) return report(header, header.score, 0);

  // Refine the best distinct starts, the header's pose always among them (a header a few degrees off may score
  // below a turned start before refinement and above it after).
  const chosen = distinctBest(list, KEEP);
  if (!chosen.includes(header)) chosen.push(header);
  const refiner = new MattesMetric(samples, movingLevel, fixedRange, movingRange, input.bins);
  const radius = sampleRadius(samples);
  let best: { candidate: Candidate; affine: Float64Array; score: number } | undefined;
  for (const c of chosen) {
    const pose = poseAbout(c.affine, centre);
    const outcome = await descend(refiner, pose, centre, {
      radius,
      firstStep: input.maxStepVoxels * input.levelSpacing,
      minStep: 0.05 * input.levelSpacing,
      maxIterations: REFINE_ITERATIONS,
      minValid,
      ...(input.afterStep ? { afterStep: input.afterStep } : {}),
    });
    if (outcome.stopReason === 'no overlap') continue;
    const s = score(pose);
    if (!best || s < best.score) best = { candidate: c, affine: rigidAffine(pose.R, centre, [pose.t[0]!, pose.t[1]!, pose.t[2]!]), score: s };
  }
  if (!best) return report(header, header.score, chosen.length);
  return { ...report(best.candidate, best.score, chosen.length), affine: best.affine };
}

/** The rotation (moving → fixed side) by which the result corrects the header's pose: Rot(header ∘ result). */
export function correctionRotation(header: Float64Array, movingToFixed: Float64Array): Float64Array {
  return rotationOf(composeAffine(header, movingToFixed));
}
