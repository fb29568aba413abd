/**
 * Series that hold no images (registrations, segmentations, reports, presentation states…): the series strip shows
 * what they are on a labelled tile instead of a thumbnail (which would be black), and does not open them in a
 * stack viewport. The words come from the UI's catalogue (stack.nonImage.*), through the caller's `t`, so the
 * tile and the notes read in the reader's language.
 */

import { nonImageKind } from '../../../../common/dicom/nonImageModalities';

export { nonImageKind };

/** The UI's translate function (react-i18next's `t`, or i18next's). */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** react-i18next's `t` (typed by its overloads) as a plain Translate. */
export function words(t: { (key: string, options: Record<string, unknown>): string }): Translate {
  return (key, values) => t(key, values ?? {});
}

/** What a non-image modality is, in the reader's language ("Spatial registration" = 位置合わせ); undefined for images. */
export function nonImageKindText(t: Translate, modality: string | undefined): string | undefined {
  const m = (modality ?? '').trim().toUpperCase();
  return nonImageKind(m) === undefined ? undefined : t(`stack.nonImage.kind.${m}`);
}

/** The tile's label: "REG · Spatial registration", "SEG · 2 segments" once the segments are counted. */
export function nonImageLabel(t: Translate, modality: string, segments?: number): string {
  const m = modality.trim().toUpperCase();
  const what = m === 'SEG' && segments !== undefined ? t('stack.nonImage.segments', { count: segments }) : (nonImageKindText(t, m) ?? t('stack.nonImage.notAnImage'));
  return `${m} · ${what}`;
}

/** Why such a series does not open in a viewport. */
export function whyNotOpened(t: Translate, modality: string, description: string): string {
  const m = modality.trim().toUpperCase();
  const kind = nonImageKindText(t, m) ?? t('stack.nonImage.notAnImageLower');
  return description ? t('stack.nonImage.whyNotOpened', { description, modality: m, kind }) : t('stack.nonImage.whyNotOpenedUnnamed', { modality: m, kind });
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
export function noImageSeriesMessage(t: Translate, series: readonly { modality: string | undefined }[]): string {
  const kinds = [...new Set(series.map((s) => nonImageLabel(t, s.modality ?? '')))];
  return kinds.length ? t('stack.nonImage.noImageSeriesOnly', { kinds: kinds.join(', ') }) : t('stack.nonImage.noImageSeries');
}

/** Why fusion of `base` under `overlay` (the first two cells) cannot be done; undefined when it can. */
export function fusionRefusal(
  t: Translate,
  base: { modality: string; seriesDescription: string } | undefined,
  overlay: { modality: string; seriesDescription: string } | undefined,
): string | undefined {
  if (!base || !overlay) return t('stack.nonImage.fusionNeedsTwo');
  for (const s of [base, overlay]) {
    if (!isImageSeries(s)) return t('stack.nonImage.fusionNeedsImages', { why: whyNotOpened(t, s.modality, s.seriesDescription) });
  }
  return undefined;
}
