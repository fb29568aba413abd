/**
 * STOW-RS received by the gateway records DICOM Instances Transferred into the archive, read back from the
 * real audit log: the studies and patients stored with instances per SOP Class; a minor failure when some parts
 * were refused. A request that stored and refused nothing is not recorded.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeMultipart } from '../../../../../common/dicom/multipart';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { createGateway, type DataPlaneGateway } from '../../../../../electron/services/gateway/gateway';
import { openTestAudit, sopClassCounts, type TestAudit } from '../../../../support/auditTrail';
import { writePetCtPhantom, type PetCtPhantom } from '../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

const BOUNDARY = 'stow-audit-boundary';
let dir: string;
let audit: TestAudit;
let archive: EncryptedArchive;
let gateway: DataPlaneGateway;
let phantom: PetCtPhantom;

beforeEach(async () => {
  dir = await makeTempDir('dokuei-stow-audit-');
  audit = await openTestAudit(path.join(dir, 'data'));
  archive = await openTestArchive(path.join(dir, 'archive'));
  phantom = writePetCtPhantom(path.join(dir, 'phantom'), { ct: { rows: 8, columns: 8, slices: 2 }, pet: { rows: 8, columns: 8, slices: 1 } });
  gateway = createGateway({ store: archive, upstreams: [], basePath: '/dicomweb', storeThrough: false, audit: audit.sink });
});
afterEach(async () => {
  await gateway.close();
  await archive.close();
  await audit.log.close();
  await removeDir(dir);
});

const stow = (parts: Uint8Array[]) =>
  gateway(
    new Request('http://127.0.0.1:9/dicomweb/studies', {
      method: 'POST',
      headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` },
      body: encodeMultipart(parts.map((body) => ({ contentType: 'application/dicom', body })), BOUNDARY),
    }),
  );

describe('STOW-RS audit', () => {
  it('records what was stored as Instances Transferred into the archive', async () => {
    const res = await stow(phantom.ctFiles.map((f) => new Uint8Array(readFileSync(f))));
    expect(res.status).toBe(200);
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110104', action: 'C', outcome: 0, patientIds: ['DOKUEI-PETCT-PHANTOM'], studyUids: [phantom.truth.studyInstanceUid] });
    expect(sopClassCounts(r!.xml)).toEqual(['1.2.840.10008.5.1.4.1.1.2=2']);
  });

  it('records a minor failure when some parts were refused', async () => {
    const res = await stow([new Uint8Array(readFileSync(phantom.petFiles[0]!)), new Uint8Array([1, 2, 3, 4])]);
    expect(res.status).toBe(202);
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110104', outcome: 4, studyUids: [phantom.truth.studyInstanceUid] });
  });
});
