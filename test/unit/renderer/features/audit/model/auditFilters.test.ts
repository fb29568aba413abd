/**
 * The audit panel's form as the reader fills it: local days become the instants the services filter on (a single
 * day is From = To), impossible days and reversed ranges are refused with a sentence, the chain status line, and the
 * table's keys.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, formatLocalTime, localDayStart, moveInTable, patientsText, readErrorText, requestFromForm, verifyLines } from '../../../../../../renderer/features/audit/model/auditFilters';

describe('requestFromForm', () => {
  it('sends only the filters given, trimmed, with the order', () => {
    expect(requestFromForm(EMPTY_FORM, 'newest')).toEqual({ request: { order: 'newest' } });
    expect(requestFromForm({ ...EMPTY_FORM, patient: '  PID-1 ', user: ' ', event: '110112' }, 'oldest')).toEqual({ request: { order: 'oldest', patient: 'PID-1', event: '110112' } });
  });

  it('turns local days into instants: From at the day’s start, To at the next day’s start', () => {
    const r = requestFromForm({ ...EMPTY_FORM, from: '2026-03-01', to: '2026-03-01' }, 'newest');
    expect(r).toEqual({ request: { order: 'newest', from: new Date(2026, 2, 1).toISOString(), to: new Date(2026, 2, 2).toISOString() } });
    // Month and year ends roll over.
    const end = requestFromForm({ ...EMPTY_FORM, to: '2026-12-31' }, 'newest');
    expect('request' in end && end.request.to).toBe(new Date(2027, 0, 1).toISOString());
  });

  it('refuses days that do not exist and a From after the To', () => {
    expect(requestFromForm({ ...EMPTY_FORM, from: '2026-02-30' }, 'newest')).toEqual({ error: 'From: not a date (YYYY-MM-DD).' });
    expect(requestFromForm({ ...EMPTY_FORM, to: '2026-3-1' }, 'newest')).toEqual({ error: 'To: not a date (YYYY-MM-DD).' });
    expect(requestFromForm({ ...EMPTY_FORM, from: '2026-03-02', to: '2026-03-01' }, 'newest')).toEqual({ error: 'The "From" day is after the "To" day.' });
    expect(localDayStart('2024-02-29')?.getDate()).toBe(29);
    expect(localDayStart('2025-02-29')).toBeUndefined();
  });
});

describe('what the panel shows', () => {
  it('times on the reader’s clock', () => {
    const local = new Date(2026, 2, 1, 9, 5, 7);
    expect(formatLocalTime(local.toISOString())).toBe('2026-03-01 09:05:07');
    expect(formatLocalTime('not a time')).toBe('not a time');
  });

  it('patients as ID (name), without a name that only repeats the ID', () => {
    const row = { index: 0, time: '', eventId: '110103', eventName: '', outcome: 0, studyUids: [] };
    expect(patientsText({ ...row, patients: [{ id: 'P1', name: 'YAMADA^TARO' }, { id: 'LIDC-0314', name: 'LIDC-0314' }, { id: 'P3' }] })).toBe('P1 (YAMADA^TARO), LIDC-0314, P3');
  });

  it('the chain status: intact with its count, or each problem by record', () => {
    expect(verifyLines({ ok: true, records: 1, problems: [] })).toEqual({ ok: true, head: 'Chain intact — 1 record', problems: [] });
    expect(verifyLines({ ok: true, records: 42, problems: [] }).head).toBe('Chain intact — 42 records');
    expect(verifyLines({ ok: false, records: 5, problems: [{ index: 2, reason: 'edited (hash mismatch)' }, { index: 4, reason: 'removed (record 4 is missing)' }] })).toEqual({
      ok: false,
      head: 'Chain broken — 2 problems:',
      problems: ['record 2: edited (hash mismatch)', 'record 4: removed (record 4 is missing)'],
    });
  });

  it('a read error always says the log cannot be read, once', () => {
    expect(readErrorText('The audit log cannot be read: EACCES')).toBe('The audit log cannot be read: EACCES');
    expect(readErrorText('Could not reach the Dokuei services (audit.list): fetch failed')).toBe('The audit log cannot be read: Could not reach the Dokuei services (audit.list): fetch failed');
  });
});

describe('moveInTable', () => {
  it('moves with the arrows, Home/End and pages, staying inside the table', () => {
    expect(moveInTable(-1, 5, 'ArrowDown')).toBe(0);
    expect(moveInTable(0, 5, 'ArrowDown')).toBe(1);
    expect(moveInTable(4, 5, 'ArrowDown')).toBe(4);
    expect(moveInTable(0, 5, 'ArrowUp')).toBe(0);
    expect(moveInTable(3, 5, 'ArrowUp')).toBe(2);
    expect(moveInTable(3, 5, 'Home')).toBe(0);
    expect(moveInTable(1, 5, 'End')).toBe(4);
    expect(moveInTable(1, 30, 'PageDown')).toBe(11);
    expect(moveInTable(5, 30, 'PageUp')).toBe(0);
    expect(moveInTable(2, 5, 'a')).toBe(2);
    expect(moveInTable(-1, 0, 'ArrowDown')).toBe(-1);
  });
});
