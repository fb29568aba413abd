/**
 * Registration (issue #8): time and target registration error of Dokuei's rigid registration (common/registration)
 * against @itk-wasm/elastix with its default rigid parameter map, on the same inputs, in the same run.
 *
 * Pairs (skipped, with a note and a missing baseline, where ../shared/data lacks them):
 * - mr: mr_brain_siemens_trio, 3D T1 (mocoMEMPRAGE) fixed, axial T2 (AX FSE T2) moving, the T2's header moved by a
 *   seeded rigid perturbation P (±10 mm, ±10° about its centre; exact, no resampling). Truth: P⁻¹ (one session: the
 *   unperturbed pair is taken as aligned; Dokuei's own reference lies within a few mm of identity, see the notes).
 * - ctCbct: ct_chest_lidc0314 moving against a CBCT-like copy of itself fixed (test/integration/registration/cbctLike.ts:
 *   1.5 mm voxels, 220 mm × 160 mm cylindrical field of view, cupping, noise), posed by a seeded perturbation.
 *   Dokuei samples inside an ROI in the field of view, as the tests do; elastix gets no mask (the wasm build's
 *   `elastix` pipeline takes none), so it sees the zeros outside the field of view.
 * TRE: mean distance over the 8 corners of a 100 mm cube at the fixed image's centre (cubeCornerTre), mm.
 * Time: the registration call (inputs already in memory; elastix: conversion to itk-wasm images included, ≈ 0).
 * Global start (issue #14), Dokuei only, a row each: `registration.<pair>.globalStartTimeS` (--init global: the
 * 24 axis turns and the principal axes always refined) against the default start (auto: the cheap first pass, which
 * refines only when a turned start scores better) on the same trials; and, on the MR pair with the T2's header
 * turned 180° about the vertical axis, `registration.mrTurned.treMm` (default start) against the headers alone
 * (--init identity, the behaviour before the search), with `registration.mrTurned.timeS` the time of each.
 * --quick: one trial per pair on both inputs block-resampled to ≥ 3 mm voxels (elastix takes ≈ 40 s per full-size
 * pair here); full: 2 trials per pair at full size (1 with --runs 1), to keep the whole bench within 15 minutes.
 */
import { defaultParameterMapNode, elastixNode } from '@itk-wasm/elastix';
import type { Image, JsonCompatible } from 'itk-wasm';
import {
  affineToMatrix4,
  cubeCornerTre,
  invertAffine,
  mulberry32,
  registerRigid,
  resampleVolume,
  rigidAffine,
  rotationFromEuler,
  volumeCentre,
  type Matrix4,
  type RegistrationOptions,
  type Vec3,
  type Volume,
} from '../../common/registration';
import { loadSeriesVolume } from '../../electron/services/registration/loadSeriesVolume';
import { sharedDataDir } from '../../test/support/data';
import { cbctLike } from '../../test/integration/registration/cbctLike';
import { barChart } from '../lib/plots';
import { median } from '../lib/stats';
import type { Suite, SuiteContext } from '../lib/types';

const deg = Math.PI / 180;

function perturbation(random: () => number, centre: Vec3): Float64Array {
  const a = [0, 1, 2].map(() => (random() * 2 - 1) * 10 * deg);
  const t = [0, 1, 2].map(() => (random() * 2 - 1) * 10) as [number, number, number];
  return rigidAffine(rotationFromEuler(a[0]!, a[1]!, a[2]!), centre, t);
}

/** The same voxels with the header moved by P (patient → patient): exact. */
function moveHeader(v: Volume, P: Float64Array): Volume {
  const origin = [0, 1, 2].map((r) => P[r * 4]! * v.origin[0] + P[r * 4 + 1]! * v.origin[1] + P[r * 4 + 2]! * v.origin[2] + P[r * 4 + 3]!) as unknown as Vec3;
  const direction = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => P[r * 4]! * v.direction[c]! + P[r * 4 + 1]! * v.direction[3 + c]! + P[r * 4 + 2]! * v.direction[6 + c]!));
  return { ...v, origin, direction };
}

/** The volume on a grid of the same axes with voxels of at least `mm` (trilinear; --quick only). */
function coarser(v: Volume, mm: number): Volume {
  const f = v.spacing.map((s) => Math.max(1, mm / s));
  const dims = v.dims.map((n, i) => Math.max(2, Math.floor(((n - 1) / f[i]!) + 1))) as [number, number, number];
  const spacing = v.spacing.map((s, i) => s * f[i]!) as unknown as Vec3;
  return resampleVolume(v, { dims, spacing, origin: v.origin, direction: v.direction });
}

