/**
 * DICOM Spatial Registration objects (issue #8): written with dcmjs, checked by dciodvfy (Debian dicom3tools: no
 * errors, warnings listed), read back to the same matrix (1e-6) from the bytes and from DICOM JSON, stored in the
 * local store and found again by study; and `dokuei register --save --save-file` on the MR pair (when
 * ../shared/data has it) into a fresh encrypted archive.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { seriesUid, sopUid, studyUid } from '../../../common/dicom/uid';
import { affineToMatrix4, rigidAffine, rotationFromEuler, type Matrix4 } from '../../../common/registration';
import { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { EnvKeyProvider } from '../../../electron/services/archive/keyProvider';
import { part10ToDicomJson } from '../../../electron/services/dicom/datasetJson';
import {
  readSpatialRegistration,
  SPATIAL_REGISTRATION_SOP_CLASS,
  writeSpatialRegistration,
  type RegistrationSeriesRef,
} from '../../../electron/services/registration/spatialRegistration';
import { importPaths } from '../../../electron/services/store/importPaths';
import { repoRoot, sharedDataDir } from '../../support/data';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { openTestArchive } from '../../support/testArchive';

const hasDciodvfy = spawnSync('dciodvfy', ['-'], { stdio: 'ignore' }).error === undefined;
const MR = '1.2.840.10008.5.1.4.1.1.4';

/** dciodvfy's verdict: its Error and Warning lines (it writes them to stderr and exits 0 either way). */
function dciodvfy(file: string): { errors: string[]; warnings: string[] } {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
  return { errors: lines.filter((l) => /^Error/.test(l)), warnings: lines.filter((l) => /^Warning/.test(l)) };
}

function expectMatrixClose(a: Matrix4, b: Matrix4, tol = 1e-6): void {
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(Math.abs(a[r]![c]! - b[r]![c]!), `[${r}][${c}] ${a[r]![c]} vs ${b[r]![c]}`).toBeLessThanOrEqual(tol);
}

const series = (root: string, n: number, extra: Partial<RegistrationSeriesRef> = {}): RegistrationSeriesRef => ({
  studyInstanceUid: `${root}.1`,
  seriesInstanceUid: `${root}.2`,
  frameOfReferenceUid: `${root}.3`,
  instances: Array.from({ length: n }, (_, i) => ({ sopClassUid: MR, sopInstanceUid: `${root}.4.${i + 1}` })),
  ...extra,
});

