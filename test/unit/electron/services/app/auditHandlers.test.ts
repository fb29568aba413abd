/**
 * The audit panel's channels over the real, encrypted audit log, called as the renderer calls them (through the
 * contract's dispatch, so requests are validated): what they list and show, that the panel's reading is itself
 * recorded once per listing (not per row, page or detail), the chain status, and the errors a reader can meet.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as b from '../../../../../common/audit/builders';
import type { CallContext, Handlers, RequestChannel } from '../../../../../common/ipc/contract';
import { dispatch } from '../../../../../common/ipc/dispatch';
import type { WireResult } from '../../../../../common/ipc/errors';
import { createAuditHandlers } from '../../../../../electron/services/app/auditHandlers';
import { createHandlers } from '../../../../../electron/services/app/handlers';
import { RetrieveJobs } from '../../../../../electron/services/jobs/retrieveJobs';
import { NodeHealth } from '../../../../../electron/services/pacs/nodeHealth';
import { openTestAudit, type TestAudit } from '../../../../support/auditTrail';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

const ctxOf = (windowId: string): CallContext => ({ windowId, emit: () => {} });
let dir: string;
let audit: TestAudit;
let handlers: Handlers;

/** A call as the renderer makes it: validated by the contract, errors as wire errors. */
async function call<T = unknown>(channel: RequestChannel, request: unknown, windowId = 'w1'): Promise<WireResult<T>> {
  return (await dispatch(handlers, channel, request, ctxOf(windowId))) as WireResult<T>;
}
async function ok<T>(channel: RequestChannel, request: unknown, windowId = 'w1'): Promise<T> {
  const r = await call<T>(channel, request, windowId);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}
type ListResult = { upTo: number | null; rows: { index: number; eventId: string; patients: { id: string; name?: string }[]; user?: string }[]; total: number; more: number; records: number; unreadable: number; events: { code: string; count: number }[] };

const ctx = (user: string): b.AuditContext => ({ application: 'dokuei@ws1', host: 'ws1', user: { id: user } });
const study = { uid: '1.2.840.99' };
const usedCount = async () => (await audit.records()).filter((r) => r.eventId === '110101').length;

beforeEach(async () => {
  dir = await makeTempDir('dokuei-audit-panel-');
  audit = await openTestAudit(path.join(dir, 'data'));
  handlers = { audit: createAuditHandlers({ log: audit.log, sink: audit.sink }) } as unknown as Handlers;
  const t = (d: string) => new Date(`2026-03-0${d}T10:00:00.000Z`);
  await audit.log.append(b.applicationActivity(ctx('tanaka'), { kind: 'start', time: t('1') }));
  await audit.log.append(b.query(ctx('tanaka'), { node: { name: 'PACS' }, keys: { PatientID: 'PID-1' }, time: t('1') }));
  await audit.log.append(b.studyOpened(ctx('tanaka'), { study, patient: { id: 'PID-1', name: 'YAMADA^TARO' }, time: t('2') }));
  await audit.log.append(b.studyOpened(ctx('sato'), { study: { uid: '1.2.840.100' }, patient: { id: 'PID-2', name: 'SUZUKI^HANAKO' }, time: t('3') }));
});
afterEach(async () => {
  await audit.log.close();
  await removeDir(dir);
});

