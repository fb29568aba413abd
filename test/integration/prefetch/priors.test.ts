/**
 * The Prefetch test, against a real Orthanc (DICOMweb) holding four studies of one patient: the
 * demo CT (the study being read) and three priors made from copies of a few demo slices with rewritten
 * UIDs (same-length prefix swap, so the files stay valid) and earlier dates.
 *   1. Opening the study queues its priors in the background; a foreground retrieve started afterwards is
 *      never queued behind them: it starts before every prefetch job that was still waiting, and before any
 *      prefetch job finishes (it preempts one). Asserted on the order of job events, not on wall time.
 *   2. The services are closed mid-prefetch (right after the first prior instance lands); reopened on the
 *      same data folder, the prefetch resumes by itself and completes every prior, instance counts exact.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetrieveJob } from '../../../common/dicom/retrieveJob';
import { studyUid } from '../../../common/dicom/uid';
import type { Services } from '../../../electron/services/app/createServices';
import type { SettingsInput } from '../../../electron/services/settings/settings';
import { demoCtDir, dicomFilesIn } from '../../support/data';
import { readDicomFile } from '../../support/dicomFiles';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { createTestServices } from '../../support/testServices';

const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.265704884949271879044145982159';
const UID_PREFIX = Buffer.from('1.3.6.1.4.1.14519.5.2.1.6279.6001.');
const DEMO_DATE = Buffer.from('20000101');
const PRIOR_SLICES = 8;

/** Every occurrence of `from` replaced by `to` (same length, so element lengths stay right). */
function swap(buf: Buffer, from: Buffer, to: Buffer): Buffer {
  const out = Buffer.from(buf);
  for (let i = out.indexOf(from); i >= 0; i = out.indexOf(from, i + to.length)) to.copy(out, i);
  return out;
}

function priorCopy(file: string, k: number): Buffer {
  const bytes = readFileSync(file);
  const uids = swap(bytes, UID_PREFIX, Buffer.from(`1.3.6.1.4.1.14519.5.2.1.6279.700${k}.`));
  return swap(uids, DEMO_DATE, Buffer.from(`199${9 - k}0101`));
}

