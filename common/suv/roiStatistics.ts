/**
 * ROI statistics of a volume (issue #7): SUVmax, SUVmean, SUVpeak, volume — for spheres, in-plane ellipses and
 * voxel masks (a DICOM SEG turned into a mask on the PET grid). Pure, isomorphic TypeScript: the viewer (renderer
 * or worker), the CLI and the tests call the same code, so the numbers they print agree.
 *
 * Conventions:
 * - A voxel is inside a shape when its CENTRE is inside (no partial-volume weighting: what PERCIST and most
 *   workstations do, and what makes the CLI and the viewer agree voxel for voxel).
 * - `scale` multiplies every value (the SUV factor: stored value after rescale × factor = SUV). Applying it here,
 *   not to the voxels, is what lets a corrected weight update every ROI without touching the volume.
 * - SUVpeak (PERCIST): the highest mean over spheres of `peakVolumeMl` (default 1 ml) centred on each voxel inside
 *   the ROI; each sphere averages every voxel of the VOLUME whose centre lies in it (not only ROI voxels), and
 *   voxels beyond the volume's edge are simply absent from that mean.
 * - sd is the sample standard deviation (n − 1, as ITK's and 3D Slicer's label statistics); 0 for one voxel.
 * - An empty ROI gives voxels 0, NaN statistics, maxAt [NaN, NaN, NaN] and peak/peakAt null.
 */
import type { Vec3, Volume } from '../registration/types';

export type RoiShape =
  | { kind: 'sphere'; centre: Vec3; radiusMm: number }
  /** Patient mm; in-plane (A and B span the viewing plane); a one-voxel slab around that plane. */
  | { kind: 'ellipse'; centre: Vec3; semiAxisA: Vec3; semiAxisB: Vec3 }
  /** Same grid as the volume (same voxel order), non-zero = inside. */
  | { kind: 'mask'; mask: ArrayLike<number> };

export interface RoiStatistics {
  voxels: number;
  volumeMl: number;
  min: number;
  max: number;
  mean: number;
  sd: number;
  peak: number | null;
  /** Patient position (mm) of the centre of the (first) maximum voxel. */
  maxAt: Vec3;
  /** Patient position (mm) of the centre of the SUVpeak sphere. */
  peakAt: Vec3 | null;
}

export interface RoiStatisticsOptions {
  scale?: number;
  peakVolumeMl?: number;
}

/** 3×3 row-major. */
type Mat3 = [number, number, number, number, number, number, number, number, number];

/** The affine grid of a volume: patient = origin + M·[i, j, k], with M = direction · diag(spacing), and its inverse. */
interface Grid {
  nx: number;
  ny: number;
  nz: number;
  m: Mat3;
  inv: Mat3;
  origin: Vec3;
  voxelMm3: number;
}

function gridOf(volume: Volume): Grid {
  const [nx, ny, nz] = volume.dims;
  const d = volume.direction;
  const [sx, sy, sz] = volume.spacing;
  if (d.length !== 9) throw new Error('ROI statistics: the volume direction must have 9 numbers');
  const e = (i: number): number => d[i] ?? NaN;
  const m: Mat3 = [e(0) * sx, e(1) * sy, e(2) * sz, e(3) * sx, e(4) * sy, e(5) * sz, e(6) * sx, e(7) * sy, e(8) * sz];
  const det =
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  if (!Number.isFinite(det) || det === 0) throw new Error('ROI statistics: the volume has a degenerate direction/spacing');
  const inv: Mat3 = [
    (m[4] * m[8] - m[5] * m[7]) / det,
    (m[2] * m[7] - m[1] * m[8]) / det,
    (m[1] * m[5] - m[2] * m[4]) / det,
    (m[5] * m[6] - m[3] * m[8]) / det,
    (m[0] * m[8] - m[2] * m[6]) / det,
    (m[2] * m[3] - m[0] * m[5]) / det,
    (m[3] * m[7] - m[4] * m[6]) / det,
    (m[1] * m[6] - m[0] * m[7]) / det,
    (m[0] * m[4] - m[1] * m[3]) / det,
  ];
  return { nx, ny, nz, m, inv, origin: volume.origin, voxelMm3: Math.abs(det) };
}

