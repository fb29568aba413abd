/**
 * TID 1500 Measurement Reports (PS3.16) read back into measurements a viewer can draw: a content tree
 * (contentTree.ts) whose root is "Imaging Measurement Report" (126000, DCM) or says it follows template 1500.
 *
 * Each Measurement Group (125007, DCM) becomes one SrMeasurement, whichever way its writer laid it out:
 * - TID 1501 as dcmjs's adapters write it for OHIF and cornerstone (Length, EllipticalROI, Probe, Bidirectional,
 *   Angle…): the group holds tracking identifier/UID, finding and finding sites, then NUM items; the geometry is a
 *   SCOORD child (INFERRED FROM) of a NUM, with the IMAGE it is SELECTED FROM below it. dcmjs puts the region under
 *   the first NUM only (an ellipse's Area), the statistics (Mean, Max, Min, Standard Deviation) go without;
 *   older writers repeated it under every NUM (the copies are merged here).
 * - TID 1410/1411 as highdicom and dcmjs.sr lay them out: the region (SCOORD "Image Region", SCOORD3D) is a child
 *   of the group itself, and a NUM says what it is with a Derivation concept modifier (121401, DCM) such as Mean.
 * Geometry stays in the coordinates written: SCOORD in image pixels of the referenced image (and frame), SCOORD3D
 * in mm of its frame of reference. `shape` tells the viewer which tool draws it.
 */
import type { DicomJsonDataset } from '../dicom/dicomJson';
import { findSrNode, readSrContentTree, type SrDocument, type SrImageRef, type SrNode, type SrScoord3dGraphicType, type SrScoordGraphicType } from './contentTree';
import { isCode, type SrCode } from './srElements';

/**
 * What a numeric value measures, from its concept or its Derivation modifier. 'peak': Peak Value Within ROI (SUVpeak
 * with an SUV unit); 'value': the value at a point, as a probe reads it (Attenuation Coefficient, an SUV concept
 * without a derivation, or the generic Quantity), as measurementReportWriter.ts writes a probe's value.
 */
export type SrQuantity = 'length' | 'area' | 'volume' | 'perimeter' | 'radius' | 'diameter' | 'longAxis' | 'shortAxis' | 'angle' | 'mean' | 'max' | 'min' | 'stdDev' | 'peak' | 'center' | 'value' | 'other';

/** How a viewer draws a measurement. */
export type SrShape = 'length' | 'polyline' | 'polygon' | 'rectangle' | 'circle' | 'ellipse' | 'point' | 'points' | 'angle' | 'cobbAngle' | 'bidirectional' | 'ellipsoid' | 'none';

export interface SrGraphic {
  /** The SCOORD/SCOORD3D content item it came from. */
  nodeId: string;
  dimension: 2 | 3;
  graphicType: SrScoordGraphicType | SrScoord3dGraphicType;
  /** (column, row) in image pixels for 2D, (x, y, z) in mm for 3D. */
  points: number[][];
  /** An ELLIPSE, CIRCLE, POLYGON or ELLIPSOID, or a POLYLINE whose last point is its first. */
  closed: boolean;
  /** 2D: the image (and frames) the coordinates are on. */
  image?: SrImageRef;
  /** 3D: the frame of reference of the coordinates. */
  frameOfReferenceUid?: string;
  /** The region's concept, when it has one (Image Region, Center…). */
  concept?: SrCode;
}

export interface SrMeasuredValue {
  /** The NUM content item. */
  nodeId: string;
  concept?: SrCode;
  value?: number;
  /** The value as written (DS text). */
  valueText?: string;
  /** UCUM unit: value "mm", "mm2", "[hnsf'U]", "1"…, meaning as written. */
  unit?: SrCode;
  /** Why there is no value, when there is none. */
  qualifier?: SrCode;
  /** The Derivation concept modifier (Mean, Maximum…), when the item has one. */
  derivation?: SrCode;
  /** Measurement Method, when given. */
  method?: SrCode;
  quantity: SrQuantity;
  /** The regions this value was inferred from: indexes into the measurement's `graphics`. */
  graphics: number[];
}

/** A qualitative evaluation of the group (a CODE or TEXT it CONTAINS besides finding and sites). */
export interface SrEvaluation {
  nodeId: string;
  concept?: SrCode;
  code?: SrCode;
  text?: string;
}

