/**
 * The volume and registration English sentences in the reader's language (issue #18): every refusal and warning
 * common/volume/geometry.ts gives, every notice of common/volume/memoryPlan.ts, the result warnings and errors of
 * common/registration, and the sentences planVolume (renderer/imaging) adds to the same notices, map to keys both
 * languages hold, whose English text filled with the values gives back the sentence exactly, so the English viewer
 * is unchanged. The sentences are made by the code itself wherever an input can provoke them; the few no input here
 * reaches (fallbacks, the worker's and useVolumePlan's own) are literal copies.
 */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../../common/dicom/dicomJson';
import { Tag } from '../../../../../../common/dicom/tags';
import { validateVolume } from '../../../../../../common/registration/register';
import { resultWarnings } from '../../../../../../common/registration/resultWarnings';
import { drawSamples, sampleBox } from '../../../../../../common/registration/sampling';
import type { PyramidLevel } from '../../../../../../common/registration/pyramid';
import type { Volume } from '../../../../../../common/registration/types';
import { analyzeSeriesGeometry } from '../../../../../../common/volume/geometry';
import { planVolumeMemory, type VolumeMemoryInput } from '../../../../../../common/volume/memoryPlan';
import type { StackEntry } from '../../../../../../renderer/imaging/imageIds';
import type { GpuCapabilities } from '../../../../../../renderer/imaging/volume/capabilities';
import { planVolume } from '../../../../../../renderer/imaging/volume/planVolume';
import { VOLUME_TEXT_KEYS, volumeSays, volumeText } from '../../../../../../renderer/features/viewer/model/volumeWarningText';
import { RESOURCES } from '../../../../../../renderer/ui/i18n/i18n';
import { checkSaidSentence, flattenCatalogue, saidKeys, wordIn, type CatalogueTree } from '../../../../../support/catalogue';

type Tree = CatalogueTree;
const en = flattenCatalogue(RESOURCES.en as Tree);
const ja = flattenCatalogue(RESOURCES.ja as Tree);

/** Checks one sentence against both catalogues (test/support/catalogue.ts). Its keys. */
const check = (text: string): string[] => checkSaidSentence({ en, ja }, volumeSays, volumeText, text);

const checkAll = (texts: readonly string[]): Set<string> => new Set(texts.flatMap((t) => check(t)));

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('did not throw');
};

// ---------------------------------------------------------------------------------------------------------------
// geometry.ts (slices as in test/unit/common/volume/geometry.test.ts)

type Vec3 = [number, number, number];
const AXIAL: [Vec3, Vec3] = [[1, 0, 0], [0, 1, 0]];
const SAGITTAL: [Vec3, Vec3] = [[0, 1, 0], [0, 0, -1]];
const CORONAL: [Vec3, Vec3] = [[1, 0, 0], [0, 0, -1]];
const OBLIQUE: [Vec3, Vec3] = [[1, 0, 0], [0, Math.SQRT1_2, Math.SQRT1_2]];

interface SliceOptions {
  ipp?: Vec3 | null;
  iop?: readonly [Vec3, Vec3] | null;
  rows?: number;
  columns?: number;
  pixelSpacing?: [number, number] | null;
  instanceNumber?: number;
  sop?: string;
  frameOfReference?: string;
}

