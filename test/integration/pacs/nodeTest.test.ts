/**
 * The settings window's Test against a real PACS (Orthanc with a password, over DICOMweb and DIMSE): each step says
 * what worked; a wrong password says what failed; a typed password is used for the test only.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeSettings } from '../../../electron/services/settings/settings';
import { MemoryHttpsMemory } from '../../../electron/services/pacs/dicomweb/httpsMemory';
import { testNode } from '../../../electron/services/pacs/nodeTest';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { repoRoot } from '../../support/data';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';

const PASSWORD = 'node-test-pw';

describe('testNode against Orthanc', () => {
  let orthanc: OrthancInstance;
  const secrets = new MemorySecretStore();

  beforeAll(async () => {
    orthanc = await startOrthanc({ aet: 'ORTHANC', auth: { user: 'reader', password: PASSWORD } });
    await orthanc.uploadDir(path.join(repoRoot, 'resources/demo'));
  }, 120000);
  afterAll(async () => {
    await orthanc?.stop();
  });

  const web = () =>
    NodeSettings.parse({ id: 'web', name: 'Orthanc web', kind: 'dicomweb', url: orthanc.dicomwebUrl, auth: { type: 'basic', username: 'reader', secretRef: 'web-password' }, allowInsecureCredentials: true });
  const deps = (typed?: Record<string, string>) => ({ secrets, localAeTitle: 'DOKUEI', httpsMemory: new MemoryHttpsMemory(), ...(typed ? { typedSecrets: typed } : {}) });

  it('DICOMweb with the typed password: echo and a one-study query answer; nothing is stored', async () => {
    const result = await testNode(web(), deps({ 'web-password': PASSWORD }));
    expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
      ['echo', true],
      ['query', true],
    ]);
    expect(result.steps[1]!.message).toMatch(/answered 1 study/);
    // What the settings window words in the reader's language.
    expect(result.steps[1]!.says).toEqual({ key: 'queryFound', values: { count: 1, ms: expect.any(Number) } });
    expect(result.ok).toBe(true);
    expect(secrets.get('web-password')).toBeUndefined();
  });

  it('DICOMweb with a wrong password: the test fails and says the node refused the sign-in', async () => {
    const result = await testNode(web(), deps({ 'web-password': 'wrong' }));
    expect(result.ok).toBe(false);
    const failed = result.steps.find((s) => !s.ok)!;
    expect(failed.message).toMatch(/401|refused|sign-in|credentials|password|auth/i);
  });

  it('DIMSE: C-ECHO and a C-FIND for one study answer', async () => {
    const node = NodeSettings.parse({ id: 'dimse', name: 'Orthanc DIMSE', kind: 'dimse', host: '127.0.0.1', port: orthanc.dicomPort, calledAeTitle: 'ORTHANC' });
    const result = await testNode(node, deps());
    expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
      ['echo', true],
      ['query', true],
    ]);
    expect(result.steps[0]!.message).toMatch(/^C-ECHO answered in \d+ ms$/);
  });
});
