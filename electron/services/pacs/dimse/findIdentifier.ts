/**
 * PacsQuery → the C-FIND request identifier (PS3.4 C.4.1): the information model, the level, the matching
 * keys from the caller's filters and a default set of return keys per level (sent empty, so the peer fills
 * them in). PATIENT level uses the Patient Root model (Study Root has no PATIENT level); the others Study Root.
 */
import dcmjs from 'dcmjs';
import type { PacsQuery, QueryLevel } from '../pacsNode';

export const PATIENT_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.1.1';
export const STUDY_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.2.1';
export const PATIENT_ROOT_GET = '1.2.840.10008.5.1.4.1.2.1.3';
export const STUDY_ROOT_GET = '1.2.840.10008.5.1.4.1.2.2.3';
export const STUDY_ROOT_MOVE = '1.2.840.10008.5.1.4.1.2.2.2';

export const RETURN_KEYS: Readonly<Record<QueryLevel, readonly string[]>> = {
  PATIENT: ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'NumberOfPatientRelatedStudies'],
  STUDY: [
    'StudyInstanceUID',
    'PatientName',
    'PatientID',
    'PatientBirthDate',
    'PatientSex',
    'StudyDate',
    'StudyTime',
    'AccessionNumber',
    'StudyID',
    'StudyDescription',
    'ReferringPhysicianName',
    'ModalitiesInStudy',
    'NumberOfStudyRelatedSeries',
    'NumberOfStudyRelatedInstances',
  ],
  SERIES: ['StudyInstanceUID', 'SeriesInstanceUID', 'Modality', 'SeriesNumber', 'SeriesDescription', 'SeriesDate', 'SeriesTime', 'BodyPartExamined', 'NumberOfSeriesRelatedInstances'],
  IMAGE: ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'SOPClassUID', 'InstanceNumber', 'NumberOfFrames'],
};

interface DictionaryEntry {
  name: string;
  vr: string;
}
const dictionary = (dcmjs.data as unknown as { DicomMetaDictionary: { nameMap: Record<string, DictionaryEntry | undefined>; dictionary: Record<string, DictionaryEntry | undefined> } })
  .DicomMetaDictionary;

/** A filter key as the caller gave it (keyword, or 8 hex digits) → the DICOM keyword, or undefined if unknown. */
export function keywordFor(key: string): string | undefined {
  if (/^[0-9A-Fa-f]{8}$/.test(key)) {
    const t = key.toUpperCase();
    return dictionary.dictionary[`(${t.slice(0, 4)},${t.slice(4)})`]?.name;
  }
  return dictionary.nameMap[key] ? key : undefined;
}

export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

export interface FindIdentifier {
  sopClassUid: string;
  /** Keyword → value, as dcmjs-dimse's Dataset takes them; '' asks for the attribute back. */
  elements: Record<string, string>;
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

export function buildFindIdentifier(query: PacsQuery): FindIdentifier {
  const elements: Record<string, string> = { QueryRetrieveLevel: query.level };
  for (const key of RETURN_KEYS[query.level]) elements[key] = '';
  for (const [key, value] of Object.entries(query.filters)) {
    const keyword = keywordFor(key);
    if (!keyword) throw new QueryError(`Unknown query key "${key}": use a DICOM keyword (PatientName) or a tag (00100010)`);
    if (keyword === 'QueryRetrieveLevel' || keyword === 'SpecificCharacterSet') continue;
    elements[keyword] = value;
  }
  if (query.level === 'SERIES' || query.level === 'IMAGE') {
    if (!query.studyInstanceUid) throw new QueryError(`A ${query.level} query needs the study's Instance UID`);
  }
  if (query.level === 'IMAGE' && !query.seriesInstanceUid) throw new QueryError('An IMAGE query needs the series Instance UID');
  if (query.studyInstanceUid && query.level !== 'PATIENT') elements.StudyInstanceUID = query.studyInstanceUid;
  if (query.seriesInstanceUid && (query.level === 'SERIES' || query.level === 'IMAGE')) elements.SeriesInstanceUID = query.seriesInstanceUid;
  // Asked back empty so peers say how the answers are encoded; when our own keys are not ASCII, it states
  // their encoding instead: dcmjs writes the identifier as UTF-8 (PS3.4 C.4.1.1.3.1).
  elements.SpecificCharacterSet = Object.values(elements).some((v) => NON_ASCII.test(v)) ? 'ISO_IR 192' : '';
  return { sopClassUid: query.level === 'PATIENT' ? PATIENT_ROOT_FIND : STUDY_ROOT_FIND, elements };
}
