/**
 * Sending to a DIMSE node with C-STORE (dcmjs-dimse) against dcmtk's dcmqrscp: a real CT slice and a Spatial
 * Registration object from the local store arrive in its storage area (read back from the files it wrote: the same
 * SOP instances, the CT's pixels byte for byte, the registration's matrix), an instance that is not local is
 * reported as not sent, and a node that does not answer fails the send as a whole with 'unreachable'.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { DimsePacsNode } from '../../../electron/services/pacs/dimse/dimsePacsNode';
import { canSendTo, describeSend, sendInstances } from '../../../electron/services/pacs/sendInstances';
import { readSpatialRegistration, writeSpatialRegistration } from '../../../electron/services/registration/spatialRegistration';
import { demoCtDir, dicomFilesIn } from '../../support/data';
import { startDcmqrscp, type DcmqrscpInstance } from '../../support/dcmqrscp';
import { readDicomFile, type DicomFileInfo } from '../../support/dicomFiles';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { openTestArchive } from '../../support/testArchive';
import { pacsErrorOf } from '../dicomweb/helpers';
import { nodeSettings, pixelDataOf } from '../dimse/fixtures';

const MATRIX = [[1, 0, 0, 5], [0, 1, 0, -3], [0, 0, 1, 2], [0, 0, 0, 1]];

/** Every file dcmqrscp stored, by SOP Instance UID (read with dicom-parser, independent of our code). */
async function storedFiles(root: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const walk = async (dir: string) => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const bytes = new Uint8Array(await fs.readFile(p));
        try {
          const sop = dicomParser.parseDicom(bytes).string('x00080018');
          if (sop) out.set(sop.trim(), bytes);
        } catch {
          // dcmqrscp's index file and the config are not DICOM.
        }
      }
    }
  };
  await walk(root);
  return out;
}

describe('C-STORE sending to dcmtk dcmqrscp', () => {
  let dcmqr: DcmqrscpInstance | undefined;
  let node: DimsePacsNode;
  let store: EncryptedArchive;
  let ct: DicomFileInfo;
  let regSop = '';
  const dirs: string[] = [];

  beforeAll(async () => {
    const root = await makeTempDir('dokuei-cstore-store-');
    dirs.push(root);
    store = await openTestArchive(root);
    ct = await readDicomFile(dicomFilesIn(demoCtDir())[0]!);
    await store.put(new Uint8Array(await fs.readFile(ct.path)));
    const ref = { studyInstanceUid: ct.study, seriesInstanceUid: ct.series, frameOfReferenceUid: '1.2.3.4.5', instances: [{ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: ct.sop }], patientId: 'CSTORE1' };
    const moving = { ...ref, seriesInstanceUid: '1.2.3.4.6', frameOfReferenceUid: '1.2.3.4.7', instances: [] };
    regSop = (await store.put(writeSpatialRegistration({ fixed: ref, moving, matrix: MATRIX, description: 'c-store test' }))).instance;
    dcmqr = await startDcmqrscp({ aet: 'DCMQR' });
    node = new DimsePacsNode(nodeSettings({ id: 'dcmqr', name: 'OldPACS', port: dcmqr.port, calledAeTitle: 'DCMQR' }), { localScp: { aeTitle: 'DOKUEI', port: 0 } });
  }, 120_000);

  afterAll(async () => {
    await node?.close();
    await dcmqr?.stop();
    await store?.close();
    for (const d of dirs) await removeDir(d);
  }, 60_000);

  it('sends a CT slice and a Spatial Registration object; both arrive intact', async () => {
    expect(canSendTo(node)).toBe(true);
    expect((await storedFiles(dcmqr!.dir)).size).toBe(0);
    const missing = '1.2.3.999.1';
    const result = await sendInstances(node, store, { studyInstanceUid: ct.study, sopInstanceUids: [ct.sop, regSop, missing] });
    expect(result.sent).toEqual([ct.sop, regSop]);
    expect(result.failed).toEqual([{ sopInstanceUid: missing, reason: `not in the local archive (study ${ct.study})` }]);
    expect(describeSend(result)).toMatch(/^OldPACS stored 2 of 3 instances; not stored: 1\.2\.3\.999\.1: not in the local archive/);

    const stored = await storedFiles(dcmqr!.dir);
    expect([...stored.keys()].sort()).toEqual([ct.sop, regSop].sort());
    expect(Buffer.from(pixelDataOf(stored.get(ct.sop)!)).equals(Buffer.from(pixelDataOf(new Uint8Array(await fs.readFile(ct.path)))))).toBe(true);
    expect(readSpatialRegistration(stored.get(regSop)!).matrix).toEqual(MATRIX);
  });

  it('a node that does not answer fails the send as a whole', async () => {
    const down = new DimsePacsNode(nodeSettings({ id: 'down', name: 'DownPACS', port: 9, calledAeTitle: 'DOWN', connectTimeoutMs: 2000 }), { localScp: { aeTitle: 'DOKUEI', port: 0 } });
    try {
      const err = await pacsErrorOf(sendInstances(down, store, { studyInstanceUid: ct.study, sopInstanceUids: [ct.sop] }));
      expect(err.kind).toBe('unreachable');
      expect(err.message).toMatch(/DownPACS/);
    } finally {
      await down.close();
    }
  });
});
