/**
 * `dokuei audit ls|show INDEX|verify|export|forwarding [--out FILE] [--data-dir DIR] [--json]`: the audit trail from the
 * command line. Reading the log is itself audited: ls, show and export append an "Audit Log Used" record
 * once they have read it (verify only checks, and leaves the log as it found it). `export --out FILE` is also an
 * Export record: the file holds the patients' identities outside the encrypted log.
 * The --json shapes are interfaces: extend, never rename.
 * Exit codes: 0 ok, 1 verify found problems or no such record, 2 usage error.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { auditLogExported, auditLogUsed, type AuditContext, type PatientRef, type StudyRef } from '../../common/audit/builders';
import { ObjectRole, Outcome, ParticipantObjectIdType } from '../../common/audit/codes';
import type { AuditRecord } from '../../common/audit/chain';
import { summarizeAuditXml, type AuditSummary } from '../../common/audit/summary';
import { child, childrenNamed, escapeXmlAttr, parseXml } from '../../common/audit/xml';
import type { AuditLog } from '../services/audit/auditLog';
import { forwardingReport } from '../services/audit/forwarding/forwardingReport';
import { ConfSettingsStore, type AuditForwardingSettings } from '../services/settings/settings';
import { CliUsageError, type CliIo } from './pacsCommands';
import { ct, helpEntry } from './i18n/cliText';
import { columns, padColumns } from './i18n/columns';

/** The audit lines of `dokuei --help`, in the reader's language (built when printed: the language is the run's). */
export function auditUsage(): string {
  return [
    helpEntry('  dokuei audit ls [--json]', 'audit.usage.ls'),
    helpEntry('  dokuei audit show INDEX', 'audit.usage.show'),
    helpEntry('  dokuei audit verify [--json]', 'audit.usage.verify'),
    helpEntry('  dokuei audit export [--out FILE]', 'audit.usage.export'),
    helpEntry('  dokuei audit forwarding [--json]', 'audit.usage.forwarding'),
  ].join('\n');
}

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

/** The patients (with their names as recorded) and studies the records name: what an exported copy discloses. */
export function identitiesIn(records: readonly AuditRecord[]): { patients: PatientRef[]; studies: StudyRef[] } {
  const patients = new Map<string, PatientRef>();
  const studies = new Set<string>();
  for (const r of records) {
    let objects;
    try {
      objects = childrenNamed(parseXml(r.xml), 'ParticipantObjectIdentification');
    } catch {
      continue; // 'dokuei audit verify' reports it; the copy holds it as it is
    }
    for (const o of objects) {
      const id = o.attrs.ParticipantObjectID;
      if (id === undefined) continue;
      if (o.attrs.ParticipantObjectTypeCodeRole === String(ObjectRole.Patient)) {
        // A patient whose name was not known is named by its ID in the message (the schema wants a name).
        const text = child(o, 'ParticipantObjectName')?.text;
        const name = text !== undefined && text !== id ? text : undefined;
        if (name !== undefined || !patients.has(id)) patients.set(id, name !== undefined ? { id, name } : { id });
      } else if (child(o, 'ParticipantObjectIDTypeCode')?.attrs['csd-code'] === ParticipantObjectIdType.StudyInstanceUid.code) studies.add(id);
    }
  }
  return { patients: [...patients.values()], studies: [...studies].map((uid) => ({ uid })) };
}

/**
 * `options.forwarding`: the audit.forwarding settings (default: read from the data folder's settings.json, the
 * folder that holds the log's `audit/`).
 */
