/**
 * One builder per event Dokuei records, each returning the message's XML and its Event ID. Message shapes
 * follow PS3.15 A.5.3 (Application Activity A.5.3.1, Audit Log Used A.5.3.2, DICOM Instances Accessed
 * A.5.3.6, Instances Transferred A.5.3.7, Study Deleted A.5.3.8 (numbering varies by edition), Import and
 * Export, Query A.5.3.10, Security Alert A.5.3.11, User Authentication A.5.3.12).
 *
 * Dokuei is both the application and, for a local reader, the process acting for the user: the application
 * is always a participant; the user is added as the requestor when one is known.
 */
import { renderAuditMessage, type ActiveParticipant, type AuditMessage, type EventActionCode, type ParticipantObject, type SopClassCount } from './auditMessage';
import {
  EventId,
  EventTypeCode,
  MediaType,
  NetworkAccessPointType,
  ObjectRole,
  ObjectType,
  Outcome,
  ParticipantObjectIdType,
  RoleIdCode,
  STUDY_ROOT_FIND_SOP_CLASS,
  type CodedValue,
  type OutcomeIndicator,
} from './codes';

/** Who is recording: this installation of Dokuei and, when known, the person using it. */
export interface AuditContext {
  /** AuditSourceID and the application participant's UserID, e.g. "dokuei@host". */
  application: string;
  /** The machine's name (NetworkAccessPointID, type 1). */
  host?: string;
  /** The operating system process id, as AlternativeUserID. */
  processId?: number;
  user?: AuditUser;
}

export interface AuditUser {
  id: string;
  name?: string;
}

export interface PatientRef {
  id: string;
  name?: string;
}

export interface StudyRef {
  uid: string;
  accession?: string;
  sopClasses?: SopClassCount[];
}

/** A PACS node as a participant: its configured name and, where there is one, its URL or host. */
export interface NodeRef {
  name: string;
  address?: string;
}

/** What a builder hands to the audit log: the Event ID (for listing without parsing) and the message. */
export interface AuditEvent {
  eventId: string;
  xml: string;
}

interface Common {
  time?: Date;
  outcome?: OutcomeIndicator;
  /** Why it failed, for a failure outcome (EventOutcomeDescription). */
  outcomeDescription?: string;
}

function build(m: Omit<AuditMessage, 'dateTime' | 'outcome' | 'auditSourceId'>, ctx: AuditContext, c: Common): AuditEvent {
  const message: AuditMessage = {
    ...m,
    dateTime: (c.time ?? new Date()).toISOString(),
    outcome: c.outcome ?? Outcome.Success,
    auditSourceId: ctx.application,
  };
  if (c.outcomeDescription !== undefined) message.outcomeDescription = c.outcomeDescription;
  return { eventId: m.eventId.code, xml: renderAuditMessage(message) };
}

function application(ctx: AuditContext, requestor: boolean, roles: CodedValue[] = [RoleIdCode.Application]): ActiveParticipant {
  const p: ActiveParticipant = { userId: ctx.application, userIsRequestor: requestor, roles };
  if (ctx.processId !== undefined) p.alternativeUserId = String(ctx.processId);
  if (ctx.host) {
    p.networkAccessPointId = ctx.host;
    p.networkAccessPointTypeCode = NetworkAccessPointType.MachineName;
  }
  return p;
}

function person(user: AuditUser, roles?: CodedValue[]): ActiveParticipant {
  const p: ActiveParticipant = { userId: user.id, userIsRequestor: true };
  if (user.name !== undefined) p.userName = user.name;
  if (roles) p.roles = roles;
  return p;
}

/** The application, requestor unless a user is known; then the user as the requestor. */
function actors(ctx: AuditContext, appRoles?: CodedValue[]): ActiveParticipant[] {
  return ctx.user ? [application(ctx, false, appRoles), person(ctx.user)] : [application(ctx, true, appRoles)];
}