function toIndex(g: Grid, p: Vec3): [number, number, number] {
  const x = p[0] - g.origin[0];
  const y = p[1] - g.origin[1];
  const z = p[2] - g.origin[2];
  const v = g.inv;
  return [v[0] * x + v[1] * y + v[2] * z, v[3] * x + v[4] * y + v[5] * z, v[6] * x + v[7] * y + v[8] * z];
}

function toPatient(g: Grid, i: number, j: number, k: number): Vec3 {
  const m = g.m;
  return [
    g.origin[0] + m[0] * i + m[1] * j + m[2] * k,
    g.origin[1] + m[3] * i + m[4] * j + m[5] * k,
    g.origin[2] + m[6] * i + m[7] * j + m[8] * k,
  ];
}

/** Index (i, j, k) of the voxel nearest to `point`, or undefined outside the volume. */
function nearestIndex(g: Grid, point: Vec3): [number, number, number] | undefined {
  const [fi, fj, fk] = toIndex(g, point);
  const i = Math.round(fi);
  const j = Math.round(fj);
  const k = Math.round(fk);
  if (!(i >= 0 && j >= 0 && k >= 0 && i < g.nx && j < g.ny && k < g.nz)) return undefined;
  return [i, j, k];
}

/** Nearest voxel value (unscaled) at a patient point (mm); undefined outside the volume. */
export function sampleAt(volume: Volume, point: Vec3): number | undefined {
  const g = gridOf(volume);
  const ijk = nearestIndex(g, point);
  if (!ijk) return undefined;
  return volume.data[ijk[0] + g.nx * (ijk[1] + g.ny * ijk[2])];
}

/** Index box [lo, hi] (inclusive) per axis, clipped to the volume; empty when any lo > hi. */
type Box = [number, number, number, number, number, number];

/**
 * The index box of a convex shape around `centre` whose extent along index axis a is `ext[a]` index units.
 * A voxel whose centre lies on the box's edge is kept (ceil/floor), so the box never cuts an inside voxel.
 */
function boxAround(g: Grid, centre: Vec3, ext: Vec3): Box {
  const c = toIndex(g, centre);
  const eps = 1e-9;
  return [
    Math.max(0, Math.ceil(c[0] - ext[0] - eps)),
    Math.min(g.nx - 1, Math.floor(c[0] + ext[0] + eps)),
    Math.max(0, Math.ceil(c[1] - ext[1] - eps)),
    Math.min(g.ny - 1, Math.floor(c[1] + ext[1] + eps)),
    Math.max(0, Math.ceil(c[2] - ext[2] - eps)),
    Math.min(g.nz - 1, Math.floor(c[2] + ext[2] + eps)),
  ];
}

/** Row a (0…2) of a 3×3 row-major matrix. */
function row(v: Mat3, a: number): Vec3 {
  return a === 0 ? [v[0], v[1], v[2]] : a === 1 ? [v[3], v[4], v[5]] : [v[6], v[7], v[8]];
}
/** Column a (0…2) of a 3×3 row-major matrix. */
function column(v: Mat3, a: number): Vec3 {
  return a === 0 ? [v[0], v[3], v[6]] : a === 1 ? [v[1], v[4], v[7]] : [v[2], v[5], v[8]];
}
function vec3(f: (a: number) => number): Vec3 {
  return [f(0), f(1), f(2)];
}