let sops = 0;
function slice(o: SliceOptions): DicomJsonDataset {
  const ds: DicomJsonDataset = {
    [Tag.Rows]: { vr: 'US', Value: [o.rows ?? 256] },
    [Tag.Columns]: { vr: 'US', Value: [o.columns ?? 256] },
    [Tag.FrameOfReferenceUID]: { vr: 'UI', Value: [o.frameOfReference ?? '1.2.3'] },
  };
  if (o.ipp !== null) ds[Tag.ImagePositionPatient] = { vr: 'DS', Value: [...(o.ipp ?? [0, 0, 0])] };
  if (o.iop !== null) ds[Tag.ImageOrientationPatient] = { vr: 'DS', Value: [...(o.iop ?? AXIAL)[0], ...(o.iop ?? AXIAL)[1]] };
  if (o.pixelSpacing !== null) ds[Tag.PixelSpacing] = { vr: 'DS', Value: o.pixelSpacing ?? [0.5, 0.5] };
  if (o.instanceNumber !== undefined) ds[Tag.InstanceNumber] = { vr: 'IS', Value: [o.instanceNumber] };
  ds[Tag.SOPInstanceUID] = { vr: 'UI', Value: [o.sop ?? `1.2.3.${++sops}`] };
  return ds;
}

/** An axial stack at the given z, numbered 1, 2, … unless `numbered` is false. */
const stack = (zs: number[], extra: Partial<SliceOptions> = {}, numbered = true): DicomJsonDataset[] =>
  zs.map((z, i) => slice({ ipp: [-100, -100, z], ...(numbered ? { instanceNumber: i + 1 } : {}), ...extra }));
const range = (n: number, step = 1, start = 0) => Array.from({ length: n }, (_, i) => start + i * step);

/** An enhanced multi-frame image with one frame per z. */
function enhanced(zs: number[]): DicomJsonDataset {
  return {
    [Tag.SOPInstanceUID]: { vr: 'UI', Value: ['mf'] },
    [Tag.Rows]: { vr: 'US', Value: [128] },
    [Tag.Columns]: { vr: 'US', Value: [64] },
    [Tag.NumberOfFrames]: { vr: 'IS', Value: [zs.length] },
    [Tag.SharedFunctionalGroupsSequence]: {
      vr: 'SQ',
      Value: [
        {
          [Tag.PixelMeasuresSequence]: { vr: 'SQ', Value: [{ [Tag.PixelSpacing]: { vr: 'DS', Value: [0.8, 0.9] } }] },
          [Tag.PlaneOrientationSequence]: { vr: 'SQ', Value: [{ [Tag.ImageOrientationPatient]: { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] } }] },
        },
      ],
    },
    [Tag.PerFrameFunctionalGroupsSequence]: {
      vr: 'SQ',
      Value: zs.map((z) => ({ [Tag.PlanePositionSequence]: { vr: 'SQ', Value: [{ [Tag.ImagePositionPatient]: { vr: 'DS', Value: [0, 0, z] } }] } })),
    },
  };
}

/** A multi-frame image without per-frame groups. */
function flatMultiFrame(z: number): DicomJsonDataset {
  const ds = slice({ ipp: [0, 0, z] });
  ds[Tag.NumberOfFrames] = { vr: 'IS', Value: [10] };
  return ds;
}

const orientations = (groups: [readonly [Vec3, Vec3], number][]): DicomJsonDataset[] =>
  groups.flatMap(([iop, n]) => range(n).map((k) => slice({ iop, ipp: [0, 0, k] })));

