/**
 * The NEMA-IEC-like PET/CT phantom (test/support/petCtPhantom.ts), issue #7: the files are valid DICOM (dciodvfy),
 * CT and PET share the study and the frame of reference, and the SUV engine (common/suv, as the viewer and
 * `dokuei suv` use it) gives each sphere the generator's truth from the files' own pixels and rescale.
 *
 * No blur (default): a voxel belongs to a sphere when its centre is inside, and holds exactly the sphere's
 * concentration, so SUVmax = SUVmean = truth for all six spheres (to 1e-9, floating point only). With a 6 mm FWHM
 * blur, partial volume lowers the small spheres: the largest (37 mm) keeps its SUVmax within 2 %.
 */
import { readFileSync } from 'node:fs';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getString, getStrings, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { computeSeriesSuv, storedToSuv, SUV_TYPES, type SuvResult } from '../../../common/suv';
import { part10ToDicomJson } from '../../../electron/services/dicom/datasetJson';
import { writePetCtPhantom, type PetCtPhantom, type PhantomSphere } from '../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { dciodvfy } from './dciodvfy';

interface PetSlice {
  header: DicomJsonDataset;
  /** Stored values. */
  pixels: Int16Array;
  position: [number, number, number];
  spacing: [number, number];
  rows: number;
  columns: number;
}

function readPetSlice(file: string): PetSlice {
  const bytes = new Uint8Array(readFileSync(file));
  const { dataset } = part10ToDicomJson(bytes);
  const dict = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const pixelData = dict.dict['7FE00010']?.Value?.[0] as ArrayBuffer;
  const num = (tag: string): number[] => getStrings(dataset, tag).map(Number);
  const position = num(Tag.ImagePositionPatient) as [number, number, number];
  const spacing = num(Tag.PixelSpacing) as [number, number];
  const rows = Number(dataset[Tag.Rows]?.Value?.[0]);
  const columns = Number(dataset[Tag.Columns]?.Value?.[0]);
  expect(getStrings(dataset, Tag.ImageOrientationPatient).map(Number)).toEqual([1, 0, 0, 0, 1, 0]);
  return { header: dataset, pixels: new Int16Array(pixelData.slice(0, rows * columns * 2)), position, spacing, rows, columns };
}

interface SphereStats {
  voxels: number;
  max: number;
  mean: number;
}

/** SUVbw of the PET voxels whose centre is inside the sphere, from the stored values, rescale and engine factor. */
function sphereSuv(slices: PetSlice[], results: SuvResult[], s: PhantomSphere): SphereStats {
  let voxels = 0;
  let max = -Infinity;
  let sum = 0;
  slices.forEach((sl, k) => {
    const [x0, y0, z] = sl.position;
    const [rowSpacing, colSpacing] = sl.spacing;
    for (let r = 0; r < sl.rows; r++) {
      for (let c = 0; c < sl.columns; c++) {
        const x = x0 + c * colSpacing;
        const y = y0 + r * rowSpacing;
        if (Math.hypot(x - s.centre[0], y - s.centre[1], z - s.centre[2]) > s.radiusMm) continue;
        const suv = storedToSuv(sl.pixels[r * sl.columns + c]!, results[k]!, 'bw');
        if (suv === null) throw new Error(`no SUVbw: ${results[k]!.reasons.bw}`);
        voxels++;
        sum += suv;
        max = Math.max(max, suv);
      }
    }
  });
  return { voxels, max, mean: sum / voxels };
}

function loadPet(phantom: PetCtPhantom): { slices: PetSlice[]; results: SuvResult[] } {
  const slices = phantom.petFiles.map(readPetSlice);
  const results = computeSeriesSuv(slices.map((s) => s.header));
  return { slices, results };
}

