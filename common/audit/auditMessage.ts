/**
 * A DICOM Audit Message (PS3.15 A.5.1, the RFC 3881-derived schema) as data, and its XML. The element order
 * follows the schema: EventIdentification, ActiveParticipant+, AuditSourceIdentification,
 * ParticipantObjectIdentification*; inside an object, the ID type code, then its name or its query, then
 * details and the description.
 */
import { AUDIT_SOURCE_TYPE_WORKSTATION, type CodedValue, type OutcomeIndicator } from './codes';
import { textToBase64 } from './base64';
import { escapeXmlAttr, escapeXmlText } from './xml';

export type EventActionCode = 'C' | 'R' | 'U' | 'D' | 'E';

export interface ActiveParticipant {
  userId: string;
  alternativeUserId?: string;
  userName?: string;
  userIsRequestor: boolean;
  roles?: CodedValue[];
  networkAccessPointId?: string;
  /** RFC 3881: 1 machine name, 2 IP address, 5 URI. */
  networkAccessPointTypeCode?: 1 | 2 | 5;
  /** A MediaIdentifier's MediaType (Import/Export media). */
  mediaType?: CodedValue;
}

export interface SopClassCount {
  uid: string;
  numberOfInstances: number;
}

export interface ParticipantObject {
  id: string;
  /** RFC 3881: 1 person, 2 system object. */
  typeCode: number;
  /** RFC 3881: 1 patient, 3 report, 13 security resource, 24 query, … */
  typeCodeRole: number;
  idTypeCode: CodedValue;
  /** Written as ParticipantObjectName; without a name or a query, the ID is written there (the schema needs one). */
  name?: string;
  /** The query as issued; written base64-encoded (UTF-8). Exclusive with `name`, as in the schema. */
  query?: string;
  /** ParticipantObjectDetail type/value pairs; the value is written base64-encoded (xs:base64Binary). */
  details?: { type: string; value: string }[];
  sopClasses?: SopClassCount[];
  accessions?: string[];
}

export interface AuditMessage {
  eventId: CodedValue;
  action: EventActionCode;
  /** ISO 8601 UTC, e.g. 2025-01-31T09:30:00.000Z. */
  dateTime: string;
  outcome: OutcomeIndicator;
  outcomeDescription?: string;
  eventTypes?: CodedValue[];
  participants: ActiveParticipant[];
  auditSourceId: string;
  auditEnterpriseSiteId?: string;
  objects?: ParticipantObject[];
}

const attr = (name: string, value: string | number | boolean | undefined): string => (value === undefined ? '' : ` ${name}="${escapeXmlAttr(String(value))}"`);

function coded(element: string, c: CodedValue): string {
  return `<${element}${attr('csd-code', c.code)}${attr('codeSystemName', c.system)}${attr('originalText', c.meaning)}/>`;
}

function participantXml(p: ActiveParticipant): string {
  const head =
    `<ActiveParticipant${attr('UserID', p.userId)}${attr('AlternativeUserID', p.alternativeUserId)}${attr('UserName', p.userName)}` +
    `${attr('UserIsRequestor', p.userIsRequestor)}${attr('NetworkAccessPointID', p.networkAccessPointId)}${attr('NetworkAccessPointTypeCode', p.networkAccessPointTypeCode)}>`;
  const roles = (p.roles ?? []).map((r) => coded('RoleIDCode', r)).join('');
  const media = p.mediaType ? `<MediaIdentifier>${coded('MediaType', p.mediaType)}</MediaIdentifier>` : '';
  return `${head}${roles}${media}</ActiveParticipant>`;
}

function objectXml(o: ParticipantObject): string {
  let xml = `<ParticipantObjectIdentification${attr('ParticipantObjectID', o.id)}${attr('ParticipantObjectTypeCode', o.typeCode)}${attr('ParticipantObjectTypeCodeRole', o.typeCodeRole)}>`;
  xml += coded('ParticipantObjectIDTypeCode', o.idTypeCode);
  if (o.query !== undefined) xml += `<ParticipantObjectQuery>${textToBase64(o.query)}</ParticipantObjectQuery>`;
  // The schema requires a name or a query (CP-2399 made the choice mandatory); an object with no name of its
  // own (a study, a patient whose name is not known, a URI) is named by its ID, as IPF names study objects.
  else xml += `<ParticipantObjectName>${escapeXmlText(o.name ?? o.id)}</ParticipantObjectName>`;
  for (const d of o.details ?? []) xml += `<ParticipantObjectDetail${attr('type', d.type)}${attr('value', textToBase64(d.value))}/>`;
  if (o.sopClasses?.length || o.accessions?.length) {
    xml += '<ParticipantObjectDescription>';
    for (const a of o.accessions ?? []) xml += `<Accession${attr('Number', a)}/>`;
    for (const s of o.sopClasses ?? []) xml += `<SOPClass${attr('UID', s.uid)}${attr('NumberOfInstances', s.numberOfInstances)}/>`;
    xml += '</ParticipantObjectDescription>';
  }
  return `${xml}</ParticipantObjectIdentification>`;
}

/** The message as one XML element (no declaration: records are stored one per message; export adds it). */
export function renderAuditMessage(m: AuditMessage): string {
  if (m.participants.length === 0) throw new Error('An audit message needs at least one active participant');
  let xml = '<AuditMessage>';
  xml += `<EventIdentification${attr('EventActionCode', m.action)}${attr('EventDateTime', m.dateTime)}${attr('EventOutcomeIndicator', m.outcome)}>`;
  xml += coded('EventID', m.eventId);
  for (const t of m.eventTypes ?? []) xml += coded('EventTypeCode', t);
  if (m.outcomeDescription !== undefined) xml += `<EventOutcomeDescription>${escapeXmlText(m.outcomeDescription)}</EventOutcomeDescription>`;
  xml += '</EventIdentification>';
  for (const p of m.participants) xml += participantXml(p);
  xml += `<AuditSourceIdentification${attr('AuditEnterpriseSiteID', m.auditEnterpriseSiteId)}${attr('AuditSourceID', m.auditSourceId)}><AuditSourceTypeCode${attr('csd-code', AUDIT_SOURCE_TYPE_WORKSTATION)}/></AuditSourceIdentification>`;
  for (const o of m.objects ?? []) xml += objectXml(o);
  return `${xml}</AuditMessage>`;
}
