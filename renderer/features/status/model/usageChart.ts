/** Geometry and text of the storage panel's usage chart. Pure (no DOM), so it is unit-tested. */
import { formatBytes } from './format';

export interface ChartInput {
  history: readonly { day: string; bytes: number }[];
  quotaBytes?: number | undefined;
  projection?: { bytesPerDay: number; quotaFullOn?: string | undefined } | undefined;
}

export interface ChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ChartGeometry {
  points: { x: number; y: number }[];
  /** SVG path of the history: M x,y L x,y … */
  path: string;
  yMax: number;
  quotaY?: number;
  /** Dashed line from today to the day the quota fills (clipped to the right edge when further away). */
  projection?: { x1: number; y1: number; x2: number; y2: number; label?: string };
  xTicks: { x: number; label: string; anchor: 'start' | 'end' | 'middle' }[];
}

const DAY_MS = 86_400_000;
/** The chart shows at most this many days after today for the projection. */
const MAX_FUTURE_DAYS = 90;

/** Whole days from one 'YYYY-MM-DD' to another (UTC arithmetic on calendar dates, so no DST effects). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

const r = (n: number) => Math.round(n * 10) / 10;

export function chartGeometry(input: ChartInput, box: ChartBox): ChartGeometry | undefined {
  const { history } = input;
  if (history.length === 0) return undefined;
  const today = history[history.length - 1]!;
  const quota = input.quotaBytes && input.quotaBytes > 0 ? input.quotaBytes : undefined;
  const fullOn = quota !== undefined ? input.projection?.quotaFullOn : undefined;
  const daysToFull = fullOn ? Math.max(0, daysBetween(today.day, fullOn)) : undefined;
  const futureDays = daysToFull !== undefined ? Math.min(daysToFull, MAX_FUTURE_DAYS) : 0;
  const totalDays = history.length - 1 + futureDays;
  const maxHistory = Math.max(...history.map((h) => h.bytes));
  const projectedEnd = daysToFull !== undefined ? today.bytes + (input.projection?.bytesPerDay ?? 0) * futureDays : today.bytes;
  const yMax = Math.max(1, maxHistory, quota ?? 0, projectedEnd) * 1.1;
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const x = (i: number) => r(box.left + (totalDays === 0 ? plotW : (plotW * i) / totalDays));
  const y = (bytes: number) => r(box.top + plotH - (plotH * Math.min(bytes, yMax)) / yMax);
  const points = history.map((h, i) => ({ x: x(i), y: y(h.bytes) }));
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  const out: ChartGeometry = {
    points,
    path,
    yMax,
    xTicks: [
      { x: x(0), label: history[0]!.day, anchor: 'start' },
      { x: x(history.length - 1), label: 'today', anchor: futureDays > 0 ? 'middle' : 'end' },
    ],
  };
  if (quota !== undefined) out.quotaY = y(quota);
  if (daysToFull !== undefined && fullOn) {
    const end = { x: x(history.length - 1 + futureDays), y: y(projectedEnd) };
    out.projection = { x1: x(history.length - 1), y1: y(today.bytes), x2: end.x, y2: end.y, label: daysToFull > MAX_FUTURE_DAYS ? `→ ${fullOn}` : fullOn };
  }
  return out;
}

/** The sentence under the chart: growth per day and, with a quota, when it fills. */
export function projectionText(usage: { projection?: ChartInput['projection']; quotaBytes?: number | undefined }): string | undefined {
  const p = usage.projection;
  if (!p) return undefined;
  if (p.bytesPerDay <= 0) return 'The archive did not grow over the last 30 days.';
  const rate = `${formatBytes(Math.round(p.bytesPerDay))}/day`;
  if (usage.quotaBytes === undefined) return `At the current growth (${rate}) — set a quota to see when it fills.`;
  if (p.quotaFullOn) return `At the current growth (${rate}) the quota fills around ${p.quotaFullOn}`;
  return `At the current growth (${rate}) the quota will not fill in the next 100 years.`;
}