export async function auditCommand(
  log: AuditLog,
  context: AuditContext,
  args: string[],
  options: { json: boolean; out?: string; forwarding?: AuditForwardingSettings | null },
  io: CliIo,
): Promise<number> {
  const [sub, arg] = args;
  const used = () => log.append(auditLogUsed(context, { logUri: log.uri }));
  switch (sub) {
    case 'ls': {
      const { entries } = await log.readAll();
      const records = entries.filter((e): e is AuditRecord => !('unreadable' in e));
      if (records.length < entries.length) io.err(`${ct('audit.ls.unreadable', { n: entries.length - records.length })}\n`);
      const list = records.map(summarize);
      if (options.json) io.out(JSON.stringify(list, null, 2));
      else
        for (const s of list) {
          const who = s.user ? `  ${s.user}` : '';
          const patients = s.patientIds?.length ? `  ${ct('audit.ls.patients', { ids: s.patientIds.join(',') })}` : '';
          const studies = s.studyUids?.length ? `  ${ct('audit.ls.studies', { uids: s.studyUids.join(',') })}` : '';
          // The event type is the DICOM code's meaning as recorded (an interface of the trail): not translated.
          io.out(`${String(s.index).padStart(6)}  ${s.time}  ${s.eventId}${s.eventType ? ` ${s.eventType}` : ''}  ${ct('audit.ls.outcome', { outcome: s.outcome })}${who}${patients}${studies}`);
        }
      await used();
      return 0;
    }
    case 'show': {
      if (arg === undefined || !/^[0-9]+$/.test(arg)) throw new CliUsageError(ct('audit.show.needsIndex'));
      const index = Number(arg);
      const record = (await log.records()).find((r) => r.index === index);
      if (!record) {
        io.err(`${ct('audit.show.noRecord', { index })}\n`);
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
        io.out(report.ok ? ct('audit.verify.intact', { records: report.records }) : ct('audit.verify.problems', { records: report.records, problems: report.problems.length }));
        // The reason is the log's own English sentence (also in --json): not keyed.
        for (const p of report.problems) io.out(`  ${ct('audit.verify.problem', { index: p.index, reason: p.reason })}`);
      }
      return report.ok ? 0 : 1;
    }
    case 'export': {
      const records = await log.records();
      const doc = exportDocument(records);
      if (!options.out) {
        io.out(doc.trimEnd());
        await used();
        return 0;
      }
      // Recorded whether or not the write succeeds: a failed one may still have left part of the file.
      const exported = (outcome: typeof Outcome.Success | typeof Outcome.MinorFailure, why?: string) =>
        log.append(auditLogExported(context, { logUri: log.uri, destination: pathToFileURL(options.out!).href, ...identitiesIn(records), outcome, ...(why ? { outcomeDescription: why } : {}) }));
      try {
        await fs.writeFile(options.out, doc, { mode: 0o600 });
      } catch (err) {
        await used();
        await exported(Outcome.MinorFailure, `could not write ${options.out}: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
      await used();
      await exported(Outcome.Success);
      return 0;
    }
    case 'forwarding': {
      // Counts and settings only, no patient data: not an Audit Log Used (like verify).
      const settings = options.forwarding !== undefined ? (options.forwarding ?? undefined) : new ConfSettingsStore(path.dirname(log.dir)).get().audit?.forwarding;
      const r = await forwardingReport(log.dir, settings, await log.records());
      if (options.json) {
        io.out(JSON.stringify(r, null, 2));
        return 0;
      }
      // The values line up after the widest label of the language, shown or not ("Cursor file:" in English).
      const names = ['forwarding', 'forwarder', 'delivered', 'queued', 'lastError', 'cursorFile'] as const;
      const width = Math.max(...names.map((n) => columns(ct(`audit.forwarding.label.${n}`))));
      const line = (name: (typeof names)[number], value: string) => io.out(`${padColumns(ct(`audit.forwarding.label.${name}`), width)} ${value}`);
      line('forwarding', r.enabled ? ct('audit.forwarding.on', { target: String(r.target) }) : r.target ? ct('audit.forwarding.offConfigured', { target: r.target }) : ct('audit.forwarding.off'));
      line('forwarder', r.forwarderPid !== null ? ct('audit.forwarding.running', { pid: r.forwarderPid }) : ct('audit.forwarding.noForwarder'));
      line('delivered', r.cursor === null ? ct('audit.forwarding.nothingYet') : r.lastDeliveredAt ? ct('audit.forwarding.upToAt', { cursor: r.cursor, at: r.lastDeliveredAt }) : ct('audit.forwarding.upTo', { cursor: r.cursor }));
      line('queued', ct('audit.forwarding.queued', { n: r.queued }));
      // The error is the TLS connection's own message, as the forwarder recorded it: not keyed.
      if (r.lastError) line('lastError', ct('audit.forwarding.lastError', { error: r.lastError, at: r.lastErrorAt ?? '?' }));
      if (r.stateProblem) line('cursorFile', ct('audit.forwarding.cursorUnreadable', { problem: r.stateProblem }));
      return 0;
    }
    default:
      throw new CliUsageError(ct('audit.unknown', { sub: sub ?? '' }));
  }
}
