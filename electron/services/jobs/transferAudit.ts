/**
 * The DICOM Instances Transferred record of one retrieve job: what the node sent into the archive (instances
 * per SOP Class, read back from the archive's index as each instance is stored), the patient, and how it ended.
 * Duplicates count: the node did transfer them, the archive just had them already.
 */
import { instancesTransferred, type AuditContext, type AuditEvent, type PatientRef } from '../../../common/audit/builders';
import { Outcome, type OutcomeIndicator } from '../../../common/audit/codes';
import { patientRefOf, SopClassTally, studyRefOf } from '../../../common/audit/refs';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { RetrieveJob } from '../../../common/dicom/retrieveJob';
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { nodeRefOf } from '../audit/nodeRef';
import type { PacsNode } from '../pacs/pacsNode';
import type { InstanceStore, PutOutcome } from '../store/instanceStore';

export class TransferAudit {
  private readonly tally = new SopClassTally();
  private header: DicomJsonDataset | undefined;
  private patient: PatientRef | undefined;

  constructor(private readonly store: InstanceStore) {}

  add(outcome: PutOutcome | undefined): void {
    if (!outcome) return;
    const md = this.store.instanceMetadata(outcome.study, outcome.series, outcome.instance);
    if (!md) return;
    this.tally.add(getString(md, Tag.SOPClassUID)?.trim());
    this.header ??= md;
    this.patient ??= patientRefOf(md);
  }

  /** The event for the job as it finished; success only when every instance came. */
  event(ctx: AuditContext, job: RetrieveJob, node: PacsNode): AuditEvent {
    const what = `${job.completed} instance(s) retrieved${job.failed ? `, ${job.failed} failed` : ''}`;
    let outcome: OutcomeIndicator = Outcome.Success;
    let description: string | undefined;
    if (job.state === 'cancelled') {
      outcome = Outcome.MinorFailure;
      description = `Cancelled: ${what}`;
    } else if (job.state === 'failed') {
      outcome = job.completed > 0 ? Outcome.MinorFailure : Outcome.SeriousFailure;
      description = `${job.error ?? 'Failed'}: ${what}`;
    } else if (job.failed > 0) {
      outcome = Outcome.MinorFailure;
      description = what;
    }
    return instancesTransferred(ctx, {
      direction: 'retrieve',
      node: nodeRefOf(node),
      studies: [studyRefOf(job.studyInstanceUid, this.header, this.tally.list())],
      patients: this.patient ? [this.patient] : [],
      outcome,
      ...(description !== undefined ? { outcomeDescription: description } : {}),
    });
  }
}
