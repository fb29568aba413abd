/**
 * Saving a registration into the archive records DICOM Instances Accessed (action C) in the base series' study,
 * read back from the real audit log. Data: the PET/CT phantom (both series share a frame of reference).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { saveRegistration } from '../../../../../electron/services/registration/saveRegistration';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { openTestAudit, outcomeDescription, type TestAudit } from '../../../../support/auditTrail';
import { writePetCtPhantom, type PetCtPhantom } from '../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

let dir: string;
let audit: TestAudit;
let store: EncryptedArchive;
let phantom: PetCtPhantom;

beforeAll(async () => {
  dir = await makeTempDir('dokuei-registration-audit-');
  audit = await openTestAudit(path.join(dir, 'data'));
  phantom = writePetCtPhantom(path.join(dir, 'phantom'), { ct: { rows: 8, columns: 8, slices: 2 }, pet: { rows: 8, columns: 8, slices: 2 } });
  store = await openTestArchive(path.join(dir, 'archive'));
  expect((await importPaths(store, [...phantom.ctFiles, ...phantom.petFiles])).failed).toEqual([]);
});
afterAll(async () => {
  await store.close();
  await audit.log.close();
  await removeDir(dir);
});

describe('saveRegistration audit', () => {
  it('records a saved registration as Instances Accessed (C) in the base study', async () => {
    const st = phantom.truth.studyInstanceUid;
    const identity = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ];
    await saveRegistration(
      store,
      { fixed: { studyInstanceUid: st, seriesInstanceUid: phantom.truth.ct.seriesInstanceUid }, moving: { studyInstanceUid: st, seriesInstanceUid: phantom.truth.pet.seriesInstanceUid }, matrix: identity },
      { audit: audit.sink },
    );
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110103', action: 'C', outcome: 0, patientIds: ['DOKUEI-PETCT-PHANTOM'], studyUids: [st] });
    expect(outcomeDescription(r!.xml)).toBe('Registration saved');
  });
});