describe('PET/CT phantom', () => {
  let dir: string | undefined;
  let phantom: PetCtPhantom;

  beforeAll(async () => {
    dir = await makeTempDir('dokuei-phantom-');
    phantom = writePetCtPhantom(dir);
  });
  afterAll(async () => removeDir(dir));

  it('writes CT and PET that dciodvfy finds no error in', async () => {
    const ct = await dciodvfy(phantom.ctFiles[Math.floor(phantom.ctFiles.length / 2)]!);
    const pet = await dciodvfy(phantom.petFiles[Math.floor(phantom.petFiles.length / 2)]!);
    expect(ct.output).toMatch(/CTImage/);
    expect(pet.output).toMatch(/PETImage/);
    expect(ct.errors).toEqual([]);
    expect(pet.errors).toEqual([]);
    // Warnings are allowed by the issue; none are expected today, and a new one should be looked at.
    expect([...ct.warnings, ...pet.warnings]).toEqual([]);
  });

  it('has one study and one frame of reference, with the truth written beside', () => {
    const headers = [phantom.ctFiles[0]!, phantom.petFiles[0]!].map((f) => part10ToDicomJson(new Uint8Array(readFileSync(f))).dataset);
    for (const h of headers) {
      expect(getString(h, Tag.StudyInstanceUID)).toBe(phantom.truth.studyInstanceUid);
      expect(getString(h, Tag.FrameOfReferenceUID)).toBe(phantom.truth.frameOfReferenceUid);
    }
    expect(getString(headers[0]!, Tag.Modality)).toBe('CT');
    expect(getString(headers[1]!, Tag.Modality)).toBe('PT');
    const written = JSON.parse(readFileSync(`${dir}/truth.json`, 'utf8')) as { spheres: { diameterMm: number }[] };
    expect(written.spheres.map((s) => s.diameterMm)).toEqual([10, 13, 17, 22, 28, 37]);
  });

  it('gives every SUV type from its header, SUVbw factor as worked out by hand', () => {
    const { results } = loadPet(phantom);
    // 370 MBq at 09:00, series at 10:00, T½ 6586.2 s: 3600 / 6586.2 = 0.546598, 2^−0.546598 = 0.684633,
    // 370e6 · 0.684633 = 253.314 MBq; 70 000 g / 253.314e6 Bq = 2.76337e-4 g/Bq;
    // background 5300 Bq/ml → SUVbw 1.46458, spheres 21200 Bq/ml → 5.85834.
    expect(phantom.truth.radiopharmaceutical.decayedDoseBq / 253.314e6).toBeCloseTo(1, 5);
    expect(phantom.truth.suvBwFactor / 2.76337e-4).toBeCloseTo(1, 5);
    expect(phantom.truth.background.suvBw).toBeCloseTo(1.46458, 4);
    expect(phantom.truth.spheres[0]!.suvBw).toBeCloseTo(5.85834, 4);
    for (const r of results) {
      expect(r.units).toBe('BQML');
      expect(r.factors.bw! / phantom.truth.suvBwFactor).toBeCloseTo(1, 12);
      for (const t of SUV_TYPES) expect(r.factors[t], `${t}: ${r.reasons[t]}`).not.toBeNull();
      expect(r.warnings).toEqual([]);
    }
    // Two slopes: slices through a sphere (21200 / 32000) and the others (5300 / 32000).
    const slopes = new Set(results.map((r) => r.rescale.slope));
    expect(slopes).toEqual(new Set([1, 0.6625, 0.165625]));
  });

  it('unblurred: SUVmax and SUVmean of every sphere equal the truth', () => {
    const { slices, results } = loadPet(phantom);
    for (const s of phantom.truth.spheres) {
      const st = sphereSuv(slices, results, s);
      expect(st.voxels, `${s.diameterMm} mm`).toBeGreaterThan(0);
      expect(st.max / s.suvBw, `${s.diameterMm} mm SUVmax`).toBeCloseTo(1, 9);
      expect(st.mean / s.suvBw, `${s.diameterMm} mm SUVmean`).toBeCloseTo(1, 9);
      // Voxel count ≈ sphere volume / voxel volume (3 × 3 × 4 mm), loosely for the small ones.
      const expected = ((4 / 3) * Math.PI * s.radiusMm ** 3) / 36;
      expect(Math.abs(st.voxels - expected) / expected, `${s.diameterMm} mm voxels ${st.voxels} vs ${expected.toFixed(1)}`).toBeLessThan(
        s.diameterMm >= 22 ? 0.15 : 0.6,
      );
    }
    // Background, away from spheres, lung and walls: a slice at z = 50 (index 14), 35 mm < r < 100 mm.
    const k = slices.findIndex((s) => s.position[2] === 50);
    const bg = sphereSuv([slices[k]!], [results[k]!], { diameterMm: 200, radiusMm: 100, centre: [0, 0, 50], activityBqml: 0, suvBw: 0 });
    expect(bg.max / phantom.truth.background.suvBw).toBeCloseTo(1, 9);
    const lung = sphereSuv([slices[k]!], [results[k]!], { diameterMm: 40, radiusMm: 20, centre: [0, 0, 50], activityBqml: 0, suvBw: 0 });
    expect(lung.max).toBe(0);
  });

  it('CT: water spheres, lung −800 HU, air outside', () => {
    const ctAt = (z: number): { ds: DicomJsonDataset; hu: (x: number, y: number) => number } => {
      const file = phantom.ctFiles.find((f) => Number(getStrings(part10ToDicomJson(new Uint8Array(readFileSync(f))).dataset, Tag.ImagePositionPatient)[2]) === z)!;
      const sl = readPetSlice(file); // same geometry reading; CT values are unsigned but < 32768
      return {
        ds: sl.header,
        hu: (x, y) => sl.pixels[Math.round((y - sl.position[1]) / sl.spacing[0]) * sl.columns + Math.round((x - sl.position[0]) / sl.spacing[1])]! - 1024,
      };
    };
    const ct = ctAt(111);
    const big = phantom.truth.spheres[5]!;
    expect(ct.hu(big.centre[0], big.centre[1])).toBe(0);
    expect(ct.hu(0, 0)).toBe(-800);
    expect(ct.hu(0, -140)).toBe(0);
    expect(ct.hu(0, -155)).toBe(-1000);
    expect(ct.hu(0, 90)).toBe(100); // table
  });

  it('blurred (FWHM 6 mm): the largest sphere keeps SUVmax within 2 %, the smallest loses most', async () => {
    const blurDir = await makeTempDir('dokuei-phantom-blur-');
    try {
      const blurred = writePetCtPhantom(blurDir, { psfFwhmMm: 6 });
      const { slices, results } = loadPet(blurred);
      const stats = blurred.truth.spheres.map((s) => ({ s, st: sphereSuv(slices, results, s) }));
      const [smallest, largest] = [stats[0]!, stats[5]!];
      expect(Math.abs(largest.st.max / largest.s.suvBw - 1)).toBeLessThan(0.02);
      expect(smallest.st.max / smallest.s.suvBw).toBeLessThan(0.8);
      // Recovery of SUVmax grows with the diameter.
      for (let i = 1; i < stats.length; i++) expect(stats[i]!.st.max).toBeGreaterThanOrEqual(stats[i - 1]!.st.max * 0.999);
      const dv = await dciodvfy(blurred.petFiles[29]!);
      expect(dv.errors).toEqual([]);
    } finally {
      await removeDir(blurDir);
    }
  });
});