function node(n: NodeRef, role: CodedValue): ActiveParticipant {
  const p: ActiveParticipant = { userId: n.name, userIsRequestor: false, roles: [role] };
  if (n.address) {
    p.networkAccessPointId = n.address;
    p.networkAccessPointTypeCode = /^[a-z][a-z0-9+.-]*:\/\//i.test(n.address) ? NetworkAccessPointType.Uri : /^[0-9.:]+$/.test(n.address) ? NetworkAccessPointType.IpAddress : NetworkAccessPointType.MachineName;
  }
  return p;
}

function media(uri: string, role: CodedValue): ActiveParticipant {
  return { userId: uri, userIsRequestor: false, roles: [role], mediaType: MediaType.Uri };
}

function patientObject(p: PatientRef): ParticipantObject {
  const o: ParticipantObject = { id: p.id, typeCode: ObjectType.Person, typeCodeRole: ObjectRole.Patient, idTypeCode: ParticipantObjectIdType.PatientNumber };
  if (p.name !== undefined) o.name = p.name;
  return o;
}

function studyObject(s: StudyRef): ParticipantObject {
  const o: ParticipantObject = { id: s.uid, typeCode: ObjectType.SystemObject, typeCodeRole: ObjectRole.Report, idTypeCode: ParticipantObjectIdType.StudyInstanceUid };
  if (s.sopClasses?.length) o.sopClasses = s.sopClasses;
  if (s.accession) o.accessions = [s.accession];
  return o;
}

/** A patient not known (a study pinned before any of it arrived) is left out rather than invented. */
function patientList(p: PatientRef | undefined): PatientRef[] {
  return p ? [p] : [];
}

function studiesAndPatients(studies: readonly StudyRef[], patients: readonly PatientRef[]): ParticipantObject[] {
  return [...studies.map(studyObject), ...patients.map(patientObject)];
}

/** Application Activity: Dokuei started or stopped (A.5.3.1); the launching user, if known, as Application Launcher. */
export function applicationActivity(ctx: AuditContext, input: Common & { kind: 'start' | 'stop' }): AuditEvent {
  const participants = [application(ctx, false)];
  if (ctx.user) participants.push(person(ctx.user, [RoleIdCode.ApplicationLauncher]));
  return build({ eventId: EventId.ApplicationActivity, action: 'E', eventTypes: [input.kind === 'start' ? EventTypeCode.ApplicationStart : EventTypeCode.ApplicationStop], participants }, ctx, input);
}

function auditLogObject(logUri: string): ParticipantObject {
  return { id: logUri, typeCode: ObjectType.SystemObject, typeCodeRole: ObjectRole.SecurityResource, idTypeCode: ParticipantObjectIdType.Uri, name: 'Security Audit Log' };
}

/** Audit Log Used: someone read the audit log (A.5.3.2); the log is identified by its URI. */
export function auditLogUsed(ctx: AuditContext, input: Common & { logUri: string }): AuditEvent {
  return build({ eventId: EventId.AuditLogUsed, action: 'R', participants: actors(ctx), objects: [auditLogObject(input.logUri)] }, ctx, input);
}

/**
 * User Authentication: a login or logout attempt (A.5.3.12); a failed login has a failure outcome. The person
 * authenticated is `user`, else the context's user; `node` is the authenticating system (an identity provider).
 */
export function userAuthentication(ctx: AuditContext, input: Common & { kind: 'login' | 'logout'; user?: AuditUser; node?: NodeRef }): AuditEvent {
  const user = input.user ?? ctx.user;
  const participants = user ? [person(user), application(ctx, false)] : [application(ctx, true)];
  if (input.node) participants.push(node(input.node, RoleIdCode.Destination));
  return build({ eventId: EventId.UserAuthentication, action: 'E', eventTypes: [input.kind === 'login' ? EventTypeCode.Login : EventTypeCode.Logout], participants }, ctx, input);
}

/**
 * Query (A.5.3.10): a study search sent to a node (or the local archive). The keys are recorded as issued, as
 * a URL query string (QIDO-RS style), base64 in ParticipantObjectQuery; the object is the query's SOP Class.
 */
