/**
 * The audit panel's reading of the log (pure: the handlers read and decrypt, this decides): one row per record,
 * read back from its stored XML like `dokuei audit ls` (common/audit/summary.ts), so the panel shows what the
 * record really says; the filters; the page; and the record's message made readable.
 */
import type { AuditRecord } from '../../../common/audit/chain';
import { EventId, ObjectRole } from '../../../common/audit/codes';
import { summarizeAuditXml } from '../../../common/audit/summary';
import { child, childrenNamed, escapeXmlAttr, escapeXmlText, parseXml, type XmlElement } from '../../../common/audit/xml';
import type { AuditListResult, AuditRow } from '../../../common/ipc/contract';

/** The filters of audit.list, as the contract hands them over (defaults applied). */
export interface AuditFilters {
  patient?: string | undefined;
  user?: string | undefined;
  event?: string | undefined;
  /** Inclusive (ISO 8601 instant). */
  from?: string | undefined;
  /** Exclusive (ISO 8601 instant). */
  to?: string | undefined;
}

export interface AuditPage {
  order: 'newest' | 'oldest';
  offset: number;
  limit: number;
}

/** Event ID codes → meanings (CID 400): names for codes the log holds and options for the event filter. */
const KNOWN_EVENTS = new Map<string, string>(Object.values(EventId).map((e) => [e.code, e.meaning]));

/** The row of one stored record. A message this version cannot read still gets a row (index, time, event). */
export function auditRow(record: AuditRecord): AuditRow {
  const fallback: AuditRow = {
    index: record.index,
    time: record.time,
    eventId: record.eventId,
    eventName: KNOWN_EVENTS.get(record.eventId) ?? record.eventId,
    outcome: null,
    patients: [],
    studyUids: [],
    unparsable: true,
  };
  let root: XmlElement;
  try {
    root = parseXml(record.xml);
    const s = summarizeAuditXml(record.xml);
    const ev = child(root, 'EventIdentification')!;
    const id = child(ev, 'EventID');
    const type = child(ev, 'EventTypeCode');
    const row: AuditRow = {
      index: record.index,
      time: record.time,
      // The chain covers record.eventId: it is what the record says, whatever the XML claims.
      eventId: record.eventId,
      eventName: id?.attrs.originalText || KNOWN_EVENTS.get(record.eventId) || record.eventId,
      outcome: Number.isInteger(s.outcome) ? s.outcome : null,
      patients: patientsOf(root),
      studyUids: s.studyUids ?? [],
    };
    if (s.eventType !== undefined) row.eventType = s.eventType;
    if (type?.attrs['csd-code']) row.eventTypeCode = type.attrs['csd-code'];
    if (s.action !== undefined) row.action = s.action;
    const description = child(ev, 'EventOutcomeDescription')?.text;
    if (description) row.outcomeDescription = description;
    if (s.user !== undefined) row.user = s.user;
    const participants = childrenNamed(root, 'ActiveParticipant');
    const requestor = participants.find((p) => p.attrs.UserIsRequestor === 'true') ?? participants[0];
    if (requestor?.attrs.UserName) row.userName = requestor.attrs.UserName;
    const source = child(root, 'AuditSourceIdentification')?.attrs.AuditSourceID;
    if (source) row.source = source;
    return row;
  } catch {
    return fallback;
  }
}

function patientsOf(root: XmlElement): AuditRow['patients'] {
  return childrenNamed(root, 'ParticipantObjectIdentification')
    .filter((o) => o.attrs.ParticipantObjectTypeCodeRole === String(ObjectRole.Patient))
    .map((o) => {
      const name = child(o, 'ParticipantObjectName')?.text;
      return name ? { id: o.attrs.ParticipantObjectID ?? '', name } : { id: o.attrs.ParticipantObjectID ?? '' };
    });
}

const contains = (haystack: string | undefined, needle: string) => haystack !== undefined && haystack.toLowerCase().includes(needle.toLowerCase());

