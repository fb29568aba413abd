/** The audit record of an accepted SUV correction (SuvCorrections' onCorrection): Instances Accessed, C or U. */
import { suvCorrectionSaved } from '../../../common/audit/builders';
import { patientRefOf, studyRefOf } from '../../../common/audit/refs';
import type { AuditSink } from '../audit/auditSink';
import type { SuvCorrectionsOptions } from './corrections';

export function suvCorrectionRecorder(audit: AuditSink): NonNullable<SuvCorrectionsOptions['onCorrection']> {
  return (accepted, { header, created }) =>
    audit.record((ctx) =>
      suvCorrectionSaved(ctx, {
        study: studyRefOf(accepted.studyInstanceUid, header),
        patient: patientRefOf(header),
        created,
        // Which input changed and why, not its value (the trail has no place for clinical values).
        outcomeDescription: `SUV correction saved: ${accepted.field} of series ${accepted.seriesInstanceUid} by ${accepted.user} (${accepted.reason})`,
      }),
    );
}
