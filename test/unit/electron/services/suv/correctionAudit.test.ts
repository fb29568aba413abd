/**
 * An accepted SUV correction records DICOM Instances Accessed, read back from the real audit log: action C for a
 * series' first correction, U after, with the patient and study, and what was corrected and why. A refused
 * correction records nothing. Data: the PET/CT phantom's PET series in an encrypted archive.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { suvCorrectionRecorder } from '../../../../../electron/services/suv/correctionAudit';
import { SuvCorrectionError, SuvCorrections } from '../../../../../electron/services/suv/corrections';
import { openTestAudit, outcomeDescription, type TestAudit } from '../../../../support/auditTrail';
import { writePetCtPhantom, type PetCtPhantom } from '../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive, testKeyProvider } from '../../../../support/testArchive';

let dir: string;
let audit: TestAudit;
let store: EncryptedArchive;
let phantom: PetCtPhantom;

beforeAll(async () => {
  dir = await makeTempDir('dokuei-suv-audit-');
  audit = await openTestAudit(path.join(dir, 'data'));
  phantom = writePetCtPhantom(path.join(dir, 'phantom'), { weightKg: 66.2, ct: { rows: 8, columns: 8, slices: 1 }, pet: { rows: 8, columns: 8, slices: 2 } });
  store = await openTestArchive(path.join(dir, 'archive'));
  expect((await importPaths(store, phantom.petFiles)).failed).toEqual([]);
});
afterAll(async () => {
  await store.close();
  await audit.log.close();
  await removeDir(dir);
});

describe('SUV correction audit', () => {
  it('records the first correction of a series as C and the next as U, naming patient, study and field', async () => {
    const c = new SuvCorrections({ dataDir: path.join(dir, 'data'), store, keyProvider: testKeyProvider(), user: 'dr.a', onCorrection: suvCorrectionRecorder(audit.sink) });
    const req = { studyInstanceUid: phantom.truth.studyInstanceUid, seriesInstanceUid: phantom.truth.pet.seriesInstanceUid };
    await c.save({ ...req, field: 'weight', value: 70, reason: 'Weighed again' });
    await c.save({ ...req, field: 'height', value: 172, reason: 'From the chart' });
    await expect(c.save({ ...req, field: 'weight', value: -1, reason: 'typo' })).rejects.toBeInstanceOf(SuvCorrectionError);
    const records = (await audit.records()).filter((r) => r.eventId === '110103');
    expect(records.map((r) => r.action)).toEqual(['C', 'U']);
    expect(records[0]).toMatchObject({ outcome: 0, patientIds: ['DOKUEI-PETCT-PHANTOM'], studyUids: [phantom.truth.studyInstanceUid] });
    expect(outcomeDescription(records[0]!.xml)).toContain('weight');
    expect(outcomeDescription(records[1]!.xml)).toContain('height');
  });
});
