/**
 * Regular-step gradient descent of a Mattes cost over a rigid pose x ↦ R·(x − c) + c + t (fixed → moving): the step
 * halves whenever the scaled gradient turns back, and the rotation is scaled by the sample cloud's radius so that a
 * unit step turns a point at that radius by one mm. Shared by the pyramid levels and the start search.
 */
import { orthonormalize, rotationFromVector } from './affine';
import type { MattesMetric, MattesSamples } from './mattes';
import type { LevelReport } from './types';

/** A rigid fixed → moving pose about a rotation centre: R (row-major 3×3) and t. Mutated in place by `descend`. */
export interface Pose {
  R: Float64Array;
  t: Float64Array;
}

export interface DescentSettings {
  /** RMS distance of the samples from the rotation centre (mm): the rotation's scale. */
  radius: number;
  /** First step, mm-equivalent. */
  firstStep: number;
  /** Stop when the step falls below this. */
  minStep: number;
  maxIterations: number;
  /** Fewer valid samples than this ends the descent with 'no overlap'. */
  minValid: number;
  /** Called after every step (progress, yielding to the event loop, cancelling); may be async. */
  afterStep?: (iteration: number, value: number, step: number) => void | Promise<void>;
}

export interface DescentOutcome {
  iterations: number;
  stopReason: LevelReport['stopReason'] | 'no overlap';
  /** Valid samples at the last evaluation. */
  valid: number;
}

/** RMS radius of a sample cloud about its centre (at least 1 mm). */
export function sampleRadius(samples: MattesSamples): number {
  let r2 = 0;
  for (let s = 0; s < samples.count; s++) r2 += samples.y[3 * s]! ** 2 + samples.y[3 * s + 1]! ** 2 + samples.y[3 * s + 2]! ** 2;
  return Math.max(1, Math.sqrt(r2 / samples.count));
}

export async function descend(metric: MattesMetric, pose: Pose, centre: ArrayLike<number>, o: DescentSettings): Promise<DescentOutcome> {
  const { R, t } = pose;
  const gradient = new Float64Array(6);
  const previous = new Float64Array(6);
  const scaled = new Float64Array(6);
  const next = new Float64Array(9);
  const radius = o.radius;
  let step = o.firstStep;
  let stopReason: DescentOutcome['stopReason'] = 'max iterations';
  let iterations = 0;
  let valid = 0;
  for (let it = 0; it < o.maxIterations; it++) {
    const ev = metric.evaluate(R, centre, t, gradient);
    valid = ev.valid;
    if (ev.valid < o.minValid) {
      stopReason = 'no overlap';
      break;
    }
    iterations++;
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
    if (step < o.minStep) {
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
    const pending = o.afterStep?.(it, ev.value, step);
    if (pending) await pending;
  }
  return { iterations, stopReason, valid };
}
