import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CprError } from '../../../../common/cpr/cprError';
import { curvePath, pointAt, tangentAt } from '../../../../common/cpr/curvePath';
import type { Vec3 } from '../../../../common/cpr/vec3';
import { helixControlPoints, helixLength, helixPoint, type Helix } from './phantoms';

const dist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

// Unevenly spaced clicks that wander in all three axes, as a reader places them along a tortuous vessel.
const clicks: Vec3[] = [
  [0, 0, 0],
  [12, 3, -2],
  [14, 9, 1],
  [30, 10, 8],
  [31, 25, 9],
  [20, 40, 15],
];

describe('curvePath', () => {
  it('passes through every control point, at increasing arc lengths that end at the total length', () => {
    const path = curvePath(clicks);
    expect(path.controlArcLengthsMm).toHaveLength(clicks.length);
    expect(path.controlArcLengthsMm[0]).toBe(0);
    expect(path.controlArcLengthsMm[clicks.length - 1]).toBeCloseTo(path.lengthMm, 9);
    clicks.forEach((p, k) => {
      expect(dist(pointAt(path, path.controlArcLengthsMm[k]!), p)).toBeLessThan(1e-6);
      if (k > 0) expect(path.controlArcLengthsMm[k]!).toBeGreaterThan(path.controlArcLengthsMm[k - 1]! + dist(p, clicks[k - 1]!) - 1e-9);
    });
    expect(path.points[0]).toEqual(clicks[0]);
    expect(path.points[path.points.length - 1]).toEqual(clicks[clicks.length - 1]);
  });

  it('resamples at a constant arc-length step: consecutive points are one step apart along the curve and (nearly) in space', () => {
    const path = curvePath(clicks, { stepMm: 0.5 });
    expect(path.stepMm).toBeLessThanOrEqual(0.5);
    expect(path.stepMm).toBeGreaterThan(0.49);
    expect((path.points.length - 1) * path.stepMm).toBeCloseTo(path.lengthMm, 9);
    let chordSum = 0;
    for (let i = 1; i < path.points.length; i++) {
      const chord = dist(path.points[i]!, path.points[i - 1]!);
      chordSum += chord;
      // A chord is never longer than its arc, and on curves of radius ≥ a few mm hardly shorter.
      expect(chord).toBeLessThanOrEqual(path.stepMm * (1 + 1e-9));
      expect(chord).toBeGreaterThan(path.stepMm * 0.995);
    }
    expect(chordSum).toBeCloseTo(path.lengthMm, 1);
    // The length does not depend on the step the path was sampled at (it is integrated, not summed over chords).
    expect(curvePath(clicks, { stepMm: 2 }).lengthMm).toBeCloseTo(path.lengthMm, 6);
    expect(curvePath(clicks, { stepMm: 0.1 }).lengthMm).toBeCloseTo(path.lengthMm, 6);
  });

  it('measures a helix drawn with a click every 30° as long as the helix itself (within 1 %)', () => {
    const helix: Helix = { R: 12, c: 3, turns: 1.5, z0: -14 };
    const path = curvePath(helixControlPoints(helix, 30));
    expect(Math.abs(path.lengthMm / helixLength(helix) - 1)).toBeLessThan(0.01);
    // Every resampled point lies on the helix (within 0.05 mm), the end spans too: the spline follows it between the clicks.
    for (const p of path.points) {
      expect(Math.abs(Math.hypot(p[0], p[1]) - helix.R)).toBeLessThan(0.05);
      const theta = (p[2] - helix.z0) / helix.c;
      let nearest = Infinity;
      for (let k = -300; k <= 300; k++) nearest = Math.min(nearest, dist(p, helixPoint(helix, theta + k * 0.001)));
      expect(nearest).toBeLessThan(0.05);
    }
  });

  it('is centripetal: unevenly spaced clicks along a line give the line itself, with no overshoot or backtracking', () => {
    // A uniform Catmull–Rom spline runs back on itself between clicks 1 mm and 9 mm apart; the centripetal one does not.
    const line: Vec3[] = [
      [0, 0, 0],
      [1, 0, 0],
      [10, 0, 0],
      [11, 0, 0],
    ];
    const path = curvePath(line, { stepMm: 0.25 });
    expect(path.lengthMm).toBeCloseTo(11, 9);
    for (let i = 0; i < path.points.length; i++) {
      const p = path.points[i]!;
      expect(Math.abs(p[1]) + Math.abs(p[2])).toBeLessThan(1e-12);
      expect(p[0]).toBeCloseTo(i * path.stepMm, 6);
      expect(dist(path.tangents[i]!, [1, 0, 0])).toBeLessThan(1e-9);
    }
  });

  it('gives unit tangents along the direction of travel (on a circle: perpendicular to the radius)', () => {
    const circle = Array.from({ length: 13 }, (_, i): Vec3 => [20 * Math.cos((i * Math.PI) / 12), 20 * Math.sin((i * Math.PI) / 12), 5]);
    const path = curvePath(circle);
    expect(path.lengthMm).toBeCloseTo(20 * Math.PI, 1);
    for (let s = 0; s <= path.lengthMm; s += 1.7) {
      const p = pointAt(path, s);
      const t = tangentAt(path, s);
      expect(Math.hypot(...t)).toBeCloseTo(1, 12);
      expect(Math.abs(t[0] * p[0] + t[1] * p[1]) / 20).toBeLessThan(0.01);
      expect(t[2]).toBeCloseTo(0, 12);
      // Counter-clockwise travel: the tangent turns the radius by +90° about z.
      expect(p[0] * t[1] - p[1] * t[0]).toBeGreaterThan(0);
    }
    // Positions and tangents are clamped to the path beyond its ends.
    expect(pointAt(path, -5)).toEqual(pointAt(path, 0));
    expect(dist(pointAt(path, path.lengthMm + 5), circle[12]!)).toBeLessThan(1e-9);
  });

  it('drops a click repeated on the spot (a double click), keeping the curve through the others', () => {
    const path = curvePath([
      [0, 0, 0],
      [0, 0, 0],
      [10, 0, 0],
      [10, 0, 0.0001],
      [10, 10, 0],
    ]);
    expect(path.controlPoints).toHaveLength(3);
    expect(path.lengthMm).toBeGreaterThan(20);
    expect(path.points.every((p) => p.every(Number.isFinite))).toBe(true);
  });

  it('rejects fewer than 2 distinct points, positions that are not numbers, and a step that is not positive, saying why', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => curvePath([]), /at least 2 points; it has 0/],
      [() => curvePath([[1, 2, 3]]), /at least 2 points; it has 1/],
      [() => curvePath([[1, 2, 3], [1, 2, 3], [1, 2, 3.0000001]]), /at least 2 distinct points/],
      [() => curvePath([[0, 0, 0], [1, Number.NaN, 0]]), /Point 2 .* not a position/],
      [() => curvePath([[0, 0, 0], [1, Number.POSITIVE_INFINITY, 0]]), /Point 2 .* not a position/],
      [() => curvePath([[0, 0, 0], [1, 2] as unknown as Vec3]), /Point 2 .* not a position/],
      [() => curvePath([[0, 0, 0], [1e300, 0, 0]]), /Point 2 .* not a position in a patient/],
      [() => curvePath(clicks, { stepMm: 0 }), /step must be a positive number/],
      [() => curvePath(clicks, { stepMm: Number.NaN }), /step must be a positive number/],
      [() => curvePath(clicks, { stepMm: 1e-6 }), /Choose a larger step/],
    ];
    for (const [f, message] of cases) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(CprError);
      expect((e as Error).message).toMatch(message);
    }
    expect(thrown(() => pointAt(curvePath(clicks), Number.NaN))).toBeInstanceOf(CprError);
  });

  it('at the input boundary, any list of points gives either a CprError or a finite path at least as long as its chord (fast-check)', () => {
    const coordinate = fc.oneof(
      fc.double({ min: -200, max: 200, noNaN: true }),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(0, -0, 1e-9, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, -Number.MAX_VALUE),
    );
    const point = fc.tuple(coordinate, coordinate, coordinate);
    fc.assert(
      fc.property(fc.array(point, { maxLength: 7 }), fc.double({ min: 0.2, max: 5, noNaN: true }), (points, stepMm) => {
        let path;
        try {
          path = curvePath(points, { stepMm });
        } catch (e) {
          expect(e).toBeInstanceOf(CprError);
          expect((e as Error).message).toMatch(/^[A-Z].*\.$/);
          return;
        }
        const first = path.controlPoints[0]!;
        const last = path.controlPoints[path.controlPoints.length - 1]!;
        expect(path.lengthMm).toBeGreaterThanOrEqual(dist(first, last) * (1 - 1e-9));
        expect(Number.isFinite(path.lengthMm)).toBe(true);
        expect(path.stepMm).toBeLessThanOrEqual(stepMm);
        expect(path.points.length).toBe(Math.round(path.lengthMm / path.stepMm) + 1);
        for (let i = 0; i < path.points.length; i++) {
          expect(path.points[i]!.every(Number.isFinite)).toBe(true);
          expect(Math.hypot(...path.tangents[i]!)).toBeCloseTo(1, 9);
        }
      }),
      { numRuns: 200 },
    );
  });
});
