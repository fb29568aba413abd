/**
 * Global start search (common/registration/globalStart.ts, issue #14) on the blob phantom at 64³: the moving image's
 * header is turned by 180° about each patient axis and by 90° about the vertical one (origin and direction rewritten,
 * voxels untouched: the header pose is wrong by that turn, as a feet-first label on head-first vectors makes it).
 * Registration from the headers alone ends in a wrong local optimum; with the default start it must come back within
 * 1 mm corner TRE of the truth, name the turn in `start` and say it in `warnings`. An unrelated pair must come back
 * with a low-confidence warning. Timings are printed, never asserted.
 */
import { describe, expect, it } from 'vitest';
import {
  affineToMatrix4,
  composeAffine,
  cubeCornerTre,
  invertAffine,
  matrix4ToAffine,
  mulberry32,
  registerRigid,
  rigidAffine,
  rotationFromEuler,
  rotationFromVector,
  type Matrix4,
  type RegistrationResult,
  type Vec3,
  type Volume,
} from '../../../../common/registration';
import { centredGrid, renderPhantom } from './phantom';

const fixed = renderPhantom(centredGrid([64, 64, 64], [2.2, 2.2, 2.2]));
// Moving: another grid, axes permuted (a sagittal-like stack), a small known pose.
const movingGrid = centredGrid([56, 56, 48], [2.5, 2.5, 3], [0, 0, 1, 1, 0, 0, 0, 1, 0]);
const truth: Matrix4 = affineToMatrix4(rigidAffine(rotationFromEuler(0.1, -0.05, 0.08), [0, 0, 0], [6, -4, 8]));
const inverted = (v: number) => 400 - v;

/** The same voxels with the header moved by P (patient → patient): the anatomy turns in patient space. */
function moveHeader(v: Volume, P: Float64Array): Volume {
  const origin = [0, 1, 2].map((r) => P[r * 4]! * v.origin[0] + P[r * 4 + 1]! * v.origin[1] + P[r * 4 + 2]! * v.origin[2] + P[r * 4 + 3]!) as unknown as Vec3;
  const direction = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => P[r * 4]! * v.direction[c]! + P[r * 4 + 1]! * v.direction[3 + c]! + P[r * 4 + 2]! * v.direction[6 + c]!));
  return { ...v, origin, direction };
}

interface Turn {
  label: string;
  vector: Vec3;
  start: string;
  says: RegExp;
}