/** Each case: what geometry gives (its refusal, or its warnings), and the keys those must reach. */
const geometryCases: [string, DicomJsonDataset[], string[]][] = [
  ['no images', [], ['mpr.warning.noImages']],
  ['one multi-frame image without per-frame groups', [flatMultiFrame(0)], ['mpr.warning.noPerFrameOne']],
  ['two of them', [flatMultiFrame(0), flatMultiFrame(1)], ['mpr.warning.noPerFrame']],
  ['no Image Position at all', stack([0, 1, 2]).map((ds) => (delete ds[Tag.ImagePositionPatient], ds)), ['mpr.warning.noPositionAll']],
  ['no Image Position in one', [...stack([0, 1]), slice({ ipp: null })], ['mpr.warning.noPositionSome']],
  ['no Image Orientation at all', stack([0, 1, 2], { iop: null }), ['mpr.warning.noOrientationAll']],
  ['no Image Orientation in one', [...stack([0, 1]), slice({ iop: null, ipp: [0, 0, 5] })], ['mpr.warning.noOrientationSome']],
  ['no size', stack([0, 1, 2], { rows: 0 }), ['mpr.warning.noSize']],
  ['two sizes', [...stack([0, 1]), slice({ ipp: [0, 0, 2], rows: 512 })], ['mpr.warning.sizesDiffer', 'mpr.warning.countOne', 'mpr.warning.countMany', 'mpr.warning.listComma']],
  ['a pixel spacing and none', [...stack([0, 1]), slice({ ipp: [0, 0, 2], pixelSpacing: null })], ['mpr.warning.spacingsDiffer', 'mpr.warning.spacingNone']],
  [
    'orientations mixed, one a localizer',
    orientations([[AXIAL, 5], [SAGITTAL, 1]]),
    ['mpr.warning.orientationsMixedLocalizer', 'mpr.warning.planeImages', 'mpr.warning.planeImagesOne', 'mpr.warning.plane.axial', 'mpr.warning.plane.sagittal'],
  ],
  [
    'four orientations',
    orientations([[AXIAL, 4], [SAGITTAL, 4], [CORONAL, 4], [OBLIQUE, 4]]),
    ['mpr.warning.orientationsMixed', 'mpr.warning.plane.coronal', 'mpr.warning.plane.oblique'],
  ],
  ['two images at each position', [...stack([0, 1, 2]), ...stack([0, 1, 2])], ['mpr.warning.severalPerPosition']],
  ['every image at one position', [slice({ ipp: [0, 0, 0] }), slice({ ipp: [0, 0, 0] })], ['mpr.warning.allSamePosition']],
  ['one slice', [slice({})], ['mpr.warning.singleSlice']],
  ['not on a line', [slice({ ipp: [0, 0, 0] }), slice({ ipp: [5, 0, 1] }), slice({ ipp: [0, 0, 2] })], ['mpr.warning.notOnLine']],
  ['two frames of reference', [...stack([0, 1], { frameOfReference: '1.1' }), ...stack([2, 3], { frameOfReference: '1.2' })], ['mpr.warning.framesOfReference']],
  ['no pixel spacing', stack([0, 1, 2], { pixelSpacing: null }), ['mpr.warning.noPixelSpacing']],
  ['an image twice', [...stack([0, 1, 2]), slice({ ipp: [-100, -100, 3], sop: 'twice' }), slice({ ipp: [-100, -100, 3], sop: 'twice' })], ['mpr.warning.duplicateImageOne']],
  [
    'two images twice',
    [...stack([0, 3]), ...['a', 'b'].flatMap((sop, i) => [slice({ ipp: [-100, -100, i + 1], sop }), slice({ ipp: [-100, -100, i + 1], sop })])],
    ['mpr.warning.duplicateImages'],
  ],
  ['a slice at the position of another', stack([0, 1, 1, 2, 3]), ['mpr.warning.duplicateSliceOne']],
  ['two slices at the position of others', stack([0, 1, 1, 2, 2, 3]), ['mpr.warning.duplicateSlices']],
  ['one slice missing, numbered', stack([0, 1, 2, 4, 5]), ['mpr.warning.missingOneNumbered', 'mpr.warning.sliceImage']],
  ['one slice missing, not numbered', stack([0, 1, 2, 4, 5], {}, false), ['mpr.warning.missingOne']],
  ['three slices missing, numbered', stack([0, 1, 2, 6, 7]), ['mpr.warning.missingManyNumbered']],
  ['frames missing', [enhanced([0, 2, 4, 12, 14])], ['mpr.warning.missingMany', 'mpr.warning.sliceFrame']],
  ['slices missing in six places', stack(range(31).filter((z) => ![3, 7, 11, 15, 19, 23].includes(z))), ['mpr.warning.missingInAll']],
  ['uneven spacing', stack([0, 1, 2, 3.5, 4.5]), ['mpr.warning.unevenSpacing']],
  ['gantry tilt', range(6).map((k) => slice({ ipp: [-100, -100 + 0.5 * k, k], instanceNumber: k + 1 })), ['mpr.warning.gantryTilt']],
];

