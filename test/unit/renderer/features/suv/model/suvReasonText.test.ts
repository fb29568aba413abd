/**
 * The SUV engine's English sentences in the reader's language (issue #18): every reason, warning and input source
 * common/suv can give (and the Segments table's SEG sentences) maps to a key both languages hold, whose English text
 * filled with the values gives back the sentence exactly, so the English panel is unchanged. The sentences are made
 * by computeSuv itself wherever a header can provoke them; the few fallbacks no header reaches are literal copies.
 */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { computeSuv, type SuvOverrides, type SuvResult } from '../../../../../../common/suv';
import { SUV_TEXT_KEYS, suvSays, suvText } from '../../../../../../renderer/features/suv/model/suvReasonText';
import { sourceText } from '../../../../../../renderer/features/suv/model/suvModel';
import { RESOURCES } from '../../../../../../renderer/ui/i18n/i18n';
import { petHeader, type PetHeaderPatch } from '../../../../common/suv/petHeader';
import { checkSaidSentence, flattenCatalogue, saidKeys, wordIn, type CatalogueTree } from '../../../../../support/catalogue';

type Tree = CatalogueTree;
const flatten = flattenCatalogue;
const en = flatten(RESOURCES.en as Tree);
const ja = flatten(RESOURCES.ja as Tree);

/** Checks one sentence against both catalogues (test/support/catalogue.ts). Its keys. */
const check = (text: string): string[] => checkSaidSentence({ en, ja }, suvSays, suvText, text);

/** The reasons, warnings and sources of a result, each checked; the keys they mapped to. */
function checkResult(r: SuvResult): Set<string> {
  return new Set(textsOf(r).flatMap((t) => check(t)));
}

const textsOf = (r: SuvResult) => [...Object.values(r.reasons), ...r.warnings, ...r.inputs.map((i) => i.source)];

const run = (patch: PetHeaderPatch, overrides?: SuvOverrides) => checkResult(computeSuv(petHeader(patch), overrides));

