/**
 * TID 1500 measurements read from an SR (tid1500.ts) as the viewer's saved model (savedMeasurements.ts), so that
 * a report written by Dokuei or by another viewer (OHIF/cornerstone through dcmjs's adapters) is drawn again with
 * the same tools (issue #19). The tool comes from the tracking identifier when it names one
 * ("Cornerstone3DTools@^0.1.0:Length"), else from the shape of the region; what no tool can draw is skipped with
 * a reason the caller may show.
 */
import type { DicomJsonDataset } from '../dicom/dicomJson';
import { readSrContentTree } from './contentTree';
import type { SavedMeasurement, SavedQuantity, SavedTool, SavedValue } from './savedMeasurements';
import { SAVED_TOOLS, savedMeasurementSchema } from './savedMeasurements';
import { ellipsoidAsSphere, readMeasurementReport, type SrMeasurement, type SrQuantity } from './tid1500';

/** Tools of other writers under the names the viewer draws with. */
const TOOL_ALIASES: Record<string, SavedTool> = {
  Length: 'Length',
  Angle: 'Angle',
  EllipticalROI: 'EllipticalROI',
  EllipticalRoi: 'EllipticalROI',
  RectangleROI: 'RectangleROI',
  RectangleRoi: 'RectangleROI',
  Probe: 'Probe',
  SphereROI: 'SphereROI',
  EllipseROI3D: 'EllipseROI3D',
  CurvedPath: 'CurvedPath',
};

const QUANTITY: Partial<Record<SrQuantity, SavedQuantity>> = {
  length: 'length',
  angle: 'angle',
  area: 'area',
  mean: 'mean',
  stdDev: 'stdDev',
  min: 'min',
  max: 'max',
  volume: 'volume',
  value: 'value',
};

/** The tools whose points are in mm of a frame of reference (SCOORD3D). */
const THREE_D: ReadonlySet<SavedTool> = new Set(['SphereROI', 'EllipseROI3D', 'CurvedPath']);

export type SavedFromSr = { ok: true; measurement: SavedMeasurement } | { ok: false; trackingUid?: string; reason: string };

function toolOf(m: SrMeasurement): SavedTool | undefined {
  const hinted = m.toolHint ? TOOL_ALIASES[m.toolHint] : undefined;
  if (hinted) return hinted;
  const g = m.graphics[0];
  switch (m.shape) {
    case 'length':
      return 'Length';
    case 'angle':
      return 'Angle';
    case 'ellipse':
      return 'EllipticalROI';
    case 'rectangle':
      return 'RectangleROI';
    case 'point':
      return g?.dimension === 2 ? 'Probe' : undefined;
    case 'polyline':
      return g?.dimension === 3 ? 'CurvedPath' : g?.points.length === 3 ? 'Angle' : undefined;
    default:
      return undefined;
  }
}

function valuesOf(m: SrMeasurement, tool: SavedTool): SavedValue[] {
  const out: SavedValue[] = [];
  for (const v of m.values) {
    if (v.value === undefined || !Number.isFinite(v.value)) continue;
    const unit = v.unit?.value || '1';
    const isSuv = /SUV/i.test(unit) || /SUV/i.test(v.concept?.meaning ?? '');
    let quantity = QUANTITY[v.quantity];
    if (isSuv && quantity === 'max') quantity = 'suvMax';
    else if (isSuv && quantity === 'mean') quantity = 'suvMean';
    else if (isSuv && v.quantity === 'peak') quantity = 'suvPeak';
    // A probe's one value has no quantity of its own (dcmjs writes it without a concept cornerstone reads back);
    // the Center NUM dcmjs writes beside the point (always 0) is no value.
    if (!quantity && tool === 'Probe' && v.quantity === 'other') quantity = 'value';
    if (!quantity) continue;
    out.push({ quantity, value: v.value, unit: unit.slice(0, 32) });
  }
  return out;
}

/** One SR measurement as the saved model. */
export function savedFromSrMeasurement(m: SrMeasurement): SavedFromSr {
  const tool = toolOf(m);
  const trackingUid = m.trackingUid?.trim();
  const why = (reason: string): SavedFromSr => ({ ok: false, ...(trackingUid ? { trackingUid } : {}), reason });
  if (!tool || !(SAVED_TOOLS as readonly string[]).includes(tool)) return why(`a ${m.shape} region no viewer tool draws`);
  const g = m.graphics.find((x) => (THREE_D.has(tool) ? x.dimension === 3 : x.dimension === 2));
  if (!g) return why('no region to draw');
  // A tracking UID is what keeps one finding one across saves; a writer that gave none gets one from its group.
  if (!trackingUid || !/^[0-9]+(\.[0-9]+)*$/.test(trackingUid) || trackingUid.length > 64) return why('no usable tracking UID');
  let points = g.points.map((p) => p.slice(0, g.dimension));
  // A rectangle's closed POLYLINE repeats its first point at the end; the saved model lists each corner once.
  if (tool === 'RectangleROI' && g.closed && g.graphicType === 'POLYLINE' && points.length === 5) points = points.slice(0, 4);
  // A sphere is written as an ELLIPSOID of three equal axes; the saved model keeps its centre and surface point.
  if (tool === 'SphereROI' && g.graphicType === 'ELLIPSOID') {
    const sphere = ellipsoidAsSphere(points);
    if (!sphere) return why('an ellipsoid that is not a sphere');
    points = [sphere.centre, sphere.surface];
  }
  const measurement: SavedMeasurement = {
    trackingUid,
    tool,
    ...(m.label ? { label: m.label.slice(0, 64) } : {}),
    points: points.slice(0, 4096),
    values: valuesOf(m, tool).slice(0, 32),
  };
  if (g.dimension === 2 && g.image) {
    const frame = g.image.frames?.[0];
    measurement.image = {
      sopInstanceUid: g.image.sopInstanceUid,
      ...(g.image.sopClassUid ? { sopClassUid: g.image.sopClassUid } : {}),
      ...(frame ? { frame } : {}),
    };
  }
  if (g.dimension === 3 && g.frameOfReferenceUid) measurement.frameOfReferenceUid = g.frameOfReferenceUid;
  if (g.dimension === 2 && !measurement.image) return why('no image the region is drawn on');
  // What the save request would refuse (a malformed UID, a point that is not a number) would make every later save fail.
  if (!savedMeasurementSchema.safeParse(measurement).success) return why('a measurement the viewer cannot save again');
  return { ok: true, measurement };
}

/** A TID 1500 SR's measurements the viewer can draw, and why the others cannot be. Never throws. */
export function savedFromSr(ds: DicomJsonDataset): { measurements: SavedMeasurement[]; skipped: { trackingUid?: string; reason: string }[] } {
  const report = readMeasurementReport(readSrContentTree(ds));
  const measurements: SavedMeasurement[] = [];
  const skipped: { trackingUid?: string; reason: string }[] = [];
  if (report.kind !== 'measurement-report') return { measurements, skipped };
  for (const m of report.measurements) {
    const r = savedFromSrMeasurement(m);
    if (r.ok) measurements.push(r.measurement);
    else skipped.push({ ...(r.trackingUid ? { trackingUid: r.trackingUid } : {}), reason: r.reason });
  }
  return { measurements, skipped };
}
