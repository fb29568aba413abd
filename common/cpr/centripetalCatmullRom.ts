/**
 * The centripetal Catmull–Rom spline through the reader's clicked points, as one cubic per span.
 *
 * Centripetal (knot intervals |Pᵢ₊₁ − Pᵢ|^½, Yuksel et al. 2011) rather than uniform: clicks along a vessel are
 * unevenly spaced, and the uniform spline then overshoots, forms cusps or small loops between close clicks, which
 * a CPR would show as a vessel folding back on itself. The centripetal spline does neither and still passes
 * through every click.
 *
 * Each span Pᵢ → Pᵢ₊₁ is held as the cubic Hermite polynomial with the tangents of the non-uniform Catmull–Rom
 * (Barry–Goldman) construction, which is the same curve, but cheap to evaluate and to differentiate:
 *   p(u) = c0 + c1·u + c2·u² + c3·u³,  u ∈ [0, 1].
 * The ends have no outer neighbour: a phantom point stands in, on the circle through the three end clicks, one
 * chord beyond the end (P₁ reflected about that circle's radius through P₀). On a path of steady curvature (an
 * arch, a coronary around the heart) the end spans then bend like the rest instead of flattening out, which the
 * plain mirror 2P₀ − P₁ makes them do (by ¼ mm at the end of a helix clicked every 30°); with collinear clicks, or
 * only two, the circle is a line and the phantom is that mirror.
 */
import { type Vec3, addScaled, distance, dot, sub, unit } from './vec3';

/** Numbers per span in the coefficient array: c0, c1, c2, c3 (x, y, z each). */
export const SPAN_STRIDE = 12;

/** Centripetal parametrization: knot interval = chord length to this power. */
const ALPHA = 0.5;

/**
 * The spans through `points` (at least two, consecutive points distinct): span i runs from points[i] to
 * points[i + 1] and takes SPAN_STRIDE numbers from i·SPAN_STRIDE.
 */
export function catmullRomSpans(points: readonly Vec3[]): Float64Array {
  const n = points.length;
  const spans = new Float64Array((n - 1) * SPAN_STRIDE);
  const before = phantom(points[0]!, points[1]!, points[2]);
  const after = phantom(points[n - 1]!, points[n - 2]!, points[n - 3]);
  const at = (i: number): Vec3 => (i < 0 ? before : i >= n ? after : points[i]!);
  for (let i = 0; i < n - 1; i++) {
    const p0 = at(i - 1);
    const p1 = at(i);
    const p2 = at(i + 1);
    const p3 = at(i + 2);
    const d01 = distance(p0, p1) ** ALPHA;
    const d12 = distance(p1, p2) ** ALPHA;
    const d23 = distance(p2, p3) ** ALPHA;
    const o = i * SPAN_STRIDE;
    for (let k = 0; k < 3; k++) {
      const a = p0[k]!;
      const b = p1[k]!;
      const c = p2[k]!;
      const d = p3[k]!;
      // Tangents at P1 and P2 with respect to the knot parameter, scaled to the span's u ∈ [0, 1].
      const m1 = ((b - a) / d01 - (c - a) / (d01 + d12) + (c - b) / d12) * d12;
      const m2 = ((c - b) / d12 - (d - b) / (d12 + d23) + (d - c) / d23) * d12;
      spans[o + k] = b;
      spans[o + 3 + k] = m1;
      spans[o + 6 + k] = -3 * b + 3 * c - 2 * m1 - m2;
      spans[o + 9 + k] = 2 * b - 2 * c + m1 + m2;
    }
  }
  return spans;
}

/** The point of span `span` at u ∈ [0, 1]. */
export function spanPoint(spans: Float64Array, span: number, u: number): Vec3 {
  const o = span * SPAN_STRIDE;
  const c = (k: number) => spans[o + k]! + u * (spans[o + 3 + k]! + u * (spans[o + 6 + k]! + u * spans[o + 9 + k]!));
  return [c(0), c(1), c(2)];
}

/** dp/du of span `span` at u (not unit: its length is the speed that arc length integrates). */
export function spanDerivative(spans: Float64Array, span: number, u: number): Vec3 {
  const o = span * SPAN_STRIDE;
  const c = (k: number) => spans[o + 3 + k]! + u * (2 * spans[o + 6 + k]! + u * 3 * spans[o + 9 + k]!);
  return [c(0), c(1), c(2)];
}

/** The speed |dp/du| of span `span` at u. */
export function spanSpeed(spans: Float64Array, span: number, u: number): number {
  const d = spanDerivative(spans, span, u);
  return Math.hypot(d[0], d[1], d[2]);
}

/**
 * The outer neighbour of `end`: its inner neighbour reflected about the radius through `end` of the circle through
 * end, neighbour and next (the mirror through `end` when next is absent, or the three are collinear).
 */
function phantom(end: Vec3, neighbour: Vec3, next: Vec3 | undefined): Vec3 {
  const v = sub(neighbour, end);
  const w = next ? sub(next, end) : undefined;
  const vv = dot(v, v);
  const ww = w ? dot(w, w) : 0;
  // The circle's tangent at `end`, by inversion about `end`: the circle maps to the line through the images of the
  // other two points, parallel to the tangent. A repeated click (next on top of end) leaves only the mirror.
  const tangent = w && ww > 1e-12 * vv ? unit(addScaled([v[0] / vv, v[1] / vv, v[2] / vv], w, -1 / ww)) : undefined;
  const t = tangent ?? unit(v)!;
  // Reflect v across the line perpendicular to the tangent: v − 2(v·t)t (collinear: t ∥ v, so −v, the mirror).
  return addScaled(end, addScaled(v, t, -2 * dot(v, t)), 1);
}
