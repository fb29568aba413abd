/**
 * The 4DCT English sentences in the reader's language (issue #17, #18): every reason splitPhases gives for images
 * that are not respiratory phases, every phase it leaves out and why, every refusal and warning of phaseGrid and
 * putSlice's error, and the phases loader's own sentences, map to keys both languages hold, whose English text filled
 * with the values gives back the sentence exactly, so the English view is unchanged. The sentences are made by
 * common/volume itself wherever images can provoke them; the few no input here reaches are literal copies.
 */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../../common/dicom/dicomJson';
import { Tag } from '../../../../../../common/dicom/tags';
import { phaseGrid, putSlice } from '../../../../../../common/volume/phaseVolumes';
import { splitPhases, unsplittableReason, type PhaseInstance } from '../../../../../../common/volume/respiratoryPhases';
import { PHASE_TEXT_KEYS, phaseSays, phaseText } from '../../../../../../renderer/features/phases/model/phaseWarningText';
import { RESOURCES } from '../../../../../../renderer/ui/i18n/i18n';
import { checkSaidSentence, flattenCatalogue, saidKeys, wordIn, type CatalogueTree } from '../../../../../support/catalogue';

type Tree = CatalogueTree;
const en = flattenCatalogue(RESOURCES.en as Tree);
const ja = flattenCatalogue(RESOURCES.ja as Tree);

/** Checks one sentence against both catalogues (test/support/catalogue.ts). Its keys. */
const check = (text: string): string[] => checkSaidSentence({ en, ja }, phaseSays, phaseText, text);

const checkAll = (texts: readonly string[]): Set<string> => new Set(texts.flatMap((t) => check(t)));

// ---------------------------------------------------------------------------------------------------------------
// splitPhases (images as in test/unit/common/volume/respiratoryPhases.test.ts)

interface ImageOptions {
  series: string;
  z: number;
  sop: string;
  description?: string;
  tpi?: number;
  trigger?: number;
  frameOfReference?: string;
  iop?: number[];
}

function image(o: ImageOptions): PhaseInstance {
  const ds: DicomJsonDataset = {
    [Tag.SOPInstanceUID]: { vr: 'UI', Value: [o.sop] },
    [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [o.series] },
    [Tag.FrameOfReferenceUID]: { vr: 'UI', Value: [o.frameOfReference ?? '1.2.3.9'] },
    [Tag.ImagePositionPatient]: { vr: 'DS', Value: [-47, -47, o.z] },
    [Tag.ImageOrientationPatient]: { vr: 'DS', Value: o.iop ?? [1, 0, 0, 0, 1, 0] },
    [Tag.Rows]: { vr: 'US', Value: [48] },
    [Tag.Columns]: { vr: 'US', Value: [48] },
  };
  if (o.description !== undefined) ds[Tag.SeriesDescription] = { vr: 'LO', Value: [o.description] };
  if (o.tpi !== undefined) ds['00200100'] = { vr: 'IS', Value: [o.tpi] };
  if (o.trigger !== undefined) ds['00181060'] = { vr: 'DS', Value: [o.trigger] };
  return { seriesUid: o.series, dataset: ds };
}

const zOf = (k: number): number => -10 + 2.5 * k;

/** n phases × `slices` positions in one series, tagged as `tags` says; `skip` leaves out (phase, slice) pairs. */
function oneSeries(n: number, slices: number, tags: 'tpi' | 'trigger' | 'none', skip: [number, number][] = [], series = '1.2.3.1'): PhaseInstance[] {
  const out: PhaseInstance[] = [];
  for (let p = 0; p < n; p++)
    for (let k = 0; k < slices; k++) {
      if (skip.some(([sp, sk]) => sp === p && sk === k)) continue;
      out.push(image({
        series, z: zOf(k), sop: `${series}.${p + 1}.${k + 1}`, description: '4DCT',
        tpi: tags === 'tpi' ? p + 1 : undefined,
        trigger: tags === 'trigger' ? (4000 * p) / n : undefined,
      }));
    }
  return out;
}

