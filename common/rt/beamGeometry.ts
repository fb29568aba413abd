/**
 * Where a beam comes from, in DICOM patient coordinates (LPS, mm), for drawing its central axis (issue #17).
 *
 * IEC 61217: the gantry angle θ turns the source about the IEC fixed Y axis (clockwise seen from the couch's foot,
 * 0° = source above the couch); the couch (patient support) angle φ turns the patient about the vertical axis
 * (counter-clockwise seen from above). In the fixed system the source direction is (sin θ, 0, cos θ); seen from a
 * patient lying head first supine (HFS), IEC patient X = patient left (+x), Y = head (+z), Z = anterior (−y).
 * Other patient positions turn that frame; only HFS is drawn here, and the caller says so for the others.
 */
export type Vec3 = [number, number, number];

/** Unit vector from the isocentre towards the source, HFS; undefined for angles that are not numbers. */
export function sourceDirectionHfs(gantryDeg: number, couchDeg = 0): Vec3 | undefined {
  if (!Number.isFinite(gantryDeg) || !Number.isFinite(couchDeg)) return undefined;
  const t = (gantryDeg * Math.PI) / 180;
  const p = (couchDeg * Math.PI) / 180;
  // The source in the patient's IEC frame: the fixed direction turned by −φ about the vertical (Z) axis.
  const x = Math.sin(t) * Math.cos(p);
  const y = -Math.sin(t) * Math.sin(p);
  const z = Math.cos(t);
  // IEC patient (X left, Y head, Z anterior) → DICOM LPS (x left, y posterior, z head).
  return [x + 0, -z + 0, y + 0];
}

/**
 * The part [t0, t1] of a beam axis iso + t·dir (0 ≤ t ≤ lengthMm) that lies within `tolMm` of a plane, given the
 * isocentre's signed distance from the plane and the plane's unit normal; undefined when none of it does.
 */
export function axisWithinPlane(isoOffsetMm: number, dir: Vec3, normal: readonly number[], tolMm: number, lengthMm: number): [number, number] | undefined {
  const rate = dir[0] * normal[0]! + dir[1] * normal[1]! + dir[2] * normal[2]!;
  if (Math.abs(rate) < 1e-9) return Math.abs(isoOffsetMm) > tolMm ? undefined : [0, lengthMm];
  const a = (-tolMm - isoOffsetMm) / rate;
  const b = (tolMm - isoOffsetMm) / rate;
  const t0 = Math.max(0, Math.min(a, b));
  const t1 = Math.min(lengthMm, Math.max(a, b));
  return t1 > t0 ? [t0, t1] : undefined;
}
