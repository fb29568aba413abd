/**
 * `dokuei suv` as a user runs it: real process, real Part 10 files (a small PET written here with dcmjs, and the
 * QIN-HEADNECK PET of ../shared when present), JSON parsed back.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedDataDir } from '../../../support/data';
import { makeTempDir, removeDir } from '../../../support/tempDir';
import { testArchiveEnv } from '../../../support/testArchive';

const run = promisify(execFile);
const auditDataDir = mkdtempSync(path.join(os.tmpdir(), 'dokuei-suv-data-'));
afterAll(() => removeDir(auditDataDir));
const bin = path.join(repoRoot, 'bin', 'dokuei.mjs');

async function dokuei(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // `suv` records what it read in the data folder's audit log: a temp one, never the user's.
    const env = { ...process.env, ...testArchiveEnv, DOKUEI_DATA_DIR: auditDataDir };
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 120000, maxBuffer: 64 << 20, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface DcmjsData {
  DicomDict: new (meta: unknown) => { dict: unknown; write(): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(ds: unknown): unknown };
}
const { DicomDict, DicomMetaDictionary } = (dcmjs as unknown as { data: DcmjsData }).data;

/**
 * A 2×2 PET slice: 70 kg, 1.70 m, F; 350 MBq of F-18 (6586.2 s) at 09:00:00, series and acquisition 10:00:00,
 * BQML, START, ATTN + DECY, slope 0.5.
 */
