/**
 * Archive usage over time and the projection of when the quota fills. Pure: every function takes the
 * current time, so tests use fixed dates.
 *
 * Days are local calendar days ('YYYY-MM-DD' in the time zone of the process, which is the reader's
 * machine): a study stored at 23:30 belongs to that evening's day, as the reader would expect.
 *
 * Input is a list of spans: bytes stored at `storedAt` and, when they were evicted or deleted since,
 * removed at `removedAt`. The cumulative total of a day counts every span stored on or before that day and
 * not removed on or before it, so an eviction lowers the total on its own day.
 */

export interface StoredSpan {
  bytes: number;
  /** Epoch ms. */
  storedAt: number;
  /** Epoch ms; absent while the bytes are still in the archive. */
  removedAt?: number;
}

export interface UsageDay {
  day: string;
  /** Cumulative bytes in the archive at the end of that day. */
  bytes: number;
}

export interface UsageProjection {
  /** Linear growth over the last `windowDays` days (0 when the archive did not grow). */
  bytesPerDay: number;
  /** The day the quota is reached at that growth; absent without a quota or without growth. */
  quotaFullOn?: string;
}

export const HISTORY_DAYS = 90;
export const PROJECTION_WINDOW_DAYS = 30;
/** Beyond this the projection is meaningless ("in 300 years"): no date is given. */
const MAX_PROJECTION_DAYS = 36500;

const pad = (n: number) => String(n).padStart(2, '0');

/** The local calendar day of an epoch-ms time, as 'YYYY-MM-DD'. */
export function dayKey(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The local day `offset` days after the day of `t` (calendar arithmetic, so DST changes do not shift it). */
export function addDays(t: number, offset: number): string {
  const d = new Date(t);
  return dayKey(new Date(d.getFullYear(), d.getMonth(), d.getDate() + offset, 12).getTime());
}

/** One entry per day for the last `days` days, ending today (the day of `now`). */
export function usageHistory(spans: Iterable<StoredSpan>, now: number, days = HISTORY_DAYS): UsageDay[] {
  const keys = Array.from({ length: days }, (_, i) => addDays(now, i - days + 1));
  const indexOf = new Map(keys.map((k, i) => [k, i]));
  const first = keys[0]!;
  const last = keys[keys.length - 1]!;
  const deltas = new Array<number>(days).fill(0);
  const at = (t: number): number | undefined => {
    const k = dayKey(t);
    if (k < first) return 0; // before the window: part of the starting total
    if (k > last) return undefined; // in the future (clock skew): not counted yet
    return indexOf.get(k);
  };
  for (const s of spans) {
    const added = at(s.storedAt);
    if (added === undefined) continue;
    deltas[added]! += s.bytes;
    if (s.removedAt !== undefined) {
      const removed = at(Math.max(s.removedAt, s.storedAt));
      if (removed !== undefined) deltas[removed]! -= s.bytes;
    }
  }
  let total = 0;
  return keys.map((day, i) => {
    total += deltas[i]!;
    return { day, bytes: Math.max(0, total) };
  });
}

/**
 * Linear projection from the growth over the last `windowDays` days of `history` (the last entry is
 * today): bytesPerDay = (today's total − the total `windowDays` days before) / windowDays.
 * `currentBytes` (default: today's total) is where the projection starts.
 */
export function projectUsage(
  history: readonly UsageDay[],
  quotaBytes: number | undefined,
  now: number,
  options: { currentBytes?: number; windowDays?: number } = {},
): UsageProjection {
  const windowDays = options.windowDays ?? PROJECTION_WINDOW_DAYS;
  if (history.length === 0) return { bytesPerDay: 0 };
  const today = history[history.length - 1]!.bytes;
  const before = history[Math.max(0, history.length - 1 - windowDays)]!.bytes;
  const bytesPerDay = Math.max(0, (today - before) / windowDays);
  const out: UsageProjection = { bytesPerDay };
  if (quotaBytes === undefined || bytesPerDay <= 0) return out;
  const current = options.currentBytes ?? today;
  const daysLeft = current >= quotaBytes ? 0 : Math.ceil((quotaBytes - current) / bytesPerDay);
  if (daysLeft <= MAX_PROJECTION_DAYS) out.quotaFullOn = addDays(now, daysLeft);
  return out;
}
