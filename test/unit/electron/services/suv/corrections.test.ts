/**
 * SUV corrections (issue #7 "Recalculation"): persisted per series with provenance (encrypted, issue #15), reloaded
 * by a new instance, one history line per correction, an RWVM instance in the store per save, and refusals that
 * change nothing. The storage itself (encryption, crashes, tampering, migration) is in correctionsStore.test.ts.
 * Data: a small PET/CT phantom (PET weight 66.2 kg) imported into an encrypted archive (test key).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getString } from '../../../../../common/dicom/dicomJson';
import { computeSeriesSuv } from '../../../../../common/suv';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { SuvCorrectionError, SuvCorrections, SuvSeriesNotFoundError } from '../../../../../electron/services/suv/corrections';
import { RWVM_SOP_CLASS_UID } from '../../../../../electron/services/suv/rwvm';
import { writePetCtPhantom, type PetCtPhantomTruth } from '../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive, testKeyProvider } from '../../../../support/testArchive';
import type { SeriesInstanceUid, StudyInstanceUid } from '../../../../../common/dicom/uid';

let dir: string;
let store: EncryptedArchive;
let truth: PetCtPhantomTruth;

beforeAll(async () => {
  dir = await makeTempDir('suv-corrections');
  const phantom = writePetCtPhantom(path.join(dir, 'phantom'), {
    weightKg: 66.2,
    ct: { rows: 16, columns: 16, slices: 2 },
    pet: { rows: 16, columns: 16, slices: 3 },
  });
  truth = phantom.truth;
  store = await openTestArchive(path.join(dir, 'store'));
  const result = await importPaths(store, phantom.petFiles);
  expect(result.failed).toEqual([]);
});

afterAll(async () => {
  await store?.close();
  await removeDir(dir);
});

const study = () => truth.studyInstanceUid;
const series = () => truth.pet.seriesInstanceUid;
const petInstances = () => store.instances(study() as StudyInstanceUid, series() as SeriesInstanceUid)!;

describe('SuvCorrections', () => {
  it('has nothing for a series never corrected', async () => {
    const c = new SuvCorrections({ dataDir: path.join(dir, 'data-empty'), store, keyProvider: testKeyProvider(), user: 'dr.a' });
    expect(await c.get(series())).toEqual({ seriesInstanceUid: series(), corrections: [], overrides: {} });
  });

  it('saves a weight correction with provenance, records it in the history, writes the RWVM and reloads it', async () => {
    const dataDir = path.join(dir, 'data');
    const now = new Date('2026-03-01T10:20:30.000Z');
    const c = new SuvCorrections({ dataDir, store, keyProvider: testKeyProvider(), user: 'dr.a', now: () => now });
    const before = computeSeriesSuv(petInstances())[0]!.factors.bw!;
    const saved = await c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field: 'weight', value: 70, reason: 'Weighed again before the scan' });
    expect(saved.corrections).toEqual([{ field: 'weight', oldValue: 66.2, newValue: 70, user: 'dr.a', time: now.toISOString(), reason: 'Weighed again before the scan' }]);
    expect(saved.overrides).toEqual({ weightKg: 70 });
    // The factor scales by exactly 70 / 66.2 (SUVbw ∝ W).
    const after = computeSeriesSuv(petInstances(), saved.overrides)[0]!.factors.bw!;
    expect(after / before).toBeCloseTo(70 / 66.2, 12);

    // Reopened (a new process): the same corrections.
    const again = new SuvCorrections({ dataDir, store, keyProvider: testKeyProvider(), user: 'someone else' });
    expect(await again.get(series())).toEqual({ seriesInstanceUid: series(), corrections: saved.corrections, overrides: { weightKg: 70 } });

    // The history has the line (read back through a new instance: it is on disk).
    const lines = await again.history();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ kind: 'suv-correction', seriesInstanceUid: series(), field: 'weight', oldValue: 66.2, newValue: 70, user: 'dr.a', reason: 'Weighed again before the scan', rwvmSopInstanceUid: saved.rwvmSopInstanceUid });

    // The RWVM instance is in the study, in its own series, referencing the PET.
    expect(saved.rwvmSopInstanceUid).toMatch(/^2\.25\.\d+$/);
    const rwvmSeries = store.series(study() as StudyInstanceUid)!.find((s) => getString(s, '0020000E') !== series() && getString(s, '00080060') === 'RWV');
    expect(rwvmSeries).toBeDefined();
    const rwvm = store.instances(study() as StudyInstanceUid, getString(rwvmSeries!, '0020000E') as SeriesInstanceUid)!;
    expect(rwvm.map((ds) => getString(ds, '00080018'))).toEqual([saved.rwvmSopInstanceUid]);
    expect(getString(rwvm[0]!, '00080016')).toBe(RWVM_SOP_CLASS_UID);

    // A second correction: old value is the corrected 70; same RWVM series, a new instance; two audit lines.
    const second = await c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field: 'weight', value: '71.5', reason: 'Typo' });
    expect(second.corrections[1]).toMatchObject({ field: 'weight', oldValue: 70, newValue: 71.5 });
    expect(second.overrides).toEqual({ weightKg: 71.5 });
    expect(store.instances(study() as StudyInstanceUid, getString(rwvmSeries!, '0020000E') as SeriesInstanceUid)).toHaveLength(2);
    expect(await c.history(series())).toHaveLength(2);
    // One encrypted file, its wrapped key and the key's (empty) temp folder: no temp file left behind by the
    // crash-safe write, no plaintext file per series.
    expect(readdirSync(path.join(dataDir, 'suv')).sort()).toEqual(['corrections.enc', 'key.json', 'tmp']);
    expect(existsSync(path.join(dataDir, 'suv', 'corrections'))).toBe(false);
  });

  it('saves the other inputs in their units', async () => {
    const c = new SuvCorrections({ dataDir: path.join(dir, 'data-other'), store, keyProvider: testKeyProvider(), user: 'dr.b' });
    await c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field: 'sex', value: 'f', reason: 'Wrong sex at the scanner' });
    await c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field: 'dose', value: 3.5e8, reason: 'Dose from the hot lab' });
    await c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field: 'height', value: 168, reason: 'Measured' });
    await c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field: 'halfLife', value: 6586.2, reason: 'F-18' });
    const last = await c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field: 'injectionDateTime', value: '2024-03-01T08:55:00', reason: 'Hot lab log' });
    expect(last.overrides).toEqual({ sex: 'F', doseBq: 3.5e8, heightCm: 168, halfLifeS: 6586.2, injectionDateTime: '2024-03-01T08:55:00' });
  });

  it('refuses weight ≤ 0, an unknown field, an empty reason, a bad date and an unknown series — and saves nothing', async () => {
    const dataDir = path.join(dir, 'data-refused');
    const c = new SuvCorrections({ dataDir, store, keyProvider: testKeyProvider(), user: 'dr.c' });
    const base = { studyInstanceUid: study(), seriesInstanceUid: series(), reason: 'because' };
    await expect(c.save({ ...base, field: 'weight', value: 0 })).rejects.toThrow(SuvCorrectionError);
    await expect(c.save({ ...base, field: 'weight', value: -3 })).rejects.toThrow(/more than 0/);
    await expect(c.save({ ...base, field: 'weight', value: 'heavy' })).rejects.toThrow(/number/);
    await expect(c.save({ ...base, field: 'shoeSize', value: 42 })).rejects.toThrow(/not an SUV input/);
    await expect(c.save({ ...base, field: 'weight', value: 70, reason: '  ' })).rejects.toThrow(/reason/);
    await expect(c.save({ ...base, field: 'injectionDateTime', value: 'yesterday' })).rejects.toThrow(/date-time/);
    await expect(c.save({ ...base, field: 'sex', value: 'X' })).rejects.toThrow(/M, F or O/);
    await expect(c.save({ ...base, seriesInstanceUid: '1.2.3.999', field: 'weight', value: 70 })).rejects.toThrow(SuvSeriesNotFoundError);
    await expect(c.get('../etc')).rejects.toThrow(SuvCorrectionError);
    expect(await c.get(series())).toEqual({ seriesInstanceUid: series(), corrections: [], overrides: {} });
    expect(await c.history()).toEqual([]);
    expect(existsSync(c.file)).toBe(false);
  });
});
