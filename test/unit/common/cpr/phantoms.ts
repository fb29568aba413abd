/**
 * Synthetic volumes for the CPR tests: tubes of known radius around a known centreline (voxels within the radius
 * of the centreline = 1000, else 0), and the analytic helix they follow.
 */
import type { Vec3, Volume } from '../../../../common/registration/types';

export interface Helix {
  /** Radius of the helix (distance of the centreline from its axis, the patient z axis through x = y = 0), mm. */
  R: number;
  /** Rise along z per radian, mm. */
  c: number;
  turns: number;
  /** z of the centreline at θ = 0. */
  z0: number;
}

export const helixPoint = (h: Helix, theta: number): Vec3 => [h.R * Math.cos(theta), h.R * Math.sin(theta), h.z0 + h.c * theta];
export const helixLength = (h: Helix): number => 2 * Math.PI * h.turns * Math.hypot(h.R, h.c);
/** Torsion of the helix (constant): the Frenet frame's spin about the tangent per mm. */
export const helixTorsion = (h: Helix): number => h.c / (h.R * h.R + h.c * h.c);

/** Control points on the helix every `stepDeg` degrees, both ends included. */
export function helixControlPoints(h: Helix, stepDeg: number): Vec3[] {
  const end = 2 * Math.PI * h.turns;
  const n = Math.round(end / ((stepDeg * Math.PI) / 180));
  return Array.from({ length: n + 1 }, (_, i) => helixPoint(h, (i * end) / n));
}

export interface Grid {
  dims: [number, number, number];
  spacing: Vec3;
  /** Columns are the i, j, k axes (row-major 3×3); must be orthonormal here. Default identity. */
  direction?: readonly number[];
  /** Default: the grid centred on the patient origin. */
  origin?: Vec3;
}

/** A grid of `n`³ voxels of `spacing` mm centred on the origin (identity direction). */
export const centredGrid = (n: number, spacing: number): Grid => ({ dims: [n, n, n], spacing: [spacing, spacing, spacing] });

/**
 * The volume on `grid` whose voxels lie within `radiusMm` of the curve `centreline(t)`, t ∈ [t0, t1]: the union of
 * balls around dense samples of the curve (samples ≤ 0.05 mm apart, so the radius is off by < 0.001 mm).
 */
export function tubeVolume(grid: Grid, centreline: (t: number) => Vec3, t0: number, t1: number, radiusMm: number, value = 1000): Volume {
  const [nx, ny, nz] = grid.dims;
  const [sx, sy, sz] = grid.spacing;
  const d = grid.direction ?? [1, 0, 0, 0, 1, 0, 0, 0, 1];
  // origin: the centre of voxel 0, chosen so that the grid's centre is the patient origin.
  const origin: Vec3 =
    grid.origin ??
    ([0, 1, 2].map((r) => -(d[r * 3]! * sx * (nx - 1) + d[r * 3 + 1]! * sy * (ny - 1) + d[r * 3 + 2]! * sz * (nz - 1)) / 2) as unknown as Vec3);
  const patientOf = (i: number, j: number, k: number): Vec3 => [
    origin[0] + d[0]! * sx * i + d[1]! * sy * j + d[2]! * sz * k,
    origin[1] + d[3]! * sx * i + d[4]! * sy * j + d[5]! * sz * k,
    origin[2] + d[6]! * sx * i + d[7]! * sy * j + d[8]! * sz * k,
  ];
  // patient → index for an orthonormal direction: Dᵀ(p − origin) / spacing.
  const indexOf = (p: Vec3): Vec3 => {
    const q = [p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]];
    return [(d[0]! * q[0]! + d[3]! * q[1]! + d[6]! * q[2]!) / sx, (d[1]! * q[0]! + d[4]! * q[1]! + d[7]! * q[2]!) / sy, (d[2]! * q[0]! + d[5]! * q[1]! + d[8]! * q[2]!) / sz];
  };
  const data = new Float32Array(nx * ny * nz);
  let length = 0;
  for (let k = 0, prev = centreline(t0); k < 1000; k++) {
    const next = centreline(t0 + ((k + 1) * (t1 - t0)) / 1000);
    length += Math.hypot(next[0] - prev[0], next[1] - prev[1], next[2] - prev[2]);
    prev = next;
  }
  const samples = Math.ceil(length / 0.05) + 1;
  const r2 = radiusMm * radiusMm;
  const reach = [Math.ceil(radiusMm / sx) + 1, Math.ceil(radiusMm / sy) + 1, Math.ceil(radiusMm / sz) + 1];
  for (let s = 0; s <= samples; s++) {
    const c = centreline(t0 + (s * (t1 - t0)) / samples);
    const [ci, cj, ck] = indexOf(c);
    for (let k = Math.max(0, Math.floor(ck) - reach[2]!); k <= Math.min(nz - 1, Math.ceil(ck) + reach[2]!); k++) {
      for (let j = Math.max(0, Math.floor(cj) - reach[1]!); j <= Math.min(ny - 1, Math.ceil(cj) + reach[1]!); j++) {
        for (let i = Math.max(0, Math.floor(ci) - reach[0]!); i <= Math.min(nx - 1, Math.ceil(ci) + reach[0]!); i++) {
          const q = i + nx * (j + ny * k);
          if (data[q] === value) continue;
          const p = patientOf(i, j, k);
          if ((p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2 + (p[2] - c[2]) ** 2 <= r2) data[q] = value;
        }
      }
    }
  }
  return { dims: [nx, ny, nz], spacing: grid.spacing, origin, direction: d, data };
}

/**
 * The bright run (≥ threshold) through `centre` in a row of values: its sub-pixel edges (linear between the last
 * pixel above and the first below the threshold), in pixels. undefined when the centre pixel is not bright.
 */
export function brightRun(values: ArrayLike<number>, centre: number, threshold = 500): { left: number; right: number; width: number; middle: number } | undefined {
  const c = Math.round(centre);
  if (!(values[c]! >= threshold)) return undefined;
  let l = c;
  while (l - 1 >= 0 && values[l - 1]! >= threshold) l--;
  let r = c;
  while (r + 1 < values.length && values[r + 1]! >= threshold) r++;
  const edge = (inside: number, outside: number) => {
    const a = values[inside]!;
    const b = values[outside]!;
    return Number.isFinite(b) ? inside + ((a - threshold) / (a - b)) * (outside - inside) : inside;
  };
  const left = l > 0 ? edge(l, l - 1) : l;
  const right = r < values.length - 1 ? edge(r, r + 1) : r;
  return { left, right, width: right - left, middle: (left + right) / 2 };
}

/** One row of an image. */
export const imageRow = (img: { width: number; pixels: Float32Array }, row: number): Float32Array => img.pixels.subarray(row * img.width, (row + 1) * img.width);
/** One column of an image. */
export const imageColumn = (img: { width: number; height: number; pixels: Float32Array }, column: number): Float32Array =>
  Float32Array.from({ length: img.height }, (_, r) => img.pixels[r * img.width + column]!);
