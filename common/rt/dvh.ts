/**
 * Dose-volume histograms of a structure (RTSTRUCT ROI) on a dose grid (RTDOSE), the numbers a physicist checks
 * a plan by: volume, min/mean/max, Dx (the least dose of the hottest x % of the volume), D0.03cc, and the
 * cumulative curve. The same engine serves `dokuei dvh` and the viewer.
 *
 * How the structure is sampled (the convention planning systems use, e.g. Eclipse, and dicompyler's, made finer):
 * - Each axial plane's contours (even-odd: a contour inside another is a hole) are extruded over a slab from
 *   halfway to the previous contour plane to halfway to the next one. The end caps are explicit: the first and last
 *   planes reach half a plane spacing beyond their contour (a structure drawn on n planes 2.5 mm apart is n × 2.5 mm
 *   thick). A gap of more than 1.5 plane spacings splits the structure into parts, each capped the same way.
 * - The slabs are sampled on a regular grid of points finer than the dose grid (at most half a dose voxel, at
 *   least 0.25 mm, and fine enough that even a lens-sized structure gets tens of thousands of points), several
 *   sub-planes per slab along z; each point's dose is interpolated trilinearly in patient coordinates
 *   (doseGrid.ts), so a grid offset by a fraction of a voxel is placed where it is, never snapped.
 * - Each point stands for its share of the volume (step² × sub-slab thickness). The statistics come from a
 *   histogram of 20 000 bins up to the maximum dose (Dx to 1/20 000 of the maximum, interpolated within a bin);
 *   min, max and mean are exact over the points.
 * Points outside the dose grid count as 0 Gy and their volume is reported (`outsideGridCc`).
 */
import type { ContourPlane } from './structureSet';
import { doseSampler, doseVoxelMm, type DoseGrid } from './doseGrid';

export const DX_LEVELS = ['99', '98', '95', '50', '5', '2', '1'] as const;
export type DxLevel = (typeof DX_LEVELS)[number];

export interface DvhOptions {
  /** Plane spacing for a structure drawn on one plane only (mm); else the dose grid's z spacing. */
  sliceThicknessMm?: number;
  /** Dose step of the cumulative curve (Gy); default 0.01 Gy up to 10 Gy maximum, 0.1 Gy above. */
  binGy?: number;
  /** Upper bound on the number of sample points (the step grows for very large structures). */
  maxSamples?: number;
}

export interface Dvh {
  volumeCc: number;
  minGy: number;
  maxGy: number;
  meanGy: number;
  D: Record<DxLevel, number>;
  /** The least dose of the hottest 0.03 cm³ (the whole structure's minimum when it is smaller than that). */
  D0_03ccGy: number;
  /** [dose Gy, volume cm³ receiving at least that dose], from 0 Gy to the maximum. */
  cumulative: [number, number][];
  /** Volume of the structure outside the dose grid (counted as 0 Gy). */
  outsideGridCc: number;
  /** How it was sampled, for the report. */
  sampling: { stepMm: number; points: number; planes: number };
}

const HIST_BINS = 20000;
const MIN_STEP_MM = 0.25;
const DEFAULT_MAX_SAMPLES = 4_000_000;

interface Slab {
  plane: ContourPlane;
  lo: number;
  hi: number;
}

/** Each plane's slab, with explicit end caps (half a plane spacing) at each end of each part. */
export function slabsOf(planes: readonly ContourPlane[], fallbackThicknessMm: number): Slab[] {
  if (planes.length === 0) return [];
  const gaps: number[] = [];
  for (let i = 1; i < planes.length; i++) gaps.push(planes[i]!.z - planes[i - 1]!.z);
  const sorted = [...gaps].sort((a, b) => a - b);
  const spacing = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : fallbackThicknessMm;
  const joined = (i: number) => i >= 0 && i < gaps.length && gaps[i]! <= 1.5 * spacing;
  return planes.map((plane, i) => ({
    plane,
    lo: joined(i - 1) ? (planes[i - 1]!.z + plane.z) / 2 : plane.z - spacing / 2,
    hi: joined(i) ? (planes[i + 1]!.z + plane.z) / 2 : plane.z + spacing / 2,
  }));
}

