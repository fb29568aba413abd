/**
 * The viewer's measurements and key images saved into the local archive as DICOM (issue #19): a new version of
 * the study's "Dokuei measurements" SR (TID 1500, Comprehensive 3D SR) or of its "Dokuei key images" Key Object
 * Selection document for one title. Versions share one series per study and kind, numbered on (common/sr/
 * studyDocuments.ts says why an SR is never rewritten in place). The archive's put is crash-safe (journal, fsync),
 * so a version is either whole in the archive or absent.
 *
 * The renderer sends only the saved model (common/sr/savedMeasurements.ts); patient and study attributes, SOP
 * classes and frames of reference come from the archived headers, so what the renderer sends cannot put another
 * patient's name into the study.
 */
import { randomUUID } from 'node:crypto';
import { getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { SeriesInstanceUid, StudyInstanceUid } from '../../../common/dicom/uid';
import { Tag } from '../../../common/dicom/tags';
import { exportInstances, instancesAccessed } from '../../../common/audit/builders';
import { patientRefOf, studyRefOf } from '../../../common/audit/refs';
import { currentKeyObjects, DOKUEI_KEY_IMAGES_SERIES, DOKUEI_MEASUREMENTS_SERIES, readKeyObject } from '../../../common/sr/studyDocuments';
import { KEY_IMAGE_TITLES, type KeyImageTitle, type SavedImageRef, type SavedMeasurement } from '../../../common/sr/savedMeasurements';
import type { AuditSink } from '../audit/auditSink';
import type { InstanceStore } from '../store/instanceStore';
import { personNameOf } from '../identity/userName';
import { writeMeasurementReport, type ReportImage, type ReportPredecessor } from './measurementReportWriter';
import { KEY_OBJECT_SELECTION_SOP_CLASS, NoKeyImagesError, writeKeyObjectSelection, writeRejectionNote } from './keyObjectWriter';

/** The study is not in the local archive, or an image a measurement is on is not: nothing to reference. */
export class ReportNotLocalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportNotLocalError';
  }
}

export interface SavedDocument {
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

/** PS3.5 B.2: a UID from a UUID, as the rest of the services make new UIDs. */
function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}

const str = (ds: DicomJsonDataset | undefined, tag: string) => (ds ? getString(ds, tag)?.trim() || undefined : undefined);

interface LocalStudy {
  /** SOP Instance UID → its archived header. */
  bySop: Map<string, DicomJsonDataset>;
  /** A header of an image of the study: the patient and study attributes the document copies. */
  header: DicomJsonDataset;
}

function localStudy(store: InstanceStore, study: string): LocalStudy {
  const all = store.instances(study as StudyInstanceUid);
  if (!all || all.length === 0) throw new ReportNotLocalError(`Study ${study} is not in the local archive: retrieve it first, then save.`);
  const bySop = new Map<string, DicomJsonDataset>();
  for (const ds of all) {
    const sop = str(ds, Tag.SOPInstanceUID);
    if (sop) bySop.set(sop, ds);
  }
  return { bySop, header: studyHeader(all)! };
}

/** The header a document or audit record takes patient and study from: an image's (a document of ours carries the
 * same patient, but an image is what the study is), else the first instance's. */
function studyHeader(all: readonly DicomJsonDataset[]): DicomJsonDataset | undefined {
  return all.find((ds) => !['SR', 'KO', 'PR', 'REG', 'SEG', 'DOC'].includes(str(ds, Tag.Modality) ?? '')) ?? all[0];
}

/** The referenced image as the archive knows it (series, class, frame of reference). */
function imageOf(local: LocalStudy, ref: SavedImageRef): ReportImage {
  const ds = local.bySop.get(ref.sopInstanceUid);
  if (!ds) throw new ReportNotLocalError(`Image ${ref.sopInstanceUid} is not in the local archive's copy of the study: retrieve the study first, then save.`);
  const sopClassUid = str(ds, Tag.SOPClassUID) ?? ref.sopClassUid;
  const seriesInstanceUid = str(ds, Tag.SeriesInstanceUID) ?? ref.seriesInstanceUid;
  if (!sopClassUid || !seriesInstanceUid) throw new ReportNotLocalError(`Image ${ref.sopInstanceUid} has no SOP class or series in the archive.`);
  const frameOfReferenceUid = str(ds, Tag.FrameOfReferenceUID);
  return { sopClassUid, sopInstanceUid: ref.sopInstanceUid, seriesInstanceUid, ...(ref.frame ? { frame: ref.frame } : {}), ...(frameOfReferenceUid ? { frameOfReferenceUid } : {}) };
}

