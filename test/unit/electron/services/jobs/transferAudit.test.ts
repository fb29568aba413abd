/**
 * Retrieve jobs record DICOM Instances Transferred when they finish, read back from the real audit log: the
 * source node, the local archive as destination, patient, study, instances per SOP Class, and the outcome
 * (success; minor failure when some instances failed). A prefetch job (what the Prefetcher queues) is recorded
 * the same way. The node is an in-process double streaming real Part 10 files into a real archive.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetrieveJobs } from '../../../../../electron/services/jobs/retrieveJobs';
import { PacsError, type PacsNode } from '../../../../../electron/services/pacs/pacsNode';
import { NodeSettings } from '../../../../../electron/services/settings/settings';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { openTestAudit, participantsWithRole, sopClassCounts, type TestAudit } from '../../../../support/auditTrail';
import { writePetCtPhantom, type PetCtPhantom } from '../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const PET_IMAGE = '1.2.840.10008.5.1.4.1.1.128';

/** A node holding the phantom's files; `broken` instances reach the sink as bytes the archive cannot store. */
function fileNode(files: string[], study: string, broken = 0): PacsNode {
  const settings = NodeSettings.parse({ id: 'onsite', name: 'Onsite PACS', kind: 'dicomweb', url: 'http://pacs.example/dicom-web' });
  return {
    settings,
    echo: async () => 1,
    find: async () => [{ '0020000D': { vr: 'UI', Value: [study] } }],
    async retrieve(request, sink) {
      if (request.studyInstanceUid !== study) throw new PacsError('not-found', 'onsite', 'not here');
      let completed = 0;
      let failed = 0;
      const all = [...files.map((f) => new Uint8Array(readFileSync(f))), ...Array.from({ length: broken }, () => new Uint8Array([1, 2, 3]))];
      for (const bytes of all) {
        try {
          await sink(bytes);
          completed++;
        } catch {
          failed++;
        }
      }
      return { completed, failed, total: all.length, bytes: 0 };
    },
  };
}

let dir: string;
let audit: TestAudit;
let archive: EncryptedArchive;
let phantom: PetCtPhantom;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-transfer-audit-');
  audit = await openTestAudit(path.join(dir, 'data'));
  archive = await openTestArchive(path.join(dir, 'archive'));
  phantom = writePetCtPhantom(path.join(dir, 'phantom'), { ct: { rows: 8, columns: 8, slices: 2 }, pet: { rows: 8, columns: 8, slices: 3 } });
});
afterEach(async () => {
  await archive.close();
  await audit.log.close();
  await removeDir(dir);
});

async function retrieve(node: PacsNode, priority: 'reader' | 'prefetch' = 'reader') {
  const jobs = new RetrieveJobs({ nodes: () => [node], store: archive, audit: audit.sink });
  const job = await jobs.start({ studyInstanceUid: phantom.truth.studyInstanceUid, priority });
  return jobs.wait(job.jobId);
}

describe('retrieve audit', () => {
  it('records a finished retrieve as Instances Transferred from the node into the archive', async () => {
    const final = await retrieve(fileNode([...phantom.ctFiles, ...phantom.petFiles], phantom.truth.studyInstanceUid));
    expect(final).toMatchObject({ state: 'done', completed: 5, failed: 0 });
    const records = await audit.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ eventId: '110104', action: 'C', outcome: 0, patientIds: ['DOKUEI-PETCT-PHANTOM'], studyUids: [phantom.truth.studyInstanceUid] });
    expect(participantsWithRole(records[0]!.xml, '110153')).toEqual(['Onsite PACS']); // source
    expect(participantsWithRole(records[0]!.xml, '110152')).toEqual(['dokuei@test']); // destination: the local archive
    expect(sopClassCounts(records[0]!.xml).sort()).toEqual([`${CT_IMAGE}=2`, `${PET_IMAGE}=3`].sort());
  });

  it('records a retrieve where some instances failed as a minor failure, counting what came', async () => {
    const final = await retrieve(fileNode(phantom.petFiles, phantom.truth.studyInstanceUid, 2));
    expect(final).toMatchObject({ state: 'done', completed: 3, failed: 2 });
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110104', outcome: 4, patientIds: ['DOKUEI-PETCT-PHANTOM'] });
    expect(sopClassCounts(r!.xml)).toEqual([`${PET_IMAGE}=3`]);
  });

  it('records a prefetch job (background priority) the same way', async () => {
    await retrieve(fileNode(phantom.ctFiles, phantom.truth.studyInstanceUid), 'prefetch');
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110104', action: 'C', outcome: 0, studyUids: [phantom.truth.studyInstanceUid] });
  });
});
