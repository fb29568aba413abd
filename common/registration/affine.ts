/**
 * Small dense linear algebra for the registration engine: 3×4 affine maps (row-major Float64Array(12): the 3×3
 * part then the translation per row: [a00 a01 a02 t0, a10 a11 a12 t1, a20 a21 a22 t2]) and 4×4 row-major matrices.
 */
import type { Matrix4, Vec3, Volume } from './types';

/** index → patient for a volume: p = origin + D·diag(spacing)·i. */
export function indexToPatient(v: Pick<Volume, 'spacing' | 'origin' | 'direction'>): Float64Array {
  const m = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) m[r * 4 + c] = v.direction[r * 3 + c]! * v.spacing[c]!;
    m[r * 4 + 3] = v.origin[r]!;
  }
  return m;
}

/** Inverse of a 3×4 affine map; throws on a singular one. */
export function invertAffine(m: Float64Array): Float64Array {
  const [a, b, c, , d, e, f, , g, h, i] = m as unknown as number[];
  const A = e! * i! - f! * h!;
  const B = -(d! * i! - f! * g!);
  const C = d! * h! - e! * g!;
  const det = a! * A + b! * B + c! * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('The volume geometry is singular (direction or spacing).');
  const inv = new Float64Array(12);
  const r = 1 / det;
  inv[0] = A * r;
  inv[1] = -(b! * i! - c! * h!) * r;
  inv[2] = (b! * f! - c! * e!) * r;
  inv[4] = B * r;
  inv[5] = (a! * i! - c! * g!) * r;
  inv[6] = -(a! * f! - c! * d!) * r;
  inv[8] = C * r;
  inv[9] = -(a! * h! - b! * g!) * r;
  inv[10] = (a! * e! - b! * d!) * r;
  for (let row = 0; row < 3; row++) inv[row * 4 + 3] = -(inv[row * 4]! * m[3]! + inv[row * 4 + 1]! * m[7]! + inv[row * 4 + 2]! * m[11]!);
  return inv;
}

export function applyAffine(m: Float64Array, p: Vec3): [number, number, number] {
  return [
    m[0]! * p[0] + m[1]! * p[1] + m[2]! * p[2] + m[3]!,
    m[4]! * p[0] + m[5]! * p[1] + m[6]! * p[2] + m[7]!,
    m[8]! * p[0] + m[9]! * p[1] + m[10]! * p[2] + m[11]!,
  ];
}

/** a∘b as 3×4 maps (apply b, then a). */
export function composeAffine(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      let s = c === 3 ? a[r * 4 + 3]! : 0;
      for (let k = 0; k < 3; k++) s += a[r * 4 + k]! * b[k * 4 + c]!;
      out[r * 4 + c] = s;
    }
  }
  return out;
}

export function affineToMatrix4(m: Float64Array): Matrix4 {
  return [
    [m[0]!, m[1]!, m[2]!, m[3]!],
    [m[4]!, m[5]!, m[6]!, m[7]!],
    [m[8]!, m[9]!, m[10]!, m[11]!],
    [0, 0, 0, 1],
  ];
}

export function matrix4ToAffine(m: Matrix4): Float64Array {
  if (m.length !== 4 || m.some((row) => row.length !== 4 || row.some((x) => !Number.isFinite(x)))) throw new Error('A 4×4 matrix of finite numbers is expected.');
  const out = new Float64Array(12);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) out[r * 4 + c] = m[r]![c]!;
  return out;
}

export function identityAffine(): Float64Array {
  return new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
}

/** Rotation matrix (row-major 3×3) of a rotation vector (axis × angle in radians): Rodrigues' formula. */
export function rotationFromVector(w: Vec3): Float64Array {
  const theta = Math.hypot(w[0], w[1], w[2]);
  const R = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  if (theta < 1e-15) return R;
  const x = w[0] / theta;
  const y = w[1] / theta;
  const z = w[2] / theta;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const t = 1 - c;
  R[0] = t * x * x + c;
  R[1] = t * x * y - s * z;
  R[2] = t * x * z + s * y;
  R[3] = t * x * y + s * z;
  R[4] = t * y * y + c;
  R[5] = t * y * z - s * x;
  R[6] = t * x * z - s * y;
  R[7] = t * y * z + s * x;
  R[8] = t * z * z + c;
  return R;
}

/** Rotation about x, then y, then z (angles in radians), as a 3×3 row-major matrix: R = Rz·Ry·Rx. */
export function rotationFromEuler(ax: number, ay: number, az: number): Float64Array {
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  return new Float64Array([
    cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx,
    sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx,
    -sy, cy * sx, cy * cx,
  ]);
}

/** The rigid map p ↦ R·(p − centre) + centre + t as a 3×4 affine. */
export function rigidAffine(R: ArrayLike<number>, centre: Vec3, t: Vec3): Float64Array {
  const m = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    let s = centre[r]! + t[r]!;
    for (let c = 0; c < 3; c++) {
      m[r * 4 + c] = R[r * 3 + c]!;
      s -= R[r * 3 + c]! * centre[c]!;
    }
    m[r * 4 + 3] = s;
  }
  return m;
}

/** Re-orthonormalize a near-rotation (row-major 3×3) in place (Gram–Schmidt on the rows), against drift. */
export function orthonormalize(R: Float64Array): void {
  let n = Math.hypot(R[0]!, R[1]!, R[2]!);
  R[0]! /= n;
  R[1]! /= n;
  R[2]! /= n;
  const d = R[0]! * R[3]! + R[1]! * R[4]! + R[2]! * R[5]!;
  R[3]! -= d * R[0]!;
  R[4]! -= d * R[1]!;
  R[5]! -= d * R[2]!;
  n = Math.hypot(R[3]!, R[4]!, R[5]!);
  R[3]! /= n;
  R[4]! /= n;
  R[5]! /= n;
  R[6] = R[1]! * R[5]! - R[2]! * R[4]!;
  R[7] = R[2]! * R[3]! - R[0]! * R[5]!;
  R[8] = R[0]! * R[4]! - R[1]! * R[3]!;
}

/**
 * Target registration error: the mean distance, over the 8 corners of a cube of `sizeMm` centred at `centre`,
 * between where two moving→fixed transforms put the same point (mm).
 */
export function cubeCornerTre(a: Matrix4, b: Matrix4, centre: Vec3, sizeMm = 100): number {
  const A = matrix4ToAffine(a);
  const B = matrix4ToAffine(b);
  const h = sizeMm / 2;
  let sum = 0;
  for (let k = 0; k < 8; k++) {
    const p: Vec3 = [centre[0] + (k & 1 ? h : -h), centre[1] + (k & 2 ? h : -h), centre[2] + (k & 4 ? h : -h)];
    const pa = applyAffine(A, p);
    const pb = applyAffine(B, p);
    sum += Math.hypot(pa[0] - pb[0], pa[1] - pb[1], pa[2] - pb[2]);
  }
  return sum / 8;
}

/** The centre of a volume's box (mm): the patient position of its middle voxel. */
export function volumeCentre(v: Volume): [number, number, number] {
  return applyAffine(indexToPatient(v), [(v.dims[0] - 1) / 2, (v.dims[1] - 1) / 2, (v.dims[2] - 1) / 2]);
}
