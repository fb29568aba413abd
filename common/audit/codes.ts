/**
 * The coded values of DICOM audit messages (PS3.15 Annex A.5, codes from PS3.16). Where they come from:
 *   - Event IDs: CID 400 "Audit Event ID" (PS3.16; also listed in HL7 FHIR's audit-event-type value set).
 *   - Event type codes: CID 401 "Audit Event Type Code" and CID 403 "Security Alert Type Code"; note that
 *     110129 is "Security Configuration" and 110135 "Object Security Attributes Changed" (FHIR's
 *     audit-event-sub-type value set, which copies the DCM codes).
 *   - Role codes: CID 402 "Audit Active Participant Role ID Code" (110150–110155).
 *   - Participant object ID types: RFC 3881 (2 = Patient Number, 12 = URI) and DCM 110180/110181
 *     (PS3.15 A.5.3.6 and A.5.3.10).
 *   - Participant object type codes and roles: RFC 3881 via PS3.15 A.5.2 (person 1/patient 1, system 2/report
 *     3, security resource 13, query 24).
 * The attribute names (csd-code, codeSystemName, originalText) are those of the current PS3.15 A.5.1 schema,
 * which replaced RFC 3881's code/displayName.
 */

export interface CodedValue {
  /** csd-code */
  code: string;
  /** codeSystemName */
  system: string;
  /** originalText (the DICOM Code Meaning) */
  meaning: string;
}

const dcm = (code: string, meaning: string): CodedValue => ({ code, system: 'DCM', meaning });
const rfc3881 = (code: string, meaning: string): CodedValue => ({ code, system: 'RFC-3881', meaning });

/** CID 400. */
export const EventId = {
  ApplicationActivity: dcm('110100', 'Application Activity'),
  AuditLogUsed: dcm('110101', 'Audit Log Used'),
  BeginTransferringInstances: dcm('110102', 'Begin Transferring DICOM Instances'),
  InstancesAccessed: dcm('110103', 'DICOM Instances Accessed'),
  InstancesTransferred: dcm('110104', 'DICOM Instances Transferred'),
  StudyDeleted: dcm('110105', 'DICOM Study Deleted'),
  Export: dcm('110106', 'Export'),
  Import: dcm('110107', 'Import'),
  NetworkEntry: dcm('110108', 'Network Entry'),
  OrderRecord: dcm('110109', 'Order Record'),
  PatientRecord: dcm('110110', 'Patient Record'),
  ProcedureRecord: dcm('110111', 'Procedure Record'),
  Query: dcm('110112', 'Query'),
  SecurityAlert: dcm('110113', 'Security Alert'),
  UserAuthentication: dcm('110114', 'User Authentication'),
} as const;

/** CID 401 and CID 403. */
export const EventTypeCode = {
  ApplicationStart: dcm('110120', 'Application Start'),
  ApplicationStop: dcm('110121', 'Application Stop'),
  Login: dcm('110122', 'Login'),
  Logout: dcm('110123', 'Logout'),
  NodeAuthentication: dcm('110126', 'Node Authentication'),
  EmergencyOverrideStarted: dcm('110127', 'Emergency Override Started'),
  NetworkConfiguration: dcm('110128', 'Network Configuration'),
  SecurityConfiguration: dcm('110129', 'Security Configuration'),
  SoftwareConfiguration: dcm('110131', 'Software Configuration'),
  UseOfRestrictedFunction: dcm('110132', 'Use of Restricted Function'),
  ObjectSecurityAttributesChanged: dcm('110135', 'Object Security Attributes Changed'),
  SecurityRolesChanged: dcm('110136', 'Security Roles Changed'),
  UserSecurityAttributesChanged: dcm('110137', 'User Security Attributes Changed'),
} as const;

/** CID 402. */
export const RoleIdCode = {
  Application: dcm('110150', 'Application'),
  ApplicationLauncher: dcm('110151', 'Application Launcher'),
  Destination: dcm('110152', 'Destination Role ID'),
  Source: dcm('110153', 'Source Role ID'),
  DestinationMedia: dcm('110154', 'Destination Media'),
  SourceMedia: dcm('110155', 'Source Media'),
} as const;

export const ParticipantObjectIdType = {
  PatientNumber: rfc3881('2', 'Patient Number'),
  Uri: rfc3881('12', 'URI'),
  StudyInstanceUid: dcm('110180', 'Study Instance UID'),
  SopClassUid: dcm('110181', 'SOP Class UID'),
  NodeId: dcm('110182', 'Node ID'),
} as const;

/**
 * CID 405 "Media Type Code", for the media of an Import/Export (A.5.3.5, A.5.3.8 require it when there is no
 * network access point). Taken from PS3.16 CID 405 from memory, not checked against the text here.
 */
export const MediaType = {
  Uri: dcm('110037', 'URI'),
} as const;

/** RFC 3881 ParticipantObjectTypeCode. */
export const ObjectType = { Person: 1, SystemObject: 2 } as const;
/** RFC 3881 ParticipantObjectTypeCodeRole. */
export const ObjectRole = { Patient: 1, Report: 3, SecurityResource: 13, Query: 24 } as const;

/** RFC 3881 EventOutcomeIndicator. */
export const Outcome = { Success: 0, MinorFailure: 4, SeriousFailure: 8, MajorFailure: 12 } as const;
export type OutcomeIndicator = (typeof Outcome)[keyof typeof Outcome];

/** RFC 3881 NetworkAccessPointTypeCode. */
export const NetworkAccessPointType = { MachineName: 1, IpAddress: 2, Uri: 5 } as const;

/**
 * RFC 3881 AuditSourceTypeCode 1, "End-user display device, diagnostic display": a reading workstation.
 * Written as dcm4chee-arc does, with the csd-code alone.
 */
export const AUDIT_SOURCE_TYPE_WORKSTATION = '1';

/** Study Root Query/Retrieve Information Model – FIND (PS3.4 C.6.2): the SOP Class of a study query. */
export const STUDY_ROOT_FIND_SOP_CLASS = '1.2.840.10008.5.1.4.1.2.2.1';
