/**
 * The archive's own audit records, read back from the real audit log: pin and unpin (Instances Accessed, U),
 * a study evicted by the user or by the quota (Study Deleted), and an instance file that fails authentication
 * (Security Alert), and damage in the index journal found at open (Security Alert). Data: the PET/CT phantom,
 * one study per import (UIDs rewritten for the second).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getString } from '../../../../../common/dicom/dicomJson';
import { seriesUid, sopUid, studyUid } from '../../../../../common/dicom/uid';
import { ArchiveCorruptError, type EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { listFilesRecursively } from '../../../../../electron/services/store/listFiles';
import { openTestAudit, outcomeDescription, type TestAudit } from '../../../../support/auditTrail';
import { writePetCtPhantom, type PetCtPhantom } from '../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { flipJournalByte } from '../../../../support/journalFrames';
import { openTestArchive } from '../../../../support/testArchive';

const PATIENT = 'DOKUEI-PETCT-PHANTOM';
let dir: string;
let audit: TestAudit;
let archive: EncryptedArchive;
let phantom: PetCtPhantom;

beforeEach(async () => {
  dir = await makeTempDir('dokuei-archive-audit-');
  audit = await openTestAudit(path.join(dir, 'data'));
  phantom = writePetCtPhantom(path.join(dir, 'phantom'), { ct: { rows: 8, columns: 8, slices: 2 }, pet: { rows: 8, columns: 8, slices: 2 } });
  archive = await openTestArchive(path.join(dir, 'archive'), { audit: audit.sink });
  expect((await importPaths(archive, [...phantom.ctFiles, ...phantom.petFiles])).failed).toEqual([]);
});
afterEach(async () => {
  await archive.close();
  await audit.log.close();
  await removeDir(dir);
});

const study = () => phantom.truth.studyInstanceUid;

describe('archive audit records', () => {
  it('records a pin and an unpin as Instances Accessed (U) naming the patient and study', async () => {
    await archive.pin(study());
    await archive.unpin(study());
    const records = await audit.records();
    expect(records.map((r) => [r.eventId, r.action, r.outcome])).toEqual([
      ['110103', 'U', 0],
      ['110103', 'U', 0],
    ]);
    expect(records[0]).toMatchObject({ patientIds: [PATIENT], studyUids: [study()] });
    expect(outcomeDescription(records[0]!.xml)).toMatch(/^Pinned/);
    expect(outcomeDescription(records[1]!.xml)).toMatch(/^Unpinned/);
  });

  it('records a pin of a study not here yet without inventing a patient', async () => {
    await archive.pin('1.2.3.4.5');
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110103', action: 'U', studyUids: ['1.2.3.4.5'] });
    expect(r!.patientIds).toBeUndefined();
  });

  it('records a study evicted by the user as Study Deleted', async () => {
    await archive.evict(study());
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110105', action: 'D', outcome: 0, patientIds: [PATIENT], studyUids: [study()] });
    expect(outcomeDescription(r!.xml)).toBe('Deleted by the user');
  });

  it('records a study evicted to stay within the quota as Study Deleted (eviction)', async () => {
    await archive.setQuota(1000); // far below one instance: the study goes
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110105', action: 'D', patientIds: [PATIENT], studyUids: [study()] });
    expect(outcomeDescription(r!.xml)).toBe('Evicted to stay within the archive quota');
  });

  it('records a Security Alert when an instance file fails authentication on read', async () => {
    const md = archive.instances(studyUid(study()))![0]!;
    const se = seriesUid(getString(md, '0020000E')!);
    const sop = sopUid(getString(md, '00080018')!);
    // Flip one byte in every instance file: whichever is this instance's, it no longer authenticates.
    for (const f of await listFilesRecursively(path.join(dir, 'archive', 'objects'))) {
      const bytes = await fs.readFile(f);
      bytes[bytes.length - 1]! ^= 0xff;
      await fs.writeFile(f, bytes);
    }
    await expect(archive.readInstance(studyUid(study()), se, sop)).rejects.toBeInstanceOf(ArchiveCorruptError);
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110113', eventType: 'Use of Restricted Function', outcome: 8 });
    expect(r!.xml).toContain(`file://${path.join(dir, 'archive', 'objects')}`);
    const detail = /type="Alert Description" value="([^"]+)"/.exec(r!.xml)?.[1] ?? '';
    expect(Buffer.from(detail, 'base64').toString('utf8')).toContain(`Archived instance ${sop} is corrupt`);
  });

  it('records a Security Alert naming the damaged journal frame when the archive opens', async () => {
    await archive.pin(study());
    await archive.close();
    await flipJournalByte(path.join(dir, 'archive'), 2);
    archive = await openTestArchive(path.join(dir, 'archive'), { audit: audit.sink });
    expect(archive.isPinned(study())).toBe(true);
    const alerts = (await audit.records()).filter((r) => r.eventId === '110113');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ eventType: 'Use of Restricted Function', outcome: 8 });
    expect(alerts[0]!.xml).toContain(`file://${path.join(dir, 'archive', 'index.journal')}`);
    const detail = /type="Alert Description" value="([^"]+)"/.exec(alerts[0]!.xml)?.[1] ?? '';
    expect(Buffer.from(detail, 'base64').toString('utf8')).toMatch(/^The archive index journal is damaged at frame 2 \(byte \d+, \d+ bytes\): it fails authentication/);
  });
});