export interface SrMeasurement {
  /** The Measurement Group content item ("1.5.1"), to jump from the tree to the drawing and back. */
  groupId: string;
  trackingIdentifier?: string;
  trackingUid?: string;
  /** The tool that wrote it when the tracking identifier says so ("Cornerstone3DTools@^0.1.0:Length" → "Length"). */
  toolHint?: string;
  /** A free-text label stored the cornerstone way (a finding or site coded CS3DTEXT / CORNERSTONEFREETEXT). */
  label?: string;
  finding?: SrCode;
  findingSites: SrCode[];
  method?: SrCode;
  shape: SrShape;
  graphics: SrGraphic[];
  values: SrMeasuredValue[];
  evaluations: SrEvaluation[];
  /** The image of the first 2D graphic (or the group's image reference when it has no graphic). */
  image?: SrImageRef;
  /** The frame of reference of the first 3D graphic. */
  frameOfReferenceUid?: string;
  warnings: string[];
}

export type MeasurementReportResult =
  | {
      kind: 'measurement-report';
      measurements: SrMeasurement[];
      /** Person Observer Name(s) of the observation context. */
      observers: string[];
      /** Procedure reported. */
      procedures: SrCode[];
      /** The Image Library's images. */
      imageLibrary: SrImageRef[];
    }
  | { kind: 'not-a-measurement-report'; reason: string };

const C = {
  report: ['DCM', '126000'],
  group: ['DCM', '125007'],
  imageLibrary: ['DCM', '111028'],
  trackingIdentifier: ['DCM', '112039'],
  trackingUid: ['DCM', '112040'],
  finding: ['DCM', '121071'],
  findingSite: ['SCT', '363698007'],
  findingSiteSrt: ['SRT', 'G-C0E3'],
  method: ['SCT', '370129005'],
  derivation: ['DCM', '121401'],
  personObserverName: ['DCM', '121008'],
  procedureReported: ['DCM', '121058'],
} as const satisfies Record<string, readonly [string, string]>;

/** Codes of what a value measures (SNOMED CT, with the legacy SNOMED-RT spellings older writers used). */
const QUANTITY_CODES: readonly (readonly [SrQuantity, readonly (readonly [string, string])[]])[] = [
  ['length', [['SCT', '410668003'], ['SRT', 'G-D7FE'], ['SNM3', 'G-D7FE']]],
  ['area', [['SCT', '42798000'], ['SRT', 'G-A166'], ['SNM3', 'G-A166']]],
  ['volume', [['SCT', '118565006']]],
  ['perimeter', [['SCT', '131191004']]],
  ['radius', [['SCT', '131190003']]],
  ['diameter', [['SCT', '81827009']]],
  ['longAxis', [['SCT', '103339001']]],
  ['shortAxis', [['SCT', '103340004']]],
  ['angle', [['SCT', '285285000']]],
  ['mean', [['SCT', '373098007'], ['SRT', 'R-00317'], ['SNM3', 'R-00317']]],
  ['max', [['SCT', '56851009'], ['SRT', 'G-A437'], ['SNM3', 'G-A437']]],
  ['min', [['SCT', '255605001'], ['SRT', 'R-404FB'], ['SNM3', 'R-404FB']]],
  ['stdDev', [['SCT', '386136009'], ['SRT', 'R-10047'], ['SNM3', 'R-10047']]],
  ['peak', [['DCM', '126031']]],
  ['center', [['DCM', '111010']]],
  // Attenuation Coefficient, SUVbw, SUVlbm, SUVbsa, SUVibw, SUVlbm(Janma), SUVlbm(James128), Quantity.
  ['value', [['DCM', '112031'], ['DCM', '126401'], ['DCM', '126402'], ['DCM', '126403'], ['DCM', '126404'], ['DCM', '126405'], ['DCM', '126406'], ['SCT', '246205007']]],
];
const FREE_TEXT_CODE_VALUES = new Set(['CS3DTEXT', 'CORNERSTONEFREETEXT']);

/** Whether the document is a TID 1500 measurement report. */
export function isMeasurementReport(doc: SrDocument): boolean {
  const root = doc.root;
  return isCode(doc.title, C.report) || (root.kind === 'container' && root.template?.id === '1500');
}

