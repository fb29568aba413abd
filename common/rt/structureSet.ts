/**
 * RT Structure Set (PS3.3 A.19, C.8.8.5–C.8.8.8) → ROIs with their contours in patient coordinates (mm), for the
 * DVH (dvh.ts) and, later, the viewer's structure overlays. Pure and isomorphic: the CLI hands it the file's DICOM
 * JSON, the viewer WADO-RS metadata.
 *
 * Why our own reader: dcmjs has no RTSTRUCT model (its adapters read SEG), and dicompyler-core is Python. What the
 * standard asks here is short: join Structure Set ROI Sequence (number, name), ROI Contour Sequence (colour,
 * contours) and RT ROI Observations (interpreted type) by ROI number.
 *
 * Contours (C.8.8.6): Contour Geometric Type POINT, OPEN_PLANAR, OPEN_NONPLANAR or CLOSED_PLANAR; Contour Data is
 * x\y\z triplets. Only CLOSED_PLANAR contours enclose a volume. Contours of one ROI on one plane combine by the
 * even-odd rule (a contour inside another is a hole: the standard's "XOR" of nested contours, C.8.8.6.3).
 */
import { getNumber, getNumbers, getString, type DicomJsonDataset, type DicomJsonValue } from '../dicom/dicomJson';

const T = {
  FrameOfReferenceUID: '00200052',
  ReferencedFrameOfReferenceUID: '30060024',
  StructureSetLabel: '30060002',
  StructureSetROISequence: '30060020',
  ROINumber: '30060022',
  ROIName: '30060026',
  ROIContourSequence: '30060039',
  ReferencedROINumber: '30060084',
  ROIDisplayColor: '3006002A',
  ContourSequence: '30060040',
  ContourGeometricType: '30060042',
  NumberOfContourPoints: '30060046',
  ContourData: '30060050',
  RTROIObservationsSequence: '30060080',
  RTROIInterpretedType: '300600A4',
} as const;

export type ContourType = 'POINT' | 'OPEN_PLANAR' | 'OPEN_NONPLANAR' | 'CLOSED_PLANAR';

export interface Contour {
  type: ContourType;
  /** x, y, z triplets in patient coordinates (mm). */
  points: Float64Array;
}

export interface Roi {
  number: number;
  name: string;
  /** ROI Display Color (0–255 each), when stored. */
  color?: [number, number, number];
  /** RT ROI Interpreted Type (PTV, ORGAN, EXTERNAL…), when stored. */
  interpretedType?: string;
  /** The ROI's Referenced Frame of Reference UID. */
  frameOfReferenceUid?: string;
  contours: Contour[];
}

export interface StructureSet {
  label?: string;
  rois: Roi[];
  /** What was odd in the file and how it was taken (shown to the user, never silently dropped). */
  warnings: string[];
}

export class StructureSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StructureSetError';
  }
}

function items(ds: DicomJsonDataset, tag: string): DicomJsonDataset[] {
  const v = ds[tag]?.Value as DicomJsonValue[] | undefined;
  return (v ?? []).filter((x): x is DicomJsonDataset => typeof x === 'object' && x !== null && !('Alphabetic' in x));
}

const CONTOUR_TYPES = new Set<ContourType>(['POINT', 'OPEN_PLANAR', 'OPEN_NONPLANAR', 'CLOSED_PLANAR']);

