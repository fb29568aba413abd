/**
 * The DICOM Instances Transferred record of a STOW-RS request into the archive: per study, the instances
 * stored (per SOP Class, from the archive's index) and its patient; a minor failure when some parts were
 * refused, a serious one when none was stored. A request that stored nothing and refused nothing (an empty or
 * malformed body) transferred nothing and is not recorded.
 */
import { instancesTransferred, type PatientRef, type StudyRef } from '../../../common/audit/builders';
import { Outcome, type OutcomeIndicator } from '../../../common/audit/codes';
import { patientRefOf, SopClassTally, studyRefOf } from '../../../common/audit/refs';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import type { AuditSink } from '../audit/auditSink';
import type { InstanceStore, PutOutcome } from '../store/instanceStore';

/** Who sends STOW-RS to the data plane: the viewer (the gateway is reachable by nothing else). */
export const STOW_CLIENT = 'STOW-RS client of the data plane';

export class StowAudit {
  private readonly studies = new Map<string, { tally: SopClassTally; header: DicomJsonDataset }>();
  private count = 0;

  constructor(private readonly store: InstanceStore) {}

  stored(outcome: PutOutcome): void {
    this.count++;
    const md = this.store.instanceMetadata(outcome.study, outcome.series, outcome.instance);
    if (!md) return;
    let entry = this.studies.get(outcome.study);
    if (!entry) this.studies.set(outcome.study, (entry = { tally: new SopClassTally(), header: md }));
    entry.tally.add(getString(md, Tag.SOPClassUID)?.trim());
  }

  record(audit: AuditSink, ourBase: string, failed: number, requestError?: string): void {
    if (this.count === 0 && failed === 0) return;
    const studies: StudyRef[] = [];
    const patients = new Map<string, PatientRef>();
    for (const [uid, { tally, header }] of this.studies) {
      studies.push(studyRefOf(uid, header, tally.list()));
      const p = patientRefOf(header);
      if (p && !patients.has(p.id)) patients.set(p.id, p);
    }
    const outcome: OutcomeIndicator = failed === 0 && !requestError ? Outcome.Success : this.count > 0 ? Outcome.MinorFailure : Outcome.SeriousFailure;
    const why = [failed ? `${failed} part(s) refused` : '', requestError ?? ''].filter(Boolean).join('; ');
    audit.record((ctx) =>
      instancesTransferred(ctx, {
        direction: 'retrieve',
        // The data plane's URL where it arrived: the client has no address of its own that the gateway sees.
        node: { name: `${STOW_CLIENT} (${ourBase}/studies)` },
        studies,
        patients: [...patients.values()],
        outcome,
        ...(why ? { outcomeDescription: why } : {}),
      }),
    );
  }
}
