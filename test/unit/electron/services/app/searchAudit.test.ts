/**
 * The federated searches of the UI (the handlers `studies.search` and `studies.series`, which `dokuei query` also
 * calls) record one Query per place asked, read back from the real audit log: the keys as sent (base64 in
 * ParticipantObjectQuery), the node as destination, and a failure outcome for a node that did not answer.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../../../electron/services/app/handlers';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { RetrieveJobs } from '../../../../../electron/services/jobs/retrieveJobs';
import { NodeHealth } from '../../../../../electron/services/pacs/nodeHealth';
import { PacsError, type PacsNode } from '../../../../../electron/services/pacs/pacsNode';
import { NodeSettings } from '../../../../../electron/services/settings/settings';
import { openTestAudit, participantsWithRole, queryOf, type TestAudit } from '../../../../support/auditTrail';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';
import { fakeNode } from '../jobs/fakes';

const ctx = { windowId: 'test', emit: () => {} };
let dir: string;
let audit: TestAudit;
let archive: EncryptedArchive;

beforeEach(async () => {
  dir = await makeTempDir('dokuei-search-audit-');
  audit = await openTestAudit(path.join(dir, 'data'));
  archive = await openTestArchive(path.join(dir, 'archive'));
});
afterEach(async () => {
  await archive.close();
  await audit.log.close();
  await removeDir(dir);
});

function downNode(): PacsNode {
  const settings = NodeSettings.parse({ id: 'offsite', name: 'Offsite PACS', priority: 20, kind: 'dimse', host: '127.0.0.1', port: 9, calledAeTitle: 'OFFSITE' });
  const down = () => Promise.reject(new PacsError('unreachable', 'offsite', 'Offsite PACS: connection refused'));
  return { settings, echo: down, find: down, retrieve: down };
}

function handlers(nodes: PacsNode[]) {
  return createHandlers({
    store: archive,
    archive,
    health: new NodeHealth(),
    upstreams: [],
    nodes: () => nodes,
    jobs: new RetrieveJobs({ nodes: () => nodes, store: archive }),
    host: 'browser',
    version: 'test',
    dataPlaneBaseUrl: '',
    log: () => {},
    audit: audit.sink,
  });
}

describe('search audit', () => {
  it('records a study search as one Query per place asked, with the keys as sent', async () => {
    const onsite = fakeNode('onsite', [{ uid: '1.2.3.1', patientId: 'PID-7', date: '20240101', instances: 1 }]);
    const result = await handlers([onsite, downNode()]).studies.search({ patientId: 'PID-7', modality: 'CT', limit: 50 }, ctx);
    expect(result.studies.map((s) => s.studyInstanceUid)).toEqual(['1.2.3.1']);
    const records = await audit.records();
    expect(records.map((r) => [r.eventId, r.action, r.outcome])).toEqual([
      ['110112', 'E', 0],
      ['110112', 'E', 0],
      ['110112', 'E', 4],
    ]);
    expect(records.map((r) => participantsWithRole(r.xml, '110152'))).toEqual([['Local archive'], ['onsite PACS'], ['Offsite PACS']]);
    for (const r of records) expect(queryOf(r.xml)).toBe('QueryRetrieveLevel=STUDY&PatientID=PID-7&ModalitiesInStudy=CT&limit=50');
    expect(records[1]!.xml).toContain('NetworkAccessPointID="http://127.0.0.1:9/x"');
  });

  it('records a series search of a study not held locally against the nodes asked', async () => {
    const onsite = fakeNode('onsite', [{ uid: '1.2.3.1', patientId: 'PID-7', date: '20240101', instances: 1 }]);
    await handlers([onsite]).studies.series({ studyInstanceUid: '1.2.3.1' }, ctx);
    const records = await audit.records();
    expect(records).toHaveLength(1);
    expect(participantsWithRole(records[0]!.xml, '110152')).toEqual(['onsite PACS']);
    expect(queryOf(records[0]!.xml)).toBe('QueryRetrieveLevel=SERIES&StudyInstanceUID=1.2.3.1');
  });
});
