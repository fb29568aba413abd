/**
 * Sending to a PACS with STOW-RS (issues #7, #8) against a real Orthanc: a real CT slice and a Spatial
 * Registration object from the local store arrive (Orthanc's QIDO lists them afterwards), an instance that is not
 * local is reported as not sent, and a wrong URL or a node of another kind fail with messages a user can act on.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { savedFromSr } from '../../../common/sr/savedFromSr';
import { DicomwebPacsNode } from '../../../electron/services/pacs/dicomweb/dicomwebPacsNode';
import type { PacsNode } from '../../../electron/services/pacs/pacsNode';
import { describeSend, sendInstances } from '../../../electron/services/pacs/sendInstances';
import { createHandlers, type HandlerDeps } from '../../../electron/services/app/handlers';
import { readSpatialRegistration, writeSpatialRegistration } from '../../../electron/services/registration/spatialRegistration';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { importPaths } from '../../../electron/services/store/importPaths';
import { SuvCorrections } from '../../../electron/services/suv/corrections';
import { writePetCtPhantom } from '../../support/petCtPhantom';
import { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { EnvKeyProvider } from '../../../electron/services/archive/keyProvider';
import { demoCtDir, dicomFilesIn, repoRoot, sharedDataDir } from '../../support/data';
import { readDicomFile, type DicomFileInfo } from '../../support/dicomFiles';
import { stringValue } from '../../support/dicomweb';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { openTestArchive, testKeyProvider } from '../../support/testArchive';
import { nodeSettings, pacsErrorOf } from '../dicomweb/helpers';

// The T2 registered to itself: a quick real registration for the CLI (the demo CT's slices are unevenly spaced).
const mrDir = sharedDataDir('mr_brain_siemens_trio');
const mrT2 = mrDir ? `${mrDir}#AX FSE T2` : undefined;

describe('STOW-RS sending to a real Orthanc', () => {
  let orthanc: OrthancInstance | undefined;
  let node: DicomwebPacsNode;
  let store: EncryptedArchive;
  let ct: DicomFileInfo;
  let regSop = '';
  const dirs: string[] = [];

  beforeAll(async () => {
    const root = await makeTempDir('dokuei-stow-store-');
    dirs.push(root);
    store = await openTestArchive(root);
    ct = await readDicomFile(dicomFilesIn(demoCtDir())[0]!);
    await store.put(new Uint8Array(await fs.readFile(ct.path)));
    const ref = { studyInstanceUid: ct.study, seriesInstanceUid: ct.series, frameOfReferenceUid: '1.2.3.4.5', instances: [{ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: ct.sop }], patientId: 'STOW1' };
    const moving = { ...ref, seriesInstanceUid: '1.2.3.4.6', frameOfReferenceUid: '1.2.3.4.7', instances: [] };
    const bytes = writeSpatialRegistration({ fixed: ref, moving, matrix: [[1, 0, 0, 5], [0, 1, 0, -3], [0, 0, 1, 2], [0, 0, 0, 1]], description: 'stow test' });
    regSop = (await store.put(bytes)).instance;
    orthanc = await startOrthanc({ name: 'StowPACS' });
    node = new DicomwebPacsNode(nodeSettings({ url: orthanc.dicomwebUrl, timeoutMs: 30000 }), { secrets: new MemorySecretStore() });
  }, 120_000);

  afterAll(async () => {
    await node?.close();
    await orthanc?.stop();
    await store?.close();
    for (const d of dirs) await removeDir(d);
  }, 60_000);

  const orthancInstances = () => orthancInstancesOf(ct.study);
  async function orthancHas(sop: string): Promise<boolean> {
    const res = await fetch(`${orthanc!.dicomwebUrl}/instances?00080018=${sop}`, { headers: { Accept: 'application/dicom+json' } });
    return res.status === 200 && ((await res.json()) as unknown[]).length === 1;
  }
  async function orthancInstancesOf(study: string): Promise<string[]> {
    const res = await fetch(`${orthanc!.dicomwebUrl}/studies/${study}/instances`, { headers: { Accept: 'application/dicom+json' } });
    if (res.status === 204) return [];
    const rows = (await res.json()) as DicomJsonDataset[];
    return rows.map((r) => stringValue(r, Tag.SOPInstanceUID)!);
  }

  it('sends a CT slice and a Spatial Registration object; Orthanc lists both afterwards', async () => {
    expect(await orthancInstances()).toEqual([]);
    const result = await sendInstances(node, store, { studyInstanceUid: ct.study, sopInstanceUids: [ct.sop, regSop] });
    expect(result.failed).toEqual([]);
    expect(result.sent.sort()).toEqual([ct.sop, regSop].sort());
    expect((await orthancInstances()).sort()).toEqual([ct.sop, regSop].sort());
    expect(describeSend(result)).toBe('Sent 2 instances to TestPACS.');
  });

  it('reports an instance that is not in the local archive as not sent, and still sends the rest', async () => {
    const result = await sendInstances(node, store, { studyInstanceUid: ct.study, sopInstanceUids: ['1.2.3.999', ct.sop] });
    expect(result.sent).toEqual([ct.sop]);
    expect(result.failed).toEqual([{ sopInstanceUid: '1.2.3.999', reason: expect.stringContaining('not in the local archive') }]);
    expect(describeSend(result)).toMatch(/stored 1 of 2 instances; not stored: 1\.2\.3\.999: not in the local archive/);
  });

  it('a URL that is not a DICOMweb root fails with a clear message', async () => {
    const wrong = new DicomwebPacsNode(nodeSettings({ url: `${orthanc!.baseUrl}/not-dicomweb`, timeoutMs: 10000 }), { secrets: new MemorySecretStore() });
    try {
      const err = await pacsErrorOf(sendInstances(wrong, store, { studyInstanceUid: ct.study, sopInstanceUids: [ct.sop] }));
      expect(err.message).toMatch(/^TestPACS: the node does not accept STOW-RS uploads \(HTTP 404/);
    } finally {
      await wrong.close();
    }
  });

  it('registration.save with sendTo stores the object locally and in Orthanc; a node that is down keeps the local save', async () => {
    const handlers = createHandlers({ store, nodes: () => [node] } as unknown as HandlerDeps);
    const ctx = { windowId: 't', emit: () => {} };
    const series = { studyInstanceUid: ct.study, seriesInstanceUid: ct.series };
    const matrix = [[1, 0, 0, 4], [0, 1, 0, 0], [0, 0, 1, -2], [0, 0, 0, 1]];
    const saved = await handlers.registration.save({ fixed: series, moving: series, matrix, sendTo: node.settings.id }, ctx);
    expect(saved.send).toMatchObject({ ok: true, sent: [saved.sopInstanceUid] });
    expect(await orthancInstances()).toContain(saved.sopInstanceUid);
    const local = await store.readInstance(ct.study as never, saved.seriesInstanceUid as never, saved.sopInstanceUid as never);
    expect(readSpatialRegistration(local!).matrix).toEqual(matrix);

    const down = new DicomwebPacsNode(nodeSettings({ id: 'down', name: 'DownPACS', url: 'http://127.0.0.1:9/dicom-web', timeoutMs: 5000, connectTimeoutMs: 2000 }), { secrets: new MemorySecretStore() });
    try {
      const offline = createHandlers({ store, nodes: () => [down] } as unknown as HandlerDeps);
      const kept = await offline.registration.save({ fixed: series, moving: series, matrix, sendTo: 'down' }, ctx);
      expect(kept.send?.ok).toBe(false);
      expect(kept.send?.message).toMatch(/^Saved locally; sending failed: DownPACS: cannot reach 127\.0\.0\.1:9/);
      expect(await store.readInstance(ct.study as never, kept.seriesInstanceUid as never, kept.sopInstanceUid as never)).toBeDefined();
      expect(await orthancInstances()).not.toContain(kept.sopInstanceUid);
    } finally {
      await down.close();
    }
  });

  it('reports.saveMeasurements and saveKeyImages with sendTo store the SR and the KO locally and in Orthanc (issue #19)', async () => {
    const handlers = createHandlers({ store, nodes: () => [node] } as unknown as HandlerDeps);
    const ctx = { windowId: 't', emit: () => {} };
    const measurements = [{ trackingUid: '2.25.19001', tool: 'Length' as const, image: { sopInstanceUid: ct.sop }, points: [[10.5, 20.5], [110.5, 20.5]], values: [{ quantity: 'length' as const, value: 78.125, unit: 'mm' }] }];
    const sr = await handlers.reports.saveMeasurements({ studyInstanceUid: ct.study, measurements, predecessors: [], sendTo: node.settings.id }, ctx);
    expect(sr.send).toMatchObject({ ok: true, sent: [sr.sopInstanceUid] });
    const ko = await handlers.reports.saveKeyImages({ studyInstanceUid: ct.study, title: 'forSurgery', images: [{ sopInstanceUid: ct.sop }], sendTo: node.settings.id }, ctx);
    expect(ko.send).toMatchObject({ ok: true, sent: [ko.sopInstanceUid] });
    const there = await orthancInstances();
    expect(there).toEqual(expect.arrayContaining([sr.sopInstanceUid, ko.sopInstanceUid]));
    // What Orthanc serves back is the report: its SR reads as the same measurement.
    const res = await fetch(`${orthanc!.dicomwebUrl}/studies/${ct.study}/series/${sr.seriesInstanceUid}/instances/${sr.sopInstanceUid}/metadata`, { headers: { Accept: 'application/dicom+json' } });
    const [meta] = (await res.json()) as DicomJsonDataset[];
    expect(savedFromSr(meta!).measurements.map((m) => [m.trackingUid, m.tool, m.image?.sopInstanceUid, m.values[0]?.value])).toEqual([['2.25.19001', 'Length', ct.sop, 78.125]]);
    // A study that is not local is refused with a sentence of its own, and nothing is sent.
    await expect(handlers.reports.saveMeasurements({ studyInstanceUid: '1.2.3.999', measurements: [], predecessors: [], sendTo: node.settings.id }, ctx)).rejects.toMatchObject({
      says: { key: 'services.reports.notLocal' },
    });
  });

  it.skipIf(!mrT2)('dokuei register --save --send NODE stores the object in the archive and in Orthanc; a dead node exits 3 with the save kept', async () => {
    const dataDir = await makeTempDir('dokuei-stow-cli-');
    dirs.push(dataDir);
    const nodes = [
      { id: 'stow', name: 'StowPACS', kind: 'dicomweb', url: orthanc!.dicomwebUrl },
      { id: 'dead', name: 'DeadPACS', kind: 'dicomweb', url: 'http://127.0.0.1:9/dicom-web', connectTimeoutMs: 2000, timeoutMs: 5000 },
    ];
    writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ nodes, localScp: { aeTitle: 'DOKUEI', port: 0 } }));
    const env = { ...process.env, DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') };
    const cli = (node: string) =>
      promisify(execFile)(process.execPath, [path.join(repoRoot, 'bin', 'dokuei.mjs'), 'register', mrT2!, mrT2!, '--json', '--init', 'identity', '--save', '--send', node, '--data-dir', dataDir], { timeout: 150_000, env }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const ok = await cli('StowPACS');
    expect(ok.code, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout) as { saved: { sopInstanceUid: string; send: { ok: boolean; sent: string[] } } };
    expect(out.saved.send).toMatchObject({ ok: true, sent: [out.saved.sopInstanceUid] });
    expect(await orthancHas(out.saved.sopInstanceUid)).toBe(true);

    const dead = await cli('dead');
    expect(dead.code).toBe(3);
    const deadOut = JSON.parse(dead.stdout) as { saved: { sopInstanceUid: string; send: { ok: boolean; message: string } } };
    expect(deadOut.saved.send.ok).toBe(false);
    expect(dead.stderr).toMatch(/Saved locally; sending failed: DeadPACS: cannot reach/);
    expect(await orthancHas(deadOut.saved.sopInstanceUid)).toBe(false);
    const archive = await EncryptedArchive.open(path.join(dataDir, 'archive'), { keyProvider: new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: env.DOKUEI_ARCHIVE_KEY }) });
    try {
      const study = stringValue(archive.studies()[0], Tag.StudyInstanceUID)!;
      const regs = (archive.instances(study as never) ?? []).map((d) => stringValue(d, Tag.SOPInstanceUID));
      expect(regs).toEqual(expect.arrayContaining([out.saved.sopInstanceUid, deadOut.saved.sopInstanceUid]));
    } finally {
      await archive.close();
    }
  }, 300_000);

  it('suv.corrections.save with sendTo stores the RWVM instance locally and sends it; a dead node keeps the correction', async () => {
    const dir = await makeTempDir('dokuei-stow-suv-');
    dirs.push(dir);
    const phantom = writePetCtPhantom(path.join(dir, 'phantom'), { weightKg: 66.2, ct: { rows: 16, columns: 16, slices: 2 }, pet: { rows: 16, columns: 16, slices: 3 } });
    const petStore = await openTestArchive(path.join(dir, 'store'));
    expect((await importPaths(petStore, phantom.petFiles)).failed).toEqual([]);
    const down = new DicomwebPacsNode(nodeSettings({ id: 'down', name: 'DownPACS', url: 'http://127.0.0.1:9/dicom-web', timeoutMs: 5000, connectTimeoutMs: 2000 }), { secrets: new MemorySecretStore() });
    try {
      const handlers = createHandlers({ store: petStore, nodes: () => [node, down], suvCorrections: new SuvCorrections({ dataDir: path.join(dir, 'data'), store: petStore, keyProvider: testKeyProvider(), user: 'dr.a' }) } as unknown as HandlerDeps);
      const ctx = { windowId: 't', emit: () => {} };
      const ids = { studyInstanceUid: phantom.truth.studyInstanceUid, seriesInstanceUid: phantom.truth.pet.seriesInstanceUid };
      const saved = await handlers.suv['corrections.save']({ ...ids, field: 'weight', value: 70, reason: 'Weighed again', sendTo: node.settings.id }, ctx);
      expect(saved.rwvmSopInstanceUid).toBeDefined();
      expect(saved.send).toMatchObject({ ok: true, sent: [saved.rwvmSopInstanceUid] });
      expect(await orthancHas(saved.rwvmSopInstanceUid!)).toBe(true);

      const kept = await handlers.suv['corrections.save']({ ...ids, field: 'weight', value: 71, reason: 'Scale recalibrated', sendTo: 'down' }, ctx);
      expect(kept.send?.ok).toBe(false);
      expect(kept.send?.message).toMatch(/^Saved locally; sending failed: DownPACS: cannot reach/);
      expect(kept.corrections.map((c) => c.newValue)).toEqual([70, 71]);
      expect(kept.overrides.weightKg).toBe(71);
      expect(await orthancHas(kept.rwvmSopInstanceUid!)).toBe(false);
    } finally {
      await down.close();
      await petStore.close();
    }
  });

  it('a node that is neither DICOMweb nor DIMSE is refused (C-STORE: cstore.test.ts)', async () => {
    const dimse = { settings: { id: 'other1', name: 'OldPACS', kind: 'other' } } as unknown as PacsNode;
    const err = await pacsErrorOf(sendInstances(dimse, store, { studyInstanceUid: ct.study, sopInstanceUids: [ct.sop] }));
    expect(err.kind).toBe('refused');
    expect(err.message).toMatch(/OldPACS does not accept sending from Dokuei/);
  });
});
