/**
 * QIDO-level views of an in-memory study → series → instance index: the study and series attributes
 * (with the computed counts and ModalitiesInStudy) and the instance metadata lists. Shared by every
 * InstanceStore that keeps such an index (the encrypted archive, the bench's plain baseline store).
 */
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';

export interface IndexedInstance {
  metadata: DicomJsonDataset;
}
export interface IndexedSeries<I extends IndexedInstance> {
  instances: Map<string, I>;
}
export interface IndexedStudy<I extends IndexedInstance> {
  series: Map<string, IndexedSeries<I>>;
}

const STUDY_LEVEL_TAGS = [
  Tag.SpecificCharacterSet, Tag.StudyDate, Tag.StudyTime, Tag.AccessionNumber, Tag.ReferringPhysicianName,
  Tag.StudyDescription, Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.PatientSex,
  Tag.StudyInstanceUID, Tag.StudyID,
];
const SERIES_LEVEL_TAGS = [
  Tag.SpecificCharacterSet, Tag.Modality, Tag.SeriesDescription, Tag.SeriesDate, Tag.BodyPartExamined,
  Tag.StudyInstanceUID, Tag.SeriesInstanceUID, Tag.SeriesNumber,
];

/** The given attributes of a dataset (absent ones left out). */
export function pickTags(ds: DicomJsonDataset, tags: readonly string[]): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const t of tags) if (ds[t]) out[t] = ds[t]!;
  return out;
}

function firstInstance<I extends IndexedInstance>(st: IndexedStudy<I>): I | undefined {
  for (const se of st.series.values()) for (const i of se.instances.values()) return i;
  return undefined;
}

export function studyDatasets<I extends IndexedInstance>(index: ReadonlyMap<string, IndexedStudy<I>>): DicomJsonDataset[] {
  const out: DicomJsonDataset[] = [];
  for (const [uid, st] of index) {
    const first = firstInstance(st);
    if (!first) continue;
    const ds = pickTags(first.metadata, STUDY_LEVEL_TAGS);
    const modalities = new Set<string>();
    let instances = 0;
    for (const se of st.series.values()) {
      instances += se.instances.size;
      const m = getString(se.instances.values().next().value!.metadata, Tag.Modality);
      if (m) modalities.add(m);
    }
    ds[Tag.StudyInstanceUID] = { vr: 'UI', Value: [uid] };
    ds[Tag.ModalitiesInStudy] = { vr: 'CS', Value: [...modalities].sort() };
    ds[Tag.NumberOfStudyRelatedSeries] = { vr: 'IS', Value: [st.series.size] };
    ds[Tag.NumberOfStudyRelatedInstances] = { vr: 'IS', Value: [instances] };
    out.push(ds);
  }
  return out;
}

export function seriesDatasets<I extends IndexedInstance>(st: IndexedStudy<I> | undefined): DicomJsonDataset[] | undefined {
  if (!st) return undefined;
  return [...st.series.values()].map((se) => {
    const ds = pickTags(se.instances.values().next().value!.metadata, SERIES_LEVEL_TAGS);
    ds[Tag.NumberOfSeriesRelatedInstances] = { vr: 'IS', Value: [se.instances.size] };
    return ds;
  });
}

/** Instance metadata of a study, or of one of its series; undefined when the study (or that series) is not there. */
export function instanceDatasets<I extends IndexedInstance>(st: IndexedStudy<I> | undefined, series?: string): DicomJsonDataset[] | undefined {
  if (!st) return undefined;
  const seriesList = series === undefined ? [...st.series.values()] : [st.series.get(series)].filter((s): s is IndexedSeries<I> => !!s);
  if (series !== undefined && seriesList.length === 0) return undefined;
  return seriesList.flatMap((se) => [...se.instances.values()].map((i) => i.metadata));
}