describe('prefetch of priors against a real Orthanc', () => {
  let orthanc: OrthancInstance;
  let settings: SettingsInput;
  const dirs: string[] = [];
  const open: Services[] = [];
  let patientId: string;
  const priorUids: string[] = [];

  const start = async (dataDir: string) => {
    const s = await createTestServices(dataDir, settings, { seedDemo: false });
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    const ct = dicomFilesIn(demoCtDir());
    patientId = (await readDicomFile(ct[0]!)).patientId;
    orthanc = await startOrthanc({ name: 'PrefetchPACS' });
    await orthanc.uploadDir(demoCtDir());
    for (const k of [1, 2, 3]) {
      const copies = ct.slice(0, PRIOR_SLICES).map((f) => priorCopy(f, k));
      for (const c of copies) await orthanc.upload(new Uint8Array(c));
      priorUids.push(swap(Buffer.from(CT_STUDY), UID_PREFIX, Buffer.from(`1.3.6.1.4.1.14519.5.2.1.6279.700${k}.`)).toString());
    }
    settings = {
      nodes: [{ id: 'onsite', name: 'On-site PACS', role: 'onsite', priority: 10, kind: 'dicomweb', url: orthanc.dicomwebUrl, connectTimeoutMs: 2000, timeoutMs: 10000 }],
    };
  });

  afterAll(async () => {
    for (const s of open) await s.close().catch(() => undefined);
    await orthanc?.stop();
    for (const d of dirs) await removeDir(d);
  });

  it('priors fetch in the background while a foreground retrieve started later is served first', async () => {
    const dataDir = await makeTempDir('dokuei-prefetch-a-');
    dirs.push(dataDir);
    const services = await start(dataDir);
    const events: RetrieveJob[] = [];
    services.onRetrieveProgress((j) => events.push(j));

    const outcome = await services.prefetch.onStudyOpened(CT_STUDY, patientId);
    // Newest first: the three priors (the opened study is left out).
    expect(outcome.queued.map((e) => e.studyInstanceUid)).toEqual(priorUids);
    const prefetchJobs = outcome.queued.map((e) => e.jobId!);
    expect(prefetchJobs.every((id) => services.jobs.priority(id) === 'prefetch')).toBe(true);

    // The reader opens the study: a foreground retrieve, requested while the prefetch runs.
    const waitingAtRequest = prefetchJobs.filter((id) => services.jobs.get(id)!.state === 'queued');
    expect(waitingAtRequest.length).toBeGreaterThan(0); // two slots, three priors: one is waiting
    const reader = await services.jobs.start({ studyInstanceUid: CT_STUDY, nodeId: 'onsite' });
    expect(services.jobs.priority(reader.jobId)).toBe('reader');
    const readerDone = await services.jobs.wait(reader.jobId);
    expect(readerDone).toMatchObject({ state: 'done', completed: 64, failed: 0 });
    await services.prefetch.whenIdle();

    const idx = (jobId: string, state: RetrieveJob['state']) => events.findIndex((e) => e.jobId === jobId && e.state === state);
    const lastIdx = (jobId: string, state: RetrieveJob['state']) => events.findLastIndex((e) => e.jobId === jobId && e.state === state);
    const readerStart = idx(reader.jobId, 'running');
    expect(readerStart).toBeGreaterThanOrEqual(0);
    // Never queued behind prefetch: it started before every prefetch job that was still waiting…
    for (const id of waitingAtRequest) expect(readerStart).toBeLessThan(idx(id, 'running'));
    // …and before any prefetch job finished (every slot was busy with prefetch: one was preempted).
    for (const id of prefetchJobs) expect(readerStart).toBeLessThan(idx(id, 'done'));
    const preempted = prefetchJobs.filter((id) => events.some((e, i) => e.jobId === id && e.state === 'queued' && i > idx(id, 'running')));
    expect(preempted.length).toBe(1);
    // The preempted job ran again after the reader started, and ended with every instance.
    expect(lastIdx(preempted[0]!, 'running')).toBeGreaterThan(readerStart);

    for (const e of services.prefetch.list()) expect(e).toMatchObject({ state: 'done', completed: PRIOR_SLICES, total: PRIOR_SLICES, failed: 0 });
    for (const uid of priorUids) expect(services.store.instances(studyUid(uid))).toHaveLength(PRIOR_SLICES);
    expect(services.store.counts().instances).toBe(64 + 3 * PRIOR_SLICES);
    // The archive knows the priors are complete: opening the study again queues nothing.
    const again = await services.prefetch.onStudyOpened(CT_STUDY, patientId);
    expect(again.queued).toEqual([]);
    expect(again.skipped.map((s) => s.reason)).toEqual(['local', 'local', 'local']);
  });

  it('a restart mid-prefetch resumes the queue and completes it with the remaining instances', async () => {
    const dataDir = await makeTempDir('dokuei-prefetch-b-');
    dirs.push(dataDir);
    const first = await start(dataDir);
    let closing: Promise<void> | undefined;
    // Stop everything as soon as the first prior instance is stored: the prefetch is mid-transfer.
    first.store.onChange(() => {
      closing ??= first.close();
    });
    const outcome = await first.prefetch.onStudyOpened(CT_STUDY, patientId);
    expect(outcome.queued).toHaveLength(3);
    await expect.poll(() => closing !== undefined, { timeout: 60000 }).toBe(true);
    await closing;
    const storedBefore = priorUids.map((uid) => first.store.instances(studyUid(uid))?.length ?? 0);
    const totalBefore = storedBefore.reduce((a, b) => a + b, 0);
    expect(totalBefore).toBeGreaterThan(0);
    expect(totalBefore).toBeLessThan(3 * PRIOR_SLICES);
    expect(first.prefetch.list().every((e) => e.state === 'queued')).toBe(true);

    // Reopen on the same data folder: nothing is asked again, the queue resumes by itself.
    const second = await start(dataDir);
    const resumed = second.prefetch.list();
    expect(resumed.map((e) => e.studyInstanceUid).sort()).toEqual([...priorUids].sort());
    expect(resumed.every((e) => e.resumed && e.rule === 'priors' && e.patientId === patientId)).toBe(true);
    expect(second.store.counts().instances).toBe(totalBefore);
    await second.prefetch.whenIdle();
    for (const e of second.prefetch.list()) expect(e).toMatchObject({ state: 'done', completed: PRIOR_SLICES, total: PRIOR_SLICES, failed: 0 });
    for (const uid of priorUids) {
      expect(second.store.instances(studyUid(uid))).toHaveLength(PRIOR_SLICES);
      expect((second.store as unknown as { studyState(s: string): string | undefined }).studyState(uid)).toBe('complete');
    }
    expect(second.store.counts().instances).toBe(3 * PRIOR_SLICES);
    await second.close();
    // Done entries leave the queue: a third start has nothing to resume.
    const third = await start(dataDir);
    expect(third.prefetch.list()).toEqual([]);
    await third.close();
  });
});
