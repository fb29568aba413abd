/**
 * Credentials sent over http:// to a node marked allowInsecureCredentials are a Security Alert, read back from
 * the real audit log: on the log warning's throttle, with the count of uses.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialUses, insecureUseLog, reportInsecureCredentialUse } from '../../../../../../electron/services/pacs/dicomweb/transportPolicy';
import { DicomwebNodeSettings } from '../../../../../../electron/services/settings/settings';
import { openTestAudit, type TestAudit } from '../../../../../support/auditTrail';
import { makeTempDir, removeDir } from '../../../../../support/tempDir';

let dir: string;
let audit: TestAudit;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-dicomweb-audit-');
  audit = await openTestAudit(path.join(dir, 'data'));
});
afterEach(async () => {
  await audit.log.close();
  await removeDir(dir);
});

const detail = (xml: string) => Buffer.from(/type="Alert Description" value="([^"]+)"/.exec(xml)![1]!, 'base64').toString('utf8');

describe('insecure transport audit', () => {
  it('records credentials sent over http:// with the node’s permission, throttled like the log', async () => {
    const settings = DicomwebNodeSettings.parse({
      id: 'ward',
      name: 'Ward PACS',
      kind: 'dicomweb',
      url: 'http://pacs.ward.example/dicom-web',
      auth: { type: 'basic', username: 'dokuei', secretRef: 'pw' },
      allowInsecureCredentials: true,
    });
    let now = 0;
    const warnings: string[] = [];
    const to = insecureUseLog((m) => warnings.push(m), () => now, audit.sink);
    const use = credentialUses(settings)[0]!;
    for (let i = 0; i < 5; i++) reportInsecureCredentialUse(settings, use, to);
    now += 61_000;
    reportInsecureCredentialUse(settings, use, to);
    const records = await audit.records();
    expect(records.map((r) => [r.eventId, r.eventType, r.outcome])).toEqual([
      ['110113', 'Use of Restricted Function', 4],
      ['110113', 'Use of Restricted Function', 4],
    ]);
    expect(warnings).toHaveLength(2);
    expect(detail(records[0]!.xml)).toContain('sent a password over plain http:// to http://pacs.ward.example');
    expect(detail(records[1]!.xml)).toContain('(5 times in the last 61 s)');
  });
});
