/**
 * ROIs of the PET/CT layout as pure geometry and numbers: the shape a drag makes in a plane (sphere: centre and
 * radius dragged in any plane; ellipse: the box dragged, in that plane), where its outline cuts the plane a
 * viewport shows, and its statistics — SUV (or Bq/ml) of the PET and the CT's HU at the same place — from
 * common/suv/roiStatistics, so the viewer and the CLI measure the same voxels.
 */
import type { Vec3, Volume } from '../../../../common/registration/types';
import { roiStatistics, type RoiShape } from '../../../../common/suv/roiStatistics';
import type { SavedMeasurement, SavedValue } from '../../../../common/sr/savedMeasurements';

export type PetCtRoiShape = Extract<RoiShape, { kind: 'sphere' | 'ellipse' }>;
export type RoiTool = 'sphere' | 'ellipse';

/** What a plane shows: the camera's focal point, normal (towards the viewer's back) and up. */
export interface PlaneCamera {
  focalPoint: Vec3;
  viewPlaneNormal: Vec3;
  viewUp: Vec3;
}

export interface PetCtRoi {
  id: number;
  shape: PetCtRoiShape;
  /** The plane it was drawn in. */
  plane: string;
  /** Its Tracking Unique Identifier once saved with the study's measurements (issue #19). */
  trackingUid?: string;
}

export interface PetCtRoiMeasurement {
  /** SUVbw, or Bq/ml when the PET has no SUV. */
  unit: 'SUVbw' | 'Bq/ml';
  max: number;
  mean: number;
  /** Mean of the 1 ml sphere of highest mean (PERCIST), null when the ROI is empty. */
  peak: number | null;
  volumeMl: number;
  voxels: number;
  /** The CT's mean HU over the same shape; undefined when the shape misses the CT. */
  huMean: number | undefined;
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: Vec3) => Math.sqrt(dot(a, a));

/** The viewport's right: up × normal (cornerstone's convention: axial normal (0,0,−1), up (0,−1,0) → right +x). */
export function viewRight(camera: PlaneCamera): Vec3 {
  return cross(camera.viewUp, camera.viewPlaneNormal);
}

/** The shape a drag from `from` to `to` (patient mm, both in the plane) makes; undefined when too small to mean one. */
export function shapeFromDrag(tool: RoiTool, from: Vec3, to: Vec3, camera: PlaneCamera): PetCtRoiShape | undefined {
  if (tool === 'sphere') {
    const radiusMm = norm(sub(to, from));
    return radiusMm >= 1 ? { kind: 'sphere', centre: from, radiusMm } : undefined;
  }
  // Ellipse: the dragged box, its axes along the viewport's right and up.
  const right = viewRight(camera);
  const up = camera.viewUp;
  const d = sub(to, from);
  const a = scale(right, dot(d, right) / 2);
  const b = scale(up, dot(d, up) / 2);
  if (norm(a) < 0.5 || norm(b) < 0.5) return undefined;
  return { kind: 'ellipse', centre: scale(add(from, to), 0.5), semiAxisA: a, semiAxisB: b };
}

/**
 * Where the shape's outline cuts the plane the camera shows: points in patient mm (a closed polygon), or undefined
 * when it does not. An ellipse lies in one plane: it shows in parallel planes within `slabMm` of it.
 */
export function outlineInPlane(shape: PetCtRoiShape, camera: PlaneCamera, slabMm = 2, points = 48): Vec3[] | undefined {
  const n = camera.viewPlaneNormal;
  const dist = dot(sub(shape.centre, camera.focalPoint), n);
  let centre: Vec3;
  let u: Vec3;
  let v: Vec3;
  if (shape.kind === 'sphere') {
    if (Math.abs(dist) >= shape.radiusMm) return undefined;
    const r = Math.sqrt(shape.radiusMm ** 2 - dist ** 2);
    centre = sub(shape.centre, scale(n, dist));
    u = scale(viewRight(camera), r);
    v = scale(camera.viewUp, r);
  } else {
    const normal = cross(shape.semiAxisA, shape.semiAxisB);
    const parallel = Math.abs(dot(normal, n)) / (norm(normal) || 1);
    if (parallel < 0.99 || Math.abs(dist) > slabMm) return undefined;
    centre = shape.centre;
    u = shape.semiAxisA;
    v = shape.semiAxisB;
  }
  return Array.from({ length: points }, (_, i) => {
    const t = (2 * Math.PI * i) / points;
    return add(centre, add(scale(u, Math.cos(t)), scale(v, Math.sin(t))));
  });
}

/**
 * The ROI's numbers: PET values × `suvFactor` (the SUVbw factor; null = no SUV, values stay Bq/ml), and the CT's
 * mean over the same shape. Throws nothing: an empty ROI gives NaN values (shown as "—").
 */
