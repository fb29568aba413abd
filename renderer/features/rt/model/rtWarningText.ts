/**
 * The RT readers' sentences in the reader's language (issue #18). common/rt says in English what was odd in a
 * structure set and how it was taken (`warnings`, closedPlanes's `skipped`), why a dose grid cannot be placed
 * (DoseGridError), why a DVH cannot be computed, and which stored DVHs are not compared; those English sentences
 * stay the interface of `dokuei dvh --json` and of the tests, so the RT panels map them after the fact, here, to
 * keys of the `rt` group (renderer/ui/i18n/locales/<lang>/rt.json) with the values they hold, as
 * electron/services/store/reasonSays.ts does for import reasons. The English texts of the keys are the sentences
 * themselves, so the English panels read as before; a sentence this does not know is shown as it is.
 *
 * Also here: the sentences of this feature's own loaders (useRtDoses.ts's loadDoseGrid, useRtVolumeData.ts's
 * status) and of doseDisplay.ts's parseLevels, which are kept in English and worded when shown.
 */
import { sentenceKeys } from '../../../../common/i18n/sentenceKeys';
import type { Translate } from '../../../ui/i18n/said';

/** A key of the `rt` group and its values. */
export interface RtSaid {
  key: string;
  values?: Record<string, string>;
}


const EXACT: Record<string, string> = {
  // structureSet.ts
  'A structure without an ROI Number was left out.': 'rt.warning.noRoiNumber',
  'Contours without a Referenced ROI Number were left out.': 'rt.warning.noReferencedRoi',
  'This file holds no structures (no Structure Set ROI Sequence): is it an RT Structure Set?': 'rt.warning.noStructures',
  // doseGrid.ts
  'The dose has no Rows/Columns: is it an RT Dose with a dose grid?': 'rt.warning.noRowsColumns',
  'The dose grid cannot be placed: Image Position, Image Orientation or Pixel Spacing is missing.': 'rt.warning.gridNotPlaced',
  'The Grid Frame Offset Vector is in the absolute form (z coordinates), which the standard allows only for an axial grid (1\\0\\0\\0\\1\\0); this grid is not axial.':
    'rt.warning.absoluteOffsetsNotAxial',
  // dvh.ts
  'the structure has no closed contours: it encloses no volume': 'rt.warning.dvhNoClosedContours',
  'the structure is thinner than the sampling step: no point falls inside it': 'rt.warning.dvhThinnerThanStep',
  // storedDvh.ts
  'A stored DVH names no ROI and was left out.': 'rt.warning.storedNoRoi',
  // useRtVolumeData.ts
  'Loading the dose…': 'rt.warning.loadingDose',
  // doseDisplay.ts's parseLevels (DosePanel's level field)
  'Type at least one level.': 'rt.warning.noLevel',
};

const said = (key: string, values?: Record<string, string>): RtSaid => (values ? { key, values } : { key });

