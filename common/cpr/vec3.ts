/**
 * The few 3-vector operations the CPR modules share. Tuples rather than a class so that paths and frames stay
 * plain data (they cross to and from a Web Worker by structured clone).
 */
import type { Vec3 } from '../registration/types';

export type { Vec3 };

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
/** a + k·b: the step every sampler takes along a direction. */
export const addScaled = (a: Vec3, b: Vec3, k: number): Vec3 => [a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2]];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const length = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const distance = (a: Vec3, b: Vec3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** a / |a|, or undefined when a is (numerically) zero or not finite: callers choose their own fallback. */
export function unit(a: Vec3): Vec3 | undefined {
  const n = length(a);
  return n > 1e-12 && Number.isFinite(n) ? [a[0] / n, a[1] / n, a[2] / n] : undefined;
}

/** The part of a perpendicular to the unit vector t. */
export const perpendicularPart = (a: Vec3, t: Vec3): Vec3 => addScaled(a, t, -dot(a, t));

/** The unit patient axis least aligned with the unit vector t: a perpendicular direction that always exists. */
export function leastAlignedAxis(t: Vec3): Vec3 {
  const ax = Math.abs(t[0]);
  const ay = Math.abs(t[1]);
  const az = Math.abs(t[2]);
  if (az <= ax && az <= ay) return [0, 0, 1];
  return ay <= ax ? [0, 1, 0] : [1, 0, 0];
}