/** Extent in index units, per index axis, of a sphere of radius r mm: r·‖row a of M⁻¹‖. */
function sphereIndexExtent(g: Grid, r: number): Vec3 {
  return vec3((a) => r * Math.hypot(...row(g.inv, a)));
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * Calls `visit(index, i, j, k)` for every voxel whose centre is inside the shape, visiting only the shape's
 * bounding box (a mask has none: all voxels).
 */
function forEachInside(g: Grid, shape: RoiShape, visit: (idx: number, i: number, j: number, k: number) => void): void {
  const { nx, ny, nz } = g;
  if (shape.kind === 'mask') {
    const mask = shape.mask;
    if (mask.length !== nx * ny * nz) {
      throw new Error(`ROI statistics: the mask has ${mask.length} voxels, the volume ${nx * ny * nz}`);
    }
    let idx = 0;
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, idx++) if (mask[idx]) visit(idx, i, j, k);
    return;
  }
  const m = g.m;
  if (shape.kind === 'sphere') {
    const r = shape.radiusMm;
    if (!(r >= 0)) return;
    const r2 = r * r;
    const c = shape.centre;
    const b = boxAround(g, c, sphereIndexExtent(g, r));
    for (let k = b[4]; k <= b[5]; k++) {
      for (let j = b[2]; j <= b[3]; j++) {
        // Patient offset from the centre of voxel (b[0], j, k); each step in i adds M's first column.
        let dx = g.origin[0] + m[0] * b[0] + m[1] * j + m[2] * k - c[0];
        let dy = g.origin[1] + m[3] * b[0] + m[4] * j + m[5] * k - c[1];
        let dz = g.origin[2] + m[6] * b[0] + m[7] * j + m[8] * k - c[2];
        let idx = b[0] + nx * (j + ny * k);
        for (let i = b[0]; i <= b[1]; i++, idx++, dx += m[0], dy += m[3], dz += m[6]) {
          if (dx * dx + dy * dy + dz * dz <= r2) visit(idx, i, j, k);
        }
      }
    }
    return;
  }
  // Ellipse: p − c = u·A + v·B + w·n with n the unit normal of the plane; inside when u² + v² ≤ 1 and the centre
  // lies in a slab one voxel thick around the plane: −h ≤ w < h (half-open so that, on a plane through voxel
  // centres, exactly one slice of voxels is taken). The slab's thickness is the voxel's extent along the index
  // axis most aligned with n — the slice spacing when the ellipse is drawn on an acquired slice.
  const A = shape.semiAxisA;
  const B = shape.semiAxisB;
  const c = shape.centre;
  const nRaw = cross(A, B);
  const nLen = Math.hypot(nRaw[0], nRaw[1], nRaw[2]);
  if (!(nLen > 0)) return; // degenerate (a line or a point): nothing inside
  const n: Vec3 = [nRaw[0] / nLen, nRaw[1] / nLen, nRaw[2] / nLen];
  let thickness = 0;
  for (let a = 0; a < 3; a++) thickness = Math.max(thickness, Math.abs(dot(n, column(m, a))));
  const h = thickness / 2;
  // u, v from the 2×2 Gram system (A and B need not be perpendicular).
  const aa = dot(A, A);
  const ab = dot(A, B);
  const bb = dot(B, B);
  const gdet = aa * bb - ab * ab;
  // Bounding box: the ellipse c + cosθ·A + sinθ·B spans ±√(A'ₐ² + B'ₐ²) along index axis a (A' = M⁻¹A), plus the slab.
  const ext = vec3((a) => {
    const inv = row(g.inv, a);
    return Math.hypot(dot(inv, A), dot(inv, B)) + Math.abs(dot(inv, n)) * h;
  });
  const b = boxAround(g, c, ext);
  for (let k = b[4]; k <= b[5]; k++) {
    for (let j = b[2]; j <= b[3]; j++) {
      let idx = b[0] + nx * (j + ny * k);
      for (let i = b[0]; i <= b[1]; i++, idx++) {
        const d = sub(toPatient(g, i, j, k), c);
        const w = dot(d, n);
        if (w < -h || w >= h) continue;
        const da = dot(d, A);
        const db = dot(d, B);
        const u = (bb * da - ab * db) / gdet;
        const vv = (aa * db - ab * da) / gdet;
        if (u * u + vv * vv <= 1) visit(idx, i, j, k);
      }
    }
  }
}