/** `patch` (and overrides) make computeSuv give a sentence with each of `keys`. */
const cases: [string, PetHeaderPatch, SuvOverrides | undefined, string[]][] = [
  ['no weight', { PatientWeight: undefined }, undefined, ['suv.reasons.noWeight']],
  ['weight 0', { PatientWeight: 0 }, undefined, ['suv.reasons.weightIs']],
  ['weight in grams', { PatientWeight: 80000 }, undefined, ['suv.warning.weightGrams']],
  ['no height', { PatientSize: undefined }, undefined, ['suv.reasons.needsHeight', 'suv.reasons.noHeight']],
  ['height 0', { PatientSize: 0 }, undefined, ['suv.reasons.needsHeight', 'suv.reasons.heightIs']],
  ['height in cm in the header', { PatientSize: 180 }, undefined, ['suv.warning.sizeCentimetres']],
  ['height in m as an override', {}, { heightCm: 1.8 }, ['suv.warning.heightMetres', 'suv.source.override']],
  [
    'lean and ideal masses below zero',
    { PatientWeight: 300, PatientSize: 1.0 },
    undefined,
    ['suv.reasons.normaliserNotPositive', 'suv.reasons.normaliser.james', 'suv.reasons.normaliser.james128', 'suv.reasons.normaliser.ibw'],
  ],
  ['no dose', { RadionuclideTotalDose: undefined }, undefined, ['suv.reasons.noDose']],
  ['dose 0', { RadionuclideTotalDose: 0 }, undefined, ['suv.reasons.doseIs']],
  ['dose in MBq', { RadionuclideTotalDose: 400 }, undefined, ['suv.warning.doseMbq']],
  ['no half-life', { RadionuclideHalfLife: undefined }, undefined, ['suv.reasons.noHalfLife']],
  ['half-life 0', { RadionuclideHalfLife: 0 }, undefined, ['suv.reasons.halfLifeIs']],
  ['injection override not a time', {}, { injectionDateTime: 'soon' }, ['suv.reasons.injectionOverrideBad']],
  ['reference override not a time', {}, { referenceDateTime: 'later' }, ['suv.reasons.referenceOverrideBad']],
  ['no injection time', { RadiopharmaceuticalStartDateTime: undefined }, undefined, ['suv.reasons.noInjectionTag']],
  ['start time after the scan', { RadiopharmaceuticalStartDateTime: undefined, RadiopharmaceuticalStartTime: '233000' }, undefined, ['suv.warning.injectionDayBefore']],
  [
    'start time without a date',
    { RadiopharmaceuticalStartDateTime: undefined, RadiopharmaceuticalStartTime: '083000', SeriesDate: undefined, AcquisitionDate: undefined },
    undefined,
    ['suv.reasons.startTimeNoDate'],
  ],
  ['no series or acquisition time', { SeriesDate: undefined, SeriesTime: undefined, AcquisitionDate: undefined, AcquisitionTime: undefined }, undefined, ['suv.reasons.noSeriesTime']],
  ['injection after the reference', { RadiopharmaceuticalStartDateTime: '20240115110000' }, undefined, ['suv.reasons.injectionAfterReference']],
  ['three days of uptake', { RadiopharmaceuticalStartDateTime: '20240112083000' }, undefined, ['suv.warning.longUptake']],
  ['processed series, no frame reference time', { SeriesTime: '120000' }, undefined, ['suv.warning.processedAsIs', 'suv.source.derivedEarliest']],
  ['processed series, back-computed', { SeriesTime: '120000', FrameReferenceTime: 150000 }, undefined, ['suv.warning.processedBackComputed', 'suv.source.derivedBackComputed']],
  ['processed series, GE scan time', { SeriesTime: '120000', GEPrivatePostInjectionDateTime: '20240115100000' }, undefined, ['suv.warning.processedGe', 'suv.source.header']],
  ['NONE with DECY', { DecayCorrection: 'NONE' }, undefined, ['suv.warning.noneButDecy']],
  ['NONE without a frame duration', { DecayCorrection: 'NONE', CorrectedImage: ['ATTN'], ActualFrameDuration: undefined }, undefined, ['suv.warning.noneNoDurationStart']],
  [
    'NONE without a frame duration, with a frame reference time',
    { DecayCorrection: 'NONE', CorrectedImage: ['ATTN'], ActualFrameDuration: undefined, FrameReferenceTime: 1000 },
    undefined,
    ['suv.warning.noneNoDurationReference'],
  ],
  ['NONE, injection after the frame', { DecayCorrection: 'NONE', CorrectedImage: ['ATTN'], RadiopharmaceuticalStartDateTime: '20240115110000' }, undefined, ['suv.reasons.injectionAfterFrame']],
  ['NONE without an acquisition time', { DecayCorrection: 'NONE', CorrectedImage: ['ATTN'], AcquisitionDate: undefined, AcquisitionTime: undefined }, undefined, ['suv.reasons.noneNeedsAcquisition']],
  ['unknown decay correction', { DecayCorrection: 'LATER' }, undefined, ['suv.reasons.unknownDecay']],
  ['no decay correction', { DecayCorrection: undefined }, undefined, ['suv.warning.noDecayCorrection']],
  ['no corrected image', { CorrectedImage: undefined }, undefined, ['suv.warning.noCorrectedImage']],
  ['not attenuation corrected', { CorrectedImage: ['NORM', 'DECY'] }, undefined, ['suv.reasons.notAttenuationCorrected']],
  ['not decay corrected', { CorrectedImage: ['ATTN'] }, undefined, ['suv.reasons.notDecayCorrected']],
  ['counts', { Units: 'CNTS' }, undefined, ['suv.reasons.countsNotActivity']],
  [
    'Philips factors that disagree',
    { Units: 'CNTS', PhilipsPETPrivateGroup: { SUVScaleFactor: 0.001, ActivityConcentrationScaleFactor: 1 } },
    undefined,
    ['suv.warning.philipsMismatch'],
  ],
  ['no units', { Units: undefined }, undefined, ['suv.reasons.noUnits']],
  ['unknown units', { Units: 'PROPCNTS' }, undefined, ['suv.reasons.unknownUnits']],
  ['unknown SUV type', { Units: 'GML', SUVType: 'LEAN' }, undefined, ['suv.reasons.unknownSuvType']],
  ['CM2ML with SUV Type BW', { Units: 'CM2ML', SUVType: 'BW' }, undefined, ['suv.warning.cm2mlSuvType']],
  ['no sex', { PatientSex: undefined }, undefined, ['suv.warning.sexMissingMean']],
  ["sex 'O'", { PatientSex: 'O' }, undefined, ['suv.warning.sexMean']],
  ['GML whose own dose cannot be read, with a dose override', { Units: 'GML', RadionuclideTotalDose: undefined }, { doseBq: 300e6 }, ['suv.reasons.headerTimeUnreadable', 'suv.reasons.noDose']],
  ['GML LBM without a sex', { Units: 'GML', SUVType: 'LBM', PatientSex: undefined }, undefined, ['suv.reasons.convertNeedsMass', 'suv.reasons.headerSexMissing']],
  ["GML LBM with sex 'O'", { Units: 'GML', SUVType: 'LBM', PatientSex: 'O' }, undefined, ['suv.reasons.convertNeedsMass', 'suv.reasons.headerSexIs']],
  ['GML LBM below zero', { Units: 'GML', SUVType: 'LBM', PatientWeight: 300, PatientSize: 1.0 }, undefined, ['suv.reasons.convertNeedsMass', 'suv.reasons.normaliserNotPositive']],
  ['CM2ML without a height', { Units: 'CM2ML', PatientSize: undefined }, undefined, ['suv.reasons.convertNeedsBsa', 'suv.reasons.noHeight']],
  ['GML without a weight', { Units: 'GML', PatientWeight: undefined }, undefined, ['suv.reasons.convertNeedsMass', 'suv.reasons.headerNoWeight']],
  ['GML with weight 0', { Units: 'GML', PatientWeight: 0 }, undefined, ['suv.reasons.convertNeedsMass', 'suv.reasons.headerWeightIs']],
  ['rescale intercept', { RescaleIntercept: 5, RescaleSlope: 2 }, undefined, ['suv.warning.rescaleIntercept']],
  ['a weight at the edge of floating point', {}, { weightKg: 5e-324 }, ['suv.reasons.noUsableFactor']],
];