/** One series per phase, described by `describe(percent)`, holding the slices `slicesOf(phase)`. */
function seriesPerPhase(n: number, slices: number, describe: (percent: number) => string, slicesOf: (p: number) => number[] = () => [...Array(slices).keys()], over: (p: number) => Partial<ImageOptions> = () => ({})): PhaseInstance[] {
  return Array.from({ length: n }, (_, p) =>
    slicesOf(p).map((k) => image({ series: `1.2.3.2.${p + 1}`, z: zOf(k), sop: `1.2.3.2.${p + 1}.${k + 1}`, description: describe((100 * p) / n), ...over(p) })),
  ).flat();
}

const multiFrame = (): PhaseInstance[] => {
  const [a, b] = oneSeries(2, 1, 'tpi');
  a!.dataset[Tag.NumberOfFrames] = { vr: 'IS', Value: [2] };
  return [a!, b!];
};
const unplaced = (): PhaseInstance[] => {
  const images = oneSeries(2, 2, 'tpi');
  delete images[0]!.dataset[Tag.ImagePositionPatient];
  return images;
};
const percent = (p: number) => `4DCT ${p}%`;

/** Each case: the images split, and the keys the reason or warnings must reach. */
const splitCases: [string, PhaseInstance[], string[]][] = [
  ['no images', [], ['phases.warning.noImages']],
  ['a multi-frame image', multiFrame(), ['phases.warning.multiFrame']],
  ['an image without a position', unplaced(), ['phases.warning.noPosition']],
  [
    'two orientations in a series',
    [image({ series: 's', z: 0, sop: 'a' }), image({ series: 's', z: 1, sop: 'b', iop: [0, 1, 0, 0, 0, -1] })],
    ['phases.warning.orientations'],
  ],
  ['as many images at each position, untagged', oneSeries(3, 4, 'none'), ['phases.warning.unsplittableEven']],
  ['up to three images at a position, untagged', oneSeries(3, 4, 'none', [[0, 0]]), ['phases.warning.unsplittableUneven']],
  ['one image per position', oneSeries(1, 4, 'tpi'), ['phases.warning.onePerPosition']],
  ['three series, none a phase', seriesPerPhase(3, 4, () => 'Chest'), ['phases.warning.fewSeries']],
  [
    'one phase series beside an untagged one',
    [...seriesPerPhase(1, 4, percent), ...oneSeries(2, 4, 'none', [], '1.2.3.9')],
    ['phases.warning.onlyOne', 'phases.warning.unsplittableEven'],
  ],
  ['one phase series beside another series', [...seriesPerPhase(1, 4, percent), ...seriesPerPhase(2, 4, () => 'Chest').map((i) => ({ ...i, seriesUid: `${i.seriesUid}.9` }))], ['phases.warning.onlyOne', 'phases.warning.fewSeries']],
  [
    'two phases on different slices',
    seriesPerPhase(2, 4, percent, (p) => (p === 0 ? [0, 1, 2, 3] : [0, 1, 2])),
    ['phases.warning.fewCoverWhy', 'phases.warning.leftOut', 'phases.warning.lacks'],
  ],
  ['a phase in another frame of reference', seriesPerPhase(3, 4, percent, undefined, (p) => (p === 2 ? { frameOfReference: '9.9' } : {})), ['phases.warning.otherFrame']],
  [
    'a second 0 % phase',
    [...seriesPerPhase(3, 4, percent), ...seriesPerPhase(1, 4, () => '4DCT 0% again').map((i) => ({ ...i, seriesUid: '1.2.3.2.9' }))],
    ['phases.warning.secondPhase'],
  ],
  [
    'a phase that lacks one position and has another',
    seriesPerPhase(4, 4, percent, (p) => (p === 3 ? [0, 1, 2, 4] : [0, 1, 2, 3])),
    ['phases.warning.leftOut', 'phases.warning.lacks', 'phases.warning.extraOne', 'phases.warning.and'],
  ],
  ['a phase with two positions more', seriesPerPhase(3, 4, percent, (p) => (p === 2 ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3])), ['phases.warning.extra']],
  ['phases of one position, one elsewhere', seriesPerPhase(4, 1, percent, (p) => (p === 3 ? [1] : [0])), ['phases.warning.lacksOfOne']],
  ['a numbered phase that lacks a position', oneSeries(3, 4, 'tpi', [[2, 3]]), ['phases.warning.leftOut']],
  ['a phase by trigger time that lacks a position', oneSeries(3, 4, 'trigger', [[1, 0]]), ['phases.warning.leftOut']],
  ['two series of phases', [...oneSeries(2, 3, 'tpi'), ...oneSeries(2, 3, 'tpi', [], '1.2.3.5')], ['phases.warning.anotherSeries']],
];

