/**
 * DICOM Spatial Registration Storage (SOP Class 1.2.840.10008.5.1.4.1.1.66.1, PS3.3 A.39) for a rigid registration
 * result (issue #8): written with dcmjs, read back with our own reader (dicom/datasetJson.ts) or from DICOM JSON.
 *
 * Semantics (PS3.3 C.20.2 Spatial Registration Module, C.20.2.1.1 Frame of Reference Transformation Matrix):
 * - The object's own Frame of Reference UID (0020,0052) is the registered-to frame RCS_A: here the FIXED series'.
 * - Each Registration Sequence (0070,0308) item names a source frame RCS_B (its Frame of Reference UID, or, where
 *   the moving series shares the fixed frame, its Referenced Image Sequence instead) and carries, in Matrix
 *   Registration Sequence → Matrix Sequence, the Frame of Reference Transformation Matrix A_M_B (3006,00C6): 16
 *   values, row-major, that transform a point (Bx, By, Bz) with respect to RCS_B into (Ax, Ay, Az) with respect to
 *   RCS_A: [Ax Ay Az 1]ᵀ = A_M_B · [Bx By Bz 1]ᵀ. So the item for the MOVING frame carries moving → fixed — exactly
 *   the matrix registerRigid returns — and the item for the fixed frame carries identity. Matrix type RIGID.
 * - Modules written: Patient, General Study, General Series (Modality REG), Spatial Registration Series, Frame of
 *   Reference, General Equipment, Spatial Registration (with Content Identification: Instance Number, Content
 *   Label, Content Description, Content Creator's Name; Content Date/Time), Common Instance Reference, SOP Common.
 * - The object belongs to the fixed series' study (its patient attributes too), in a series of its own; references
 *   to a moving series in another study go into Studies Containing Other Referenced Instances Sequence.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { getPersonName, getString, type DicomJsonDataset, type PersonNameValue } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import type { Matrix4 } from '../../../common/registration';
import { DOKUEI_IMPLEMENTATION_CLASS_UID, DOKUEI_IMPLEMENTATION_VERSION } from '../pacs/dimse/part10Writer';
import { VERSION } from '../version';
import { part10ToDicomJson } from '../dicom/datasetJson';
import {
  readSpatialRegistrationJson,
  SPATIAL_REGISTRATION_SOP_CLASS,
  SpatialRegistrationReadError,
  type SpatialRegistrationInfo,
} from '../../../common/registration/spatialRegistrationReader';

export { SPATIAL_REGISTRATION_SOP_CLASS, type SpatialRegistrationInfo };

interface DcmjsData {
  DicomDict: new (meta: unknown) => { dict: unknown; write(options?: unknown): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(ds: unknown): unknown };
}
const { DicomDict, DicomMetaDictionary } = (dcmjs as unknown as { data: DcmjsData }).data;

export interface ReferencedSop {
  sopClassUid: string;
  sopInstanceUid: string;
}

/** What the object needs to know of one side (fixed or moving) of the registration. */
export interface RegistrationSeriesRef {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  /** The series' instances (Common Instance Reference; the moving one's also when it shares the fixed frame). */
  instances: readonly ReferencedSop[];
  /** Patient and study attributes (only the fixed side's are written: the object joins its study). */
  patientName?: PersonNameValue | string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  studyDate?: string;
  studyTime?: string;
  studyId?: string;
  accessionNumber?: string;
  referringPhysicianName?: PersonNameValue | string;
  studyDescription?: string;
}

export interface SpatialRegistrationInput {
  fixed: RegistrationSeriesRef;
  moving: RegistrationSeriesRef;
  /** Moving → fixed patient coordinates (mm), 4×4 row-major (registerRigid's `matrix`). */
  matrix: Matrix4;
  /** Content Description (LO, ≤ 64 characters). */
  description: string;
  /** Content Creator's Name (PN, e.g. "YAMADA^TAROU"); default "DOKUEI^AUTO". */
  operator?: string;
  /** Content Label (CS: A–Z, 0–9, _ and space, ≤ 16); default "RIGID_REG". */
  label?: string;
  /** Fixed UIDs/time for reproducible output (tests); default: fresh 2.25 UIDs and now. */
  sopInstanceUid?: string;
  seriesInstanceUid?: string;
  now?: Date;
  seriesNumber?: number;
  instanceNumber?: number;
}

