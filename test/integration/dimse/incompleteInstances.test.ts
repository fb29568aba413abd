/**
 * An incomplete instance on the PACS (a CT slice that says 2 frames but holds the pixel data of one) retrieved
 * by C-GET and by C-MOVE (C-STORE into our SCP) from Orthanc and from dcmqrscp: it is refused with the reason,
 * the retrieve reports it as failed, and the archive holds only the complete instances.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriesUid, studyUid } from '../../../common/dicom/uid';
import { DimsePacsNode } from '../../../electron/services/pacs/dimse/dimsePacsNode';
import { StoreScp } from '../../../electron/services/pacs/dimse/storeScp';
import type { RetrieveProgress } from '../../../electron/services/pacs/pacsNode';
import { startDcmqrscp, type DcmqrscpInstance } from '../../support/dcmqrscp';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { openTestArchive } from '../../support/testArchive';
import { nodeSettings, realCtSlices, syntheticStudy, type SyntheticStudy } from './fixtures';

const run = promisify(execFile);
const PEERS = [
  ['Orthanc', 'ORTHANC'],
  ['dcmqrscp', 'DCMQR'],
] as const;
const METHODS = ['C-GET', 'C-MOVE'] as const;

let scp: StoreScp | undefined;
let orthanc: OrthancInstance | undefined;
let dcmqr: DcmqrscpInstance | undefined;
let study: SyntheticStudy;
let incompleteSop: string;
const dirs: string[] = [];

beforeAll(async () => {
  const tmp = await makeTempDir('dokuei-incomplete-');
  dirs.push(tmp);
  const slices = await realCtSlices(3);
  study = await syntheticStudy(tmp, slices.map((s) => s.path), { patientName: 'Incomplete^Retrieve', patientId: 'INC-RETRIEVE', studyDate: '20240101', accession: 'ACC-INC' });
  // Two frames announced, one frame of pixel data: a valid encoding, an incomplete image.
  const broken = study.files[2]!;
  await run('dcmodify', ['-nb', '-i', '(0028,0008)=2', broken.path]);
  incompleteSop = broken.sop;
  scp = new StoreScp({ settings: { aeTitle: 'DOKUEI', port: 0 }, peers: () => PEERS.map(([name, aet]) => ({ name, aeTitle: aet, host: '127.0.0.1' })) });
  await scp.start();
  orthanc = await startOrthanc({ aet: 'ORTHANC', modalities: { DOKUEI: ['DOKUEI', '127.0.0.1', scp.port] } });
  for (const f of study.files) await orthanc.upload(f.path);
  dcmqr = await startDcmqrscp({ aet: 'DCMQR', moveDestinations: { DOKUEI: scp.port } });
  await dcmqr.store(study.files.map((f) => f.path));
}, 180_000);

afterAll(async () => {
  await scp?.stop();
  await orthanc?.stop();
  await dcmqr?.stop();
  for (const d of dirs) await removeDir(d);
}, 60_000);

describe.each(PEERS)('an incomplete instance retrieved from %s', (name, aet) => {
  it.each(METHODS)('by %s is refused with the reason; only complete instances are stored', async (method) => {
    const port = name === 'Orthanc' ? orthanc!.dicomPort : dcmqr!.port;
    const node = new DimsePacsNode(nodeSettings({ id: name.toLowerCase(), name, port, calledAeTitle: aet, retrieve: method }), { localScp: { aeTitle: 'DOKUEI', port: scp!.port }, scp });
    const root = await makeTempDir('dokuei-incomplete-store-');
    dirs.push(root);
    const store = await openTestArchive(root);
    const refusals: string[] = [];
    try {
      const outcome = await node
        .retrieve({ studyInstanceUid: study.studyUid }, async (bytes) => {
          try {
            await store.put(bytes);
          } catch (err) {
            refusals.push((err as Error).message);
            throw err;
          }
        })
        .then(
          (progress: RetrieveProgress) => ({ progress }),
          (error: Error) => ({ error }),
        );
      expect(refusals).toEqual([expect.stringMatching(/^Incomplete instance: the pixel data holds 524,288 bytes of the 1,048,576 bytes that 512 rows × 512 columns × 2 frames × 16 bits need$/)]);
      const stored = (store.instances(studyUid(study.studyUid), seriesUid(study.seriesUid)) ?? []).map((ds) => String(ds['00080018']?.Value?.[0]));
      const complete = study.files.filter((f) => f.sop !== incompleteSop).map((f) => f.sop).sort();
      if ('progress' in outcome) {
        // The peer carries on after the refusal: every complete instance arrives, the incomplete one is counted failed.
        expect(outcome.progress).toMatchObject({ completed: 2, failed: 1 });
        expect(stored.sort()).toEqual(complete);
      } else {
        // Orthanc 1.10 ends a C-MOVE at its first refused sub-operation (0xC000): the retrieve fails, saying so,
        // and what arrived before is whole.
        expect(`${name} ${method}`).toBe('Orthanc C-MOVE');
        expect(outcome.error.message).toMatch(/C-MOVE failed with status 0xC000/);
        expect(stored.every((sop) => complete.includes(sop))).toBe(true);
      }
    } finally {
      await node.close();
      await store.close();
    }
  });
});