/** Fallbacks no header reaches (and common/seg's sentences), copied from the source. */
const LITERALS = [
  'no patient weight: no SUV',
  'no patient height: ibw needs it',
  'Janmahasatian LBM is -1.0 kg for this weight and height: no lbmJanma',
  'no injection time',
  'no reference time',
  'reference time: Error: the clock stopped',
  'not available',
  'values are SUVlbmJanma; converting them to bw needs the mass they were made with: no lbmJanma',
  'values are SUVbw; converting them to lbm needs the mass they were made with: unknown',
  'unreadable header: TypeError: x is not a function',
  '3 SEG frame(s) are not parallel to the image slices and were left out',
  '1 SEG frame(s) do not lie on a slice of the image and were left out',
  '2 SEG frame(s) have no position and refer to no slice of the image; left out',
  '4 SEG frame(s) refer to a segment the SEG does not describe; left out',
  'No SUVbw factor for every slice of the series',
  'The segment has no voxel on the series',
];

/** A dataset whose reading throws: computeSuv's "unreadable header". */
function unreadable(): SuvResult {
  const ds = petHeader();
  Object.defineProperty(ds, '00541001', { enumerable: true, get: () => { throw new Error('a broken getter'); } });
  return computeSuv(ds);
}

const CORRECTION = { field: 'weight', oldValue: 66.2, newValue: 70, user: 'dr.a', time: '2026-03-01T10:20:30.000Z', reason: 'Weighed again (scale fixed)' } as const;

