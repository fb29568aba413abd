/**
 * Series geometry for 3D: orders a series' slices along their normal and says whether (and how well) they form
 * a volume — before any pixel is fetched, from DICOM JSON metadata alone (WADO-RS metadata or our own reader).
 *
 * Pure and isomorphic: the renderer calls it before building a cornerstone volume, the services and tests call it
 * on files. Every message is an English sentence for the user; `refusal` says why no volume can be built, the
 * `warnings` what is shown but not quite right (missing slices, uneven spacing, gantry tilt, duplicates dropped).
 *
 * Conventions:
 * - normal = row cosines × column cosines (Image Orientation (Patient), PS3.3 C.7.6.2.1.1); slices are sorted by
 *   ascending position along it (for axial images, feet → head).
 * - spacing.row is the distance between adjacent rows (Pixel Spacing value 1), spacing.column the distance between
 *   adjacent columns (value 2), spacing.slice the usual (modal) distance between slices along the normal.
 * - Enhanced multi-frame instances are expanded into one slice per frame from their functional groups.
 */
import { type DicomJsonDataset, getNumber, getNumbers, getString } from '../dicom/dicomJson';
import { Tag } from '../dicom/tags';

export type Vec3 = readonly [number, number, number];

/** One slice of the volume: a single-frame instance, or one frame of a multi-frame instance. */
export interface GeometrySlice {
  instance: DicomJsonDataset;
  /** 1-based frame number within a multi-frame instance; undefined for a single-frame instance. */
  frame?: number;
  /** Image Position (Patient) of the slice's first voxel, mm. */
  position: Vec3;
  /** Position along the normal, mm (the same number as in `positions`). */
  distance: number;
}

/** A gap along the normal that is about k × the usual spacing (k ≥ 2): k − 1 slices are missing there. */
export interface MissingSlices {
  /** Index in `slices`/`positions` of the slice before the gap. */
  afterIndex: number;
  gapMm: number;
  estimatedMissing: number;
}

/** Instances that share one orientation: what the user could open as its own volume when a series mixes them. */
export interface OrientationGroup {
  /** 'axial', 'sagittal', 'coronal' or 'oblique' (nearest plane of the normal). */
  plane: string;
  orientation: readonly [Vec3, Vec3];
  instances: DicomJsonDataset[];
}

export interface SeriesGeometry {
  /** Whether a volume can be built; when false, `refusal` says why. */
  ok: boolean;
  refusal?: string;
  /** Things the user should know about a volume that is built anyway. */
  warnings: string[];
  /** The instances in slice order (each once; for a multi-frame instance, at its first frame). */
  sorted: DicomJsonDataset[];
  /** The slices in order along the normal (frames expanded; duplicates removed). */
  slices: GeometrySlice[];
  /** Row and column direction cosines (Image Orientation (Patient)). */
  orientation: readonly [Vec3, Vec3] | undefined;
  /** Unit normal (row × column); [0, 0, 0] when unknown. */
  normal: Vec3;
  /** Unit vector from the first slice's position to the last's; differs from `normal` under gantry tilt. */
  sliceDirection: Vec3;
  rows: number;
  columns: number;
  /** mm: row = between rows (Pixel Spacing 1), column = between columns (Pixel Spacing 2), slice = modal spacing. */
  spacing: { row: number; column: number; slice: number };
  /** Positions along the normal in mm, ascending; one per slice. */
  positions: number[];
  missingSlices: MissingSlices[];
  /** Some gaps are neither the usual spacing nor a whole multiple of it. */
  nonUniform: boolean;
  /** Angle in degrees between the slice normal and the line through the slice positions; 0 when not tilted. */
  gantryTiltDeg: number;
  mixedOrientations: boolean;
  /** When orientations are mixed: the instances by orientation, largest group first (a split suggestion). */
  orientationGroups: OrientationGroup[];
  /** Whether any instance is multi-frame (its frames were expanded into slices). */
  multiFrame: boolean;
  /** Slices dropped because another slice was at the same position. */
  duplicatesRemoved: number;
}

