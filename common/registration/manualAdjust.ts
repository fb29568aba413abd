/**
 * Manual adjustment of a fusion's overlay with mouse and keys (issue #8 "Manual adjustment"): the maths from an
 * in-plane gesture on a view to a change of the overlay → base transform. Pure, so that it is unit-tested apart
 * from the viewer.
 *
 * Conventions (cornerstone3D's camera): viewPlaneNormal n points from the focal point towards the viewer; viewUp u
 * is the screen's up; the screen's right is r = u × n; parallelScale is half the view's height in mm. A positive
 * rotation about n is anticlockwise as the reader sees it. Every gesture moves the overlay in the base's space, so it
 * is applied after the current transform: T' = G · T.
 */
import type { Matrix4 } from './types';

export type Vec3 = [number, number, number];

export interface PlaneCamera {
  viewPlaneNormal: readonly number[];
  viewUp: readonly number[];
  /** Half the view's height in mm. */
  parallelScale: number;
}

const IDENTITY: Matrix4 = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
const cross = (a: readonly number[], b: readonly number[]): Vec3 => [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const unit = (a: readonly number[]): Vec3 => {
  const n = Math.hypot(a[0]!, a[1]!, a[2]!);
  if (!(n > 0)) throw new RangeError('A zero vector has no direction');
  return [a[0]! / n, a[1]! / n, a[2]! / n];
};

function multiply(a: Matrix4, b: Matrix4): Matrix4 {
  return [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => a[r]![0]! * b[0]![c]! + a[r]![1]! * b[1]![c]! + a[r]![2]! * b[2]![c]! + a[r]![3]! * b[3]![c]!));
}

/** The screen's right in patient space: viewUp × viewPlaneNormal. */
export function viewRight(camera: PlaneCamera): Vec3 {
  return unit(cross(camera.viewUp, camera.viewPlaneNormal));
}

/** Millimetres per CSS pixel of a view `heightPx` pixels high. */
export function mmPerPixel(camera: PlaneCamera, heightPx: number): number {
  if (!(heightPx > 0) || !(camera.parallelScale > 0)) throw new RangeError('The view has no size');
  return (2 * camera.parallelScale) / heightPx;
}

/** A drag of (dx, dy) CSS pixels (y down, as on screen) as a displacement in patient mm within the plane. */
export function screenDeltaToPatient(camera: PlaneCamera, heightPx: number, dxPx: number, dyPx: number): Vec3 {
  const s = mmPerPixel(camera, heightPx);
  const r = viewRight(camera);
  const u = unit(camera.viewUp);
  return [0, 1, 2].map((i) => (r[i]! * dxPx - u[i]! * dyPx) * s) as Vec3;
}

/** The inverse for the preview: a displacement in patient mm as CSS pixels on this view (its in-plane part). */
export function patientToScreenDelta(camera: PlaneCamera, heightPx: number, d: readonly number[]): { dx: number; dy: number } {
  const s = mmPerPixel(camera, heightPx);
  return { dx: dot(d, viewRight(camera)) / s, dy: -dot(d, unit(camera.viewUp)) / s };
}

/** The anticlockwise angle (radians, as seen along -axis, i.e. by the reader) that turns a onto b about axis. */
export function signedAngleAbout(axis: readonly number[], a: readonly number[], b: readonly number[]): number {
  const n = unit(axis);
  return Math.atan2(dot(n, cross(a, b)), dot(a, b));
}

/** Screen angle (radians, clockwise on screen, as CSS rotate) from the drag's start to its end about a centre, in pixels. */
export function screenAngle(centre: { x: number; y: number }, from: { x: number; y: number }, to: { x: number; y: number }): number {
  const ax = from.x - centre.x;
  const ay = from.y - centre.y;
  const bx = to.x - centre.x;
  const by = to.y - centre.y;
  return Math.atan2(ax * by - ay * bx, ax * bx + ay * by);
}

/** T' = Translate(d) · T: the overlay moves by d mm in the base's space. T undefined means identity. */
export function translateTransform(transform: Matrix4 | undefined, d: readonly number[]): Matrix4 {
  const g: Matrix4 = IDENTITY.map((row, i) => (i < 3 ? [...row.slice(0, 3), d[i]!] : [...row]));
  return multiply(g, transform ?? IDENTITY);
}

/** T' = R · T with R the rotation by `angle` (radians, right-handed) about `axis` through `centre` (base mm). */
export function rotateTransformAbout(transform: Matrix4 | undefined, axis: readonly number[], angle: number, centre: readonly number[]): Matrix4 {
  const [x, y, z] = unit(axis);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  const R = [
    [t * x * x + c, t * x * y - s * z, t * x * z + s * y],
    [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
    [t * x * z - s * y, t * y * z + s * x, t * z * z + c],
  ];
  // p' = R (p − c) + c: the translation column is c − R c.
  const g: Matrix4 = [0, 1, 2].map((i) => [R[i]![0]!, R[i]![1]!, R[i]![2]!, centre[i]! - (R[i]![0]! * centre[0]! + R[i]![1]! * centre[1]! + R[i]![2]! * centre[2]!)]);
  g.push([0, 0, 0, 1]);
  return multiply(g, transform ?? IDENTITY);
}

export type KeyNudge = { kind: 'translate'; delta: Vec3 } | { kind: 'rotate'; angle: number };

/**
 * The keys of manual adjustment on a fused view: arrows move the overlay 1 mm on screen (Shift: 10 mm), ] turns it
 * 1° clockwise and [ 1° anticlockwise (Shift: 10°) about the view's normal. Other keys: undefined.
 */
export function keyNudge(key: string, shift: boolean, camera: PlaneCamera): KeyNudge | undefined {
  const step = shift ? 10 : 1;
  const r = viewRight(camera);
  const u = unit(camera.viewUp);
  const along = (v: Vec3, k: number): KeyNudge => ({ kind: 'translate', delta: v.map((x) => x * k * step) as Vec3 });
  switch (key) {
    case 'ArrowRight':
      return along(r, 1);
    case 'ArrowLeft':
      return along(r, -1);
    case 'ArrowUp':
      return along(u, 1);
    case 'ArrowDown':
      return along(u, -1);
    case ']':
    case '}':
      return { kind: 'rotate', angle: (-step * Math.PI) / 180 };
    case '[':
    case '{':
      return { kind: 'rotate', angle: (step * Math.PI) / 180 };
    default:
      return undefined;
  }
}
