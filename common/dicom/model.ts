/**
 * The study browser's view of QIDO-RS results: plain records the UI can sort and show.
 * Built from DICOM JSON so that local and upstream answers go through one conversion.
 */
import { Tag } from './tags';
import { type DicomJsonDataset, getNumber, getPersonName, getString, getStrings, formatPersonName, type PersonNameValue } from './dicomJson';

export interface StudySummary {
  studyInstanceUid: string;
  patientName: PersonNameValue;
  patientNameText: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyDate: string;
  studyTime: string;
  studyDescription: string;
  accessionNumber: string;
  modalities: string[];
  numberOfSeries?: number;
  numberOfInstances?: number;
}

export interface SeriesSummary {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  seriesNumber?: number;
  seriesDescription: string;
  numberOfInstances?: number;
  /** Body Part Examined (0018,0015), when the source gives it ("CHEST" …): hanging protocols match on it. */
  bodyPartExamined?: string;
}

export interface InstanceSummary {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber?: number;
  numberOfFrames: number;
}

export function studyFromDicomJson(ds: DicomJsonDataset): StudySummary | undefined {
  const studyInstanceUid = getString(ds, Tag.StudyInstanceUID);
  if (!studyInstanceUid) return undefined;
  const patientName = getPersonName(ds, Tag.PatientName) ?? {};
  return {
    studyInstanceUid,
    patientName,
    patientNameText: formatPersonName(patientName),
    patientId: getString(ds, Tag.PatientID) ?? '',
    patientBirthDate: getString(ds, Tag.PatientBirthDate) ?? '',
    patientSex: getString(ds, Tag.PatientSex) ?? '',
    studyDate: getString(ds, Tag.StudyDate) ?? '',
    studyTime: getString(ds, Tag.StudyTime) ?? '',
    studyDescription: getString(ds, Tag.StudyDescription) ?? '',
    accessionNumber: getString(ds, Tag.AccessionNumber) ?? '',
    modalities: getStrings(ds, Tag.ModalitiesInStudy),
    numberOfSeries: getNumber(ds, Tag.NumberOfStudyRelatedSeries),
    numberOfInstances: getNumber(ds, Tag.NumberOfStudyRelatedInstances),
  };
}

export function seriesFromDicomJson(ds: DicomJsonDataset): SeriesSummary | undefined {
  const studyInstanceUid = getString(ds, Tag.StudyInstanceUID);
  const seriesInstanceUid = getString(ds, Tag.SeriesInstanceUID);
  if (!studyInstanceUid || !seriesInstanceUid) return undefined;
  const bodyPartExamined = getString(ds, Tag.BodyPartExamined)?.trim();
  return {
    studyInstanceUid,
    seriesInstanceUid,
    modality: getString(ds, Tag.Modality) ?? '',
    seriesNumber: getNumber(ds, Tag.SeriesNumber),
    seriesDescription: getString(ds, Tag.SeriesDescription) ?? '',
    numberOfInstances: getNumber(ds, Tag.NumberOfSeriesRelatedInstances),
    ...(bodyPartExamined ? { bodyPartExamined } : {}),
  };
}

export function instanceFromDicomJson(ds: DicomJsonDataset): InstanceSummary | undefined {
  const studyInstanceUid = getString(ds, Tag.StudyInstanceUID);
  const seriesInstanceUid = getString(ds, Tag.SeriesInstanceUID);
  const sopInstanceUid = getString(ds, Tag.SOPInstanceUID);
  if (!studyInstanceUid || !seriesInstanceUid || !sopInstanceUid) return undefined;
  return {
    studyInstanceUid,
    seriesInstanceUid,
    sopInstanceUid,
    sopClassUid: getString(ds, Tag.SOPClassUID) ?? '',
    instanceNumber: getNumber(ds, Tag.InstanceNumber),
    numberOfFrames: getNumber(ds, Tag.NumberOfFrames) ?? 1,
  };
}
