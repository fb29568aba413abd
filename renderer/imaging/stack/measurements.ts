/**
 * The measurement list: cornerstone annotations (Length, Angle, EllipticalROI, RectangleROI, Probe) summed
 * up as plain rows the UI and tests read. Pure (takes plain annotation-shaped data); unit-tested.
 */
export type MeasurementTool = 'Length' | 'Angle' | 'EllipticalROI' | 'RectangleROI' | 'Probe';

export const MEASUREMENT_TOOLS: readonly MeasurementTool[] = ['Length', 'Angle', 'EllipticalROI', 'RectangleROI', 'Probe'];

export interface MeasurementStats {
  length?: number;
  angle?: number;
  mean?: number;
  stdDev?: number;
  min?: number;
  max?: number;
  area?: number;
  value?: number;
  /** Unit of length (mm, or px when the spacing is unknown). */
  lengthUnit?: string;
  /** Unit of area (mm², px²). */
  areaUnit?: string;
  /** Unit of pixel values (HU for CT). */
  valueUnit?: string;
}

export interface Measurement {
  uid: string;
  tool: MeasurementTool;
  /** 1-based number in the order drawn, per viewport. */
  number: number;
  imageId: string;
  /** 1-based slice the measurement is on, when known. */
  slice?: number;
  stats: MeasurementStats;
  /** One line for the list, e.g. "Ellipse: mean 34.2 HU, SD 12.0, min −10, max 80, area 120.5 mm²". */
  text: string;
}

/** The parts of a cornerstone annotation this module reads. */
export interface AnnotationLike {
  annotationUID?: string;
  metadata: { toolName: string; referencedImageId?: string };
  data: { cachedStats?: Record<string, Record<string, unknown>> };
}

const TOOL_LABEL: Record<MeasurementTool, string> = {
  Length: 'Length',
  Angle: 'Angle',
  EllipticalROI: 'Ellipse',
  RectangleROI: 'Rectangle',
  Probe: 'Probe',
};

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Significant but not noisy: 1 decimal under 1000, none above. Minus sign as U+2212 for legibility. */
export function formatValue(v: number): string {
  const s = Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(1);
  return s.replace(/^-/, '\u2212');
}

function statsOf(tool: MeasurementTool, cached: Record<string, unknown>): MeasurementStats {
  switch (tool) {
    case 'Length':
      return { length: num(cached.length), lengthUnit: str(cached.unit) ?? 'mm' };
    case 'Angle':
      return { angle: num(cached.angle) };
    case 'Probe':
      return { value: num(cached.value), valueUnit: str(cached.modalityUnit) };
    case 'EllipticalROI':
    case 'RectangleROI':
      return {
        mean: num(cached.mean),
        stdDev: num(cached.stdDev),
        min: num(cached.min),
        max: num(cached.max),
        area: num(cached.area),
        areaUnit: str(cached.areaUnit) ?? 'mm²',
        valueUnit: str(cached.modalityUnit),
      };
  }
}

export function measurementText(tool: MeasurementTool, s: MeasurementStats): string {
  const label = TOOL_LABEL[tool];
  const unit = s.valueUnit ? ` ${s.valueUnit}` : '';
  switch (tool) {
    case 'Length':
      return s.length === undefined ? `${label}: …` : `${label}: ${formatValue(s.length)} ${s.lengthUnit ?? 'mm'}`;
    case 'Angle':
      return s.angle === undefined ? `${label}: …` : `${label}: ${formatValue(s.angle)}°`;
    case 'Probe':
      return s.value === undefined ? `${label}: …` : `${label}: ${formatValue(s.value)}${unit}`;
    default: {
      if (s.mean === undefined) return `${label}: …`;
      const parts = [`mean ${formatValue(s.mean)}${unit}`];
      if (s.stdDev !== undefined) parts.push(`SD ${formatValue(s.stdDev)}`);
      if (s.min !== undefined) parts.push(`min ${formatValue(s.min)}`);
      if (s.max !== undefined) parts.push(`max ${formatValue(s.max)}`);
      if (s.area !== undefined) parts.push(`area ${formatValue(s.area)} ${s.areaUnit ?? 'mm²'}`);
      return `${label}: ${parts.join(', ')}`;
    }
  }
}

export function isMeasurementTool(name: string): name is MeasurementTool {
  return (MEASUREMENT_TOOLS as readonly string[]).includes(name);
}

/**
 * Rows for the annotations that belong to this stack (`imageIds`, in stack order), in the order given
 * (cornerstone keeps drawing order). Stats are taken from the entry for the referenced image.
 */
export function summarizeMeasurements(annotations: readonly AnnotationLike[], imageIds: readonly string[]): Measurement[] {
  const index = new Map(imageIds.map((id, i) => [id, i]));
  const out: Measurement[] = [];
  for (const a of annotations) {
    const tool = a.metadata.toolName;
    const imageId = a.metadata.referencedImageId;
    if (!isMeasurementTool(tool) || !a.annotationUID || !imageId || !index.has(imageId)) continue;
    const cachedAll = a.data.cachedStats ?? {};
    const cached = cachedAll[`imageId:${imageId}`] ?? Object.values(cachedAll)[0] ?? {};
    const stats = statsOf(tool, cached);
    out.push({ uid: a.annotationUID, tool, number: out.length + 1, imageId, slice: index.get(imageId)! + 1, stats, text: measurementText(tool, stats) });
  }
  return out;
}
