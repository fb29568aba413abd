/**
 * The volume and registration sentences in the reader's language (issue #18). common/volume says in English why a
 * series cannot be a volume and what is odd in one that can (geometry.ts: missing slices, uneven spacing, no pixel
 * spacing, frames of reference, gantry tilt, duplicates; memoryPlan.ts: decimation, texture fallbacks), and
 * common/registration what a registration result should be doubted for (resultWarnings.ts) and why one failed;
 * those English sentences stay the interface of the CLI and of the tests, so the viewer maps them after the fact,
 * here, to keys of the `mpr` and `fusion` groups (renderer/ui/i18n/locales/<lang>/{mpr,fusion}.json) with the values
 * they hold, as rtWarningText.ts and suvReasonText.ts do. The English texts of the keys are the sentences
 * themselves, so the English viewer reads as before; a sentence this does not know is shown as it is.
 *
 * Some sentences hold another (a refusal that quotes the memory plan's notice, a warning that says how the headers
 * are turned) or a list (the sizes or pixel spacings a series mixes, the reasons and axes of a decimation): the inner
 * sentence is a value that is itself mapped (a nested Said), a list a SaidList worded item by item, so the whole
 * reads in one language.
 *
 * Also here: the sentences renderer/imaging/volume/planVolume.ts adds to the same notices and refusals (resampling,
 * straightening a tilted stack, empty slots), those of registerInWorker.ts, and useVolumePlan.ts's own.
 */
import { sentenceKeys } from '../../../../common/i18n/sentenceKeys';
import { sayWith, type Said, type SaidList, type SaidValue, type Translate } from '../../../ui/i18n/said';

export type { Said, SaidList, SaidValue, Translate } from '../../../ui/i18n/said';
export { sayWith };

const EXACT: Record<string, string> = {
  // geometry.ts: refusals.
  'There are no images to build a volume from.': 'mpr.warning.noImages',
  '1 multi-frame image has no per-frame positions (Per-Frame Functional Groups), so the frames cannot be placed in 3D.': 'mpr.warning.noPerFrameOne',
  'No image has an Image Position (Patient), so the slices cannot be placed in 3D.': 'mpr.warning.noPositionAll',
  'No image has an Image Orientation (Patient), so the slices cannot be placed in 3D.': 'mpr.warning.noOrientationAll',
  'Some images do not say their size (Rows and Columns), so no volume can be built.': 'mpr.warning.noSize',
  'All the images are at the same position: a single slice is not a volume.': 'mpr.warning.allSamePosition',
  'A single slice is not a volume.': 'mpr.warning.singleSlice',
  // geometry.ts: warnings.
  'The images do not give a pixel spacing: 1 mm is assumed, so distances and sizes are not to scale.': 'mpr.warning.noPixelSpacing',
  '1 image was present twice and is shown once.': 'mpr.warning.duplicateImageOne',
  '1 slice at the same position as another was left out of the volume (the one with the lowest instance number is kept).': 'mpr.warning.duplicateSliceOne',
  // memoryPlan.ts.
  'Half-float textures are in use: values are shown with about 3 significant digits.': 'mpr.warning.halfFloatInUse',
  'EXT_texture_norm16 is not available: using 32-bit float textures (2× the GPU memory).': 'mpr.warning.float32Fallback',
  // planVolume.ts (renderer/imaging), useVolumePlan.ts.
  'These images do not form a volume.': 'mpr.warning.notAVolume',
  'A slice of the series could not be matched to its image, so it is shown as a stack only.': 'mpr.warning.sliceUnmatched',
  'The volume does not fit the memory allowed for one volume.': 'mpr.warning.doesNotFit',
  'The images are too large in-plane for this GPU.': 'mpr.warning.tooLargeInPlane',
  'Missing slices are left empty (black) so that every other slice stays at its true position.': 'mpr.warning.missingLeftEmpty',
  'The series has no images': 'mpr.warning.seriesNoImages',
  // common/registration (sampling.ts) and registerInWorker.ts.
  'The region of interest does not overlap the fixed image.': 'fusion.warning.roiOutside',
  'Too few fixed-image samples inside the region of interest.': 'fusion.warning.tooFewSamples',
  'Registration cancelled.': 'fusion.warning.cancelled',
};

/** geometry.ts's planeOf, and describeRotation's axis words. */
const PLANES = ['axial', 'sagittal', 'coronal', 'oblique'] as const;
const AXES: Record<string, string> = {
  'left-right': 'fusion.warning.axis.lr',
  'anterior-posterior': 'fusion.warning.axis.ap',
  'vertical (head-foot)': 'fusion.warning.axis.vertical',
};
/** memoryPlan.ts's fractions of the resolution ("half", "a third of the", "1/5 of the"). */
const FRACTIONS: Record<string, string> = { half: 'mpr.warning.fraction.half', 'a third of the': 'mpr.warning.fraction.third', 'a quarter of the': 'mpr.warning.fraction.quarter' };
const RESOLUTIONS: Record<string, string> = {
  'in-plane': 'mpr.warning.resolutionInPlane',
  'across columns': 'mpr.warning.resolutionColumns',
  'across rows': 'mpr.warning.resolutionRows',
  'in z': 'mpr.warning.resolutionZ',
};

