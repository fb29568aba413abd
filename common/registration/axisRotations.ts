/**
 * The 24 axis-aligned rotations (signed permutation matrices of determinant +1) with stable names, and how to say a
 * rotation in patient terms. Patient axes are DICOM LPS: x → the patient's left, y → posterior, z → head.
 *
 * Names (the `start` of a registration): 'header' for none; 'rot90-lr', 'rot180-ap', 'rot270-vertical', … for the
 * nine turns about one patient axis (right-handed about +x, +y, +z); 'axis-permutation-+y+z+x' for the fourteen
 * others, listing where the x, y and z axes go (here x → +y, y → +z, z → +x: 120° about the body diagonal).
 */
import type { Vec3 } from './types';

/** A row-major 3×3 rotation with its name. */
export interface NamedRotation {
  name: string;
  matrix: Float64Array;
}

const AXIS_KEYS = ['lr', 'ap', 'vertical'] as const;
const AXIS_WORDS = ['left-right', 'anterior-posterior', 'vertical (head-foot)'] as const;
const AXIS_LETTERS = ['x', 'y', 'z'] as const;

/** Angle (radians, 0…π) and unit axis of a rotation matrix (axis [0, 0, 1] for the identity). */
export function rotationAngleAxis(R: ArrayLike<number>): { angle: number; axis: Vec3 } {
  const trace = R[0]! + R[4]! + R[8]!;
  const angle = Math.acos(Math.min(1, Math.max(-1, (trace - 1) / 2)));
  if (angle < 1e-9) return { angle: 0, axis: [0, 0, 1] };
  if (angle < Math.PI - 1e-3) {
    const v: Vec3 = [R[7]! - R[5]!, R[2]! - R[6]!, R[3]! - R[1]!];
    const n = Math.hypot(v[0], v[1], v[2]);
    return { angle, axis: [v[0] / n, v[1] / n, v[2] / n] };
  }
  // Near 180°: R ≈ 2·a·aᵀ − I; take the column of the largest diagonal term (the skew part vanishes here).
  const d = [R[0]!, R[4]!, R[8]!];
  const k = d[0]! >= d[1]! && d[0]! >= d[2]! ? 0 : d[1]! >= d[2]! ? 1 : 2;
  const col = [0, 1, 2].map((r) => (R[r * 3 + k]! + (r === k ? 1 : 0)) / 2);
  const n = Math.hypot(col[0]!, col[1]!, col[2]!);
  // The sign of an axis of a 180° turn is arbitrary; point it to the positive side of its largest component.
  const big = col.reduce((b, x, i) => (Math.abs(x) > Math.abs(col[b]!) ? i : b), 0);
  const s = col[big]! < 0 ? -1 / n : 1 / n;
  return { angle, axis: [col[0]! * s, col[1]! * s, col[2]! * s] };
}

/** The angle (radians) of A·Bᵀ: how far apart two rotations are. */
export function rotationDistance(A: ArrayLike<number>, B: ArrayLike<number>): number {
  let trace = 0;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) trace += A[r * 3 + c]! * B[r * 3 + c]!;
  return Math.acos(Math.min(1, Math.max(-1, (trace - 1) / 2)));
}

function nameOf(M: Float64Array): string {
  const { angle, axis } = rotationAngleAxis(M);
  if (angle < 1e-6) return 'header';
  const single = axis.findIndex((a) => Math.abs(Math.abs(a) - 1) < 1e-6);
  if (single >= 0) {
    // A right-handed turn about +axis; a negative axis is the opposite turn.
    let deg = Math.round((angle * 180) / Math.PI);
    if (axis[single]! < 0) deg = 360 - deg;
    return `rot${deg === 360 ? 180 : deg}-${AXIS_KEYS[single]}`;
  }
  const images = [0, 1, 2].map((c) => {
    const r = [0, 1, 2].find((row) => Math.abs(M[row * 3 + c]!) > 0.5)!;
    return `${M[r * 3 + c]! > 0 ? '+' : '-'}${AXIS_LETTERS[r]}`;
  });
  return `axis-permutation-${images.join('')}`;
}

function buildAxisRotations(): NamedRotation[] {
  const out: NamedRotation[] = [];
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  for (const p of perms) {
    for (let signs = 0; signs < 8; signs++) {
      const M = new Float64Array(9);
      // Column c (the image of axis c) is ±e_{p[c]}.
      for (let c = 0; c < 3; c++) M[p[c]! * 3 + c] = signs & (1 << c) ? -1 : 1;
      const det = M[0]! * (M[4]! * M[8]! - M[5]! * M[7]!) - M[1]! * (M[3]! * M[8]! - M[5]! * M[6]!) + M[2]! * (M[3]! * M[7]! - M[4]! * M[6]!);
      if (det > 0) out.push({ name: nameOf(M), matrix: M });
    }
  }
  return out;
}

/** The 24 rotations of the cube, the identity ('header') first. */
export const AXIS_ROTATIONS: readonly NamedRotation[] = buildAxisRotations().sort((a, b) => (a.name === 'header' ? -1 : b.name === 'header' ? 1 : 0));

/** The nearest of the 24 and how far from it (radians). */
export function nearestAxisRotation(R: ArrayLike<number>): { rotation: NamedRotation; distance: number } {
  let best = AXIS_ROTATIONS[0]!;
  let distance = Infinity;
  for (const r of AXIS_ROTATIONS) {
    const d = rotationDistance(R, r.matrix);
    if (d < distance) {
      distance = d;
      best = r;
    }
  }
  return { rotation: best, distance };
}

/** Within this of one of the 24, a rotation is described as that one ("turned 180° about …"). */
const SNAP_RADIANS = (15 * Math.PI) / 180;

/**
 * A rotation in patient terms: "turned 180° about the patient's vertical (head-foot) axis" when it is (within 15°)
 * a quarter or half turn about one patient axis, else "turned by 120° about axis (0.58, 0.58, 0.58)" (LPS).
 */
export function describeRotation(R: ArrayLike<number>): string {
  const near = nearestAxisRotation(R);
  const snapped = near.distance <= SNAP_RADIANS ? near.rotation.matrix : undefined;
  const { angle, axis } = rotationAngleAxis(snapped ?? R);
  const deg = Math.round((angle * 180) / Math.PI);
  const single = snapped ? axis.findIndex((a) => Math.abs(Math.abs(a) - 1) < 1e-6) : -1;
  if (single >= 0) return `turned ${deg}° about the patient's ${AXIS_WORDS[single]} axis`;
  return `turned by ${deg}° about axis (${axis.map((a) => (Math.abs(a) < 0.005 ? 0 : a).toFixed(2)).join(', ')})`;
}
