/**
 * Rotation-minimizing frames along a path: at each point the tangent and two unit directions across it, turned as
 * little as possible about the tangent from one point to the next.
 *
 * Why not the Frenet frame: it follows the curvature, so it spins wherever the path twists (torsion), flips where
 * the path straightens or turns the other way, and is undefined on a straight piece; a straightened CPR built on it
 * shows the vessel twisted like a rope. A rotation-minimizing frame is transported along the path without spin.
 * It is computed by the double reflection method (Wang, Jüttler, Zheng, Liu, "Computation of rotation minimizing
 * frames", ACM TOG 27(1), 2008): two reflections per step, fourth-order accurate, no angle or trigonometry.
 *
 * The first normal comes from a reference "up" (the normal of the plane the path was drawn on, or the patient's
 * head direction): the up vector with its part along the first tangent removed. For a path drawn on one plane with
 * up = that plane's normal, the normal stays the plane normal all along (the reflections leave it unchanged).
 * Handedness: binormal = tangent × normal.
 */
import { type CurvePath, pointAt, tangentAt } from './curvePath';
import { type Vec3, addScaled, cross, dot, leastAlignedAxis, perpendicularPart, sub, unit } from './vec3';

export interface PathFrame {
  position: Vec3;
  /** Unit direction of travel along the path. */
  tangent: Vec3;
  /** Unit, perpendicular to the tangent: from `up` at the start, then transported without twist. */
  normal: Vec3;
  /** tangent × normal. */
  binormal: Vec3;
}

/** Points with their unit tangents: a CurvePath, or any sampling of one. */
export interface SampledPath {
  points: readonly Vec3[];
  tangents: readonly Vec3[];
}

/** Patient +z (LPS: towards the head): the up vector when none is given. */
export const DEFAULT_UP: Vec3 = [0, 0, 1];

/** An up vector within this angle (≈ 0.6°) of the tangent gives no usable normal: a patient axis is used instead. */
const PARALLEL_SIN = 0.01;

/**
 * The normal at the start of a path: `up` made perpendicular to `tangent`. When up is (nearly) along the tangent,
 * the patient axis least aligned with the tangent is used instead, so a frame always exists.
 */
export function initialNormal(tangent: Vec3, up: Vec3 = DEFAULT_UP): Vec3 {
  const u = unit(up);
  const fromUp = u ? perpendicularPart(u, tangent) : undefined;
  if (fromUp && Math.hypot(fromUp[0], fromUp[1], fromUp[2]) > PARALLEL_SIN) return unit(fromUp)!;
  return unit(perpendicularPart(leastAlignedAxis(tangent), tangent))!;
}

/** The rotation-minimizing frames at every point of `path`, starting from `up`. */
export function rotationMinimizingFrames(path: SampledPath, up: Vec3 = DEFAULT_UP): PathFrame[] {
  const { points, tangents } = path;
  if (points.length === 0 || points.length !== tangents.length) return [];
  const t0 = tangents[0]!;
  const n0 = initialNormal(t0, up);
  const frames: PathFrame[] = [{ position: points[0]!, tangent: t0, normal: n0, binormal: cross(t0, n0) }];
  for (let i = 1; i < points.length; i++) frames.push(transportFrame(frames[i - 1]!, points[i]!, tangents[i]!));
  return frames;
}

/**
 * One step of the double reflection method: the frame at `from` carried to the next point and its unit tangent.
 * Reflection 1 (in the plane bisecting the two points) carries the frame along the chord; reflection 2 (in the
 * plane bisecting the reflected tangent and the new one) turns the tangent onto the new tangent.
 */
export function transportFrame(from: PathFrame, position: Vec3, tangent: Vec3): PathFrame {
  const v1 = sub(position, from.position);
  const c1 = dot(v1, v1);
  let normal = from.normal;
  let reflectedTangent = from.tangent;
  if (c1 > 1e-24) {
    normal = addScaled(normal, v1, (-2 / c1) * dot(v1, normal));
    reflectedTangent = addScaled(reflectedTangent, v1, (-2 / c1) * dot(v1, reflectedTangent));
  }
  const v2 = sub(tangent, reflectedTangent);
  const c2 = dot(v2, v2);
  if (c2 > 1e-24) normal = addScaled(normal, v2, (-2 / c2) * dot(v2, normal));
  // The reflections are exact isometries; re-projecting only stops rounding from building up over long paths.
  const n = unit(perpendicularPart(normal, tangent)) ?? initialNormal(tangent, from.normal);
  return { position, tangent, normal: n, binormal: cross(tangent, n) };
}

/**
 * Frames at arbitrary arc lengths (ascending or not) that agree with the frames along the path's own samples:
 * the frames are transported along path.points from the start, and each asked-for arc length takes the frame of
 * the sample at or before it, carried one more step. A straightened CPR and a cross-section at the same arc length
 * therefore show the same "normal" direction, whatever their pixel sizes.
 */
export function framesAt(path: CurvePath, arcLengthsMm: readonly number[], up: Vec3 = DEFAULT_UP): PathFrame[] {
  const along = rotationMinimizingFrames(path, up);
  const lastIndex = along.length - 1;
  return arcLengthsMm.map((s) => {
    const clamped = Math.min(Math.max(s, 0), path.lengthMm);
    const i = Math.min(lastIndex, Math.max(0, Math.floor(clamped / path.stepMm + 1e-9)));
    const sample = along[i]!;
    const si = i * path.stepMm;
    if (Math.abs(clamped - si) <= 1e-9 * Math.max(1, path.lengthMm)) return sample;
    return transportFrame(sample, pointAt(path, clamped), tangentAt(path, clamped));
  });
}
