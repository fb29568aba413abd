/**
 * The SUV of a PET series as the viewer may show it: computed only once the series' saved corrections are known.
 * Before, the header's values (the weight a technologist later corrected, say) would give an SUV that is not the
 * one of record: the reader would see it for a moment, and the PET/CT layout would save it with its sphere ROIs.
 */
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { computeSeriesSuv, type SuvOverrides, type SuvResult } from '../../../../common/suv';

export type SeriesCorrections =
  /** Still being read: no SUV yet. */
  | { kind: 'loading' }
  /** Read: the overrides of the series they were read for (a series switch leaves the old ones for one render). */
  | { kind: 'loaded'; seriesInstanceUid: string; overrides: SuvOverrides }
  /** Could not be read: the header's values, the panel saying why (the reader decides whether to trust them). */
  | { kind: 'failed' };

/** One result per instance, in the order given; none while the corrections of `seriesInstanceUid` are not known. */
export function seriesSuvResults(instances: readonly DicomJsonDataset[] | undefined, seriesInstanceUid: string | undefined, corrections: SeriesCorrections): SuvResult[] {
  if (!instances || !seriesInstanceUid) return [];
  if (corrections.kind === 'loading') return [];
  if (corrections.kind === 'failed') return computeSeriesSuv(instances, {});
  if (corrections.seriesInstanceUid !== seriesInstanceUid) return [];
  return computeSeriesSuv(instances, corrections.overrides);
}
