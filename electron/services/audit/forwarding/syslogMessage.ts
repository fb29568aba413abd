/**
 * One audit record as an RFC 5424 syslog message, framed for a TLS stream (RFC 5425 §4.3, the octet-counting
 * framing of RFC 6587 §3.4.1: `MSG-LEN SP SYSLOG-MSG`, MSG-LEN the message's length in octets).
 *
 * The header follows IHE ITI TF-2 [ITI-20] "Record Audit Event" §3.20.4.1.2, which DICOM PS3.15 A.5 defers to for
 * transport, so that an ATNA audit record repository files the messages as audit records:
 * - PRI: facility 10, security/authorization (ITI-20 says the facility *shall* be 10; 13 "log audit" is the other
 *   candidate RFC 5424 lists, but repositories built to ATNA filter on 10). Severity: ITI-20 says 5 (notice) or
 *   4 (warning) *should* be used: 5 for a record whose EventOutcomeIndicator is 0 (success), 4 for any failure.
 * - MSGID: "IHE+RFC-3881", what ITI-20 requires (the event ID is inside the message, EventID/@csd-code).
 * - TIMESTAMP: the record's time (when it was appended), not when it is sent, so a record sent late, after the
 *   repository was unreachable, still says when the event happened.
 * - APP-NAME "dokuei", HOSTNAME this computer's name, PROCID the forwarding process, STRUCTURED-DATA none (an
 *   SD-ID of our own would need an IANA enterprise number).
 * - MSG: the record's AuditMessage XML, UTF-8 with a BOM (RFC 5424 §6.4 MSG-UTF8), exactly as stored and hashed.
 */
import type { AuditRecord } from '../../../../common/audit/chain';

/** RFC 5424 §6.2.1 facility 10: security/authorization messages (IHE ITI-20). */
export const SYSLOG_FACILITY_AUTHPRIV = 10;
export const SEVERITY_WARNING = 4;
export const SEVERITY_NOTICE = 5;
export const SYSLOG_APP_NAME = 'dokuei';
/** IHE ITI-20 §3.20.4.1.2. */
export const SYSLOG_MSGID = 'IHE+RFC-3881';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The record's EventOutcomeIndicator (RFC 3881: 0 success, 4 minor, 8 serious, 12 major failure); NaN when absent. */
export function outcomeOf(xml: string): number {
  const ev = /<EventIdentification\b[^>]*>/.exec(xml)?.[0];
  const m = ev && /\sEventOutcomeIndicator="(\d+)"/.exec(ev);
  return m ? Number(m[1]) : NaN;
}

/** Notice for a success, warning for any failure (or a message whose outcome cannot be read). */
export function severityForOutcome(outcome: number): number {
  return outcome === 0 ? SEVERITY_NOTICE : SEVERITY_WARNING;
}

/** A header field: 1–`max` printable US-ASCII characters (RFC 5424 §6), or the NILVALUE "-". */
export function headerField(value: string | undefined, max: number): string {
  const v = (value ?? '').replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return v.length > 0 ? v : '-';
}

export interface SyslogOrigin {
  /** HOSTNAME: this computer's name (RFC 5424 §6.2.4 prefers the FQDN). */
  hostname: string;
  /** PROCID: the process that sends. */
  procId: string;
}

/** The RFC 5424 message (without framing) for one record. */
export function formatSyslogMessage(record: AuditRecord, origin: SyslogOrigin): Buffer {
  const pri = SYSLOG_FACILITY_AUTHPRIV * 8 + severityForOutcome(outcomeOf(record.xml));
  const header = [`<${pri}>1`, rfc5424Timestamp(record.time), headerField(origin.hostname, 255), SYSLOG_APP_NAME, headerField(origin.procId, 128), SYSLOG_MSGID, '-'].join(' ');
  return Buffer.concat([Buffer.from(`${header} `, 'ascii'), BOM, Buffer.from(record.xml, 'utf8')]);
}

/**
 * RFC 5424 §6.2.3 TIMESTAMP (RFC 3339 with at most 6 fractional digits, "Z" or an offset). The records' times
 * are Date.toISOString() (milliseconds, "Z"), which already is one; anything else is normalised through Date.
 */
export function rfc5424Timestamp(time: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/.test(time)) return time;
  const d = new Date(time);
  return Number.isNaN(d.getTime()) ? '-' : d.toISOString();
}

/** RFC 6587 §3.4.1 octet counting, as RFC 5425 §4.3 requires over TLS: `MSG-LEN SP SYSLOG-MSG`. */
export function frameOctetCounted(message: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
