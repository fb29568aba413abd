/**
 * The Security Alerts of our C-STORE SCP (its onSecurityAlert): an association refused (an unknown caller, a
 * wrong address) is a failed node authentication; an instance refused names the study it belonged to.
 */
import { securityAlert } from '../../../../common/audit/builders';
import { EventTypeCode, Outcome } from '../../../../common/audit/codes';
import type { AuditSink } from '../../audit/auditSink';
import type { ScpSecurityAlert } from './storeScp';

export function scpAlertRecorder(audit: AuditSink | undefined): ((alert: ScpSecurityAlert) => void) | undefined {
  if (!audit) return undefined;
  return (a) =>
    audit.record((ctx) =>
      securityAlert(ctx, {
        type: a.kind === 'association-refused' ? EventTypeCode.NodeAuthentication : EventTypeCode.UseOfRestrictedFunction,
        subject: `dicom://${a.callingAe}@${a.address}`,
        description:
          a.kind === 'association-refused'
            ? `Association refused from calling AE "${a.callingAe}" at ${a.address}: ${a.reason}`
            : `Instance ${a.sopInstanceUid}${a.studyInstanceUid ? ` of study ${a.studyInstanceUid}` : ''} refused from "${a.callingAe}" at ${a.address}: ${a.reason}`,
        outcome: Outcome.MinorFailure,
      }),
    );
}
