import { describe, expect, it } from 'vitest';
import { curvePath } from '../../../../common/cpr/curvePath';
import { framesAt, initialNormal, rotationMinimizingFrames, type PathFrame } from '../../../../common/cpr/pathFrames';
import type { Vec3 } from '../../../../common/cpr/vec3';
import { helixControlPoints, helixTorsion, type Helix } from './phantoms';

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: Vec3) => Math.hypot(a[0], a[1], a[2]);
const unit = (a: Vec3): Vec3 => [a[0] / norm(a), a[1] / norm(a), a[2] / norm(a)];

const helix: Helix = { R: 12, c: 3, turns: 1.5, z0: -14 };
const helixPath = curvePath(helixControlPoints(helix, 30));

function expectOrthonormal(f: PathFrame): void {
  for (const v of [f.tangent, f.normal, f.binormal]) expect(norm(v)).toBeCloseTo(1, 10);
  expect(Math.abs(dot(f.tangent, f.normal))).toBeLessThan(1e-10);
  expect(Math.abs(dot(f.tangent, f.binormal))).toBeLessThan(1e-10);
  expect(Math.abs(dot(f.normal, f.binormal))).toBeLessThan(1e-10);
  // Right-handed: binormal = tangent × normal.
  expect(dot(cross(f.tangent, f.normal), f.binormal)).toBeCloseTo(1, 10);
}

/** Rodrigues: the smallest rotation taking unit a onto unit b, applied to v (parallel transport of v from a to b). */
function transportAlong(v: Vec3, a: Vec3, b: Vec3): Vec3 {
  const axis = cross(a, b);
  const s = norm(axis);
  const c = dot(a, b);
  if (s < 1e-15) return v;
  const k = unit(axis);
  const kv = cross(k, v);
  const kdv = dot(k, v);
  return [0, 1, 2].map((i) => v[i]! * c + kv[i]! * s + k[i]! * kdv * (1 - c)) as unknown as Vec3;
}