/** The x intervals inside a plane's contours (even-odd rule) along the line y. */
function spans(polygons: readonly Float64Array[], y: number): number[] {
  const xs: number[] = [];
  for (const poly of polygons) {
    const n = poly.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const yi = poly[i * 2 + 1]!;
      const yj = poly[j * 2 + 1]!;
      // Half-open on y, so a vertex exactly on the line counts once.
      if (yi > y !== yj > y) xs.push(poly[i * 2]! + ((y - yi) / (yj - yi)) * (poly[j * 2]! - poly[i * 2]!));
    }
  }
  return xs.sort((a, b) => a - b);
}

function polygonArea(poly: Float64Array): number {
  let a = 0;
  const n = poly.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) a += poly[j * 2]! * poly[i * 2 + 1]! - poly[i * 2]! * poly[j * 2 + 1]!;
  return Math.abs(a) / 2;
}

/**
 * Visits the structure's sample points: the slabs of `planes` (end caps included) on a lattice of `step` mm in plane
 * and about `step` along z; `visit(x, y, z, mm³)` for each point inside (even-odd). Returns the number of points.
 */
export function sampleStructure(planes: readonly ContourPlane[], step: number, fallbackThicknessMm: number, visit: (x: number, y: number, z: number, w: number) => void): number {
  let count = 0;
  for (const { plane, lo, hi } of slabsOf(planes, fallbackThicknessMm)) {
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const p of plane.polygons) {
      for (let i = 0; i < p.length; i += 2) {
        x0 = Math.min(x0, p[i]!);
        x1 = Math.max(x1, p[i]!);
        y0 = Math.min(y0, p[i + 1]!);
        y1 = Math.max(y1, p[i + 1]!);
      }
    }
    // In-plane points: a grid of step × step cells, each point at its cell's centre.
    const pts: number[] = [];
    for (let y = y0 + step / 2; y < y1; y += step) {
      const xs = spans(plane.polygons, y);
      for (let s = 0; s + 1 < xs.length; s += 2) {
        const a = xs[s]!;
        const b = xs[s + 1]!;
        // Cells whose centres fall in [a, b) on the plane's lattice (so neighbouring spans never share a point).
        for (let x = x0 + step / 2 + Math.ceil((a - x0 - step / 2) / step) * step; x < b; x += step) pts.push(x, y);
      }
    }
    const nz = Math.max(1, Math.ceil((hi - lo) / step));
    const dz = (hi - lo) / nz;
    const w = step * step * dz;
    for (let k = 0; k < nz; k++) {
      const z = lo + (k + 0.5) * dz;
      for (let i = 0; i < pts.length; i += 2) visit(pts[i]!, pts[i + 1]!, z, w);
      count += pts.length / 2;
    }
  }
  return count;
}

/** The sampling step for a structure: fine for small ones, bounded (≤ maxSamples points) for large ones. */
function stepFor(planes: readonly ContourPlane[], fallbackThicknessMm: number, maxStep: number, maxSamples: number): number {
  // An upper estimate of the volume (holes counted as filled).
  const roughMm3 = slabsOf(planes, fallbackThicknessMm).reduce((s, sl) => s + sl.plane.polygons.reduce((a, p) => a + polygonArea(p), 0) * (sl.hi - sl.lo), 0);
  return Math.min(maxStep, Math.max(MIN_STEP_MM, Math.cbrt(roughMm3 / maxSamples)));
}

/** The structure's volume (cm³) by the DVH's convention (slabs, end caps, even-odd), without a dose. */
export function structureVolumeCc(planes: readonly ContourPlane[], sliceThicknessMm: number): number {
  let mm3 = 0;
  sampleStructure(planes, stepFor(planes, sliceThicknessMm, 1, 2_000_000), sliceThicknessMm, (_x, _y, _z, w) => (mm3 += w));
  return mm3 / 1000;
}

