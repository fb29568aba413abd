/**
 * Intensity moments of a pyramid level (centre of mass and principal axes, in patient mm) and the rotations that
 * align one image's principal axes with another's: a start for registration that does not depend on the headers'
 * orientation at all.
 */
import type { PyramidLevel } from './pyramid';
import type { Vec3 } from './types';

export interface IntensityMoments {
  centre: Vec3;
  /** Eigenvalues of the intensity-weighted covariance (mm²), largest first. */
  values: Vec3;
  /** The matching unit eigenvectors as the COLUMNS of a row-major 3×3. */
  axes: Float64Array;
}

/**
 * Moments with weights |value − background|, `background` the image's (its corners': air, or the zeros outside a
 * CBCT's view): the background weighs nothing, so the moments are the anatomy's, not the field of view's, whether
 * the anatomy is brighter than the background (CT, MR) or darker (an inverted or a transmission image).
 */
export function intensityMoments(level: PyramidLevel, background: number): IntensityMoments | undefined {
  const { data, dims, i2p } = level;
  const [nx, ny, nz] = dims;
  let w = 0;
  const s1 = [0, 0, 0];
  const s2 = [0, 0, 0, 0, 0, 0]; // xx xy xz yy yz zz
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = Math.abs(data[i + nx * (j + ny * k)]! - background);
        if (!(v > 0)) continue;
        const x = i2p[0]! * i + i2p[1]! * j + i2p[2]! * k + i2p[3]!;
        const y = i2p[4]! * i + i2p[5]! * j + i2p[6]! * k + i2p[7]!;
        const z = i2p[8]! * i + i2p[9]! * j + i2p[10]! * k + i2p[11]!;
        w += v;
        s1[0]! += v * x;
        s1[1]! += v * y;
        s1[2]! += v * z;
        s2[0]! += v * x * x;
        s2[1]! += v * x * y;
        s2[2]! += v * x * z;
        s2[3]! += v * y * y;
        s2[4]! += v * y * z;
        s2[5]! += v * z * z;
      }
  if (!(w > 0)) return undefined;
  const c: Vec3 = [s1[0]! / w, s1[1]! / w, s1[2]! / w];
  const C = new Float64Array([
    s2[0]! / w - c[0] * c[0], s2[1]! / w - c[0] * c[1], s2[2]! / w - c[0] * c[2],
    s2[1]! / w - c[0] * c[1], s2[3]! / w - c[1] * c[1], s2[4]! / w - c[1] * c[2],
    s2[2]! / w - c[0] * c[2], s2[4]! / w - c[1] * c[2], s2[5]! / w - c[2] * c[2],
  ]);
  const { values, vectors } = symmetricEigen3(C);
  return { centre: c, values, axes: vectors };
}

/** Eigen-decomposition of a symmetric 3×3 (cyclic Jacobi): values largest first, vectors as columns. */
export function symmetricEigen3(S: ArrayLike<number>): { values: Vec3; vectors: Float64Array } {
  const a = Float64Array.from(S as ArrayLike<number>);
  const v = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[1]! ** 2 + a[2]! ** 2 + a[5]! ** 2;
    if (off < 1e-22 * (a[0]! ** 2 + a[4]! ** 2 + a[8]! ** 2 + 1e-300)) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[p * 3 + q]!;
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q * 3 + q]! - a[p * 3 + p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const cs = 1 / Math.sqrt(t * t + 1);
      const sn = t * cs;
      // a ← Jᵀ·a·J with the rotation J in the (p, q) plane.
      for (let k = 0; k < 3; k++) {
        const akp = a[k * 3 + p]!;
        const akq = a[k * 3 + q]!;
        a[k * 3 + p] = cs * akp - sn * akq;
        a[k * 3 + q] = sn * akp + cs * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p * 3 + k]!;
        const aqk = a[q * 3 + k]!;
        a[p * 3 + k] = cs * apk - sn * aqk;
        a[q * 3 + k] = sn * apk + cs * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k * 3 + p]!;
        const vkq = v[k * 3 + q]!;
        v[k * 3 + p] = cs * vkp - sn * vkq;
        v[k * 3 + q] = sn * vkp + cs * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => a[j * 3 + j]! - a[i * 3 + i]!);
  const vectors = new Float64Array(9);
  order.forEach((src, dst) => {
    for (let r = 0; r < 3; r++) vectors[r * 3 + dst] = v[r * 3 + src]!;
  });
  return { values: order.map((i) => a[i * 3 + i]!) as unknown as Vec3, vectors };
}

/**
 * Principal axes are a usable start only when the three spreads differ: for a near-sphere or a near-cylinder the
 * axes are arbitrary. 15% apart (in variance) is about 7% in extent, well above what resampling changes.
 */
const DISTINCT = 1.15;

export function axesWellDefined(m: IntensityMoments): boolean {
  return m.values[2] > 0 && m.values[0] / m.values[1] >= DISTINCT && m.values[1] / m.values[2] >= DISTINCT;
}

/**
 * The rotations (fixed → moving, row-major) that carry the fixed image's principal axes onto the moving one's: four,
 * because each axis may point either way (and the result must be a proper rotation).
 */
export function principalAxisRotations(fixed: IntensityMoments, moving: IntensityMoments): Float64Array[] {
  const E = fixed.axes;
  const F = moving.axes;
  const det = (M: Float64Array) => M[0]! * (M[4]! * M[8]! - M[5]! * M[7]!) - M[1]! * (M[3]! * M[8]! - M[5]! * M[6]!) + M[2]! * (M[3]! * M[7]! - M[4]! * M[6]!);
  const sign = Math.sign(det(E) * det(F)) || 1;
  const out: Float64Array[] = [];
  for (const [s0, s1] of [[1, 1], [1, -1], [-1, 1], [-1, -1]] as const) {
    const s = [s0, s1, s0 * s1 * sign];
    const R = new Float64Array(9);
    // R = F·S·Eᵀ
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) {
        let x = 0;
        for (let k = 0; k < 3; k++) x += F[r * 3 + k]! * s[k]! * E[c * 3 + k]!;
        R[r * 3 + c] = x;
      }
    out.push(R);
  }
  return out;
}