function writeSmallPet(file: string, sop: string, patch: Record<string, unknown> = {}): void {
  const ds = {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.128',
    SOPInstanceUID: sop,
    StudyInstanceUID: '2.25.7001',
    SeriesInstanceUID: '2.25.7002',
    Modality: 'PT',
    PatientName: 'SUV^CLI',
    PatientID: 'SUV-CLI',
    PatientSex: 'F',
    PatientSize: 1.7,
    PatientWeight: 70,
    SeriesDate: '20240115',
    SeriesTime: '100000',
    AcquisitionDate: '20240115',
    AcquisitionTime: '100000',
    Units: 'BQML',
    DecayCorrection: 'START',
    CorrectedImage: ['ATTN', 'DECY', 'SCAT'],
    ActualFrameDuration: 180000,
    FrameReferenceTime: 0,
    RescaleSlope: 0.5,
    RescaleIntercept: 0,
    RadiopharmaceuticalInformationSequence: [
      { RadiopharmaceuticalStartTime: '090000', RadionuclideTotalDose: 350000000, RadionuclideHalfLife: 6586.2 },
    ],
    Rows: 2,
    Columns: 2,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    PixelData: new Uint16Array([0, 100, 200, 300]).buffer,
    ...patch,
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID,
    MediaStorageSOPInstanceUID: sop,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: '2.25.7000',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  writeFileSync(file, new Uint8Array(dict.write()));
}

interface Line {
  file: string;
  sopInstanceUID: string;
  units: string;
  factors: Record<string, number | null>;
  reasons: Record<string, string>;
  warnings: string[];
  inputs: { name: string; value: unknown; source: string }[];
  error?: string;
}

describe('dokuei suv', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('dokuei-suv-');
    writeSmallPet(path.join(dir, 'a.dcm'), '2.25.7003');
    writeSmallPet(path.join(dir, 'b.dcm'), '2.25.7004', { Units: 'PROPCNTS' });
    writeFileSync(path.join(dir, 'README.txt'), 'not DICOM');
  });
  afterAll(() => removeDir(dir));

  it('prints one object per instance of a folder, with factors, reasons and warnings', async () => {
    const { code, stdout, stderr } = await dokuei(['suv', '--json', dir]);
    expect(code).toBe(0);
    expect(stderr).toContain('Skipped 1 file(s)');
    const lines = JSON.parse(stdout) as Line[];
    expect(lines.map((l) => path.basename(l.file))).toEqual(['a.dcm', 'b.dcm']);
    const [a, b] = lines;
    // 350e6 · 2^(−3600/6586.2) = 239.6215e6 Bq at 10:00 → bw 70000/239.6215e6 = 2.921273e-4;
    // lbm (F) 1.07·70 − 148·(70/170)² = 49.8066 kg → 2.078552e-4
    expect(a).toMatchObject({ sopInstanceUID: '2.25.7003', units: 'BQML', reasons: {}, warnings: [] });
    expect(a!.factors.bw).toBeCloseTo(2.9212734924e-4, 12);
    expect(a!.factors.lbm).toBeCloseTo(2.0785517933e-4, 12);
    expect(Object.keys(a!.factors)).toEqual(['bw', 'lbm', 'lbmJames128', 'lbmJanma', 'bsa', 'ibw']);
    expect(b!.factors.bw).toBeNull();
    expect(b!.reasons.bw).toMatch(/Units PROPCNTS/);
  });

  it('applies the overrides and says so in the inputs', async () => {
    const { code, stdout } = await dokuei(['suv', path.join(dir, 'a.dcm'), '--json', '--weight', '80', '--height', '180', '--sex', 'M', '--dose', '400e6', '--injection', '2024-01-15T08:30:00', '--half-life', '5400']);
    expect(code).toBe(0);
    const [a] = JSON.parse(stdout) as Line[];
    // 400e6 at 08:30, one half-life (5400 s) to 10:00 → 200e6; bw 80000/200e6 = 4.0e-4; ibw (M) 77.68 kg → 3.884e-4
    expect(a!.factors.bw).toBeCloseTo(4.0e-4, 14);
    expect(a!.factors.ibw).toBeCloseTo(3.884e-4, 14);
    expect(a!.inputs.filter((i) => i.source === 'override')).toHaveLength(6);
  });

  it('explains bad options and unreadable files', async () => {
    expect((await dokuei(['suv'])).stderr).toContain('suv needs at least one FILE or DIR');
    const bad = await dokuei(['suv', path.join(dir, 'a.dcm'), '--sex', 'X']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sex is M, F or O');
    expect((await dokuei(['suv', '--injection', 'noon', path.join(dir, 'a.dcm')])).code).toBe(2);
    const missing = await dokuei(['suv', '--json', path.join(dir, 'README.txt'), '/no/such.dcm']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual([
      { file: path.join(dir, 'README.txt'), error: expect.stringContaining('DICM') },
      { file: '/no/such.dcm', error: 'No such file' },
    ]);
  });

  it('prints a readable line per instance without --json', async () => {
    const { stdout } = await dokuei(['suv', path.join(dir, 'a.dcm'), '--height', '0.5']);
    expect(stdout).toMatch(/a\.dcm: BQML {2}bw 2\.92127e-4 {2}lbm/);
    expect(stdout).toContain('note: height 0.5 can only be metres: taken as 50 cm');
  });

  const qin = sharedDataDir('pet_qin_headneck_0024');
  it.skipIf(!qin)('the QIN-HEADNECK PET: every slice, SUVbw by hand, and the weight override 66.2 → 70', async () => {
    const { code, stdout } = await dokuei(['suv', '--json', path.join(qin!, 'PET')]);
    expect(code).toBe(0);
    const lines = JSON.parse(stdout) as Line[];
    expect(lines).toHaveLength(299);
    // Series 13:02:44.678 is the earliest acquisition; injection 11:39:00 on the series date: 5024.678 s.
    // 381470000 · 2^(−5024.678/6586.2) = 224.8021e6 Bq → bw = 66200/224.8021e6 = 2.944804e-4. No height: the others null.
    for (const l of lines) {
      expect(l.factors.bw).toBeCloseTo(2.944804047e-4, 12);
      expect(l.factors.lbm).toBeNull();
      expect(l.reasons.bsa).toMatch(/no patient height/);
    }
    const heavier = JSON.parse((await dokuei(['suv', '--json', '--weight', '70', path.join(qin!, 'PET', '000000.dcm')])).stdout) as Line[];
    expect(heavier[0]!.factors.bw! / lines[0]!.factors.bw!).toBeCloseTo(70 / 66.2, 12);
  });
});
