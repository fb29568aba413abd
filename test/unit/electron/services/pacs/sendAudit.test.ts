/**
 * Sending to a node records DICOM Instances Transferred (action R) with the node as destination, read back from
 * the real audit log: success when the node stored everything, a minor failure when some instances were not
 * sent, a serious failure when the upload failed as a whole. The node is a DICOMweb node whose STOW-RS is a
 * second Dokuei gateway over its own archive, behind a loopback HTTP server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getString } from '../../../../../common/dicom/dicomJson';
import { studyUid } from '../../../../../common/dicom/uid';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { createGateway, type DataPlaneGateway } from '../../../../../electron/services/gateway/gateway';
import { DicomwebPacsNode } from '../../../../../electron/services/pacs/dicomweb/dicomwebPacsNode';
import { sendInstances } from '../../../../../electron/services/pacs/sendInstances';
import { MemorySecretStore } from '../../../../../electron/services/secrets/secretStore';
import { DicomwebNodeSettings } from '../../../../../electron/services/settings/settings';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { openTestAudit, participantsWithRole, sopClassCounts, type TestAudit } from '../../../../support/auditTrail';
import { writePetCtPhantom, type PetCtPhantom } from '../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

let dir: string;
let audit: TestAudit;
let local: EncryptedArchive;
let remote: EncryptedArchive;
let remoteGateway: DataPlaneGateway;
let server: http.Server;
let phantom: PetCtPhantom;
let node: DicomwebPacsNode;

beforeEach(async () => {
  dir = await makeTempDir('dokuei-send-audit-');
  audit = await openTestAudit(path.join(dir, 'data'));
  local = await openTestArchive(path.join(dir, 'local'));
  remote = await openTestArchive(path.join(dir, 'remote'));
  phantom = writePetCtPhantom(path.join(dir, 'phantom'), { ct: { rows: 8, columns: 8, slices: 2 }, pet: { rows: 8, columns: 8, slices: 1 } });
  expect((await importPaths(local, phantom.ctFiles)).failed).toEqual([]);
  remoteGateway = createGateway({ store: remote, upstreams: [], basePath: '/dicom-web', storeThrough: false });
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = new Headers(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : [])));
      const body = req.method === 'POST' ? Buffer.concat(chunks) : undefined;
      void remoteGateway(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, ...(body ? { body } : {}) })).then(async (answer) => {
        const headers: Record<string, string> = {};
        answer.headers.forEach((v, k) => (headers[k] = v));
        res.writeHead(answer.status, headers);
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const settings = DicomwebNodeSettings.parse({ id: 'archive-pacs', name: 'Archive PACS', kind: 'dicomweb', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web` });
  node = new DicomwebPacsNode(settings, { secrets: new MemorySecretStore() });
});
afterEach(async () => {
  await node.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await remoteGateway.close();
  await remote.close();
  await local.close();
  await audit.log.close();
  await removeDir(dir);
});

const sops = () => local.instances(studyUid(phantom.truth.studyInstanceUid))!.map((md) => getString(md, '00080018')!);

describe('send audit', () => {
  it('records a send the node stored whole as Instances Transferred to it', async () => {
    const result = await sendInstances(node, local, { studyInstanceUid: phantom.truth.studyInstanceUid, sopInstanceUids: sops() }, undefined, { audit: audit.sink });
    expect(result.failed).toEqual([]);
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110104', action: 'R', outcome: 0, patientIds: ['DOKUEI-PETCT-PHANTOM'], studyUids: [phantom.truth.studyInstanceUid] });
    expect(participantsWithRole(r!.xml, '110152')).toEqual(['Archive PACS']);
    expect(sopClassCounts(r!.xml)).toEqual(['1.2.840.10008.5.1.4.1.1.2=2']);
  });

  it('records a minor failure when some instances were not sent', async () => {
    const result = await sendInstances(node, local, { studyInstanceUid: phantom.truth.studyInstanceUid, sopInstanceUids: [...sops(), '1.2.3.4.5.6'] }, undefined, { audit: audit.sink });
    expect(result.failed.map((f) => f.sopInstanceUid)).toEqual(['1.2.3.4.5.6']);
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110104', action: 'R', outcome: 4 });
  });

  it('records a serious failure when the node cannot be reached, and still throws to the caller', async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = http.createServer();
    await expect(sendInstances(node, local, { studyInstanceUid: phantom.truth.studyInstanceUid, sopInstanceUids: sops() }, undefined, { audit: audit.sink })).rejects.toThrow();
    const [r] = await audit.records();
    expect(r).toMatchObject({ eventId: '110104', action: 'R', outcome: 8, studyUids: [phantom.truth.studyInstanceUid] });
  });
});
