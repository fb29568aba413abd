/**
 * A DICOM person name as each language's readers expect it (issue #18): in Japanese the ideographic group (kanji)
 * first, the alphabetic one in parentheses; in English the alphabetic group first, the ideographic in parentheses
 * (as the study list always showed it); the phonetic group (kana) when there is nothing else. Every group, the
 * phonetic included, goes in the tooltip. Pure.
 */
import type { Language } from './i18n';

export interface PersonNameGroups {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

const tidy = (s: string | undefined) => (s ?? '').split('^').map((p) => p.trim()).filter(Boolean).join(' ');

export function displayPersonName(pn: PersonNameGroups | undefined, language: Language): string {
  if (!pn) return '';
  const alpha = tidy(pn.Alphabetic);
  const ideo = tidy(pn.Ideographic);
  const [first, second] = language === 'ja' ? [ideo, alpha] : [alpha, ideo];
  if (first && second) return `${first} (${second})`;
  return first || second || tidy(pn.Phonetic);
}

/** Every group as stored, "Alphabetic = Ideographic = Phonetic" (empty groups left out). */
export function personNameTooltip(pn: PersonNameGroups | undefined): string {
  return pn ? [pn.Alphabetic, pn.Ideographic, pn.Phonetic].filter(Boolean).join(' = ') : '';
}

/** A DICOM date (YYYYMMDD) in the language's usual form: 2024-05-01 in English, 2024/05/01 in Japanese. */
export function displayDate(da: string | undefined, language: Language): string {
  if (!da) return '';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  if (!m) return da;
  return language === 'ja' ? `${m[1]}/${m[2]}/${m[3]}` : `${m[1]}-${m[2]}-${m[3]}`;
}
