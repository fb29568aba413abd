/**
 * The RT readers' English sentences in the reader's language (issue #18): every warning, skipped-contour note,
 * refusal and DVH error common/rt can give (and the RT panels' own loader and level sentences) maps to a key both
 * languages hold, whose English text filled with the values gives back the sentence exactly, so the English panels
 * are unchanged. The sentences are made by common/rt itself wherever a dataset can provoke them; the few no dataset
 * here reaches (a DVH too thin to sample, the loaders' HTTP answers) are literal copies.
 */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../../common/dicom/dicomJson';
import { parseDoseGrid } from '../../../../../../common/rt/doseGrid';
import { computeDvh } from '../../../../../../common/rt/dvh';
import { storedDvhs } from '../../../../../../common/rt/storedDvh';
import { closedPlanes, parseStructureSet, type Roi } from '../../../../../../common/rt/structureSet';
import { parseLevels } from '../../../../../../renderer/features/rt/model/doseDisplay';
import { RT_TEXT_KEYS, rtSays, rtText } from '../../../../../../renderer/features/rt/model/rtWarningText';
import { RESOURCES } from '../../../../../../renderer/ui/i18n/i18n';
import { doseDataset } from '../../../../../support/rtGrids';
import { fillPlaceholders, flattenCatalogue, JAPANESE, wordIn, type CatalogueTree } from '../../../../../support/catalogue';

type Tree = CatalogueTree;
const flatten = flattenCatalogue;
const en = flatten(RESOURCES.en as Tree);
const ja = flatten(RESOURCES.ja as Tree);


/** Checks one sentence: ours, its key in both languages, English gives it back, Japanese reads Japanese. Its key. */
function check(text: string): string {
  const said = rtSays(text);
  expect(said, text).toBeDefined();
  expect(en.has(said!.key), `en ${said!.key}`).toBe(true);
  expect(ja.has(said!.key), `ja ${said!.key}`).toBe(true);
  expect(fillPlaceholders(en.get(said!.key)!, said!.values ?? {}), text).toBe(text);
  expect(rtText(wordIn(en), text)).toBe(text);
  expect(rtText(wordIn(ja), text), text).toMatch(JAPANESE);
  return said!.key;
}

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('did not throw');
};

// A structure set that holds one of everything parseStructureSet warns about; an ROI name with a colon in it.
const contour = (type: string | undefined, points: number[], declared = points.length / 3): DicomJsonDataset => ({
  ...(type === undefined ? {} : { '30060042': { vr: 'CS', Value: [type] } }),
  '30060046': { vr: 'IS', Value: [declared] },
  '30060050': { vr: 'DS', Value: points },
});
const oddStructureSet: DicomJsonDataset = {
  '30060020': {
    vr: 'SQ',
    Value: [{ '30060026': { vr: 'LO', Value: ['No number'] } }, { '30060022': { vr: 'IS', Value: [3] }, '30060026': { vr: 'LO', Value: ['PTV: boost'] } }],
  },
  '30060039': {
    vr: 'SQ',
    Value: [
      { '30060040': { vr: 'SQ', Value: [contour('CLOSED_PLANAR', [0, 0, 0, 1, 0, 0, 1, 1, 0])] } },
      { '30060084': { vr: 'IS', Value: [7] }, '30060040': { vr: 'SQ', Value: [contour('POINT', [1, 2, 3])] } },
      {
        '30060084': { vr: 'IS', Value: [3] },
        '30060040': {
          vr: 'SQ',
          Value: [contour(undefined, [0, 0, 0]), contour('CIRCLE', [0, 0, 0]), contour('CLOSED_PLANAR', [0, 0, 0, 1]), contour('CLOSED_PLANAR', [0, 0, 0, 1, 0, 0, 1, 1, 0], 4)],
        },
      },
    ],
  },
};
const roi = (points: number[][]): Roi => ({ number: 5, name: 'Rectum', contours: points.map((p) => ({ type: 'CLOSED_PLANAR', points: Float64Array.from(p) })) });

const spec = { origin: [0, 0, 0] as [number, number, number], spacing: [2, 2, 2] as [number, number, number], size: [4, 3, 2] as [number, number, number], dose: () => 1 };

const dvhItem = (roiNumber: number | undefined, units: string | undefined, type: string | undefined, data: number[]): DicomJsonDataset => ({
  ...(roiNumber === undefined ? {} : { '30040060': { vr: 'SQ', Value: [{ '30060084': { vr: 'IS', Value: [roiNumber] } }] } }),
  ...(units === undefined ? {} : { '30040002': { vr: 'CS', Value: [units] } }),
  ...(type === undefined ? {} : { '30040001': { vr: 'CS', Value: [type] } }),
  '30040058': { vr: 'DS', Value: data },
});

