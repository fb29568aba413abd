/**
 * "Study opened in the viewer" records: DICOM Instances Accessed (action R) the first time the viewer reads a
 * study's images or their metadata through the gateway, once per study for the life of the gateway (one per
 * services instance, so per app session): a viewer reads metadata and hundreds of frames per series, and the
 * trail needs the fact that the study was looked at, not every request.
 *
 * The patient comes from the instance metadata: the archive's index, or the node's metadata answer for a study
 * not stored yet. A study whose metadata is not known yet is not marked: the next read with metadata records it.
 */
import { studyOpened } from '../../../common/audit/builders';
import { patientRefOf, studyRefOf } from '../../../common/audit/refs';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { StudyInstanceUid } from '../../../common/dicom/uid';
import type { AuditSink } from '../audit/auditSink';
import type { InstanceStore } from '../store/instanceStore';

export class StudyAccessAudit {
  private readonly recorded = new Set<string>();

  constructor(
    private readonly audit: AuditSink | undefined,
    private readonly store: InstanceStore,
  ) {}

  /** The study was read; `header` is an instance's metadata when the caller has it (else the archive's). */
  read(study: StudyInstanceUid, header?: DicomJsonDataset): void {
    if (!this.audit || this.recorded.has(study)) return;
    const md = header ?? this.store.instances(study)?.[0];
    const patient = patientRefOf(md);
    if (!patient) return;
    this.recorded.add(study);
    this.audit.record((ctx) => studyOpened(ctx, { study: studyRefOf(study, md), patient }));
  }
}
