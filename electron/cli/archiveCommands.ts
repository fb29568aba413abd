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

export const ARCHIVE_USAGE = `  dokuei archive ls [--json]              studies in the encrypted archive (pinned, open, last access)
  dokuei archive usage [--json]           bytes in use, by modality and per study (LRU order)
  dokuei archive verify [--json]          check every file's authentication tag, completeness and hash, and the index
  dokuei archive pin|unpin STUDY_UID      keep a study from (or return it to) quota eviction
  dokuei archive evict STUDY_UID          remove a study from the archive now`;

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
        io.out(`${archive.root}: ${studies.length} studies, ${mib(archive.usage().totalBytes)}`);
        for (const s of studies) {
          io.out(
            `  ${formatDicomDate(s.studyDate)}  ${s.patientId}  ${s.patientNameText || '(no name)'}  ${s.modalities.join('/')}  ${s.numberOfInstances ?? '?'} images  ${mib(s.bytes)}${s.pinned ? '  pinned' : ''}  ${s.studyInstanceUid}`,
          );
        }
      }
      return 0;
    }
    case 'usage': {
      const usage = archive.usage();
      if (json) io.out(JSON.stringify({ root: archive.root, ...usage }, null, 2));
      else {
        io.out(`${archive.root}: ${mib(usage.totalBytes)}${usage.quotaBytes !== undefined ? ` of ${mib(usage.quotaBytes)}` : ''}`);
        for (const [m, b] of Object.entries(usage.byModality).sort()) io.out(`  ${m.padEnd(4)} ${mib(b)}`);
        io.out('Studies, least recently used first:');
        for (const s of usage.studies) io.out(`  ${s.lastAccess}  ${mib(s.bytes).padStart(10)}  ${s.instances} images${s.pinned ? '  pinned' : ''}  ${s.study}`);
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
          `Checked ${report.checked} files: ${report.corrupt.length} corrupt, ${report.incomplete.length} incomplete, ${report.missing.length} missing, ${report.orphans.length} not in the index, ${report.conflicts.length} conflicting copies kept aside, ${report.journal.length} damaged in the index journal.`,
        );
        for (const p of report.journal) io.out(`  journal    ${describeJournalDamage(p)}`);
        for (const p of report.corrupt) io.out(`  corrupt    ${p.file}  ${p.instance ?? ''}: ${p.reason}`);
        for (const p of report.incomplete) io.out(`  incomplete ${p.file}  ${p.instance ?? ''}: ${p.reason}`);
        for (const p of report.missing) io.out(`  missing    ${p.file}  ${p.instance ?? ''}`);
        for (const p of report.orphans) io.out(`  orphan     ${p.file}`);
        for (const p of report.conflicts) io.out(`  conflict   ${p.file}  ${p.instance ?? ''}: ${p.reason}`);
      }
      return bad ? 1 : 0;
    }
    case 'pin':
    case 'unpin':
    case 'evict': {
      if (!arg) throw new CliUsageError(`archive ${sub} needs a STUDY_UID`);
      let study: StudyInstanceUid;
      try {
        study = studyUid(arg);
      } catch {
        throw new CliUsageError(`"${arg}" is not a DICOM UID`);
      }
      if (sub === 'evict') {
        if (!archive.hasStudy(study)) {
          if (json) io.out(JSON.stringify({ study, evicted: false, instances: 0, bytes: 0 }));
          else io.out(`Study ${study} is not in the archive.`);
          return 1;
        }
        const r = await archive.evict(study);
        if (json) io.out(JSON.stringify({ study, evicted: true, ...r }));
        else io.out(`Evicted ${study}: ${r.instances} images, ${mib(r.bytes)}.`);
        return 0;
      }
      if (sub === 'pin') await archive.pin(study);
      else await archive.unpin(study);
      const present = archive.hasStudy(study);
      if (json) io.out(JSON.stringify({ study, pinned: sub === 'pin', present }));
      else io.out(`${sub === 'pin' ? 'Pinned' : 'Unpinned'} ${study}${present ? '' : ' (not in the archive yet)'}.`);
      return 0;
    }
    default:
      throw new CliUsageError(`unknown archive command "${sub ?? ''}" (try: ls, usage, verify, pin, unpin, evict, rekey, reset)`);
  }
}