/** The UIDs and numbers of a new version of the viewer's document of this kind (the writers' frame fields). */
function newVersion(store: InstanceStore, study: string, seriesDescription: string, modality: string, now: Date | undefined) {
  const { seriesInstanceUid, instanceNumber } = seriesFor(store, study, seriesDescription, modality);
  return { sopInstanceUid: newUid(), seriesInstanceUid, seriesDescription, instanceNumber, ...(now ? { now } : {}) };
}

/** Puts a written version into the archive and audits it; what the caller answers. */
async function putVersion(store: InstanceStore, bytes: Uint8Array, version: { sopInstanceUid: string; seriesInstanceUid: string }, audit: AuditSink | undefined, study: string, header: DicomJsonDataset, what: string): Promise<SavedDocument> {
  await store.put(bytes);
  record(audit, study, header, what);
  return { sopInstanceUid: version.sopInstanceUid, studyInstanceUid: study, seriesInstanceUid: version.seriesInstanceUid };
}

/** The study's series of this kind of document (its UID and the next instance number), or a new one. */
function seriesFor(store: InstanceStore, study: string, description: string, modality: string): { seriesInstanceUid: string; instanceNumber: number } {
  const found = (store.series(study as StudyInstanceUid) ?? []).find((s) => str(s, '0008103E') === description && str(s, Tag.Modality) === modality);
  const uid = str(found, Tag.SeriesInstanceUID);
  if (!uid) return { seriesInstanceUid: newUid(), instanceNumber: 1 };
  const numbers = (store.instances(study as StudyInstanceUid, uid as SeriesInstanceUid) ?? []).map((ds) => Number(str(ds, '00200013') ?? 0) || 0);
  return { seriesInstanceUid: uid, instanceNumber: Math.max(0, ...numbers) + 1 };
}

function record(audit: AuditSink | undefined, study: string, header: DicomJsonDataset, what: string): void {
  audit?.record((ctx) => instancesAccessed(ctx, { action: 'C', study: studyRefOf(study, header), patient: patientRefOf(header), what }));
}

export interface SaveOptions {
  audit?: AuditSink;
  /** Who saves (services/identity/userName): the documents' Person Observer Name. "unknown^unknown" when not given. */
  observer?: string;
}

const observerOf = (options: SaveOptions) => (options.observer ? { observerName: personNameOf(options.observer) } : {});

export interface SaveMeasurementsRequest {
  studyInstanceUid: string;
  measurements: readonly SavedMeasurement[];
  /** SOP Instance UIDs of the SRs this version includes; those not in the archive are left out of the sequence. */
  predecessors: readonly string[];
  now?: Date;
}

export async function saveMeasurements(store: InstanceStore, request: SaveMeasurementsRequest, options: SaveOptions = {}): Promise<SavedDocument> {
  const study = request.studyInstanceUid;
  const local = localStudy(store, study);
  const images = new Map<string, ReportImage>();
  const measurements = request.measurements.map((m) => {
    if (!m.image) return m;
    const image = imageOf(local, m.image);
    images.set(`${image.sopInstanceUid}/${image.frame ?? ''}`, image);
    return { ...m, image: { sopClassUid: image.sopClassUid, sopInstanceUid: image.sopInstanceUid, seriesInstanceUid: image.seriesInstanceUid, ...(image.frame ? { frame: image.frame } : {}) } };
  });
  const predecessors: ReportPredecessor[] = [];
  for (const sop of new Set(request.predecessors)) {
    const ds = local.bySop.get(sop);
    const series = str(ds, Tag.SeriesInstanceUID);
    const cls = str(ds, Tag.SOPClassUID);
    if (series && cls) predecessors.push({ studyInstanceUid: study, seriesInstanceUid: series, sopClassUid: cls, sopInstanceUid: sop });
  }
  const version = newVersion(store, study, DOKUEI_MEASUREMENTS_SERIES, 'SR', request.now);
  const bytes = writeMeasurementReport({ header: local.header, measurements, images: [...images.values()], predecessors, ...observerOf(options), ...version });
  return putVersion(store, bytes, version, options.audit, study, local.header, `Measurements saved (${measurements.length})`);
}

