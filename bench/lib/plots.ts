/** Plots for the markdown report: Unicode bars and histograms in code blocks, and small SVG line charts. */

const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0)) return '';
  const eighths = Math.round((value / max) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + BLOCKS[eighths % 8]!;
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Horizontal bars, one per labelled value, in a code block. */
export function barChart(title: string, rows: { label: string; value: number }[], unit: string, width = 40): string {
  const max = Math.max(...rows.map((r) => r.value), 0);
  const lw = Math.max(...rows.map((r) => r.label.length), 0);
  const lines = rows.map((r) => `${r.label.padEnd(lw)} │${bar(r.value, max, width).padEnd(width)} ${fmt(r.value)} ${unit}`);
  return `**${title}**\n\n\`\`\`text\n${lines.join('\n')}\n\`\`\``;
}

/** A histogram of samples (e.g. frame times), bins of equal width, one line per bin. */
export function histogram(title: string, series: { label: string; samples: number[] }[], unit: string, bins = 10, width = 30): string {
  const all = series.flatMap((s) => s.samples);
  if (all.length === 0) return `**${title}**: no samples`;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const step = hi > lo ? (hi - lo) / bins : 1;
  const blocks = series.map((s) => {
    const counts = new Array<number>(bins).fill(0);
    for (const x of s.samples) counts[Math.min(bins - 1, Math.floor((x - lo) / step))]!++;
    const max = Math.max(...counts);
    const lines = counts.map((c, i) => `${fmt(lo + i * step).padStart(7)}–${fmt(lo + (i + 1) * step).padEnd(7)} ${unit} │${bar(c, max, width).padEnd(width)} ${c}`);
    return `${s.label} (n = ${s.samples.length})\n${lines.join('\n')}`;
  });
  return `**${title}**\n\n\`\`\`text\n${blocks.join('\n\n')}\n\`\`\``;
}

const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e'];

/** A small SVG line chart of curves (x, y); step-shaped curves like "slices loaded over time" read well. */
export function lineChartSvg(title: string, curves: { label: string; points: [number, number][] }[], xLabel: string, yLabel: string): string {
  const W = 640;
  const H = 320;
  const L = 60;
  const R = 160;
  const T = 30;
  const B = 45;
  const xs = curves.flatMap((c) => c.points.map((p) => p[0]));
  const ys = curves.flatMap((c) => c.points.map((p) => p[1]));
  const xMax = Math.max(1e-9, ...xs);
  const yMax = Math.max(1e-9, ...ys);
  const px = (x: number) => L + (x / xMax) * (W - L - R);
  const py = (y: number) => H - B - (y / yMax) * (H - T - B);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - R / 2}" y="18" text-anchor="middle" font-size="13">${esc(title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="14" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(yLabel)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const x = (xMax * i) / 4;
    const y = (yMax * i) / 4;
    parts.push(`<text x="${px(x)}" y="${H - B + 14}" text-anchor="middle">${fmt(x)}</text>`);
    parts.push(`<text x="${L - 4}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
    parts.push(`<line x1="${L}" y1="${py(y)}" x2="${W - R}" y2="${py(y)}" stroke="#ddd"/>`);
  }
  curves.forEach((c, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = c.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts}"/>`);
    parts.push(`<rect x="${W - R + 10}" y="${T + i * 18}" width="12" height="3" fill="${colour}"/>`);
    parts.push(`<text x="${W - R + 28}" y="${T + i * 18 + 5}">${esc(c.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** The same curves as Unicode text: for each curve, the time at which each fraction of the total was reached. */
export function loadCurveText(title: string, curves: { label: string; points: [number, number][] }[], total: number, unit = 's'): string {
  const marks = [0.1, 0.25, 0.5, 0.75, 1];
  const lw = Math.max(...curves.map((c) => c.label.length));
  const header = `${''.padEnd(lw)}  ${marks.map((m) => `${Math.round(m * 100)}%`.padStart(7)).join('')}`;
  const lines = curves.map((c) => {
    const at = marks.map((m) => c.points.find((p) => p[1] >= m * total)?.[0]);
    return `${c.label.padEnd(lw)}  ${at.map((t) => (t === undefined ? '—' : `${fmt(t)}${unit}`).padStart(7)).join('')}`;
  });
  return `**${title}** (time to reach each fraction of the ${total} slices)\n\n\`\`\`text\n${header}\n${lines.join('\n')}\n\`\`\``;
}
