/**
 * The SUV engine's sentences in the reader's language (issue #18). common/suv says in English why an SUV type
 * cannot be had (`reasons`), what a reader should know (`warnings`) and where each input came from (`source`);
 * those English sentences stay the interface of `dokuei suv --json` and of the tests, so the panel maps them after
 * the fact, here, to keys of the `suv` group (renderer/ui/i18n/locales/<lang>/suv.json) with the values they hold,
 * as electron/services/store/reasonSays.ts does for import reasons. The English texts of the keys are the sentences
 * themselves, so the English panel reads as before; a sentence this does not know is shown as it is.
 *
 * Some reasons hold another: "no patient height (…): lbm needs it", "unreadable header: …", "values are SUVbw;
 * converting them to lbm needs the mass they were made with: …". The inner sentence is a value that is itself
 * mapped (a nested Said), so the whole reads in one language.
 *
 * Also here: the SEG warnings and segment reasons of common/seg that the panel's Segments table shows, and the
 * panel's own "corrected by … at …" source (suvModel.ts's sourceText).
 */
import { sentenceKeys } from '../../../../common/i18n/sentenceKeys';
import { sayWith, type Said, type SaidValue, type Translate } from '../../../ui/i18n/said';

export type { Said, SaidValue, Translate } from '../../../ui/i18n/said';
export { sayWith };

/** The SUV types as computeSuv names them in its sentences. */
const TYPE = '(bw|lbm|lbmJames128|lbmJanma|bsa|ibw)';

const EXACT: Record<string, string> = {
  // Why an SUV type cannot be had (computeSuv.ts).
  "no patient weight (Patient's Weight (0010,1030)): no SUV": 'suv.reasons.noWeight',
  'no patient weight: no SUV': 'suv.reasons.noWeightShort',
  "no patient weight (Patient's Weight (0010,1030))": 'suv.reasons.headerNoWeight',
  "no patient height (Patient's Size (0010,1020))": 'suv.reasons.noHeight',
  'no patient height': 'suv.reasons.noHeightShort',
  'no injected dose (Radionuclide Total Dose (0018,1074))': 'suv.reasons.noDose',
  'no half-life (Radionuclide Half Life (0018,1075))': 'suv.reasons.noHalfLife',
  'no injection time': 'suv.reasons.noInjectionTime',
  'no injection time (Radiopharmaceutical Start DateTime (0018,1078) or Start Time (0018,1072))': 'suv.reasons.noInjectionTag',
  'Radiopharmaceutical Start Time without a Series Date to put it on': 'suv.reasons.startTimeNoDate',
  'no reference time': 'suv.reasons.noReferenceTime',
  'no readable Series Date/Time (0008,0021)/(0008,0031) or Acquisition Date/Time': 'suv.reasons.noSeriesTime',
  'decay correction NONE needs the Acquisition Date/Time of the frame': 'suv.reasons.noneNeedsAcquisition',
  'not available': 'suv.reasons.notAvailable',
  'not attenuation corrected (Corrected Image (0028,0051) has no ATTN): values are Bq/ml, not SUV': 'suv.reasons.notAttenuationCorrected',
  'Units CNTS without a Philips SUV Scale Factor (7053,1000) or Activity Concentration Scale Factor (7053,1009): counts are not activity': 'suv.reasons.countsNotActivity',
  'no Units (0054,1001)': 'suv.reasons.noUnits',
  unknown: 'suv.reasons.unknown',
  'the dataset could not be read': 'suv.reasons.datasetUnreadable',
  // What a reader should know (computeSuv.ts).
  'Series Time is after the Acquisition Time (a processed series): the reference time is the GE private scan time (0009,100D)': 'suv.warning.processedGe',
  'Series Time is after the Acquisition Time (a processed series): the reference time is the earliest acquisition, back-computed per frame from Frame Reference Time (0054,1300) and Actual Frame Duration (0018,1242)':
    'suv.warning.processedBackComputed',
  'Series Time is after the Acquisition Time (a processed series) and no frame has a Frame Reference Time: the reference time is the earliest Acquisition Time as is': 'suv.warning.processedAsIs',
  'decay correction NONE without Actual Frame Duration (0018,1242): the frame time is the reference time + Frame Reference Time': 'suv.warning.noneNoDurationReference',
  'decay correction NONE without Actual Frame Duration (0018,1242): the frame is taken at its start': 'suv.warning.noneNoDurationStart',
  'no Decay Correction (0054,1102): taken as START': 'suv.warning.noDecayCorrection',
  'no Corrected Image (0028,0051): attenuation and decay correction could not be checked': 'suv.warning.noCorrectedImage',
  'Decay Correction is NONE but Corrected Image (0028,0051) has DECY: treated as not decay corrected': 'suv.warning.noneButDecy',
  "Patient's Sex missing: lbm, lbmJames128, lbmJanma and ibw use the mean of the male and female factors": 'suv.warning.sexMissingMean',
  'Radiopharmaceutical Start Time is after the scan on the series date: the injection was the day before (scan after midnight)': 'suv.warning.injectionDayBefore',
  // Where an input came from (SuvInputSource, and suvModel.ts's sourceText).
  override: 'suv.source.override',
  'derived (earliest acquisition back-computed per frame)': 'suv.source.derivedBackComputed',
  'derived (earliest Acquisition Date/Time)': 'suv.source.derivedEarliest',
  'not in the header': 'suv.source.notInHeader',
  // The Segments table (common/seg/segSuv.ts).
  'No SUVbw factor for every slice of the series': 'suv.seg.noFactor',
  'The segment has no voxel on the series': 'suv.seg.noVoxel',
};