/** The measurements of a TID 1500 report. Never throws. */
export function readMeasurementReport(doc: SrDocument): MeasurementReportResult {
  if (!isMeasurementReport(doc)) {
    const title = doc.title ? `"${doc.title.meaning}"` : 'without a title';
    return { kind: 'not-a-measurement-report', reason: `The document is ${title}, not an Imaging Measurement Report (TID 1500)` };
  }
  const measurements: SrMeasurement[] = [];
  const observers: string[] = [];
  const procedures: SrCode[] = [];
  const imageLibrary: SrImageRef[] = [];
  const visit = (node: SrNode, inLibrary: boolean) => {
    if (node.kind === 'container' && isGroup(node)) {
      measurements.push(readGroup(node, doc.root));
      return;
    }
    if (node.kind === 'pname' && isCode(node.concept, C.personObserverName)) observers.push(node.text);
    if (node.kind === 'code' && isCode(node.concept, C.procedureReported)) procedures.push(node.code);
    if (node.kind === 'image' && inLibrary) imageLibrary.push(node.image);
    const library = inLibrary || (node.kind === 'container' && isCode(node.concept, C.imageLibrary));
    for (const c of node.children) visit(c, library);
  };
  visit(doc.root, false);
  return { kind: 'measurement-report', measurements, observers, procedures, imageLibrary };
}

/** The measurements of an SR instance given as DICOM JSON; none when it is not a TID 1500 report. */
export function srMeasurements(ds: DicomJsonDataset): SrMeasurement[] {
  const r = readMeasurementReport(readSrContentTree(ds));
  return r.kind === 'measurement-report' ? r.measurements : [];
}

function isGroup(node: SrNode): boolean {
  return isCode(node.concept, C.group) || (!!node.concept && node.concept.meaning.trim().toLowerCase() === 'measurement group');
}

function quantityOf(c: SrCode | undefined): SrQuantity | undefined {
  for (const [q, codes] of QUANTITY_CODES) if (isCode(c, ...codes)) return q;
  return undefined;
}

function isFreeText(c: SrCode): boolean {
  return FREE_TEXT_CODE_VALUES.has(c.value);
}

function sameCode(a: SrCode, b: SrCode): boolean {
  return a.value === b.value && a.scheme === b.scheme;
}

function readGroup(group: SrNode, root: SrNode): SrMeasurement {
  const m: SrMeasurement = { groupId: group.id, findingSites: [], shape: 'none', graphics: [], values: [], evaluations: [], warnings: [] };
  const groupImages: SrImageRef[] = [];
  let unreadable = 0;
  const addSite = (c: SrCode) => {
    if (!m.findingSites.some((s) => sameCode(s, c) && s.meaning === c.meaning)) m.findingSites.push(c);
  };
  /** The graphic of a SCOORD/SCOORD3D node (or a reference to one), as an index into m.graphics. */
  const graphicIndex = (node: SrNode): number | undefined => {
    const target = node.kind === 'reference' && !node.loop ? findSrNode(root, node.target) : node;
    if (!target || (target.kind !== 'scoord' && target.kind !== 'scoord3d')) return undefined;
    const g = toGraphic(target);
    const key = graphicKey(g);
    const i = m.graphics.findIndex((x) => x.nodeId === g.nodeId || graphicKey(x) === key);
    if (i >= 0) return i;
    m.graphics.push(g);
    return m.graphics.length - 1;
  };

  for (const child of group.children) {
    const concept = child.concept;
    switch (child.kind) {
      case 'text':
        if (isCode(concept, C.trackingIdentifier)) m.trackingIdentifier = child.text;
        else if (child.relationship === 'CONTAINS') m.evaluations.push({ nodeId: child.id, ...(concept ? { concept } : {}), text: child.text });
        break;
      case 'uidref':
        if (isCode(concept, C.trackingUid)) m.trackingUid = child.uid;
        break;
      case 'code':
        if (isCode(concept, C.finding)) m.finding = child.code;
        else if (isCode(concept, C.findingSite, C.findingSiteSrt)) addSite(child.code);
        else if (isCode(concept, C.method)) m.method = child.code;
        else if (child.relationship === 'CONTAINS') m.evaluations.push({ nodeId: child.id, ...(concept ? { concept } : {}), code: child.code });
        break;
      case 'scoord':
      case 'scoord3d':
      case 'reference':
        graphicIndex(child);
        break;
      case 'image':
        groupImages.push(child.image);
        break;
      case 'num':
        m.values.push(readValue(child, graphicIndex, addSite, m));
        break;
      case 'invalid':
        unreadable++;
        break;
      default:
        break;
    }
  }
  if (unreadable > 0) m.warnings.push(`${unreadable} item${unreadable > 1 ? 's' : ''} of the group could not be read`);
  // A value with no region of its own is of the group's: the regions written beside the values (TID 1410/1411),
  // or the group's only region (dcmjs writes an ellipse under its Area and none under its Mean, Max…).
  const beside = m.graphics.map((_, i) => i).filter((i) => !m.values.some((v) => v.graphics.includes(i)));
  const own = beside.length > 0 ? beside : m.graphics.length === 1 ? [0] : [];
  for (const v of m.values) if (v.graphics.length === 0) v.graphics.push(...own);

  const label = [m.finding, ...m.findingSites].find((c): c is SrCode => !!c && isFreeText(c));
  if (label) m.label = label.meaning;
  const hint = /^[^:@\s]+@[^:]*:([A-Za-z][\w.-]*)$/.exec(m.trackingIdentifier ?? '');
  if (hint) m.toolHint = hint[1];
  m.shape = shapeOf(m);
  const first2d = m.graphics.find((g) => g.dimension === 2 && g.image);
  if (first2d?.image) m.image = first2d.image;
  else if (groupImages[0] && m.graphics.length === 0) m.image = groupImages[0];
  const first3d = m.graphics.find((g) => g.dimension === 3 && g.frameOfReferenceUid);
  if (first3d?.frameOfReferenceUid) m.frameOfReferenceUid = first3d.frameOfReferenceUid;
  if (m.graphics.length === 0) m.warnings.push('The group has no spatial coordinates: nothing to draw');
  for (const g of m.graphics) if (g.dimension === 2 && !g.image) m.warnings.push(`The region ${g.nodeId} names no image it is drawn on`);
  for (const g of m.graphics) if (g.dimension === 3 && !g.frameOfReferenceUid) m.warnings.push(`The region ${g.nodeId} names no frame of reference`);
  return m;
}

