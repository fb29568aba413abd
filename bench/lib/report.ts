/** Writes bench-results/latest.json (the interface) and latest.md (the table, notes and plots). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchOptions, Metric, MetricInfo } from './types';

export interface BenchResults {
  machine: Record<string, unknown>;
  date: string;
  metrics: Record<string, Metric>;
}

export interface ReportExtras {
  infos: Record<string, MetricInfo & { suite: string }>;
  sections: { suite: string; title: string; notes: string[]; plots: string[]; seconds: number }[];
  missing: { metric: string; why: string }[];
  failed: { suite: string; error: string }[];
  totalSeconds: number;
  options: BenchOptions;
}

const num = (x: number | null): string => {
  if (x === null || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
};

function verdict(m: Metric, info: MetricInfo | undefined): string {
  if (m.ratio === null || !info) return '';
  const good = info.better === 'lower' ? m.ratio < 1 : m.ratio > 1;
  const factor = m.ratio >= 1 ? m.ratio : 1 / m.ratio;
  if (Math.abs(m.ratio - 1) < 0.05) return 'same';
  return `${good ? 'better' : 'worse'} ${factor.toFixed(factor >= 10 ? 0 : 2)}×`;
}

export function writeReport(outDir: string, results: BenchResults, extras: ReportExtras): { jsonPath: string; mdPath: string } {
  const jsonPath = path.join(outDir, 'latest.json');
  const mdPath = path.join(outDir, 'latest.md');
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);

  const m = results.machine;
  const lines: string[] = [
    '# Dokuei bench',
    '',
    `${results.date} · ${m.mode} run (${extras.options.runs} measured runs per metric after ${extras.options.warmups} warm-up) · ${extras.totalSeconds} s`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, Chromium ${m.chromium ?? '?'}, WebGL: ${m.webglRenderer ?? 'not used'}`,
    '',
    'ratio = value / baseline, both medians measured in this run; "better"/"worse" reads the ratio for the metric’s direction.',
    '',
  ];
  if (extras.missing.length || extras.failed.length) {
    lines.push('## ⚠ Incomplete', '');
    for (const x of extras.missing) lines.push(`- baseline not measured: \`${x.metric}\` — ${x.why}`);
    for (const f of extras.failed) lines.push(`- suite \`${f.suite}\` failed: ${f.error.split('\n')[0]}`);
    lines.push('');
  }
  for (const section of extras.sections) {
    lines.push(`## ${section.suite} — ${section.title} (${section.seconds} s)`, '');
    const names = Object.keys(results.metrics).filter((n) => extras.infos[n]?.suite === section.suite);
    if (names.length) {
      lines.push('| metric | value | baseline | ratio | | runs | min – max | baseline is |', '|---|---:|---:|---:|---|---:|---|---|');
      for (const n of names) {
        const x = results.metrics[n]!;
        const info = extras.infos[n];
        lines.push(`| \`${n}\` | ${num(x.value)} ${x.unit} | ${num(x.baseline)} | ${num(x.ratio)} | ${verdict(x, info)} | ${x.runs} | ${num(x.min)} – ${num(x.max)} | ${info?.baselineIs ?? ''} |`);
      }
      lines.push('');
    }
    for (const note of section.notes) lines.push(`- ${note}`);
    if (section.notes.length) lines.push('');
    for (const plot of section.plots) lines.push(plot, '');
  }
  writeFileSync(mdPath, `${lines.join('\n')}\n`);
  return { jsonPath, mdPath };
}
