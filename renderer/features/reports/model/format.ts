/**
 * How a report's values read (issue #19): numbers as the document wrote them with their unit ("12.3 mm", "45°",
 * "-12 HU"), DICOM dates and times as a reader writes them, coded values by their meaning. Pure: the words that
 * need a language come through the caller's `t`.
 */
import type { SrCode, SrNumNode } from '../../../../common/sr';

/** The UI's translate function (react-i18next's `t`, or i18next's). */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** react-i18next's `t` (typed by its overloads) as a plain Translate. */
export function words(t: { (key: string, options: Record<string, unknown>): string }): Translate {
  return (key, values) => t(key, values ?? {});
}

export type Language = 'ja' | 'en';

/**
 * UCUM codes whose code value is not what a reader writes. "1" and the {annotations} are dimensionless: no unit is
 * shown. Others print as their code value ("mm", "mL", "%", "/min"), which is shorter and more usual on a reading
 * screen than the Code Meaning ("millimeter").
 */
const UCUM_SYMBOLS: Readonly<Record<string, string>> = {
  mm2: 'mm²',
  mm3: 'mm³',
  cm2: 'cm²',
  cm3: 'cm³',
  m2: 'm²',
  um: 'µm',
  ml: 'mL',
  'ml/s': 'mL/s',
  "[hnsf'U]": 'HU',
  deg: '°',
  '1': '',
  '{ratio}': '',
  '{count}': '',
  'g/ml{SUVbw}': 'g/mL (SUVbw)',
  '{SUVbw}g/ml': 'g/mL (SUVbw)',
};

/** Units written straight after the number, without a space. */
const NO_SPACE = new Set(['°', '%']);

/** The unit as the reader sees it: a UCUM symbol, else the Code Meaning; '' for none or a dimensionless unit. */
export function unitText(unit: SrCode | undefined): string {
  if (!unit) return '';
  const value = unit.value.trim();
  if (unit.scheme.trim().toUpperCase() === 'UCUM') {
    if (value in UCUM_SYMBOLS) return UCUM_SYMBOLS[value]!;
    if (/^\{.*\}$/.test(value)) return '';
    // A plain symbol ("mm", "mg/dL", "/min", "ms") reads as it is; anything with brackets or braces is better by its meaning.
    if (value !== '' && value.length <= 12 && !/[[\]{}]/.test(value)) return value;
  }
  return unit.meaning.trim() || value;
}

/**
 * The number: the Numeric Value as written (DS text, so "12.30" stays "12.30" and no float noise appears), else the
 * floating point value to 6 significant digits; the qualifier's meaning when there is no value.
 */
export function numberText(node: Pick<SrNumNode, 'value' | 'valueText' | 'qualifier'>): string {
  const written = node.valueText?.trim().replace(/^\+/, '');
  if (written) return written;
  if (node.value !== undefined && Number.isFinite(node.value)) return String(Number(node.value.toPrecision(6)));
  return node.qualifier?.meaning ?? '';
}

/** "12.3 mm", "45°", "0.5" (dimensionless), or the qualifier ("Value unknown") when there is no number. */
export function numValueText(node: Pick<SrNumNode, 'value' | 'valueText' | 'qualifier' | 'unit'>): string {
  const n = numberText(node);
  const hasNumber = !!node.valueText?.trim() || (node.value !== undefined && Number.isFinite(node.value));
  if (!hasNumber) return n;
  const u = unitText(node.unit);
  if (!u) return n;
  return NO_SPACE.has(u) ? `${n}${u}` : `${n} ${u}`;
}

/** A coded value by its meaning (the code value when the document gave none). */
export function codeText(code: SrCode | undefined): string {
  return code ? code.meaning.trim() || code.value : '';
}

/** A DA (YYYYMMDD) as the language writes dates: 2026/01/02 in Japanese, 2026-01-02 in English; anything else as written. */
export function dateText(da: string | undefined, language: Language): string {
  if (!da) return '';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  if (!m) return da.trim();
  return language === 'ja' ? `${m[1]}/${m[2]}/${m[3]}` : `${m[1]}-${m[2]}-${m[3]}`;
}

/** A TM (HHMMSS.frac, or a shorter form) as HH:MM, or HH:MM:SS when the seconds are not zero. */
export function timeText(tm: string | undefined): string {
  if (!tm) return '';
  const m = /^(\d{2})(\d{2})?(\d{2})?/.exec(tm.trim());
  if (!m) return tm.trim();
  const [, h, mi = '00', s] = m;
  return s && s !== '00' ? `${h}:${mi}:${s}` : `${h}:${mi}`;
}

/** A DT (YYYYMMDDHHMMSS.frac&ZZXX, or a prefix of it): date, then time when it has one. */
export function dateTimeText(dt: string | undefined, language: Language): string {
  if (!dt) return '';
  const v = dt.trim();
  const m = /^(\d{8})(\d{2,6}(?:\.\d+)?)?/.exec(v);
  if (!m) return v;
  const date = dateText(m[1], language);
  return m[2] ? `${date} ${timeText(m[2])}` : date;
}

/** Content Date and Time together ("2026-01-02 09:15"), either alone, or ''. */
export function contentWhen(date: string | undefined, time: string | undefined, language: Language): string {
  return [dateText(date, language), date ? timeText(time) : ''].filter(Boolean).join(' ');
}
