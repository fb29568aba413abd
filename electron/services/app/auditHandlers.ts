/**
 * The audit panel's channels (audit.list, audit.show, audit.verify) over the audit log.
 *
 * Reading the log is itself audited (Audit Log Used, 110101), once per reading, not per row: each audit.list
 * from the first page (the panel opened, filters applied, the order changed) is one reading and one record. The
 * pages after it ("N more", which pass the first page's `upTo`) and the details opened from it belong to that reading; a window that asks for a page
 * or a detail without having listed first is recorded on its own. audit.verify checks the chain without showing
 * any record, and is not recorded (as `dokuei audit verify`). The record is appended after the read, so a
 * listing never contains its own Audit Log Used; the next one does.
 */
import { auditLogUsed } from '../../../common/audit/builders';
import type { AuditRecord, ChainReport, LogEntry } from '../../../common/audit/chain';
import type { AuditRow, Handlers } from '../../../common/ipc/contract';
import { DokueiError, ErrorCode } from '../../../common/ipc/errors';
import { says } from '../../../common/i18n/says';
import type { AuditSink } from '../audit/auditSink';
import { auditRow, decodedValues, eventChoices, prettyAuditXml, queryAuditRows } from './auditQuery';

/** What the panel needs of the audit log (AuditLog has this shape). */
export interface AuditLogReader {
  readAll(): Promise<{ entries: LogEntry[] }>;
  verify(): Promise<ChainReport>;
  /** The log's URI, as Audit Log Used names it. */
  readonly uri: string;
}

export interface AuditHandlerDeps {
  /** Absent: the host has no audit log, and the channels say so. */
  log?: AuditLogReader | undefined;
  /** Where the panel's own readings are recorded. */
  sink?: AuditSink | undefined;
}

const isRecord = (e: LogEntry): e is AuditRecord => !('unreadable' in e);

export function createAuditHandlers(deps: AuditHandlerDeps): Handlers['audit'] {
  /** Windows whose reading of the log has been recorded (their pages and details are part of it). */
  const readers = new Set<string>();
  /**
   * Rows by what they are read from (event ID and XML), so each message is parsed once per app session. Keyed by
   * content, not by the stored hash: a record edited behind the chain's back must show what it now says.
   */
  const rowCache = new Map<string, AuditRow>();
  const logOf = (): AuditLogReader => {
    if (!deps.log) throw new DokueiError(ErrorCode.Internal, 'The audit log cannot be read: there is none in this host', says('services.host.noAuditLog'));
    return deps.log;
  };
  const read = async (): Promise<{ records: AuditRecord[]; unreadable: number }> => {
    let entries: LogEntry[];
    try {
      ({ entries } = await logOf().readAll());
    } catch (err) {
      if (err instanceof DokueiError) throw err;
      throw new DokueiError(ErrorCode.Internal, `The audit log cannot be read: ${err instanceof Error ? err.message : String(err)}`, says('services.audit.unreadable', { reason: err instanceof Error ? err.message : String(err) }));
    }
    const records = entries.filter(isRecord);
    return { records, unreadable: entries.length - records.length };
  };
  const rowOf = (r: AuditRecord): AuditRow => {
    const key = `${r.eventId}\n${r.xml}`;
    let row = rowCache.get(key);
    if (!row) {
      if (rowCache.size >= 100_000) rowCache.clear();
      row = auditRow(r);
      rowCache.set(key, row);
    }
    return { ...row, index: r.index, time: r.time };
  };
  const recordReading = (windowId: string, fresh: boolean) => {
    if (!fresh && readers.has(windowId)) return;
    readers.add(windowId);
    const log = deps.log;
    if (log) deps.sink?.record((ctx) => auditLogUsed(ctx, { logUri: log.uri }));
  };

  return {
    list: async (request, ctx) => {
      const { records, unreadable } = await read();
      const rows = records.map(rowOf);
      // Records appended since the first page (this reading's own Audit Log Used among them) stay out of its pages.
      const upTo = request.upTo ?? rows.reduce<number | null>((m, r) => (m === null || r.index > m ? r.index : m), null);
      const covered = request.upTo === undefined ? rows : rows.filter((r) => r.index <= request.upTo!);
      const page = queryAuditRows(covered, request, { order: request.order, offset: request.offset, limit: request.limit });
      recordReading(ctx.windowId, request.offset === 0);
      return { ...page, offset: request.offset, upTo, records: records.length, unreadable, events: eventChoices(rows) };
    },
    show: async ({ index }, ctx) => {
      const { records } = await read();
      // An inserted copy can share an index: show the one stored first, as `dokuei audit show` does.
      const record = records.find((r) => r.index === index);
      if (!record) throw new DokueiError(ErrorCode.NotFound, `No audit record ${index}`, says('services.audit.noRecord', { index }));
      recordReading(ctx.windowId, false);
      return { row: rowOf(record), xml: prettyAuditXml(record.xml), hash: record.hash, prevHash: record.prevHash, decoded: decodedValues(record.xml) };
    },
    verify: async () => {
      try {
        const report = await logOf().verify();
        return { ok: report.ok, records: report.records, problems: report.problems };
      } catch (err) {
        if (err instanceof DokueiError) throw err;
        throw new DokueiError(ErrorCode.Internal, `The audit log cannot be read: ${err instanceof Error ? err.message : String(err)}`, says('services.audit.unreadable', { reason: err instanceof Error ? err.message : String(err) }));
      }
    },
  };
}
