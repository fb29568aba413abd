/**
 * The audit panel's filtering over rows read back from real audit messages (the builders the services use): every
 * row returned matches every filter, no matching record is left out, the order and the pages hold together; and
 * the detail's readable XML and decoded values say what the stored message says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as b from '../../../../../common/audit/builders';
import { linkRecord, type AuditRecord } from '../../../../../common/audit/chain';
import { EventTypeCode, Outcome } from '../../../../../common/audit/codes';
import { parseXml } from '../../../../../common/audit/xml';
import type { AuditRow } from '../../../../../common/ipc/contract';
import { auditRow, decodedValues, eventChoices, prettyAuditXml, queryAuditRows, rowMatches, type AuditFilters } from '../../../../../electron/services/app/auditQuery';

const PATIENTS = [
  { id: 'PID-1', name: 'YAMADA^TARO' },
  { id: 'PID-2', name: 'Suzuki^Hanako' },
  { id: 'LIDC-0314' },
];
const USERS = [{ id: 'tanaka', name: 'Dr Tanaka' }, { id: 'sato' }, undefined];
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Times on a coarse grid (hours over three weeks), so that records often fall exactly on a filter's bound. */
const gridTime = (max: number) => fc.integer({ min: 0, max }).map((h) => h * HOUR);

/** One event of each kind the services record, for a patient (or none), by a user (or the application). */
const eventArb = fc.record({
  kind: fc.constantFrom('start', 'query', 'opened', 'retrieve', 'deleted', 'alert', 'logUsed'),
  patient: fc.option(fc.constantFrom(...PATIENTS), { nil: undefined }),
  user: fc.constantFrom(...USERS),
  outcome: fc.constantFrom(Outcome.Success, Outcome.MinorFailure, Outcome.SeriousFailure),
  at: gridTime(20 * 24),
});
type EventSpec = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function build(e: EventSpec): b.AuditEvent {
  const ctx: b.AuditContext = { application: 'dokuei@ws1', host: 'ws1', ...(e.user ? { user: e.user } : {}) };
  const study = { uid: '1.2.840.1' };
  const c = { outcome: e.outcome, time: new Date(T0 + e.at) };
  switch (e.kind) {
    case 'start':
      return b.applicationActivity(ctx, { ...c, kind: 'start' });
    case 'query':
      return b.query(ctx, { ...c, node: { name: 'PACS' }, keys: { PatientID: e.patient?.id } });
    case 'opened':
      return b.studyOpened(ctx, { ...c, study, patient: e.patient });
    case 'retrieve':
      return b.instancesTransferred(ctx, { ...c, direction: 'retrieve', node: { name: 'PACS' }, studies: [study], patients: e.patient ? [e.patient] : [] });
    case 'deleted':
      return b.studyDeleted(ctx, { ...c, study, patient: e.patient, reason: 'eviction' });
    case 'alert':
      return b.securityAlert(ctx, { ...c, type: EventTypeCode.NodeAuthentication, subject: 'dicom://scp', description: 'Refused association from 10.0.0.9' });
    case 'logUsed':
      return b.auditLogUsed(ctx, { ...c, logUri: 'file:///data/audit/audit.log' });
  }
}

/** A chained log of these events (appended in the given order, each at its own time). */
function recordsOf(events: readonly EventSpec[]): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (const e of events) {
    const ev = build(e);
    const prev = out.at(-1);
    out.push(linkRecord(prev && { lastIndex: prev.index, hash: prev.hash }, new Date(T0 + e.at).toISOString(), ev.eventId, ev.xml));
  }
  return out;
}

/** Filters for a log: any of the five, the days often exactly at a record's time (the bounds are where it goes wrong). */
function filtersFor(events: readonly EventSpec[]): fc.Arbitrary<AuditFilters> {
  const at = events.length ? fc.oneof(fc.constantFrom(...events.map((e) => e.at)), gridTime(21 * 24)) : gridTime(21 * 24);
  const iso = at.map((t) => new Date(T0 + t).toISOString());
  return fc.record(
    {
      patient: fc.constantFrom('PID-1', 'pid', 'yamada', 'hanako', '0314', 'nobody', ''),
      user: fc.constantFrom('tanaka', 'TAN', 'dr t', 'sato', 'dokuei', 'x', ''),
      event: fc.constantFrom('110100', '110112', '110103', '110104', '110105', '110113', '110101', '110120', '110126'),
      from: iso,
      to: iso,
    },
    { requiredKeys: [] },
  );
}

