/**
 * Mattes mutual information (Mattes et al. 2003; ITK's MattesMutualInformationImageToImageMetric) of a rigid
 * transform, with its analytic gradient, over a fixed set of fixed-image samples.
 *
 * - Joint histogram with a zero-order (box) Parzen window on the fixed intensity and a cubic B-spline window on
 *   the moving one, so the histogram, and hence MI, is differentiable in the moving intensity.
 * - The moving image is read by trilinear interpolation, whose analytic gradient gives ∂m/∂x.
 * - The transform is x ↦ R·(x − c) + c + t (fixed → moving patient mm). The gradient is taken with respect to a
 *   small rotation ω composed on the left (R ← exp([ω]×)·R) and t: ∂T/∂ωₖ = eₖ × R(x − c), ∂T/∂t = I.
 * - dMI/dμ = Σ_{ι,κ} ∂p(ι,κ)/∂μ · log(p(ι,κ) / p_m(κ)) (the marginal-of-fixed term does not depend on μ).
 *
 * Hot loops read typed arrays only; nothing is allocated per sample or per evaluation.
 */
import type { PyramidLevel } from './pyramid';

const PAD = 2; // bins of padding on each side, for the B-spline support

function bspline3(u: number): number {
  const a = u < 0 ? -u : u;
  if (a < 1) return (4 - 6 * a * a + 3 * a * a * a) / 6;
  if (a < 2) {
    const b = 2 - a;
    return (b * b * b) / 6;
  }
  return 0;
}

/** Adds one sample at moving bin position `mh` to the joint histogram row: the 4 cubic B-spline Parzen taps. */
function addParzen(joint: Float64Array, row: number, mh: number, bins: number): void {
  let k0 = Math.floor(mh) - 1;
  if (k0 < 0) k0 = 0;
  else if (k0 > bins - 4) k0 = bins - 4;
  joint[row + k0]! += bspline3(k0 - mh);
  joint[row + k0 + 1]! += bspline3(k0 + 1 - mh);
  joint[row + k0 + 2]! += bspline3(k0 + 2 - mh);
  joint[row + k0 + 3]! += bspline3(k0 + 3 - mh);
}

function bspline3Derivative(u: number): number {
  const a = u < 0 ? -u : u;
  if (a < 1) return -2 * u + 1.5 * u * a;
  if (a < 2) {
    const b = 2 - a;
    return u < 0 ? 0.5 * b * b : -0.5 * b * b;
  }
  return 0;
}

export interface MattesSamples {
  /** Sample positions relative to the rotation centre c (fixed patient mm), xyz interleaved. */
  y: Float64Array;
  /** Fixed intensity of each sample. */
  fixedValues: Float32Array;
  count: number;
}

export interface MattesEvaluation {
  /** −MI (the cost to minimize). */
  value: number;
  /** Samples that fell inside the moving image. */
  valid: number;
}

export class MattesMetric {
  readonly bins: number;
  private readonly fixedBin: Int32Array;
  private readonly mhat: Float64Array;
  private readonly grad: Float32Array;
  private readonly valid: Uint8Array;
  private readonly joint: Float64Array;
  private readonly logRatio: Float64Array;
  private readonly movingMarginal: Float64Array;
  private readonly fixedMarginal: Float64Array;
  private readonly movingMin: number;
  private readonly movingMax: number;
  private readonly movingBinSize: number;
  /** Moving value read where a sample falls outside the moving image, or undefined: such samples are left out. */
  private readonly outsideValue: number | undefined;