const PATTERNS: [RegExp, (m: RegExpExecArray) => RtSaid][] = [
  // structureSet.ts: parseStructureSet's warnings, closedPlanes's skipped contours.
  [
    /^Contours for ROI (.+), which the Structure Set ROI Sequence does not list, are shown as "ROI \1"\.$/,
    (m) => said('rt.warning.unlistedRoi', { number: m[1]! }),
  ],
  [/^(.+): a contour of type "none" was left out \(not a type the standard defines\)\.$/s, (m) => said('rt.warning.contourNoType', { roi: m[1]! })],
  [/^(.+): a contour of type "(.*)" was left out \(not a type the standard defines\)\.$/s, (m) => said('rt.warning.contourType', { roi: m[1]!, type: m[2]! })],
  [/^(.+): a contour whose Contour Data is not x\\y\\z triplets of numbers was left out\.$/s, (m) => said('rt.warning.contourData', { roi: m[1]! })],
  [
    /^(.+): a contour says (.+) points and holds (.+); the points held are used\.$/s,
    (m) => said('rt.warning.pointCount', { roi: m[1]!, declared: m[2]!, held: m[3]! }),
  ],
  [/^(.+): a closed contour with fewer than 3 points encloses nothing and was left out\.$/s, (m) => said('rt.warning.closedFewPoints', { roi: m[1]! })],
  [/^(.+): a closed contour whose points are not on one axial plane was left out\.$/s, (m) => said('rt.warning.closedNotAxial', { roi: m[1]! })],
  // doseGrid.ts (DoseGridError).
  [/^The dose grid's Pixel Spacing (.+) is not positive\.$/, (m) => said('rt.warning.spacingNotPositive', { spacing: m[1]! })],
  [/^Dose Grid Scaling (.+) is not a positive number\.$/, (m) => said('rt.warning.scalingNotPositive', { scaling: m[1]! })],
  [
    /^The Grid Frame Offset Vector lists (.+) offsets for (.+) frames: the dose planes cannot be placed\.$/,
    (m) => said('rt.warning.offsetCount', { offsets: m[1]!, frames: m[2]! }),
  ],
  [
    /^The dose holds (.+) values where (.+)×(.+)×(.+) = (.+) are needed\.$/,
    (m) => said('rt.warning.tooFewValues', { held: m[1]!, columns: m[2]!, rows: m[3]!, frames: m[4]!, needed: m[5]! }),
  ],
  // storedDvh.ts: the stored DVHs that are not compared.
  [/^The stored DVH of ROI (.+) is in no dose units, not Gy: not compared\.$/, (m) => said('rt.warning.storedNoUnits', { number: m[1]! })],
  [/^The stored DVH of ROI (.+) is in (.+) dose units, not Gy: not compared\.$/, (m) => said('rt.warning.storedNotGy', { number: m[1]!, units: m[2]! })],
  [
    /^The stored DVH of ROI (.+) is of no type: only cumulative and differential DVHs are compared\.$/,
    (m) => said('rt.warning.storedNoType', { number: m[1]! }),
  ],
  [
    /^The stored DVH of ROI (.+) is (.+): only cumulative and differential DVHs are compared\.$/,
    (m) => said('rt.warning.storedType', { number: m[1]!, type: m[2]! }),
  ],
  [/^The stored DVH of ROI (.+) has no bin width\/volume pairs\.$/, (m) => said('rt.warning.storedNoData', { number: m[1]! })],
  // useRtVolumeData.ts's status, useRtDoses.ts's loadDoseGrid.
  [/^The dose is in no units, not Gy: levels in % of its maximum\.$/, () => said('rt.warning.doseNoUnits')],
  [/^The dose is in (.+) units, not Gy: levels in % of its maximum\.$/, (m) => said('rt.warning.doseNotGy', { units: m[1]! })],
  [/^the dose's frames answered HTTP (.+)$/, (m) => said('rt.warning.framesHttp', { status: m[1]! })],
  [/^the dose has (.+) frames and (.+) came back$/, (m) => said('rt.warning.framesMissing', { frames: m[1]!, received: m[2]! })],
  [/^the dose is compressed \((.+)\); only uncompressed doses are shown$/, (m) => said('rt.warning.doseCompressed', { syntax: m[1]! })],
  [/^"(.*)" is not a dose level \(a number above 0\)\.$/s, (m) => said('rt.warning.notALevel', { level: m[1]! })],
];

/** The key and values for one of the RT readers' sentences; undefined for any other text (shown as it is). */
const lookup = sentenceKeys<RtSaid>(EXACT, PATTERNS, (key) => said(key));

export function rtSays(text: string): RtSaid | undefined {
  return lookup(text);
}

/** One of the RT readers' sentences in the reader's language; any other text as it is. */
export function rtText(t: Translate, text: string): string {
  const s = rtSays(text);
  return s ? t(s.key, s.values ?? {}) : text;
}

/** Every key this can name, for checks that each exists in both languages. */
export const RT_TEXT_KEYS: readonly string[] = [
  ...Object.values(EXACT),
  ...[
    'unlistedRoi',
    'contourNoType',
    'contourType',
    'contourData',
    'pointCount',
    'closedFewPoints',
    'closedNotAxial',
    'spacingNotPositive',
    'scalingNotPositive',
    'offsetCount',
    'tooFewValues',
    'storedNoUnits',
    'storedNotGy',
    'storedNoType',
    'storedType',
    'storedNoData',
    'doseNoUnits',
    'doseNotGy',
    'framesHttp',
    'framesMissing',
    'doseCompressed',
    'notALevel',
  ].map((k) => `rt.warning.${k}`),
];
