/**
 * The 4DCT sentences in the reader's language (issue #17, #18). common/volume/respiratoryPhases.ts says in English
 * why images are not respiratory phases and which phases it left out, common/volume/phaseVolumes.ts why the phases
 * cannot be put on one grid and how they were fitted into memory; those English sentences stay the interface of the
 * tests (and of anything else that splits phases), so the phases view maps them after the fact, here, to keys of the
 * `phases` group (renderer/ui/i18n/locales/<lang>/phases.json) with the values they hold, as rtWarningText.ts and
 * suvReasonText.ts do. The English texts of the keys are the sentences themselves, so the English view reads as
 * before; a sentence this does not know is shown as it is.
 *
 * Some sentences hold others: "Only one respiratory phase was found. <why>", "Fewer than two phases cover the same
 * slices. <the phases left out>", and a phase left out says what it lacks and what it has too many of. The inner
 * sentence is a value that is itself mapped (a nested Said), a list a SaidList worded item by item, so the whole
 * reads in one language.
 *
 * Also here: the sentences of this feature's own loader (usePhaseVolumes.ts), kept in English and worded when shown.
 */
import { sentenceKeys } from '../../../../common/i18n/sentenceKeys';
import { sayWith, type Said, type SaidList, type SaidValue, type Translate } from '../../../ui/i18n/said';

export type { Said, SaidList, SaidValue, Translate } from '../../../ui/i18n/said';
export { sayWith };

const EXACT: Record<string, string> = {
  // respiratoryPhases.ts: why images are not phases.
  'There are no images to split into phases.': 'phases.warning.noImages',
  'Multi-frame images are not split into respiratory phases here.': 'phases.warning.multiFrame',
  'Some images have no Image Position or Orientation (Patient), so their table positions cannot be compared.': 'phases.warning.noPosition',
  'The images are not all in one orientation, so they are not phases of the same slices.': 'phases.warning.orientations',
  'The series holds one image per position: it is one volume, not several respiratory phases.': 'phases.warning.onePerPosition',
  'Fewer than two phases cover the same slices.': 'phases.warning.fewCover',
  // respiratoryPhases.ts: warnings.
  'Another series given also holds several phases: open it on its own to see them.': 'phases.warning.anotherSeries',
  // phaseVolumes.ts's phaseGrid: why the phases have no grid.
  'A phase needs at least two slices to be a volume.': 'phases.warning.tooFewSlices',
  'The images do not say their size (Rows, Columns).': 'phases.warning.noSize',
  'The images do not say where they are (Image Position and Orientation (Patient)).': 'phases.warning.noPlace',
  'The images do not say their pixel spacing.': 'phases.warning.noPixelSpacing',
  'The slices of a phase differ in size.': 'phases.warning.sizesDiffer',
  'Every slice of a phase is at the same position.': 'phases.warning.samePosition',
};

const said = (key: string, values?: Record<string, SaidValue>): Said => (values ? { key, values } : { key });
/** An inner sentence: its own Said when it is one of ours, else the text. */
const inner = (text: string): SaidValue => phaseSays(text) ?? text;

/** What a phase left out lacks or has too many of ("lacks 2 of the 10 positions", "has 1 position the other phases lack"). */
function whyItem(part: string): SaidValue {
  const lacksOfOne = /^lacks (\d+) of the 1 position$/.exec(part);
  if (lacksOfOne) return said('phases.warning.lacksOfOne', { missing: lacksOfOne[1]! });
  const lacks = /^lacks (\d+) of the (\d+) positions$/.exec(part);
  if (lacks) return said('phases.warning.lacks', { missing: lacks[1]!, total: lacks[2]! });
  if (part === 'has 1 position the other phases lack') return said('phases.warning.extraOne');
  const extra = /^has (\d+) positions the other phases lack$/.exec(part);
  return extra ? said('phases.warning.extra', { count: extra[1]! }) : part;
}

