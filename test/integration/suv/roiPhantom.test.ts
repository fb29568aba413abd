/**
 * roiStatistics (common/suv) on the NEMA-IEC-like PET phantom as the viewer gets it: the PET files written by the
 * generator, loaded as one volume (loadSeriesVolume: rescale applied, Bq/ml), SUV applied as a scale (the SUVbw
 * factor of the series, from the SUV engine on the files' headers). A sphere ROI drawn on each phantom sphere
 * gives the generator's truth: unblurred, SUVmax and SUVmean exactly; with a 6 mm FWHM blur, partial volume lowers
 * them, the largest sphere (37 mm) keeping SUVmean within 2 % when the ROI is the sphere's inner half.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSeriesSuv, roiStatistics } from '../../../common/suv';
import type { Volume } from '../../../common/registration/types';
import { part10ToDicomJson } from '../../../electron/services/dicom/datasetJson';
import { loadSeriesVolume } from '../../../electron/services/registration/loadSeriesVolume';
import { writePetCtPhantom, type PetCtPhantom } from '../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../support/tempDir';

async function petVolume(phantom: PetCtPhantom): Promise<{ volume: Volume; factor: number }> {
  const volume = (await loadSeriesVolume(path.dirname(phantom.petFiles[0]!))).volume;
  const results = computeSeriesSuv(phantom.petFiles.map((f) => part10ToDicomJson(new Uint8Array(readFileSync(f))).dataset));
  const factors = new Set(results.map((r) => r.factors.bw));
  expect(factors.size).toBe(1); // one reference time, one factor: the viewer's scale path
  return { volume, factor: results[0]!.factors.bw! };
}

describe('ROI statistics on the PET/CT phantom', () => {
  let dir: string | undefined;
  let blurDir: string | undefined;
  let sharp: PetCtPhantom;
  let blurred: PetCtPhantom;

  beforeAll(async () => {
    dir = await makeTempDir('dokuei-roi-phantom-');
    blurDir = await makeTempDir('dokuei-roi-phantom-blur-');
    sharp = writePetCtPhantom(dir);
    blurred = writePetCtPhantom(blurDir, { psfFwhmMm: 6 });
  });
  afterAll(async () => {
    await removeDir(dir);
    await removeDir(blurDir);
  });

  it('unblurred: every sphere ROI gives the truth as SUVmax and SUVmean, and its volume', async () => {
    const { volume, factor } = await petVolume(sharp);
    expect(factor / sharp.truth.suvBwFactor).toBeCloseTo(1, 9);
    for (const s of sharp.truth.spheres) {
      const st = roiStatistics(volume, { kind: 'sphere', centre: s.centre, radiusMm: s.radiusMm }, { scale: factor });
      const name = `${s.diameterMm} mm`;
      expect(st.max / s.suvBw, `${name} SUVmax`).toBeCloseTo(1, 6);
      expect(st.mean / s.suvBw, `${name} SUVmean`).toBeCloseTo(1, 6);
      expect(st.sd / s.suvBw, `${name} sd`).toBeLessThan(1e-6);
      // Voxel-centre volume vs the sphere's (4/3)πr³: lattice effects, tighter for the large ones.
      const ml = ((4 / 3) * Math.PI * s.radiusMm ** 3) / 1000;
      expect(Math.abs(st.volumeMl - ml) / ml, `${name} volume ${st.volumeMl} vs ${ml}`).toBeLessThan(s.diameterMm >= 22 ? 0.15 : 0.6);
      // SUVpeak: a 1 ml sphere (r 6.2 mm) fits inside the 17 mm and larger spheres → the truth; in the 10 mm one it
      // takes in background (1.46) and falls below.
      if (s.diameterMm >= 17) expect(st.peak! / s.suvBw, `${name} SUVpeak`).toBeCloseTo(1, 6);
      if (s.diameterMm === 10) expect(st.peak!).toBeLessThan(s.suvBw * 0.95);
    }
    // The background: a sphere ROI at z = 50 between the lung insert and the wall.
    const bg = roiStatistics(volume, { kind: 'sphere', centre: [0, -80, 50], radiusMm: 20 }, { scale: factor });
    expect(bg.mean / sharp.truth.background.suvBw).toBeCloseTo(1, 6);
  });

  it('blurred 6 mm: the largest sphere keeps SUVmean (inner half) and SUVmax within 2 %, the smallest loses', async () => {
    const { volume, factor } = await petVolume(blurred);
    const stats = blurred.truth.spheres.map((s) => ({
      s,
      whole: roiStatistics(volume, { kind: 'sphere', centre: s.centre, radiusMm: s.radiusMm }, { scale: factor }),
      inner: roiStatistics(volume, { kind: 'sphere', centre: s.centre, radiusMm: s.radiusMm / 2 }, { scale: factor }),
    }));
    const largest = stats[5]!;
    expect(Math.abs(largest.inner.mean / largest.s.suvBw - 1)).toBeLessThan(0.02);
    expect(Math.abs(largest.whole.max / largest.s.suvBw - 1)).toBeLessThan(0.02);
    // The whole-sphere mean takes in the blurred edge: lower than the inner mean.
    expect(largest.whole.mean).toBeLessThan(largest.inner.mean);
    expect(stats[0]!.whole.max / stats[0]!.s.suvBw).toBeLessThan(0.8);
  });
});
