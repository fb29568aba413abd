/**
 * QIDO-RS requests for PacsQuery (PS3.18 §10.6): which resource, which matching keys, which extra
 * attributes. Pure, so the URLs are unit-tested without a server.
 */
import type { DicomJsonDataset, DicomJsonElement } from '../../../../common/dicom/dicomJson';
import { resolveTag, Tag } from '../../../../common/dicom/tags';
import type { PacsQuery } from '../pacsNode';

const StudyTime = Tag.StudyTime;
const SeriesTime = '00080031';
const NumberOfPatientRelatedStudies = '00201200';
const InstanceAvailability = '00080056';

/**
 * What the study browser shows per level. Asked for with includefield because a QIDO answer otherwise
 * holds only the required keys (PS3.18 Table 10.6.3-3..5), which leave out e.g. the study description.
 */
// SpecificCharacterSet is never asked for: DICOM JSON is always UTF-8, and Orthanc 1.10 answers HTTP 400 to
// includefield=00080005 as soon as one matching study declares "\ISO 2022 IR 87" (a Japanese study).
export const INCLUDE_FIELDS = {
  STUDY: [
    Tag.StudyDate, StudyTime, Tag.AccessionNumber, Tag.ModalitiesInStudy, Tag.ReferringPhysicianName,
    Tag.StudyDescription, Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.PatientSex, Tag.StudyInstanceUID,
    Tag.StudyID, Tag.NumberOfStudyRelatedSeries, Tag.NumberOfStudyRelatedInstances, InstanceAvailability,
  ],
  SERIES: [
    Tag.Modality, Tag.SeriesDescription, Tag.SeriesNumber, Tag.SeriesInstanceUID, Tag.SeriesDate,
    SeriesTime, Tag.BodyPartExamined, Tag.NumberOfSeriesRelatedInstances, Tag.StudyInstanceUID,
  ],
  IMAGE: [
    Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.InstanceNumber, Tag.Rows, Tag.Columns, Tag.NumberOfFrames,
    Tag.SeriesInstanceUID, Tag.StudyInstanceUID,
  ],
  /** Patient level is emulated from studies: the patient attributes plus what is needed to group. */
  PATIENT: [Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.PatientSex, Tag.StudyInstanceUID],
} as const;

const KEYWORD = /^[A-Za-z][A-Za-z0-9]*$/;

function enc(uid: string): string {
  return encodeURIComponent(uid);
}

/** Matching keys as query parameters: known keywords as tags (every server takes those), others as given. */
function matchParams(filters: Record<string, string>): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(filters)) {
    const tag = resolveTag(key);
    if (!tag && !KEYWORD.test(key)) throw new RangeError(`"${key}" is not a DICOM keyword or tag`);
    out.push([tag ?? key, value]);
  }
  return out;
}

/**
 * The QIDO path and query for a PacsQuery.
 *
 * QIDO-RS has no patient level (PS3.18 §10.6 defines studies, series and instances only), so a PATIENT
 * query is a study query whose answers DicomwebPacsNode groups by Patient ID (groupPatients). Its limit
 * applies to patients, so the study query itself is left unlimited (the node's own cap still applies).
 */
export function qidoPath(query: PacsQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of matchParams(query.filters)) params.append(k, v);
  const level = query.level;
  for (const tag of INCLUDE_FIELDS[level]) params.append('includefield', tag);
  if (query.limit !== undefined && level !== 'PATIENT') params.set('limit', String(query.limit));
  // Fuzzy matching would make "SMITH" match "SMYTH": a reading list must show exactly what was asked for.
  params.set('fuzzymatching', 'false');
  const qs = `?${params.toString()}`;
  switch (level) {
    case 'PATIENT':
    case 'STUDY':
      return `/studies${qs}`;
    case 'SERIES':
      if (!query.studyInstanceUid) throw new RangeError('A SERIES query needs studyInstanceUid');
      return `/studies/${enc(query.studyInstanceUid)}/series${qs}`;
    case 'IMAGE':
      if (!query.studyInstanceUid) throw new RangeError('An IMAGE query needs studyInstanceUid');
      return query.seriesInstanceUid
        ? `/studies/${enc(query.studyInstanceUid)}/series/${enc(query.seriesInstanceUid)}/instances${qs}`
        : `/studies/${enc(query.studyInstanceUid)}/instances${qs}`;
  }
}

function firstString(ds: DicomJsonDataset, tag: string): string | undefined {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && 'Alphabetic' in v) return String((v as { Alphabetic?: unknown }).Alphabetic ?? '');
  return String(v);
}

/** One dataset per patient (by Patient ID, else name) with the number of matching studies. */
export function groupPatients(studies: readonly DicomJsonDataset[], limit?: number): DicomJsonDataset[] {
  const byPatient = new Map<string, { ds: DicomJsonDataset; studies: number }>();
  for (const s of studies) {
    const key = `${firstString(s, Tag.PatientID) ?? ''}\u0000${firstString(s, Tag.PatientID) ? '' : (firstString(s, Tag.PatientName) ?? '')}`;
    const entry = byPatient.get(key);
    if (entry) {
      entry.studies++;
      continue;
    }
    const ds: DicomJsonDataset = {};
    for (const tag of [Tag.SpecificCharacterSet, Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.PatientSex]) {
      const el = s[tag] as DicomJsonElement | undefined;
      if (el) ds[tag] = el;
    }
    byPatient.set(key, { ds, studies: 1 });
  }
  const out = [...byPatient.values()].map(({ ds, studies: n }) => ({ ...ds, [NumberOfPatientRelatedStudies]: { vr: 'IS', Value: [n] } }));
  return limit === undefined ? out : out.slice(0, limit);
}

/** QIDO request for the number of instances a retrieve will bring (the progress total). */
export function countPath(study: string, series?: string): { path: string; tag: string } {
  return series
    ? { path: `/studies/${enc(study)}/series?${Tag.SeriesInstanceUID}=${enc(series)}&includefield=${Tag.NumberOfSeriesRelatedInstances}`, tag: Tag.NumberOfSeriesRelatedInstances }
    : { path: `/studies?${Tag.StudyInstanceUID}=${enc(study)}&includefield=${Tag.NumberOfStudyRelatedInstances}`, tag: Tag.NumberOfStudyRelatedInstances };
}

export function wadoPath(study: string, series?: string, instance?: string): string {
  let p = `/studies/${enc(study)}`;
  if (series) p += `/series/${enc(series)}`;
  if (series && instance) p += `/instances/${enc(instance)}`;
  return p;
}
