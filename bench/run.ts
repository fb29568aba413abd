/**
 * `npm run bench [-- --only a,b] [-- --quick] [-- --gpu]`: runs the suites of bench/suites/index.ts, each metric
 * side by side with its baseline measured in the same invocation, and writes bench-results/latest.json and
 * bench-results/latest.md. Exit code 1 when a baseline could not be measured (or a suite failed), 2 on a usage
 * error. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, round } from './lib/stats';
import type { BenchOptions, Metric, MetricInfo, SuiteContext } from './lib/types';
import { chromiumVersion } from './lib/browser';
import { writeReport } from './lib/report';
import { SUITES } from './suites/index';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function usage(message?: string): never {
  if (message) console.error(`bench: ${message}`);
  console.error(
    [
      'usage: npm run bench [-- --only NAME[,NAME...]] [-- --quick] [-- --gpu] [-- --out DIR] [-- --runs N]',
      '  --only   run only these suites (repeatable or comma separated)',
      '  --quick  fewer runs (2 after one warm-up) and shorter workloads: a smoke run, not for comparisons',
      '  --gpu    the rendering suite only, with Chromium on the real GPU (--use-angle=vulkan --enable-gpu …)',
      '  --out    where to write latest.json/latest.md (default bench-results/)',
      '  --runs   measured runs per metric (default 5, --quick 2)',
      'suites:',
      ...SUITES.map((s) => `  ${s.name.padEnd(10)} ${s.title}`),
    ].join('\n'),
  );
  process.exit(2);
}

interface Args {
  only: string[];
  quick: boolean;
  gpu: boolean;
  out: string;
  runs?: number;
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { only: [], quick: false, gpu: false, out: path.join(repoRoot, 'bench-results') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--gpu') args.gpu = true;
    else if (a === '--only') args.only.push(...value().split(',').filter(Boolean));
    else if (a.startsWith('--only=')) args.only.push(...a.slice(7).split(',').filter(Boolean));
    else if (a === '--out') args.out = path.resolve(value());
    else if (a === '--runs') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) usage('--runs needs a whole number ≥ 1');
      args.runs = n;
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  for (const name of args.only) if (!SUITES.some((s) => s.name === name)) usage(`no suite named ${name}`);
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const options: BenchOptions = {
    quick: args.quick,
    gpu: args.gpu,
    runs: args.runs ?? (args.quick ? 2 : 5),
    warmups: 1,
  };
  let suites = SUITES.filter((s) => args.only.length === 0 || args.only.includes(s.name));
  if (args.gpu) suites = suites.filter((s) => s.gpu);
  if (suites.length === 0) usage('no suite left to run (--gpu runs only the rendering suite)');

  mkdirSync(args.out, { recursive: true });
  const started = Date.now();
  const metrics: Record<string, Metric> = {};
  const infos: Record<string, MetricInfo & { suite: string }> = {};
  const missing: { metric: string; why: string }[] = [];
  const failed: { suite: string; error: string }[] = [];
  const sections: { suite: string; title: string; notes: string[]; plots: string[]; seconds: number }[] = [];
  const sharedValues = new Map<string, { value: Promise<unknown>; dispose: (v: never) => Promise<void> }>();
  const machine: Record<string, unknown> = {
    cores: os.cpus().length,
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    webglRenderer: null,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    chromium: chromiumVersion(),
    mode: args.gpu ? 'gpu' : args.quick ? 'quick' : 'full',
  };

  for (const suite of suites) {
    const section = { suite: suite.name, title: suite.title, notes: [] as string[], plots: [] as string[], seconds: 0 };
    sections.push(section);
    const t0 = Date.now();
    const ctx: SuiteContext = {
      options,
      machine,
      log: (m) => console.log(`[${suite.name}] ${m}`),
      record(name, unit, samples, baselineSamples, info) {
        const value = median(samples);
        const baseline = baselineSamples && baselineSamples.length ? median(baselineSamples) : null;
        metrics[name] = {
          value: round(value),
          unit,
          baseline: baseline === null ? null : round(baseline),
          ratio: baseline === null || baseline === 0 ? null : round(value / baseline),
          runs: samples.length,
          min: round(Math.min(...samples)),
          max: round(Math.max(...samples)),
        };
        infos[name] = { ...info, samples, baselineSamples: baselineSamples ?? undefined, suite: suite.name };
        const m = metrics[name]!;
        console.log(`[${suite.name}] ${name}: ${m.value} ${unit} (baseline ${m.baseline ?? '—'}, ratio ${m.ratio ?? '—'}, n=${m.runs})`);
      },
      baselineMissing(metric, why) {
        missing.push({ metric, why });
        console.error(`[${suite.name}] BASELINE MISSING for ${metric}: ${why}`);
      },
      note: (t) => section.notes.push(t),
      plot: (md) => section.plots.push(md),
      svg(name, svg, alt) {
        const file = `${name}.svg`;
        writeFileSync(path.join(args.out, file), svg);
        section.plots.push(`![${alt}](${file})`);
      },
      async shared<T>(key: string, create: () => Promise<T>, dispose: (v: T) => Promise<void>): Promise<T> {
        let entry = sharedValues.get(key);
        if (!entry) {
          entry = { value: create(), dispose: dispose as (v: never) => Promise<void> };
          sharedValues.set(key, entry);
        }
        return entry.value as Promise<T>;
      },
    };
    console.log(`[${suite.name}] ${suite.title}`);
    try {
      await suite.run(ctx);
    } catch (err) {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      failed.push({ suite: suite.name, error });
      console.error(`[${suite.name}] FAILED: ${error}`);
    }
    section.seconds = Math.round((Date.now() - t0) / 100) / 10;
    console.log(`[${suite.name}] done in ${section.seconds} s`);
  }
  for (const [key, entry] of [...sharedValues].reverse()) {
    try {
      await entry.dispose((await entry.value) as never);
    } catch (err) {
      console.error(`bench: could not dispose ${key}: ${(err as Error).message}`);
    }
  }

  // A metric recorded without a baseline is a missing baseline too, even if the suite did not say why.
  for (const [name, m] of Object.entries(metrics)) {
    if (m.baseline === null && !missing.some((x) => x.metric === name)) missing.push({ metric: name, why: 'no baseline samples were recorded' });
  }
  const totalSeconds = Math.round((Date.now() - started) / 100) / 10;
  const { jsonPath, mdPath } = writeReport(args.out, { machine, date: new Date(started).toISOString(), metrics }, { infos, sections, missing, failed, totalSeconds, options });
  console.log(`bench: ${Object.keys(metrics).length} metrics in ${totalSeconds} s → ${path.relative(process.cwd(), jsonPath)}, ${path.relative(process.cwd(), mdPath)}`);
  if (missing.length || failed.length) {
    for (const m of missing) console.error(`bench: baseline not measured: ${m.metric} — ${m.why}`);
    for (const f of failed) console.error(`bench: suite ${f.suite} failed: ${f.error.split('\n')[0]}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    // Chromium/Orthanc handles can linger a moment after close: do not let them hold the exit.
    () => setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref(),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
