/**
 * Retrieve job priorities: reader jobs never wait behind prefetch jobs; with every slot busy on prefetch,
 * a reader job preempts one (cancel-and-requeue); stores get the source node and the study's completeness.
 * Ordering is asserted by the order of events, never by wall time.
 */
import { describe, expect, it } from 'vitest';
import type { RetrieveJob } from '../../../../../common/dicom/retrieveJob';
import { RetrieveJobs } from '../../../../../electron/services/jobs/retrieveJobs';
import { FakeStore, Gates, fakeNode, type FakeStudy } from './fakes';

const study = (n: number, instances = 3): FakeStudy => ({ uid: `1.2.826.0.1.${n}`, patientId: 'P1', date: `2024010${n}`, instances });

function runningOrder(updates: RetrieveJob[]): string[] {
  const seen: string[] = [];
  for (const u of updates) if (u.state === 'running' && !seen.includes(u.studyInstanceUid)) seen.push(u.studyInstanceUid);
  return seen;
}

describe('retrieve job priorities', () => {
  it('a reader job started while prefetch jobs wait in the queue runs before them (no preemption)', async () => {
    const studies = [1, 2, 3, 4, 5].map((n) => study(n));
    const gates = new Gates();
    const store = new FakeStore();
    const updates: RetrieveJob[] = [];
    const jobs = new RetrieveJobs({ nodes: () => [fakeNode('a', studies, { gates })], store: store.asStore(), onUpdate: (j) => updates.push(j), concurrency: 2, preempt: false, progressIntervalMs: 0 });
    const prefetch = [];
    for (const s of studies.slice(0, 4)) prefetch.push(await jobs.start({ studyInstanceUid: s.uid, priority: 'prefetch' }));
    const reader = await jobs.start({ studyInstanceUid: studies[4]!.uid });
    expect(jobs.priority(reader.jobId)).toBe('reader');
    expect(jobs.priority(prefetch[0]!.jobId)).toBe('prefetch');
    // Two prefetch jobs hold the slots; the reader job is queued, ahead of prefetch 3 and 4.
    expect(jobs.get(reader.jobId)!.state).toBe('queued');
    gates.release(studies[0]!.uid);
    await jobs.wait(prefetch[0]!.jobId);
    await expect.poll(() => jobs.get(reader.jobId)!.state).not.toBe('queued');
    expect(jobs.get(prefetch[2]!.jobId)!.state).toBe('queued');
    gates.releaseAll(studies.map((s) => s.uid));
    for (const j of [...prefetch, reader]) expect((await jobs.wait(j.jobId)).state).toBe('done');
    expect(runningOrder(updates)).toEqual([studies[0]!.uid, studies[1]!.uid, studies[4]!.uid, studies[2]!.uid, studies[3]!.uid]);
  });

  it('with every slot busy on prefetch, a reader job preempts the newest one, which is requeued and completes later', async () => {
    const studies = [1, 2, 3].map((n) => study(n, 4));
    const gates = new Gates();
    const store = new FakeStore();
    const updates: RetrieveJob[] = [];
    const jobs = new RetrieveJobs({ nodes: () => [fakeNode('a', studies, { gates })], store: store.asStore(), onUpdate: (j) => updates.push(j), concurrency: 1, progressIntervalMs: 0 });
    const a = await jobs.start({ studyInstanceUid: studies[0]!.uid, priority: 'prefetch' });
    const b = await jobs.start({ studyInstanceUid: studies[1]!.uid, priority: 'prefetch' });
    await expect.poll(() => jobs.get(a.jobId)!.completed).toBe(1);
    const reader = await jobs.start({ studyInstanceUid: studies[2]!.uid });
    // Preempted: the prefetch job is back in the queue, and the reader job runs.
    await expect.poll(() => jobs.get(reader.jobId)!.state).toBe('running');
    expect(jobs.get(a.jobId)!.state).toBe('queued');
    let aSettled = false;
    void jobs.wait(a.jobId).then(() => (aSettled = true));
    gates.releaseAll(studies.map((s) => s.uid));
    const readerDone = await jobs.wait(reader.jobId);
    const aDone = await jobs.wait(a.jobId);
    const bDone = await jobs.wait(b.jobId);
    expect(aSettled).toBe(true);
    expect(readerDone.finishedAt! <= aDone.finishedAt!).toBe(true);
    // The requeued job goes back to the head of the prefetch queue (before b), and ends with the full count.
    const readerStart = updates.findIndex((x) => x.jobId === reader.jobId && x.state === 'running');
    expect(runningOrder(updates.slice(readerStart))).toEqual([
      studies[2]!.uid,
      studies[0]!.uid,
      studies[1]!.uid,
    ]);
    expect(aDone).toMatchObject({ state: 'done', completed: 4, total: 4, failed: 0 });
    expect(bDone.state).toBe('done');
    // Re-sent instances were duplicates for the store: each instance is held once.
    expect(store.held.get(studies[0]!.uid)!.size).toBe(4);
    // The finished order: reader, then the requeued prefetch, then the other one.
    const finished = updates.filter((u) => u.finishedAt !== undefined && ['done'].includes(u.state)).map((u) => u.jobId);
    expect(finished).toEqual([reader.jobId, a.jobId, b.jobId]);
  });

  it('reader jobs keep their FIFO order among themselves and never wait for a prefetch job', async () => {
    const studies = [1, 2, 3, 4].map((n) => study(n));
    const gates = new Gates();
    const store = new FakeStore();
    const updates: RetrieveJob[] = [];
    const jobs = new RetrieveJobs({ nodes: () => [fakeNode('a', studies, { gates })], store: store.asStore(), onUpdate: (j) => updates.push(j), concurrency: 1, progressIntervalMs: 0 });
    const p = await jobs.start({ studyInstanceUid: studies[0]!.uid, priority: 'prefetch' });
    const r1 = await jobs.start({ studyInstanceUid: studies[1]!.uid });
    const r2 = await jobs.start({ studyInstanceUid: studies[2]!.uid, priority: 'reader' });
    const p2 = await jobs.start({ studyInstanceUid: studies[3]!.uid, priority: 'prefetch' });
    gates.releaseAll(studies.map((s) => s.uid));
    await Promise.all([p, r1, r2, p2].map((j) => jobs.wait(j.jobId)));
    const done = updates.filter((u) => u.state === 'done').map((u) => u.studyInstanceUid);
    expect(done.indexOf(studies[1]!.uid)).toBeLessThan(done.indexOf(studies[2]!.uid));
    expect(done.indexOf(studies[2]!.uid)).toBeLessThan(done.indexOf(studies[0]!.uid));
    expect(done.indexOf(studies[0]!.uid)).toBeLessThan(done.indexOf(studies[3]!.uid));
  });

  it('passes the source node to the store and marks a whole-study retrieve complete or partial', async () => {
    const studies = [study(1, 2), study(2, 3)];
    const store = new FakeStore();
    const node = fakeNode('onsite', studies);
    const partialNode = { ...node, settings: { ...node.settings, id: 'partial' }, retrieve: node.retrieve.bind(node) };
    // A node that reports one more instance than it sends: the study is partial.
    partialNode.retrieve = async (req, sink, options) => ({ ...(await node.retrieve(req, sink, options)), total: 4 });
    const jobs = new RetrieveJobs({ nodes: () => [node], store: store.asStore() });
    await jobs.wait((await jobs.start({ studyInstanceUid: studies[0]!.uid })).jobId);
    expect(store.puts.every((p) => p.sourceNode === 'onsite')).toBe(true);
    expect(store.states.get(studies[0]!.uid)).toBe('complete');
    const jobs2 = new RetrieveJobs({ nodes: () => [partialNode], store: store.asStore() });
    await jobs2.wait((await jobs2.start({ studyInstanceUid: studies[1]!.uid })).jobId);
    expect(store.states.get(studies[1]!.uid)).toBe('partial');
  });

  it('cancelling a queued job finishes it at once, without waiting for a slot', async () => {
    const studies = [study(1), study(2)];
    const gates = new Gates();
    const jobs = new RetrieveJobs({ nodes: () => [fakeNode('a', studies, { gates })], store: new FakeStore().asStore(), concurrency: 1 });
    const running = await jobs.start({ studyInstanceUid: studies[0]!.uid, priority: 'prefetch' });
    const queued = await jobs.start({ studyInstanceUid: studies[1]!.uid, priority: 'prefetch' });
    expect(jobs.cancel(queued.jobId)).toBe(true);
    expect((await jobs.wait(queued.jobId)).state).toBe('cancelled');
    expect(jobs.get(running.jobId)!.state).toBe('running');
    gates.release(studies[0]!.uid);
    expect((await jobs.wait(running.jobId)).state).toBe('done');
  });
});
