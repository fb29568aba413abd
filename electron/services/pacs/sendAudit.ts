/**
 * The DICOM Instances Transferred record of a send to a node (STOW-RS or C-STORE): the instances asked for,
 * per SOP Class, from the archive's index; success when the node stored them all, a minor failure when some
 * were refused, a serious failure when none went (or the upload failed as a whole).
 */
import { instancesTransferred } from '../../../common/audit/builders';
import { Outcome, type OutcomeIndicator } from '../../../common/audit/codes';
import { patientRefOf, SopClassTally, studyRefOf } from '../../../common/audit/refs';
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import type { StudyInstanceUid } from '../../../common/dicom/uid';
import type { AuditSink } from '../audit/auditSink';
import { nodeRefOf } from '../audit/nodeRef';
import type { InstanceStore } from '../store/instanceStore';
import type { PacsNode } from './pacsNode';
import type { SendRequest, SendResult } from './sendInstances';

export function recordSend(audit: AuditSink, node: PacsNode, store: InstanceStore, request: SendRequest, result: SendResult | undefined, error?: unknown): void {
  const wanted = new Set(request.sopInstanceUids);
  const sent = new Set(result?.sent ?? []);
  const instances = (store.instances(request.studyInstanceUid as StudyInstanceUid) ?? []).filter((ds) => wanted.has(getString(ds, Tag.SOPInstanceUID)?.trim() ?? ''));
  // Instances per SOP Class of what reached the node (all asked for when nothing did: what was attempted).
  const counted = sent.size ? instances.filter((ds) => sent.has(getString(ds, Tag.SOPInstanceUID)?.trim() ?? '')) : instances;
  const header = instances[0];
  const patient = patientRefOf(header);
  let outcome: OutcomeIndicator = Outcome.Success;
  let description: string | undefined;
  if (error !== undefined) {
    outcome = Outcome.SeriousFailure;
    description = error instanceof Error ? error.message : String(error);
  } else if (result && result.failed.length > 0) {
    outcome = result.sent.length > 0 ? Outcome.MinorFailure : Outcome.SeriousFailure;
    description = `${result.sent.length} of ${result.sent.length + result.failed.length} instance(s) stored by ${result.nodeName}`;
  }
  audit.record((ctx) =>
    instancesTransferred(ctx, {
      direction: 'send',
      node: nodeRefOf(node),
      studies: [studyRefOf(request.studyInstanceUid, header, new SopClassTally().addDatasets(counted).list())],
      patients: patient ? [patient] : [],
      outcome,
      ...(description !== undefined ? { outcomeDescription: description } : {}),
    }),
  );
}
