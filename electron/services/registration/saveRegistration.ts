/**
 * Saves a fusion's transform (overlay → base) as a DICOM Spatial Registration object in the local archive, in the
 * base series' study (issue #8 "Persistence"): the viewer's "Save registration". Both series must be local: their
 * instances are what the object references, and their headers give its patient and study.
 */
import { getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { SeriesInstanceUid, StudyInstanceUid } from '../../../common/dicom/uid';
import { Tag } from '../../../common/dicom/tags';
import type { Matrix4 } from '../../../common/registration';
import type { InstanceStore } from '../store/instanceStore';
import { registrationSaved } from '../../../common/audit/builders';
import { patientRefOf, studyRefOf } from '../../../common/audit/refs';
import type { AuditSink } from '../audit/auditSink';
import { newUid, seriesRefFromDatasets, SpatialRegistrationError, writeSpatialRegistration, type RegistrationSeriesRef } from './spatialRegistration';

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
  const s = (tag: string) => getString(list[0]!, tag)?.trim() || undefined;
  if (!s(Tag.FrameOfReferenceUID)) throw new SpatialRegistrationError(`The ${side} series has no Frame of Reference UID: a registration cannot refer to it.`);
  return { ...seriesRefFromDatasets(key.seriesInstanceUid, list), studyInstanceUid: key.studyInstanceUid, description: s('0008103E') ?? key.seriesInstanceUid };
}

/** A registration stored: DICOM Instances Accessed (action C) in the base series' study. */
export function recordRegistrationSaved(audit: AuditSink | undefined, studyInstanceUid: string, header: DicomJsonDataset | undefined): void {
  audit?.record((ctx) => registrationSaved(ctx, { study: studyRefOf(studyInstanceUid, header), patient: patientRefOf(header), created: true }));
}

export async function saveRegistration(store: InstanceStore, request: SaveRegistrationRequest, options: { audit?: AuditSink } = {}): Promise<SavedRegistration> {
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
  const header = store.instances(fixed.studyInstanceUid as StudyInstanceUid, request.fixed.seriesInstanceUid as SeriesInstanceUid)?.[0];
  recordRegistrationSaved(options.audit, fixed.studyInstanceUid, header);
  return { sopInstanceUid, studyInstanceUid: fixed.studyInstanceUid, seriesInstanceUid };
}
