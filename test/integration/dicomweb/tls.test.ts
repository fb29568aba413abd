/**
 * TLS to a DICOMweb node: an HTTPS front (node:https) with a certificate from a throwaway CA, forwarding to a
 * real Orthanc. Works once the CA is configured, and fails with kind 'tls' and an actionable message when it
 * is not, when the certificate names another host, and when the node wants a client certificate we lack
 * or do not trust; with the client certificate configured (key from the SecretStore) mutual TLS works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tag } from '../../../common/dicom/tags';
import { DicomwebUpstream, UpstreamError } from '../../../electron/services/pacs/upstream';
import { DicomwebPacsNode } from '../../../electron/services/pacs/dicomweb/dicomwebPacsNode';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { dicomFilesIn, evenlySpaced, realCtDir } from '../../support/data';
import { expectSameBytes, readDicomFile, type DicomFileInfo } from '../../support/dicomFiles';
import { stringValue } from '../../support/dicomweb';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { removeDir } from '../../support/tempDir';
import { makeTestPki, startTlsProxy, type TestPki, type TlsProxy } from '../../support/tls';
import { nodeSettings, pacsErrorOf, storeUnderTest } from './helpers';

describe('DICOMweb over TLS (custom CA, host names, client certificates)', () => {
  let orthanc: OrthancInstance | undefined;
  let pki: TestPki | undefined;
  let proxy: TlsProxy | undefined;
  let wrongHostProxy: TlsProxy | undefined;
  let mtlsProxy: TlsProxy | undefined;
  let files: DicomFileInfo[] = [];
  const nodes: DicomwebPacsNode[] = [];
  const dirs: string[] = [];

  const makeNode = (baseUrl: string, tls: Record<string, string> | undefined, secrets = new MemorySecretStore()) => {
    const node = new DicomwebPacsNode(nodeSettings({ id: 'tls-node', name: 'Hospital PACS', url: `${baseUrl}/dicom-web`, tls }), { secrets });
    nodes.push(node);
    return node;
  };

  beforeAll(async () => {
    pki = await makeTestPki();
    files = await Promise.all(evenlySpaced(dicomFilesIn(realCtDir()), 4).map(readDicomFile));
    orthanc = await startOrthanc({ name: 'TlsPACS' });
    for (const f of files) await orthanc.upload(f.path);
    proxy = await startTlsProxy({ target: orthanc.baseUrl, pair: pki.server });
    wrongHostProxy = await startTlsProxy({ target: orthanc.baseUrl, pair: pki.wrongHost });
    mtlsProxy = await startTlsProxy({ target: orthanc.baseUrl, pair: pki.server, clientCa: pki.caFile });
  }, 120_000);

  afterAll(async () => {
    for (const n of nodes) await n.close();
    await proxy?.close();
    await wrongHostProxy?.close();
    await mtlsProxy?.close();
    await orthanc?.stop();
    await pki?.remove();
    for (const d of dirs) await removeDir(d);
  }, 60_000);

  it('works with the hospital CA configured: echo, find, and a streamed retrieve byte for byte', async () => {
    const node = makeNode(proxy!.baseUrl, { caFile: pki!.caFile });
    expect(await node.echo()).toBeGreaterThanOrEqual(0);
    const studies = await node.find({ level: 'STUDY', filters: {} });
    expect(studies.map((s) => stringValue(s, Tag.StudyInstanceUID))).toEqual([files[0]!.study]);
    const target = await storeUnderTest(dirs);
    const result = await node.retrieve({ studyInstanceUid: files[0]!.study, seriesInstanceUid: files[0]!.series }, target.sink);
    expect(result).toMatchObject({ completed: files.length, failed: 0, total: files.length });
    const stored = await target.storedFiles();
    expect(stored.map((s) => s.sop).sort()).toEqual(files.map((f) => f.sop).sort());
    for (const s of stored) expectSameBytes(s.pixelData, files.find((f) => f.sop === s.sop)!.pixelData, `pixel data of ${s.sop}`);
  });

  it('refuses the certificate without the CA, saying to configure the hospital CA', async () => {
    const node = makeNode(proxy!.baseUrl, undefined);
    const err = await pacsErrorOf(node.echo());
    expect(err.kind).toBe('tls');
    expect(err.nodeId).toBe('tls-node');
    expect(err.message).toMatch(/^Hospital PACS: certificate is not trusted: configure the hospital CA in the node's TLS settings/);
  });

  it('refuses a certificate issued for another host name', async () => {
    const err = await pacsErrorOf(makeNode(wrongHostProxy!.baseUrl, { caFile: pki!.caFile }).echo());
    expect(err.kind).toBe('tls');
    expect(err.message).toMatch(/^Hospital PACS: certificate does not match the host name 127\.0\.0\.1:\d+/);
  });

  it('says the node requires a client certificate when none is configured', async () => {
    const err = await pacsErrorOf(makeNode(mtlsProxy!.baseUrl, { caFile: pki!.caFile }).echo());
    expect(err.kind).toBe('tls');
    expect(err.message).toMatch(/^Hospital PACS: the node requires a client certificate: configure one/);
  });

  it('works with mutual TLS when the client certificate and its key are configured', async () => {
    const secrets = new MemorySecretStore({ 'tls-node/client-key': pki!.client.key });
    const node = makeNode(mtlsProxy!.baseUrl, { caFile: pki!.caFile, clientCertFile: pki!.client.certFile, clientKeySecretRef: 'tls-node/client-key' }, secrets);
    const seenBefore = mtlsProxy!.clientSubjects.length;
    const studies = await node.find({ level: 'SERIES', filters: {}, studyInstanceUid: files[0]!.study });
    expect(studies.map((s) => stringValue(s, Tag.SeriesInstanceUID))).toEqual([files[0]!.series]);
    expect(mtlsProxy!.clientSubjects.slice(seenBefore)).toContain('client');
  });

  it('says the node refused our client certificate when it is not from a CA the node trusts', async () => {
    const secrets = new MemorySecretStore({ key: pki!.foreignClient.key });
    const node = makeNode(mtlsProxy!.baseUrl, { caFile: pki!.caFile, clientCertFile: pki!.foreignClient.certFile, clientKeySecretRef: 'key' }, secrets);
    const err = await pacsErrorOf(node.echo());
    expect(err.kind).toBe('tls');
    expect(err.message).toMatch(/^Hospital PACS: .*refused our client certificate/);
  });

  it('reports a missing CA file or client key as a TLS settings problem', async () => {
    const noCa = await pacsErrorOf(makeNode(proxy!.baseUrl, { caFile: `${pki!.dir}/missing-ca.pem` }).echo());
    expect(noCa.kind).toBe('tls');
    expect(noCa.message).toMatch(/cannot read the CA file .*missing-ca\.pem \(ENOENT\)/);
    const noKey = await pacsErrorOf(makeNode(mtlsProxy!.baseUrl, { caFile: pki!.caFile, clientCertFile: pki!.client.certFile, clientKeySecretRef: 'absent' }).echo());
    expect(noKey.kind).toBe('tls');
    expect(noKey.message).toMatch(/private key is not stored/);
  });

  it("gives the gateway's upstream the node's TLS trust and client certificate", async () => {
    const secrets = new MemorySecretStore({ k: pki!.client.key });
    const node = makeNode(mtlsProxy!.baseUrl, { caFile: pki!.caFile, clientCertFile: pki!.client.certFile, clientKeySecretRef: 'k' }, secrets);
    const upstream = new DicomwebUpstream({ name: 'Hospital PACS', baseUrl: `${mtlsProxy!.baseUrl}/dicom-web`, fetcher: node.http });
    expect(await upstream.fetchJson('/studies')).toHaveLength(1);
    const untrusting = new DicomwebUpstream({ name: 'Hospital PACS', baseUrl: `${proxy!.baseUrl}/dicom-web`, fetcher: makeNode(proxy!.baseUrl, undefined).http });
    const err = await untrusting.fetchJson('/studies').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).message).toMatch(/certificate is not trusted/);
  });
});
