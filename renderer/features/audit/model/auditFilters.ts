/**
 * The audit panel's form and table, pure: the reader's filters (local days) as an audit.list request (instants),
 * what a row shows, the chain status line and the table's keyboard moves.
 */
import type { AuditListRequest, AuditRow, AuditVerifyResult } from '../../../../common/ipc/contract';
import { AUDIT_TEXT, auditText } from './text';

export interface AuditForm {
  patient: string;
  user: string;
  /** An event code, '' for any. */
  event: string;
  /** YYYY-MM-DD (local day), '' for none. */
  from: string;
  to: string;
}

export const EMPTY_FORM: AuditForm = { patient: '', user: '', event: '', from: '', to: '' };

/** Local midnight at the start of a YYYY-MM-DD day; undefined when it is not a real day. */
export function localDayStart(day: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return undefined;
  return date;
}

/**
 * The request for these filters: "From" is the start of that local day, "To" the end of its day (the start of the
 * next, exclusive), so a single day is From = To. An error is a sentence for the reader.
 */
export function requestFromForm(form: AuditForm, order: 'newest' | 'oldest'): { request: AuditListRequest } | { error: string } {
  const request: AuditListRequest = { order };
  const patient = form.patient.trim();
  const user = form.user.trim();
  if (patient) request.patient = patient;
  if (user) request.user = user;
  if (form.event) request.event = form.event;
  let from: Date | undefined;
  let to: Date | undefined;
  if (form.from) {
    from = localDayStart(form.from);
    if (!from) return { error: auditText.badDate('From') };
    request.from = from.toISOString();
  }
  if (form.to) {
    const day = localDayStart(form.to);
    if (!day) return { error: auditText.badDate('To') };
    to = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
    request.to = to.toISOString();
  }
  if (from && to && from.getTime() >= to.getTime()) return { error: auditText.fromAfterTo };
  return { request };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO instant as local "YYYY-MM-DD HH:MM:SS" (the reader's clock, as the date filters are). */
export function formatLocalTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The event column: the event, and its type when it has one ("Application Activity: Application Start"). */
export function eventText(row: AuditRow): string {
  return row.eventType ? `${row.eventName}: ${row.eventType}` : row.eventName;
}

/** "ID (NAME)", the name left out when there is none or it only repeats the ID (anonymised data often does). */
export function patientsText(row: AuditRow): string {
  return row.patients.map((p) => (p.name && p.name !== p.id ? `${p.id} (${p.name})` : p.id)).join(', ');
}

export function userText(row: AuditRow): string {
  return row.user === undefined ? '' : row.userName && row.userName !== row.user ? `${row.user} (${row.userName})` : row.user;
}

/** The chain status line: intact with its count, or each problem by record. */
export function verifyLines(v: AuditVerifyResult): { ok: boolean; head: string; problems: string[] } {
  if (v.ok) return { ok: true, head: auditText.chainIntact(v.records), problems: [] };
  return { ok: false, head: auditText.chainBroken(v.problems.length), problems: v.problems.map((p) => auditText.problem(p.index, p.reason)) };
}

/** The row a key moves the selection to (-1: none yet); the same row when the key does not move it. */
export function moveInTable(current: number, count: number, key: string): number {
  if (count === 0) return current;
  switch (key) {
    case 'ArrowDown':
      return current < 0 ? 0 : Math.min(count - 1, current + 1);
    case 'ArrowUp':
      return current < 0 ? 0 : Math.max(0, current - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    case 'PageDown':
      return current < 0 ? 0 : Math.min(count - 1, current + 10);
    case 'PageUp':
      return current < 0 ? 0 : Math.max(0, current - 10);
    default:
      return current;
  }
}

/** "The audit log cannot be read: …" whatever failed (the services' message already says it for a read error). */
export function readErrorText(message: string): string {
  return message.startsWith(AUDIT_TEXT.cannotRead) ? message : `${AUDIT_TEXT.cannotRead}${message}`;
}