/** splitPhases's warnings joined by spaces (after "Fewer than two phases cover the same slices."), each mapped. */
const warningsOf = (text: string): SaidList => ({ items: text.split(/(?<=\.) (?=Phase |Series "|Another series given )/).map(inner) });

const PATTERNS: [RegExp, (m: RegExpExecArray) => Said][] = [
  // First those that hold another sentence, which may end like one of the others.
  [/^Only one respiratory phase was found\. (.+)$/s, (m) => said('phases.warning.onlyOne', { reason: inner(m[1]!) })],
  [/^Fewer than two phases cover the same slices\. (.+)$/s, (m) => said('phases.warning.fewCoverWhy', { warnings: warningsOf(m[1]!) })],
  // respiratoryPhases.ts: why images are not phases.
  [
    /^The series holds (\d+) images at each of its (\d+) positions, and nothing says which phase or time point each belongs to \(no Temporal Position Identifier or Trigger Time that tells them apart\): it cannot be split into volumes\. Open it as a stack\.$/,
    (m) => said('phases.warning.unsplittableEven', { count: m[1]!, positions: m[2]! }),
  ],
  [
    /^The series holds up to (\d+) images at the same position \((\d+) positions\), and nothing says which phase or time point each belongs to \(no Temporal Position Identifier or Trigger Time that tells them apart\): it cannot be split into volumes\. Open it as a stack\.$/,
    (m) => said('phases.warning.unsplittableUneven', { count: m[1]!, positions: m[2]! }),
  ],
  [
    /^Fewer than two of the (\d+) series are respiratory phases \(a percentage in the description, one frame of reference, one image per position\)\.$/,
    (m) => said('phases.warning.fewSeries', { count: m[1]! }),
  ],
  // respiratoryPhases.ts: phases left out.
  [/^Series "(.*)" is in another frame of reference than the other phases and is left out\.$/s, (m) => said('phases.warning.otherFrame', { series: m[1]! })],
  [/^Series "(.*)" is a second (.+) phase and is left out\.$/s, (m) => said('phases.warning.secondPhase', { series: m[1]!, percent: m[2]! })],
  [
    /^Phase (.+?) (lacks \d+ of the \d+ positions?(?: and has \d+ positions? the other phases lack)?|has \d+ positions? the other phases lack), so it is left out \(every phase must cover the same slices\)\.$/s,
    (m) => said('phases.warning.leftOut', { label: m[1]!, why: { items: m[2]!.split(' and ').map(whyItem), joinKey: 'phases.warning.and' } }),
  ],
  // phaseVolumes.ts.
  [
    /^The slices are unevenly spaced \(a gap differs from the mean (\S+) mm by (\S+) %\): the planes across slices show them evenly spaced\.$/,
    (m) => said('phases.warning.uneven', { mean: m[1]!, percent: m[2]! }),
  ],
  [/^The (\d+) phases cannot fit the (\S+) MiB available, even at the lowest resolution\.$/, (m) => said('phases.warning.cannotFit', { count: m[1]!, mib: m[2]! })],
  [/^Every second pixel is kept in each slice so that the (\d+) phases fit the memory available\.$/, (m) => said('phases.warning.decimatedSecond', { count: m[1]! })],
  [/^Every (\d+)th pixel is kept in each slice so that the (\d+) phases fit the memory available\.$/, (m) => said('phases.warning.decimatedNth', { n: m[1]!, count: m[2]! })],
  [/^A slice has (\d+) values, fewer than its (\d+) × (\d+) pixels\.$/, (m) => said('phases.warning.sliceTooShort', { held: m[1]!, columns: m[2]!, rows: m[3]! })],
  // usePhaseVolumes.ts.
  [/^Image (\d+) of phase (.+) has no frame to load\.$/s, (m) => said('phases.warning.noFrame', { image: m[1]!, label: m[2]! })],
  [
    /^Image (\d+) of phase (.+) is (\d+) × (\d+), not (\d+) × (\d+) like the others\.$/s,
    (m) => said('phases.warning.frameSize', { image: m[1]!, label: m[2]!, columns: m[3]!, rows: m[4]!, gridColumns: m[5]!, gridRows: m[6]! }),
  ],
];

/** The key and values for one of the 4DCT sentences; undefined for any other text (shown as it is). */
const lookup = sentenceKeys<Said>(EXACT, PATTERNS, (key) => said(key));

export function phaseSays(text: string): Said | undefined {
  return lookup(text);
}


/** One of the 4DCT sentences in the reader's language; any other text as it is. */
export function phaseText(t: Translate, text: string): string {
  const s = phaseSays(text);
  return s ? sayWith(t, s) : text;
}

/** Every key this can name, for checks that each exists in both languages. */
export const PHASE_TEXT_KEYS: readonly string[] = [
  ...Object.values(EXACT),
  ...[
    'onlyOne',
    'fewCoverWhy',
    'unsplittableEven',
    'unsplittableUneven',
    'fewSeries',
    'otherFrame',
    'secondPhase',
    'leftOut',
    'lacksOfOne',
    'lacks',
    'extraOne',
    'extra',
    'and',
    'uneven',
    'cannotFit',
    'decimatedSecond',
    'decimatedNth',
    'sliceTooShort',
    'noFrame',
    'frameSize',
  ].map((k) => `phases.warning.${k}`),
];