const deg = Math.PI / 180;
// An awkward rigid transform: every element uses most of the 16 characters a DS allows.
const MATRIX = affineToMatrix4(rigidAffine(rotationFromEuler(7.3 * deg, -4.1 * deg, 9.87 * deg), [12.5, -130.25, 44.125], [3.14159265, -8.7654321, 1.23456789]));
const FIXED = series('1.2.826.0.1.3680043.8.498.71', 5, {
  patientName: { Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' },
  patientId: 'REG-TEST-1',
  patientBirthDate: '19600101',
  patientSex: 'M',
  studyDate: '20240301',
  studyTime: '101500',
  studyId: 'S1',
  accessionNumber: 'ACC1',
});

let tmp: string;
beforeAll(async () => {
  tmp = await makeTempDir('dokuei-sro-');
});
afterAll(async () => {
  await removeDir(tmp);
});

describe('Spatial Registration object', () => {
  const cases: [string, RegistrationSeriesRef][] = [
    ['moving in another frame and another study', series('1.2.826.0.1.3680043.8.498.72', 3)],
    ['moving in the same study, another frame', series('1.2.826.0.1.3680043.8.498.73', 3, { studyInstanceUid: FIXED.studyInstanceUid })],
    ['moving in the fixed frame (named by its images)', series('1.2.826.0.1.3680043.8.498.74', 3, { studyInstanceUid: FIXED.studyInstanceUid, frameOfReferenceUid: FIXED.frameOfReferenceUid })],
  ];
  for (const [name, moving] of cases) {
    it(`${name}: dciodvfy reports no errors and it reads back to the same matrix`, async () => {
      const bytes = writeSpatialRegistration({ fixed: FIXED, moving, matrix: MATRIX, description: `T2 to T1 (${name})`, operator: 'Suzuki^Hanako' });
      const back = readSpatialRegistration(bytes);
      expectMatrixClose(back.matrix, MATRIX);
      expect(back.fixedFrameOfReferenceUid).toBe(FIXED.frameOfReferenceUid);
      expect(back.movingFrameOfReferenceUid).toBe(moving.frameOfReferenceUid);
      expect(back.matrixType).toBe('RIGID');
      expect(back.studyInstanceUid).toBe(FIXED.studyInstanceUid);
      expect(back.movingInstances).toEqual(moving.instances.map((i) => i.sopInstanceUid));
      // The same from its DICOM JSON.
      const json = part10ToDicomJson(bytes).dataset;
      expect(getString(json, Tag.SOPClassUID)).toBe(SPATIAL_REGISTRATION_SOP_CLASS);
      expect(getString(json, Tag.Modality)).toBe('REG');
      expectMatrixClose(readSpatialRegistration(json).matrix, MATRIX);

      if (!hasDciodvfy) {
        if (process.env.CI) throw new Error('dciodvfy (Debian dicom3tools) is not installed: .ci/run installs it');
        console.warn('dciodvfy not installed (apt-get install dicom3tools): validation skipped');
        return;
      }
      const file = path.join(tmp, `reg-${cases.findIndex((c) => c[0] === name)}.dcm`);
      await fs.writeFile(file, bytes);
      const v = dciodvfy(file);
      console.log(`dciodvfy (${name}): ${v.errors.length} errors, ${v.warnings.length} warnings${v.warnings.map((w) => `\n  ${w}`).join('')}`);
      expect(v.errors).toEqual([]);
    });
  }

  it('refuses a matrix that is not rigid, or not 4×4', () => {
    const scaled = MATRIX.map((row, r) => (r < 3 ? row.map((x, c) => (c < 3 ? x * 1.1 : x)) : row));
    expect(() => writeSpatialRegistration({ fixed: FIXED, moving: cases[0]![1], matrix: scaled, description: 'x' })).toThrow(/not rigid/);
    expect(() => writeSpatialRegistration({ fixed: FIXED, moving: cases[0]![1], matrix: MATRIX.slice(0, 3), description: 'x' })).toThrow(/4×4/);
    expect(() => readSpatialRegistration(new Uint8Array(10))).toThrow();
  });

  it('is stored in the local store and found again by study', async () => {
    const bytes = writeSpatialRegistration({ fixed: FIXED, moving: cases[0]![1], matrix: MATRIX, description: 'stored' });
    const file = path.join(tmp, 'to-import.dcm');
    await fs.writeFile(file, bytes);
    const store = await openTestArchive(path.join(tmp, 'store'));
    try {
      const outcome = await importPaths(store, [file]);
      expect(outcome).toMatchObject({ imported: 1, failed: [] });
      const study = studyUid(FIXED.studyInstanceUid);
      expect(store.hasStudy(study)).toBe(true);
      const reg = (store.series(study) ?? []).filter((s) => getString(s, Tag.Modality) === 'REG');
      expect(reg).toHaveLength(1);
      const se = seriesUid(getString(reg[0]!, Tag.SeriesInstanceUID));
      const inst = store.instances(study, se) ?? [];
      expect(inst.map((d) => getString(d, Tag.SOPClassUID))).toEqual([SPATIAL_REGISTRATION_SOP_CLASS]);
      // From the store's metadata (DICOM JSON) and from the stored bytes.
      const sop = sopUid(getString(inst[0]!, Tag.SOPInstanceUID));
      expectMatrixClose(readSpatialRegistration(store.instanceMetadata(study, se, sop)!).matrix, MATRIX);
      expectMatrixClose(readSpatialRegistration((await store.readInstance(study, se, sop))!).matrix, MATRIX);
    } finally {
      await store.close();
    }
  });
});

const mrDir = sharedDataDir('mr_brain_siemens_trio');

describe.skipIf(!mrDir)('dokuei register --save / --save-file (mr_brain_siemens_trio T2 → T1)', () => {
  it('stores the object in the archive (fixed study) and writes it to a file, both with the printed matrix', async () => {
    const archive = path.join(tmp, 'archive');
    const file = path.join(tmp, 'cli-reg.dcm');
    const key = randomBytes(32).toString('base64');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, 'bin', 'dokuei.mjs'), 'register', `${mrDir}#mocoMEMPRAGE`, `${mrDir}#AX FSE T2`, '--json', '--save', '--archive', archive, '--data-dir', tmp, '--save-file', file],
      { timeout: 150_000, env: { ...process.env, DOKUEI_ARCHIVE_KEY: key } },
    );
    const out = JSON.parse(stdout) as { matrix: Matrix4; saved: { sopInstanceUid: string; file: string; archive: string }; fixed: { seriesInstanceUid: string } };
    expect(out.saved).toMatchObject({ file, archive });
    const fromFile = readSpatialRegistration(await fs.readFile(file));
    expectMatrixClose(fromFile.matrix, out.matrix);
    expect(fromFile.sopInstanceUid).toBe(out.saved.sopInstanceUid);
    if (hasDciodvfy) {
      const v = dciodvfy(file);
      console.log(`dciodvfy (CLI, MR pair): ${v.errors.length} errors, ${v.warnings.length} warnings${v.warnings.map((w) => `\n  ${w}`).join('')}`);
      expect(v.errors).toEqual([]);
    }

    const store = await EncryptedArchive.open(archive, { keyProvider: new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: key }) });
    try {
      const study = studyUid(fromFile.studyInstanceUid);
      expect(store.hasStudy(study)).toBe(true);
      const reg = (store.series(study) ?? []).find((s) => getString(s, Tag.Modality) === 'REG');
      expect(reg).toBeDefined();
      const se = seriesUid(getString(reg!, Tag.SeriesInstanceUID));
      const bytes = await store.readInstance(study, se, sopUid(out.saved.sopInstanceUid));
      expect(bytes).toBeDefined();
      const back = readSpatialRegistration(bytes!);
      expectMatrixClose(back.matrix, out.matrix);
      // The T1 and the T2 of one session share a frame: the moving item names the T2's images.
      expect(back.movingInstances.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
    // The trail: the object saved into the archive (Instances Accessed, C) and the file written out (Export).
    const ls = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'bin', 'dokuei.mjs'), 'audit', 'ls', '--json', '--data-dir', tmp], {
      timeout: 60_000,
      env: { ...process.env, DOKUEI_ARCHIVE_KEY: key },
    });
    const trail = JSON.parse(ls.stdout) as { eventId: string; studyUids?: string[] }[];
    const exported = trail.filter((r) => r.eventId === '110106');
    expect(exported).toHaveLength(1);
    expect(exported[0]!.studyUids).toEqual([fromFile.studyInstanceUid]);
    expect(trail.some((r) => r.eventId === '110103' && r.studyUids?.includes(fromFile.studyInstanceUid))).toBe(true);
  }, 180_000);
});