/** Sentences common/rt and the RT panels make, each with the key it must map to. */
function sentences(): [string, string][] {
  const { ds, stored } = doseDataset(spec);
  const set = parseStructureSet(oddStructureSet);
  const out: [string, string][] = [];
  const expectKeys = (texts: string[], keys: string[]) => {
    expect(texts.length, texts.join(' | ')).toBe(keys.length);
    texts.forEach((t, i) => out.push([t, keys[i]!]));
  };
  expectKeys(set.warnings, ['rt.warning.noRoiNumber', 'rt.warning.noReferencedRoi', 'rt.warning.unlistedRoi', 'rt.warning.contourNoType', 'rt.warning.contourType', 'rt.warning.contourData', 'rt.warning.pointCount']);
  expectKeys(closedPlanes(roi([[0, 0, 0, 1, 0, 0], [0, 0, 0, 1, 0, 0, 1, 1, 3]])).skipped, ['rt.warning.closedFewPoints', 'rt.warning.closedNotAxial']);
  out.push([message(() => parseStructureSet({ '00080060': { vr: 'CS', Value: ['RTSTRUCT'] } })), 'rt.warning.noStructures']);
  out.push([message(() => parseDoseGrid({ ...ds, '00280010': { vr: 'US' } }, stored)), 'rt.warning.noRowsColumns']);
  out.push([message(() => parseDoseGrid({ ...ds, '00200032': { vr: 'DS' } }, stored)), 'rt.warning.gridNotPlaced']);
  out.push([message(() => parseDoseGrid({ ...ds, '00280030': { vr: 'DS', Value: [0, 2] } }, stored)), 'rt.warning.spacingNotPositive']);
  out.push([message(() => parseDoseGrid({ ...ds, '3004000E': { vr: 'DS', Value: [0] } }, stored)), 'rt.warning.scalingNotPositive']);
  out.push([message(() => parseDoseGrid({ ...ds, '3004000C': { vr: 'DS', Value: [0, 2, 4] } }, stored)), 'rt.warning.offsetCount']);
  out.push([message(() => parseDoseGrid({ ...ds, '3004000C': { vr: 'DS', Value: [5, 7] }, '00200037': { vr: 'DS', Value: [1, 0, 0, 0, 0, -1] } }, stored)), 'rt.warning.absoluteOffsetsNotAxial']);
  out.push([message(() => parseDoseGrid(ds, stored.subarray(0, 5))), 'rt.warning.tooFewValues']);
  out.push([message(() => computeDvh([], parseDoseGrid(ds, stored))), 'rt.warning.dvhNoClosedContours']);
  const dvhs = storedDvhs({
    '30040050': {
      vr: 'SQ',
      Value: [
        dvhItem(undefined, 'GY', 'CUMULATIVE', [1, 10]),
        dvhItem(1, undefined, 'CUMULATIVE', [1, 10]),
        dvhItem(2, 'RELATIVE', 'CUMULATIVE', [1, 10]),
        dvhItem(3, 'GY', undefined, [1, 10]),
        dvhItem(4, 'GY', 'NATURAL', [1, 10]),
        dvhItem(5, 'GY', 'CUMULATIVE', [1]),
      ],
    },
  });
  expectKeys(dvhs.skipped, ['rt.warning.storedNoRoi', 'rt.warning.storedNoUnits', 'rt.warning.storedNotGy', 'rt.warning.storedNoType', 'rt.warning.storedType', 'rt.warning.storedNoData']);
  out.push([parseLevels('') as string, 'rt.warning.noLevel']);
  out.push([parseLevels('95, 50%x') as string, 'rt.warning.notALevel']);
  // No dataset here reaches these: copies of dvh.ts's and of this feature's loaders' sentences.
  out.push(['the structure is thinner than the sampling step: no point falls inside it', 'rt.warning.dvhThinnerThanStep']);
  out.push(['Loading the dose…', 'rt.warning.loadingDose']);
  out.push(['The dose is in no units, not Gy: levels in % of its maximum.', 'rt.warning.doseNoUnits']);
  out.push(['The dose is in RELATIVE units, not Gy: levels in % of its maximum.', 'rt.warning.doseNotGy']);
  out.push(["the dose's frames answered HTTP 404", 'rt.warning.framesHttp']);
  out.push(['the dose has 16 frames and 15 came back', 'rt.warning.framesMissing']);
  out.push(['the dose is compressed (1.2.840.10008.1.2.4.90); only uncompressed doses are shown', 'rt.warning.doseCompressed']);
  return out;
}

describe('rtWarningText', () => {
  it('maps each sentence common/rt and the RT panels make to its key, in both languages, the English giving it back', () => {
    for (const [text, key] of sentences()) expect(check(text), text).toBe(key);
  });

  it('keeps the values: an ROI name with a colon, the numbers of a refusal', () => {
    expect(rtSays('PTV: boost: a contour says 4 points and holds 3; the points held are used.')).toEqual({
      key: 'rt.warning.pointCount',
      values: { roi: 'PTV: boost', declared: '4', held: '3' },
    });
    expect(rtText(wordIn(ja), 'Contours for ROI 7, which the Structure Set ROI Sequence does not list, are shown as "ROI 7".')).toBe(
      'ROI 7 の輪郭は Structure Set ROI Sequence に記載がないため、「ROI 7」として表示します。',
    );
    expect(rtText(wordIn(ja), 'The dose holds 5 values where 4×3×2 = 24 are needed.')).toBe('線量の値が 5 個しかありません。4×3×2 = 24 個が必要です。');
  });

  it('names every key it can give, and every one is reached by a sentence above', () => {
    expect([...new Set(sentences().map(([, key]) => key))].sort()).toEqual([...new Set(RT_TEXT_KEYS)].sort());
  });

  it('is worded the same by i18next itself (no escaping of quotes or backslashes)', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { en: { translation: RESOURCES.en }, ja: { translation: RESOURCES.ja } }, lng: 'en', interpolation: { escapeValue: false }, initImmediate: false } as never);
    const t = (key: string, values: Record<string, string | number>) => i18n.t(key, values);
    const texts = sentences().map(([text]) => text);
    for (const text of texts) expect(rtText(t, text)).toBe(text);
    await i18n.changeLanguage('ja');
    for (const text of texts) expect(rtText(t, text)).toBe(rtText(wordIn(ja), text));
  });

  it('passes any other text through as it is', () => {
    for (const text of ['Could not reach the server', '', 'ROI 7', 'Contours for ROI 7 are shown as "ROI 8".']) {
      expect(rtSays(text)).toBeUndefined();
      expect(rtText(wordIn(ja), text)).toBe(text);
    }
  });
});