  /**
   * `outsideValue`: count samples outside the moving image as this moving value (its background) instead of
   * leaving them out. Poses are then compared over the same samples, so one that keeps little of the fixed anatomy
   * inside the moving image cannot win on a small, well-matched remnant (the start search compares turned poses).
   */
  constructor(
    private readonly samples: MattesSamples,
    private readonly moving: PyramidLevel,
    fixedRange: readonly [number, number],
    movingRange: readonly [number, number],
    bins = 32,
    outsideValue?: number,
  ) {
    this.bins = bins;
    const n = samples.count;
    this.fixedBin = new Int32Array(n);
    this.mhat = new Float64Array(n);
    this.grad = new Float32Array(3 * n);
    this.valid = new Uint8Array(n);
    this.joint = new Float64Array(bins * bins);
    this.logRatio = new Float64Array(bins * bins);
    this.movingMarginal = new Float64Array(bins);
    this.fixedMarginal = new Float64Array(bins);
    const usable = bins - 2 * PAD - 1;
    const [fmin, fmax] = fixedRange;
    const fBin = (fmax - fmin) / usable || 1;
    for (let s = 0; s < n; s++) {
      const f = Math.min(fmax, Math.max(fmin, samples.fixedValues[s]!));
      this.fixedBin[s] = Math.round((f - fmin) / fBin) + PAD;
    }
    this.movingMin = movingRange[0];
    this.movingMax = movingRange[1];
    this.movingBinSize = (movingRange[1] - movingRange[0]) / usable || 1;
    this.outsideValue = outsideValue === undefined ? undefined : Math.min(this.movingMax, Math.max(this.movingMin, outsideValue));
  }

  /**
   * Entropies (nats) of the fixed and moving marginals of the last evaluation: MI over the smaller of the two is a
   * pair-independent 0…1 score of how much one image explains the other.
   */
  marginalEntropies(): { fixed: number; moving: number } {
    let fixed = 0;
    let moving = 0;
    for (let b = 0; b < this.bins; b++) {
      const pf = this.fixedMarginal[b]!;
      const pm = this.movingMarginal[b]!;
      if (pf > 1e-16) fixed -= pf * Math.log(pf);
      if (pm > 1e-16) moving -= pm * Math.log(pm);
    }
    return { fixed, moving };
  }