export function parseStructureSet(ds: DicomJsonDataset): StructureSet {
  const warnings: string[] = [];
  const roiItems = items(ds, T.StructureSetROISequence);
  const contourItems = items(ds, T.ROIContourSequence);
  if (roiItems.length === 0 && contourItems.length === 0) throw new StructureSetError('This file holds no structures (no Structure Set ROI Sequence): is it an RT Structure Set?');
  const rois = new Map<number, Roi>();
  for (const item of roiItems) {
    const number = getNumber(item, T.ROINumber);
    if (number === undefined) {
      warnings.push('A structure without an ROI Number was left out.');
      continue;
    }
    const frameOfReferenceUid = getString(item, T.ReferencedFrameOfReferenceUID);
    rois.set(number, { number, name: getString(item, T.ROIName)?.trim() || `ROI ${number}`, contours: [], ...(frameOfReferenceUid ? { frameOfReferenceUid } : {}) });
  }
  for (const item of contourItems) {
    const number = getNumber(item, T.ReferencedROINumber);
    if (number === undefined) {
      warnings.push('Contours without a Referenced ROI Number were left out.');
      continue;
    }
    let roi = rois.get(number);
    if (!roi) {
      warnings.push(`Contours for ROI ${number}, which the Structure Set ROI Sequence does not list, are shown as "ROI ${number}".`);
      rois.set(number, (roi = { number, name: `ROI ${number}`, contours: [] }));
    }
    const color = getNumbers(item, T.ROIDisplayColor, 3);
    if (color && color.every((c) => Number.isFinite(c))) roi.color = color.map((c) => Math.max(0, Math.min(255, Math.round(c)))) as [number, number, number];
    for (const c of items(item, T.ContourSequence)) {
      const rawType = getString(c, T.ContourGeometricType)?.trim().toUpperCase() ?? '';
      const data = getNumbers(c, T.ContourData) ?? [];
      if (!CONTOUR_TYPES.has(rawType as ContourType)) {
        warnings.push(`${roi.name}: a contour of type "${rawType || 'none'}" was left out (not a type the standard defines).`);
        continue;
      }
      if (data.length === 0 || data.length % 3 !== 0 || data.some((v) => !Number.isFinite(v))) {
        warnings.push(`${roi.name}: a contour whose Contour Data is not x\\y\\z triplets of numbers was left out.`);
        continue;
      }
      const declared = getNumber(c, T.NumberOfContourPoints);
      if (declared !== undefined && declared !== data.length / 3) warnings.push(`${roi.name}: a contour says ${declared} points and holds ${data.length / 3}; the points held are used.`);
      roi.contours.push({ type: rawType as ContourType, points: Float64Array.from(data) });
    }
  }
  for (const obs of items(ds, T.RTROIObservationsSequence)) {
    const roi = rois.get(getNumber(obs, T.ReferencedROINumber) ?? NaN);
    const type = getString(obs, T.RTROIInterpretedType)?.trim();
    if (roi && type) roi.interpretedType = type;
  }
  const label = getString(ds, T.StructureSetLabel)?.trim();
  return { ...(label ? { label } : {}), rois: [...rois.values()].sort((a, b) => a.number - b.number), warnings };
}

/** One plane of a closed structure: its contours (x, y pairs) on plane z, combined by the even-odd rule. */
export interface ContourPlane {
  z: number;
  polygons: Float64Array[];
}

/**
 * The CLOSED_PLANAR contours of an axial structure grouped by plane, sorted by z. Contours whose points do not
 * share one z (to `tolerance` mm) are not axial: the caller is told, since the DVH's slab model needs planes
 * normal to z (the dose grids and CTs this reads are axial).
 */
export function closedPlanes(roi: Roi, tolerance = 0.01): { planes: ContourPlane[]; skipped: string[] } {
  const skipped: string[] = [];
  const byZ: ContourPlane[] = [];
  for (const c of roi.contours) {
    if (c.type !== 'CLOSED_PLANAR') continue;
    const n = c.points.length / 3;
    if (n < 3) {
      skipped.push(`${roi.name}: a closed contour with fewer than 3 points encloses nothing and was left out.`);
      continue;
    }
    const z = c.points[2]!;
    let flat = true;
    for (let i = 1; i < n; i++) if (Math.abs(c.points[i * 3 + 2]! - z) > tolerance) flat = false;
    if (!flat) {
      skipped.push(`${roi.name}: a closed contour whose points are not on one axial plane was left out.`);
      continue;
    }
    const xy = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      xy[i * 2] = c.points[i * 3]!;
      xy[i * 2 + 1] = c.points[i * 3 + 1]!;
    }
    let plane = byZ.find((p) => Math.abs(p.z - z) <= tolerance);
    if (!plane) byZ.push((plane = { z, polygons: [] }));
    plane.polygons.push(xy);
  }
  byZ.sort((a, b) => a.z - b.z);
  return { planes: byZ, skipped };
}