/** Whether a row passes every filter given (an empty or absent filter passes everything). */
export function rowMatches(row: AuditRow, f: AuditFilters): boolean {
  if (f.patient && !row.patients.some((p) => contains(p.id, f.patient!) || contains(p.name, f.patient!))) return false;
  if (f.user && !(contains(row.user, f.user) || contains(row.userName, f.user))) return false;
  if (f.event && row.eventId !== f.event && row.eventTypeCode !== f.event) return false;
  const t = Date.parse(row.time);
  if (f.from && !(t >= Date.parse(f.from))) return false;
  if (f.to && !(t < Date.parse(f.to))) return false;
  return true;
}

/** Newest first: by time, then by index (two records of the same millisecond keep their log order). */
function compareNewest(a: AuditRow, b: AuditRow): number {
  return Date.parse(b.time) - Date.parse(a.time) || b.index - a.index;
}

/** The event filter's choices: every known Event ID, then any other code found in the log, with counts. */
export function eventChoices(rows: readonly AuditRow[]): AuditListResult['events'] {
  const counts = new Map<string, { name: string; count: number }>();
  for (const [code, name] of KNOWN_EVENTS) counts.set(code, { name, count: 0 });
  for (const r of rows) {
    const e = counts.get(r.eventId) ?? { name: r.eventName, count: 0 };
    e.count++;
    counts.set(r.eventId, e);
  }
  return [...counts].map(([code, e]) => ({ code, name: e.name, count: e.count }));
}

/** The page of matching rows, and how many match in all. */
export function queryAuditRows(rows: readonly AuditRow[], filters: AuditFilters, page: AuditPage): { rows: AuditRow[]; total: number; more: number } {
  const matching = rows.filter((r) => rowMatches(r, filters)).sort(compareNewest);
  if (page.order === 'oldest') matching.reverse();
  const slice = matching.slice(page.offset, page.offset + page.limit);
  return { rows: slice, total: matching.length, more: Math.max(0, matching.length - page.offset - slice.length) };
}

/** The message indented two spaces per level, one element per line (text-only elements on one line). */
export function prettyAuditXml(xml: string): string {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch {
    return xml;
  }
  const lines: string[] = [];
  const walk = (el: XmlElement, depth: number) => {
    const pad = '  '.repeat(depth);
    const attrs = Object.entries(el.attrs)
      .map(([k, v]) => ` ${k}="${escapeXmlAttr(v)}"`)
      .join('');
    const text = el.text.trim();
    if (el.children.length === 0) {
      lines.push(text ? `${pad}<${el.name}${attrs}>${escapeXmlText(text)}</${el.name}>` : `${pad}<${el.name}${attrs}/>`);
      return;
    }
    lines.push(`${pad}<${el.name}${attrs}>`);
    if (text) lines.push(`${pad}  ${escapeXmlText(text)}`);
    for (const c of el.children) walk(c, depth + 1);
    lines.push(`${pad}</${el.name}>`);
  };
  walk(root, 0);
  return lines.join('\n');
}

/** UTF-8 text from base64; undefined when it is not base64 of valid UTF-8. */
function fromBase64(b64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64.trim())) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64.trim(), 'base64'));
  } catch {
    return undefined;
  }
}

/** What the message holds base64-encoded, decoded for the reader: query keys and object details. */
export function decodedValues(xml: string): { label: string; value: string }[] {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch {
    return [];
  }
  const out: { label: string; value: string }[] = [];
  for (const o of childrenNamed(root, 'ParticipantObjectIdentification')) {
    const q = child(o, 'ParticipantObjectQuery');
    const query = q && fromBase64(q.text);
    if (query !== undefined) out.push({ label: 'Query', value: decodeURIComponentSafe(query) });
    for (const d of childrenNamed(o, 'ParticipantObjectDetail')) {
      const value = d.attrs.value !== undefined ? fromBase64(d.attrs.value) : undefined;
      if (value !== undefined) out.push({ label: d.attrs.type ?? 'Detail', value });
    }
  }
  return out;
}

/** Query keys are stored URL-encoded ("PatientID=A%20B"): shown as the reader typed them. */
function decodeURIComponentSafe(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      try {
        return decodeURIComponent(pair);
      } catch {
        return pair;
      }
    })
    .join('  ');
}