export class SpatialRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpatialRegistrationError';
  }
}

/** A UUID-derived UID (PS3.5 B.2). */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

/** A DS value of at most 16 characters, as precise as that allows. */
export function formatDs(x: number): string {
  if (!Number.isFinite(x)) throw new SpatialRegistrationError(`Not a finite number for a DS value: ${x}`);
  if (Object.is(x, -0) || Math.abs(x) < 1e-300) return '0';
  for (let p = 16; p >= 1; p--) {
    let s = x.toPrecision(p);
    if (s.includes('e')) s = s.replace(/\.?0+e/, 'e').replace('e+', 'e');
    else if (s.includes('.')) s = s.replace(/\.?0+$/, '');
    if (s.length <= 16) return s;
  }
  throw new SpatialRegistrationError(`Cannot write ${x} as a DS value`);
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const daOf = (d: Date) => `${d.getFullYear()}${pad2(d.getMonth() + 1)}${pad2(d.getDate())}`;
const tmOf = (d: Date) => `${pad2(d.getHours())}${pad2(d.getMinutes())}${pad2(d.getSeconds())}`;

function pnString(pn: PersonNameValue | string | undefined): string {
  if (pn === undefined) return '';
  if (typeof pn === 'string') return pn;
  const groups = [pn.Alphabetic ?? '', pn.Ideographic ?? '', pn.Phonetic ?? ''];
  while (groups.length > 1 && groups[groups.length - 1] === '') groups.pop();
  return groups.join('=');
}

function checkMatrix(m: Matrix4): void {
  if (m.length !== 4 || m.some((r) => r.length !== 4 || r.some((x) => !Number.isFinite(x)))) throw new SpatialRegistrationError('The matrix must be 4×4 finite numbers.');
  const last = m[3]!;
  if (Math.abs(last[0]!) > 1e-9 || Math.abs(last[1]!) > 1e-9 || Math.abs(last[2]!) > 1e-9 || Math.abs(last[3]! - 1) > 1e-9) throw new SpatialRegistrationError('The matrix\'s last row must be [0, 0, 0, 1].');
  // RIGID: the 3×3 part orthonormal with determinant +1 (PS3.3 C.20.2.1.2).
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let dot = 0;
      for (let k = 0; k < 3; k++) dot += m[k]![i]! * m[k]![j]!;
      if (Math.abs(dot - (i === j ? 1 : 0)) > 1e-4) throw new SpatialRegistrationError('The matrix is not rigid (its 3×3 part is not orthonormal).');
    }
}