const splitTexts = (instances: PhaseInstance[]): string[] => {
  const split = splitPhases(instances);
  return split.kind === 'phases' ? split.warnings : [split.reason];
};

// ---------------------------------------------------------------------------------------------------------------
// phaseGrid and putSlice (slices as in test/unit/common/volume/phaseVolumes.test.ts)

function slices(n: number, o: { rows?: number; columns?: number; dz?: number; gaps?: number[] } = {}): DicomJsonDataset[] {
  let z = -10;
  return Array.from({ length: n }, (_, k) => {
    if (k > 0) z += o.gaps?.[k - 1] ?? o.dz ?? 2.5;
    return {
      [Tag.Rows]: { vr: 'US', Value: [o.rows ?? 4] },
      [Tag.Columns]: { vr: 'US', Value: [o.columns ?? 3] },
      [Tag.PixelSpacing]: { vr: 'DS', Value: [0.8, 0.7] },
      [Tag.ImageOrientationPatient]: { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] },
      [Tag.ImagePositionPatient]: { vr: 'DS', Value: [-5, -6, z] },
    };
  });
}

const without = (tag: string) => slices(3).map((ds) => (delete ds[tag], ds));
const GiB = 1024 ** 3;

/** Each case: phaseGrid's input, and the key its refusal or warning must reach. */
const gridCases: [string, DicomJsonDataset[], number, number, string][] = [
  ['one slice', slices(1), 1, GiB, 'phases.warning.tooFewSlices'],
  ['no size', without(Tag.Rows), 1, GiB, 'phases.warning.noSize'],
  ['no orientation', without(Tag.ImageOrientationPatient), 1, GiB, 'phases.warning.noPlace'],
  ['no pixel spacing', without(Tag.PixelSpacing), 1, GiB, 'phases.warning.noPixelSpacing'],
  ['slices of two sizes', [...slices(2), ...slices(1, { rows: 8 })], 1, GiB, 'phases.warning.sizesDiffer'],
  ['every slice at one position', slices(3, { dz: 0 }), 1, GiB, 'phases.warning.samePosition'],
  ['uneven gaps', slices(4, { gaps: [2.5, 5, 2.5] }), 1, GiB, 'phases.warning.uneven'],
  ['no room at all', slices(2), 10, 1, 'phases.warning.cannotFit'],
  ['every second pixel', slices(2), 1, 40, 'phases.warning.decimatedSecond'],
  ['every third pixel', slices(2), 1, 10, 'phases.warning.decimatedNth'],
];

const gridTexts = (datasets: DicomJsonDataset[], phases: number, budget: number): string[] => {
  const r = phaseGrid(datasets, phases, budget);
  return typeof r === 'string' ? [r] : r.warnings;
};

