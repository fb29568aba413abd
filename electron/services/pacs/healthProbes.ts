/**
 * Active health probes: every interval, each enabled node that is not known to be online is pinged (C-ECHO or
 * a cheap QIDO), so an off-site link that comes back is noticed without waiting for a reader's request, and
 * one that went down is noticed before the reader needs it. Passive failures come from reads and searches.
 */
import type { NodeHealth } from './nodeHealth';
import { describeFailure } from './federatedSearch';
import type { PacsNode } from './pacsNode';

export interface HealthProbeOptions {
  nodes: () => readonly PacsNode[];
  health: NodeHealth;
  /** Default 30 s. */
  intervalMs?: number;
}

/** Probes once: offline and degraded nodes always, online ones too when `all` (start-up). */
export async function probeNodes(nodes: readonly PacsNode[], health: NodeHealth, all = false): Promise<void> {
  const due = nodes.filter((n) => n.settings.enabled && (all || health.state(n.settings.name) !== 'online'));
  await Promise.all(
    due.map((n) =>
      health.probe(
        n.settings.name,
        () => n.echo(AbortSignal.timeout(n.settings.connectTimeoutMs + n.settings.timeoutMs)),
        (err) => (describeFailure(err).state === 'unreachable' ? 'unreachable' : 'server'),
      ),
    ),
  );
}

/** Starts the periodic probes; the returned function stops them. The timer never keeps the process alive. */
export function startHealthProbes(options: HealthProbeOptions): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    void probeNodes(options.nodes(), options.health).finally(() => (running = false));
  };
  const timer = setInterval(tick, options.intervalMs ?? 30000);
  timer.unref();
  return () => clearInterval(timer);
}
