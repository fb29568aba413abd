/**
 * A curved path through the reader's clicked points (a vessel's centreline, the dental arch), measured and sampled
 * by arc length in patient millimetres: the CPR images have one row per arc-length step, so a distance read along
 * the image is a distance along the vessel.
 *
 * The curve is the centripetal Catmull–Rom spline through the points (centripetalCatmullRom.ts). Arc length has no
 * closed form on a cubic, so it is integrated (5-point Gauss–Legendre on short pieces of each span) into a table,
 * and a position at arc length s is found in that table and refined by Newton's method on the exact integral:
 * the resampled points are a constant arc-length step apart, not merely a constant parameter step.
 *
 * A CurvePath is plain data (numbers and typed arrays), so it can be built in a worker and sent back.
 */
import { CprError } from './cprError';
import { catmullRomSpans, spanDerivative, spanPoint, spanSpeed } from './centripetalCatmullRom';
import { type Vec3, distance, sub, unit } from './vec3';

export interface CurvePathOptions {
  /** Wanted arc length between resampled points, mm (default 0.5). The step used is at most this: see stepMm. */
  stepMm?: number;
}

/** Where along the spline each piece of the arc-length table lies, and how far along the path it starts. */
export interface ArcLengthTable {
  span: Int32Array;
  u0: Float64Array;
  u1: Float64Array;
  /** Arc length at u0 of the piece, mm from the start of the path. */
  startMm: Float64Array;
}

export interface CurvePath {
  /** The points the curve passes through, in order (a point repeating the one before it is left out). */
  controlPoints: readonly Vec3[];
  /** Arc length of each control point from the start, mm (0 for the first, lengthMm for the last). */
  controlArcLengthsMm: readonly number[];
  /** Total length along the curve, mm. */
  lengthMm: number;
  /**
   * Arc length between consecutive resampled points, mm: lengthMm / (points.length − 1), so that the last point
   * falls on the last control point; never more than the step asked for.
   */
  stepMm: number;
  /** Points at arc length i·stepMm, i = 0 … points.length − 1. */
  points: readonly Vec3[];
  /** Unit tangent at each of `points` (the direction of travel). */
  tangents: readonly Vec3[];
  /** The spline's spans (centripetalCatmullRom.ts) and the arc-length table: for pointAt and tangentAt. */
  spans: Float64Array;
  arcTable: ArcLengthTable;
}

export const DEFAULT_STEP_MM = 0.5;

/** Clicks closer than this to the previous one are the same click (a double click), mm. */
export const SAME_POINT_MM = 1e-3;

/** No patient extends a kilometre from the origin: coordinates beyond this are an error, not anatomy. */
const MAX_COORDINATE_MM = 1e6;

/** A path resampled into more points than this is a mistake (a step of a nanometre, a path across a city). */
const MAX_SAMPLES = 2_000_000;

/** Pieces of the arc-length table per span: about one per step, within these bounds. */
const MIN_PIECES_PER_SPAN = 4;
const MAX_PIECES_PER_SPAN = 256;

/**
 * The smooth curve through `controlPoints` (patient mm), resampled every `stepMm` of arc length.
 * @throws CprError when there are fewer than 2 distinct points, a coordinate is not a finite number, or the step is
 *   not a positive number (or so small, for the path's length, that the samples would not fit in memory).
 */
export function curvePath(controlPoints: readonly Vec3[], options: CurvePathOptions = {}): CurvePath {
  const wantedStep = options.stepMm ?? DEFAULT_STEP_MM;
  if (!(Number.isFinite(wantedStep) && wantedStep > 0)) {
    throw new CprError(`The path's sampling step must be a positive number of millimetres (it is ${String(wantedStep)}).`);
  }
  const points = distinctPoints(controlPoints);
  const spans = catmullRomSpans(points);
  const { table, controlArcLengthsMm, lengthMm } = arcLengthTable(spans, points, wantedStep);
  if (!(Number.isFinite(lengthMm) && lengthMm > 0)) throw new CprError('The path has no measurable length: its points are too far apart or too close together.');
  if (lengthMm / wantedStep > MAX_SAMPLES) {
    throw new CprError(`The path is ${lengthMm.toFixed(1)} mm long: a step of ${wantedStep} mm would need more than ${MAX_SAMPLES} points. Choose a larger step.`);
  }
  const intervals = Math.max(1, Math.ceil(lengthMm / wantedStep - 1e-9));
  const stepMm = lengthMm / intervals;
  const path: CurvePath = { controlPoints: points, controlArcLengthsMm, lengthMm, stepMm, points: [], tangents: [], spans, arcTable: table };
  const sampled: Vec3[] = [];
  const tangents: Vec3[] = [];
  for (let i = 0; i <= intervals; i++) {
    // The ends are the first and last clicks exactly, not the result of integrating up to them.
    const s = i === intervals ? lengthMm : i * stepMm;
    sampled.push(i === 0 ? points[0]! : i === intervals ? points[points.length - 1]! : pointAt(path, s));
    tangents.push(tangentAt(path, s));
  }
  path.points = sampled;
  path.tangents = tangents;
  return path;
}

/** The point at arc length s (mm from the start; clamped to [0, lengthMm]). */
export function pointAt(path: CurvePath, s: number): Vec3 {
  const { span, u } = locate(path, s);
  return spanPoint(path.spans, span, u);
}

/**
 * The unit tangent at arc length s (clamped to [0, lengthMm]). Where the curve stops and turns back (a click
 * repeated after another, A → B → A) the derivative vanishes; the direction the curve arrived from is used there.
 */
