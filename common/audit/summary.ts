/**
 * What `dokuei audit ls` (and later a UI panel) shows of a stored message, read back from its XML so the
 * listing shows what the record really says, not a side copy that could disagree with it.
 */
import { ObjectRole, ParticipantObjectIdType } from './codes';
import { child, childrenNamed, parseXml, type XmlElement } from './xml';

export interface AuditSummary {
  eventId: string;
  /** The first EventTypeCode's meaning (e.g. "Application Start"), if any. */
  eventType?: string;
  action?: string;
  outcome: number;
  /** The requestor's UserID (the person if one is known, else the application). */
  user?: string;
  patientIds?: string[];
  studyUids?: string[];
}

export function summarizeAuditXml(xml: string): AuditSummary {
  const root = parseXml(xml);
  if (root.name !== 'AuditMessage') throw new Error(`not an AuditMessage but <${root.name}>`);
  const ev = child(root, 'EventIdentification');
  const id = ev && child(ev, 'EventID');
  if (!ev || !id) throw new Error('an AuditMessage without EventIdentification/EventID');
  const summary: AuditSummary = { eventId: id.attrs['csd-code'] ?? '', outcome: Number(ev.attrs.EventOutcomeIndicator ?? NaN) };
  const type = child(ev, 'EventTypeCode');
  if (type?.attrs.originalText) summary.eventType = type.attrs.originalText;
  if (ev.attrs.EventActionCode) summary.action = ev.attrs.EventActionCode;
  const participants = childrenNamed(root, 'ActiveParticipant');
  const requestor = participants.find((p) => p.attrs.UserIsRequestor === 'true') ?? participants[0];
  if (requestor?.attrs.UserID !== undefined) summary.user = requestor.attrs.UserID;
  const objects = childrenNamed(root, 'ParticipantObjectIdentification');
  const ids = (pred: (o: XmlElement) => boolean) => objects.filter(pred).map((o) => o.attrs.ParticipantObjectID ?? '');
  const idType = (o: XmlElement) => child(o, 'ParticipantObjectIDTypeCode')?.attrs['csd-code'];
  const patients = ids((o) => o.attrs.ParticipantObjectTypeCodeRole === String(ObjectRole.Patient));
  const studies = ids((o) => idType(o) === ParticipantObjectIdType.StudyInstanceUid.code);
  if (patients.length) summary.patientIds = patients;
  if (studies.length) summary.studyUids = studies;
  return summary;
}
