/**
 * `dokuei suv` on GML PET files (issue #14), one per SUV Type (0054,1006) as scanners write it: Part 10 files
 * written here with dcmjs, read back by the command's own reader, JSON parsed. Each file's stored values are SUV of
 * its type, so that factor is 1 and the others are N_t/N_type. The patient: 80 kg, 1.80 m, M; by hand:
 *   bw 80 kg; lbm (James) 1.10·80 − 120·(80/180)² = 64.29630 kg; lbmJames128 1.10·80 − 128·(80/180)² = 62.71605 kg;
 *   lbmJanma 9270·80/(6680 + 216·24.69136) = 61.73141 kg; bsa 0.007184·80^0.425·180^0.725 = 19964.21 cm²;
 *   ibw 48.0 + 1.06·(180 − 152) = 77.68 kg.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suvCommand } from '../../../electron/cli/suvCommand';
import { writeDcmjs } from '../../support/dcmjsWrite';
import { makeTempDir, removeDir } from '../../support/tempDir';

const TYPES = ['bw', 'lbm', 'lbmJames128', 'lbmJanma', 'bsa', 'ibw'] as const;
type Type = (typeof TYPES)[number];

/** A 2×2 GML slice, no dose or times (GML needs none): only the patient and SUV Type. */
function writeGmlPet(file: string, n: number, suvType: string | undefined, patch: Record<string, unknown> = {}): void {
  const ds: Record<string, unknown> = {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.128',
    SOPInstanceUID: `2.25.1414${n}`,
    StudyInstanceUID: '2.25.14140',
    SeriesInstanceUID: `2.25.14141${n}`,
    Modality: 'PT',
    PatientName: 'GML^SUV',
    PatientID: 'GML-SUV',
    PatientSex: 'M',
    PatientSize: 1.8,
    PatientWeight: 80,
    SeriesDate: '20240115',
    SeriesTime: '100000',
    Units: 'GML',
    DecayCorrection: 'START',
    CorrectedImage: ['ATTN', 'DECY'],
    RescaleSlope: 0.001,
    RescaleIntercept: 0,
    Rows: 2,
    Columns: 2,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    PixelData: new Uint16Array([0, 1000, 2500, 4000]).buffer,
    ...patch,
  };
  if (suvType !== undefined) ds.SUVType = suvType;
  writeFileSync(file, writeDcmjs(ds));
}

interface Line {
  file: string;
  units: string;
  factors: Record<Type, number | null>;
  reasons: Partial<Record<Type, string>>;
  warnings: string[];
  rescale: { slope: number; intercept: number };
  storedSuvType: Type | null;
}

/** Expected factors per file, N_t/N_type from the table above. */
const CASES: { name: string; suvType: string; stored: Type; factors: Record<Type, number> }[] = [
  // lbm 64.29630/80 = 0.8037037; bsa 19964.21/80000 = 0.2495526; ibw 77.68/80 = 0.971
  { name: 'bw', suvType: 'BW', stored: 'bw', factors: { bw: 1, lbm: 0.8037037, lbmJames128: 0.7839506, lbmJanma: 0.7716426, bsa: 0.2495526, ibw: 0.971 } },
  // bw 80/64.29630 = 1.2442396
  { name: 'lbm', suvType: 'LBM', stored: 'lbm', factors: { bw: 1.2442396, lbm: 1, lbmJames128: 0.9754224, lbmJanma: 0.9601083, bsa: 0.3105033, ibw: 1.2081567 } },
  // bw 80/62.71605 = 1.2755906; written in lower case with a space, as some exports do
  { name: 'james128', suvType: 'lbm james128', stored: 'lbmJames128', factors: { bw: 1.2755906, lbm: 1.0251969, lbmJames128: 1, lbmJanma: 0.9843, bsa: 0.318327, ibw: 1.2385984 } },
  // bw 80/61.73141 = 1.2959367
  { name: 'janma', suvType: 'LBM_JANMA', stored: 'lbmJanma', factors: { bw: 1.2959367, lbm: 1.0415491, lbmJames128: 1.0159504, lbmJanma: 1, bsa: 0.3234044, ibw: 1.2583545 } },
  // bw 80000/19964.21 = 4.0071708
  { name: 'bsa', suvType: 'BSA', stored: 'bsa', factors: { bw: 4.0071708, lbm: 3.220578, lbmJames128: 3.141424, lbmJanma: 3.0921038, bsa: 1, ibw: 3.8909628 } },
  // bw 80/77.68 = 1.0298661
  { name: 'ibw', suvType: 'IBW', stored: 'ibw', factors: { bw: 1.0298661, lbm: 0.8277072, lbmJames128: 0.8073642, lbmJanma: 0.7946886, bsa: 0.2570058, ibw: 1 } },
];