export function computeDvh(planes: readonly ContourPlane[], grid: DoseGrid, options: DvhOptions = {}): Dvh {
  const voxel = doseVoxelMm(grid);
  const thickness = options.sliceThicknessMm ?? voxel[2];
  if (slabsOf(planes, thickness).length === 0) throw new Error('the structure has no closed contours: it encloses no volume');
  const maxStep = Math.max(MIN_STEP_MM, Math.min(voxel[0], voxel[1], voxel[2]) / 2);
  const step = stepFor(planes, thickness, maxStep, options.maxSamples ?? DEFAULT_MAX_SAMPLES);
  // Growable typed buffers: millions of points, no per-point objects.
  let doses = new Float32Array(1 << 16);
  let weights = new Float32Array(1 << 16);
  let n = 0;
  let outsideMm3 = 0;
  const dose = doseSampler(grid);
  sampleStructure(planes, step, thickness, (x, y, z, w) => {
    if (n === doses.length) {
      const d2 = new Float32Array(n * 2);
      d2.set(doses);
      doses = d2;
      const w2 = new Float32Array(n * 2);
      w2.set(weights);
      weights = w2;
    }
    const d = dose(x, y, z);
    if (Number.isNaN(d)) outsideMm3 += w;
    doses[n] = Number.isNaN(d) ? 0 : d;
    weights[n++] = w;
  });
  doses = doses.subarray(0, n);
  weights = weights.subarray(0, n);
  if (doses.length === 0) throw new Error('the structure is thinner than the sampling step: no point falls inside it');

  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < doses.length; i++) {
    const d = doses[i]!;
    if (d < min) min = d;
    if (d > max) max = d;
    total += weights[i]!;
    weighted += d * weights[i]!;
  }
  // Histogram over [0, top): Dx and the curve come from it.
  const top = max > 0 ? max * (1 + 1e-9) : 1;
  const width = top / HIST_BINS;
  const hist = new Float64Array(HIST_BINS);
  for (let i = 0; i < doses.length; i++) hist[Math.min(HIST_BINS - 1, Math.floor(doses[i]! / width))]! += weights[i]!;
  // above[b]: volume at or above the lower edge of bin b.
  const above = new Float64Array(HIST_BINS + 1);
  for (let b = HIST_BINS - 1; b >= 0; b--) above[b] = above[b + 1]! + hist[b]!;
  /** The dose that `v` mm³ of the structure receives at least (interpolated within the bin where the curve crosses v). */
  const doseForVolume = (v: number): number => {
    if (v >= total) return min;
    for (let b = HIST_BINS - 1; b >= 0; b--) {
      if (above[b]! >= v) {
        const inBin = hist[b]!;
        const needed = v - above[b + 1]!;
        const d = (b + 1 - (inBin > 0 ? needed / inBin : 0)) * width;
        return Math.min(max, Math.max(min, d));
      }
    }
    return min;
  };
  const D = Object.fromEntries(DX_LEVELS.map((x) => [x, doseForVolume((Number(x) / 100) * total)])) as Record<DxLevel, number>;
  const binGy = options.binGy ?? (max <= 10 ? 0.01 : 0.1);
  const volumeAtLeast = (d: number): number => {
    if (d <= 0) return total;
    const f = d / width;
    const b = Math.floor(f);
    if (b >= HIST_BINS) return 0;
    return above[b + 1]! + hist[b]! * (b + 1 - f);
  };
  const cumulative: [number, number][] = [];
  for (let d = 0; d <= max + binGy / 2; d += binGy) cumulative.push([round(d, 6), round(volumeAtLeast(d) / 1000, 6)]);
  return {
    volumeCc: total / 1000,
    minGy: min,
    maxGy: max,
    meanGy: weighted / total,
    D,
    D0_03ccGy: doseForVolume(30),
    cumulative,
    outsideGridCc: outsideMm3 / 1000,
    sampling: { stepMm: step, points: doses.length, planes: planes.length },
  };
}

/** The volume (cm³) receiving at least `gy`, read off a cumulative curve (linear between its points). */
export function volumeAtDose(cumulative: readonly (readonly [number, number])[], gy: number): number {
  if (cumulative.length === 0) return 0;
  if (gy <= cumulative[0]![0]) return cumulative[0]![1];
  for (let i = 1; i < cumulative.length; i++) {
    const [d1, v1] = cumulative[i]!;
    if (gy <= d1) {
      const [d0, v0] = cumulative[i - 1]!;
      return d1 === d0 ? v1 : v0 + ((gy - d0) / (d1 - d0)) * (v1 - v0);
    }
  }
  return 0;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f + 0;
}