/** A registration Volume as an itk-wasm image: direction row-major with the axes as columns, as ITK's. */
function toItk(v: Volume): Image {
  return {
    imageType: { dimension: 3, componentType: 'float32', pixelType: 'Scalar', components: 1 },
    name: 'image',
    origin: [...v.origin],
    spacing: [...v.spacing],
    direction: new Float64Array(v.direction),
    size: [...v.dims],
    metadata: new Map(),
    data: v.data instanceof Float32Array ? v.data : Float32Array.from(v.data),
  } as unknown as Image;
}

/**
 * elastix's result as moving → fixed. Its EulerTransform maps FIXED points to MOVING points (ITK's convention):
 * x_m = R·(x_f − c) + c + t, R = Rz·Rx·Ry (ComputeZYX false) or Rz·Ry·Rx (true); we invert it.
 */
function elastixMatrix(tpo: JsonCompatible): Matrix4 {
  const maps = tpo as unknown as Record<string, string[]>[];
  if (!Array.isArray(maps) || maps.length !== 1) throw new Error(`elastix returned ${Array.isArray(maps) ? maps.length : 'no'} transform maps, expected 1`);
  const m = maps[0]!;
  if (m.Transform?.[0] !== 'EulerTransform') throw new Error(`elastix returned a ${m.Transform?.[0]}, not an EulerTransform`);
  const p = (m.TransformParameters ?? []).map(Number);
  const c = (m.CenterOfRotationPoint ?? []).map(Number);
  if (p.length !== 6 || c.length !== 3) throw new Error('elastix transform parameters are incomplete');
  const [ax, ay, az, tx, ty, tz] = p as [number, number, number, number, number, number];
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  const Rx = [1, 0, 0, 0, cx, -sx, 0, sx, cx];
  const Ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const Rz = [cz, -sz, 0, sz, cz, 0, 0, 0, 1];
  const mul = (a: number[], b: number[]) => [0, 1, 2].flatMap((r) => [0, 1, 2].map((col) => a[r * 3]! * b[col]! + a[r * 3 + 1]! * b[3 + col]! + a[r * 3 + 2]! * b[6 + col]!));
  const R = m.ComputeZYX?.[0] === 'true' ? mul(Rz, mul(Ry, Rx)) : mul(Rz, mul(Rx, Ry));
  const fixedToMoving = rigidAffine(R, c as unknown as Vec3, [tx, ty, tz]);
  return affineToMatrix4(invertAffine(fixedToMoving));
}

let parameterMap: JsonCompatible | undefined;
async function elastixRigid(fixed: Volume, moving: Volume): Promise<{ matrix: Matrix4; ms: number }> {
  parameterMap ??= (await defaultParameterMapNode('rigid')).parameterMap;
  const t0 = performance.now();
  const r = await elastixNode([parameterMap] as unknown as JsonCompatible, { fixed: toItk(fixed), moving: toItk(moving) });
  const ms = performance.now() - t0;
  return { matrix: elastixMatrix(r.transformParameterObject), ms };
}

interface Trial {
  fixed: Volume;
  moving: Volume;
  truth: Matrix4;
  options: RegistrationOptions;
}

interface PairResult {
  dokuei: { ms: number; tre: number }[];
  elastix: { ms: number; tre: number }[];
  /** The same trials with --init global (Dokuei only). */
  global: { ms: number; tre: number }[];
}

async function runPair(ctx: SuiteContext, name: string, trials: Trial[]): Promise<PairResult> {
  const out: PairResult = { dokuei: [], elastix: [], global: [] };
  for (const [i, t] of trials.entries()) {
    const centre = volumeCentre(t.fixed);
    const d = await registerRigid(t.fixed, t.moving, t.options);
    const dTre = cubeCornerTre(d.matrix, t.truth, centre);
    const g = await registerRigid(t.fixed, t.moving, { ...t.options, initialize: 'global' });
    const gTre = cubeCornerTre(g.matrix, t.truth, centre);
    const e = await elastixRigid(t.fixed, t.moving);
    const eTre = cubeCornerTre(e.matrix, t.truth, centre);
    const start = cubeCornerTre([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], t.truth, centre);
    ctx.log(`${name} trial ${i + 1}: start ${start.toFixed(1)} mm; Dokuei ${d.timeMs.toFixed(0)} ms TRE ${dTre.toFixed(3)} mm (start search ${d.searched?.timeMs.toFixed(0) ?? '-'} ms); --init global ${g.timeMs.toFixed(0)} ms TRE ${gTre.toFixed(3)} mm; elastix ${e.ms.toFixed(0)} ms TRE ${eTre.toFixed(3)} mm`);
    out.dokuei.push({ ms: d.timeMs, tre: dTre });
    out.global.push({ ms: g.timeMs, tre: gTre });
    out.elastix.push({ ms: e.ms, tre: eTre });
  }
  return out;
}

