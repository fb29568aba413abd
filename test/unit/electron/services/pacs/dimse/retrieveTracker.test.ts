import { describe, expect, it } from 'vitest';
import type { RetrieveProgress } from '../../../../../../electron/services/pacs/pacsNode';
import { STATUS_CANNOT_UNDERSTAND, STATUS_REFUSED, sinkFailureStatus } from '../../../../../../electron/services/pacs/dimse/dimseErrors';
import { RetrieveTracker } from '../../../../../../electron/services/pacs/dimse/retrieveTracker';

const bytes = (n: number) => new Uint8Array(n);

describe('RetrieveTracker', () => {
  it('counts stored instances and bytes and reports each step', async () => {
    const seen: RetrieveProgress[] = [];
    const tracker = new RetrieveTracker(async () => {}, (p) => seen.push(p));
    expect(await tracker.accept(bytes(10))).toBe(0);
    expect(await tracker.accept(bytes(5))).toBe(0);
    expect(tracker.progress()).toEqual({ completed: 2, failed: 0, bytes: 15 });
    expect(seen.map((p) => p.completed)).toEqual([1, 2]);
  });

  it('answers a failure status when the sink throws, by kind of failure', async () => {
    const tracker = new RetrieveTracker(async (b) => {
      if (b.byteLength === 1) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      throw new Error('Not a DICOM Part 10 file');
    });
    expect(await tracker.accept(bytes(1))).toBe(STATUS_REFUSED);
    expect(await tracker.accept(bytes(2))).toBe(STATUS_CANNOT_UNDERSTAND);
    expect(tracker.progress()).toMatchObject({ completed: 0, failed: 2, bytes: 0 });
    expect(sinkFailureStatus(undefined)).toBe(STATUS_CANNOT_UNDERSTAND);
  });

  it('hands instances to the sink one at a time, in arrival order', async () => {
    const order: number[] = [];
    let inSink = 0;
    let maxInSink = 0;
    const tracker = new RetrieveTracker(async (b) => {
      inSink++;
      maxInSink = Math.max(maxInSink, inSink);
      await new Promise((r) => setTimeout(r, 5 - b.byteLength));
      order.push(b.byteLength);
      inSink--;
    });
    await Promise.all([1, 2, 3, 4].map((n) => tracker.accept(bytes(n))));
    expect(order).toEqual([1, 2, 3, 4]);
    expect(maxInSink).toBe(1);
  });

  it('after cancel, lets the instance being written finish and refuses the rest', async () => {
    let release!: () => void;
    const written: number[] = [];
    const tracker = new RetrieveTracker(async (b) => {
      if (b.byteLength === 1) await new Promise<void>((r) => (release = r));
      written.push(b.byteLength);
    });
    const first = tracker.accept(bytes(1));
    const second = tracker.accept(bytes(2));
    await new Promise((r) => setTimeout(r, 0));
    tracker.cancel();
    let idle = false;
    const waiting = tracker.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(idle).toBe(false);
    release();
    await waiting;
    expect(await first).toBe(0);
    expect(await second).toBe(STATUS_REFUSED);
    expect(written).toEqual([1]);
  });

  it('takes the total from the peer, and nothing remains after its final response', () => {
    const tracker = new RetrieveTracker(async () => {});
    tracker.peerResponse({ remaining: 4, completed: 1, failed: 0, warning: 0 }, false);
    expect(tracker.progress().total).toBe(5);
    // Orthanc 1.10 repeats "remaining: 1" in its final C-MOVE response.
    tracker.peerResponse({ remaining: 1, completed: 5, failed: 0, warning: 0 }, true);
    expect(tracker.progress().total).toBe(5);
    expect(tracker.peerCompleted).toBe(5);
  });

  it('counts the peer\'s failures when it knows of more than we do', () => {
    const tracker = new RetrieveTracker(async () => {});
    tracker.peerResponse({ remaining: 0, completed: 3, failed: 2 }, true);
    expect(tracker.progress()).toMatchObject({ failed: 2, total: 5 });
  });

  it('survives a progress listener that throws', async () => {
    const tracker = new RetrieveTracker(async () => {}, () => {
      throw new Error('listener bug');
    });
    expect(await tracker.accept(bytes(1))).toBe(0);
  });
});