const said = (key: string, values?: Record<string, SaidValue>): Said => (values ? { key, values } : { key });
/** An inner sentence: its own Said when it is one of ours, else the text. */
const inner = (text: string): SaidValue => volumeSays(text) ?? text;
/** A list of `text` split at `separator`, each item read by `item` (an item it does not know stays as it is). */
const listOf = (text: string, separator: string, joinKey: string, item: (part: string) => SaidValue | undefined): SaidList => ({
  items: text.split(separator).map((part) => item(part) ?? part),
  joinKey,
});

/** describeCounts's items: "512×512 in 3 images", "none in 1 image". */
function countItem(part: string): SaidValue | undefined {
  const m = /^(.+) in (\d+) (images?)$/.exec(part);
  if (!m || (m[2] === '1') !== (m[3] === 'image')) return undefined;
  const value = m[1] === 'none' ? said('mpr.warning.spacingNone') : m[1]!;
  return m[2] === '1' ? said('mpr.warning.countOne', { value }) : said('mpr.warning.countMany', { value, count: m[2]! });
}
const counts = (text: string): SaidList => listOf(text, ', ', 'mpr.warning.listComma', countItem);

/** The orientation groups of a mixed series: "3 images axial", "1 image sagittal". */
function planeItem(part: string): SaidValue | undefined {
  const m = new RegExp(`^(\\d+) (images?) (${PLANES.join('|')})$`).exec(part);
  if (!m || (m[1] === '1') !== (m[2] === 'image')) return undefined;
  const plane = said(`mpr.warning.plane.${m[3]!}`);
  return m[1] === '1' ? said('mpr.warning.planeImagesOne', { plane }) : said('mpr.warning.planeImages', { plane, count: m[1]! });
}

/** "frame 3" or "image 12" in the missing-slices sentence. */
const sliceLabel = (kind: string, n: string): Said => said(kind === 'frame' ? 'mpr.warning.sliceFrame' : 'mpr.warning.sliceImage', { n });

/** A reason a volume is decimated: over the texture limit, or over the memory budget. */
function decimationReason(part: string): SaidValue | undefined {
  const limit = /^exceeds the GPU 3D texture limit (\d+)$/.exec(part);
  if (limit) return said('mpr.warning.overTextureLimit', { limit: limit[1]! });
  const budget = /^needs (.+), more than the (.+) available$/.exec(part);
  return budget ? said('mpr.warning.overBudget', { needed: budget[1]!, available: budget[2]! }) : undefined;
}

/** A part of describeDecimation: "half resolution in-plane", "1/5 of the resolution in z". */
function resolutionPart(part: string): SaidValue | undefined {
  const m = /^(half|a third of the|a quarter of the|1\/(\d+) of the) resolution (in-plane|across columns|across rows|in z)$/.exec(part);
  if (!m) return undefined;
  const fraction = m[2] !== undefined ? said('mpr.warning.fraction.nth', { n: m[2] }) : said(FRACTIONS[m[1]!]!);
  return said(RESOLUTIONS[m[3]!]!, { fraction });
}