/** Every sentence above, made afresh. */
function allSentences(): string[] {
  return [
    ...cases.flatMap(([, patch, overrides]) => textsOf(computeSuv(petHeader(patch), overrides))),
    ...textsOf(unreadable()),
    ...LITERALS,
    sourceText('weight', undefined, [CORRECTION]),
    sourceText('sex', undefined, []),
  ];
}

describe('suvReasonText', () => {
  it.each(cases)('%s: each sentence maps to a key in both languages whose English text gives it back', (_name, patch, overrides, keys) => {
    const got = run(patch, overrides);
    for (const k of keys) expect(got, k).toContain(k);
  });

  it('an unreadable dataset', () => {
    const r = unreadable();
    expect(r.reasons.bw).toBe('unreadable header: the dataset could not be read');
    const keys = checkResult(r);
    expect(keys).toContain('suv.reasons.unreadableHeader');
    expect(keys).toContain('suv.reasons.datasetUnreadable');
  });

  it('the fallbacks no header reaches, and the Segments table', () => {
    for (const text of LITERALS) check(text);
  });

  it("the panel's own sources: a correction, and an input the header lacks", () => {
    const corrected = sourceText('weight', undefined, [CORRECTION]);
    expect(corrected).toBe('corrected by dr.a at 2026-03-01 10:20 UTC: 66.2 → 70 (Weighed again (scale fixed))');
    expect(check(corrected)).toEqual(['suv.source.corrected']);
    expect(suvSays(corrected)!.values).toEqual({ user: 'dr.a', at: '2026-03-01 10:20 UTC', from: '66.2', to: '70', reason: 'Weighed again (scale fixed)' });
    expect(check(sourceText('sex', undefined, []))).toEqual(['suv.source.notInHeader']);
  });

  it('names every key it can give, and every one is reached by a sentence above', () => {
    const reached = new Set(allSentences().flatMap((text) => saidKeys(suvSays(text)!)));
    expect([...reached].sort()).toEqual([...new Set(SUV_TEXT_KEYS)].sort());
  });

  it('reads in Japanese with the values in place, an inner sentence in Japanese too', () => {
    const r = computeSuv(petHeader({ PatientSize: undefined }));
    expect(suvText(wordIn(ja), r.reasons.lbm!)).toBe("患者の身長がありません（Patient's Size (0010,1020)）：lbm の計算には身長が必要です");
    expect(suvText(wordIn(ja), 'patient weight 80000 can only be grams: taken as 80 kg')).toBe('患者の体重 80000 はグラム単位としか考えられません：80 kg とみなしました');
  });

  it('is worded the same by i18next itself (no escaping, no nesting surprises)', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { en: { translation: RESOURCES.en }, ja: { translation: RESOURCES.ja } }, lng: 'en', interpolation: { escapeValue: false }, initImmediate: false } as never);
    const t = (key: string, values: Record<string, string | number>) => i18n.t(key, values);
    const texts = allSentences();
    for (const text of texts) expect(suvText(t, text)).toBe(text);
    await i18n.changeLanguage('ja');
    for (const text of texts) expect(suvText(t, text)).toBe(suvText(wordIn(ja), text));
  });

  it('passes any other text through as it is', () => {
    for (const text of ['The scanner said no', '', 'unknown units', 'no patient weight (kg)', 'patient weight']) {
      expect(suvSays(text)).toBeUndefined();
      expect(suvText(wordIn(ja), text)).toBe(text);
    }
    // An inner sentence it does not know stays as it is inside one it knows.
    expect(suvText(wordIn(ja), 'unreadable header: boom')).toBe('ヘッダを読めません：boom');
  });
});
