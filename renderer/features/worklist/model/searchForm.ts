/** The search form's state and its translation to a StudyQuery. Pure; no React. */
import { datePresetRange, type DatePreset, type StudyQueryInput } from '../../../../common/dicom/studyQuery';

export interface SearchFormState {
  patientId: string;
  patientName: string;
  patientBirthDate: string; // YYYY-MM-DD from <input type=date>, or ''
  dateFrom: string; // YYYY-MM-DD or ''
  dateTo: string;
  modality: string;
  accessionNumber: string;
  studyDescription: string;
}

export const emptySearch: SearchFormState = {
  patientId: '',
  patientName: '',
  patientBirthDate: '',
  dateFrom: '',
  dateTo: '',
  modality: '',
  accessionNumber: '',
  studyDescription: '',
};

export const MODALITIES = ['CT', 'MR', 'PT', 'NM', 'CR', 'DX', 'MG', 'US', 'XA', 'RF', 'OT', 'RTSTRUCT', 'RTDOSE', 'RTPLAN', 'SEG', 'SR'];

const toDicomDate = (iso: string): string | undefined => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.replaceAll('-', '') : undefined);
export const toIsoDate = (dicom: string): string => `${dicom.slice(0, 4)}-${dicom.slice(4, 6)}-${dicom.slice(6, 8)}`;

/** Names are matched as prefixes unless the reader typed a wildcard: "yamada" finds "YAMADA^TAROU". */
function namePattern(text: string): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  return /[*?]/.test(t) ? t : `${t}*`;
}

export function toStudyQuery(form: SearchFormState): StudyQueryInput {
  const q: StudyQueryInput = {};
  if (form.patientId.trim()) q.patientId = form.patientId.trim();
  const name = namePattern(form.patientName);
  if (name) q.patientName = name;
  const birth = toDicomDate(form.patientBirthDate);
  if (birth) q.patientBirthDate = birth;
  const from = toDicomDate(form.dateFrom);
  const to = toDicomDate(form.dateTo);
  if (from) q.studyDateFrom = from;
  if (to) q.studyDateTo = to;
  if (form.modality) q.modality = form.modality;
  if (form.accessionNumber.trim()) q.accessionNumber = form.accessionNumber.trim();
  const desc = form.studyDescription.trim();
  if (desc) q.studyDescription = /[*?]/.test(desc) ? desc : `*${desc}*`;
  return q;
}

export function applyDatePreset(form: SearchFormState, preset: DatePreset | 'any', now: Date): SearchFormState {
  if (preset === 'any') return { ...form, dateFrom: '', dateTo: '' };
  const { from, to } = datePresetRange(preset, now);
  return { ...form, dateFrom: toIsoDate(from), dateTo: toIsoDate(to) };
}