export function query(ctx: AuditContext, input: Common & { node: NodeRef; keys: Readonly<Record<string, string | undefined>>; sopClassUid?: string }): AuditEvent {
  const q = Object.entries(input.keys)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const object: ParticipantObject = { id: input.sopClassUid ?? STUDY_ROOT_FIND_SOP_CLASS, typeCode: ObjectType.SystemObject, typeCodeRole: ObjectRole.Query, idTypeCode: ParticipantObjectIdType.SopClassUid, query: q };
  const participants = [application(ctx, !ctx.user, [RoleIdCode.Source]), node(input.node, RoleIdCode.Destination)];
  if (ctx.user) participants.push(person(ctx.user));
  return build({ eventId: EventId.Query, action: 'E', participants, objects: [object] }, ctx, input);
}

/**
 * DICOM Instances Transferred (A.5.3.7). `retrieve`: from a node into the local archive (action C, the node is
 * the source). `send`: from the archive to a node (action R, the node is the destination).
 */
export function instancesTransferred(
  ctx: AuditContext,
  input: Common & { direction: 'retrieve' | 'send'; node: NodeRef; studies: readonly StudyRef[]; patients: readonly PatientRef[] },
): AuditEvent {
  const retrieve = input.direction === 'retrieve';
  const participants = [node(input.node, retrieve ? RoleIdCode.Source : RoleIdCode.Destination), application(ctx, !ctx.user, [retrieve ? RoleIdCode.Destination : RoleIdCode.Source])];
  if (ctx.user) participants.push(person(ctx.user));
  return build({ eventId: EventId.InstancesTransferred, action: retrieve ? 'C' : 'R', participants, objects: studiesAndPatients(input.studies, input.patients) }, ctx, input);
}

/** Import (A.5.3.5): files from a folder or media into the local archive; the source is its path or URI. */
export function importInstances(ctx: AuditContext, input: Common & { source: string; studies: readonly StudyRef[]; patients: readonly PatientRef[] }): AuditEvent {
  return build({ eventId: EventId.Import, action: 'C', participants: [...actors(ctx), media(input.source, RoleIdCode.SourceMedia)], objects: studiesAndPatients(input.studies, input.patients) }, ctx, input);
}

/** Export (A.5.3.4): instances written out of the archive to a folder or media (path or URI). */
export function exportInstances(ctx: AuditContext, input: Common & { destination: string; studies: readonly StudyRef[]; patients: readonly PatientRef[] }): AuditEvent {
  return build({ eventId: EventId.Export, action: 'R', participants: [...actors(ctx), media(input.destination, RoleIdCode.DestinationMedia)], objects: studiesAndPatients(input.studies, input.patients) }, ctx, input);
}

/**
 * Export (A.5.3.4) of the audit log itself (`dokuei audit export --out FILE`): the log, by URI, written to the
 * destination, with the patients and studies its records name (their identities left with the file).
 */
export function auditLogExported(ctx: AuditContext, input: Common & { logUri: string; destination: string; studies: readonly StudyRef[]; patients: readonly PatientRef[] }): AuditEvent {
  return build(
    { eventId: EventId.Export, action: 'R', participants: [...actors(ctx), media(input.destination, RoleIdCode.DestinationMedia)], objects: [auditLogObject(input.logUri), ...studiesAndPatients(input.studies, input.patients)] },
    ctx,
    input,
  );
}

/**
 * DICOM Instances Accessed (A.5.3.6): a study opened for reading (R), or derived objects created or updated
 * in it (C/U). `what` says what was done, in EventOutcomeDescription (the message has no other free text).
 */
export function instancesAccessed(ctx: AuditContext, input: Common & { action: Extract<EventActionCode, 'C' | 'R' | 'U' | 'D'>; study: StudyRef; patient: PatientRef | undefined; what?: string }): AuditEvent {
  const c: Common = { ...input };
  if (input.what !== undefined && c.outcomeDescription === undefined) c.outcomeDescription = input.what;
  return build({ eventId: EventId.InstancesAccessed, action: input.action, participants: actors(ctx), objects: studiesAndPatients([input.study], patientList(input.patient)) }, ctx, c);
}

