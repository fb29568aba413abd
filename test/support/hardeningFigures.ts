/**
 * The figures of the hardening runs (issue 16), counted where the tests run and printed as one line per area,
 * so a runner (`npm run test:hardening`) can gather them and fail when one is off. This module holds the
 * fault-injection area: each injected fault with its outcome, and what the checks after it found.
 *
 *   faults: 9 injected × {completed 7, failed-then-resumed 2} / corrupt entries 0 / lost instances 0 / incomplete served 0
 */

/**
 * completed: the operation finished despite the fault (retried, slowed, or served in full);
 * failed-then-resumed: it failed with a clear message and a later attempt completed;
 * unresolved: neither — a figure that is off.
 */
export type FaultOutcome = 'completed' | 'failed-then-resumed' | 'unresolved';

export interface FaultCase {
  /** What was injected, e.g. "WADO-RS reset mid-transfer". */
  fault: string;
  outcome: FaultOutcome;
  /** Entries `archive verify` reported as corrupt (or incomplete) afterwards. */
  corruptEntries: number;
  /** Instances of the source missing from the archive after the final retrieve. */
  lostInstances: number;
  /** Answers (instances or frames) served or stored as complete while they were not. */
  incompleteServed: number;
}

export interface FaultFiguresSummary {
  injected: number;
  outcomes: Partial<Record<FaultOutcome, number>>;
  corruptEntries: number;
  lostInstances: number;
  incompleteServed: number;
}

export class FaultFigures {
  readonly cases: FaultCase[] = [];

  record(c: FaultCase): void {
    this.cases.push(c);
  }

  /** Adds another run's cases (a runner gathering several test files). */
  merge(other: FaultFigures | readonly FaultCase[]): void {
    for (const c of other instanceof FaultFigures ? other.cases : other) this.cases.push(c);
  }

  summary(): FaultFiguresSummary {
    const outcomes: Partial<Record<FaultOutcome, number>> = {};
    for (const c of this.cases) outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
    const sum = (k: 'corruptEntries' | 'lostInstances' | 'incompleteServed') => this.cases.reduce((n, c) => n + c[k], 0);
    return { injected: this.cases.length, outcomes, corruptEntries: sum('corruptEntries'), lostInstances: sum('lostInstances'), incompleteServed: sum('incompleteServed') };
  }

  /** True when every figure is as it must be: something injected, nothing unresolved, 0 corrupt, 0 lost, 0 incomplete. */
  ok(): boolean {
    const s = this.summary();
    return s.injected > 0 && !s.outcomes.unresolved && s.corruptEntries === 0 && s.lostInstances === 0 && s.incompleteServed === 0;
  }

  /** The one summary line, e.g. `faults: 9 injected × {completed 7, failed-then-resumed 2} / corrupt entries 0 / …`. */
  line(label = 'faults'): string {
    const s = this.summary();
    const order: FaultOutcome[] = ['completed', 'failed-then-resumed', 'unresolved'];
    const outcomes = order.filter((o) => s.outcomes[o]).map((o) => `${o} ${s.outcomes[o]}`);
    return `${label}: ${s.injected} injected × {${outcomes.join(', ')}} / corrupt entries ${s.corruptEntries} / lost instances ${s.lostInstances} / incomplete served ${s.incompleteServed}`;
  }
}

/** Parses a line written by FaultFigures.line() back into its figures (for a runner reading test output). */
export function parseFaultLine(line: string): (FaultFiguresSummary & { label: string }) | undefined {
  const m = /^(.+?): (\d+) injected × \{([^}]*)\} \/ corrupt entries (\d+) \/ lost instances (\d+) \/ incomplete served (\d+)\s*$/.exec(line.trim());
  if (!m) return undefined;
  const outcomes: Partial<Record<FaultOutcome, number>> = {};
  for (const part of m[3]!.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, n] = part.split(/\s+(?=\d+$)/) as [FaultOutcome, string];
    outcomes[name] = Number(n);
  }
  return { label: m[1]!, injected: Number(m[2]), outcomes, corruptEntries: Number(m[4]), lostInstances: Number(m[5]), incompleteServed: Number(m[6]) };
}
