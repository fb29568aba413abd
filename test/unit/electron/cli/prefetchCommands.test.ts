/**
 * `dokuei prefetch`: usage errors, queued output, --wait until done, --json shape.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prefetchCommand } from '../../../../electron/cli/prefetchCommands';
import { CliUsageError } from '../../../../electron/cli/pacsCommands';
import { RetrieveJobs } from '../../../../electron/services/jobs/retrieveJobs';
import { Prefetcher } from '../../../../electron/services/prefetch/prefetcher';
import { makeTempDir, removeDir } from '../../../support/tempDir';
import { FakeStore, fakeNode, type FakeStudy } from '../services/jobs/fakes';

const studies: FakeStudy[] = [
  { uid: '1.2.826.0.1.3680043.98.1', patientId: 'P9', date: '20240601', instances: 2 },
  { uid: '1.2.826.0.1.3680043.98.2', patientId: 'P9', date: '20240101', instances: 3 },
  { uid: '1.2.826.0.1.3680043.98.3', patientId: 'P9', date: '20230101', instances: 1 },
];

describe('dokuei prefetch', () => {
  let dir: string;
  let prefetch: Prefetcher;
  let lines: string[];
  const io = () => ({ out: (l: string) => void lines.push(l), err: () => {}, isTty: false });
  beforeEach(async () => {
    dir = await makeTempDir('dokuei-prefetch-cli-');
    const store = new FakeStore();
    const nodes = [fakeNode('onsite', studies)];
    const jobs = new RetrieveJobs({ nodes: () => nodes, store: store.asStore() });
    prefetch = await Prefetcher.open({ jobs, store: store.asStore(), nodes: () => nodes, queueFile: path.join(dir, 'q.enc'), key: randomBytes(32) });
    lines = [];
  });
  afterEach(async () => {
    await prefetch.close();
    await removeDir(dir);
  });

  it('refuses a missing or unknown rule and missing arguments', async () => {
    await expect(prefetchCommand({ prefetch }, {}, false, io())).rejects.toThrow(CliUsageError);
    await expect(prefetchCommand({ prefetch }, { rule: 'yesterday' }, false, io())).rejects.toThrow(/today\|priors\|pinned/);
    await expect(prefetchCommand({ prefetch }, { rule: 'priors' }, false, io())).rejects.toThrow(/--patient-id/);
    await expect(prefetchCommand({ prefetch }, { rule: 'priors', 'patient-id': 'P9', count: '0' }, false, io())).rejects.toThrow(/--count/);
    await expect(prefetchCommand({ prefetch }, { rule: 'pinned' }, false, io())).rejects.toThrow(/--study/);
  });

  it('priors with --wait --json: the queued jobs, then each one done', async () => {
    const code = await prefetchCommand({ prefetch }, { rule: 'priors', 'patient-id': 'P9', count: '1', study: [studies[0]!.uid], wait: true }, true, io());
    expect(code).toBe(0);
    const out = JSON.parse(lines.join('\n')) as { rule: string; waited: boolean; queued: { studyInstanceUid: string }[]; entries: { state: string; completed: number }[] };
    expect(out.rule).toBe('priors');
    expect(out.waited).toBe(true);
    expect(out.queued.map((e) => e.studyInstanceUid)).toEqual([studies[1]!.uid]);
    expect(out.entries).toMatchObject([{ state: 'done', completed: 3 }]);
  });

  it('pinned without --wait prints what it queued', async () => {
    const code = await prefetchCommand({ prefetch }, { rule: 'pinned', study: [studies[2]!.uid] }, false, io());
    expect(code).toBe(0);
    expect(lines[0]).toBe('Queued 1 prefetch job(s); 0 skipped.');
    expect(lines[1]).toContain(studies[2]!.uid);
  });
});
