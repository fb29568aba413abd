/**
 * `dokuei audit ls|show INDEX|verify|export [--out FILE] [--data-dir DIR] [--json]`: the audit trail from the
 * command line. Reading the log is itself audited: ls, show and export append an "Audit Log Used" record
 * once they have read it (verify only checks, and leaves the log as it found it).
 * The --json shapes are interfaces: extend, never rename.
 * Exit codes: 0 ok, 1 verify found problems or no such record, 2 usage error.
 */
import { promises as fs } from 'node:fs';
import { auditLogUsed, type AuditContext } from '../../common/audit/builders';
import type { AuditRecord } from '../../common/audit/chain';
import { summarizeAuditXml, type AuditSummary } from '../../common/audit/summary';
import { escapeXmlAttr } from '../../common/audit/xml';
import type { AuditLog } from '../services/audit/auditLog';
import { CliUsageError, type CliIo } from './pacsCommands';

export const AUDIT_USAGE = `  dokuei audit ls [--json]                the audit trail: one line per record (event, outcome, user, patients)
  dokuei audit show INDEX                 one record's DICOM audit message (XML)
  dokuei audit verify [--json]            check the hash chain: edited, removed, inserted, reordered records
                                          and a cut-off tail; exits 1 when anything is wrong
  dokuei audit export [--out FILE]        every record as one XML document (stdout, or FILE)`;

export interface AuditListEntry extends Omit<AuditSummary, 'action'> {
  index: number;
  time: string;
}

function summarize(r: AuditRecord): AuditListEntry {
  try {
    const { action: _action, ...s } = summarizeAuditXml(r.xml);
    return { index: r.index, time: r.time, ...s, eventId: r.eventId };
  } catch {
    return { index: r.index, time: r.time, eventId: r.eventId, outcome: NaN };
  }
}

/** The export document: each message wrapped with its chain fields, so the chain can be checked elsewhere. */
export function exportDocument(records: readonly AuditRecord[]): string {
  const body = records
    .map((r) => `<AuditRecord index="${r.index}" time="${escapeXmlAttr(r.time)}" eventId="${escapeXmlAttr(r.eventId)}" prevHash="${escapeXmlAttr(r.prevHash)}" hash="${escapeXmlAttr(r.hash)}">\n${r.xml}\n</AuditRecord>\n`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<AuditLog records="${records.length}">\n${body}</AuditLog>\n`;
}

export async function auditCommand(log: AuditLog, context: AuditContext, args: string[], options: { json: boolean; out?: string }, io: CliIo): Promise<number> {
  const [sub, arg] = args;
  const used = () => log.append(auditLogUsed(context, { logUri: log.uri }));
  switch (sub) {
    case 'ls': {
      const { entries } = await log.readAll();
      const records = entries.filter((e): e is AuditRecord => !('unreadable' in e));
      if (records.length < entries.length) io.err(`${entries.length - records.length} record(s) could not be read: run 'dokuei audit verify'\n`);
      const list = records.map(summarize);
      if (options.json) io.out(JSON.stringify(list, null, 2));
      else
        for (const s of list) {
          const who = s.user ? `  ${s.user}` : '';
          const patients = s.patientIds?.length ? `  patient ${s.patientIds.join(',')}` : '';
          const studies = s.studyUids?.length ? `  study ${s.studyUids.join(',')}` : '';
          io.out(`${String(s.index).padStart(6)}  ${s.time}  ${s.eventId}${s.eventType ? ` ${s.eventType}` : ''}  outcome ${s.outcome}${who}${patients}${studies}`);
        }
      await used();
      return 0;
    }
    case 'show': {
      if (arg === undefined || !/^[0-9]+$/.test(arg)) throw new CliUsageError('audit show needs a record INDEX (a number)');
      const index = Number(arg);
      const record = (await log.records()).find((r) => r.index === index);
      if (!record) {
        io.err(`No audit record ${index}\n`);
        return 1;
      }
      io.out(options.json ? JSON.stringify(record, null, 2) : record.xml);
      await used();
      return 0;
    }
    case 'verify': {
      const report = await log.verify();
      if (options.json) io.out(JSON.stringify({ ok: report.ok, records: report.records, problems: report.problems }));
      else {
        io.out(report.ok ? `${report.records} records: the chain is intact.` : `${report.records} records: ${report.problems.length} problem(s).`);
        for (const p of report.problems) io.out(`  record ${p.index}: ${p.reason}`);
      }
      return report.ok ? 0 : 1;
    }
    case 'export': {
      const doc = exportDocument(await log.records());
      if (options.out) await fs.writeFile(options.out, doc, { mode: 0o600 });
      else io.out(doc.trimEnd());
      await used();
      return 0;
    }
    default:
      throw new CliUsageError(`unknown audit command "${sub ?? ''}" (try: ls, show, verify, export)`);
  }
}
