/**
 * A DIMSE association our C-STORE SCP refuses is a Security Alert in the audit trail, read back from the real
 * log: dcmtk's echoscu calls with an AE title no configured node has; the alert names the caller.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scpAlertRecorder } from '../../../electron/services/pacs/dimse/scpAudit';
import { dimsePeers } from '../../../electron/services/pacs/dimse/scpPeers';
import { StoreScp } from '../../../electron/services/pacs/dimse/storeScp';
import { MemorySettingsStore } from '../../../electron/services/settings/settings';
import { openTestAudit, type TestAudit } from '../../support/auditTrail';
import { makeTempDir, removeDir } from '../../support/tempDir';

let dir: string;
let audit: TestAudit;
let scp: StoreScp;

beforeAll(async () => {
  dir = await makeTempDir('dokuei-scp-audit-');
  audit = await openTestAudit(path.join(dir, 'data'));
  const settings = new MemorySettingsStore({
    nodes: [{ kind: 'dimse', id: 'pacs1', name: 'PACS 1', host: '127.0.0.1', port: 104, calledAeTitle: 'PACS1', retrieve: 'C-MOVE' }],
    localScp: { aeTitle: 'DOKUEI', port: 0 },
  });
  scp = new StoreScp({ settings: settings.get().localScp, peers: () => dimsePeers(settings.get().nodes), onSecurityAlert: scpAlertRecorder(audit.sink)! });
  await scp.start();
});
afterAll(async () => {
  await scp?.stop();
  await audit?.log.close();
  await removeDir(dir);
});

describe('SCP security alert audit', () => {
  it('records a refused association as a Security Alert (Node Authentication) naming the caller', async () => {
    const echo = await promisify(execFile)('echoscu', ['-aet', 'INTRUDER', '-aec', 'DOKUEI', '127.0.0.1', String(scp.port)]).then(
      () => true,
      () => false,
    );
    expect(echo).toBe(false);
    const records = await audit.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ eventId: '110113', eventType: 'Node Authentication', outcome: 4 });
    expect(records[0]!.xml).toContain('ParticipantObjectID="dicom://INTRUDER@127.0.0.1"');
  });
});
