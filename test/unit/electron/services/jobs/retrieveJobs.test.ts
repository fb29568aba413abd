/**
 * Retrieve jobs: node choice, progress, cancel, failures. The node is an in-process PacsNode double that
 * hands real DICOM files to the sink (protocols are tested against real peers in test/integration).
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RetrieveJob } from '../../../../../common/dicom/retrieveJob';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { RetrieveJobError, RetrieveJobs } from '../../../../../electron/services/jobs/retrieveJobs';
import { PacsError, type PacsNode, type RetrieveRequest } from '../../../../../electron/services/pacs/pacsNode';
import { NodeSettings } from '../../../../../electron/services/settings/settings';
import { demoCtDir, dicomFilesIn } from '../../../../support/data';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

const files = dicomFilesIn(demoCtDir()).slice(0, 6).map((f) => new Uint8Array(readFileSync(f)));
const STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.265704884949271879044145982159';

function fileNode(id: string, priority: number, opts: { holds?: boolean; gate?: Promise<void>; corruptSecond?: boolean } = {}) {
  const settings = NodeSettings.parse({ id, name: `${id} PACS`, priority, kind: 'dicomweb', url: 'http://127.0.0.1:9/x' });
  const requests: RetrieveRequest[] = [];
  const n: PacsNode = {
    settings,
    echo: async () => 1,
    // Like a node that ignores the study key: it always answers with what it has.
    find: async () => (opts.holds === false ? [{ '0020000D': { vr: 'UI', Value: ['1.2.999'] } }] : [{ '0020000D': { vr: 'UI', Value: [STUDY] } }]),
    async retrieve(request, sink, options) {
      requests.push(request);
      let completed = 0;
      let failed = 0;
      let bytes = 0;
      for (const [i, f] of files.entries()) {
        if (i === 2 && opts.gate) await opts.gate;
        if (options?.signal?.aborted) throw new PacsError('cancelled', id, 'Retrieve cancelled');
        try {
          await sink(opts.corruptSecond && i === 1 ? f.subarray(0, 100) : f);
          completed++;
          bytes += f.byteLength;
        } catch {
          failed++;
        }
        options?.onProgress?.({ completed, failed, total: files.length, bytes });
      }
      return { completed, failed, total: files.length, bytes };
    },
  };
  return { node: n, requests };
}

describe('retrieve jobs', () => {
  let dir: string;
  let store: EncryptedArchive;
  let updates: RetrieveJob[];
  beforeEach(async () => {
    dir = await makeTempDir();
    store = await openTestArchive(dir);
    updates = [];
  });
  afterEach(async () => {
    await store.close();
    await removeDir(dir);
  });

  it('retrieves from the first node by priority that holds the study, into the store, with progress', async () => {
    const offsite = fileNode('offsite', 20);
    const onsite = fileNode('onsite', 10, { holds: false });
    const other = fileNode('other', 15);
    const jobs = new RetrieveJobs({ nodes: () => [offsite.node, onsite.node, other.node], store, onUpdate: (j) => updates.push(j), progressIntervalMs: 0 });
    const started = await jobs.start({ studyInstanceUid: STUDY });
    expect(started).toMatchObject({ nodeId: 'other', state: 'queued' });
    const done = await jobs.wait(started.jobId);
    expect(done).toMatchObject({ state: 'done', completed: 6, failed: 0, total: 6 });
    expect(done.bytes).toBe(files.reduce((n, f) => n + f.byteLength, 0));
    expect(store.counts().instances).toBe(6);
    expect(other.requests).toEqual([{ studyInstanceUid: STUDY, seriesInstanceUid: undefined }]);
    const completedSeries = updates.map((u) => u.completed);
    expect(completedSeries).toEqual([...completedSeries].sort((a, b) => a - b));
    expect(updates.at(-1)!.state).toBe('done');
  });

  it('cancel stops the transfer; only complete instances are stored', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const slow = fileNode('slow', 1, { gate });
    const jobs = new RetrieveJobs({ nodes: () => [slow.node], store, onUpdate: (j) => updates.push(j), progressIntervalMs: 0 });
    const job = await jobs.start({ studyInstanceUid: STUDY, nodeId: 'slow' });
    await expect.poll(() => jobs.get(job.jobId)?.completed).toBe(2);
    expect(jobs.cancel(job.jobId)).toBe(true);
    open();
    const done = await jobs.wait(job.jobId);
    expect(done.state).toBe('cancelled');
    expect(store.counts().instances).toBe(2);
    expect(jobs.cancel(job.jobId)).toBe(false); // already finished
  });

  it('reports instances that could not be stored, and refuses an unknown node or a study nobody has', async () => {
    const bad = fileNode('bad', 1, { corruptSecond: true });
    const jobs = new RetrieveJobs({ nodes: () => [bad.node], store });
    const done = await jobs.wait((await jobs.start({ studyInstanceUid: STUDY })).jobId);
    expect(done).toMatchObject({ state: 'done', completed: 5, failed: 1, error: '1 instance(s) could not be retrieved or stored' });
    await expect(jobs.start({ studyInstanceUid: STUDY, nodeId: 'nope' })).rejects.toThrow(/No enabled node "nope" \(configured: bad\)/);
    const empty = new RetrieveJobs({ nodes: () => [fileNode('e', 1, { holds: false }).node], store });
    await expect(empty.start({ studyInstanceUid: '1.2.3' })).rejects.toThrow(RetrieveJobError);
    await expect(new RetrieveJobs({ nodes: () => [], store }).start({ studyInstanceUid: '1.2.3' })).rejects.toThrow('No PACS node is configured');
  });

  it('a node failing mid-transfer fails the job with its message', async () => {
    const failing = fileNode('f', 1);
    failing.node.retrieve = async () => {
      throw new PacsError('unreachable', 'f', 'f PACS is unreachable: connection reset');
    };
    const jobs = new RetrieveJobs({ nodes: () => [failing.node], store });
    const done = await jobs.wait((await jobs.start({ studyInstanceUid: STUDY })).jobId);
    expect(done).toMatchObject({ state: 'failed', error: 'f PACS is unreachable: connection reset' });
  });
});
