/**
 * DICOM DA / TM / DT values and ISO date-times as seconds on one "wall clock" axis.
 *
 * DA and TM carry no time zone (they are the scanner's local time), so every instant here is the local wall-clock
 * time read as if it were UTC: differences between two of them are exact, and no host time zone or daylight-saving
 * rule can creep in. A DT's UTC offset suffix (&ZZXX) and an ISO "Z"/"+09:00" are therefore ignored: they name the
 * zone of a wall-clock time that is compared only with other wall-clock times of the same scanner.
 * Every parser is total: anything it cannot read is undefined, never an exception.
 */

const DAY_S = 86400;

/** "YYYYMMDD" (also the old "YYYY.MM.DD") → seconds of that midnight on the wall-clock axis. */
export function parseDicomDate(da: unknown): number | undefined {
  if (typeof da !== 'string') return undefined;
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(da.trim());
  if (!m) return undefined;
  return dayStart(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** "HH", "HHMM", "HHMMSS", "HHMMSS.FFFFFF" (also the old "HH:MM:SS.frac") → seconds since midnight. */
export function parseDicomTime(tm: unknown): number | undefined {
  if (typeof tm === 'number' && Number.isFinite(tm)) tm = String(tm).padStart(6, '0');
  if (typeof tm !== 'string') return undefined;
  const m = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(tm.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  // 60 is a leap second (PS3.5 allows it).
  if (h > 23 || min > 59 || s > 60) return undefined;
  const frac = m[4] === undefined ? 0 : Number(`0.${m[4]}`);
  return h * 3600 + min * 60 + s + frac;
}

/** "YYYYMMDDHHMMSS.FFFFFF&ZZXX" (date part required, time parts optional; the offset is ignored). */
export function parseDicomDateTime(dt: unknown): number | undefined {
  if (typeof dt !== 'string') return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,6})?)?)?)?(?:[+-]\d{4})?$/.exec(dt.trim());
  if (!m) return undefined;
  const day = dayStart(Number(m[1]), Number(m[2]), Number(m[3]));
  if (day === undefined) return undefined;
  if (m[4] === undefined) return day;
  const t = parseDicomTime(m[4]);
  return t === undefined ? undefined : day + t;
}

/** A date (DA) and a time (TM) together; undefined unless both are readable. */
export function combineDateTime(da: unknown, tm: unknown): number | undefined {
  const d = parseDicomDate(da);
  const t = parseDicomTime(tm);
  return d === undefined || t === undefined ? undefined : d + t;
}

/**
 * "2020-12-17T08:30:45.5", "2020-12-17 08:30", with or without an ignored zone suffix, or a DICOM DT
 * ("20201217083045"): the form a user types to override the injection time.
 */
export function parseIsoDateTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const s = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return parseDicomDateTime(s);
  const day = dayStart(Number(m[1]), Number(m[2]), Number(m[3]));
  const h = Number(m[4]);
  const min = Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (day === undefined || h > 23 || min > 59 || sec > 60) return undefined;
  return day + h * 3600 + min * 60 + sec + (m[7] ? Number(`0${m[7]}`) : 0);
}

/** Seconds on the wall-clock axis → "2020-12-17T08:30:45.000" (no zone: it is the scanner's local time). */
export function formatWallClock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const iso = new Date(Math.round(seconds * 1000)).toISOString();
  return iso.slice(0, 23);
}

export const SECONDS_PER_DAY = DAY_S;

function dayStart(y: number, mo: number, d: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // 20230231 is not a date: Date.UTC would roll it into March.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / 1000;
}