/** The filters restated over the events as generated (not over the parsed rows): an independent oracle. */
function eventMatches(e: EventSpec, f: AuditFilters): boolean {
  const lc = (s: string | undefined) => (s ?? '').toLowerCase();
  const hasPatient = e.patient !== undefined && ['opened', 'retrieve', 'deleted'].includes(e.kind);
  if (f.patient && !(hasPatient && (lc(e.patient!.id).includes(lc(f.patient)) || lc(e.patient!.name).includes(lc(f.patient))))) return false;
  // The requestor: the person when one is known, else the application.
  const requestor = e.user ? [e.user.id, e.user.name] : ['dokuei@ws1'];
  if (f.user && !requestor.some((u) => u !== undefined && lc(u).includes(lc(f.user)))) return false;
  const ids: Record<EventSpec['kind'], string[]> = {
    start: ['110100', '110120'],
    query: ['110112'],
    opened: ['110103'],
    retrieve: ['110104'],
    deleted: ['110105'],
    alert: ['110113', '110126'],
    logUsed: ['110101'],
  };
  if (f.event && !ids[e.kind].includes(f.event)) return false;
  if (f.from && T0 + e.at < Date.parse(f.from)) return false;
  if (f.to && T0 + e.at >= Date.parse(f.to)) return false;
  return true;
}

describe('audit rows', () => {
  it('reads what the panel shows from the stored message', () => {
    const [rec] = recordsOf([{ kind: 'retrieve', patient: PATIENTS[0], user: USERS[0], outcome: Outcome.MinorFailure, at: 0 }]);
    expect(auditRow(rec!)).toEqual({
      index: 0,
      time: '2026-03-01T00:00:00.000Z',
      eventId: '110104',
      eventName: 'DICOM Instances Transferred',
      action: 'C',
      outcome: 4,
      user: 'tanaka',
      userName: 'Dr Tanaka',
      patients: [{ id: 'PID-1', name: 'YAMADA^TARO' }],
      studyUids: ['1.2.840.1'],
      source: 'dokuei@ws1',
    } satisfies AuditRow);
    const [start] = recordsOf([{ kind: 'start', patient: undefined, user: undefined, outcome: Outcome.Success, at: 0 }]);
    expect(auditRow(start!)).toMatchObject({ eventName: 'Application Activity', eventType: 'Application Start', eventTypeCode: '110120', user: 'dokuei@ws1', patients: [] });
  });

  it('still lists a record whose message cannot be read, by its chained fields', () => {
    const rec = linkRecord(undefined, '2026-03-01T00:00:00.000Z', '110112', '<AuditMessage><broken');
    expect(auditRow(rec)).toEqual({ index: 0, time: rec.time, eventId: '110112', eventName: 'Query', outcome: null, patients: [], studyUids: [], unparsable: true });
  });
});