export function measurePetCtRoi(shape: PetCtRoiShape, pet: Volume, ct: Volume | undefined, suvFactor: number | null): PetCtRoiMeasurement {
  const s = roiStatistics(pet, shape, suvFactor === null ? {} : { scale: suvFactor });
  const hu = ct ? roiStatistics(ct, shape) : undefined;
  return {
    unit: suvFactor === null ? 'Bq/ml' : 'SUVbw',
    max: s.max,
    mean: s.mean,
    peak: s.peak,
    volumeMl: s.volumeMl,
    voxels: s.voxels,
    huMean: hu && hu.voxels > 0 ? hu.mean : undefined,
  };
}

/**
 * A PET/CT ROI as the study's measurements save it (issue #19), in the PET's frame of reference:
 * - a sphere: a SphereROI, centre and a point on its surface (the writer makes the SR's ELLIPSOID of them), with
 *   SUVmax, mean and peak (or Bq/ml) and the volume;
 * - an ellipse: an EllipseROI3D, the ends of its longer axis then of its shorter one (an SR ELLIPSE), with SUVmax,
 *   mean and peak (or Bq/ml) and its area (π·a·b; its statistics are of a one-voxel slab around its plane).
 */
export function savedOfRoi(roi: PetCtRoi & { stats?: PetCtRoiMeasurement }, frameOfReferenceUid: string): SavedMeasurement | undefined {
  if (!roi.trackingUid) return undefined;
  const values: SavedValue[] = [];
  const s = roi.stats;
  if (s && s.voxels > 0) {
    const suv = s.unit === 'SUVbw';
    const unit = suv ? '{SUVbw}g/ml' : 'Bq/ml';
    values.push({ quantity: suv ? 'suvMax' : 'max', value: s.max, unit }, { quantity: suv ? 'suvMean' : 'mean', value: s.mean, unit });
    if (suv && s.peak !== null) values.push({ quantity: 'suvPeak', value: s.peak, unit });
  }
  const shape = roi.shape;
  const base = { trackingUid: roi.trackingUid, frameOfReferenceUid };
  if (shape.kind === 'sphere') {
    const { centre, radiusMm } = shape;
    if (s && s.voxels > 0) values.push({ quantity: 'volume', value: s.volumeMl, unit: 'ml' });
    return { ...base, tool: 'SphereROI', points: [[...centre], [centre[0] + radiusMm, centre[1], centre[2]]], values: values.filter((v) => Number.isFinite(v.value)) };
  }
  const { centre, semiAxisA, semiAxisB } = shape;
  const [major, minor] = norm(semiAxisA) >= norm(semiAxisB) ? [semiAxisA, semiAxisB] : [semiAxisB, semiAxisA];
  // With the statistics only: a ROI handed in before the volumes are in keeps its saved values (no values = not measured yet).
  if (s && s.voxels > 0) values.push({ quantity: 'area', value: Math.PI * norm(major) * norm(minor), unit: 'mm2' });
  return {
    ...base,
    tool: 'EllipseROI3D',
    points: [sub(centre, major), add(centre, major), sub(centre, minor), add(centre, minor)].map((p) => [...p]),
    values: values.filter((v) => Number.isFinite(v.value)),
  };
}

/** The plane an ellipse lies in, by its normal's largest component. */
function planeOf(a: Vec3, b: Vec3): string {
  const n = cross(a, b).map(Math.abs);
  return n[2]! >= n[0]! && n[2]! >= n[1]! ? 'axial' : n[1]! >= n[0]! ? 'coronal' : 'sagittal';
}

/** The ROI of a saved SphereROI or EllipseROI3D, with the plane it was drawn in; undefined when it is neither. */
export function roiOfSaved(m: SavedMeasurement): { shape: PetCtRoiShape; plane: string } | undefined {
  if (m.points.some((p) => p.length < 3)) return undefined;
  const pts = m.points.map((p): Vec3 => [p[0]!, p[1]!, p[2]!]);
  if (m.tool === 'SphereROI' && pts.length === 2) {
    const [centre, surface] = pts as [Vec3, Vec3];
    const radiusMm = norm(sub(surface, centre));
    return radiusMm > 0 ? { shape: { kind: 'sphere', centre, radiusMm }, plane: 'axial' } : undefined;
  }
  if (m.tool === 'EllipseROI3D' && pts.length === 4) {
    const [a0, a1, b0, b1] = pts as [Vec3, Vec3, Vec3, Vec3];
    const semiAxisA = scale(sub(a1, a0), 0.5);
    const semiAxisB = scale(sub(b1, b0), 0.5);
    if (!(norm(semiAxisA) > 0) || !(norm(semiAxisB) > 0)) return undefined;
    return { shape: { kind: 'ellipse', centre: scale(add(a0, a1), 0.5), semiAxisA, semiAxisB }, plane: planeOf(semiAxisA, semiAxisB) };
  }
  return undefined;
}