const PATTERNS: [RegExp, (m: RegExpExecArray) => Said][] = [
  // First those that hold another sentence, which may end like one of the others.
  [/^(.+) In-plane reduction is not available, so it is shown as a stack only\.$/s, (m) => said('mpr.warning.noInPlaneReduction', { reason: inner(m[1]!) })],
  [
    /^the moving series' orientation headers disagree with the image: (.+)\. Check the result before using it\.$/s,
    (m) => said('fusion.warning.orientationDisagrees', { rotation: inner(m[1]!) }),
  ],
  // geometry.ts: refusals.
  [
    /^(\d+) multi-frame images have no per-frame positions \(Per-Frame Functional Groups\), so the frames cannot be placed in 3D\.$/,
    (m) => said('mpr.warning.noPerFrame', { count: m[1]! }),
  ],
  [
    /^(\d+) of (\d+) images have no Image Position \(Patient\), so the slices cannot be placed in 3D\.$/,
    (m) => said('mpr.warning.noPositionSome', { missing: m[1]!, total: m[2]! }),
  ],
  [
    /^(\d+) of (\d+) images have no Image Orientation \(Patient\), so the slices cannot be placed in 3D\.$/,
    (m) => said('mpr.warning.noOrientationSome', { missing: m[1]!, total: m[2]! }),
  ],
  [/^The images differ in size \((.+)\): a volume needs one matrix size\.$/, (m) => said('mpr.warning.sizesDiffer', { counts: counts(m[1]!) })],
  [/^The images differ in pixel spacing \((.+)\): a volume needs one pixel spacing\.$/, (m) => said('mpr.warning.spacingsDiffer', { counts: counts(m[1]!) })],
  [
    /^The series mixes (\d+) orientations \((.+)\): a volume needs one orientation\. Open each orientation as its own series( \(the small group is likely a localizer\))?\.$/,
    (m) =>
      said(m[3] ? 'mpr.warning.orientationsMixedLocalizer' : 'mpr.warning.orientationsMixed', {
        count: m[1]!,
        groups: listOf(m[2]!, ', ', 'mpr.warning.listComma', planeItem),
      }),
  ],
  [
    /^The series holds (\d+) images at each of its (\d+) positions \(several echoes, phases or time points\): it is not one volume\. Open it as a stack, or split it by echo or time\.$/,
    (m) => said('mpr.warning.severalPerPosition', { count: m[1]!, positions: m[2]! }),
  ],
  [/^The slices do not lie along one line \(one is (\S+) mm off it\), so they cannot form one volume\.$/, (m) => said('mpr.warning.notOnLine', { offset: m[1]! })],
  // geometry.ts: warnings.
  [
    /^The images name (\d+) different frames of reference: if the patient moved between them, the slices may not line up\.$/,
    (m) => said('mpr.warning.framesOfReference', { count: m[1]! }),
  ],
  [/^(\d+) images were present twice and are shown once\.$/, (m) => said('mpr.warning.duplicateImages', { count: m[1]! })],
  [
    /^(\d+) slices at the same position as another were left out of the volume \(the one with the lowest instance number is kept\)\.$/,
    (m) => said('mpr.warning.duplicateSlices', { count: m[1]! }),
  ],
  [
    /^(?:1 slice is missing|About (\d+) slices are missing) between (frame|image) (\d+) and (frame|image) (\d+) of (\d+)(?: \(instance numbers (\S+) and (\S+)\))?: the gap is (\S+) mm where the spacing is (\S+) mm\.$/,
    (m) =>
      said(`mpr.warning.missing${m[1] !== undefined ? 'Many' : 'One'}${m[7] !== undefined ? 'Numbered' : ''}`, {
        ...(m[1] !== undefined ? { count: m[1] } : {}),
        from: sliceLabel(m[2]!, m[3]!),
        to: sliceLabel(m[4]!, m[5]!),
        total: m[6]!,
        ...(m[7] !== undefined ? { first: m[7], second: m[8]! } : {}),
        gap: m[9]!,
        spacing: m[10]!,
      }),
  ],
  [/^In all, about (\d+) slices are missing in (\d+) places\.$/, (m) => said('mpr.warning.missingInAll', { count: m[1]!, places: m[2]! })],
  [
    /^The slice spacing is uneven: gaps range from (\S+) mm to (\S+) mm where the usual spacing is (\S+) mm, so distances along the slice direction may be off\.$/,
    (m) => said('mpr.warning.unevenSpacing', { min: m[1]!, max: m[2]!, spacing: m[3]! }),
  ],
  [
    /^The slices are tilted by (\S+)° \(gantry tilt\): the volume is sheared so that each slice sits at its true position\.$/,
    (m) => said('mpr.warning.gantryTilt', { degrees: m[1]! }),
  ],
  // memoryPlan.ts.
  [
    /^EXT_texture_norm16 is not available: using half-float textures, which are exact only up to ±(\d+) \(values beyond are rounded on screen; measurements use the exact values\)\.$/,
    (m) => said('mpr.warning.halfFloatInexact', { limit: m[1]! }),
  ],
  [/^The volume cannot fit the (.+) available, even at the lowest resolution\.$/, (m) => said('mpr.warning.cannotFit', { available: m[1]! })],
  [
    /^Volume (\d+×\d+×\d+) (.+): shown at (.+)\.$/,
    (m) =>
      said('mpr.warning.decimated', {
        size: m[1]!,
        reasons: listOf(m[2]!, ' and ', 'mpr.warning.reasonsAnd', decimationReason),
        resolution: listOf(m[3]!, ' and ', 'mpr.warning.partsAnd', resolutionPart),
      }),
  ],
  // planVolume.ts (renderer/imaging).
  [
    /^The slices are tilted by (\S+)° \(gantry tilt\): for MPR and 3D each slice is moved back in its plane onto a straight stack \(up to (\S+) mm\), so every voxel keeps its true position; what moves out of the field of view is not shown there\.$/,
    (m) => said('mpr.warning.tiltStraightened', { degrees: m[1]!, shift: m[2]! }),
  ],
  [
    /^The slice spacing varies from (\S+) to (\S+) mm: for MPR and 3D the series is resampled onto a regular (\S+) mm grid, each plane interpolated between the two acquired slices around it\. Measure along the slice direction on the acquired slices \(stack\) where it matters\.$/,
    (m) => said('mpr.warning.resampled', { min: m[1]!, max: m[2]!, spacing: m[3]! }),
  ],
  // common/registration: resultWarnings.ts (describeRotation inside the first), register.ts's errors.
  [
    /^turned (-?\d+)° about the patient's (left-right|anterior-posterior|vertical \(head-foot\)) axis$/,
    (m) => said('fusion.warning.turnedAbout', { degrees: m[1]!, axis: said(AXES[m[2]!]!) }),
  ],
  [/^turned by (-?\d+)° about axis \((.+)\)$/, (m) => said('fusion.warning.turnedAboutVector', { degrees: m[1]!, axis: m[2]! })],
  [
    /^low confidence: the images explain each other poorly at the result \(normalized mutual information (\S+), below (\S+)\); they may show different anatomy or different patients, or the registration failed\.$/,
    (m) => said('fusion.warning.lowConfidence', { nmi: m[1]!, threshold: m[2]! }),
  ],
  [
    /^Only (\d+) of (\d+) samples fall inside the moving image: the images do not overlap enough to be registered\.$/,
    (m) => said('fusion.warning.noOverlap', { valid: m[1]!, count: m[2]! }),
  ],
  [
    /^The (fixed|moving) volume needs at least 2 voxels along each axis \(it has (.+)\)\.$/,
    (m) => said('fusion.warning.volumeTooSmall', { which: said(`fusion.warning.which.${m[1]!}`), dims: m[2]! }),
  ],
  [/^The (fixed|moving) volume holds (\d+) voxels, not (.+)\.$/, (m) => said('fusion.warning.volumeVoxelCount', { which: said(`fusion.warning.which.${m[1]!}`), held: m[2]!, dims: m[3]! })],
  [/^The (fixed|moving) volume's spacing must be positive\.$/, (m) => said('fusion.warning.volumeSpacing', { which: said(`fusion.warning.which.${m[1]!}`) })],
  [/^The (fixed|moving) volume's direction must be 9 finite numbers\.$/, (m) => said('fusion.warning.volumeDirection', { which: said(`fusion.warning.which.${m[1]!}`) })],
  // registerInWorker.ts: the browser's own message stays as it is.
  [/^The registration worker failed: (.*)$/s, (m) => said('fusion.warning.workerFailed', { message: m[1]! })],
];

/** The key and values for one of the volume or registration sentences; undefined for any other text (shown as it is). */
const lookup = sentenceKeys<Said>(EXACT, PATTERNS, (key) => said(key));

export function volumeSays(text: string): Said | undefined {
  return lookup(text);
}


/** One of the volume or registration sentences in the reader's language; any other text as it is. */
export function volumeText(t: Translate, text: string): string {
  const s = volumeSays(text);
  return s ? sayWith(t, s) : text;
}

/** Every key this can name, for checks that each exists in both languages. */
export const VOLUME_TEXT_KEYS: readonly string[] = [
  ...Object.values(EXACT),
  ...Object.values(AXES),
  ...Object.values(FRACTIONS),
  ...Object.values(RESOLUTIONS),
  ...PLANES.map((p) => `mpr.warning.plane.${p}`),
  ...[
    'spacingNone',
    'countOne',
    'countMany',
    'listComma',
    'planeImagesOne',
    'planeImages',
    'sliceFrame',
    'sliceImage',
    'overTextureLimit',
    'overBudget',
    'reasonsAnd',
    'partsAnd',
    'fraction.nth',
    'noInPlaneReduction',
    'noPerFrame',
    'noPositionSome',
    'noOrientationSome',
    'sizesDiffer',
    'spacingsDiffer',
    'orientationsMixed',
    'orientationsMixedLocalizer',
    'severalPerPosition',
    'notOnLine',
    'framesOfReference',
    'duplicateImages',
    'duplicateSlices',
    'missingOne',
    'missingOneNumbered',
    'missingMany',
    'missingManyNumbered',
    'missingInAll',
    'unevenSpacing',
    'gantryTilt',
    'halfFloatInexact',
    'cannotFit',
    'decimated',
    'tiltStraightened',
    'resampled',
  ].map((k) => `mpr.warning.${k}`),
  ...[
    'orientationDisagrees',
    'turnedAbout',
    'turnedAboutVector',
    'lowConfidence',
    'noOverlap',
    'volumeTooSmall',
    'volumeVoxelCount',
    'volumeSpacing',
    'volumeDirection',
    'which.fixed',
    'which.moving',
    'workerFailed',
  ].map((k) => `fusion.warning.${k}`),
];
