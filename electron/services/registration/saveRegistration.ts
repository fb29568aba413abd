/**
 * Saves a fusion's transform (overlay → base) as a DICOM Spatial Registration object in the local archive, in the
 * base series' study (issue #8 "Persistence"): the viewer's "Save registration". Both series must be local: their
 * instances are what the object references, and their headers give its patient and study.
 */
import { getPersonName, getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { SeriesInstanceUid, StudyInstanceUid } from '../../../common/dicom/uid';
import { Tag } from '../../../common/dicom/tags';
import type { Matrix4 } from '../../../common/registration';
import type { InstanceStore } from '../store/instanceStore';
import { newUid, SpatialRegistrationError, writeSpatialRegistration, type RegistrationSeriesRef } from './spatialRegistration';

export interface SeriesKey {
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

export interface SaveRegistrationRequest {
  /** The base (registered-to) series. */
  fixed: SeriesKey;
  /** The overlay (moving) series. */
  moving: SeriesKey;
  /** Moving → fixed patient mm, 4×4 row-major. */
  matrix: Matrix4;
  description?: string;
  operator?: string;
}

export interface SavedRegistration {
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

/** A series is not in the local archive: nothing to reference. */
export class RegistrationSeriesNotLocalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistrationSeriesNotLocalError';
  }
}

function seriesRef(store: InstanceStore, key: SeriesKey, side: string): RegistrationSeriesRef & { description: string } {
  const list = store.instances(key.studyInstanceUid as StudyInstanceUid, key.seriesInstanceUid as SeriesInstanceUid) ?? [];
  if (list.length === 0) throw new RegistrationSeriesNotLocalError(`The ${side} series ${key.seriesInstanceUid} is not in the local archive: retrieve it first, then save the registration.`);
  const first: DicomJsonDataset = list[0]!;
  const s = (tag: string) => getString(first, tag)?.trim() || undefined;
  const frameOfReferenceUid = s(Tag.FrameOfReferenceUID);
  if (!frameOfReferenceUid) throw new SpatialRegistrationError(`The ${side} series has no Frame of Reference UID: a registration cannot refer to it.`);
  return {
    studyInstanceUid: key.studyInstanceUid,
    seriesInstanceUid: key.seriesInstanceUid,
    frameOfReferenceUid,
    instances: list.map((ds) => ({ sopClassUid: getString(ds, Tag.SOPClassUID)?.trim() ?? '', sopInstanceUid: getString(ds, Tag.SOPInstanceUID)?.trim() ?? '' })),
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
    description: s('0008103E') ?? key.seriesInstanceUid,
  };
}

export async function saveRegistration(store: InstanceStore, request: SaveRegistrationRequest): Promise<SavedRegistration> {
  const fixed = seriesRef(store, request.fixed, 'base');
  const moving = seriesRef(store, request.moving, 'overlay');
  const sopInstanceUid = newUid();
  const seriesInstanceUid = newUid();
  const bytes = writeSpatialRegistration({
    fixed,
    moving,
    matrix: request.matrix,
    description: request.description?.trim() || `${moving.description} to ${fixed.description}`,
    ...(request.operator ? { operator: request.operator } : {}),
    sopInstanceUid,
    seriesInstanceUid,
  });
  await store.put(bytes);
  return { sopInstanceUid, studyInstanceUid: fixed.studyInstanceUid, seriesInstanceUid };
}
