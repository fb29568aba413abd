/** A token renewal the identity provider refuses is a Security Alert, read back from the real audit log. */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OAuthClient, type TokenFetch } from '../../../../../../electron/services/pacs/dicomweb/oauth';
import { PacsError } from '../../../../../../electron/services/pacs/pacsNode';
import { MemorySecretStore } from '../../../../../../electron/services/secrets/secretStore';
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

describe('OAuth audit', () => {
  it('records a refused OAuth token renewal', async () => {
    const settings = DicomwebNodeSettings.parse({
      id: 'cloud',
      name: 'Cloud PACS',
      kind: 'dicomweb',
      url: 'https://pacs.example/dicom-web',
      auth: { type: 'oauth2', authorizationUrl: 'https://idp.example/authorize', tokenUrl: 'https://idp.example/token', clientId: 'dokuei', secretRef: 'tok' },
    });
    const secrets = new MemorySecretStore({ tok: JSON.stringify({ access_token: 'A1', refresh_token: 'R1', expires_at: 0 }) });
    const fetch: TokenFetch = async () => new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400, headers: { 'content-type': 'application/json' } });
    const client = new OAuthClient({ settings, secrets, fetch, audit: audit.sink });
    await expect(client.getAccessToken()).rejects.toBeInstanceOf(PacsError);
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110113', eventType: 'Node Authentication', outcome: 4 });
    expect(r!.xml).toContain('ParticipantObjectID="https://idp.example/token"');
    expect(detail(r!.xml)).toContain('refused the token renewal (invalid_grant)');
  });

});