describe('audit filters', () => {
  it('every returned row matches every filter, and no matching record is missing', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }).chain((events) => fc.tuple(fc.constant(events), filtersFor(events))), fc.constantFrom('newest' as const, 'oldest' as const), ([events, filters], order) => {
        const rows = recordsOf(events).map(auditRow);
        const page = queryAuditRows(rows, filters, { order, offset: 0, limit: 1000 });
        for (const r of page.rows) expect(rowMatches(r, filters)).toBe(true);
        const expected = events.flatMap((e, i) => (eventMatches(e, filters) ? [i] : []));
        expect(page.rows.map((r) => r.index).sort((a, b) => a - b)).toEqual(expected);
        expect(page.total).toBe(expected.length);
        expect(page.more).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('orders newest first by time (log order within the same instant), and pages without losing or repeating a row', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (events, limit) => {
        const rows = recordsOf(events).map(auditRow);
        const all = queryAuditRows(rows, {}, { order: 'newest', offset: 0, limit: 1000 }).rows;
        for (let i = 1; i < all.length; i++) {
          const [a, b2] = [all[i - 1]!, all[i]!];
          expect(Date.parse(a.time) > Date.parse(b2.time) || (a.time === b2.time && a.index > b2.index)).toBe(true);
        }
        const oldest = queryAuditRows(rows, {}, { order: 'oldest', offset: 0, limit: 1000 }).rows;
        expect(oldest.map((r) => r.index)).toEqual([...all].reverse().map((r) => r.index));
        const paged: number[] = [];
        for (let offset = 0; ; offset += limit) {
          const p = queryAuditRows(rows, {}, { order: 'newest', offset, limit });
          paged.push(...p.rows.map((r) => r.index));
          expect(p.more).toBe(Math.max(0, all.length - offset - limit));
          if (p.more === 0) break;
        }
        expect(paged).toEqual(all.map((r) => r.index));
      }),
    );
  });

  it('matches a patient by ID or name in any case, a user by ID or name, an event by its ID or type code', () => {
    const rows = recordsOf([
      { kind: 'opened', patient: PATIENTS[1], user: USERS[0], outcome: 0, at: 0 },
      { kind: 'start', patient: undefined, user: USERS[1], outcome: 0, at: DAY },
    ]).map(auditRow);
    const indices = (f: AuditFilters) => queryAuditRows(rows, f, { order: 'oldest', offset: 0, limit: 10 }).rows.map((r) => r.index);
    expect(indices({ patient: 'HANAKO' })).toEqual([0]);
    expect(indices({ patient: 'pid-2' })).toEqual([0]);
    expect(indices({ patient: 'PID-1' })).toEqual([]);
    expect(indices({ user: 'dr tanaka' })).toEqual([0]);
    expect(indices({ user: 'SATO' })).toEqual([1]);
    expect(indices({ event: '110120' })).toEqual([1]);
    expect(indices({ event: '110100' })).toEqual([1]);
    // A day's window: from inclusive, to exclusive.
    expect(indices({ from: new Date(T0 + DAY).toISOString() })).toEqual([1]);
    expect(indices({ to: new Date(T0 + DAY).toISOString() })).toEqual([0]);
  });

  it('offers every known event, and counts those in the log', () => {
    const rows = recordsOf([
      { kind: 'query', patient: undefined, user: undefined, outcome: 0, at: 0 },
      { kind: 'query', patient: undefined, user: undefined, outcome: 0, at: 1 },
    ]).map(auditRow);
    const choices = eventChoices(rows);
    expect(choices.find((c) => c.code === '110112')).toEqual({ code: '110112', name: 'Query', count: 2 });
    expect(choices.find((c) => c.code === '110101')).toEqual({ code: '110101', name: 'Audit Log Used', count: 0 });
    expect(choices).toHaveLength(15);
  });
});

describe('record detail', () => {
  it('indents the message without changing what it says', () => {
    fc.assert(
      fc.property(eventArb, (e) => {
        const xml = build(e).xml;
        const pretty = prettyAuditXml(xml);
        expect(pretty.split('\n').length).toBeGreaterThan(3);
        const strip = (el: ReturnType<typeof parseXml>): unknown => ({ name: el.name, attrs: el.attrs, text: el.text.trim(), children: el.children.map(strip) });
        expect(strip(parseXml(pretty))).toEqual(strip(parseXml(xml)));
      }),
    );
  });

  it('decodes a query’s keys and an alert’s description', () => {
    const ctx: b.AuditContext = { application: 'dokuei@ws1' };
    expect(decodedValues(b.query(ctx, { node: { name: 'PACS' }, keys: { PatientID: 'ID 7&8', QueryRetrieveLevel: 'STUDY' } }).xml)).toEqual([{ label: 'Query', value: 'PatientID=ID 7&8  QueryRetrieveLevel=STUDY' }]);
    expect(decodedValues(b.securityAlert(ctx, { type: EventTypeCode.NodeAuthentication, subject: 'x', description: '山田 refused' }).xml)).toEqual([{ label: 'Alert Description', value: '山田 refused' }]);
  });
});
