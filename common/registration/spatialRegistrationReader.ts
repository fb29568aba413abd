/**
 * Reading DICOM Spatial Registration objects (PS3.3 A.39, C.20.2) from DICOM JSON: pure, so that the CLI/services
 * (electron/services/registration/spatialRegistration.ts, which also writes them) and the viewer (applying the
 * registrations found in a study when fusing) read them with one implementation.
 *
 * Semantics: the object's Frame of Reference UID is the registered-to frame A; each Registration Sequence item names
 * a frame B (or images in it) and carries A_M_B, which maps B coordinates to A's: [A 1]ᵀ = A_M_B · [B 1]ᵀ.
 */
import { getString, type DicomJsonDataset } from '../dicom/dicomJson';
import { Tag } from '../dicom/tags';
import type { Matrix4 } from './types';

export const SPATIAL_REGISTRATION_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.1';

export interface SpatialRegistrationInfo {
  sopInstanceUid: string;
  studyInstanceUid: string;
  /** The registered-to frame: the object's own Frame of Reference UID. */
  fixedFrameOfReferenceUid: string;
  /**
   * The frame of the item with a non-identity matrix (the moving one). When the moving series shares the fixed
   * frame, its item names images instead of a frame: this is then the fixed frame and `movingInstances` lists them.
   */
  movingFrameOfReferenceUid: string;
  movingInstances: string[];
  /** Moving → fixed, 4×4 row-major. */
  matrix: Matrix4;
  matrixType: string;
  description: string;
  contentDate: string;
  contentTime: string;
}

/** The object cannot be read as a Spatial Registration. */
export class SpatialRegistrationReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpatialRegistrationReadError';
  }
}

const T = {
  RegistrationSequence: '00700308',
  MatrixRegistrationSequence: '00700309',
  MatrixSequence: '0070030A',
  FrameOfReferenceTransformationMatrix: '300600C6',
  FrameOfReferenceTransformationMatrixType: '0070030C',
  ReferencedImageSequence: '00081140',
  ReferencedSOPInstanceUID: '00081155',
  ContentDescription: '00700081',
  ContentDate: '00080023',
  ContentTime: '00080033',
} as const;

const items = (ds: DicomJsonDataset, tag: string): DicomJsonDataset[] =>
  (ds[tag]?.Value ?? []).filter((v): v is DicomJsonDataset => typeof v === 'object' && v !== null && !('Alphabetic' in v || 'Ideographic' in v || 'Phonetic' in v));

const IDENTITY: Matrix4 = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];

/** The 4×4 of one Registration Sequence item: the product of its Matrix Sequence items (PS3.3 C.20.2.1.1: applied in order). */
function itemMatrix(item: DicomJsonDataset): { matrix: Matrix4; type: string } {
  const mrs = items(item, T.MatrixRegistrationSequence)[0];
  if (!mrs) throw new SpatialRegistrationReadError('A Registration Sequence item has no Matrix Registration Sequence.');
  let m: Matrix4 = IDENTITY.map((r) => [...r]);
  const types: string[] = [];
  const ms = items(mrs, T.MatrixSequence);
  if (ms.length === 0) throw new SpatialRegistrationReadError('A Matrix Registration Sequence item has no Matrix Sequence.');
  for (const mi of ms) {
    const v = (mi[T.FrameOfReferenceTransformationMatrix]?.Value ?? []).map((x) => Number(x));
    if (v.length !== 16 || !v.every(Number.isFinite)) throw new SpatialRegistrationReadError(`Frame of Reference Transformation Matrix has ${v.length} values, not 16 numbers.`);
    const next: Matrix4 = [0, 1, 2, 3].map((r) => v.slice(r * 4, r * 4 + 4));
    // Each Matrix Sequence item applies after the previous: M = Mn · … · M1.
    m = next.map((row) => [0, 1, 2, 3].map((c) => row.reduce((s, x, k) => s + x * m[k]![c]!, 0)));
    types.push(getString(mi, T.FrameOfReferenceTransformationMatrixType)?.trim() ?? '');
  }
  return { matrix: m, type: types.join('\\') };
}

const isIdentity = (m: Matrix4) => m.every((row, r) => row.every((x, c) => Math.abs(x - (r === c ? 1 : 0)) < 1e-9));

/**
 * The registered-to frame, the moving frame and the moving → fixed matrix (the item whose matrix is not identity;
 * with only identities, the item for another frame than the object's own).
 */
