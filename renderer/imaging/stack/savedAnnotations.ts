/**
 * Cornerstone annotations ↔ the saved measurement model (common/sr/savedMeasurements.ts), issue #19. Pure: the
 * viewport hands in the annotation's image-pixel points and its stats; what comes back is drawn again with the
 * tools' own `hydrate` (StackViewport), so the values on reopening are computed by the same code as when drawn.
 *
 * Point orders differ between cornerstone and DICOM SR, and the conversion is what this module is for:
 * - EllipticalROI: cornerstone keeps the ends of the axis nearer the image's columns first, the upper end (smaller
 *   row) first, then the other axis' ends, left first — its stats take the ellipse's box from that order, and a
 *   reversed pair leaves the mean, min and max uncomputed. An SR ELLIPSE holds the major axis' ends, then the minor
 *   axis' ends (PS3.3 C.18.6.1.2).
 * - RectangleROI: cornerstone keeps [p0, p1, p2, p3] with p0/p3 and p1/p2 diagonal; the saved model (and the
 *   SR's closed POLYLINE) goes round the rectangle: p0, p1, p3, p2.
 * - Length, Angle (end, vertex, end), Probe: the same order on both sides.
 */
import type { SavedImageRef, SavedMeasurement, SavedTool, SavedValue } from '../../../common/sr/savedMeasurements';
import type { MeasurementStats, MeasurementTool } from './measurements';

export type ImagePoint = [number, number];

/** UCUM for the units cornerstone reports ("HU", "mm²", "px"…); unknown ones as a UCUM annotation. */
export function ucumOf(unit: string | undefined): string {
  switch (unit) {
    case undefined:
    case '':
      return '1';
    case 'mm':
      return 'mm';
    case 'mm²':
    case 'mm2':
      return 'mm2';
    case 'cm²':
      return 'cm2';
    case 'HU':
      return "[hnsf'U]";
    case 'px':
      return '{pixels}';
    case 'px²':
      return '{pixels2}';
    case '°':
    case 'deg':
      return 'deg';
    case 'SUV':
    case 'SUVbw':
      return '{SUVbw}g/ml';
    default:
      // A UCUM annotation carries any word; braces inside would end it early.
      return `{${unit.replace(/[{}]/g, '')}}`;
  }
}