describe('rotationMinimizingFrames', () => {
  it('keeps every frame along a helix orthonormal and right-handed, with the path tangent as its tangent', () => {
    const frames = rotationMinimizingFrames(helixPath, [0, 0, 1]);
    expect(frames).toHaveLength(helixPath.points.length);
    frames.forEach((f, i) => {
      expectOrthonormal(f);
      expect(f.position).toEqual(helixPath.points[i]);
      expect(f.tangent).toEqual(helixPath.tangents[i]);
    });
  });

  it('does not spin about the tangent: each step is the smallest rotation that turns one tangent onto the next', () => {
    const frames = rotationMinimizingFrames(helixPath, [0, 0, 1]);
    let maxTwist = 0;
    const frenetTwist = helixTorsion(helix) * helixPath.stepMm;
    for (let i = 1; i < frames.length; i++) {
      const a = frames[i - 1]!;
      const b = frames[i]!;
      const carried = transportAlong(a.normal, a.tangent, b.tangent);
      maxTwist = Math.max(maxTwist, Math.abs(Math.atan2(dot(carried, b.binormal), dot(carried, b.normal))));
    }
    // The Frenet frame of this helix spins by τ·h ≈ 0.01 rad per 0.5 mm step; the RMF by far less than that.
    expect(frenetTwist).toBeGreaterThan(0.009);
    expect(maxTwist).toBeLessThan(frenetTwist / 100);
  });

  it('turns against the Frenet frame of a helix at exactly the torsion: φ(s) = φ(0) − τ·s', () => {
    // For a rotation-minimizing normal n = cos φ·N + sin φ·B, dn/ds ∥ T requires φ' = −τ (the helix's constant torsion).
    const frames = rotationMinimizingFrames(helixPath, [0, 0, 1]);
    const tau = helixTorsion(helix);
    const angle = (f: PathFrame) => {
      const towardsAxis: Vec3 = [-f.position[0], -f.position[1], 0];
      const N = unit(towardsAxis.map((v, k) => v - dot(towardsAxis, f.tangent) * f.tangent[k]!) as unknown as Vec3);
      const B = cross(f.tangent, N);
      return Math.atan2(dot(f.normal, B), dot(f.normal, N));
    };
    let previous = angle(frames[0]!);
    let unwrapped = previous;
    const start = previous;
    frames.forEach((f, i) => {
      let a = angle(f);
      while (a - previous > Math.PI) a -= 2 * Math.PI;
      while (a - previous < -Math.PI) a += 2 * Math.PI;
      unwrapped += a - previous;
      previous = a;
      expect(Math.abs(unwrapped - (start - tau * i * helixPath.stepMm))).toBeLessThan(0.02);
    });
    // Over the whole helix that is more than two radians: a frame that followed the curvature would show none of it.
    expect(tau * helixPath.lengthMm).toBeGreaterThan(2);
  });

  it('gives one constant frame along a straight line, its normal the up vector made perpendicular', () => {
    const path = curvePath([
      [0, 0, 0],
      [10, 10, 5],
      [30, 30, 15],
    ]);
    const frames = rotationMinimizingFrames(path, [0, 0, 1]);
    const t = unit([2, 2, 1]);
    const n = unit([-1 / 9 * 2, -1 / 9 * 2, 1 - 1 / 9]);
    expect(dot(n, t)).toBeCloseTo(0, 12);
    for (const f of frames) {
      expect(norm(f.tangent.map((v, k) => v - t[k]!) as unknown as Vec3)).toBeLessThan(1e-12);
      expect(norm(f.normal.map((v, k) => v - n[k]!) as unknown as Vec3)).toBeLessThan(1e-12);
    }
  });

  it('keeps the normal on the plane normal for a path drawn on that plane (a dental arch on an axial slice)', () => {
    const arch = [-30, -20, -10, 0, 10, 20, 30].map((x): Vec3 => [x, 0.03 * x * x - 25, 12]);
    const frames = rotationMinimizingFrames(curvePath(arch), [0, 0, 1]);
    for (const f of frames) {
      expect(norm(f.normal.map((v, k) => v - [0, 0, 1][k]!) as unknown as Vec3)).toBeLessThan(1e-12);
      expect(Math.abs(f.binormal[2])).toBeLessThan(1e-12);
    }
  });

  it('still finds a frame when up lies along the tangent (a vessel drawn along the head–foot axis)', () => {
    expect(dot(initialNormal([0, 0, 1], [0, 0, 1]), [0, 0, 1])).toBeCloseTo(0, 12);
    expect(dot(initialNormal([0, 0, 1], [0, 0, 0]), [0, 0, 1])).toBeCloseTo(0, 12);
    const frames = rotationMinimizingFrames(
      curvePath([
        [0, 0, -20],
        [0, 0, 20],
      ]),
      [0, 0, -3],
    );
    frames.forEach(expectOrthonormal);
  });
});

describe('framesAt', () => {
  it('agrees with the frames at the path samples, and between them carries the frame on without a jump', () => {
    const up: Vec3 = [0, 0, 1];
    const along = rotationMinimizingFrames(helixPath, up);
    const s = [0, 10 * helixPath.stepMm, 10.3 * helixPath.stepMm, 57.77, helixPath.lengthMm];
    const frames = framesAt(helixPath, s, up);
    expect(frames[0]).toEqual(along[0]);
    expect(frames[1]).toEqual(along[10]);
    frames.forEach(expectOrthonormal);
    // Between samples 10 and 11 the normal lies between theirs.
    const mid = frames[2]!.normal;
    expect(dot(mid, along[10]!.normal)).toBeGreaterThan(dot(along[11]!.normal, along[10]!.normal));
    expect(dot(mid, along[11]!.normal)).toBeGreaterThan(dot(along[11]!.normal, along[10]!.normal));
    const last = along[along.length - 1]!;
    expect(norm(frames[4]!.normal.map((v, k) => v - last.normal[k]!) as unknown as Vec3)).toBeLessThan(1e-9);
  });
});