/** A study opened in the viewer. */
export function studyOpened(ctx: AuditContext, input: Common & { study: StudyRef; patient: PatientRef | undefined }): AuditEvent {
  return instancesAccessed(ctx, { ...input, action: 'R' });
}

/** An SUV correction (patient weight, dose, times…) saved for a study: created the first time, else updated. */
export function suvCorrectionSaved(ctx: AuditContext, input: Common & { study: StudyRef; patient: PatientRef | undefined; created: boolean }): AuditEvent {
  return instancesAccessed(ctx, { ...input, action: input.created ? 'C' : 'U', what: 'SUV correction saved' });
}

/** A registration (PET/CT or prior/current) saved as a derived object of the study. */
export function registrationSaved(ctx: AuditContext, input: Common & { study: StudyRef; patient: PatientRef | undefined; created: boolean }): AuditEvent {
  return instancesAccessed(ctx, { ...input, action: input.created ? 'C' : 'U', what: 'Registration saved' });
}

/**
 * A study pinned (kept from quota eviction) or unpinned: a change of the study's retention, recorded as
 * DICOM Instances Accessed with action U, as dcm4chee-arc records a changed study expiration date.
 */
export function studyPinChanged(ctx: AuditContext, input: Common & { study: StudyRef; patient: PatientRef | undefined; pinned: boolean }): AuditEvent {
  return instancesAccessed(ctx, { ...input, action: 'U', what: input.pinned ? 'Pinned: kept from eviction' : 'Unpinned: may be evicted' });
}

/** DICOM Study Deleted (A.5.3.8): a study removed from the local archive, by the user or by quota eviction. */
export function studyDeleted(ctx: AuditContext, input: Common & { study: StudyRef; patient: PatientRef | undefined; reason: 'user' | 'eviction' }): AuditEvent {
  const c: Common = { ...input };
  if (c.outcomeDescription === undefined) c.outcomeDescription = input.reason === 'eviction' ? 'Evicted to stay within the archive quota' : 'Deleted by the user';
  return build({ eventId: EventId.StudyDeleted, action: 'D', participants: actors(ctx), objects: studiesAndPatients([input.study], patientList(input.patient)) }, ctx, c);
}

/**
 * Security Alert (A.5.3.11). The subject is a URI (or other identifier) of what the alert is about; the
 * description goes in the "Alert Description" detail, as the message requires.
 */
export function securityAlert(ctx: AuditContext, input: Common & { type: CodedValue; subject: string; description: string }): AuditEvent {
  const subject: ParticipantObject = {
    id: input.subject,
    typeCode: ObjectType.SystemObject,
    typeCodeRole: ObjectRole.SecurityResource,
    idTypeCode: ParticipantObjectIdType.Uri,
    details: [{ type: 'Alert Description', value: input.description }],
  };
  return build({ eventId: EventId.SecurityAlert, action: 'E', eventTypes: [input.type], participants: actors(ctx), objects: [subject] }, ctx, input);
}

/**
 * Settings changed: a Security Alert with an informative (success) outcome, typed by what changed: PACS
 * nodes are network configuration, keys and secrets security configuration, anything else software
 * configuration. `changed` names the settings (never their values: they may hold secrets).
 */
export function settingsChanged(ctx: AuditContext, input: Common & { area: 'network' | 'security' | 'software'; changed: readonly string[]; settingsUri?: string }): AuditEvent {
  const type = input.area === 'network' ? EventTypeCode.NetworkConfiguration : input.area === 'security' ? EventTypeCode.SecurityConfiguration : EventTypeCode.SoftwareConfiguration;
  return securityAlert(ctx, { ...input, type, subject: input.settingsUri ?? 'dokuei:settings', description: `Settings changed: ${input.changed.join(', ')}` });
}
