/**
 * Prefetch rules (priors, query, pinned) and the resumable, encrypted queue file.
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { EnvKeyProvider } from '../../../../../electron/services/archive/keyProvider';
import { RetrieveJobs } from '../../../../../electron/services/jobs/retrieveJobs';
import { Prefetcher } from '../../../../../electron/services/prefetch/prefetcher';
import { prefetchQueueKey } from '../../../../../electron/services/prefetch/queueFile';
import { priorsRule, todayQuery } from '../../../../../electron/services/prefetch/rules';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { FakeStore, Gates, fakeNode, type FakeStudy } from '../jobs/fakes';

const PATIENT = 'PAT-7731-XQ';
const mk = (n: number, date: string, patientId = PATIENT, instances = 3): FakeStudy => ({ uid: `1.2.826.0.1.3680043.99.${n}`, patientId, date, instances });
const opened = mk(1, '20240601');
const priors = [mk(2, '20240501'), mk(3, '20240301'), mk(4, '20231201'), mk(5, '20230101')];
const otherPatient = mk(9, '20240515', 'SOMEONE-ELSE');
const all = [opened, ...priors, otherPatient];

describe('prefetch rules', () => {
  it('priors: the N most recent other studies of the patient, skipping the opened one and local ones', async () => {
    const store = new FakeStore();
    const node = fakeNode('onsite', all);
    const a = await priorsRule([node], store.asStore(), PATIENT, { count: 2, openedStudyUid: opened.uid });
    expect(a.candidates.map((c) => c.studyInstanceUid)).toEqual([priors[0]!.uid, priors[1]!.uid]);
    expect(a.candidates[0]).toMatchObject({ patientId: PATIENT, nodeId: 'onsite', numberOfInstances: 3 });
    // The newest prior is complete locally: skipped, and it still counts toward N.
    await store.setStudyState(priors[0]!.uid, 'complete');
    const b = await priorsRule([node], store.asStore(), PATIENT, { count: 2, openedStudyUid: opened.uid });
    expect(b.candidates.map((c) => c.studyInstanceUid)).toEqual([priors[1]!.uid]);
    expect(b.skipped).toEqual([{ studyInstanceUid: priors[0]!.uid, reason: 'local' }]);
    // A store without completeness flags: holding every instance the node lists counts as local too.
    for (let i = 0; i < 3; i++) await store.put(new TextEncoder().encode(`${priors[1]!.uid}|${i}`));
    const c = await priorsRule([node], store.asStore(), PATIENT, { count: 3, openedStudyUid: opened.uid });
    expect(c.candidates.map((x) => x.studyInstanceUid)).toEqual([priors[2]!.uid]);
  });

  it('query rule (today) and pinned list through the Prefetcher; already queued studies are skipped', async () => {
    const dir = await makeTempDir('dokuei-prefetch-');
    try {
      const today = todayQuery(new Date(2024, 5, 1));
      expect(today).toEqual({ studyDateFrom: '20240601', studyDateTo: '20240601' });
      const gates = new Gates();
      const store = new FakeStore();
      const nodes = [fakeNode('onsite', all, { gates })];
      const jobs = new RetrieveJobs({ nodes: () => nodes, store: store.asStore(), concurrency: 1 });
      const prefetcher = await Prefetcher.open({ jobs, store: store.asStore(), nodes: () => nodes, queueFile: path.join(dir, 'q.enc'), key: randomBytes(32), now: () => new Date(2024, 5, 1) });
      // The fake node ignores StudyDate, so every study of the node matches "today" here.
      const q = await prefetcher.queueToday();
      expect(q.queued.map((e) => e.studyInstanceUid).sort()).toEqual(all.map((s) => s.uid).sort());
      expect(q.queued.every((e) => e.rule === 'query' && e.jobId && jobs.priority(e.jobId) === 'prefetch')).toBe(true);
      const p = await prefetcher.queuePinned([priors[0]!.uid, '1.2.826.0.1.3680043.99.77']);
      expect(p.queued).toEqual([]);
      expect(p.skipped.map((s) => s.reason)).toEqual(['queued']);
      expect(p.errors.join()).toMatch(/No node holds study 1\.2\.826\.0\.1\.3680043\.99\.77/);
      expect(store.pins.has(priors[0]!.uid)).toBe(true);
      gates.releaseAll(all.map((s) => s.uid));
      await prefetcher.whenIdle();
      expect(prefetcher.list().filter((e) => e.state === 'done')).toHaveLength(all.length);
      expect(prefetcher.list().find((e) => e.studyInstanceUid === '1.2.826.0.1.3680043.99.77')?.state).toBe('failed');
      await prefetcher.close();
    } finally {
      await removeDir(dir);
    }
  });
});

describe('prefetch queue persistence', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('dokuei-prefetchq-');
  });
  afterEach(() => removeDir(dir));

  it('keeps no UID or patient ID in plaintext and resumes pending jobs after a restart', async () => {
    const key = randomBytes(32);
    const file = path.join(dir, 'prefetch-queue.enc');
    const store = new FakeStore();
    const gates = new Gates();
    const nodes = [fakeNode('onsite', all, { gates })];
    const jobs = new RetrieveJobs({ nodes: () => nodes, store: store.asStore(), concurrency: 1 });
    const first = await Prefetcher.open({ jobs, store: store.asStore(), nodes: () => nodes, queueFile: file, key, priorsCount: 3 });
    const out = await first.onStudyOpened(opened.uid, PATIENT);
    expect(out.queued.map((e) => e.studyInstanceUid)).toEqual(priors.slice(0, 3).map((s) => s.uid));
    // The first prior is mid-transfer (1 of 3 instances), the others wait.
    await expect.poll(() => store.held.get(priors[0]!.uid)?.size ?? 0).toBe(1);

    const raw = await fs.readFile(file);
    const text = [raw.toString('latin1'), raw.toString('hex'), raw.toString('base64')];
    for (const secret of [PATIENT, ...priors.map((s) => s.uid), '1.2.826.0.1.3680043', 'priors']) {
      for (const t of text) expect(t.includes(secret), secret).toBe(false);
    }
    expect((await fs.stat(file)).mode & 0o077).toBe(0);
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    await first.close();
    expect(first.list().every((e) => e.state === 'queued')).toBe(true);
    expect(store.held.get(priors[0]!.uid)!.size).toBeLessThan(3);

    // "Restart": a new job queue and prefetcher on the same file; the node now answers at once.
    const jobs2 = new RetrieveJobs({ nodes: () => nodes, store: store.asStore(), concurrency: 1 });
    gates.releaseAll(all.map((s) => s.uid));
    const second = await Prefetcher.open({ jobs: jobs2, store: store.asStore(), nodes: () => nodes, queueFile: file, key });
    expect(second.list().map((e) => [e.studyInstanceUid, e.patientId, e.rule, e.resumed])).toEqual(priors.slice(0, 3).map((s) => [s.uid, PATIENT, 'priors', true]));
    await second.whenIdle();
    const done = second.list();
    expect(done.map((e) => e.state)).toEqual(['done', 'done', 'done']);
    // Counts run to the study's total, although the first instance was already here (a duplicate).
    expect(done[0]).toMatchObject({ completed: 3, total: 3, failed: 0 });
    for (const s of priors.slice(0, 3)) expect(store.held.get(s.uid)!.size).toBe(3);
    await second.close();
    // Nothing left to resume.
    const third = await Prefetcher.open({ jobs: jobs2, store: store.asStore(), nodes: () => nodes, queueFile: file, key });
    expect(third.list()).toEqual([]);
    await third.close();
  });

  it('a queue file this key cannot read is set aside with a notice, not trusted', async () => {
    const file = path.join(dir, 'prefetch-queue.enc');
    const store = new FakeStore();
    const nodes = [fakeNode('onsite', all, { gates: new Gates() })];
    const jobs = new RetrieveJobs({ nodes: () => nodes, store: store.asStore() });
    const a = await Prefetcher.open({ jobs, store: store.asStore(), nodes: () => nodes, queueFile: file, key: randomBytes(32) });
    await a.queuePinned([priors[3]!.uid]);
    await a.close();
    const b = await Prefetcher.open({ jobs, store: store.asStore(), nodes: () => nodes, queueFile: file, key: randomBytes(32) });
    expect(b.list()).toEqual([]);
    expect(b.notices.join()).toMatch(/could not be read.*set aside/);
    expect((await fs.readdir(dir)).some((f) => f.startsWith('prefetch-queue.enc.unreadable-'))).toBe(true);
  });

  it('derives the queue key from the archive data key through the same KeyProvider', async () => {
    const env = { DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') };
    const provider = new EnvKeyProvider(env);
    const archive = await EncryptedArchive.open(path.join(dir, 'archive'), { keyProvider: provider });
    await archive.close();
    const k1 = await prefetchQueueKey(path.join(dir, 'archive'), provider);
    const k2 = await prefetchQueueKey(path.join(dir, 'archive'), new EnvKeyProvider(env));
    expect(k1).toHaveLength(32);
    expect(k1.equals(k2)).toBe(true);
    await expect(prefetchQueueKey(path.join(dir, 'nowhere'), provider)).rejects.toThrow(/open the archive first/);
  });
});
