/**
 * Respiratory-correlated CT (4DCT, issue #17): decides whether images hold several respiratory phases of the same
 * table positions and splits them into one volume per phase, from DICOM JSON metadata alone.
 *
 * Pure and isomorphic (no Node, no DOM): the renderer calls it where analyzeSeriesGeometry would refuse a series
 * as "not one volume", the services and tests call it on files.
 *
 * Rules, in order (the first that gives at least two phases wins):
 * (a) one series with several images at each Image Position (Patient), told apart by Temporal Position Identifier
 *     (0020,0100): one phase per identifier;
 * (b) else by Trigger Time (0018,1060), when each of its values is one phase (no value twice at a position, and as
 *     many values as images at the fullest position): per-image trigger times are not phases;
 * (c) a set of series of one Frame of Reference whose descriptions carry a percentage ("30%", "30 %", "Phase 30",
 *     "T=30%", "CT 30.0%"), each one volume: one phase per series, ordered by percentage. This is how most
 *     treatment-planning exports (Varian, GE, Philips) arrive.
 * Every phase must hold the same positions (to 0.01 mm): a phase that lacks some, or has some the others lack, is
 * left out with a warning naming it, since a cine or MIP across phases needs one grid.
 *
 * Percentages of a series split by (a) or (b) come from Nominal Percentage of Respiratory Phase (0020,9245, in
 * enhanced objects and some vendors' legacy ones) or from a percentage in Image Comments; they are never guessed
 * from the identifier, since bins need not be even.
 */
import { type DicomJsonDataset, getNumber, getNumbers, getString } from '../dicom/dicomJson';
import { Tag } from '../dicom/tags';

export interface PhaseInstance {
  seriesUid: string;
  /** The series' description when the caller has it (QIDO); else the dataset's own is read. */
  seriesDescription?: string;
  dataset: DicomJsonDataset;
}

export interface RespiratoryPhase {
  /** "30 %" when the percentage is known, else "Phase 3" (identifier) or "400 ms" (trigger time). */
  label: string;
  percent?: number;
  /** 0-based position in `phases`. */
  index: number;
  /** The phase's images sorted by position along the slice normal (ascending, as analyzeSeriesGeometry sorts). */
  datasets: DicomJsonDataset[];
}

export type PhaseSplit =
  | { kind: 'phases'; phases: RespiratoryPhase[]; positionsPerPhase: number; warnings: string[] }
  | { kind: 'not-4d'; reason: string };

// Attributes only this module reads.
const TemporalPositionIdentifier = '00200100';
const TriggerTime = '00181060';
const ImageComments = '00204000';
const NominalPercentageOfRespiratoryPhase = '00209245';

/** Two images closer than this along the normal are at the same table position (as in geometry.ts). */
const SAME_POSITION_MM = 0.01;
/** Orientations whose normals differ by more than this cannot share positions. */
const SAME_ORIENTATION_COS = Math.cos((0.5 * Math.PI) / 180);

type Vec3 = [number, number, number];

interface Placed {
  instance: PhaseInstance;
  /** Position along the normal, mm. */
  d: number;
  /** Index of the table position (cluster of `d` within SAME_POSITION_MM) over all the images given. */
  position: number;
  sop: string;
}

interface Candidate {
  label: string;
  percent?: number;
  /** Order of the phases: the identifier, the trigger time or the percentage. */
  order: number;
  members: Placed[];
}

const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

function normalOf(ds: DicomJsonDataset): Vec3 | undefined {
  const v = getNumbers(ds, Tag.ImageOrientationPatient, 6);
  if (!v) return undefined;
  const n = cross([v[0]!, v[1]!, v[2]!], [v[3]!, v[4]!, v[5]!]);
  const len = Math.hypot(...n);
  return len > 1e-6 ? [n[0] / len, n[1] / len, n[2] / len] : undefined;
}

