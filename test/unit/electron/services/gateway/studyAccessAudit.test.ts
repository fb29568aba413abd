/**
 * "Study opened in the viewer": the gateway records DICOM Instances Accessed (R) the first time a study's
 * metadata, frames or series are read, once per study for the gateway's life however many reads follow, with
 * the patient from the instance metadata. Searches and thumbnails are not an opening. Real archive, real log.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getString } from '../../../../../common/dicom/dicomJson';
import { studyUid } from '../../../../../common/dicom/uid';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { createGateway, type DataPlaneGateway } from '../../../../../electron/services/gateway/gateway';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { openTestAudit, type TestAudit } from '../../../../support/auditTrail';
import { writePetCtPhantom, type PetCtPhantom } from '../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

const BASE = 'http://127.0.0.1:9/dicomweb';
let dir: string;
let audit: TestAudit;
let archive: EncryptedArchive;
let gateway: DataPlaneGateway;
let phantom: PetCtPhantom;

beforeEach(async () => {
  dir = await makeTempDir('dokuei-access-audit-');
  audit = await openTestAudit(path.join(dir, 'data'));
  archive = await openTestArchive(path.join(dir, 'archive'));
  phantom = writePetCtPhantom(path.join(dir, 'phantom'), { ct: { rows: 8, columns: 8, slices: 3 }, pet: { rows: 8, columns: 8, slices: 2 } });
  expect((await importPaths(archive, [...phantom.ctFiles, ...phantom.petFiles])).failed).toEqual([]);
  gateway = createGateway({ store: archive, upstreams: [], basePath: '/dicomweb', audit: audit.sink });
});
afterEach(async () => {
  await gateway.close();
  await archive.close();
  await audit.log.close();
  await removeDir(dir);
});

const get = (p: string, accept?: string) => gateway(new Request(`${BASE}${p}`, { headers: accept ? { Accept: accept } : {} }));

describe('study opened (gateway)', () => {
  it('records the study once, with its patient, however many metadata, frame and series reads follow', async () => {
    const st = phantom.truth.studyInstanceUid;
    const ct = phantom.truth.ct.seriesInstanceUid;
    expect((await get(`/studies?PatientID=DOKUEI-PETCT-PHANTOM`)).status).toBe(200);
    expect(await audit.records()).toEqual([]); // a search is not an opening
    expect((await get(`/studies/${st}/series/${ct}/metadata`)).status).toBe(200);
    for (const md of archive.instances(studyUid(st))!.filter((m) => getString(m, '0020000E') === ct)) {
      const res = await get(`/studies/${st}/series/${ct}/instances/${getString(md, '00080018')}/frames/1`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const series = await get(`/studies/${st}/series/${phantom.truth.pet.seriesInstanceUid}`, 'multipart/related; type="application/dicom"');
    expect(series.status).toBe(200);
    await series.arrayBuffer();
    const records = await audit.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ eventId: '110103', action: 'R', outcome: 0, user: 'reader', patientIds: ['DOKUEI-PETCT-PHANTOM'], studyUids: [st] });
    expect(records[0]!.xml).toContain('ParticipantObjectName>PHANTOM NEMA IEC</ParticipantObjectName>');
  });

  it('does not record a read that fails (a study not here and no node)', async () => {
    expect((await get(`/studies/1.2.3/series/1.2.3.4/metadata`)).status).toBe(404);
    expect(await audit.records()).toEqual([]);
  });
});
