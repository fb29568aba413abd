/**
 * A regular grid for a series whose slices are unevenly spaced (reconstruction intervals, overlapping or skipped
 * slices, a subset of a series). cornerstone builds a volume with one spacing, so uneven slices put straight into
 * one would be stretched and misplaced; instead each plane of a regular grid is interpolated between the two
 * acquired slices around it. The grid starts and ends on the first and last acquired slices, so the volume spans
 * exactly what was acquired, and a plane that falls on an acquired slice is that slice, unchanged.
 */

/** How the grid's spacing is chosen: the median gap (the default), or the smallest one (finer, more memory). */
export type GridSpacingChoice = 'median' | 'smallest';

export interface GridPlane {
  /** Index (in the ascending positions) of the acquired slice at or before the plane. */
  lower: number;
  /** Index of the acquired slice at or after it (equal to lower when the plane is on an acquired slice). */
  upper: number;
  /** Weight of `upper`: value = (1 − t)·lower + t·upper. 0 when the plane is on the lower slice. */
  t: number;
  /** Position of the plane along the slice direction, mm (same axis as the positions). */
  distance: number;
}

export interface ResampleGrid {
  /** Distance between planes, mm (the chosen gap, adjusted so the planes end on the last slice). */
  spacing: number;
  planes: GridPlane[];
  /** The smallest and largest gap between acquired slices, mm: what the reader is told. */
  minGap: number;
  maxGap: number;
}

/** Never more planes than this many times the acquired slices (overlapping reconstructions have tiny gaps). */
export const MAX_PLANES_PER_SLICE = 4;

/**
 * A plane this close (as a fraction of its gap) to an acquired slice is that slice: no interpolation. The plane
 * keeps its grid distance (at most a thousandth of the gap away), so the grid stays regular.
 */
const ON_SLICE = 1e-3;

/**
 * The regular grid for ascending `positions` (mm along the slice direction, at least two, strictly increasing).
 * @throws when the positions are fewer than two, not finite, or not strictly increasing.
 */
export function regularGrid(positions: readonly number[], choice: GridSpacingChoice = 'median'): ResampleGrid {
  if (positions.length < 2) throw new Error('A grid needs at least two slices.');
  const gaps: number[] = [];
  for (let i = 1; i < positions.length; i++) {
    const gap = positions[i]! - positions[i - 1]!;
    if (!Number.isFinite(gap) || gap <= 0) throw new Error('Slice positions must be finite and strictly increasing.');
    gaps.push(gap);
  }
  const sorted = [...gaps].sort((a, b) => a - b);
  const minGap = sorted[0]!;
  const maxGap = sorted[sorted.length - 1]!;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const first = positions[0]!;
  const span = positions[positions.length - 1]! - first;
  const wanted = choice === 'smallest' ? minGap : median;
  const maxPlanes = Math.max(2, MAX_PLANES_PER_SLICE * positions.length);
  const count = Math.min(maxPlanes, Math.max(2, Math.round(span / wanted) + 1));
  const spacing = span / (count - 1);

  const planes: GridPlane[] = [];
  let j = 0;
  for (let i = 0; i < count; i++) {
    // The last plane is the last slice exactly (no rounding drift).
    const distance = i === count - 1 ? positions[positions.length - 1]! : first + i * spacing;
    while (j < positions.length - 2 && positions[j + 1]! <= distance) j++;
    const lo = positions[j]!;
    const hi = positions[j + 1]!;
    const t = Math.min(1, Math.max(0, (distance - lo) / (hi - lo)));
    if (t <= ON_SLICE) planes.push({ lower: j, upper: j, t: 0, distance });
    else if (t >= 1 - ON_SLICE) planes.push({ lower: j + 1, upper: j + 1, t: 0, distance });
    else planes.push({ lower: j, upper: j + 1, t, distance });
  }
  return { spacing, planes, minGap, maxGap };
}

/**
 * One interpolated plane's values: (1 − t)·a + t·b, rounded when `out` holds integers (it then has the acquired
 * slices' own type, so a CT stays in whole HU).
 */
export function blendSlices(a: ArrayLike<number>, b: ArrayLike<number>, t: number, out: { length: number; [i: number]: number }, integer: boolean): void {
  const n = Math.min(a.length, b.length, out.length);
  const s = 1 - t;
  if (integer) for (let i = 0; i < n; i++) out[i] = Math.round(s * a[i]! + t * b[i]!);
  else for (let i = 0; i < n; i++) out[i] = s * a[i]! + t * b[i]!;
}

/**
 * A slice moved in its own plane by (dx, dy) pixels, bilinear: out(c, r) = src(c − dx, r − dy), `fill` where that
 * falls outside the slice. Straightens a gantry-tilted (sheared) stack: each slice is moved back onto the line
 * through the first slice along the normal, so the volume is orthogonal and every voxel at its true position.
 */
export function shiftSlice(src: ArrayLike<number>, columns: number, rows: number, dx: number, dy: number, out: { length: number; [i: number]: number }, fill: number): void {
  for (let r = 0; r < rows; r++) {
    const y = r - dy;
    const y0 = Math.floor(y);
    const fy = y - y0;
    for (let c = 0; c < columns; c++) {
      const x = c - dx;
      const x0 = Math.floor(x);
      const fx = x - x0;
      const at = (cc: number, rr: number) => (cc < 0 || rr < 0 || cc >= columns || rr >= rows ? fill : src[rr * columns + cc]!);
      // Weights of exactly 0 skip the neighbour, so whole-pixel shifts copy values exactly (no rim of `fill`).
      let v = at(x0, y0) * (1 - fx) * (1 - fy);
      if (fx > 0) v += at(x0 + 1, y0) * fx * (1 - fy);
      if (fy > 0) v += at(x0, y0 + 1) * (1 - fx) * fy;
      if (fx > 0 && fy > 0) v += at(x0 + 1, y0 + 1) * fx * fy;
      out[r * columns + c] = v;
    }
  }
}
