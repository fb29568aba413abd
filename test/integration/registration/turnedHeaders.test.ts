/**
 * Registration from a start far from the headers (issue #14), on real images:
 * - the CLI on the committed demo CT (an evenly spaced copy) against a copy of itself whose DICOM position and
 *   orientation headers are turned 180° about the vertical axis (test/support/turnedSeries.ts): `--json` must
 *   name the turn in `start`, say it in `warnings`, and the matrix must be within 1 mm corner TRE of the truth;
 * - mr_brain_siemens_trio (skipped without ../shared): the T2's header turned 180° about each patient axis and 90°
 *   about the vertical one must register back onto the T1 within 1 mm of the unturned reference, with the warning;
 *   the demo chest CT against the head MR must come back with a low-confidence warning.
 * Timings are printed, never asserted.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  affineToMatrix4,
  composeAffine,
  cubeCornerTre,
  invertAffine,
  matrix4ToAffine,
  registerRigid,
  rigidAffine,
  rotationFromVector,
  volumeCentre,
  type Matrix4,
  type RegistrationResult,
  type Vec3,
  type Volume,
} from '../../../common/registration';
import { loadSeriesVolume } from '../../../electron/services/registration/loadSeriesVolume';
import { demoCtDir, dicomFilesIn, repoRoot, sharedDataDir } from '../../support/data';
import { writeEvenlySpacedCopy } from '../../support/derivedSeries';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { writeTurnedCopy } from '../../support/turnedSeries';

/** The same voxels with the header moved by P (patient → patient): exact, nothing resampled. */
function moveHeader(v: Volume, P: Float64Array): Volume {
  const origin = [0, 1, 2].map((r) => P[r * 4]! * v.origin[0] + P[r * 4 + 1]! * v.origin[1] + P[r * 4 + 2]! * v.origin[2] + P[r * 4 + 3]!) as unknown as Vec3;
  const direction = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => P[r * 4]! * v.direction[c]! + P[r * 4 + 1]! * v.direction[3 + c]! + P[r * 4 + 2]! * v.direction[6 + c]!));
  return { ...v, origin, direction };
}

const line = (r: RegistrationResult, tre: number) => `TRE ${tre.toFixed(3)} mm, start ${r.start}, NMI ${r.normalizedMi.toFixed(3)}, ${r.timeMs.toFixed(0)} ms (search ${r.searched?.timeMs.toFixed(0) ?? '-'} ms, ${r.searched?.refined ?? 0} refined)`;

let tmp: string;
let demoEvenDir: string;
beforeAll(async () => {
  tmp = await makeTempDir('dokuei-turned-');
  demoEvenDir = path.join(tmp, 'demo-even');
  writeEvenlySpacedCopy(dicomFilesIn(demoCtDir()), demoEvenDir, '2.25.1414001', 2.5);
});
afterAll(() => removeDir(tmp));

describe('dokuei register: a CT whose headers are turned 180° about the vertical axis', () => {
  it('finds the turn, says so in --json, and lands within 1 mm', async () => {
    const fixed = (await loadSeriesVolume(demoEvenDir)).volume;
    const centre = volumeCentre(fixed);
    const rotation = rotationFromVector([0, 0, Math.PI]);
    const shift: Vec3 = [6, -9, 4];
    const turnedDir = path.join(tmp, 'demo-turned');
    writeTurnedCopy(dicomFilesIn(demoEvenDir), turnedDir, '2.25.1414002', { rotation, centre, shift }, 'Demo CT, headers turned');
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'bin', 'dokuei.mjs'), 'register', demoEvenDir, turnedDir, '--json'], { timeout: 100_000 });
    const out = JSON.parse(stdout) as { matrix: Matrix4; initialization: string; start: string; warnings: string[]; normalizedMi: number; timeMs: number; searched: { refined: number; timeMs: number } };
    // moving (turned header) → fixed: the turn undone.
    const truth = affineToMatrix4(invertAffine(rigidAffine(rotation, centre, shift)));
    const tre = cubeCornerTre(out.matrix, truth, centre);
    console.log(`CLI, demo CT turned 180° about the vertical axis: TRE ${tre.toFixed(3)} mm, start ${out.start}, NMI ${out.normalizedMi}, ${out.timeMs} ms (search ${out.searched.timeMs} ms, ${out.searched.refined} refined)`);
    expect(tre).toBeLessThanOrEqual(1);
    expect(out.initialization).toBe('identity');
    // The demo is a 64 mm slab: its principal axes find the same turn as the axis-aligned start, and either may win.
    expect(['rot180-vertical', 'principal-axes']).toContain(out.start);
    expect(out.warnings).toEqual([expect.stringMatching(/orientation headers disagree with the image: turned 180° about the patient's vertical \(head-foot\) axis/)]);
  });
});

const mrDir = sharedDataDir('mr_brain_siemens_trio');

describe.skipIf(!mrDir)('registration: mr_brain_siemens_trio T2 with turned headers → T1', () => {
  let t1: Volume;
  let t2: Volume;
  let reference: RegistrationResult;
  beforeAll(async () => {
    t1 = (await loadSeriesVolume(mrDir!, { series: 'mocoMEMPRAGE' })).volume;
    t2 = (await loadSeriesVolume(mrDir!, { series: 'AX FSE T2' })).volume;
    reference = await registerRigid(t1, t2);
  });

  const turns: { label: string; vector: Vec3; start: string; says: RegExp }[] = [
    { label: '180° about the left-right axis', vector: [Math.PI, 0, 0], start: 'rot180-lr', says: /turned 180° about the patient's left-right axis/ },
    { label: '180° about the anterior-posterior axis', vector: [0, Math.PI, 0], start: 'rot180-ap', says: /turned 180° about the patient's anterior-posterior axis/ },
    { label: '180° about the vertical axis', vector: [0, 0, Math.PI], start: 'rot180-vertical', says: /turned 180° about the patient's vertical \(head-foot\) axis/ },
    { label: '90° about the vertical axis', vector: [0, 0, Math.PI / 2], start: 'rot270-vertical', says: /turned 90° about the patient's vertical \(head-foot\) axis/ },
  ];
  for (const turn of turns) {
    it(`registers the T2 turned ${turn.label} back within 1 mm, with the warning`, async () => {
      expect(reference.warnings).toEqual([]);
      const W = rigidAffine(rotationFromVector(turn.vector), volumeCentre(t2), [5, -7, 3]);
      const truth = affineToMatrix4(composeAffine(matrix4ToAffine(reference.matrix), invertAffine(W)));
      const result = await registerRigid(t1, moveHeader(t2, W));
      const tre = cubeCornerTre(result.matrix, truth, volumeCentre(t1));
      console.log(`MR T2 turned ${turn.label}: ${line(result, tre)}`);
      expect(tre).toBeLessThanOrEqual(1);
      expect(result.start).toBe(turn.start);
      expect(result.warnings).toEqual([expect.stringMatching(turn.says)]);
    });
  }

  it('warns of low confidence for the chest CT against the head MR', async () => {
    const ct = (await loadSeriesVolume(demoEvenDir)).volume;
    const result = await registerRigid(t1, ct);
    console.log(`chest CT → head MR: NMI ${result.normalizedMi.toFixed(3)}, ${result.timeMs.toFixed(0)} ms, warnings ${JSON.stringify(result.warnings)}`);
    expect(result.warnings).toEqual([expect.stringMatching(/^low confidence/)]);
  });
});