export function readSpatialRegistrationJson(ds: DicomJsonDataset): SpatialRegistrationInfo {
  const sopClass = getString(ds, Tag.SOPClassUID)?.trim();
  if (sopClass !== SPATIAL_REGISTRATION_SOP_CLASS) throw new SpatialRegistrationReadError(`Not a Spatial Registration object (SOP Class ${sopClass ?? 'absent'}).`);
  const fixedFor = getString(ds, Tag.FrameOfReferenceUID)?.trim();
  if (!fixedFor) throw new SpatialRegistrationReadError('The object has no Frame of Reference UID.');
  const regs = items(ds, T.RegistrationSequence).map((item) => ({
    frameOfReferenceUid: getString(item, Tag.FrameOfReferenceUID)?.trim(),
    images: items(item, T.ReferencedImageSequence)
      .map((r) => getString(r, T.ReferencedSOPInstanceUID)?.trim() ?? '')
      .filter(Boolean),
    ...itemMatrix(item),
  }));
  if (regs.length === 0) throw new SpatialRegistrationReadError('The object has no Registration Sequence items.');
  const moving =
    regs.find((r) => !isIdentity(r.matrix)) ??
    regs.find((r) => r.frameOfReferenceUid && r.frameOfReferenceUid !== fixedFor) ??
    regs.find((r) => r.images.length > 0) ??
    regs[0]!;
  return {
    sopInstanceUid: getString(ds, Tag.SOPInstanceUID)?.trim() ?? '',
    studyInstanceUid: getString(ds, Tag.StudyInstanceUID)?.trim() ?? '',
    fixedFrameOfReferenceUid: fixedFor,
    movingFrameOfReferenceUid: moving.frameOfReferenceUid ?? fixedFor,
    movingInstances: moving.images,
    matrix: moving.matrix,
    matrixType: moving.type,
    description: getString(ds, T.ContentDescription)?.trim() ?? '',
    contentDate: getString(ds, T.ContentDate)?.trim() ?? '',
    contentTime: getString(ds, T.ContentTime)?.trim() ?? '',
  };
}

/** One side of a fusion: its frame of reference and its instances (for registrations that name images). */
export interface FusionSide {
  frameOfReferenceUid: string;
  sopInstanceUids: readonly string[];
}

/** Inverse of a rigid 4×4 (R, t) → (Rᵀ, −Rᵀt). */
export function invertRigid(m: Matrix4): Matrix4 {
  const r = (i: number, j: number) => m[j]![i]!; // Rᵀ
  const t = [m[0]![3]!, m[1]![3]!, m[2]![3]!];
  const out: Matrix4 = [0, 1, 2].map((i) => [r(i, 0), r(i, 1), r(i, 2), -(r(i, 0) * t[0]! + r(i, 1) * t[1]! + r(i, 2) * t[2]!)]);
  out.push([0, 0, 0, 1]);
  return out;
}

export interface FoundRegistration {
  info: SpatialRegistrationInfo;
  /** Overlay → base patient mm (the fusion's transform): the object's matrix, or its inverse. */
  overlayToBase: Matrix4;
  inverted: boolean;
}

/**
 * The registration that places the overlay on the base, among those found in the studies: one whose moving frame is
 * the overlay's and whose registered-to frame is the base's (its matrix as is), or the other way round (inverted).
 * Where both series share one frame, only an object naming one side's images can say which moves. The newest
 * (Content Date/Time) wins; undefined when none applies.
 */
export function findFusionRegistration(found: readonly SpatialRegistrationInfo[], base: FusionSide, overlay: FusionSide): FoundRegistration | undefined {
  const names = (info: SpatialRegistrationInfo, side: FusionSide) => info.movingInstances.some((s) => side.sopInstanceUids.includes(s));
  const out: FoundRegistration[] = [];
  for (const info of found) {
    const fixed = info.fixedFrameOfReferenceUid;
    const moving = info.movingFrameOfReferenceUid;
    if (fixed !== moving) {
      if (fixed === base.frameOfReferenceUid && moving === overlay.frameOfReferenceUid) out.push({ info, overlayToBase: info.matrix, inverted: false });
      else if (fixed === overlay.frameOfReferenceUid && moving === base.frameOfReferenceUid) out.push({ info, overlayToBase: invertRigid(info.matrix), inverted: true });
    } else if (fixed === base.frameOfReferenceUid && fixed === overlay.frameOfReferenceUid) {
      if (names(info, overlay) && !names(info, base)) out.push({ info, overlayToBase: info.matrix, inverted: false });
      else if (names(info, base) && !names(info, overlay)) out.push({ info, overlayToBase: invertRigid(info.matrix), inverted: true });
    }
  }
  out.sort((a, b) => `${b.info.contentDate}${b.info.contentTime}`.localeCompare(`${a.info.contentDate}${a.info.contentTime}`));
  return out[0];
}

/** "2026-11-27 21:10" from Content Date/Time, for the "Registration from … applied" note. */
export function registrationWhen(info: SpatialRegistrationInfo): string {
  const d = info.contentDate;
  const t = info.contentTime;
  const date = /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d;
  const time = /^\d{4}/.test(t) ? ` ${t.slice(0, 2)}:${t.slice(2, 4)}` : '';
  return `${date}${time}`.trim();
}