const geometryTexts = (instances: DicomJsonDataset[]): string[] => {
  const g = analyzeSeriesGeometry(instances);
  return g.ok ? g.warnings : [g.refusal!];
};

// ---------------------------------------------------------------------------------------------------------------
// memoryPlan.ts (inputs as in test/unit/common/volume/memoryPlan.test.ts)

const GiB = 1024 ** 3;
const ct = (over: Partial<VolumeMemoryInput> = {}): VolumeMemoryInput => ({
  rows: 512,
  columns: 512,
  slices: 300,
  bitsAllocated: 16,
  bitsStored: 12,
  pixelRepresentation: 0,
  rescale: [{ slope: 1, intercept: -1024 }],
  gpu: { max3DTextureSize: 2048, hasNorm16: true, halfFloatChosen: false },
  budgetBytes: 2 * GiB,
  ...over,
});
const noNorm16 = (halfFloatChosen: boolean) => ({ max3DTextureSize: 2048, hasNorm16: false, halfFloatChosen });
const limit = (max3DTextureSize: number) => ({ max3DTextureSize, hasNorm16: true, halfFloatChosen: false });

const memoryCases: [string, VolumeMemoryInput, string[]][] = [
  ['half floats for float data', ct({ bitsAllocated: 32, gpu: noNorm16(true) }), ['mpr.warning.halfFloatInUse']],
  ['half floats for CT beyond ±2048', ct({ gpu: noNorm16(true) }), ['mpr.warning.halfFloatInexact']],
  ['32-bit floats', ct({ gpu: noNorm16(false) }), ['mpr.warning.float32Fallback']],
  [
    'over the texture limit: half in-plane and in z',
    ct({ gpu: limit(256) }),
    ['mpr.warning.decimated', 'mpr.warning.overTextureLimit', 'mpr.warning.resolutionInPlane', 'mpr.warning.resolutionZ', 'mpr.warning.fraction.half', 'mpr.warning.partsAnd'],
  ],
  ['over the budget', ct({ slices: 3000, budgetBytes: GiB }), ['mpr.warning.overBudget']],
  ['over both', ct({ slices: 3000, gpu: limit(2048), budgetBytes: GiB / 4, rows: 4096 }), ['mpr.warning.reasonsAnd']],
  ['a third across rows', ct({ rows: 768, columns: 256, slices: 10, gpu: limit(256) }), ['mpr.warning.resolutionRows', 'mpr.warning.fraction.third']],
  ['a quarter across columns', ct({ rows: 100, columns: 1024, slices: 10, gpu: limit(256) }), ['mpr.warning.resolutionColumns', 'mpr.warning.fraction.quarter']],
  ['a fifth in z', ct({ rows: 10, columns: 10, slices: 1280, gpu: limit(256) }), ['mpr.warning.fraction.nth']],
  ['nothing fits', ct({ budgetBytes: 1 }), ['mpr.warning.cannotFit']],
];

const memoryTexts = (input: VolumeMemoryInput): string[] => {
  const plan = planVolumeMemory(input);
  return [plan.notice, plan.fallbackNote].filter((n): n is string => n !== undefined);
};

// ---------------------------------------------------------------------------------------------------------------
// planVolume.ts (entries as in test/unit/renderer/imaging/volume/planVolume.test.ts)

const gpu: GpuCapabilities = { renderer: 'test', max3DTextureSize: 2048, maxTextureSize: 16384, norm16: true, halfFloatChosen: false, softwareRasterizer: true };