/** The unit a reader reads for a UCUM code (the reverse of ucumOf where it can be). */
export function unitOfUcum(ucum: string | undefined): string | undefined {
  switch (ucum) {
    case undefined:
    case '1':
      return undefined;
    case 'mm2':
      return 'mm²';
    case 'cm2':
      return 'cm²';
    case "[hnsf'U]":
      return 'HU';
    case '{pixels}':
      return 'px';
    case '{pixels2}':
      return 'px²';
    case 'deg':
      return '°';
    case '{SUVbw}g/ml':
      return 'SUVbw';
    default: {
      const m = /^\{(.*)\}$/.exec(ucum);
      return m ? m[1] : ucum;
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DICOM_UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/**
 * The Tracking Unique Identifier of an annotation: its UID when it already is one (an annotation drawn again from
 * an SR keeps the SR's), else the UUID-derived UID (PS3.5 B.2: "2.25." and the UUID as one decimal integer), so
 * the same annotation always gets the same UID and saving twice does not make two findings of one.
 */
export function trackingUidOf(annotationUid: string): string | undefined {
  if (DICOM_UID.test(annotationUid) && annotationUid.length <= 64) return annotationUid;
  if (!UUID.test(annotationUid)) return undefined;
  return `2.25.${BigInt(`0x${annotationUid.replace(/-/g, '')}`).toString(10)}`;
}

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);

function valuesOf(tool: MeasurementTool, s: MeasurementStats): SavedValue[] {
  const out: SavedValue[] = [];
  const add = (quantity: SavedValue['quantity'], value: number | undefined, unit: string | undefined) => {
    if (value !== undefined && Number.isFinite(value)) out.push({ quantity, value, unit: ucumOf(unit) });
  };
  switch (tool) {
    case 'Length':
      add('length', s.length, s.lengthUnit ?? 'mm');
      break;
    case 'Angle':
      add('angle', s.angle, 'deg');
      break;
    case 'Probe':
      add('value', s.value, s.valueUnit);
      break;
    case 'EllipticalROI':
    case 'RectangleROI':
      add('area', s.area, s.areaUnit ?? 'mm²');
      add('mean', s.mean, s.valueUnit);
      add('stdDev', s.stdDev, s.valueUnit);
      add('min', s.min, s.valueUnit);
      add('max', s.max, s.valueUnit);
      break;
  }
  return out;
}

/** Cornerstone's handles (image pixels) in the saved model's order. */
export function savedPointsOf(tool: MeasurementTool, handles: readonly ImagePoint[]): ImagePoint[] | undefined {
  const need: Record<MeasurementTool, number> = { Length: 2, Angle: 3, Probe: 1, EllipticalROI: 4, RectangleROI: 4 };
  if (handles.length < need[tool] || handles.some((p) => !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) return undefined;
  const h = handles.slice(0, need[tool]).map((p) => [p[0], p[1]] as ImagePoint);
  if (tool === 'EllipticalROI') {
    // Cornerstone's [upper, lower, left, right] → major axis first.
    const vertical: ImagePoint[] = [h[0]!, h[1]!];
    const horizontal: ImagePoint[] = [h[2]!, h[3]!];
    return dist(h[0]!, h[1]!) > dist(h[2]!, h[3]!) ? [...vertical, ...horizontal] : [...horizontal, ...vertical];
  }
  if (tool === 'RectangleROI') return [h[0]!, h[1]!, h[3]!, h[2]!];
  return h;
}

/** The handles cornerstone wants (image pixels) for a saved measurement's points; undefined when it cannot draw them. */
export function handlesOfSaved(tool: SavedTool, points: readonly (readonly number[])[]): ImagePoint[] | undefined {
  const p = points.map((q) => [q[0]!, q[1]!] as ImagePoint);
  switch (tool) {
    case 'Length':
      return p.length >= 2 ? p.slice(0, 2) : undefined;
    case 'Angle':
      return p.length >= 3 ? p.slice(0, 3) : undefined;
    case 'Probe':
      return p.length >= 1 ? p.slice(0, 1) : undefined;
    case 'EllipticalROI': {
      if (p.length < 4) return undefined;
      const [a1, a2, b1, b2] = p as [ImagePoint, ImagePoint, ImagePoint, ImagePoint];
      // The axis nearer to the image's vertical goes first, its upper end (smaller row) first; then left, right.
      const aVertical = Math.abs(a1[1] - a2[1]) >= Math.abs(b1[1] - b2[1]);
      const [v1, v2] = aVertical ? [a1, a2] : [b1, b2];
      const [h1, h2] = aVertical ? [b1, b2] : [a1, a2];
      const [upper, lower] = v1[1] <= v2[1] ? [v1, v2] : [v2, v1];
      const [left, right] = h1[0] <= h2[0] ? [h1, h2] : [h2, h1];
      return [upper, lower, left, right];
    }
    case 'RectangleROI': {
      // A closed POLYLINE repeats its first point: 5 points, or 4.
      if (p.length < 4) return undefined;
      return [p[0]!, p[1]!, p[3]!, p[2]!];
    }
    default:
      return undefined;
  }
}

/** One annotation of a stack as the saved model; undefined when it cannot be (no UID, no image, handles off the image). */
export function savedOfAnnotation(input: {
  annotationUid: string;
  tool: MeasurementTool;
  label?: string;
  image: SavedImageRef;
  handles: readonly ImagePoint[];
  stats: MeasurementStats;
}): SavedMeasurement | undefined {
  const trackingUid = trackingUidOf(input.annotationUid);
  const points = savedPointsOf(input.tool, input.handles);
  if (!trackingUid || !points) return undefined;
  const label = input.label?.trim();
  return {
    trackingUid,
    tool: input.tool,
    ...(label ? { label: label.slice(0, 64) } : {}),
    image: input.image,
    points,
    values: valuesOf(input.tool, input.stats),
  };
}
