/**
 * Retrieving a real CT series by C-GET and by C-MOVE (to our StoreScp) from Orthanc and from dcmqrscp into
 * the encrypted archive: every instance arrives, is stored as it arrives, and keeps its pixel data bytes; a
 * cancelled retrieve leaves only whole instances; an instance of another study pushed into a running C-MOVE
 * is refused and reported, and the move's own instances still all arrive.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriesUid, sopUid, studyUid } from '../../../common/dicom/uid';
import type { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { DimsePacsNode } from '../../../electron/services/pacs/dimse/dimsePacsNode';
import { StoreScp, type ScpSecurityAlert } from '../../../electron/services/pacs/dimse/storeScp';
import type { RetrieveProgress } from '../../../electron/services/pacs/pacsNode';
import { expectSameBytes, type DicomFileInfo } from '../../support/dicomFiles';
import { startDcmqrscp, type DcmqrscpInstance } from '../../support/dcmqrscp';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { archiveObjectFiles, openTestArchive } from '../../support/testArchive';
import { nodeSettings, pixelDataOf, realCtSlices, syntheticStudy } from './fixtures';

const run = promisify(execFile);

const SLICES = 24;
const PEERS = [
  ['Orthanc', 'ORTHANC'],
  ['dcmqrscp', 'DCMQR'],
] as const;
const METHODS = ['C-GET', 'C-MOVE'] as const;

let scp: StoreScp | undefined;
let orthanc: OrthancInstance | undefined;
let dcmqr: DcmqrscpInstance | undefined;
let ct: DicomFileInfo[];
const scpLog: string[] = [];
const scpAlerts: ScpSecurityAlert[] = [];
const storeDirs: string[] = [];
const stores: EncryptedArchive[] = [];

beforeAll(async () => {
  ct = await realCtSlices(SLICES);
  // Our SCP first: the PACSes must be told its port to C-MOVE to it.
  scp = new StoreScp({
    settings: { aeTitle: 'DOKUEI', port: 0 },
    peers: () => PEERS.map(([name, aet]) => ({ name, aeTitle: aet, host: '127.0.0.1' })),
    log: (m) => scpLog.push(m),
    onSecurityAlert: (a) => scpAlerts.push(a),
  });
  await scp.start();
  orthanc = await startOrthanc({ aet: 'ORTHANC', modalities: { DOKUEI: ['DOKUEI', '127.0.0.1', scp.port] } });
  await orthanc.uploadDir(path.dirname(ct[0]!.path), (name) => ct.some((f) => path.basename(f.path) === name));
  dcmqr = await startDcmqrscp({ aet: 'DCMQR', moveDestinations: { DOKUEI: scp.port } });
  await dcmqr.store(ct.map((f) => f.path));
}, 180_000);

afterAll(async () => {
  await scp?.stop();
  await orthanc?.stop();
  await dcmqr?.stop();
  await Promise.allSettled(stores.map((s) => s.close()));
  for (const d of storeDirs) await removeDir(d);
}, 60_000);

afterEach(() => {
  scpLog.length = 0;
  scpAlerts.length = 0;
});

type PeerName = (typeof PEERS)[number][0];

function nodeFor(name: PeerName, aet: string, method: (typeof METHODS)[number]): DimsePacsNode {
  const port = name === 'Orthanc' ? orthanc!.dicomPort : dcmqr!.port;
  return new DimsePacsNode(nodeSettings({ id: name.toLowerCase(), name, port, calledAeTitle: aet, retrieve: method }), { localScp: { aeTitle: 'DOKUEI', port: scp!.port }, scp });
}

async function freshStore(): Promise<{ store: EncryptedArchive; root: string }> {
  const root = await makeTempDir('dokuei-dimse-store-');
  storeDirs.push(root);
  const store = await openTestArchive(root);
  stores.push(store);
  return { store, root };
}

describe.each(PEERS)('retrieve from %s', (name, aet) => {
  describe.each(METHODS)('by %s', (method) => {
    it('stores every instance of the series as it arrives, pixel data intact', async () => {
      const node = nodeFor(name, aet, method);
      const { store } = await freshStore();
      const seen: RetrieveProgress[] = [];
      const storedWhenReported: number[] = [];
      const progress = await node.retrieve(
        { studyInstanceUid: ct[0]!.study, seriesInstanceUid: ct[0]!.series },
        async (bytes) => {
          await store.put(bytes);
        },
        {
          onProgress: (p) => {
            seen.push(p);
            storedWhenReported.push(store.counts().instances);
          },
        },
      );
      expect(progress).toMatchObject({ completed: SLICES, failed: 0, total: SLICES });
      expect(progress.bytes).toBeGreaterThan(SLICES * ct[0]!.pixelData.byteLength);

      // Streaming: progress counted instances that were already in the store, one by one.
      const completions = seen.map((p) => p.completed);
      expect(completions).toEqual([...completions].sort((a, b) => a - b));
      expect(new Set(completions).size).toBe(SLICES);
      seen.forEach((p, i) => expect(storedWhenReported[i]).toBe(p.completed));

      const study = studyUid(ct[0]!.study);
      const series = seriesUid(ct[0]!.series);
      const stored = store.instances(study, series) ?? [];
      expect(stored.map((ds) => String(ds['00080018']?.Value?.[0])).sort()).toEqual(ct.map((f) => f.sop).sort());
      for (const file of ct) {
        const bytes = await store.readInstance(study, series, sopUid(file.sop));
        expect(bytes, file.sop).toBeDefined();
        expectSameBytes(pixelDataOf(bytes!), file.pixelData, `pixel data of ${file.sop} via ${method}`);
      }
      await node.close();
    });

    it('cancels mid-retrieve, leaving only whole instances', async () => {
      const node = nodeFor(name, aet, method);
      const { store, root } = await freshStore();
      const ctl = new AbortController();
      let puts = 0;
      const err = await node
        .retrieve(
          { studyInstanceUid: ct[0]!.study, seriesInstanceUid: ct[0]!.series },
          async (bytes) => {
            await store.put(bytes);
            if (++puts === 3) ctl.abort();
          },
          { signal: ctl.signal },
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toMatchObject({ name: 'PacsError', kind: 'cancelled' });
      expect((err as Error).message).toContain(`${name} (${aet} at 127.0.0.1:`);

      const stored = store.counts().instances;
      expect(stored).toBeGreaterThanOrEqual(3);
      expect(stored).toBeLessThan(SLICES);
      // Whatever is on disk is complete: reopening indexes every file and skips none; no temp leftovers.
      const skipped: string[] = [];
      const reopened = await openTestArchive(root, { onSkip: (file, reason) => skipped.push(`${file}: ${reason}`) });
      stores.push(reopened);
      expect(skipped).toEqual([]);
      expect(reopened.counts().instances).toBe(stored);
      expect(await fs.readdir(path.join(root, 'tmp'))).toEqual([]);
      const files = await archiveObjectFiles(root);
      expect(files).toHaveLength(stored);
      await node.close();
    });
  });
});

describe.each(PEERS)('a C-MOVE from %s', (name, aet) => {
  it('refuses an instance of another study pushed under the PACS\'s AE title while the move runs; the move\'s own instances all arrive', async () => {
    const dir = await makeTempDir('dokuei-intruder-');
    storeDirs.push(dir);
    const intruder = (await syntheticStudy(dir, [ct[0]!.path], { patientName: 'Intruder^Ina', patientId: 'INTRUDER', studyDate: '20200202', accession: 'ACC-X' })).files[0]!;
    const node = nodeFor(name, aet, 'C-MOVE');
    const { store } = await freshStore();
    let pushed: { ok: boolean; output: string } | undefined;
    const progress = await node.retrieve({ studyInstanceUid: ct[0]!.study, seriesInstanceUid: ct[0]!.series }, async (bytes) => {
      await store.put(bytes);
      if (pushed) return;
      // Mid-move, a third party sends its own instance to our SCP with the PACS's AE title, from an admitted address.
      pushed = await run('storescu', ['-aet', aet, '-aec', 'DOKUEI', '127.0.0.1', String(scp!.port), intruder.path], { timeout: 30000 }).then(
        ({ stdout, stderr }) => ({ ok: true, output: stdout + stderr }),
        (e: Error & { stdout?: string; stderr?: string }) => ({ ok: false, output: `${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}` }),
      );
    });
    expect(pushed?.ok, pushed?.output).toBe(false);
    expect(progress).toMatchObject({ completed: SLICES, failed: 0 });
    expect(store.instances(studyUid(intruder.study), seriesUid(intruder.series))).toBeUndefined();
    expect(store.instances(studyUid(ct[0]!.study), seriesUid(ct[0]!.series))).toHaveLength(SLICES);
    expect(scpAlerts).toEqual([
      expect.objectContaining({ kind: 'instance-refused', callingAe: aet, address: '127.0.0.1', sopInstanceUid: intruder.sop, studyInstanceUid: intruder.study }),
    ]);
    await node.close();
  });
});

describe('C-MOVE without a local SCP', () => {
  it('says so instead of asking the PACS to send into the void', async () => {
    const node = new DimsePacsNode(nodeSettings({ id: 'no-scp', port: orthanc!.dicomPort, calledAeTitle: 'ORTHANC', retrieve: 'C-MOVE' }), { localScp: undefined });
    await expect(node.retrieve({ studyInstanceUid: ct[0]!.study }, async () => {})).rejects.toMatchObject({ kind: 'refused', nodeId: 'no-scp' });
  });
});

describe('retrieve of a study the node does not have', () => {
  // dcmqrscp answers with no sub-operations at all; Orthanc 1.10 with a failure status (0xC000).
  it.each(METHODS)('is "not-found" from dcmqrscp by %s', async (method) => {
    const node = nodeFor('dcmqrscp', 'DCMQR', method);
    await expect(node.retrieve({ studyInstanceUid: '1.2.826.0.1.3680043.2.1125.1' }, async () => {})).rejects.toMatchObject({ kind: 'not-found', nodeId: 'dcmqrscp' });
  });

  it.each(METHODS)('is the failure Orthanc reports by %s', async (method) => {
    const node = nodeFor('Orthanc', 'ORTHANC', method);
    const err = await node.retrieve({ studyInstanceUid: '1.2.826.0.1.3680043.2.1125.1' }, async () => {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ kind: 'refused', nodeId: 'orthanc' });
    expect((err as Error).message).toMatch(new RegExp(`^Orthanc \\(ORTHANC at 127\\.0\\.0\\.1:\\d+\\): ${method} failed with status 0xC000`));
  });
});
