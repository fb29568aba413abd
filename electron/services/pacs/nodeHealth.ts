/**
 * Per-node health as the gateway sees it, from passive failures (connect errors, timeouts, 5xx) and
 * successes, plus optional active probes. An offline node is skipped — not waited on — until its back-off
 * expires (then one request may try it again) or a probe succeeds. The snapshot is what the UI shows.
 *
 * States:
 * - online: the last request succeeded (or nothing is known yet).
 * - degraded: recent failures (timeouts, 5xx) but not enough to give up on the node; still tried.
 * - offline: refused/unreachable, or `offlineAfter` failures in a row; skipped until `retryAt`.
 */

export type NodeState = 'online' | 'degraded' | 'offline';

/** What went wrong: 'unreachable' (connection refused/reset, DNS) is decisive; the others accumulate. */
export type FailureKind = 'unreachable' | 'timeout' | 'server';

export interface NodeHealthEntry {
  name: string;
  state: NodeState;
  consecutiveFailures: number;
  lastFailure?: string;
  lastFailureAt?: number;
  lastSuccessAt?: number;
  /** When an offline node may be tried again (epoch ms). */
  retryAt?: number;
}

export interface NodeHealthOptions {
  /** Clock (epoch ms), for tests. */
  now?: () => number;
  /** Failures in a row (timeouts, 5xx) after which a node is offline. Default 3. */
  offlineAfter?: number;
  /** First back-off of an offline node. Default 5 s; doubles on each failed retry. */
  backoffMs?: number;
  /** Longest back-off. Default 60 s. */
  maxBackoffMs?: number;
}

interface Entry extends NodeHealthEntry {
  backoffMs: number;
}

export class NodeHealth {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly offlineAfter: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(options: NodeHealthOptions = {}) {
    this.now = options.now ?? Date.now;
    this.offlineAfter = Math.max(1, options.offlineAfter ?? 3);
    this.backoffMs = options.backoffMs ?? 5000;
    this.maxBackoffMs = Math.max(this.backoffMs, options.maxBackoffMs ?? 60000);
  }

  private entry(name: string): Entry {
    let e = this.entries.get(name);
    if (!e) {
      e = { name, state: 'online', consecutiveFailures: 0, backoffMs: this.backoffMs };
      this.entries.set(name, e);
    }
    return e;
  }

  state(name: string): NodeState {
    return this.entries.get(name)?.state ?? 'online';
  }

  /** True while the node is offline and its back-off has not expired: callers go to the next node. */
  shouldSkip(name: string): boolean {
    const e = this.entries.get(name);
    return !!e && e.state === 'offline' && e.retryAt !== undefined && this.now() < e.retryAt;
  }

  /** Why a skipped node is skipped, for messages. */
  skipReason(name: string): string {
    const e = this.entries.get(name);
    const wait = e?.retryAt !== undefined ? Math.max(0, Math.ceil((e.retryAt - this.now()) / 1000)) : 0;
    return `${name} is offline${e?.lastFailure ? ` (${e.lastFailure})` : ''}; not tried again for ${wait} s`;
  }

  recordSuccess(name: string): void {
    const e = this.entry(name);
    const changed = e.state !== 'online';
    e.state = 'online';
    e.consecutiveFailures = 0;
    e.retryAt = undefined;
    e.backoffMs = this.backoffMs;
    e.lastSuccessAt = this.now();
    if (changed) this.emit();
  }

  recordFailure(name: string, kind: FailureKind, reason: string): void {
    const e = this.entry(name);
    const before = e.state;
    const now = this.now();
    e.consecutiveFailures++;
    e.lastFailure = reason;
    e.lastFailureAt = now;
    if (before === 'offline') {
      // A retry after the back-off failed: wait longer next time.
      e.backoffMs = Math.min(this.maxBackoffMs, e.backoffMs * 2);
      e.retryAt = now + e.backoffMs;
    } else if (kind === 'unreachable' || e.consecutiveFailures >= this.offlineAfter) {
      e.state = 'offline';
      e.backoffMs = this.backoffMs;
      e.retryAt = now + e.backoffMs;
    } else {
      e.state = 'degraded';
    }
    if (e.state !== before) this.emit();
  }

  /** An active check (e.g. a cheap QIDO); its outcome counts like a request's. Resolves with the new state. */
  async probe(name: string, check: () => Promise<unknown>, classify: (err: unknown) => FailureKind = () => 'unreachable'): Promise<NodeState> {
    try {
      await check();
      this.recordSuccess(name);
    } catch (err) {
      this.recordFailure(name, classify(err), err instanceof Error ? err.message : String(err));
    }
    return this.state(name);
  }

  snapshot(): NodeHealthEntry[] {
    return [...this.entries.values()].map(({ backoffMs: _b, ...rest }) => ({ ...rest }));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // a broken listener must not break reads
      }
    }
  }
}
