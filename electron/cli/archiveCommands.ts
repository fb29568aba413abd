/**
 * `dokuei archive ls|usage|verify|pin STUDY|unpin STUDY|evict STUDY [--archive DIR] [--json]`: the
 * encrypted local archive from the command line. The --json shapes are interfaces: extend, never rename.
 * Exit codes: 0 ok, 1 verify found problems or the study is not there, 2 usage error.
 */
import { formatDicomDate } from '../../common/dicom/dicomJson';
import { studyFromDicomJson } from '../../common/dicom/model';
import { studyUid, type StudyInstanceUid } from '../../common/dicom/uid';
import { describeJournalDamage, type EncryptedArchive } from '../services/archive/encryptedArchive';
import { CliUsageError, type CliIo } from './pacsCommands';
import { ct, helpEntry } from './i18n/cliText';
import { columns, padColumns } from './i18n/columns';

/** The archive lines of `dokuei --help`, in the reader's language (built when printed: the language is the run's). */
export function archiveUsage(): string {
  return [
    helpEntry('  dokuei archive ls [--json]', 'archive.usage.ls'),
    helpEntry('  dokuei archive usage [--json]', 'archive.usage.usage'),
    helpEntry('  dokuei archive verify [--json]', 'archive.usage.verify'),
    helpEntry('  dokuei archive pin|unpin STUDY_UID', 'archive.usage.pin'),
    helpEntry('  dokuei archive evict STUDY_UID', 'archive.usage.evict'),
  ].join('\n');
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

export async function archiveCommand(archive: EncryptedArchive, args: string[], json: boolean, io: CliIo): Promise<number> {
  const [sub, arg] = args;
  switch (sub) {
    case 'ls': {
      const usage = new Map(archive.usage().studies.map((s) => [s.study, s]));
      const studies = archive
        .studies()
        .map(studyFromDicomJson)
        .filter((s) => !!s)
        .map((s) => {
          const u = usage.get(s.studyInstanceUid);
          return { ...s, bytes: u?.bytes ?? 0, pinned: u?.pinned ?? false, lastAccess: u?.lastAccess ?? null, state: u?.state ?? null };
        });
      if (json) io.out(JSON.stringify({ root: archive.root, ...archive.counts(), studies }, null, 2));
      else {
        io.out(ct('archive.ls.summary', { root: archive.root, studies: studies.length, size: mib(archive.usage().totalBytes) }));
        for (const s of studies) {
          io.out(
            `  ${formatDicomDate(s.studyDate)}  ${s.patientId}  ${s.patientNameText || ct('archive.noName')}  ${s.modalities.join('/')}  ${ct('archive.images', { n: s.numberOfInstances ?? '?' })}  ${mib(s.bytes)}${s.pinned ? `  ${ct('archive.pinned')}` : ''}  ${s.studyInstanceUid}`,
          );
        }
      }
      return 0;
    }
    case 'usage': {
      const usage = archive.usage();
      if (json) io.out(JSON.stringify({ root: archive.root, ...usage }, null, 2));
      else {
        const used = mib(usage.totalBytes);
        io.out(usage.quotaBytes !== undefined ? ct('archive.usageReport.totalOfQuota', { root: archive.root, used, quota: mib(usage.quotaBytes) }) : ct('archive.usageReport.total', { root: archive.root, used }));
        for (const [m, b] of Object.entries(usage.byModality).sort()) io.out(`  ${m.padEnd(4)} ${mib(b)}`);
        io.out(ct('archive.usageReport.studies'));
        for (const s of usage.studies) io.out(`  ${s.lastAccess}  ${mib(s.bytes).padStart(10)}  ${ct('archive.images', { n: s.instances })}${s.pinned ? `  ${ct('archive.pinned')}` : ''}  ${s.study}`);
      }
      return 0;
    }
    case 'verify': {
      const report = await archive.verify();
      // Conflicting copies kept aside are reported but are no fault of the archive: they wait for a person.
      const bad = report.corrupt.length + report.missing.length + report.orphans.length + report.incomplete.length + report.journal.length;
      if (json) io.out(JSON.stringify({ root: archive.root, ...report, ok: bad === 0 }, null, 2));
      else {
        io.out(
          ct('archive.verify.summary', {
            checked: report.checked,
            corrupt: report.corrupt.length,
            incomplete: report.incomplete.length,
            missing: report.missing.length,
            orphans: report.orphans.length,
            conflicts: report.conflicts.length,
            journal: report.journal.length,
          }),
        );
        // The labels line up as a column in any language ("incomplete", the longest English one, sets it in English).
        const kinds = ['journal', 'corrupt', 'incomplete', 'missing', 'orphan', 'conflict'] as const;
        const labels = Object.fromEntries(kinds.map((k) => [k, ct(`archive.verify.${k}`)])) as Record<(typeof kinds)[number], string>;
        const width = Math.max(...Object.values(labels).map(columns));
        const label = (k: (typeof kinds)[number]) => `  ${padColumns(labels[k], width)} `;
        // The reasons are the archive's own English sentences (also the --json interface): not keyed.
        for (const p of report.journal) io.out(`${label('journal')}${describeJournalDamage(p)}`);
        for (const p of report.corrupt) io.out(`${label('corrupt')}${p.file}  ${p.instance ?? ''}: ${p.reason}`);
        for (const p of report.incomplete) io.out(`${label('incomplete')}${p.file}  ${p.instance ?? ''}: ${p.reason}`);
        for (const p of report.missing) io.out(`${label('missing')}${p.file}  ${p.instance ?? ''}`);
        for (const p of report.orphans) io.out(`${label('orphan')}${p.file}`);
        for (const p of report.conflicts) io.out(`${label('conflict')}${p.file}  ${p.instance ?? ''}: ${p.reason}`);
      }
      return bad ? 1 : 0;
    }
    case 'pin':
    case 'unpin':
    case 'evict': {
      if (!arg) throw new CliUsageError(ct('archive.needsStudy', { sub }));
      let study: StudyInstanceUid;
      try {
        study = studyUid(arg);
      } catch {
        throw new CliUsageError(ct('archive.notUid', { arg }));
      }
      if (sub === 'evict') {
        if (!archive.hasStudy(study)) {
          if (json) io.out(JSON.stringify({ study, evicted: false, instances: 0, bytes: 0 }));
          else io.out(ct('archive.notThere', { study }));
          return 1;
        }
        const r = await archive.evict(study);
        if (json) io.out(JSON.stringify({ study, evicted: true, ...r }));
        else io.out(ct('archive.evicted', { study, images: r.instances, size: mib(r.bytes) }));
        return 0;
      }
      if (sub === 'pin') await archive.pin(study);
      else await archive.unpin(study);
      const present = archive.hasStudy(study);
      if (json) io.out(JSON.stringify({ study, pinned: sub === 'pin', present }));
      else io.out(ct(`archive.${sub}.${present ? 'done' : 'doneAbsent'}`, { study }));
      return 0;
    }
    default:
      throw new CliUsageError(ct('archive.unknown', { sub: sub ?? '' }));
  }
}