/** Relative + absolute tolerance for "the same spacing": 1 % plus 0.01 mm. */
export function spacingTolerance(spacingMm: number): number {
  return 0.01 * Math.abs(spacingMm) + 0.01;
}

/** Two slices closer than this along the normal are at the same position. */
const DUPLICATE_MM = 0.01;
/** Orientations within this angle (per axis) are the same. */
const SAME_ORIENTATION_DEG = 0.5;
/** A sequence of frames per instance we expand at most (a malformed count must not make us loop for ever). */
const MAX_FRAMES = 100_000;

// ---------------------------------------------------------------------------------------------------------
// Vector helpers

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
const norm = (a: Vec3) => Math.hypot(a[0], a[1], a[2]);
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
function unit(a: Vec3): Vec3 | undefined {
  const n = norm(a);
  return n > 1e-9 && Number.isFinite(n) ? scale(a, 1 / n) : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Reading the attributes (total: anything malformed reads as absent)

function vec3(ds: DicomJsonDataset | undefined, tag: string): Vec3 | undefined {
  const v = ds && getNumbers(ds, tag, 3);
  return v ? [v[0]!, v[1]!, v[2]!] : undefined;
}

function orientationOf(ds: DicomJsonDataset | undefined): [Vec3, Vec3] | undefined {
  const v = ds && getNumbers(ds, Tag.ImageOrientationPatient, 6);
  if (!v) return undefined;
  const row = unit([v[0]!, v[1]!, v[2]!]);
  const col = unit([v[3]!, v[4]!, v[5]!]);
  if (!row || !col || !unit(cross(row, col))) return undefined;
  return [row, col];
}

function pixelSpacingOf(ds: DicomJsonDataset | undefined): [number, number] | undefined {
  const v = ds && getNumbers(ds, Tag.PixelSpacing, 2);
  return v && v[0]! > 0 && v[1]! > 0 ? [v[0]!, v[1]!] : undefined;
}

function item(ds: DicomJsonDataset | undefined, tag: string, index = 0): DicomJsonDataset | undefined {
  const v = ds?.[tag]?.Value?.[index];
  return v && typeof v === 'object' && !('Alphabetic' in v || 'Ideographic' in v || 'Phonetic' in v) ? (v as DicomJsonDataset) : undefined;
}

function positiveInt(ds: DicomJsonDataset, tag: string): number | undefined {
  const n = getNumber(ds, tag);
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

interface Candidate {
  instance: DicomJsonDataset;
  frame?: number;
  ipp?: Vec3;
  iop?: [Vec3, Vec3];
  pixelSpacing?: [number, number];
  rows?: number;
  columns?: number;
  instanceNumber?: number;
  sopInstanceUid?: string;
}

/** One candidate per single-frame instance, one per frame of an enhanced multi-frame instance. */
function expand(instances: DicomJsonDataset[]): { candidates: Candidate[]; multiFrame: boolean; unexpandable: number } {
  const candidates: Candidate[] = [];
  let multiFrame = false;
  let unexpandable = 0;
  for (const ds of instances) {
    const base = {
      instance: ds,
      rows: positiveInt(ds, Tag.Rows),
      columns: positiveInt(ds, Tag.Columns),
      instanceNumber: getNumber(ds, Tag.InstanceNumber),
      sopInstanceUid: getString(ds, Tag.SOPInstanceUID),
    };
    const frames = positiveInt(ds, Tag.NumberOfFrames) ?? 1;
    const perFrame = ds[Tag.PerFrameFunctionalGroupsSequence]?.Value ?? [];
    if (frames > 1 || perFrame.length > 0) {
      multiFrame = true;
      if (perFrame.length === 0) {
        unexpandable++;
        continue;
      }
      const shared = item(ds, Tag.SharedFunctionalGroupsSequence);
      const count = Math.min(MAX_FRAMES, frames > 1 ? Math.min(frames, perFrame.length) : perFrame.length);
      for (let f = 0; f < count; f++) {
        const pf = item(ds, Tag.PerFrameFunctionalGroupsSequence, f);
        const fromGroups = <T>(read: (g: DicomJsonDataset | undefined) => T | undefined, seq: string): T | undefined =>
          read(item(pf, seq)) ?? read(item(shared, seq));
        candidates.push({
          ...base,
          frame: f + 1,
          ipp: fromGroups((g) => vec3(g, Tag.ImagePositionPatient), Tag.PlanePositionSequence),
          iop: fromGroups(orientationOf, Tag.PlaneOrientationSequence) ?? orientationOf(ds),
          pixelSpacing: fromGroups(pixelSpacingOf, Tag.PixelMeasuresSequence) ?? pixelSpacingOf(ds),
        });
      }
      continue;
    }
    candidates.push({
      ...base,
      ipp: vec3(ds, Tag.ImagePositionPatient),
      iop: orientationOf(ds),
      pixelSpacing: pixelSpacingOf(ds),
    });
  }
  return { candidates, multiFrame, unexpandable };
}

// ---------------------------------------------------------------------------------------------------------
// Wording

const mm = (v: number) => `${v.toFixed(2)} mm`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** 'axial' | 'sagittal' | 'coronal' | 'oblique' for a unit normal (within 20° of the nearest axis, else oblique). */
export function planeOf(normal: Vec3): string {
  const ax = [Math.abs(normal[0]), Math.abs(normal[1]), Math.abs(normal[2])];
  const max = Math.max(...ax);
  if (max < Math.cos((20 * Math.PI) / 180)) return 'oblique';
  return max === ax[2] ? 'axial' : max === ax[0] ? 'sagittal' : 'coronal';
}

function sliceLabel(c: Candidate, index: number): string {
  return c.frame !== undefined ? `frame ${c.frame}` : `image ${index + 1}`;
}

function missingMessage(slices: Candidate[], i: number, gap: number, spacing: number, k: number): string {
  const a = slices[i]!;
  const b = slices[i + 1]!;
  const instanceNumbers =
    a.frame === undefined && a.instanceNumber !== undefined && b.instanceNumber !== undefined
      ? ` (instance numbers ${a.instanceNumber} and ${b.instanceNumber})`
      : '';
  const what = k - 1 === 1 ? '1 slice is missing' : `About ${k - 1} slices are missing`;
  return `${what} between ${sliceLabel(a, i)} and ${sliceLabel(b, i + 1)} of ${slices.length}${instanceNumbers}: the gap is ${mm(gap)} where the spacing is ${mm(spacing)}.`;
}

function refuse(partial: Partial<SeriesGeometry>, refusal: string): SeriesGeometry {
  return {
    ok: false,
    refusal,
    warnings: [],
    sorted: [],
    slices: [],
    orientation: undefined,
    normal: [0, 0, 0],
    sliceDirection: [0, 0, 0],
    rows: 0,
    columns: 0,
    spacing: { row: 0, column: 0, slice: 0 },
    positions: [],
    missingSlices: [],
    nonUniform: false,
    gantryTiltDeg: 0,
    mixedOrientations: false,
    orientationGroups: [],
    multiFrame: false,
    duplicatesRemoved: 0,
    ...partial,
  };
}

function describeCounts(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([v, n]) => `${v} in ${plural(n, 'image')}`)
    .join(', ');
}

/** The usual spacing: the largest cluster of gaps (within tolerance), its median; ties go to the smaller gap. */
export function modalSpacing(gaps: readonly number[]): number {
  const sorted = gaps.filter((g) => Number.isFinite(g) && g > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  let best = { count: 0, lo: 0, hi: 0 };
  let hi = 0;
  for (let lo = 0; lo < sorted.length; lo++) {
    const limit = sorted[lo]! + 2 * spacingTolerance(sorted[lo]!);
    if (hi < lo) hi = lo;
    while (hi + 1 < sorted.length && sorted[hi + 1]! <= limit) hi++;
    if (hi - lo + 1 > best.count) best = { count: hi - lo + 1, lo, hi };
  }
  const cluster = sorted.slice(best.lo, best.hi + 1);
  const mid = cluster.length >> 1;
  return cluster.length % 2 ? cluster[mid]! : (cluster[mid - 1]! + cluster[mid]!) / 2;
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Orders a series' slices along their normal and checks whether they form a volume.
 *
 * Refuses (ok: false, `refusal` says why) when: there are no images or only one slice; an image lacks Image
 * Position or Orientation (Patient) or its size; images differ in rows/columns, pixel spacing or orientation; a
 * multi-frame image has no per-frame positions; several images share every position (a 4D series:
 * echoes, phases, time points); the slices do not lie along one line.
 * Warns (ok: true) about: missing slices (a gap of about k × the usual spacing), uneven spacing, gantry tilt,
 * duplicate positions dropped, missing pixel spacing, images that name a few different frames of reference.
 */
export function analyzeSeriesGeometry(instances: readonly DicomJsonDataset[]): SeriesGeometry {
  const { candidates, multiFrame, unexpandable } = expand([...instances]);
  if (instances.length === 0) return refuse({}, 'There are no images to build a volume from.');
  if (unexpandable > 0) {
    return refuse(
      { multiFrame },
      `${plural(unexpandable, 'multi-frame image')} ${unexpandable === 1 ? 'has' : 'have'} no per-frame positions (Per-Frame Functional Groups), so the frames cannot be placed in 3D.`,
    );
  }
  const n = candidates.length;
  const noIpp = candidates.filter((c) => !c.ipp).length;
  if (noIpp > 0) {
    return refuse(
      { multiFrame },
      noIpp === n
        ? 'No image has an Image Position (Patient), so the slices cannot be placed in 3D.'
        : `${noIpp} of ${n} images have no Image Position (Patient), so the slices cannot be placed in 3D.`,
    );
  }
  const noIop = candidates.filter((c) => !c.iop).length;
  if (noIop > 0) {
    return refuse(
      { multiFrame },
      noIop === n
        ? 'No image has an Image Orientation (Patient), so the slices cannot be placed in 3D.'
        : `${noIop} of ${n} images have no Image Orientation (Patient), so the slices cannot be placed in 3D.`,
    );
  }
  if (candidates.some((c) => !c.rows || !c.columns)) {
    return refuse({ multiFrame }, 'Some images do not say their size (Rows and Columns), so no volume can be built.');
  }
  const sizes = candidates.map((c) => `${c.columns}×${c.rows}`);
  if (new Set(sizes).size > 1) {
    return refuse({ multiFrame }, `The images differ in size (${describeCounts(sizes)}): a volume needs one matrix size.`);
  }
  const spacings = candidates.map((c) => c.pixelSpacing);
  const firstSpacing = spacings.find((s) => s !== undefined);
  const spacingDiffers = spacings.some(
    (s) => (s === undefined) !== (firstSpacing === undefined) || (s && firstSpacing && (Math.abs(s[0] - firstSpacing[0]) > 1e-4 + 1e-4 * firstSpacing[0] || Math.abs(s[1] - firstSpacing[1]) > 1e-4 + 1e-4 * firstSpacing[1])),
  );
  if (spacingDiffers) {
    const labels = spacings.map((s) => (s ? `${s[0]}×${s[1]} mm` : 'none'));
    return refuse({ multiFrame }, `The images differ in pixel spacing (${describeCounts(labels)}): a volume needs one pixel spacing.`);
  }
  // Frame of reference: a few distinct UIDs mean positions from separate scans; one per image (seen in anonymized
  // collections such as LIDC-IDRI, where the anonymizer replaced every UID per file) says nothing, so it is ignored.
  const frameOfReference = new Set(candidates.map((c) => getString(c.instance, Tag.FrameOfReferenceUID) ?? ''));
  const frameOfReferenceWarning =
    frameOfReference.size > 1 && frameOfReference.size < new Set(candidates.map((c) => c.instance)).size
      ? `The images name ${frameOfReference.size} different frames of reference: if the patient moved between them, the slices may not line up.`
      : undefined;

  // Orientation: group by direction cosines.
  const groups: { orientation: [Vec3, Vec3]; members: Candidate[] }[] = [];
  const cosTol = Math.cos((SAME_ORIENTATION_DEG * Math.PI) / 180);
  for (const c of candidates) {
    const [r, col] = c.iop!;
    const g = groups.find((x) => dot(x.orientation[0], r) >= cosTol && dot(x.orientation[1], col) >= cosTol);
    if (g) g.members.push(c);
    else groups.push({ orientation: [r, col], members: [c] });
  }
  if (groups.length > 1) {
    groups.sort((a, b) => b.members.length - a.members.length);
    const orientationGroups: OrientationGroup[] = groups.map((g) => ({
      plane: planeOf(cross(g.orientation[0], g.orientation[1])),
      orientation: g.orientation,
      instances: [...new Set(g.members.map((m) => m.instance))],
    }));
    const described = orientationGroups.map((g) => `${plural(g.instances.length, 'image')} ${g.plane}`).join(', ');
    return refuse(
      { multiFrame, mixedOrientations: true, orientationGroups },
      `The series mixes ${groups.length} orientations (${described}): a volume needs one orientation. Open each orientation as its own series${orientationGroups.some((g) => g.instances.length <= 3) ? ' (the small group is likely a localizer)' : ''}.`,
    );
  }

  const orientation = groups[0]!.orientation;
  const normal = unit(cross(orientation[0], orientation[1]))!;
  const rows = candidates[0]!.rows!;
  const columns = candidates[0]!.columns!;
  const pixel = firstSpacing ?? [1, 1];
  const warnings: string[] = [];
  if (frameOfReferenceWarning) warnings.push(frameOfReferenceWarning);
  if (!firstSpacing) warnings.push('The images do not give a pixel spacing: 1 mm is assumed, so distances and sizes are not to scale.');

  // Sort along the normal (ties by instance number, then frame).
  const withDistance = candidates.map((c) => ({ c, d: dot(c.ipp!, normal) }));
  withDistance.sort((a, b) => a.d - b.d || (a.c.instanceNumber ?? 0) - (b.c.instanceNumber ?? 0) || (a.c.frame ?? 0) - (b.c.frame ?? 0));

  // Duplicate positions.
  const runs: { c: Candidate; d: number }[][] = [];
  for (const x of withDistance) {
    const last = runs[runs.length - 1];
    if (last && Math.abs(x.d - last[0]!.d) < DUPLICATE_MM && norm(sub(x.c.ipp!, last[0]!.c.ipp!)) < 10 * DUPLICATE_MM + 1e-6) last.push(x);
    else runs.push([x]);
  }
  let duplicatesRemoved = 0;
  if (runs.length < withDistance.length) {
    const perPosition = new Set(runs.map((r) => r.length));
    const sameUid = runs.every((r) => new Set(r.map((x) => `${x.c.sopInstanceUid ?? ''}#${x.c.frame ?? 0}`)).size === 1);
    if (!sameUid && perPosition.size === 1 && runs.length > 1) {
      const k = runs[0]!.length;
      return refuse(
        { multiFrame, orientation, normal, rows, columns },
        `The series holds ${k} images at each of its ${runs.length} positions (several echoes, phases or time points): it is not one volume. Open it as a stack, or split it by echo or time.`,
      );
    }
    duplicatesRemoved = withDistance.length - runs.length;
    warnings.push(
      sameUid
        ? `${plural(duplicatesRemoved, 'image was', 'images were')} present twice and ${duplicatesRemoved === 1 ? 'is' : 'are'} shown once.`
        : `${plural(duplicatesRemoved, 'slice')} at the same position as another ${duplicatesRemoved === 1 ? 'was' : 'were'} left out of the volume (the one with the lowest instance number is kept).`,
    );
  }
  const kept = runs.map((r) => r[0]!);
  const slicesC = kept.map((x) => x.c);
  const positions = kept.map((x) => x.d);
  const slices: GeometrySlice[] = kept.map((x) => ({ instance: x.c.instance, frame: x.c.frame, position: x.c.ipp!, distance: x.d }));
  const sorted = [...new Set(slices.map((s) => s.instance))];
  const common = { multiFrame, orientation, normal, rows, columns, slices, sorted, positions, duplicatesRemoved };

  if (kept.length < 2) {
    return refuse(
      { ...common, spacing: { row: pixel[0], column: pixel[1], slice: 0 }, sliceDirection: normal },
      duplicatesRemoved > 0 ? 'All the images are at the same position: a single slice is not a volume.' : 'A single slice is not a volume.',
    );
  }

  // The line through the positions: gantry tilt, and whether they lie on a line at all.
  const first = kept[0]!.c.ipp!;
  const lastP = kept[kept.length - 1]!.c.ipp!;
  const span = sub(lastP, first);
  const sliceDirection = unit(span) ?? normal;
  const along = dot(span, normal);
  const lateral = norm(sub(span, scale(normal, along)));
  const minPixel = Math.min(pixel[0], pixel[1]);
  const gantryTiltDeg = lateral >= Math.max(0.5 * minPixel, 0.05) ? (Math.atan2(lateral, Math.abs(along)) * 180) / Math.PI : 0;
  let maxOffLine = 0;
  for (const x of kept) {
    const v = sub(x.c.ipp!, first);
    maxOffLine = Math.max(maxOffLine, norm(sub(v, scale(sliceDirection, dot(v, sliceDirection)))));
  }
  if (maxOffLine > Math.max(pixel[0], pixel[1], 0.5)) {
    return refuse(
      { ...common, spacing: { row: pixel[0], column: pixel[1], slice: 0 }, sliceDirection, gantryTiltDeg },
      `The slices do not lie along one line (one is ${mm(maxOffLine)} off it), so they cannot form one volume.`,
    );
  }

  // Spacing, missing slices, uneven gaps.
  const gaps = positions.slice(1).map((p, i) => p - positions[i]!);
  const spacing = modalSpacing(gaps);
  const missingSlices: MissingSlices[] = [];
  const uneven: number[] = [];
  gaps.forEach((gap, i) => {
    if (Math.abs(gap - spacing) <= spacingTolerance(spacing)) return;
    const k = Math.round(gap / spacing);
    if (k >= 2 && Math.abs(gap / spacing - k) <= 0.25) {
      missingSlices.push({ afterIndex: i, gapMm: gap, estimatedMissing: k - 1 });
      if (Math.abs(gap - k * spacing) > k * spacingTolerance(spacing)) uneven.push(gap);
    } else {
      uneven.push(gap);
    }
  });
  const nonUniform = uneven.length > 0;
  const MAX_LISTED = 5;
  for (const m of missingSlices.slice(0, MAX_LISTED)) {
    warnings.push(missingMessage(slicesC, m.afterIndex, m.gapMm, spacing, m.estimatedMissing + 1));
  }
  if (missingSlices.length > MAX_LISTED) {
    const total = missingSlices.reduce((s, m) => s + m.estimatedMissing, 0);
    warnings.push(`In all, about ${total} slices are missing in ${missingSlices.length} places.`);
  }
  if (nonUniform) {
    const lo = Math.min(...uneven, spacing);
    const hi = Math.max(...uneven, spacing);
    warnings.push(
      `The slice spacing is uneven: gaps range from ${mm(lo)} to ${mm(hi)} where the usual spacing is ${mm(spacing)}, so distances along the slice direction may be off.`,
    );
  }
  if (gantryTiltDeg > 0) {
    warnings.push(
      `The slices are tilted by ${gantryTiltDeg.toFixed(1)}° (gantry tilt): the volume is sheared so that each slice sits at its true position.`,
    );
  }

  return {
    ok: true,
    warnings,
    ...common,
    sliceDirection,
    spacing: { row: pixel[0], column: pixel[1], slice: spacing },
    missingSlices,
    nonUniform,
    gantryTiltDeg,
    mixedOrientations: false,
    orientationGroups: [],
  };
}
