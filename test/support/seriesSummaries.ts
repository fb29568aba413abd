/** Series summaries for viewer-model tests: each call a new series UID and series number in the same study. */
import type { SeriesSummary } from '../../common/dicom/model';

let uid = 0;

export function makeSeries(modality: string, seriesDescription: string, numberOfInstances: number, extra: Partial<SeriesSummary> = {}): SeriesSummary {
  uid += 1;
  return { studyInstanceUid: '1.2.3', seriesInstanceUid: `1.2.3.${uid}`, modality, seriesDescription, numberOfInstances, seriesNumber: uid, ...extra };
}