/** Radius (mm) of a sphere of `ml` millilitres: (3V/(4π))^(1/3), V in mm³. */
export function sphereRadiusMm(ml: number): number {
  return Math.cbrt((3 * ml * 1000) / (4 * Math.PI));
}

/**
 * The sphere used for SUVpeak, as runs along i: for each (dj, dk) the interval [lo, hi] of di whose voxel centres
 * lie within r of the centre voxel's centre. A sphere is convex, so each such set is one interval — which lets a
 * prefix sum along i give each run's sum in O(1) (a 1 ml sphere on a 0.5 mm CT holds ~8000 voxels but ~250 runs).
 */
interface PeakRuns {
  dj: Int32Array;
  dk: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  reach: [number, number, number];
}

function peakRuns(g: Grid, r: number): PeakRuns {
  const m = g.m;
  const r2 = r * r;
  const ext = sphereIndexExtent(g, r);
  const ri = Math.floor(ext[0] + 1e-9);
  const rj = Math.floor(ext[1] + 1e-9);
  const rk = Math.floor(ext[2] + 1e-9);
  const dj: number[] = [];
  const dk: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  for (let k = -rk; k <= rk; k++) {
    for (let j = -rj; j <= rj; j++) {
      let first = Infinity;
      let last = -Infinity;
      for (let i = -ri; i <= ri; i++) {
        const x = m[0] * i + m[1] * j + m[2] * k;
        const y = m[3] * i + m[4] * j + m[5] * k;
        const z = m[6] * i + m[7] * j + m[8] * k;
        if (x * x + y * y + z * z <= r2) {
          first = Math.min(first, i);
          last = Math.max(last, i);
        }
      }
      if (first <= last) {
        dj.push(j);
        dk.push(k);
        lo.push(first);
        hi.push(last);
      }
    }
  }
  return { dj: Int32Array.from(dj), dk: Int32Array.from(dk), lo: Int32Array.from(lo), hi: Int32Array.from(hi), reach: [ri, rj, rk] };
}

/**
 * Statistics of the voxels inside `shape`, each value multiplied by `options.scale` (default 1). SUVpeak uses a
 * sphere of `options.peakVolumeMl` (default 1 ml: radius ≈ 6.2 mm).
 */
export function roiStatistics(volume: Volume, shape: RoiShape, options: RoiStatisticsOptions = {}): RoiStatistics {
  const scale = options.scale ?? 1;
  const peakMl = options.peakVolumeMl ?? 1;
  const g = gridOf(volume);
  const data = volume.data;
  const { nx, ny } = g;
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  let maxIdx = -1;
  let shift = 0; // first value: sums of (x − shift) keep the variance accurate for large, similar values
  let sum = 0;
  let sumSq = 0;
  // The ROI's index box: the peak search (a second pass over the shape) needs it first.
  let bi0 = Infinity, bi1 = -Infinity, bj0 = Infinity, bj1 = -Infinity, bk0 = Infinity, bk1 = -Infinity;
  forEachInside(g, shape, (idx, i, j, k) => {
    const x = data[idx]!;
    if (n === 0) shift = x;
    n++;
    const d = x - shift;
    sum += d;
    sumSq += d * d;
    if (x < min) min = x;
    if (x > max) {
      max = x;
      maxIdx = idx;
    }
    if (i < bi0) bi0 = i;
    if (i > bi1) bi1 = i;
    if (j < bj0) bj0 = j;
    if (j > bj1) bj1 = j;
    if (k < bk0) bk0 = k;
    if (k > bk1) bk1 = k;
  });
  const volumeMl = (n * g.voxelMm3) / 1000;
  if (n === 0) {
    return { voxels: 0, volumeMl: 0, min: NaN, max: NaN, mean: NaN, sd: NaN, peak: null, maxAt: [NaN, NaN, NaN], peakAt: null };
  }
  const mean = shift + sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)) : 0;
  const maxAt = toPatient(g, maxIdx % nx, Math.floor(maxIdx / nx) % ny, Math.floor(maxIdx / (nx * ny)));

  const { peak, peakIdx } = peakSearch(g, data, shape, [bi0, bi1, bj0, bj1, bk0, bk1], sphereRadiusMm(peakMl));
  const peakAt = toPatient(g, peakIdx % nx, Math.floor(peakIdx / nx) % ny, Math.floor(peakIdx / (nx * ny)));
  // A negative scale would swap min and max; SUV factors are positive, but keep the statistics honest anyway.
  const lo = Math.min(min * scale, max * scale);
  const hi = Math.max(min * scale, max * scale);
  return {
    voxels: n,
    volumeMl,
    min: lo,
    max: hi,
    mean: mean * scale,
    sd: Math.sqrt(variance) * Math.abs(scale),
    peak: peak * scale,
    maxAt,
    peakAt,
  };
}

