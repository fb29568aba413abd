/**
 * What a bench suite is: a small self-contained file under bench/suites/ that measures a few metrics, each
 * side by side with its baseline, and registers itself with one line in bench/suites/index.ts.
 */

/** One row of bench-results/latest.json (`metrics[NAME]`). The shape is an interface: extend, never rename. */
export interface Metric {
  /** Median of the measured runs. */
  value: number;
  unit: string;
  /** Median of the baseline's runs, measured in the same invocation (null only when it could not be measured). */
  baseline: number | null;
  /** value / baseline (null without a baseline). */
  ratio: number | null;
  /** How many runs the median is over (after the warm-up). */
  runs: number;
  min: number;
  max: number;
}

/** What the markdown report knows about a metric beyond the JSON row. */
export interface MetricInfo {
  /** Whether a lower value is better (times, bytes) or a higher one (throughput). */
  better: 'lower' | 'higher';
  /** What the baseline is, in a few words (shown in the table). */
  baselineIs: string;
  /** The raw samples (for plots); not written to the JSON. */
  samples?: number[];
  baselineSamples?: number[];
}

export interface BenchOptions {
  quick: boolean;
  gpu: boolean;
  /** Runs measured per metric (after `warmups` discarded ones). */
  runs: number;
  warmups: number;
}

export interface SuiteContext {
  options: BenchOptions;
  log(message: string): void;
  /** Records a metric (value/baseline computed from samples: median, min, max). */
  record(name: string, unit: string, samples: number[], baselineSamples: number[] | null, info: Omit<MetricInfo, 'samples' | 'baselineSamples'>): void;
  /** Says that a baseline could not be measured: the bench then exits non-zero and names it. */
  baselineMissing(metric: string, why: string): void;
  /** A line for the report (what was measured on, fallbacks taken). */
  note(text: string): void;
  /** A markdown block for the report (a plot, a histogram). */
  plot(markdown: string): void;
  /** Writes bench-results/<name>.svg and shows it in the report. */
  svg(name: string, svg: string, alt: string): void;
  /** A value shared by the suites of one invocation (e.g. a started Orthanc), disposed when the bench ends. */
  shared<T>(key: string, create: () => Promise<T>, dispose: (value: T) => Promise<void>): Promise<T>;
  /** Machine facts a suite discovers (the WebGL renderer). */
  machine: Record<string, unknown>;
}

export interface Suite {
  name: string;
  /** One line for `--help` and the report. */
  title: string;
  /** Included with --gpu (the rendering suite only). */
  gpu?: boolean;
  run(ctx: SuiteContext): Promise<void>;
}