function entryAt(z: number, i: number, y = -16): StackEntry {
  const metadata: DicomJsonDataset = {
    [Tag.SOPInstanceUID]: { vr: 'UI', Value: [`1.2.3.${i + 1}`] },
    [Tag.Rows]: { vr: 'US', Value: [64] },
    [Tag.Columns]: { vr: 'US', Value: [64] },
    [Tag.PixelSpacing]: { vr: 'DS', Value: [0.5, 0.5] },
    [Tag.ImageOrientationPatient]: { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] },
    [Tag.ImagePositionPatient]: { vr: 'DS', Value: [-16, y, z] },
    [Tag.FrameOfReferenceUID]: { vr: 'UI', Value: ['1.2.3'] },
    [Tag.BitsAllocated]: { vr: 'US', Value: [16] },
    [Tag.PixelRepresentation]: { vr: 'US', Value: [1] },
  };
  return { imageId: `wadors:http://x/studies/1/series/2/instances/1.2.3.${i + 1}/frames/1`, metadata };
}

const planCases: [string, StackEntry[], GpuCapabilities, string[]][] = [
  ['uneven slices resampled', [0, 1, 3, 6, 35, 40, 48].map((z, i) => entryAt(z, i)), gpu, ['mpr.warning.resampled']],
  ['a tilted stack straightened', range(6).map((k) => entryAt(2 * k, k, -16 + k)), gpu, ['mpr.warning.tiltStraightened']],
  ['a hole left empty', [0, 2, 4, 8, 10].map((z, i) => entryAt(z, i)), gpu, ['mpr.warning.missingLeftEmpty', 'mpr.warning.missingOne']],
  ['too large in-plane for the texture limit', range(5).map((k) => entryAt(k, k)), { ...gpu, max3DTextureSize: 32 }, ['mpr.warning.noInPlaneReduction', 'mpr.warning.decimated']],
];

const planTexts = (entries: StackEntry[], g: GpuCapabilities): string[] => {
  const r = planVolume('s', 'CT', entries, g, GiB);
  return r.ok ? [...r.plan.notices] : [r.refusal];
};

// ---------------------------------------------------------------------------------------------------------------
// common/registration

/** A 3×4 affine of a rotation (row-major 3×3), no shift. */
const affine = (R: number[]) => new Float64Array([R[0]!, R[1]!, R[2]!, 0, R[3]!, R[4]!, R[5]!, 0, R[6]!, R[7]!, R[8]!, 0]);
const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const turned = (R: number[], normalizedMi = 0.5) => resultWarnings({ given: false, header: affine(IDENTITY), movingToFixed: affine(R), normalizedMi });

const registrationCases: [string, () => string[], string[]][] = [
  ['turned 180° about left-right', () => turned([1, 0, 0, 0, -1, 0, 0, 0, -1]), ['fusion.warning.orientationDisagrees', 'fusion.warning.turnedAbout', 'fusion.warning.axis.lr']],
  ['turned 180° about anterior-posterior', () => turned([-1, 0, 0, 0, 1, 0, 0, 0, -1]), ['fusion.warning.axis.ap']],
  ['turned 90° about the vertical', () => turned([0, -1, 0, 1, 0, 0, 0, 0, 1]), ['fusion.warning.axis.vertical']],
  ['turned 120° about the diagonal', () => turned([0, 0, 1, 1, 0, 0, 0, 1, 0]), ['fusion.warning.turnedAboutVector']],
  ['low confidence', () => turned(IDENTITY, 0.05), ['fusion.warning.lowConfidence']],
];

const volume = (over: Partial<Volume>): Volume => ({ dims: [2, 2, 2], spacing: [1, 1, 1], origin: [0, 0, 0], direction: IDENTITY, data: new Float32Array(8), ...over });
const level: PyramidLevel = { dims: [2, 2, 2], spacing: [1, 1, 1], data: new Float32Array(8), i2p: affine(IDENTITY), p2i: affine(IDENTITY) };
/** A level whose samples all land 100 mm off (its index → patient does not undo its patient → index): none in the region. */
const offLevel: PyramidLevel = { ...level, i2p: new Float64Array([1, 0, 0, 100, 0, 1, 0, 100, 0, 0, 1, 100]) };

