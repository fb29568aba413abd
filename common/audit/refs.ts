/**
 * The patient and study of an audit message, taken from DICOM JSON headers (the archive's index, a node's
 * metadata answer, a file read): one place that knows which attributes name them.
 */
import type { SopClassCount } from './auditMessage';
import type { PatientRef, StudyRef } from './builders';
import { formatPersonName, getPersonName, getString, type DicomJsonDataset } from '../dicom/dicomJson';
import { Tag } from '../dicom/tags';

/** The patient of a header, or undefined when it names none (the audit message needs an ID). */
export function patientRefOf(ds: DicomJsonDataset | undefined): PatientRef | undefined {
  if (!ds) return undefined;
  const id = getString(ds, Tag.PatientID)?.trim();
  if (id === undefined) return undefined;
  const name = formatPersonName(getPersonName(ds, Tag.PatientName)).trim();
  return name ? { id, name } : { id };
}

/** Instances per SOP Class, counting each given SOP Class UID once per occurrence. */
export class SopClassTally {
  private readonly counts = new Map<string, number>();

  add(sopClassUid: string | undefined, n = 1): void {
    if (!sopClassUid) return;
    this.counts.set(sopClassUid, (this.counts.get(sopClassUid) ?? 0) + n);
  }

  addDatasets(datasets: Iterable<DicomJsonDataset>): this {
    for (const ds of datasets) this.add(getString(ds, Tag.SOPClassUID)?.trim());
    return this;
  }

  get size(): number {
    return this.counts.size;
  }

  list(): SopClassCount[] {
    return [...this.counts].map(([uid, numberOfInstances]) => ({ uid, numberOfInstances }));
  }
}

/** A study reference: the UID, the accession number from a header of it, and instances per SOP Class if known. */
export function studyRefOf(uid: string, header?: DicomJsonDataset, sopClasses?: SopClassCount[]): StudyRef {
  const ref: StudyRef = { uid };
  const accession = header && getString(header, Tag.AccessionNumber)?.trim();
  if (accession) ref.accession = accession;
  if (sopClasses?.length) ref.sopClasses = sopClasses;
  return ref;
}