/** computeSuv's names of the lean and ideal body masses in "… is -3.0 kg for this weight and height: no lbm". */
const NORMALISERS: Record<string, string> = {
  'James LBM': 'suv.reasons.normaliser.james',
  'James LBM (128)': 'suv.reasons.normaliser.james128',
  'Janmahasatian LBM': 'suv.reasons.normaliser.janma',
  'ideal body weight': 'suv.reasons.normaliser.ibw',
};

const said = (key: string, values?: Record<string, SaidValue>): Said => (values ? { key, values } : { key });
/** An inner sentence: its own Said when it is one of ours, else the text. */
const inner = (text: string): SaidValue => suvSays(text) ?? text;

const PATTERNS: [RegExp, (m: RegExpExecArray) => Said][] = [
  // Reasons.
  // First those that hold another sentence, which may end like one of the others.
  [/^unreadable header: (.+)$/, (m) => said('suv.reasons.unreadableHeader', { why: inner(m[1]!) })],
  [
    /^values are already SUV but the header's own dose\/time cannot be read \((.+)\), so an override cannot be applied$/,
    (m) => said('suv.reasons.headerTimeUnreadable', { reason: inner(m[1]!) }),
  ],
  [
    new RegExp(`^values are SUV${TYPE}; converting them to ${TYPE} needs the (BSA|mass) they were made with: (.+)$`),
    (m) => said(m[3] === 'BSA' ? 'suv.reasons.convertNeedsBsa' : 'suv.reasons.convertNeedsMass', { pre: m[1]!, type: m[2]!, reason: inner(m[4]!) }),
  ],
  [new RegExp(`^(.+): ${TYPE} needs it$`), (m) => said('suv.reasons.needsHeight', { reason: inner(m[1]!), type: m[2]! })],
  [/^patient weight is (.+): no SUV$/, (m) => said('suv.reasons.weightIs', { weight: m[1]! })],
  [/^patient weight is (.+)$/, (m) => said('suv.reasons.headerWeightIs', { weight: m[1]! })],
  [/^patient height is (.+)$/, (m) => said('suv.reasons.heightIs', { height: m[1]! })],
  [
    new RegExp(`^(James LBM|James LBM \\(128\\)|Janmahasatian LBM|ideal body weight) is (.+) kg for this weight and height: no ${TYPE}$`),
    (m) => said('suv.reasons.normaliserNotPositive', { what: said(NORMALISERS[m[1]!]!), kg: m[2]!, type: m[3]! }),
  ],
  [/^injected dose is (.+)$/, (m) => said('suv.reasons.doseIs', { dose: m[1]! })],
  [/^half-life is (.+)$/, (m) => said('suv.reasons.halfLifeIs', { halfLife: m[1]! })],
  [/^the injection date\/time override "(.*)" is not a date-time$/, (m) => said('suv.reasons.injectionOverrideBad', { value: m[1]! })],
  [/^the reference date\/time override "(.*)" is not a date-time$/, (m) => said('suv.reasons.referenceOverrideBad', { value: m[1]! })],
  [/^reference time: (.+)$/, (m) => said('suv.reasons.referenceFailed', { error: m[1]! })],
  [/^the injection \((.+)\) is after the reference time \((.+)\)$/, (m) => said('suv.reasons.injectionAfterReference', { injection: m[1]!, reference: m[2]! })],
  [/^the injection \((.+)\) is after the frame \((.+)\)$/, (m) => said('suv.reasons.injectionAfterFrame', { injection: m[1]!, frame: m[2]! })],
  [/^the inputs give no usable factor \((.+)\)$/, (m) => said('suv.reasons.noUsableFactor', { factor: m[1]! })],
  [/^unknown Decay Correction \(0054,1102\) "(.*)"$/, (m) => said('suv.reasons.unknownDecay', { mode: m[1]! })],
  [
    /^Decay Correction is (.+) but Corrected Image \(0028,0051\) has no DECY: the values are not decay corrected as stated$/,
    (m) => said('suv.reasons.notDecayCorrected', { mode: m[1]! }),
  ],
  [/^unknown SUV Type \(0054,1006\) "(.*)": expected one of (.+)$/, (m) => said('suv.reasons.unknownSuvType', { value: m[1]!, expected: m[2]! })],
  [/^Units (.+) \(0054,1001\) are neither activity concentration \(BQML, CNTS\) nor SUV \(GML, CM2ML\)$/, (m) => said('suv.reasons.unknownUnits', { units: m[1]! })],
  [new RegExp(`^Patient's Sex \\(0010,0040\\) is missing and ${TYPE} depends on it$`), (m) => said('suv.reasons.headerSexMissing', { type: m[1]! })],
  [new RegExp(`^Patient's Sex \\(0010,0040\\) is '(.*)' and ${TYPE} depends on it$`), (m) => said('suv.reasons.headerSexIs', { sex: m[1]!, type: m[2]! })],
  [new RegExp(`^no ${TYPE}$`), (m) => said('suv.reasons.noType', { type: m[1]! })],
  // Warnings.
  [/^patient weight (.+) can only be grams: taken as (.+) kg$/, (m) => said('suv.warning.weightGrams', { weight: m[1]!, kg: m[2]! })],
  [/^Patient's Size (.+) can only be centimetres: taken as (.+) cm$/, (m) => said('suv.warning.sizeCentimetres', { height: m[1]!, cm: m[2]! })],
  [/^height (.+) can only be metres: taken as (.+) cm$/, (m) => said('suv.warning.heightMetres', { height: m[1]!, cm: m[2]! })],
  [/^(.+) h from injection to the reference time: check the injection date$/, (m) => said('suv.warning.longUptake', { hours: m[1]! })],
  [
    /^Rescale Intercept \(0028,1052\) is (.+): SUV = \(stored × (.+) \+ \1\) × factor$/,
    (m) => said('suv.warning.rescaleIntercept', { intercept: m[1]!, slope: m[2]! }),
  ],
  [
    /^Philips SUV Scale Factor \(7053,1000\) (.+) differs from (.+) computed from \(7053,1009\) by more than 2 %$/,
    (m) => said('suv.warning.philipsMismatch', { scanner: m[1]!, ours: m[2]! }),
  ],
  [/^Units CM2ML with SUV Type (.+): taken as SUVbsa$/, (m) => said('suv.warning.cm2mlSuvType', { suvType: m[1]! })],
  [
    /^Patient's Sex '(.*)': lbm, lbmJames128, lbmJanma and ibw use the mean of the male and female factors$/,
    (m) => said('suv.warning.sexMean', { sex: m[1]! }),
  ],
  [/^injected dose (.+) can only be MBq: taken as (.+) Bq$/, (m) => said('suv.warning.doseMbq', { dose: m[1]!, bq: m[2]! })],
  // Sources.
  [/^header (\(.+\))$/, (m) => said('suv.source.header', { tag: m[1]! })],
  [
    /^corrected by (.+?) at (\d{4}-\d\d-\d\d \S+(?: UTC)?): (.*?) → (.*?) \((.*)\)$/s,
    (m) => said('suv.source.corrected', { user: m[1]!, at: m[2]!, from: m[3]!, to: m[4]!, reason: m[5]! }),
  ],
  // The Segments table's warnings (common/seg/segToMask.ts).
  [/^(\d+) SEG frame\(s\) are not parallel to the image slices and were left out$/, (m) => said('suv.seg.notParallel', { frames: m[1]! })],
  [/^(\d+) SEG frame\(s\) do not lie on a slice of the image and were left out$/, (m) => said('suv.seg.offSlice', { frames: m[1]! })],
  [/^(\d+) SEG frame\(s\) have no position and refer to no slice of the image; left out$/, (m) => said('suv.seg.noPosition', { frames: m[1]! })],
  [/^(\d+) SEG frame\(s\) refer to a segment the SEG does not describe; left out$/, (m) => said('suv.seg.unknownSegment', { frames: m[1]! })],
];

/** The key and values for one of the SUV engine's sentences; undefined for any other text (shown as it is). */
const lookup = sentenceKeys<Said>(EXACT, PATTERNS, (key) => said(key));

export function suvSays(text: string): Said | undefined {
  return lookup(text);
}


/** One of the engine's sentences in the reader's language; any other text as it is. */
export function suvText(t: Translate, text: string): string {
  const s = suvSays(text);
  return s ? sayWith(t, s) : text;
}

/** Every key this can name, for checks that each exists in both languages. */
export const SUV_TEXT_KEYS: readonly string[] = [
  ...Object.values(EXACT),
  ...Object.values(NORMALISERS),
  ...[
    'weightIs',
    'headerWeightIs',
    'heightIs',
    'needsHeight',
    'normaliserNotPositive',
    'doseIs',
    'halfLifeIs',
    'injectionOverrideBad',
    'referenceOverrideBad',
    'referenceFailed',
    'injectionAfterReference',
    'injectionAfterFrame',
    'noUsableFactor',
    'unknownDecay',
    'notDecayCorrected',
    'unknownSuvType',
    'unknownUnits',
    'headerTimeUnreadable',
    'convertNeedsBsa',
    'convertNeedsMass',
    'headerSexMissing',
    'headerSexIs',
    'noType',
    'unreadableHeader',
  ].map((k) => `suv.reasons.${k}`),
  ...['weightGrams', 'sizeCentimetres', 'heightMetres', 'longUptake', 'rescaleIntercept', 'philipsMismatch', 'cm2mlSuvType', 'sexMean', 'doseMbq'].map((k) => `suv.warning.${k}`),
  'suv.source.header',
  'suv.source.corrected',
  ...['notParallel', 'offSlice', 'noPosition', 'unknownSegment'].map((k) => `suv.seg.${k}`),
];
