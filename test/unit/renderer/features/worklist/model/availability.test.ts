/**
 * The study browser's node chips and retrieve progress as keys and values (worded by the component in the reader's
 * language): each state picks its own key, and the numbers a reader reads are the job's and node's own.
 */
import { describe, expect, it } from 'vitest';
import { jobProgress, nodeChips } from '../../../../../../renderer/features/worklist/model/availability';
import type { RetrieveJob } from '../../../../../../common/dicom/retrieveJob';
import { RESOURCES } from '../../../../../../renderer/ui/i18n/i18n';

const job = (over: Partial<RetrieveJob>): RetrieveJob =>
  ({ id: 'j', studyInstanceUid: '1.2', nodeId: 'onsite', nodeName: 'On-site', state: 'running', completed: 3, failed: 0, total: 10, bytes: 3 * 1048576, bytesPerSecond: 0, ...over }) as RetrieveJob;

const exists = (key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], RESOURCES.ja) !== undefined;

describe('nodeChips', () => {
  it('gives counts and time for answering nodes, the reason and the services key for failed ones', () => {
    const chips = nodeChips([
      { nodeId: 'a', name: 'A', role: 'onsite', state: 'ok', ms: 12.4, count: 3 },
      { nodeId: 'b', name: 'B', role: 'offsite', state: 'unreachable', ms: 5000, count: 0, error: 'B: refused', says: { key: 'services.pacs.unreachable', values: { detail: 'B: refused' } } },
    ]);
    expect(chips[0]).toEqual({ nodeId: 'a', label: 'A', state: 'ok', title: { key: 'browser.node.ok', values: { count: 3, ms: 12 } } });
    expect(chips[1]).toMatchObject({ state: 'unreachable', title: { key: 'browser.node.unreachable', values: { reason: 'B: refused' } }, says: { key: 'services.pacs.unreachable' } });
    for (const c of chips) expect(exists(c.title.key), c.title.key).toBe(true);
  });
});

describe('jobProgress', () => {
  it('says each state with its own key and the numbers of the job', () => {
    expect(jobProgress(job({ state: 'queued' }))).toEqual({ key: 'browser.job.queued', values: { node: 'On-site' } });
    expect(jobProgress(job({}))).toEqual({ key: 'browser.job.running', values: { done: '3/10', mb: '3.0' } });
    expect(jobProgress(job({ bytesPerSecond: 2 * 1048576 }))).toEqual({ key: 'browser.job.runningRate', values: { done: '3/10', mb: '3.0', rate: '2.0' } });
    expect(jobProgress(job({ state: 'done', completed: 12 }))).toEqual({ key: 'browser.job.done', values: { count: 12 } });
    expect(jobProgress(job({ state: 'done', completed: 8, failed: 2 }))).toEqual({ key: 'browser.job.doneFailed', values: { failed: 2, done: '8/10' } });
    expect(jobProgress(job({ state: 'cancelled', completed: 4 }))).toEqual({ key: 'browser.job.cancelled', values: { count: 4 } });
    expect(jobProgress(job({ state: 'failed', error: 'gone' }))).toEqual({ key: 'browser.job.failed', values: { reason: 'gone' } });
    for (const state of ['queued', 'running', 'done', 'cancelled', 'failed'] as const) expect(exists(jobProgress(job({ state })).key)).toBe(true);
  });
});