const IDENTITY16 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
/** Registration Type Code Sequence (CID 7100 RCS Registration Method). */
const CONTENT_BASED = { CodeValue: '125024', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Image Content-based Alignment' };
const VISUAL = { CodeValue: '125021', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Frame of Reference Identity' };

function matrixItem(values: number[], comment: string, code: typeof CONTENT_BASED) {
  return {
    RegistrationTypeCodeSequence: [code],
    FrameOfReferenceTransformationComment: comment,
    MatrixSequence: [{ FrameOfReferenceTransformationMatrix: values.map(formatDs), FrameOfReferenceTransformationMatrixType: 'RIGID' }],
  };
}

/** Writes the Spatial Registration object as a DICOM Part 10 file (explicit VR little endian). */
export function writeSpatialRegistration(input: SpatialRegistrationInput): Uint8Array {
  const { fixed, moving } = input;
  checkMatrix(input.matrix);
  for (const [side, s] of [['fixed', fixed], ['moving', moving]] as const) {
    if (!s.studyInstanceUid || !s.seriesInstanceUid || !s.frameOfReferenceUid) throw new SpatialRegistrationError(`The ${side} series needs its Study, Series and Frame of Reference UIDs.`);
  }
  const sameFrame = fixed.frameOfReferenceUid === moving.frameOfReferenceUid;
  if (sameFrame && moving.instances.length === 0) throw new SpatialRegistrationError('The moving series shares the fixed frame of reference: its instances must be named.');
  const now = input.now ?? new Date();
  const sop = input.sopInstanceUid ?? newUid();
  const seriesUid = input.seriesInstanceUid ?? newUid();
  const movingValues = input.matrix.flat();

  // Each item names its frame and, where known, the images registered by it (Referenced Image Sequence: "may be
  // present otherwise", C.20.2); a moving series in the fixed frame is named by its images alone.
  const imageRefs = (s: RegistrationSeriesRef) =>
    s.instances.length ? { ReferencedImageSequence: s.instances.map((i) => ({ ReferencedSOPClassUID: i.sopClassUid, ReferencedSOPInstanceUID: i.sopInstanceUid })) } : {};
  const movingItem = {
    ...(sameFrame ? {} : { FrameOfReferenceUID: moving.frameOfReferenceUid }),
    ...imageRefs(moving),
    MatrixRegistrationSequence: [matrixItem(movingValues, 'Dokuei rigid registration (Mattes MI): moving to fixed', CONTENT_BASED)],
  };
  const fixedItem = {
    FrameOfReferenceUID: fixed.frameOfReferenceUid,
    ...imageRefs(fixed),
    MatrixRegistrationSequence: [matrixItem(IDENTITY16, 'Registered-to frame (identity)', VISUAL)],
  };

  const seriesRef = (s: RegistrationSeriesRef) => ({
    SeriesInstanceUID: s.seriesInstanceUid,
    ReferencedInstanceSequence: s.instances.map((i) => ({ ReferencedSOPClassUID: i.sopClassUid, ReferencedSOPInstanceUID: i.sopInstanceUid })),
  });
  const sides = fixed.seriesInstanceUid === moving.seriesInstanceUid ? [fixed] : [fixed, moving];
  const inStudy = sides.filter((s) => s.studyInstanceUid === fixed.studyInstanceUid && s.instances.length > 0);
  const otherStudies = new Map<string, RegistrationSeriesRef[]>();
  for (const s of sides) if (s.studyInstanceUid !== fixed.studyInstanceUid && s.instances.length > 0) otherStudies.set(s.studyInstanceUid, [...(otherStudies.get(s.studyInstanceUid) ?? []), s]);

  const ds: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 192',
    // SOP Common
    SOPClassUID: SPATIAL_REGISTRATION_SOP_CLASS,
    SOPInstanceUID: sop,
    InstanceCreationDate: daOf(now),
    InstanceCreationTime: tmOf(now),
    // Patient (the fixed series')
    PatientName: pnString(fixed.patientName),
    PatientID: fixed.patientId ?? '',
    PatientBirthDate: fixed.patientBirthDate ?? '',
    PatientSex: fixed.patientSex ?? '',
    // General Study (the fixed series')
    StudyInstanceUID: fixed.studyInstanceUid,
    StudyDate: fixed.studyDate ?? '',
    StudyTime: fixed.studyTime ?? '',
    ReferringPhysicianName: pnString(fixed.referringPhysicianName),
    StudyID: fixed.studyId ?? '',
    AccessionNumber: fixed.accessionNumber ?? '',
    ...(fixed.studyDescription ? { StudyDescription: fixed.studyDescription } : {}),
    // General Series + Spatial Registration Series
    Modality: 'REG',
    SeriesInstanceUID: seriesUid,
    SeriesNumber: String(input.seriesNumber ?? 9901),
    Laterality: '', // Type 2C (paired body parts): a registration has none
    SeriesDescription: 'Dokuei registration',
    SeriesDate: daOf(now),
    SeriesTime: tmOf(now),
    // Frame of Reference: the registered-to (fixed) frame
    FrameOfReferenceUID: fixed.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    // General Equipment
    Manufacturer: 'Dokuei',
    SoftwareVersions: VERSION,
    // Spatial Registration (Content Identification macro + content date/time)
    InstanceNumber: String(input.instanceNumber ?? 1),
    ContentLabel: (input.label ?? 'RIGID_REG').toUpperCase().replace(/[^A-Z0-9_ ]/g, '_').slice(0, 16),
    ContentDescription: input.description.slice(0, 64),
    ContentCreatorName: input.operator ?? 'DOKUEI^AUTO',
    ContentDate: daOf(now),
    ContentTime: tmOf(now),
    RegistrationSequence: [fixedItem, movingItem],
    // Common Instance Reference
    ...(inStudy.length ? { ReferencedSeriesSequence: inStudy.map(seriesRef) } : {}),
    ...(otherStudies.size
      ? { StudiesContainingOtherReferencedInstancesSequence: [...otherStudies].map(([study, list]) => ({ StudyInstanceUID: study, ReferencedSeriesSequence: list.map(seriesRef) })) }
      : {}),
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SPATIAL_REGISTRATION_SOP_CLASS,
    MediaStorageSOPInstanceUID: sop,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: DOKUEI_IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: DOKUEI_IMPLEMENTATION_VERSION,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return new Uint8Array(dict.write());
}

/**
 * Reads a Spatial Registration object (Part 10 bytes or its DICOM JSON): the registered-to frame, the moving frame
 * and the moving → fixed matrix. The parsing is pure (common/registration/spatialRegistrationReader.ts) so that the
 * viewer applies the registrations it finds in a study with the same code.
 */
export function readSpatialRegistration(source: Uint8Array | DicomJsonDataset): SpatialRegistrationInfo {
  const ds = source instanceof Uint8Array ? part10ToDicomJson(source).dataset : source;
  try {
    return readSpatialRegistrationJson(ds);
  } catch (err) {
    if (err instanceof SpatialRegistrationReadError) throw new SpatialRegistrationError(err.message);
    throw err;
  }
}

/**
 * The registration reference of one series in a folder of DICOM files (the CLI's FIXED_DIR / MOVING_DIR): its
 * UIDs, patient/study attributes and instances. Headers only (our reader); files that are not DICOM are skipped.
 */
export async function seriesRefFromFolder(dir: string, seriesInstanceUid: string): Promise<RegistrationSeriesRef> {
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  await walk(dir);
  const datasets: DicomJsonDataset[] = [];
  for (const f of files.sort()) {
    let ds: DicomJsonDataset;
    try {
      ds = part10ToDicomJson(await fs.readFile(f)).dataset;
    } catch {
      continue;
    }
    if (getString(ds, Tag.SeriesInstanceUID)?.trim() === seriesInstanceUid) datasets.push(ds);
  }
  if (datasets.length === 0) throw new SpatialRegistrationError(`${dir} holds no instance of series ${seriesInstanceUid}.`);
  return seriesRefFromDatasets(seriesInstanceUid, datasets);
}

/**
 * The registration reference of a series from its instances' headers (the CLI's folder, the viewer's local series):
 * every instance is referenced; the first gives the patient and study attributes the object copies.
 */
export function seriesRefFromDatasets(seriesInstanceUid: string, datasets: readonly DicomJsonDataset[]): RegistrationSeriesRef {
  const first = datasets[0];
  if (!first) throw new SpatialRegistrationError(`Series ${seriesInstanceUid} has no instances to reference.`);
  const s = (tag: string) => getString(first, tag)?.trim() || undefined;
  return {
    studyInstanceUid: s(Tag.StudyInstanceUID) ?? '',
    seriesInstanceUid,
    frameOfReferenceUid: s(Tag.FrameOfReferenceUID) ?? '',
    instances: datasets.map((ds): ReferencedSop => ({ sopClassUid: getString(ds, Tag.SOPClassUID)?.trim() ?? '', sopInstanceUid: getString(ds, Tag.SOPInstanceUID)?.trim() ?? '' })),
    patientName: getPersonName(first, Tag.PatientName),
    patientId: s(Tag.PatientID),
    patientBirthDate: s('00100030'),
    patientSex: s('00100040'),
    studyDate: s('00080020'),
    studyTime: s('00080030'),
    studyId: s('00200010'),
    accessionNumber: s('00080050'),
    referringPhysicianName: getPersonName(first, '00080090'),
    studyDescription: s('00081030'),
  };
}
