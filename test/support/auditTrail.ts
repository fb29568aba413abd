/**
 * The real audit log on a temp data folder, for tests that trigger an event through a service and read the
 * record back: the sink the services are given, the records summarised as `dokuei audit ls` shows them (from
 * the stored XML), and what the sink reported as failures. Every record read back is validated against the
 * DICOM audit schema (PS3.15 A.5.1), so each test that reads a record also checks the service wrote a valid one.
 */
import type { AuditContext } from '../../common/audit/builders';
import { summarizeAuditXml, type AuditSummary } from '../../common/audit/summary';
import { parseXml, child, childrenNamed } from '../../common/audit/xml';
import { AuditLog } from '../../electron/services/audit/auditLog';
import { auditSink, type AuditSink } from '../../electron/services/audit/auditSink';
import { testKeyProvider } from './testArchive';
import { validateAuditXml } from './auditSchema';

export { auditSchemaErrors, validateAuditXml } from './auditSchema';

export const TEST_AUDIT_CONTEXT: AuditContext = { application: 'dokuei@test', host: 'test-host', user: { id: 'reader' } };

export interface AuditedRecord extends AuditSummary {
  xml: string;
}

export interface TestAudit {
  log: AuditLog;
  sink: AuditSink;
  /** Failures the sink logged (an event that could not be recorded). */
  failures: string[];
  /** Every record, in order, once pending appends are written; throws when one is not a valid DICOM audit message. */
  records(): Promise<AuditedRecord[]>;
}

export async function openTestAudit(dataDir: string): Promise<TestAudit> {
  const log = await AuditLog.open(dataDir, { keyProvider: testKeyProvider(), context: TEST_AUDIT_CONTEXT });
  const failures: string[] = [];
  return {
    log,
    sink: auditSink(log, TEST_AUDIT_CONTEXT, (m) => failures.push(m)),
    failures,
    async records() {
      // readAll waits for appends in flight (the sink does not).
      return (await log.records()).map((r) => {
        validateAuditXml(r.xml);
        return { ...summarizeAuditXml(r.xml), xml: r.xml };
      });
    },
  };
}

/** The base64 ParticipantObjectQuery of a Query message, decoded. */
export function queryOf(xml: string): string | undefined {
  for (const o of childrenNamed(parseXml(xml), 'ParticipantObjectIdentification')) {
    const q = child(o, 'ParticipantObjectQuery');
    if (q) return Buffer.from(q.text, 'base64').toString('utf8');
  }
  return undefined;
}

/** The UserIDs of the active participants with a role (e.g. '110153' Source, '110152' Destination). */
export function participantsWithRole(xml: string, roleCode: string): string[] {
  return childrenNamed(parseXml(xml), 'ActiveParticipant')
    .filter((p) => childrenNamed(p, 'RoleIDCode').some((r) => r.attrs['csd-code'] === roleCode))
    .map((p) => p.attrs.UserID ?? '');
}

/** Instances per SOP Class of the study objects, as `uid=count`. */
export function sopClassCounts(xml: string): string[] {
  const out: string[] = [];
  for (const o of childrenNamed(parseXml(xml), 'ParticipantObjectIdentification')) {
    const desc = child(o, 'ParticipantObjectDescription');
    for (const s of desc ? childrenNamed(desc, 'SOPClass') : []) out.push(`${s.attrs.UID}=${s.attrs.NumberOfInstances}`);
  }
  return out;
}

/** The EventOutcomeDescription, if any. */
export function outcomeDescription(xml: string): string | undefined {
  const ev = child(parseXml(xml), 'EventIdentification');
  const d = ev && child(ev, 'EventOutcomeDescription');
  return d?.text;
}
