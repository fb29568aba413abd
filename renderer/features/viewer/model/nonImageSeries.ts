/**
 * Series that hold no images (registrations, segmentations, reports, presentation states…): the series strip shows
 * what they are on a labelled tile instead of a thumbnail (which would be black), and does not open them in a
 * stack viewport.
 */

import { nonImageKind } from '../../../../common/dicom/nonImageModalities';

export { nonImageKind };

/** The tile's label: "REG · Spatial registration", "SEG · 2 segments" once the segments are counted. */
export function nonImageLabel(modality: string, segments?: number): string {
  const m = modality.trim().toUpperCase();
  const what = m === 'SEG' && segments !== undefined ? `${segments} segment${segments === 1 ? '' : 's'}` : (nonImageKind(m) ?? 'Not an image');
  return `${m} · ${what}`;
}

/** Why such a series does not open in a viewport. */
export function whyNotOpened(modality: string, description: string): string {
  const m = modality.trim().toUpperCase();
  return `${description ? `"${description}"` : 'This series'} is ${m} (${nonImageKind(m) ?? 'not an image'}), not an image series: there is nothing to show in a viewport.`;
}

/**
 * The one rule for filling a viewer cell (hanging protocols, "compare with prior", Enter on a study, the reader's
 * own choice, fusion): only image series go into a cell.
 */
export function isImageSeries(s: { modality: string | undefined }): boolean {
  return nonImageKind(s.modality) === undefined;
}

/** The series of `series` a viewer cell may show, in their order. */
export function imageSeriesOnly<S extends { modality: string | undefined }>(series: readonly S[]): S[] {
  return series.filter(isImageSeries);
}

/** What the viewer says when a study holds series but none of them is an image series. */
export function noImageSeriesMessage(series: readonly { modality: string | undefined }[]): string {
  const kinds = [...new Set(series.map((s) => nonImageLabel(s.modality ?? '')))];
  return `This study has no image series to show${kinds.length ? ` (only ${kinds.join(', ')})` : ''}: there is nothing to hang in a viewport. Its series are listed in the series strip.`;
}

/** Why fusion of `base` under `overlay` (the first two cells) cannot be done; undefined when it can. */
export function fusionRefusal(
  base: { modality: string; seriesDescription: string } | undefined,
  overlay: { modality: string; seriesDescription: string } | undefined,
): string | undefined {
  if (!base || !overlay) return 'Fusion needs a series in each of the first two cells.';
  for (const s of [base, overlay]) {
    if (!isImageSeries(s)) return `Fusion needs two image series: ${whyNotOpened(s.modality, s.seriesDescription)}`;
  }
  return undefined;
}