function recordPair(ctx: SuiteContext, key: string, label: string, r: PairResult): void {
  ctx.record(`registration.${key}.timeS`, 's', r.dokuei.map((x) => x.ms / 1000), r.elastix.map((x) => x.ms / 1000), { better: 'lower', baselineIs: '@itk-wasm/elastix, default rigid map, same inputs' });
  ctx.record(`registration.${key}.treMm`, 'mm', r.dokuei.map((x) => x.tre), r.elastix.map((x) => x.tre), { better: 'lower', baselineIs: '@itk-wasm/elastix, default rigid map, same inputs' });
  ctx.record(`registration.${key}.globalStartTimeS`, 's', r.global.map((x) => x.ms / 1000), r.dokuei.map((x) => x.ms / 1000), { better: 'lower', baselineIs: 'Dokuei, default start (auto), same trials' });
  ctx.plot(
    barChart(`${label}: median time (s)`, [
      { label: 'Dokuei', value: median(r.dokuei.map((x) => x.ms / 1000)) },
      { label: 'elastix', value: median(r.elastix.map((x) => x.ms / 1000)) },
    ], 's'),
  );
}

export const registrationSuite: Suite = {
  name: 'registration',
  title: 'Rigid registration: time and TRE, Dokuei vs @itk-wasm/elastix (default rigid map)',
  async run(ctx) {
    const quick = ctx.options.quick;
    const trials = quick ? 1 : Math.min(2, ctx.options.runs);
    const shrink = (v: Volume) => (quick ? coarser(v, 3) : v);
    ctx.note(
      quick
        ? '--quick: 1 seeded trial per pair, both inputs resampled to ≥ 3 mm voxels for both engines (elastix needs ≈ 40 s per full-size pair on 2 cores); full runs: 2 trials at full size.'
        : `${trials} seeded trials per pair at full size; value/baseline are medians over the trials (no warm-up: one registration is seconds, not JIT-bound).`,
    );
    ctx.note('elastix: @itk-wasm/elastix 1.x, Node, WASI pipeline from node_modules (single thread), `defaultParameterMap("rigid")` unchanged (4 levels, AdvancedMattesMutualInformation, ASGD, 2048 random samples × 256 iterations); starts from identity. Dokuei: registerRigid defaults (auto start).');
    // Load and warm both engines on a tiny pair (elastix compiles its WASM module on first use).
    const blob: Volume = { dims: [16, 16, 16], spacing: [2, 2, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: Float32Array.from({ length: 4096 }, (_, q) => Math.exp(-(((q & 15) - 7) ** 2 + (((q >> 4) & 15) - 8) ** 2 + ((q >> 8) - 6) ** 2) / 10)) };
    await elastixRigid(blob, blob);
    await registerRigid(blob, blob, { levels: [1], maxIterations: 5 });

    const mrDir = sharedDataDir('mr_brain_siemens_trio');
    if (!mrDir) {
      ctx.note('⚠ ../shared/data/mr_brain_siemens_trio is absent: the MR pair was not measured.');
      ctx.baselineMissing('registration.mr.timeS', 'mr_brain_siemens_trio is absent');
    } else {
      const t1 = shrink((await loadSeriesVolume(mrDir, { series: 'mocoMEMPRAGE' })).volume);
      const t2 = shrink((await loadSeriesVolume(mrDir, { series: 'AX FSE T2' })).volume);
      ctx.note(`MR: T1 ${t1.dims.join('×')} @ ${t1.spacing.map((s) => s.toFixed(2)).join('×')} mm fixed, T2 ${t2.dims.join('×')} @ ${t2.spacing.map((s) => s.toFixed(2)).join('×')} mm moving; truth = P⁻¹ (same session taken as aligned).`);
      const random = mulberry32(8);
      const list: Trial[] = [];
      for (let i = 0; i < trials; i++) {
        const P = perturbation(random, volumeCentre(t2));
        list.push({ fixed: t1, moving: moveHeader(t2, P), truth: affineToMatrix4(invertAffine(P)), options: { seed: i + 1 } });
      }
      // How far the unperturbed pair is from identity by each engine (bounds what "truth = P⁻¹" can resolve).
      const refD = await registerRigid(t1, t2);
      const refE = await elastixRigid(t1, t2);
      const c = volumeCentre(t1);
      const I: Matrix4 = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
      ctx.note(`MR unperturbed: Dokuei ${cubeCornerTre(refD.matrix, I, c).toFixed(2)} mm from identity, elastix ${cubeCornerTre(refE.matrix, I, c).toFixed(2)} mm, the two ${cubeCornerTre(refD.matrix, refE.matrix, c).toFixed(2)} mm apart.`);
      recordPair(ctx, 'mr', 'MR T2 → T1', await runPair(ctx, 'MR', list));

      // The T2's header turned 180° about the vertical axis (about its centre): the default start against the
      // headers alone (--init identity: what registration did before the start search).
      const W = rigidAffine(rotationFromEuler(0, 0, Math.PI), volumeCentre(t2), [0, 0, 0]);
      const turned = moveHeader(t2, W);
      const truth = affineToMatrix4(invertAffine(W));
      const found: { ms: number; tre: number }[] = [];
      const headerOnly: { ms: number; tre: number }[] = [];
      for (let i = 0; i < trials; i++) {
        const a = await registerRigid(t1, turned, { seed: i + 1 });
        const b = await registerRigid(t1, turned, { seed: i + 1, initialize: 'identity' });
        found.push({ ms: a.timeMs, tre: cubeCornerTre(a.matrix, truth, c) });
        headerOnly.push({ ms: b.timeMs, tre: cubeCornerTre(b.matrix, truth, c) });
        ctx.log(`MR turned 180° trial ${i + 1}: default ${a.timeMs.toFixed(0)} ms TRE ${found.at(-1)!.tre.toFixed(3)} mm start ${a.start}; headers only ${b.timeMs.toFixed(0)} ms TRE ${headerOnly.at(-1)!.tre.toFixed(1)} mm`);
      }
      ctx.record('registration.mrTurned.treMm', 'mm', found.map((x) => x.tre), headerOnly.map((x) => x.tre), { better: 'lower', baselineIs: 'Dokuei from the headers alone (--init identity)' });
      ctx.record('registration.mrTurned.timeS', 's', found.map((x) => x.ms / 1000), headerOnly.map((x) => x.ms / 1000), { better: 'lower', baselineIs: 'Dokuei from the headers alone (--init identity)' });
      ctx.note('MR turned: the T2 header turned 180° about the vertical axis; truth = the turn undone (same session taken as aligned, as above).');
    }

    const ctDir = sharedDataDir('ct_chest_lidc0314');
    if (!ctDir) {
      ctx.note('⚠ ../shared/data/ct_chest_lidc0314 is absent: the CT/CBCT pair was not measured.');
      ctx.baselineMissing('registration.ctCbct.timeS', 'ct_chest_lidc0314 is absent');
    } else {
      const ctFull = (await loadSeriesVolume(ctDir)).volume;
      const centre = volumeCentre(ctFull);
      const ct = shrink(ctFull);
      const R = 110;
      const L = 160;
      const h = R * 0.7;
      const roi = { min: [centre[0] - h, centre[1] - h, centre[2] - L / 2 + 5] as Vec3, max: [centre[0] + h, centre[1] + h, centre[2] + L / 2 - 5] as Vec3 };
      const random = mulberry32(31);
      const list: Trial[] = [];
      for (let i = 0; i < trials; i++) {
        const toCt = perturbation(random, centre);
        const cbct = shrink(cbctLike(ctFull, { centre, radiusMm: R, lengthMm: L, spacingMm: 1.5, toCt: affineToMatrix4(toCt), noiseSd: 40, seed: 100 + i }));
        list.push({ fixed: cbct, moving: ct, truth: affineToMatrix4(invertAffine(toCt)), options: { roi, seed: i + 1 } });
      }
      ctx.note(`CT/CBCT: CBCT-like ${list[0]!.fixed.dims.join('×')} @ ${list[0]!.fixed.spacing.map((s) => s.toFixed(2)).join('×')} mm fixed (Dokuei: ROI inside its field of view; elastix: no mask), CT ${ct.dims.join('×')} @ ${ct.spacing.map((s) => s.toFixed(2)).join('×')} mm moving; truth = the seeded pose.`);
      recordPair(ctx, 'ctCbct', 'CT → CBCT-like', await runPair(ctx, 'CT/CBCT', list));
    }
  },
};
