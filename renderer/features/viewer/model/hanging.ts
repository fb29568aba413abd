/**
 * Hanging protocols as the viewer applies them: the JSON files in resources/hanging-protocols (validated at
 * load: a broken file is reported, never silently used), the choice for an opened study, and the prior
 * study to compare with. Pure: the workspace and App call it with what the study browser knows.
 */
import crDx from '../../../../resources/hanging-protocols/cr-dx.json';
import ctChest from '../../../../resources/hanging-protocols/ct-chest.json';
import ctMpr from '../../../../resources/hanging-protocols/ct-mpr.json';
import defaultProtocol from '../../../../resources/hanging-protocols/default.json';
import mrBrain from '../../../../resources/hanging-protocols/mr-brain.json';
import petCt from '../../../../resources/hanging-protocols/pet-ct.json';
import rtReview from '../../../../resources/hanging-protocols/rt-review.json';
import type { SeriesSummary, StudySummary } from '../../../../common/dicom/model';
import { chooseHangingProtocol, parseHangingProtocol, type HangingProtocol, type Layout } from '../../../../common/viewer/hangingProtocols';
import { imageSeriesOnly, isImageSeries, noImageSeriesMessage, type Translate } from './nonImageSeries';

const FILES: Record<string, unknown> = { 'cr-dx.json': crDx, 'ct-chest.json': ctChest, 'ct-mpr.json': ctMpr, 'default.json': defaultProtocol, 'mr-brain.json': mrBrain, 'pet-ct.json': petCt, 'rt-review.json': rtReview };

export interface LoadedProtocols {
  protocols: HangingProtocol[];
  /** One sentence per file that could not be used. */
  errors: string[];
}

export function loadBuiltInProtocols(files: Record<string, unknown> = FILES): LoadedProtocols {
  const protocols: HangingProtocol[] = [];
  const errors: string[] = [];
  for (const [name, json] of Object.entries(files)) {
    const r = parseHangingProtocol(json);
    if (r.ok) protocols.push(r.protocol);
    else errors.push(`Hanging protocol ${name} is not used: ${r.error}`);
  }
  return { protocols, errors };
}

/**
 * The reader's own protocols (settings, imported in the settings window) over the built-in ones: a protocol of
 * theirs with a built-in's id replaces it, and theirs come first (so they win a tie of priority). An invalid one
 * (a hand-edited settings file) is reported and not used.
 */
export function withUserProtocols(builtIn: LoadedProtocols, user: readonly unknown[]): LoadedProtocols {
  const mine: HangingProtocol[] = [];
  const errors = [...builtIn.errors];
  user.forEach((json, i) => {
    const r = parseHangingProtocol(json);
    if (r.ok) mine.push(r.protocol);
    else errors.push(`Your hanging protocol ${i + 1} is not used: ${r.error}`);
  });
  const ids = new Set(mine.map((p) => p.id));
  return { protocols: [...mine, ...builtIn.protocols.filter((p) => !ids.has(p.id))], errors };
}

export interface Hanging {
  layout: Layout;
  /** The series per cell, in the layout's reading order. */
  cells: (SeriesSummary | undefined)[];
  /** Scroll the cells together (prior comparison). */
  syncScroll: boolean;
  protocolName: string;
  /** Per cell: a caption such as "Prior 2019-03-02". */
  captions?: (string | undefined)[];
  /** Per cell: the protocol's window/level preset id ("lung", "abdomen" …), applied when the cell opens its series. */
  presets?: (string | undefined)[];
  /** Per cell: the protocol's view ('stack', 'axial' … '3d'): the MPR layout takes its planes' window and its 3D preset from these. */
  views?: (ViewportView | undefined)[];
  /** Said in the viewer instead of empty cells, e.g. when the study has no image series at all (worded by the viewer's `t`). */
  message?: (t: Translate) => string;
}

export type ViewportView = HangingProtocol['viewports'][number]['view'];

/**
 * The presets an MPR layout opens `series` in: the window/level preset of the first plane cell showing it, and the
 * volume rendering preset of the 3D cell showing it (none for a series the reader put there by hand).
 */
export function mprPresetsFor(
  hanging: Pick<Hanging, 'cells' | 'presets' | 'views'>,
  series: SeriesSummary | undefined,
): { window?: string; vr?: string } {
  const out: { window?: string; vr?: string } = {};
  if (!series) return out;
  hanging.cells.forEach((cell, i) => {
    const preset = hanging.presets?.[i];
    if (cell?.seriesInstanceUid !== series.seriesInstanceUid || !preset) return;
    if (hanging.views?.[i] === '3d') out.vr ??= preset;
    else out.window ??= preset;
  });
  return out;
}

/**
 * The layout and series per cell a study opens in. Only image series are hung (isImageSeries: a REG or SR with more
 * instances than the CT never takes the CT's cell, nor decides which protocol matches); a study with none gets one
 * empty cell and a message saying so.
 */
export function hangStudy(study: Pick<StudySummary, 'modalities' | 'studyDescription'>, series: readonly SeriesSummary[], protocols: readonly HangingProtocol[]): Hanging {
  const images = imageSeriesOnly(series);
  if (images.length === 0) {
    return { layout: '1x1', cells: [undefined], syncScroll: false, protocolName: 'No image series', message: (t) => noImageSeriesMessage(t, series) };
  }
  const modalities = study.modalities.filter((m) => isImageSeries({ modality: m }));
  const choice = chooseHangingProtocol({ modalities, description: study.studyDescription }, images, protocols);
  return {
    layout: choice.protocol.layout,
    cells: choice.viewports.map((v) => v.series),
    presets: choice.viewports.map((v) => v.spec.preset),
    views: choice.viewports.map((v) => v.spec.view),
    syncScroll: false,
    protocolName: choice.protocol.name,
  };
}

/**
 * The most recent earlier study of the same patient, when there is one (same-day studies are not priors; nor are
 * studies whose modalities are known and hold no image series, such as a report-only SR study).
 */
export function pickPrior<S extends Pick<StudySummary, 'studyInstanceUid' | 'studyDate' | 'studyTime'> & { modalities?: readonly string[] }>(
  current: S,
  candidates: readonly S[],
): S | undefined {
  const key = (s: S) => `${s.studyDate}${s.studyTime}`;
  const hasImages = (s: S) => !s.modalities?.length || s.modalities.some((m) => isImageSeries({ modality: m }));
  return candidates
    .filter((s) => s.studyInstanceUid !== current.studyInstanceUid && s.studyDate !== '' && s.studyDate < current.studyDate && hasImages(s))
    .sort((a, b) => key(b).localeCompare(key(a)))[0];
}

/**
 * The prior's series that best matches the one being read: same modality, then the most words of the
 * description in common, then the most images. Only image series compare (none for a non-image `current`).
 */
export function matchPriorSeries(current: SeriesSummary, priorSeries: readonly SeriesSummary[]): SeriesSummary | undefined {
  const words = (s: string) => new Set(s.toLowerCase().split(/[^a-z0-9\u3040-\u9fff]+/).filter(Boolean));
  const want = words(current.seriesDescription);
  const score = (s: SeriesSummary) => [...words(s.seriesDescription)].filter((w) => want.has(w)).length;
  if (!isImageSeries(current)) return undefined;
  return imageSeriesOnly(priorSeries)
    .filter((s) => s.modality === current.modality)
    .sort((a, b) => score(b) - score(a) || (b.numberOfInstances ?? 0) - (a.numberOfInstances ?? 0))[0];
}