export function tangentAt(path: CurvePath, s: number): Vec3 {
  const { span, u } = locate(path, s);
  const t = unit(spanDerivative(path.spans, span, u));
  if (t) return t;
  const delta = Math.min(1e-3, path.lengthMm / 4);
  const here = spanPoint(path.spans, span, u);
  const clamped = Math.min(Math.max(s, 0), path.lengthMm);
  return (
    unit(sub(here, pointAt(path, clamped - delta))) ??
    unit(sub(pointAt(path, clamped + delta), here)) ??
    unit(sub(path.controlPoints[path.controlPoints.length - 1]!, path.controlPoints[0]!)) ?? [1, 0, 0]
  );
}

// ---------------------------------------------------------------------------------------------------------

/** The clicks as finite points, a click on top of the previous one dropped; at least two must remain. */
function distinctPoints(controlPoints: readonly Vec3[]): Vec3[] {
  if (!Array.isArray(controlPoints) || controlPoints.length < 2) {
    const n = Array.isArray(controlPoints) ? controlPoints.length : 0;
    throw new CprError(`A curved path needs at least 2 points; it has ${n}.`);
  }
  const kept: Vec3[] = [];
  controlPoints.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 3 || !p.every((c) => typeof c === 'number' && Number.isFinite(c))) {
      throw new CprError(`Point ${i + 1} of the path is not a position (three finite numbers, x, y and z in mm).`);
    }
    if (!p.every((c) => Math.abs(c) <= MAX_COORDINATE_MM)) {
      throw new CprError(`Point ${i + 1} of the path lies more than ${MAX_COORDINATE_MM / 1e6} km from the origin: it is not a position in a patient.`);
    }
    const last = kept[kept.length - 1];
    const point: Vec3 = [p[0] as number, p[1] as number, p[2] as number];
    if (!last || distance(last, point) > SAME_POINT_MM) kept.push(point);
  });
  if (kept.length < 2) {
    throw new CprError(`A curved path needs at least 2 distinct points; its ${controlPoints.length} points are all at the same position.`);
  }
  return kept;
}

// 5-point Gauss–Legendre on [−1, 1]: exact for polynomials of degree 9, and the speed of a cubic is smooth.
const GL_X = [0, -0.5384693101056831, 0.5384693101056831, -0.906179845938664, 0.906179845938664];
const GL_W = [0.5688888888888889, 0.4786286704993665, 0.4786286704993665, 0.2369268850561891, 0.2369268850561891];

/** Arc length of span `span` from u0 to u1. */
function spanLength(spans: Float64Array, span: number, u0: number, u1: number): number {
  const half = (u1 - u0) / 2;
  const mid = (u0 + u1) / 2;
  let sum = 0;
  for (let k = 0; k < 5; k++) sum += GL_W[k]! * spanSpeed(spans, span, mid + half * GL_X[k]!);
  return sum * half;
}

function arcLengthTable(spans: Float64Array, points: readonly Vec3[], stepMm: number): { table: ArcLengthTable; controlArcLengthsMm: number[]; lengthMm: number } {
  const spanCount = points.length - 1;
  const pieces: number[] = [];
  for (let i = 0; i < spanCount; i++) {
    const chord = distance(points[i]!, points[i + 1]!);
    pieces.push(Math.min(MAX_PIECES_PER_SPAN, Math.max(MIN_PIECES_PER_SPAN, Math.ceil(chord / stepMm))));
  }
  const total = pieces.reduce((a, b) => a + b, 0);
  const table: ArcLengthTable = { span: new Int32Array(total), u0: new Float64Array(total), u1: new Float64Array(total), startMm: new Float64Array(total) };
  const controlArcLengthsMm = [0];
  let s = 0;
  let k = 0;
  for (let i = 0; i < spanCount; i++) {
    const n = pieces[i]!;
    for (let j = 0; j < n; j++, k++) {
      const u0 = j / n;
      const u1 = (j + 1) / n;
      table.span[k] = i;
      table.u0[k] = u0;
      table.u1[k] = u1;
      table.startMm[k] = s;
      s += spanLength(spans, i, u0, u1);
    }
    controlArcLengthsMm.push(s);
  }
  return { table, controlArcLengthsMm, lengthMm: s };
}

/** The span and its parameter u at arc length s: the table's piece, then Newton on the exact integral. */
function locate(path: CurvePath, s: number): { span: number; u: number } {
  if (Number.isNaN(s)) throw new CprError('An arc length along the path must be a number of millimetres.');
  const { span, u0, u1, startMm } = path.arcTable;
  const last = span.length - 1;
  if (s <= 0) return { span: 0, u: 0 };
  if (s >= path.lengthMm) return { span: span[last]!, u: 1 };
  // The last piece whose start is at or before s.
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (startMm[mid]! <= s) lo = mid;
    else hi = mid - 1;
  }
  const i = span[lo]!;
  const a = u0[lo]!;
  const b = u1[lo]!;
  const pieceStart = startMm[lo]!;
  const pieceEnd = lo < last ? startMm[lo + 1]! : path.lengthMm;
  const target = s - pieceStart;
  const pieceLength = pieceEnd - pieceStart;
  if (!(pieceLength > 0)) return { span: i, u: a };
  // Newton on L(u) = target, kept inside [lo, hi] by bisection when a step leaves it (near a stop the speed is ~0).
  let uLo = a;
  let uHi = b;
  let u = a + (target / pieceLength) * (b - a);
  for (let iteration = 0; iteration < 8; iteration++) {
    const f = spanLength(path.spans, i, a, u) - target;
    if (Math.abs(f) <= 1e-10 * Math.max(1, pieceLength)) break;
    if (f > 0) uHi = u;
    else uLo = u;
    const speed = spanSpeed(path.spans, i, u);
    let next = speed > 0 ? u - f / speed : Number.NaN;
    if (!(next > uLo && next < uHi)) next = (uLo + uHi) / 2;
    u = next;
  }
  return { span: i, u };
}