describe('audit.list', () => {
  it('lists the records newest first, filtered by patient, user and event', async () => {
    const all = await ok<ListResult>('audit.list', {});
    expect(all.rows.map((r) => r.index)).toEqual([3, 2, 1, 0]);
    expect(all).toMatchObject({ total: 4, more: 0, records: 4, unreadable: 0 });
    expect(all.events.find((e) => e.code === '110103')?.count).toBe(2);

    const byName = await ok<ListResult>('audit.list', { patient: 'yamada' });
    expect(byName.rows.map((r) => r.index)).toEqual([2]);
    expect(byName.rows[0]!.patients).toEqual([{ id: 'PID-1', name: 'YAMADA^TARO' }]);
    expect((await ok<ListResult>('audit.list', { user: 'sato' })).rows.map((r) => r.index)).toEqual([3]);
    expect((await ok<ListResult>('audit.list', { event: '110112' })).rows.map((r) => r.eventId)).toEqual(['110112']);
    expect((await ok<ListResult>('audit.list', { event: '110120', order: 'oldest' })).rows.map((r) => r.index)).toEqual([0]);
  });

  it('filters by instants, "from" inclusive and "to" exclusive, and refuses a range that ends before it starts', async () => {
    // The records' own times are when they were appended (now); the window around now holds them all.
    const now = Date.now();
    const before = new Date(now - 3_600_000).toISOString();
    const after = new Date(now + 3_600_000).toISOString();
    expect((await ok<ListResult>('audit.list', { from: before, to: after })).total).toBe(4);
    expect((await ok<ListResult>('audit.list', { from: after })).total).toBe(0);
    const refused = await call('audit.list', { from: after, to: before });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(!refused.ok && refused.error.message).toMatch(/"from" date must be before the "to" date/);
    expect(await call('audit.list', { from: '2026-03-01' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await call('audit.list', { limit: 100000 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('pages: "more" counts what is left, and the pages together are the whole listing', async () => {
    const first = await ok<ListResult>('audit.list', { limit: 3 });
    expect(first.rows.map((r) => r.index)).toEqual([3, 2, 1]);
    expect(first.more).toBe(1);
    expect(first.upTo).toBe(3);
    // The first page's own Audit Log Used (record 4) is appended meanwhile: the next page does not shift.
    expect(await usedCount()).toBe(1);
    const second = await ok<ListResult>('audit.list', { limit: 3, offset: 3, upTo: first.upTo });
    expect(second.rows.map((r) => r.index)).toEqual([0]);
    expect(second.more).toBe(0);
  });
});

describe('reading the log is audited', () => {
  it('one Audit Log Used per listing; its pages and details are part of it; verify is not a reading', async () => {
    await ok('audit.list', {});
    expect(await usedCount()).toBe(1);
    await ok('audit.list', { offset: 2 });
    await ok('audit.show', { index: 2 });
    await ok('audit.show', { index: 3 });
    await ok('audit.verify', {});
    expect(await usedCount()).toBe(1);
    // Applying a filter is a new reading.
    await ok('audit.list', { patient: 'PID-1' });
    expect(await usedCount()).toBe(2);
    // A window that never listed, asking for a detail, is recorded on its own (once).
    await ok('audit.show', { index: 0 }, 'w2');
    await ok('audit.show', { index: 1 }, 'w2');
    expect(await usedCount()).toBe(2 + 1);
    // The record names the log and who read it; the next listing shows it.
    const used = (await audit.records()).filter((r) => r.eventId === '110101');
    expect(used[0]!.xml).toContain(audit.log.uri);
    expect(used[0]!.user).toBe('reader');
    expect((await ok<ListResult>('audit.list', { event: '110101' })).total).toBe(3);
  });
});

describe('audit.show and audit.verify', () => {
  it('shows one record: its message indented, its hashes and decoded query keys', async () => {
    const d = await ok<{ row: { index: number; eventName: string }; xml: string; hash: string; prevHash: string; decoded: { label: string; value: string }[] }>('audit.show', { index: 1 });
    const stored = (await audit.log.records())[1]!;
    expect(d.row).toMatchObject({ index: 1, eventName: 'Query' });
    expect(d.hash).toBe(stored.hash);
    expect(d.prevHash).toBe((await audit.log.records())[0]!.hash);
    expect(d.xml.split('\n')[0]).toBe('<AuditMessage>');
    expect(d.xml).toMatch(/\n {2}<EventIdentification /);
    expect(d.decoded).toEqual([{ label: 'Query', value: 'PatientID=PID-1' }]);
    // The English message for logs and older clients, and the key the UI words in the reader's language (#18).
    expect(await call('audit.show', { index: 99 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'No audit record 99', says: { key: 'services.audit.noRecord', values: { index: 99 } } } });
  });

  it('says the chain is intact, and names the record when a byte of the log was changed', async () => {
    expect(await ok('audit.verify', {})).toEqual({ ok: true, records: 4, problems: [] });
    const file = path.join(dir, 'data', 'audit', 'audit.log');
    const bytes = await fs.readFile(file);
    // A byte in the middle of the file: inside the third or so frame, which then fails authentication.
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0x01;
    await fs.writeFile(file, bytes);
    const v = await ok<{ ok: boolean; problems: { index: number; reason: string }[] }>('audit.verify', {});
    expect(v.ok).toBe(false);
    expect(v.problems.some((p) => p.reason === 'unreadable (altered)')).toBe(true);
    const list = await ok<ListResult>('audit.list', {});
    expect(list.unreadable).toBe(1);
    expect(list.records).toBe(3);
  });

  it('says why the log cannot be read, and that there is none in a host without one', async () => {
    const file = path.join(dir, 'data', 'audit', 'audit.log');
    await fs.rm(file);
    await fs.mkdir(file);
    const r = await call('audit.list', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(!r.ok && r.error.message).toMatch(/^The audit log cannot be read: EISDIR/);
    expect(await call('audit.verify', {})).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^The audit log cannot be read: /) } });

    handlers = { audit: createAuditHandlers({}) } as unknown as Handlers;
    expect(await call('audit.list', {})).toMatchObject({ ok: false, error: { message: 'The audit log cannot be read: there is none in this host' } });
  });
});

describe('createHandlers', () => {
  it('serves the audit channels from the log it is given, recording the reading through the sink', async () => {
    const archive = await openTestArchive(path.join(dir, 'archive'));
    try {
      handlers = createHandlers({
        store: archive,
        archive,
        health: new NodeHealth(),
        upstreams: [],
        nodes: () => [],
        jobs: new RetrieveJobs({ nodes: () => [], store: archive }),
        host: 'browser',
        version: 'test',
        dataPlaneBaseUrl: '',
        log: () => {},
        audit: audit.sink,
        auditLog: audit.log,
      });
      expect((await ok<ListResult>('audit.list', { patient: 'PID-2' })).rows.map((r) => r.index)).toEqual([3]);
      expect(await usedCount()).toBe(1);
    } finally {
      await archive.close();
    }
  });
});