async function runSuv(paths: string[], json: boolean, options = {}): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await suvCommand(paths, options, json, { out: (l) => out.push(l), err: () => {}, isTty: false });
  return { code, out: out.join('\n') };
}

describe('dokuei suv on GML series of every SUV Type', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('dokuei-suv-gml-');
    CASES.forEach((c, i) => writeGmlPet(path.join(dir, `${i}-${c.name}.dcm`), i, c.suvType));
    writeGmlPet(path.join(dir, '6-unknown.dcm'), 6, 'LBMHUME');
    writeGmlPet(path.join(dir, '7-lbm-nosex.dcm'), 7, 'LBMJANMA', { PatientSex: 'O' });
    writeGmlPet(path.join(dir, '8-none.dcm'), 8, undefined);
  });
  afterAll(() => removeDir(dir));

  it('gives all six factors for each type, that type’s factor 1 and storedSuvType naming it', async () => {
    const { code, out } = await runSuv([dir], true);
    expect(code).toBe(0);
    const lines = JSON.parse(out) as Line[];
    expect(lines.map((l) => path.basename(l.file))).toEqual(['0-bw.dcm', '1-lbm.dcm', '2-james128.dcm', '3-janma.dcm', '4-bsa.dcm', '5-ibw.dcm', '6-unknown.dcm', '7-lbm-nosex.dcm', '8-none.dcm']);
    CASES.forEach((c, i) => {
      const l = lines[i]!;
      expect(l.units).toBe('GML');
      expect(l.storedSuvType).toBe(c.stored);
      expect(l.reasons).toEqual({});
      expect(l.rescale).toEqual({ slope: 0.001, intercept: 0 });
      for (const t of TYPES) expect(Math.abs(l.factors[t]! / c.factors[t] - 1), `${c.name}: ${t}`).toBeLessThan(1e-6);
    });
    // A stored 4000 × slope 0.001 is SUVlbmJanma 4.0, i.e. SUVbw 4.0 × 1.2959367 = 5.18375.
    expect(4000 * lines[3]!.rescale.slope * lines[3]!.factors.bw!).toBeCloseTo(5.18375, 4);
  });

  it('an unknown SUV Type or a missing sex: null factors with the reason; no SUV Type is SUVbw', async () => {
    const lines = JSON.parse((await runSuv([path.join(dir, '6-unknown.dcm'), path.join(dir, '7-lbm-nosex.dcm'), path.join(dir, '8-none.dcm')], true)).out) as Line[];
    const [unknown, noSex, none] = lines;
    expect(unknown!.storedSuvType).toBeNull();
    for (const t of TYPES) {
      expect(unknown!.factors[t]).toBeNull();
      expect(unknown!.reasons[t]).toBe('unknown SUV Type (0054,1006) "LBMHUME": expected one of BW, LBM, LBMJAMES128, LBMJANMA, BSA, IBW');
    }
    expect(noSex!.factors.lbmJanma).toBe(1);
    expect(noSex!.factors.bw).toBeNull();
    expect(noSex!.reasons.bw).toMatch(/Patient's Sex \(0010,0040\) is 'O' and lbmJanma depends on it/);
    expect(none!.storedSuvType).toBe('bw');
    expect(none!.factors.bw).toBe(1);
  });

  it('says which SUV the values are in the readable output', async () => {
    const { out } = await runSuv([path.join(dir, '3-janma.dcm')], false);
    expect(out).toMatch(/3-janma\.dcm: GML \(SUVlbmJanma\) {2}bw 1\.29594e\+0 {2}lbm 1\.04155e\+0/);
  });
});
