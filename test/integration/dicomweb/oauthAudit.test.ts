/**
 * OAuth sign-in in the audit trail (issue #15, PS3.15 A.5.3.12 User Authentication): a sign-in through the stub
 * identity provider is a Login, a refused one a Login with a failure outcome, and a session the IdP will not renew
 * ends with a Logout. Read back from the real audit log (each record validated against the DICOM audit schema).
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DicomwebPacsNode } from '../../../electron/services/pacs/dicomweb/dicomwebPacsNode';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { openTestAudit, outcomeDescription, type TestAudit } from '../../support/auditTrail';
import { startBearerDicomweb, startStubIdp, type BearerDicomweb, type StubIdp } from '../../support/stubIdp';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { nodeSettings, pacsErrorOf } from './helpers';

/** What the system browser does: load the URL and follow the IdP's redirect to the loopback. */
const browser = (url: string) => void fetch(url).then((res) => res.text()).catch(() => {});

describe('OAuth sign-in and sign-out in the audit trail', () => {
  let idp: StubIdp;
  let pacs: BearerDicomweb;
  let dir: string;
  let audit: TestAudit;
  const nodes: DicomwebPacsNode[] = [];
  const clock = Date.now();

  beforeAll(async () => {
    idp = await startStubIdp();
    pacs = await startBearerDicomweb((t) => idp.isValid(t));
  });
  afterAll(async () => {
    await pacs?.close();
    await idp?.close();
  });
  beforeEach(async () => {
    dir = await makeTempDir('dokuei-oauth-audit-');
    audit = await openTestAudit(path.join(dir, 'data'));
  });
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.close();
    await audit.log.close();
    await removeDir(dir);
  });

  const makeNode = (secrets: MemorySecretStore) => {
    const settings = nodeSettings({
      id: 'cloud',
      name: 'クラウドPACS',
      url: pacs.url,
      auth: { type: 'oauth2', authorizationUrl: idp.authorizationUrl, tokenUrl: idp.tokenUrl, clientId: idp.clientId, scope: 'openid dicomweb', secretRef: 'cloud/oauth' },
      allowInsecureCredentials: true,
    });
    const node = new DicomwebPacsNode(settings, { secrets, now: () => clock, log: () => {}, audit: audit.sink });
    nodes.push(node);
    return node;
  };
  const idpHost = () => new URL(idp.authorizationUrl).host;
  /** The User Authentication records. */
  const authentications = async () => (await audit.records()).filter((r) => r.eventId === '110114');

  it('records a sign-in as a Login of the workstation user, with the identity provider and the node', async () => {
    await makeNode(new MemorySecretStore()).signIn(browser);
    const [login, ...more] = await authentications();
    expect(more).toEqual([]);
    expect(login).toMatchObject({ eventType: 'Login', action: 'E', outcome: 0, user: 'reader' });
    expect(outcomeDescription(login!.xml)).toBe('クラウドPACS (node "cloud"): signed in');
    // The identity provider as the authenticating system, by host, with its token endpoint.
    expect(login!.xml).toContain(`UserID="${idpHost()}"`);
    expect(login!.xml).toContain(`NetworkAccessPointID="${idp.tokenUrl}"`);
    expect(audit.failures).toEqual([]);
  });

  it('records a sign-in the identity provider refused as a Login with a failure outcome', async () => {
    idp.denyNext('access_denied', 'The user said no');
    expect((await pacsErrorOf(makeNode(new MemorySecretStore()).signIn(browser))).kind).toBe('auth');
    const [login] = await authentications();
    expect(login).toMatchObject({ eventType: 'Login', outcome: 4, user: 'reader' });
    expect(outcomeDescription(login!.xml)).toMatch(/^クラウドPACS \(node "cloud"\): sign-in failed: .*refused the sign-in \(access_denied: The user said no\)/);
  });

  it('records the end of a session the identity provider will not renew as a Logout, after its Security Alert', async () => {
    const secrets = new MemorySecretStore();
    const node = makeNode(secrets);
    await node.signIn(browser);
    idp.expire(JSON.parse(secrets.get('cloud/oauth')!).access_token as string);
    idp.revokeRefreshTokens();
    expect((await pacsErrorOf(node.find({ level: 'STUDY', filters: {} }))).kind).toBe('auth');
    // (The stubs speak http: each use of a credential over it is a Use of Restricted Function alert, left out here.)
    const records = (await audit.records()).filter((r) => r.eventId === '110114' || r.eventType === 'Node Authentication');
    expect(records.map((r) => [r.eventId, r.eventType, r.outcome])).toEqual([
      ['110114', 'Login', 0],
      ['110113', 'Node Authentication', 4],
      ['110114', 'Logout', 0],
    ]);
    expect(outcomeDescription(records[2]!.xml)).toMatch(/^クラウドPACS \(node "cloud"\): session ended: the sign-in service refused to renew it/);
    expect(secrets.get('cloud/oauth')).toBeUndefined();
  });
});