function readValue(num: SrNode & { kind: 'num' }, graphicIndex: (n: SrNode) => number | undefined, addSite: (c: SrCode) => void, m: SrMeasurement): SrMeasuredValue {
  const v: SrMeasuredValue = { nodeId: num.id, quantity: 'other', graphics: [] };
  if (num.concept) v.concept = num.concept;
  if (num.value !== undefined) v.value = num.value;
  if (num.valueText !== undefined) v.valueText = num.valueText;
  if (num.unit) v.unit = num.unit;
  if (num.qualifier) v.qualifier = num.qualifier;
  for (const c of num.children) {
    if (c.kind === 'code') {
      if (isCode(c.concept, C.derivation)) v.derivation = c.code;
      else if (isCode(c.concept, C.method)) v.method = c.code;
      else if (isCode(c.concept, C.findingSite, C.findingSiteSrt)) addSite(c.code);
    } else if (c.kind === 'text' && isCode(c.concept, C.trackingIdentifier) && m.trackingIdentifier === undefined) m.trackingIdentifier = c.text;
    else if (c.kind === 'uidref' && isCode(c.concept, C.trackingUid) && m.trackingUid === undefined) m.trackingUid = c.uid;
    else if (c.kind === 'scoord' || c.kind === 'scoord3d' || c.kind === 'reference') {
      const i = graphicIndex(c);
      if (i !== undefined && !v.graphics.includes(i)) v.graphics.push(i);
    }
  }
  const isDegrees = v.unit !== undefined && (v.unit.value === 'deg' || v.unit.meaning === '°');
  v.quantity = quantityOf(v.derivation) ?? quantityOf(v.concept) ?? (isDegrees ? 'angle' : 'other');
  return v;
}

function toGraphic(node: SrNode & { kind: 'scoord' | 'scoord3d' }): SrGraphic {
  const points = node.points.map((p) => [...p]);
  const g: SrGraphic = {
    nodeId: node.id,
    dimension: node.kind === 'scoord' ? 2 : 3,
    graphicType: node.graphicType,
    points,
    closed: node.graphicType === 'POLYLINE' ? points.length > 2 && samePoint(points[0]!, points[points.length - 1]!) : node.graphicType !== 'POINT' && node.graphicType !== 'MULTIPOINT',
  };
  if (node.kind === 'scoord' && node.image) g.image = node.image;
  if (node.kind === 'scoord3d' && node.frameOfReferenceUid) g.frameOfReferenceUid = node.frameOfReferenceUid;
  if (node.concept) g.concept = node.concept;
  return g;
}