const errorCases: [string, () => string, string[]][] = [
  ['a fixed volume of one slice', () => message(() => validateVolume(volume({ dims: [2, 2, 1], data: new Float32Array(4) }), 'fixed')), ['fusion.warning.volumeTooSmall', 'fusion.warning.which.fixed']],
  ['a moving volume short of voxels', () => message(() => validateVolume(volume({ data: new Float32Array(7) }), 'moving')), ['fusion.warning.volumeVoxelCount', 'fusion.warning.which.moving']],
  ['a spacing of 0', () => message(() => validateVolume(volume({ spacing: [1, 0, 1] }), 'fixed')), ['fusion.warning.volumeSpacing']],
  ['a direction of 8 numbers', () => message(() => validateVolume(volume({ direction: IDENTITY.slice(1) }), 'moving')), ['fusion.warning.volumeDirection']],
  ['a region of interest outside', () => message(() => sampleBox(level, { min: [10, 10, 10], max: [20, 20, 20] })), ['fusion.warning.roiOutside']],
  ['too few samples', () => message(() => drawSamples(offLevel, { min: [0, 0, 0], max: [1, 1, 1] }, 1000, [0.5, 0.5, 0.5], () => 0.5)), ['fusion.warning.tooFewSamples']],
];

/** Sentences no input here reaches, copied from the source (planVolume's fallbacks, register.ts's "no overlap", the worker's, useVolumePlan's). */
const LITERALS: [string, string[]][] = [
  ['These images do not form a volume.', ['mpr.warning.notAVolume']],
  ['A slice of the series could not be matched to its image, so it is shown as a stack only.', ['mpr.warning.sliceUnmatched']],
  ['The volume does not fit the memory allowed for one volume.', ['mpr.warning.doesNotFit']],
  ['The images are too large in-plane for this GPU. In-plane reduction is not available, so it is shown as a stack only.', ['mpr.warning.noInPlaneReduction', 'mpr.warning.tooLargeInPlane']],
  ['The series has no images', ['mpr.warning.seriesNoImages']],
  ['Only 120 of 20000 samples fall inside the moving image: the images do not overlap enough to be registered.', ['fusion.warning.noOverlap']],
  ['Registration cancelled.', ['fusion.warning.cancelled']],
  ['The registration worker failed: Uncaught RangeError: out of memory', ['fusion.warning.workerFailed']],
];

/** Every sentence above, made afresh. */
function allSentences(): string[] {
  return [
    ...geometryCases.flatMap(([, instances]) => geometryTexts(instances)),
    ...memoryCases.flatMap(([, input]) => memoryTexts(input)),
    ...planCases.flatMap(([, entries, g]) => planTexts(entries, g)),
    ...registrationCases.flatMap(([, make]) => make()),
    ...errorCases.map(([, make]) => make()),
    ...LITERALS.map(([text]) => text),
  ];
}

