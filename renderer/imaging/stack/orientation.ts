/**
 * Orientation markers: which patient directions lie at the four edges of the screen. Patient coordinates
 * are DICOM LPS (+x left, +y posterior, +z head). Pure; unit-tested.
 */
export type Vec3 = readonly [number, number, number];

export interface OrientationMarkers {
  top: string;
  bottom: string;
  left: string;
  right: string;
}

/**
 * Letters for a direction: the dominant component first, then any other component above `minFraction` of
 * it (an oblique plane reads "LA", "HP"...). Empty for a zero vector.
 */
export function directionLetters(v: Vec3, minFraction = 0.3): string {
  const parts: { mag: number; letter: string }[] = [
    { mag: Math.abs(v[0]), letter: v[0] > 0 ? 'L' : 'R' },
    { mag: Math.abs(v[1]), letter: v[1] > 0 ? 'P' : 'A' },
    { mag: Math.abs(v[2]), letter: v[2] > 0 ? 'H' : 'F' },
  ].sort((a, b) => b.mag - a.mag);
  const top = parts[0]!.mag;
  if (!(top > 1e-9)) return '';
  return parts
    .filter((p) => p.mag >= top * minFraction)
    .map((p) => p.letter)
    .join('');
}

const neg = (v: Vec3): Vec3 => [-v[0], -v[1], -v[2]];

/** Markers from the patient directions of screen +x (right) and screen +y (down). */
export function markersFromScreenAxes(right: Vec3, down: Vec3): OrientationMarkers {
  return {
    right: directionLetters(right),
    left: directionLetters(neg(right)),
    bottom: directionLetters(down),
    top: directionLetters(neg(down)),
  };
}

export interface ViewTransform {
  flipHorizontal: boolean;
  flipVertical: boolean;
  /** Degrees the image is turned clockwise on screen (cornerstone's rotation), multiples of 90 expected. */
  rotation: number;
}

/**
 * Patient directions of screen right and down for an image with Image Orientation (Patient) `iop`
 * (row cosines then column cosines) shown flipped (mirror first) and then turned clockwise by `rotation`.
 */
export function screenAxesFromIop(iop: readonly number[], view: ViewTransform): { right: Vec3; down: Vec3 } {
  let right: Vec3 = [iop[0]!, iop[1]!, iop[2]!];
  let down: Vec3 = [iop[3]!, iop[4]!, iop[5]!];
  if (view.flipHorizontal) right = neg(right);
  if (view.flipVertical) down = neg(down);
  const t = (view.rotation * Math.PI) / 180;
  const c = Math.round(Math.cos(t) * 1e9) / 1e9;
  const s = Math.round(Math.sin(t) * 1e9) / 1e9;
  // Turning the picture clockwise by t: what pointed up now points right (t = 90°).
  const newRight: Vec3 = [c * right[0] - s * down[0], c * right[1] - s * down[1], c * right[2] - s * down[2]];
  const newDown: Vec3 = [s * right[0] + c * down[0], s * right[1] + c * down[1], s * right[2] + c * down[2]];
  return { right: newRight, down: newDown };
}

export function orientationMarkers(iop: readonly number[], view: ViewTransform): OrientationMarkers | undefined {
  if (iop.length !== 6 || !iop.every(Number.isFinite)) return undefined;
  const { right, down } = screenAxesFromIop(iop, view);
  return markersFromScreenAxes(right, down);
}