function graphicKey(g: SrGraphic): string {
  return JSON.stringify([g.dimension, g.graphicType, g.points, g.image?.sopInstanceUid, g.image?.frames, g.frameOfReferenceUid]);
}

const EPS = 1e-6;
function samePoint(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= EPS * Math.max(1, Math.abs(x)));
}

/** The points without consecutive repeats (an angle written p1, p2, p2, p3 has three). */
function distinctRun(points: readonly (readonly number[])[]): (readonly number[])[] {
  const out: (readonly number[])[] = [];
  for (const p of points) if (out.length === 0 || !samePoint(out[out.length - 1]!, p)) out.push(p);
  return out;
}

function isRectangle(points: readonly (readonly number[])[]): boolean {
  const ring = distinctRun(points);
  if (ring.length === 5 && samePoint(ring[0]!, ring[4]!)) ring.pop();
  if (ring.length !== 4) return false;
  const edge = (i: number) => ring[(i + 1) % 4]!.map((x, k) => x - ring[i]![k]!);
  const len = (v: number[]) => Math.hypot(...v);
  for (let i = 0; i < 4; i++) {
    const a = edge(i);
    const b = edge((i + 1) % 4);
    const la = len(a);
    const lb = len(b);
    if (la <= EPS || lb <= EPS) return false;
    const dot = a.reduce((s, x, k) => s + x * b[k]!, 0);
    if (Math.abs(dot) > 1e-3 * la * lb) return false;
  }
  return true;
}

function shapeOf(m: SrMeasurement): SrShape {
  const g = m.graphics[0];
  if (!g) return 'none';
  const has = (q: SrQuantity) => m.values.some((v) => v.quantity === q);
  if (has('longAxis') && has('shortAxis') && m.graphics.length >= 2 && m.graphics.every((x) => x.graphicType === 'POLYLINE' && x.points.length === 2)) return 'bidirectional';
  switch (g.graphicType) {
    case 'POINT':
      return 'point';
    case 'MULTIPOINT':
      return 'points';
    case 'CIRCLE':
      return 'circle';
    case 'ELLIPSE':
      return 'ellipse';
    case 'ELLIPSOID':
      return 'ellipsoid';
    case 'POLYGON':
      return isRectangle(g.points) ? 'rectangle' : 'polygon';
    case 'POLYLINE': {
      if (has('angle')) {
        const n = distinctRun(g.points).length;
        if (n === 3) return 'angle';
        if (n === 4) return 'cobbAngle';
      }
      if (g.points.length === 1) return 'point';
      if (g.points.length === 2) return 'length';
      if (g.closed || has('area')) return isRectangle(g.points) ? 'rectangle' : 'polygon';
      return 'polyline';
    }
    default:
      return 'none';
  }
}

/**
 * A sphere written as an ELLIPSOID of three equal orthogonal axes (measurementReportWriter.ts writes a SphereROI so):
 * its centre (the middle of the first axis) and the first axis' second end, the point on the surface the viewer
 * drew. Undefined when the six points are not such a sphere (to 1e-3 of the radius).
 */
export function ellipsoidAsSphere(points: readonly (readonly number[])[]): { centre: number[]; surface: number[] } | undefined {
  if (points.length !== 6 || points.some((p) => p.length !== 3)) return undefined;
  const axes = [0, 2, 4].map((i) => points[i + 1]!.map((x, k) => x - points[i]![k]!));
  const centres = [0, 2, 4].map((i) => points[i]!.map((x, k) => (x + points[i + 1]![k]!) / 2));
  const lengths = axes.map((a) => Math.hypot(...a));
  const d = lengths[0]!;
  if (!(d > 0)) return undefined;
  const tol = 1e-3 * d;
  const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k]!, 0);
  if (lengths.some((l) => Math.abs(l - d) > tol)) return undefined;
  if (centres.some((c) => Math.hypot(...c.map((x, k) => x - centres[0]![k]!)) > tol)) return undefined;
  if (Math.abs(dot(axes[0]!, axes[1]!)) > tol * d || Math.abs(dot(axes[0]!, axes[2]!)) > tol * d || Math.abs(dot(axes[1]!, axes[2]!)) > tol * d) return undefined;
  return { centre: centres[0]!, surface: [...points[1]!] };
}
