/**
 * The Import audit record of `dokuei import`: which studies and patients the import added to the archive,
 * with the number of new instances per SOP Class, found by comparing the archive before and after.
 */
import { importInstances, type AuditContext, type AuditEvent, type PatientRef, type StudyRef } from '../../common/audit/builders';
import { Outcome } from '../../common/audit/codes';
import { getString } from '../../common/dicom/dicomJson';
import { studyFromDicomJson } from '../../common/dicom/model';
import { Tag } from '../../common/dicom/tags';
import { studyUid } from '../../common/dicom/uid';
import type { EncryptedArchive } from '../services/archive/encryptedArchive';
import type { ImportOutcome } from '../services/store/importPaths';

/** Instances per study and SOP Class: `<study>\0<sop class>` → count. */
export type ArchiveCensus = Map<string, number>;

export function archiveCensus(archive: EncryptedArchive): ArchiveCensus {
  const census: ArchiveCensus = new Map();
  for (const st of archive.studies()) {
    const uid = getString(st, Tag.StudyInstanceUID);
    if (!uid) continue;
    for (const md of archive.instances(studyUid(uid)) ?? []) {
      const key = `${uid}\0${getString(md, Tag.SOPClassUID) ?? ''}`;
      census.set(key, (census.get(key) ?? 0) + 1);
    }
  }
  return census;
}

/** The Import event for an import whose archive census went from `before` to `after` (none if nothing came in). */
export function importAuditEvent(ctx: AuditContext, archive: EncryptedArchive, before: ArchiveCensus, after: ArchiveCensus, sources: readonly string[], result: ImportOutcome): AuditEvent | undefined {
  const added = new Map<string, { uid: string; numberOfInstances: number }[]>();
  for (const [key, n] of after) {
    const delta = n - (before.get(key) ?? 0);
    if (delta <= 0) continue;
    const [study, sopClass] = key.split('\0') as [string, string];
    const list = added.get(study) ?? [];
    list.push({ uid: sopClass, numberOfInstances: delta });
    added.set(study, list);
  }
  if (added.size === 0 && result.failed.length === 0) return undefined;
  const studies: StudyRef[] = [];
  const patients = new Map<string, PatientRef>();
  for (const st of archive.studies()) {
    const s = studyFromDicomJson(st);
    const sopClasses = s && added.get(s.studyInstanceUid);
    if (!s || !sopClasses) continue;
    const ref: StudyRef = { uid: s.studyInstanceUid, sopClasses };
    if (s.accessionNumber) ref.accession = s.accessionNumber;
    studies.push(ref);
    if (!patients.has(s.patientId)) patients.set(s.patientId, s.patientNameText ? { id: s.patientId, name: s.patientNameText } : { id: s.patientId });
  }
  const outcome = result.failed.length === 0 ? Outcome.Success : Outcome.MinorFailure;
  const event = { source: sources.join(', '), studies, patients: [...patients.values()], outcome };
  // English whatever the reader's language: the description is part of the hash-chained audit record that audit
  // repositories read, not a message for the person at the terminal.
  return importInstances(ctx, result.failed.length ? { ...event, outcomeDescription: `${result.failed.length} file(s) could not be imported` } : event);
}
