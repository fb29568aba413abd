/**
 * The study browser's query, shared by the UI, the CLI and the IPC contract, and its translation to
 * DICOM matching keys (used for C-FIND identifiers, QIDO parameters and local matching alike).
 */
import { z } from 'zod';

const DicomDate = z.string().regex(/^\d{8}$/, 'Dates are YYYYMMDD');
/** DICOM matching text: no backslash (it separates values) and no control characters. */
const MatchText = z.string().max(64).regex(/^[^\\\p{Cc}]*$/u, 'No backslashes or control characters');

export const StudyQuery = z
  .object({
    patientId: MatchText.optional(),
    /** Any of the name's groups: "YAMADA*", "山田*", "やまだ*"; wildcards * and ?. */
    patientName: MatchText.optional(),
    patientBirthDate: DicomDate.optional(),
    studyDateFrom: DicomDate.optional(),
    studyDateTo: DicomDate.optional(),
    modality: z.string().regex(/^[A-Z0-9_]{0,16}$/, 'Modality codes are upper-case letters and digits').optional(),
    accessionNumber: MatchText.optional(),
    studyDescription: MatchText.optional(),
    limit: z.number().int().min(1).max(5000).default(500),
  })
  .strict();
export type StudyQuery = z.infer<typeof StudyQuery>;
export type StudyQueryInput = z.input<typeof StudyQuery>;

/** DICOM keyword → matching value, ready for C-FIND, QIDO or local matching. Empty criteria are left out. */
export function studyQueryToFilters(q: StudyQueryInput): Record<string, string> {
  const f: Record<string, string> = {};
  const put = (k: string, v: string | undefined) => {
    if (v !== undefined && v.trim() !== '') f[k] = v.trim();
  };
  put('PatientID', q.patientId);
  put('PatientName', q.patientName);
  put('PatientBirthDate', q.patientBirthDate);
  if (q.studyDateFrom || q.studyDateTo) {
    f.StudyDate = q.studyDateFrom && q.studyDateFrom === q.studyDateTo ? q.studyDateFrom : `${q.studyDateFrom ?? ''}-${q.studyDateTo ?? ''}`;
  }
  put('ModalitiesInStudy', q.modality);
  put('AccessionNumber', q.accessionNumber);
  put('StudyDescription', q.studyDescription);
  return f;
}

/**
 * Filters as sent to PACS nodes. PACS (Orthanc among them) match a Person Name against the whole value
 * "Yamada^Tarou=山田^太郎=やまだ^たろう", so "山田*" would only match a name whose first group is in kanji.
 * A Japanese query is meant for the ideographic or phonetic group: send "*=山田*", which matches when a
 * group after the first starts with it. Latin queries stay as typed (they address the alphabetic group).
 */
export function nodeFilters(filters: Record<string, string>): Record<string, string> {
  const name = filters.PatientName;
  if (!name || name.includes('=') || !/[^\p{ASCII}]/u.test(name)) return filters;
  return { ...filters, PatientName: `*=${name}` };
}

export type DatePreset = 'today' | 'yesterday' | 'last7days';

function ymd(d: Date): string {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
}

/** Local-calendar date ranges for the browser's quick filters ("last 7 days" includes today). */
export function datePresetRange(preset: DatePreset, now: Date): { from: string; to: string } {
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const shift = (n: number) => new Date(day.getFullYear(), day.getMonth(), day.getDate() + n);
  switch (preset) {
    case 'today':
      return { from: ymd(day), to: ymd(day) };
    case 'yesterday':
      return { from: ymd(shift(-1)), to: ymd(shift(-1)) };
    case 'last7days':
      return { from: ymd(shift(-6)), to: ymd(day) };
  }
}
