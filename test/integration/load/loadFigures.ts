/**
 * The load area's figure line of the hardening runs (issue 16), printed by the load test and read back by a
 * runner (`npm run test:hardening`):
 *
 *   load: 412 requests / errors 0 / p99 event-loop lag 38.2 ms
 */

export interface LoadFigures {
  requests: number;
  errors: number;
  /** The host's event-loop delay, 99th percentile, over the loaded phase. */
  p99LagMs: number;
}

export function loadLine(f: LoadFigures, label = 'load'): string {
  return `${label}: ${f.requests} requests / errors ${f.errors} / p99 event-loop lag ${f.p99LagMs.toFixed(1)} ms`;
}

/** The figures of a line written by loadLine(), or undefined when it is not one. */
export function parseLoadLine(line: string): (LoadFigures & { label: string }) | undefined {
  const m = /^(.+?): (\d+) requests \/ errors (\d+) \/ p99 event-loop lag ([0-9.]+) ms\s*$/.exec(line.trim());
  if (!m) return undefined;
  return { label: m[1]!, requests: Number(m[2]), errors: Number(m[3]), p99LagMs: Number(m[4]) };
}

/** The q-quantile (0…1) of the values, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