  /**
   * −MI at the transform (R row-major 3×3, translation t, rotation centre c) and, when `gradient` is given, its
   * gradient into gradient[0..5] = (∂/∂ω, ∂/∂t). Returns valid = 0 (and value 0) when no sample overlaps.
   */
  evaluate(R: Float64Array, c: ArrayLike<number>, t: ArrayLike<number>, gradient?: Float64Array): MattesEvaluation {
    const { dims, data, p2i } = this.moving;
    const nx = dims[0];
    const ny = dims[1];
    const nz = dims[2];
    const sy = nx;
    const sz = nx * ny;
    const bins = this.bins;
    // index = P·(R·y + c + t) + p0 = A·y + b
    const a00 = p2i[0]! * R[0]! + p2i[1]! * R[3]! + p2i[2]! * R[6]!;
    const a01 = p2i[0]! * R[1]! + p2i[1]! * R[4]! + p2i[2]! * R[7]!;
    const a02 = p2i[0]! * R[2]! + p2i[1]! * R[5]! + p2i[2]! * R[8]!;
    const a10 = p2i[4]! * R[0]! + p2i[5]! * R[3]! + p2i[6]! * R[6]!;
    const a11 = p2i[4]! * R[1]! + p2i[5]! * R[4]! + p2i[6]! * R[7]!;
    const a12 = p2i[4]! * R[2]! + p2i[5]! * R[5]! + p2i[6]! * R[8]!;
    const a20 = p2i[8]! * R[0]! + p2i[9]! * R[3]! + p2i[10]! * R[6]!;
    const a21 = p2i[8]! * R[1]! + p2i[9]! * R[4]! + p2i[10]! * R[7]!;
    const a22 = p2i[8]! * R[2]! + p2i[9]! * R[5]! + p2i[10]! * R[8]!;
    const wx = c[0]! + t[0]!;
    const wy = c[1]! + t[1]!;
    const wz = c[2]! + t[2]!;
    const b0 = p2i[0]! * wx + p2i[1]! * wy + p2i[2]! * wz + p2i[3]!;
    const b1 = p2i[4]! * wx + p2i[5]! * wy + p2i[6]! * wz + p2i[7]!;
    const b2 = p2i[8]! * wx + p2i[9]! * wy + p2i[10]! * wz + p2i[11]!;
    // patient gradient = Pᵀ · index gradient
    const p00 = p2i[0]!, p01 = p2i[1]!, p02 = p2i[2]!;
    const p10 = p2i[4]!, p11 = p2i[5]!, p12 = p2i[6]!;
    const p20 = p2i[8]!, p21 = p2i[9]!, p22 = p2i[10]!;
    const maxX = nx - 1;
    const maxY = ny - 1;
    const maxZ = nz - 1;
    const mmin = this.movingMin;
    const mmax = this.movingMax;
    const invBin = 1 / this.movingBinSize;
    const { y } = this.samples;
    const n = this.samples.count;
    const joint = this.joint;
    const fixedBin = this.fixedBin;
    const mhat = this.mhat;
    const grad = this.grad;
    const valid = this.valid;
    const outside = this.outsideValue;
    joint.fill(0);
    let nValid = 0;

    // Pass 1: moving values, gradients and the joint histogram.
    for (let s = 0; s < n; s++) {
      const yx = y[3 * s]!;
      const yy = y[3 * s + 1]!;
      const yz = y[3 * s + 2]!;
      const ix = a00 * yx + a01 * yy + a02 * yz + b0;
      const iy = a10 * yx + a11 * yy + a12 * yz + b1;
      const iz = a20 * yx + a21 * yy + a22 * yz + b2;
      if (!(ix >= 0 && ix <= maxX && iy >= 0 && iy <= maxY && iz >= 0 && iz <= maxZ)) {
        valid[s] = 0;
        if (outside !== undefined) {
          // In the histogram as background, with no gradient (valid stays 0: pass 2 skips it).
          addParzen(joint, fixedBin[s]! * bins, (outside - mmin) * invBin + PAD, bins);
        }
        continue;
      }
      let x0 = Math.floor(ix);
      let y0 = Math.floor(iy);
      let z0 = Math.floor(iz);
      if (x0 >= maxX) x0 = maxX - 1;
      if (y0 >= maxY) y0 = maxY - 1;
      if (z0 >= maxZ) z0 = maxZ - 1;
      const fx = ix - x0;
      const fy = iy - y0;
      const fz = iz - z0;
      const o = x0 + y0 * sy + z0 * sz;
      const v000 = data[o]!;
      const v100 = data[o + 1]!;
      const v010 = data[o + sy]!;
      const v110 = data[o + sy + 1]!;
      const v001 = data[o + sz]!;
      const v101 = data[o + sz + 1]!;
      const v011 = data[o + sz + sy]!;
      const v111 = data[o + sz + sy + 1]!;
      // along x
      const c00 = v000 + fx * (v100 - v000);
      const c10 = v010 + fx * (v110 - v010);
      const c01 = v001 + fx * (v101 - v001);
      const c11 = v011 + fx * (v111 - v011);
      const c0 = c00 + fy * (c10 - c00);
      const c1 = c01 + fy * (c11 - c01);
      let m = c0 + fz * (c1 - c0);
      let gx = 0;
      let gy = 0;
      let gz = 0;
      if (m <= mmin) m = mmin;
      else if (m >= mmax) m = mmax;
      else {
        const d00 = v100 - v000;
        const d10 = v110 - v010;
        const d01 = v101 - v001;
        const d11 = v111 - v011;
        const e0 = d00 + fy * (d10 - d00);
        const e1 = d01 + fy * (d11 - d01);
        const gi = e0 + fz * (e1 - e0);
        const gj = (1 - fz) * (c10 - c00) + fz * (c11 - c01);
        const gk = c1 - c0;
        gx = p00 * gi + p10 * gj + p20 * gk;
        gy = p01 * gi + p11 * gj + p21 * gk;
        gz = p02 * gi + p12 * gj + p22 * gk;
      }
      valid[s] = 1;
      nValid++;
      const mh = (m - mmin) * invBin + PAD;
      mhat[s] = mh;
      grad[3 * s] = gx;
      grad[3 * s + 1] = gy;
      grad[3 * s + 2] = gz;
      addParzen(joint, fixedBin[s]! * bins, mh, bins);
    }
    if (gradient) gradient.fill(0);
    if (nValid === 0) return { value: 0, valid: 0 };

    // Marginals, MI, log(p / p_m).
    const pm = this.movingMarginal;
    const pf = this.fixedMarginal;
    pm.fill(0);
    pf.fill(0);
    let total = 0;
    for (let i = 0; i < joint.length; i++) total += joint[i]!;
    const norm = 1 / total;
    for (let f = 0; f < bins; f++) {
      for (let k = 0; k < bins; k++) {
        const p = joint[f * bins + k]! * norm;
        joint[f * bins + k] = p;
        pm[k]! += p;
        pf[f]! += p;
      }
    }
    let mi = 0;
    const L = this.logRatio;
    for (let f = 0; f < bins; f++) {
      for (let k = 0; k < bins; k++) {
        const p = joint[f * bins + k]!;
        if (p > 1e-16 && pm[k]! > 1e-16) {
          L[f * bins + k] = Math.log(p / pm[k]!);
          mi += p * Math.log(p / (pm[k]! * pf[f]!));
        } else L[f * bins + k] = 0;
      }
    }
    if (!gradient) return { value: -mi, valid: nValid };

    // Pass 2: dMI/dμ; the cost is −MI.
    const scale = norm * invBin; // ∂m̂/∂m = 1/binSize; the histogram is normalized by its total
    let g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0;
    for (let s = 0; s < n; s++) {
      if (valid[s] === 0) continue;
      const gx = grad[3 * s]!;
      const gy = grad[3 * s + 1]!;
      const gz = grad[3 * s + 2]!;
      if (gx === 0 && gy === 0 && gz === 0) continue;
      const mh = mhat[s]!;
      let k0 = Math.floor(mh) - 1;
      if (k0 < 0) k0 = 0;
      else if (k0 > bins - 4) k0 = bins - 4;
      const row = fixedBin[s]! * bins + k0;
      // ∂β(κ − m̂)/∂m̂ = −β'(κ − m̂)
      const d =
        L[row]! * bspline3Derivative(k0 - mh) +
        L[row + 1]! * bspline3Derivative(k0 + 1 - mh) +
        L[row + 2]! * bspline3Derivative(k0 + 2 - mh) +
        L[row + 3]! * bspline3Derivative(k0 + 3 - mh);
      // dMI/dm for this sample = −d·scale; the cost's derivative is +d·scale
      const w = d * scale;
      const yx = y[3 * s]!;
      const yy = y[3 * s + 1]!;
      const yz = y[3 * s + 2]!;
      const qx = R[0]! * yx + R[1]! * yy + R[2]! * yz;
      const qy = R[3]! * yx + R[4]! * yy + R[5]! * yz;
      const qz = R[6]! * yx + R[7]! * yy + R[8]! * yz;
      // ∂m/∂ω = q × g
      g0 += w * (qy * gz - qz * gy);
      g1 += w * (qz * gx - qx * gz);
      g2 += w * (qx * gy - qy * gx);
      g3 += w * gx;
      g4 += w * gy;
      g5 += w * gz;
    }
    gradient[0] = g0;
    gradient[1] = g1;
    gradient[2] = g2;
    gradient[3] = g3;
    gradient[4] = g4;
    gradient[5] = g5;
    return { value: -mi, valid: nValid };
  }
}