/** "30" from "4DCT 30%", "30 %", "Phase 30", "T=30%", "CT 30.0%"; undefined for derived series (MIP, average). */
export function percentFromDescription(text: string | undefined): number | undefined {
  if (!text) return undefined;
  // A MIP, MinIP or average over phases names a range ("0-90%") or its kind: it is not a phase.
  if (/\b(mip|minip|avg|aip|average|mean)\b/i.test(text) || /\d\s*[-–~]\s*\d+(\.\d+)?\s*%/.test(text)) return undefined;
  const m = /(\d{1,3}(?:\.\d+)?)\s*%/.exec(text) ?? /\bphase\s*[:=#]?\s*(\d{1,3}(?:\.\d+)?)(?![\d.])/i.exec(text);
  const p = m ? Number(m[1]) : NaN;
  return p >= 0 && p <= 100 ? p : undefined;
}

const formatPercent = (p: number): string => `${Number(p.toFixed(2))} %`;
const plural = (k: number, word: string): string => `${k} ${word}${k === 1 ? '' : 's'}`;

const byUid = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Places the images on one normal and numbers the table positions. A series that cannot be placed (no position or
 * orientation, multi-frame, another orientation than the largest series: a localizer, a report) is left out, so a
 * whole study can be given; when nothing is left, why.
 */
function place(instances: readonly PhaseInstance[]): Placed[] | string {
  const bySeries = new Map<string, PhaseInstance[]>();
  for (const i of instances) bySeries.set(i.seriesUid, [...(bySeries.get(i.seriesUid) ?? []), i]);
  const usable: { uid: string; normal: Vec3; images: { instance: PhaseInstance; ipp: Vec3; normal: Vec3 }[] }[] = [];
  let why: string | undefined;
  for (const [uid, members] of [...bySeries.entries()].sort((a, b) => byUid(a[0], b[0]))) {
    const images: { instance: PhaseInstance; ipp: Vec3; normal: Vec3 }[] = [];
    for (const instance of members) {
      const ds = instance.dataset;
      const ipp = getNumbers(ds, Tag.ImagePositionPatient, 3);
      const normal = normalOf(ds);
      if ((getNumber(ds, Tag.NumberOfFrames) ?? 1) > 1) why ??= 'Multi-frame images are not split into respiratory phases here.';
      else if (!ipp || !normal) why ??= 'Some images have no Image Position or Orientation (Patient), so their table positions cannot be compared.';
      else images.push({ instance, ipp: ipp as Vec3, normal });
    }
    if (images.length < members.length) continue;
    if (images.some((i) => dot(i.normal, images[0]!.normal) < SAME_ORIENTATION_COS)) {
      why ??= 'The images are not all in one orientation, so they are not phases of the same slices.';
      continue;
    }
    usable.push({ uid, normal: images[0]!.normal, images });
  }
  const reference = [...usable].sort((a, b) => b.images.length - a.images.length || byUid(a.uid, b.uid))[0];
  if (!reference) return why ?? 'There are no images to split into phases.';
  const placed: Placed[] = [];
  for (const s of usable) {
    if (dot(s.normal, reference.normal) < SAME_ORIENTATION_COS) continue;
    for (const i of s.images) placed.push({ instance: i.instance, d: dot(i.ipp, reference.normal), position: 0, sop: getString(i.instance.dataset, Tag.SOPInstanceUID) ?? '' });
  }
  // By series, then along the normal: every later step meets the images in one order, whatever the input's.
  placed.sort((a, b) => byUid(a.instance.seriesUid, b.instance.seriesUid) || a.d - b.d || byUid(a.sop, b.sop));
  // Chained clusters over the sorted distances: the numbering depends only on the set of positions, not on order.
  const sorted = [...placed].sort((a, b) => a.d - b.d);
  let position = 0;
  sorted.forEach((p, i) => {
    if (i > 0 && p.d - sorted[i - 1]!.d >= SAME_POSITION_MM) position++;
    p.position = position;
  });
  return placed;
}

/** The largest number of images sharing one table position. */
function maxPerPosition(placed: readonly Placed[]): { max: number; positions: number } {
  const counts = new Map<number, number>();
  for (const p of placed) counts.set(p.position, (counts.get(p.position) ?? 0) + 1);
  return { max: Math.max(0, ...counts.values()), positions: counts.size };
}

const hasRepeatedPosition = (members: readonly Placed[]): boolean => new Set(members.map((m) => m.position)).size < members.length;

/** Images of one value of `key` each: phases, when no value is missing from an image and none repeats a position. */
function groupBy(placed: readonly Placed[], key: (ds: DicomJsonDataset) => number | undefined): Map<number, Placed[]> | undefined {
  const groups = new Map<number, Placed[]>();
  for (const p of placed) {
    const k = key(p.instance.dataset);
    if (k === undefined) return undefined;
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  if (groups.size < 2 || [...groups.values()].some(hasRepeatedPosition)) return undefined;
  // As many values as images at the fullest position: otherwise the values are per image (e.g. actual trigger
  // times), not per phase.
  return groups.size === maxPerPosition(placed).max ? groups : undefined;
}

/** The percentage all the group's images agree on, from (0020,9245) or Image Comments. */
function groupPercent(members: readonly Placed[]): number | undefined {
  const read = (ds: DicomJsonDataset): number | undefined => {
    const nominal = getNumber(ds, NominalPercentageOfRespiratoryPhase);
    return nominal !== undefined && nominal >= 0 && nominal <= 100 ? nominal : percentFromDescription(getString(ds, ImageComments));
  };
  const values = new Set(members.map((m) => read(m.instance.dataset)));
  const [only] = values;
  return values.size === 1 ? only : undefined;
}

/** Rules (a) and (b) on one series whose positions repeat. */
function splitWithinSeries(placed: readonly Placed[]): Candidate[] | undefined {
  const byTpi = groupBy(placed, (ds) => getNumber(ds, TemporalPositionIdentifier));
  // Trigger times are DS: rounded to 1 µs so that "400" and "400.0" are one value.
  const groups = byTpi ?? groupBy(placed, (ds) => {
    const t = getNumber(ds, TriggerTime);
    return t === undefined ? undefined : Math.round(t * 1000) / 1000;
  });
  if (!groups) return undefined;
  return [...groups.entries()].map(([key, members]) => {
    const percent = groupPercent(members);
    const label = percent !== undefined ? formatPercent(percent) : byTpi ? `Phase ${key}` : `${key} ms`;
    return { label, percent, order: key, members };
  });
}

/**
 * Why a series whose images repeat table positions cannot be split into phases (the viewer's refusal message), or
 * undefined when no position repeats or it can be split. Meant for where analyzeSeriesGeometry refuses a series as
 * several images at every position; a few stray duplicates it drops with a warning instead.
 */
export function unsplittableReason(datasets: readonly DicomJsonDataset[]): string | undefined {
  const placed = place(datasets.map((dataset) => ({ seriesUid: '', dataset })));
  if (typeof placed === 'string') return undefined;
  const { max, positions } = maxPerPosition(placed);
  if (max < 2 || splitWithinSeries(placed)) return undefined;
  const even = placed.length === max * positions;
  return (
    `The series holds ${even ? `${max} images at each of its ${positions} positions` : `up to ${max} images at the same position (${positions} positions)`}, ` +
    'and nothing says which phase or time point each belongs to (no Temporal Position Identifier or Trigger Time that tells them apart): ' +
    'it cannot be split into volumes. Open it as a stack.'
  );
}

/** Rule (c): one phase per series whose description names a percentage, the series all of one Frame of Reference. */
function splitAcrossSeries(bySeries: Map<string, Placed[]>, warnings: string[]): Candidate[] {
  const tagged: { uid: string; percent: number; description: string; members: Placed[] }[] = [];
  for (const [uid, members] of bySeries) {
    const first = members[0]!.instance;
    const description = first.seriesDescription ?? getString(first.dataset, Tag.SeriesDescription) ?? '';
    const percent = percentFromDescription(description);
    if (percent === undefined || hasRepeatedPosition(members)) continue;
    tagged.push({ uid, percent, description: description.trim(), members });
  }
  // The Frame of Reference most phase series share: a phase scanned in another one would not line up.
  const forOf = (t: (typeof tagged)[number]): string => getString(t.members[0]!.instance.dataset, Tag.FrameOfReferenceUID) ?? '';
  const forCounts = new Map<string, number>();
  for (const t of tagged) forCounts.set(forOf(t), (forCounts.get(forOf(t)) ?? 0) + 1);
  const frame = [...forCounts.entries()].sort((a, b) => b[1] - a[1] || byUid(a[0], b[0]))[0]?.[0];
  tagged.sort((a, b) => a.percent - b.percent || byUid(a.uid, b.uid));
  const out: Candidate[] = [];
  for (const t of tagged) {
    if (forOf(t) !== frame) {
      warnings.push(`Series "${t.description}" is in another frame of reference than the other phases and is left out.`);
    } else if (out.length > 0 && out[out.length - 1]!.percent === t.percent) {
      warnings.push(`Series "${t.description}" is a second ${formatPercent(t.percent)} phase and is left out.`);
    } else {
      out.push({ label: formatPercent(t.percent), percent: t.percent, order: t.percent, members: t.members });
    }
  }
  return out;
}

/** Keeps the phases that hold exactly the common set of positions; warns about the others. */
function completePhases(candidates: Candidate[], warnings: string[]): { kept: Candidate[]; positions: number } {
  // The common set: the one most phases hold exactly (a single odd phase cannot redefine it); on a tie the larger,
  // so that of two phases the one that misses slices is named.
  const sets = new Map<string, { positions: number[]; count: number }>();
  for (const c of candidates) {
    const positions = [...new Set(c.members.map((m) => m.position))].sort((a, b) => a - b);
    const key = positions.join(',');
    const s = sets.get(key) ?? { positions, count: 0 };
    s.count++;
    sets.set(key, s);
  }
  const best = [...sets.entries()].sort((a, b) => b[1].count - a[1].count || b[1].positions.length - a[1].positions.length || byUid(a[0], b[0]))[0]!;
  const common = new Set(best[1].positions);
  const kept: Candidate[] = [];
  for (const c of candidates) {
    const own = new Set(c.members.map((m) => m.position));
    const missing = [...common].filter((p) => !own.has(p)).length;
    const extra = [...own].filter((p) => !common.has(p)).length;
    if (missing === 0 && extra === 0) {
      kept.push(c);
      continue;
    }
    const why = [
      missing > 0 ? `lacks ${missing} of the ${plural(common.size, 'position')}` : '',
      extra > 0 ? `has ${plural(extra, 'position')} the other phases lack` : '',
    ].filter(Boolean).join(' and ');
    warnings.push(`${c.label.startsWith('Phase') ? c.label : `Phase ${c.label}`} ${why}, so it is left out (every phase must cover the same slices).`);
  }
  return { kept, positions: common.size };
}

/**
 * Splits the images of one series, or of several series of a study, into respiratory phases (see the file comment
 * for the rules). The result does not depend on the order of `instances`.
 */
export function splitPhases(instances: readonly PhaseInstance[]): PhaseSplit {
  if (instances.length === 0) return { kind: 'not-4d', reason: 'There are no images to split into phases.' };
  const placed = place(instances);
  if (typeof placed === 'string') return { kind: 'not-4d', reason: placed };
  const bySeries = new Map<string, Placed[]>();
  for (const p of placed) {
    const g = bySeries.get(p.instance.seriesUid);
    if (g) g.push(p);
    else bySeries.set(p.instance.seriesUid, [p]);
  }

  const warnings: string[] = [];
  let candidates: Candidate[] | undefined;
  let unsplittable: string | undefined;
  // (a), (b): the first series (by UID, so the answer does not depend on order) that splits.
  for (const members of bySeries.values()) {
    if (!hasRepeatedPosition(members)) continue;
    const split = splitWithinSeries(members);
    if (!split) {
      unsplittable ??= unsplittableReason(members.map((m) => m.instance.dataset));
    } else if (candidates) {
      warnings.push('Another series given also holds several phases: open it on its own to see them.');
    } else {
      candidates = split;
    }
  }
  candidates ??= bySeries.size > 1 ? splitAcrossSeries(bySeries, warnings) : [];
  if (candidates.length < 2) {
    const reason =
      unsplittable ??
      (bySeries.size === 1
        ? 'The series holds one image per position: it is one volume, not several respiratory phases.'
        : `Fewer than two of the ${bySeries.size} series are respiratory phases (a percentage in the description, one frame of reference, one image per position).`);
    return { kind: 'not-4d', reason: candidates.length === 1 ? `Only one respiratory phase was found. ${reason}` : reason };
  }
  candidates.sort((a, b) => a.order - b.order);
  const { kept, positions } = completePhases(candidates, warnings);
  if (kept.length < 2) {
    return { kind: 'not-4d', reason: `Fewer than two phases cover the same slices. ${warnings.join(' ')}`.trim() };
  }
  const phases = kept.map((c, index) => ({
    label: c.label,
    ...(c.percent !== undefined ? { percent: c.percent } : {}),
    index,
    datasets: [...c.members].sort((a, b) => a.d - b.d || byUid(a.sop, b.sop)).map((m) => m.instance.dataset),
  }));
  return { kind: 'phases', phases, positionsPerPhase: positions, warnings };
}