export interface SaveKeyImagesRequest {
  studyInstanceUid: string;
  title: KeyImageTitle;
  images: readonly SavedImageRef[];
  description?: string;
  now?: Date;
}

/**
 * A new version of the viewer's key image document for the title. With no images (the reader unmarked the title's
 * last one), a rejection note of the title's current versions instead: a KO cannot select nothing
 * (common/sr/studyDocuments.ts). NoKeyImagesError when there is nothing saved under the title to unmark.
 */
export async function saveKeyImages(store: InstanceStore, request: SaveKeyImagesRequest, options: SaveOptions = {}): Promise<SavedDocument> {
  const study = request.studyInstanceUid;
  const local = localStudy(store, study);
  if (request.images.length === 0) return unmarkTitle(store, local, request, options);
  const images = request.images.map((ref) => imageOf(local, ref));
  const version = newVersion(store, study, DOKUEI_KEY_IMAGES_SERIES, 'KO', request.now);
  const bytes = writeKeyObjectSelection({
    header: local.header,
    title: request.title,
    images,
    ...(request.description?.trim() ? { description: request.description.trim() } : {}),
    ...observerOf(options),
    ...version,
  });
  return putVersion(store, bytes, version, options.audit, study, local.header, `Key images saved (${images.length})`);
}

/** The title's key images unmarked: its current documents (the viewer's, in the archive) rejected by a new note. */
async function unmarkTitle(store: InstanceStore, local: LocalStudy, request: SaveKeyImagesRequest, options: SaveOptions): Promise<SavedDocument> {
  const study = request.studyInstanceUid;
  const ours = (store.series(study as StudyInstanceUid) ?? []).filter((s) => str(s, '0008103E') === DOKUEI_KEY_IMAGES_SERIES && str(s, Tag.Modality) === 'KO');
  const docs = ours.flatMap((s) => (store.instances(study as StudyInstanceUid, str(s, Tag.SeriesInstanceUID) as SeriesInstanceUid) ?? []).flatMap((ds) => readKeyObject(ds) ?? []));
  const current = currentKeyObjects(docs).filter((d) => d.dokuei && d.titleId === request.title);
  const title = KEY_IMAGE_TITLES[request.title]?.meaning ?? request.title;
  if (current.length === 0) throw new NoKeyImagesError(`There are no saved key images under "${title}" to unmark`);
  const version = newVersion(store, study, DOKUEI_KEY_IMAGES_SERIES, 'KO', request.now);
  const bytes = writeRejectionNote({
    header: local.header,
    rejected: current.map((d) => ({ sopClassUid: d.sopClassUid ?? KEY_OBJECT_SELECTION_SOP_CLASS, sopInstanceUid: d.sopInstanceUid, seriesInstanceUid: d.seriesInstanceUid })),
    description: `Key images unmarked: ${title}`,
    ...observerOf(options),
    ...version,
  });
  return putVersion(store, bytes, version, options.audit, study, local.header, `Key images unmarked (${title})`);
}

/**
 * The study's measurements exported as a CSV file (the renderer writes it: a browser download, or where Electron
 * asks): an Export event (A.5.3.4) naming the file, the study and its patient when the archive holds the study.
 * False when there is no audit trail to record it in.
 */
export function recordCsvExport(store: InstanceStore, request: { studyInstanceUid: string; fileName: string; rows: number }, options: { audit?: AuditSink } = {}): boolean {
  if (!options.audit) return false;
  const header = studyHeader(store.instances(request.studyInstanceUid as StudyInstanceUid) ?? []);
  const patient = patientRefOf(header);
  options.audit.record((ctx) =>
    exportInstances(ctx, {
      destination: `download:${request.fileName}`,
      studies: [studyRefOf(request.studyInstanceUid, header)],
      patients: patient ? [patient] : [],
      outcomeDescription: `Measurements exported as CSV (${request.rows} rows)`,
    }),
  );
  return true;
}
