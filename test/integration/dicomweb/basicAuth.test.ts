/**
 * HTTP basic authentication against Orthanc with authentication on: the password comes from the
 * SecretStore; a wrong or missing one is a PacsError 'auth' that says so. The gateway's upstream, given the
 * node's fetcher, gets the same credentials. Orthanc here speaks plain http, so the node is marked
 * allowInsecureCredentials (without it the password is refused before it leaves: transport.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tag } from '../../../common/dicom/tags';
import { DicomwebUpstream, UpstreamError } from '../../../electron/services/pacs/upstream';
import { DicomwebPacsNode } from '../../../electron/services/pacs/dicomweb/dicomwebPacsNode';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { dicomFilesIn, evenlySpaced, realCtDir } from '../../support/data';
import { readDicomFile, type DicomFileInfo } from '../../support/dicomFiles';
import { stringValue } from '../../support/dicomweb';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { removeDir } from '../../support/tempDir';
import { nodeSettings, pacsErrorOf, storeUnderTest } from './helpers';

const USER = 'reader';
const PASSWORD = 'correct horse battery staple';

describe('DICOMweb basic auth against Orthanc with authentication on', () => {
  let orthanc: OrthancInstance | undefined;
  let files: DicomFileInfo[] = [];
  const nodes: DicomwebPacsNode[] = [];
  const dirs: string[] = [];

  const makeNode = (password: string | undefined) => {
    const secrets = new MemorySecretStore(password === undefined ? {} : { 'pacs/basic': password });
    const node = new DicomwebPacsNode(
      nodeSettings({
        id: 'secured',
        name: 'Secured PACS',
        url: orthanc!.dicomwebUrl,
        auth: { type: 'basic', username: USER, secretRef: 'pacs/basic' },
        allowInsecureCredentials: true,
      }),
      { secrets, log: () => {} },
    );
    nodes.push(node);
    return node;
  };

  beforeAll(async () => {
    files = await Promise.all(evenlySpaced(dicomFilesIn(realCtDir()), 3).map(readDicomFile));
    orthanc = await startOrthanc({ name: 'SecuredPACS', auth: { user: USER, password: PASSWORD } });
    for (const f of files) await orthanc.upload(f.path);
    // The server really refuses anonymous requests (else the tests below would prove nothing).
    const anonymous = await fetch(`${orthanc.dicomwebUrl}/studies`);
    await anonymous.body?.cancel();
    expect(anonymous.status).toBe(401);
  }, 120_000);

  afterAll(async () => {
    for (const n of nodes) await n.close();
    await orthanc?.stop();
    for (const d of dirs) await removeDir(d);
  }, 60_000);

  it('works with the right password: echo, find and retrieve', async () => {
    const node = makeNode(PASSWORD);
    expect(await node.echo()).toBeGreaterThanOrEqual(0);
    const studies = await node.find({ level: 'STUDY', filters: {} });
    expect(studies.map((s) => stringValue(s, Tag.StudyInstanceUID))).toEqual([files[0]!.study]);
    const target = await storeUnderTest(dirs);
    const result = await node.retrieve({ studyInstanceUid: files[0]!.study }, target.sink);
    expect(result).toMatchObject({ completed: files.length, failed: 0, total: files.length });
  });

  it('refuses a wrong password with a clear auth error naming the node', async () => {
    const node = makeNode('wrong password');
    for (const attempt of [node.echo(), node.find({ level: 'STUDY', filters: {} })]) {
      const err = await pacsErrorOf(attempt);
      expect(err.kind).toBe('auth');
      expect(err.nodeId).toBe('secured');
      expect(err.message).toMatch(/^Secured PACS: wrong user name or password for "reader" \(HTTP 401/);
    }
    const target = await storeUnderTest(dirs);
    const err = await pacsErrorOf(node.retrieve({ studyInstanceUid: files[0]!.study }, target.sink));
    expect(err.kind).toBe('auth');
  });

  it('says so when no password is stored, without asking the node', async () => {
    const err = await pacsErrorOf(makeNode(undefined).echo());
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/^Secured PACS: no password is stored for this node/);
  });

  it("gives the gateway's upstream the node's credentials through its fetcher", async () => {
    const node = makeNode(PASSWORD);
    const withAuth = new DicomwebUpstream({ name: 'Secured PACS', baseUrl: orthanc!.dicomwebUrl, timeoutMs: 30000, fetcher: node.http });
    const studies = await withAuth.fetchJson('/studies');
    expect(studies).toHaveLength(1);
    const res = await withAuth.fetch(`/studies/${files[0]!.study}/series`, 'application/dicom+json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull(); // identity: never gzipped
    await res.body?.cancel();

    const plain = new DicomwebUpstream({ name: 'Secured PACS', baseUrl: orthanc!.dicomwebUrl, timeoutMs: 30000 });
    const refused = await plain.fetchJson('/studies').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect((refused as UpstreamError).status).toBe(401);

    const wrong = new DicomwebUpstream({ name: 'Secured PACS', baseUrl: orthanc!.dicomwebUrl, fetcher: makeNode('nope').http });
    const wrongErr = await wrong.fetchJson('/studies').catch((e: unknown) => e);
    expect(wrongErr).toBeInstanceOf(UpstreamError);
    expect((wrongErr as UpstreamError).status).toBe(401);
    expect((wrongErr as UpstreamError).message).toMatch(/wrong user name or password/);
  });
});