function shortSlice(): string {
  const r = phaseGrid(slices(2), 1, GiB);
  if (typeof r === 'string') throw new Error(r);
  try {
    putSlice(new Int16Array(24), r.grid, 0, [1, 2]);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('did not throw');
}

/** Sentences no input here reaches, copied from the source (a bare "fewer than two", usePhaseVolumes's own). */
const LITERALS: [string, string[]][] = [
  ['Fewer than two phases cover the same slices.', ['phases.warning.fewCover']],
  ['Image 12 of phase 30 % has no frame to load.', ['phases.warning.noFrame']],
  ['Image 3 of phase Phase 2 is 256 × 256, not 512 × 512 like the others.', ['phases.warning.frameSize']],
];

/** Every sentence above, made afresh. */
function allSentences(): string[] {
  return [
    ...splitCases.flatMap(([, instances]) => splitTexts(instances)),
    ...gridCases.flatMap(([, datasets, phases, budget]) => gridTexts(datasets, phases, budget)),
    shortSlice(),
    ...LITERALS.map(([text]) => text),
  ];
}

describe('phaseWarningText', () => {
  it.each(splitCases)('splitPhases, %s: each sentence maps to keys in both languages whose English gives it back', (_name, instances, keys) => {
    const texts = splitTexts(instances);
    expect(texts.length).toBeGreaterThan(0);
    const got = checkAll(texts);
    for (const k of keys) expect(got, k).toContain(k);
  });

  it('unsplittableReason, as the viewer is given it', () => {
    const reason = unsplittableReason(oneSeries(3, 4, 'none').map((i) => i.dataset));
    expect(reason).toBeDefined();
    expect(check(reason!)).toEqual(['phases.warning.unsplittableEven']);
  });

  it.each(gridCases)('phaseGrid, %s', (_name, datasets, phases, budget, key) => {
    const texts = gridTexts(datasets, phases, budget);
    expect(texts).toHaveLength(1);
    expect(check(texts[0]!)).toContain(key);
  });

  it("putSlice's error", () => {
    expect(check(shortSlice())).toEqual(['phases.warning.sliceTooShort']);
  });

  it.each(LITERALS)('the sentence no input reaches: %s', (text, keys) => {
    const got = checkAll([text]);
    for (const k of keys) expect(got, k).toContain(k);
  });

  it('names every key it can give, and every one is reached by a sentence above', () => {
    const reached = new Set(allSentences().flatMap((text) => saidKeys(phaseSays(text)!)));
    expect([...reached].sort()).toEqual([...new Set(PHASE_TEXT_KEYS)].sort());
  });

  it('reads in Japanese with the values in place, inner sentences in Japanese too', () => {
    const [leftOut] = splitTexts(seriesPerPhase(4, 4, percent, (p) => (p === 3 ? [0, 1, 2, 4] : [0, 1, 2, 3])));
    expect(leftOut).toBe('Phase 75 % lacks 1 of the 4 positions and has 1 position the other phases lack, so it is left out (every phase must cover the same slices).');
    expect(phaseText(wordIn(ja), leftOut!)).toBe(
      '位相 75 % は位置 4 か所中 1 か所が欠けているうえ、他の位相にない位置が 1 か所あるため除外しました（すべての位相が同じスライスを含む必要があります）。',
    );
    const [onlyOne] = splitTexts([...seriesPerPhase(1, 4, percent), ...oneSeries(2, 4, 'none', [], '1.2.3.9')]);
    expect(phaseText(wordIn(ja), onlyOne!)).toMatch(/^呼吸位相が 1 つしか見つかりませんでした。このシリーズは 4 か所の各位置に 2 画像ずつ/);
    const [fewCover] = splitTexts(seriesPerPhase(2, 4, percent, (p) => (p === 0 ? [0, 1, 2, 3] : [0, 1, 2])));
    expect(phaseText(wordIn(ja), fewCover!)).toBe(
      '同じスライスを含む位相が 2 つ未満です。位相 50 % は位置 4 か所中 1 か所が欠けているため除外しました（すべての位相が同じスライスを含む必要があります）。',
    );
  });

  it('is worded the same by i18next itself (no escaping, no nesting surprises)', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { en: { translation: RESOURCES.en }, ja: { translation: RESOURCES.ja } }, lng: 'en', interpolation: { escapeValue: false }, initImmediate: false } as never);
    const t = (key: string, values: Record<string, string | number>) => i18n.t(key, values);
    const texts = allSentences();
    for (const text of texts) expect(phaseText(t, text)).toBe(text);
    await i18n.changeLanguage('ja');
    for (const text of texts) expect(phaseText(t, text)).toBe(phaseText(wordIn(ja), text));
  });

  it('passes any other text through as it is', () => {
    for (const text of ['The phases said no', '', 'No phases to show.', 'Phase 30 % is fine.', 'Series "x" is left out.']) {
      expect(phaseSays(text)).toBeUndefined();
      expect(phaseText(wordIn(ja), text)).toBe(text);
    }
    // An inner sentence it does not know stays as it is inside one it knows.
    expect(phaseText(wordIn(ja), 'Only one respiratory phase was found. The moon is full.')).toBe('呼吸位相が 1 つしか見つかりませんでした。The moon is full.');
  });
});
