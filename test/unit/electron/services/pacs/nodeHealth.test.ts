import { describe, expect, it } from 'vitest';
import { NodeHealth } from '../../../../../electron/services/pacs/nodeHealth';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('NodeHealth', () => {
  it('an unknown node is online and not skipped', () => {
    const h = new NodeHealth({ now: clock().now });
    expect(h.state('A')).toBe('online');
    expect(h.shouldSkip('A')).toBe(false);
    expect(h.snapshot()).toEqual([]);
  });

  it('a refused connection takes a node offline at once; it is skipped until the back-off expires', () => {
    const c = clock();
    const h = new NodeHealth({ now: c.now, backoffMs: 5000 });
    h.recordFailure('A', 'unreachable', 'connection refused');
    expect(h.state('A')).toBe('offline');
    expect(h.shouldSkip('A')).toBe(true);
    expect(h.skipReason('A')).toMatch(/^A is offline \(connection refused\); not tried again for 5 s$/);
    c.advance(4999);
    expect(h.shouldSkip('A')).toBe(true);
    c.advance(1);
    expect(h.shouldSkip('A')).toBe(false); // one request may try it again
    expect(h.state('A')).toBe('offline');
  });

  it('timeouts and 5xx degrade first, and go offline after offlineAfter failures in a row', () => {
    const h = new NodeHealth({ now: clock().now, offlineAfter: 3 });
    h.recordFailure('A', 'timeout', 'slow');
    expect(h.state('A')).toBe('degraded');
    expect(h.shouldSkip('A')).toBe(false);
    h.recordFailure('A', 'server', 'HTTP 503');
    expect(h.state('A')).toBe('degraded');
    h.recordFailure('A', 'timeout', 'slow');
    expect(h.state('A')).toBe('offline');
    expect(h.shouldSkip('A')).toBe(true);
  });

  it('a success in between resets the count; a success brings an offline node back online', () => {
    const c = clock();
    const h = new NodeHealth({ now: c.now, offlineAfter: 2 });
    h.recordFailure('A', 'timeout', 'slow');
    h.recordSuccess('A');
    expect(h.state('A')).toBe('online');
    h.recordFailure('A', 'timeout', 'slow');
    expect(h.state('A')).toBe('degraded');
    h.recordFailure('A', 'unreachable', 'reset');
    expect(h.state('A')).toBe('offline');
    h.recordSuccess('A');
    expect(h.state('A')).toBe('online');
    expect(h.shouldSkip('A')).toBe(false);
    expect(h.snapshot()[0]).toMatchObject({ name: 'A', state: 'online', consecutiveFailures: 0, lastSuccessAt: c.now() });
  });

  it('a failed retry after the back-off doubles it, up to the maximum', () => {
    const c = clock();
    const h = new NodeHealth({ now: c.now, backoffMs: 1000, maxBackoffMs: 3000 });
    h.recordFailure('A', 'unreachable', 'refused');
    expect(h.snapshot()[0]!.retryAt).toBe(c.now() + 1000);
    c.advance(1000);
    h.recordFailure('A', 'unreachable', 'refused');
    expect(h.snapshot()[0]!.retryAt).toBe(c.now() + 2000);
    c.advance(2000);
    h.recordFailure('A', 'timeout', 'slow');
    expect(h.snapshot()[0]!.retryAt).toBe(c.now() + 3000);
    c.advance(3000);
    h.recordSuccess('A');
    h.recordFailure('A', 'unreachable', 'refused');
    expect(h.snapshot()[0]!.retryAt).toBe(c.now() + 1000); // back to the first back-off after recovering
  });

  it('probes count like requests, and listeners hear state changes only', async () => {
    const c = clock();
    const h = new NodeHealth({ now: c.now });
    const changes: string[] = [];
    h.onChange(() => changes.push(h.state('A')));
    expect(await h.probe('A', () => Promise.reject(new Error('ECONNREFUSED')))).toBe('offline');
    expect(h.snapshot()[0]!.lastFailure).toBe('ECONNREFUSED');
    expect(await h.probe('A', () => Promise.resolve())).toBe('online');
    h.recordSuccess('A');
    expect(changes).toEqual(['offline', 'online']);
  });

  it('keeps nodes apart', () => {
    const h = new NodeHealth({ now: clock().now });
    h.recordFailure('A', 'unreachable', 'refused');
    expect(h.state('B')).toBe('online');
    h.recordSuccess('B');
    expect(h.snapshot().map((e) => [e.name, e.state])).toEqual([
      ['A', 'offline'],
      ['B', 'online'],
    ]);
  });
});