// The reported turn corrects the header: the inverse of the one applied to it (the same for half turns).
const TURNS: readonly Turn[] = [
  { label: '180° about the left-right axis', vector: [Math.PI, 0, 0], start: 'rot180-lr', says: /turned 180° about the patient's left-right axis/ },
  { label: '180° about the anterior-posterior axis', vector: [0, Math.PI, 0], start: 'rot180-ap', says: /turned 180° about the patient's anterior-posterior axis/ },
  { label: '180° about the vertical axis', vector: [0, 0, Math.PI], start: 'rot180-vertical', says: /turned 180° about the patient's vertical \(head-foot\) axis/ },
  { label: '90° about the vertical axis', vector: [0, 0, Math.PI / 2], start: 'rot270-vertical', says: /turned 90° about the patient's vertical \(head-foot\) axis/ },
];

/** The moving phantom with its header turned by `vector` about an off-centre point, and the truth for that copy. */
function turnedCase(vector: Vec3, map?: (v: number) => number): { moving: Volume; truth: Matrix4 } {
  const W = rigidAffine(rotationFromVector(vector), [10, -5, 3], [4, 2, -6]);
  return { moving: moveHeader(renderPhantom(movingGrid, truth, map), W), truth: affineToMatrix4(composeAffine(matrix4ToAffine(truth), invertAffine(W))) };
}

const line = (r: RegistrationResult, tre: number) =>
  `TRE ${tre.toFixed(3)} mm, start ${r.start}, NMI ${r.normalizedMi.toFixed(3)}, ${r.timeMs.toFixed(0)} ms (search ${r.searched?.timeMs.toFixed(0) ?? '-'} ms, ${r.searched?.refined ?? 0} refined)`;

describe('registerRigid: a start far from the headers', () => {
  for (const turn of TURNS) {
    it(`finds a header turned ${turn.label}, within 1 mm, and says so`, async () => {
      const c = turnedCase(turn.vector);
      const result = await registerRigid(fixed, c.moving);
      const tre = cubeCornerTre(result.matrix, c.truth, [0, 0, 0]);
      console.log(`turned ${turn.label}: ${line(result, tre)}`);
      expect(tre).toBeLessThanOrEqual(1);
      expect(result.start).toBe(turn.start);
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toMatch(/orientation headers disagree with the image/);
      expect(result.warnings[0]).toMatch(turn.says);
    });
  }

  it('the gap: from the headers alone a half turn ends far off, with no warning about the turn', async () => {
    const c = turnedCase([0, 0, Math.PI]);
    const result = await registerRigid(fixed, c.moving, { initialize: 'identity' });
    const tre = cubeCornerTre(result.matrix, c.truth, [0, 0, 0]);
    console.log(`turned 180° about the vertical axis, --init identity: ${line(result, tre)}`);
    expect(tre).toBeGreaterThan(20);
    expect(result.start).toBe('header');
    expect(result.searched).toBeUndefined();
  });

  it('finds a half turn with inverted intensities (multi-modal), under auto and under global', async () => {
    const c = turnedCase([0, 0, Math.PI], inverted);
    for (const initialize of ['auto', 'global'] as const) {
      const result = await registerRigid(fixed, c.moving, { initialize });
      const tre = cubeCornerTre(result.matrix, c.truth, [0, 0, 0]);
      console.log(`inverted, turned 180° about the vertical axis, ${initialize}: ${line(result, tre)}`);
      expect(tre).toBeLessThanOrEqual(1);
      expect(result.start).toBe('rot180-vertical');
      expect(result.initialization).toBe(initialize === 'global' ? 'global' : 'identity');
    }
  });

  it('leaves a right header alone: no turn, no warning, and under auto no start refined', async () => {
    const moving = renderPhantom(movingGrid, truth);
    for (const initialize of ['auto', 'global'] as const) {
      const result = await registerRigid(fixed, moving, { initialize });
      const tre = cubeCornerTre(result.matrix, truth, [0, 0, 0]);
      console.log(`right header, ${initialize}: ${line(result, tre)}`);
      expect(tre).toBeLessThanOrEqual(1);
      expect(result.start).toBe('header');
      expect(result.warnings).toEqual([]);
      expect(result.normalizedMi).toBeGreaterThan(0.5);
      expect(result.searched!.candidates).toBeGreaterThan(24);
      expect(result.searched!.refined).toBe(initialize === 'auto' ? 0 : 6);
    }
  });

  it('keeps the explicit starts as they were: no search under identity, centers, moments or a given transform', async () => {
    const moving = renderPhantom(movingGrid, truth);
    for (const initialize of ['identity', 'centers', 'moments'] as const) {
      const result = await registerRigid(fixed, moving, { initialize, levels: [4], maxIterations: 5 });
      expect(result.searched).toBeUndefined();
      expect(result.start).toBe('header');
    }
    const given = await registerRigid(fixed, moving, { initialTransform: truth, levels: [4], maxIterations: 5 });
    expect(given.start).toBe('given');
    expect(given.initialization).toBe('given');
  });

  it('warns of low confidence for an unrelated pair instead of returning a silent matrix', async () => {
    // Smooth noise on the moving grid: nothing in it is the phantom.
    const random = mulberry32(4);
    const [nx, ny, nz] = movingGrid.dims;
    const raw = Float32Array.from({ length: nx * ny * nz }, () => random());
    const data = new Float32Array(raw.length);
    for (let q = 0; q < raw.length; q++) {
      let s = 0;
      let n = 0;
      for (const d of [0, 1, -1, nx, -nx, nx * ny, -nx * ny]) {
        const v = raw[q + d];
        if (v !== undefined) {
          s += v;
          n++;
        }
      }
      data[q] = (100 * s) / n;
    }
    const result = await registerRigid(fixed, { ...movingGrid, data });
    console.log(`unrelated pair: NMI ${result.normalizedMi.toFixed(3)}, warnings ${JSON.stringify(result.warnings)}`);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^low confidence/);
  });
});