describe('volumeWarningText', () => {
  it.each(geometryCases)("geometry, %s: each sentence maps to keys in both languages whose English gives it back", (_name, instances, keys) => {
    const texts = geometryTexts(instances);
    expect(texts.length).toBeGreaterThan(0);
    const got = checkAll(texts);
    for (const k of keys) expect(got, k).toContain(k);
  });

  it.each(memoryCases)('memory plan, %s', (_name, input, keys) => {
    const got = checkAll(memoryTexts(input));
    for (const k of keys) expect(got, k).toContain(k);
  });

  it.each(planCases)('planVolume, %s', (_name, entries, g, keys) => {
    const got = checkAll(planTexts(entries, g));
    for (const k of keys) expect(got, k).toContain(k);
  });

  it.each(registrationCases)('registration result, %s', (_name, make, keys) => {
    const texts = make();
    expect(texts).toHaveLength(1);
    const got = checkAll(texts);
    for (const k of keys) expect(got, k).toContain(k);
  });

  it.each(errorCases)('registration error, %s', (_name, make, keys) => {
    const got = checkAll([make()]);
    for (const k of keys) expect(got, k).toContain(k);
  });

  it.each(LITERALS)('the sentence no input reaches: %s', (text, keys) => {
    const got = checkAll([text]);
    for (const k of keys) expect(got, k).toContain(k);
  });

  it('names every key it can give, and every one is reached by a sentence above', () => {
    const reached = new Set(allSentences().flatMap((text) => saidKeys(volumeSays(text)!)));
    expect([...reached].sort()).toEqual([...new Set(VOLUME_TEXT_KEYS)].sort());
  });

  it('reads in Japanese with the values in place, inner sentences and lists in Japanese too', () => {
    const [missing] = geometryTexts(stack([0, 1, 2, 4, 5]));
    expect(missing).toBe('1 slice is missing between image 3 and image 4 of 5 (instance numbers 3 and 4): the gap is 2.00 mm where the spacing is 1.00 mm.');
    expect(volumeText(wordIn(ja), missing!)).toBe(
      '全 5 枚中、画像 3 と 画像 4（インスタンス番号 3 と 4）の間でスライスが 1 枚欠損しています。通常のスライス間隔 1.00 mm に対し、2.00 mm の間隙があります。',
    );
    const [sizes] = geometryTexts([...stack([0, 1]), slice({ ipp: [0, 0, 2], rows: 512 })]);
    expect(sizes).toBe('The images differ in size (256×256 in 2 images, 256×512 in 1 image): a volume needs one matrix size.');
    expect(volumeText(wordIn(ja), sizes!)).toBe('画像サイズが揃っていません（256×256：2 画像、256×512：1 画像）。ボリュームには単一のマトリックスサイズが必要です。');
    const [disagree] = turned([1, 0, 0, 0, -1, 0, 0, 0, -1]);
    expect(volumeText(wordIn(ja), disagree!)).toBe('移動画像シリーズの向きのヘッダ情報が画像と一致しません：患者の左右軸まわりに 180° 回転しています。使用前に結果を確認してください。');
    const [decimated] = memoryTexts(ct({ gpu: limit(256) }));
    expect(decimated).toBe('Volume 512×512×300 exceeds the GPU 3D texture limit 256: shown at half resolution in-plane and half resolution in z.');
    expect(volumeText(wordIn(ja), decimated!)).toBe('ボリューム 512×512×300 は GPU の 3D テクスチャ上限 256 を超えるため、面内 1/2 の解像度、z 方向 1/2 の解像度で表示しています。');
  });

  it('is worded the same by i18next itself (no escaping, no nesting surprises)', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { en: { translation: RESOURCES.en }, ja: { translation: RESOURCES.ja } }, lng: 'en', interpolation: { escapeValue: false }, initImmediate: false } as never);
    const t = (key: string, values: Record<string, string | number>) => i18n.t(key, values);
    const texts = allSentences();
    for (const text of texts) expect(volumeText(t, text)).toBe(text);
    await i18n.changeLanguage('ja');
    for (const text of texts) expect(volumeText(t, text)).toBe(volumeText(wordIn(ja), text));
  });

  it('passes any other text through as it is', () => {
    for (const text of ['The scanner said no', '', 'A single slice is not a volume', 'the gap is 2.00 mm', 'MPR is off.']) {
      expect(volumeSays(text)).toBeUndefined();
      expect(volumeText(wordIn(ja), text)).toBe(text);
    }
    // An inner sentence it does not know stays as it is inside one it knows.
    expect(volumeText(wordIn(ja), 'The GPU said no. In-plane reduction is not available, so it is shown as a stack only.')).toBe(
      'The GPU said no. 面内の間引きには対応していないため、スタック表示のみとなります。',
    );
  });
});
