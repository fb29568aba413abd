/**
 * Rigid registration on synthetic volumes (common/registration): a smooth blob phantom rendered analytically on two
 * different grids (different spacing, size and axis order), the moving one through a known rigid transform
 * (±10 mm, ±10° per axis, seeded) and through an intensity mapping — identical, inverted, non-monotonic — so
 * mutual information has to work multi-modally. Accuracy: TRE ≤ 1 mm, the mean error over the 8 corners of a
 * 100 mm cube at the image centre. Timings are printed, never asserted.
 */
import { describe, expect, it } from 'vitest';
import {
  affineToMatrix4,
  applyAffine,
  cubeCornerTre,
  invertAffine,
  matrix4ToAffine,
  mulberry32,
  RegistrationError,
  registerRigid,
  rigidAffine,
  rotationFromEuler,
  type Matrix4,
  type RegistrationProgress,
  type Volume,
} from '../../../../common/registration';
import { centredGrid, renderPhantom } from './phantom';

const deg = Math.PI / 180;
const fixed = renderPhantom(centredGrid([96, 96, 72], [1.5, 1.5, 2]));
// Moving grid: coarser, another size, axes permuted (i → patient z, j → x, k → y), like a sagittal vs an axial scan.
const movingGrid = centredGrid([80, 80, 64], [2, 2, 2.5], [0, 0, 1, 1, 0, 0, 0, 1, 0]);

function randomRigid(random: () => number): Matrix4 {
  const a = [0, 1, 2].map(() => (random() * 2 - 1) * 10 * deg);
  const t = [0, 1, 2].map(() => (random() * 2 - 1) * 10) as [number, number, number];
  return affineToMatrix4(rigidAffine(rotationFromEuler(a[0]!, a[1]!, a[2]!), [0, 0, 0], t));
}

const mappings: Record<string, (v: number) => number> = {
  identical: (v) => v,
  inverted: (v) => 400 - v,
  'non-monotonic': (v) => 1000 * Math.sin(v / 120) ** 2,
};

describe('affine helpers', () => {
  it('inverts a rigid map and measures TRE on the cube corners', () => {
    const m = matrix4ToAffine(randomRigid(mulberry32(3)));
    const back = applyAffine(invertAffine(m), applyAffine(m, [12, -7, 30]));
    back.forEach((x, i) => expect(x).toBeCloseTo([12, -7, 30][i]!, 9));
    const I = affineToMatrix4(rigidAffine([1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0], [0, 0, 0]));
    const shifted = affineToMatrix4(rigidAffine([1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0], [3, 4, 0]));
    expect(cubeCornerTre(I, shifted, [0, 0, 0])).toBeCloseTo(5, 9);
  });
});

describe('registerRigid on a blob phantom', () => {
  const random = mulberry32(20240601);
  for (let trial = 0; trial < 3; trial++) {
    const truth = randomRigid(random);
    for (const [name, map] of Object.entries(mappings)) {
      it(`recovers a known transform (trial ${trial + 1}, ${name} intensities) with TRE ≤ 1 mm`, async () => {
        const moving = renderPhantom(movingGrid, truth, map);
        const result = await registerRigid(fixed, moving, { initialize: 'identity', seed: trial + 1 });
        const start = cubeCornerTre(result.initialMatrix, truth, [0, 0, 0]);
        const tre = cubeCornerTre(result.matrix, truth, [0, 0, 0]);
        console.log(`phantom trial ${trial + 1} ${name}: TRE ${start.toFixed(2)} → ${tre.toFixed(3)} mm, ${result.iterations} iterations, ${result.timeMs.toFixed(0)} ms`);
        expect(tre).toBeLessThanOrEqual(1);
        expect(result.matrix[3]).toEqual([0, 0, 0, 1]);
        expect(result.metric).toBeLessThan(0);
      });
    }
  }

  it('starts from the moments or the centres when asked, and from the headers under auto when the images overlap', async () => {
    const truth = affineToMatrix4(rigidAffine(rotationFromEuler(0.1, -0.05, 0.08), [0, 0, 0], [6, -4, 8]));
    const moving = renderPhantom(movingGrid, truth);
    for (const initialize of ['moments', 'centers', 'auto'] as const) {
      const result = await registerRigid(fixed, moving, { initialize });
      expect(result.initialization).toBe(initialize === 'auto' ? 'identity' : initialize);
      expect(cubeCornerTre(result.matrix, truth, [0, 0, 0])).toBeLessThanOrEqual(1);
    }
  });

  it('samples only inside the ROI: a corrupted region outside it does not matter', async () => {
    const truth = randomRigid(mulberry32(99));
    const moving = renderPhantom(movingGrid, truth);
    // Corrupt the fixed image for x > 20 mm (a truncated, wrong region), and keep the ROI away from it.
    const corrupted: Volume = { ...fixed, data: Float32Array.from(fixed.data) };
    const [nx, ny, nz] = fixed.dims;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) if (fixed.origin[0] + i * fixed.spacing[0] > 20) corrupted.data[i + nx * (j + ny * k)] = 500 * ((i * 7 + j * 13 + k * 3) % 5);
    const roi = { min: [-60, -55, -55] as const, max: [18, 55, 55] as const };
    const result = await registerRigid(corrupted, moving, { initialize: 'identity', roi });
    const tre = cubeCornerTre(result.matrix, truth, [0, 0, 0]);
    console.log(`phantom with ROI: TRE ${tre.toFixed(3)} mm, ${result.timeMs.toFixed(0)} ms`);
    expect(tre).toBeLessThanOrEqual(1);
  });

  it('is deterministic for a seed, reports progress, and can be cancelled', async () => {
    const truth = randomRigid(mulberry32(5));
    const moving = renderPhantom(movingGrid, truth);
    const seen: RegistrationProgress[] = [];
    const a = await registerRigid(fixed, moving, { seed: 7, onProgress: (p) => seen.push(p) });
    const b = await registerRigid(fixed, moving, { seed: 7 });
    expect(a.matrix).toEqual(b.matrix);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((p) => p.level))).toEqual(new Set([0, 1, 2]));
    expect(seen.every((p) => p.fraction >= 0 && p.fraction <= 1 && p.levels === 3)).toBe(true);

    const ctl = new AbortController();
    const pending = registerRigid(fixed, moving, { signal: ctl.signal, onProgress: (p) => p.totalIterations === 3 && ctl.abort(new Error('stop')) });
    await expect(pending).rejects.toThrow('stop');
    const already = new AbortController();
    already.abort();
    await expect(registerRigid(fixed, moving, { signal: already.signal })).rejects.toThrow();
  });

  it('refuses images that do not overlap, an ROI outside the image and malformed volumes', async () => {
    const far: Volume = { ...renderPhantom(movingGrid), origin: [5000, 5000, 5000] };
    await expect(registerRigid(fixed, far, { initialize: 'identity' })).rejects.toBeInstanceOf(RegistrationError);
    await expect(registerRigid(fixed, fixed, { roi: { min: [900, 900, 900], max: [950, 950, 950] } })).rejects.toThrow(/region of interest/);
    await expect(registerRigid(fixed, { ...fixed, dims: [96, 96, 1] })).rejects.toBeInstanceOf(RegistrationError);
  });
});