/**
 * The highest sphere mean over the ROI's voxels. Prefix sums along i over the ROI's box grown by the sphere's reach
 * make each sphere cost one add per run instead of one per voxel. Relies on forEachInside visiting slices in
 * ascending k (all three shapes do).
 */
function peakSearch(
  g: Grid,
  data: Volume['data'],
  shape: RoiShape,
  box: Box,
  radius: number,
): { peak: number; peakIdx: number } {
  const { nx, ny, nz } = g;
  const runs = peakRuns(g, radius);
  const [ri, rj, rk] = runs.reach;
  const i0 = Math.max(0, box[0] - ri);
  const i1 = Math.min(nx - 1, box[1] + ri);
  const j0 = Math.max(0, box[2] - rj);
  const j1 = Math.min(ny - 1, box[3] + rj);
  const k0 = Math.max(0, box[4] - rk);
  const k1 = Math.min(nz - 1, box[5] + rk);
  const w = i1 - i0 + 1;
  const h = j1 - j0 + 1;
  const stride = w + 1; // prefix[row][t] = sum of the row's first t voxels (from i0)
  // Prefix rows are kept for 2·rk + 1 slices only, in a ring: the shapes are visited slice by slice (k never
  // decreases), so a voxel of slice k needs slices k − rk … k + rk and nothing older. A mask over a whole
  // 512×512×300 CT then needs ~27 MB here instead of the whole volume's 630 MB.
  const ringSlices = Math.min(2 * rk + 1, k1 - k0 + 1);
  const sliceSize = stride * h;
  const prefix = new Float64Array(sliceSize * ringSlices);
  let filledTo = k0 - 1;
  const fillTo = (kEnd: number): void => {
    for (let k = filledTo + 1; k <= kEnd; k++) {
      const slot = ((k - k0) % ringSlices) * sliceSize;
      for (let j = j0; j <= j1; j++) {
        const base = slot + (j - j0) * stride;
        let src = i0 + nx * (j + ny * k);
        let acc = 0;
        for (let t = 0; t < w; t++, src++) {
          acc += data[src]!;
          prefix[base + t + 1] = acc;
        }
      }
    }
    filledTo = Math.max(filledTo, kEnd);
  };
  let peak = -Infinity;
  let peakIdx = -1;
  const nRuns = runs.dj.length;
  forEachInside(g, shape, (idx, i, j, k) => {
    fillTo(Math.min(k1, k + rk));
    let s = 0;
    let count = 0;
    for (let r = 0; r < nRuns; r++) {
      const jj = j + runs.dj[r]!;
      const kk = k + runs.dk[r]!;
      if (jj < j0 || jj > j1 || kk < k0 || kk > k1) continue; // beyond the volume's edge (the box is clipped only there)
      const a = Math.max(i + runs.lo[r]!, i0);
      const b = Math.min(i + runs.hi[r]!, i1);
      if (a > b) continue;
      const base = ((kk - k0) % ringSlices) * sliceSize + (jj - j0) * stride;
      s += prefix[base + b - i0 + 1]! - prefix[base + a - i0]!;
      count += b - a + 1;
    }
    const mean = s / count; // count ≥ 1: the centre voxel itself is always in its sphere
    if (mean > peak) {
      peak = mean;
      peakIdx = idx;
    }
  });
  return { peak, peakIdx };
}
