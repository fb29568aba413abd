/**
 * The `dokuei` command. Runs the same services as the app, in plain Node.
 *   dokuei inspect FILE... [--json]
 *   dokuei import PATH... [--study UID]... [--data-dir DIR] [--json]
 *   dokuei dicomdir DICOMDIR [--json]
 *   dokuei store ls [--data-dir DIR] [--json]
 *   dokuei nodes list|echo NAME, dokuei query …, dokuei retrieve STUDY_UID [--node NAME]
 *   dokuei archive ls|usage|verify|pin STUDY|unpin STUDY|evict STUDY [--archive DIR] [--json]
 *   dokuei archive rekey [--new-passphrase-stdin | --new-key-file FILE] [--json], dokuei archive reset --yes [--json]
 *   dokuei audit ls|show INDEX|verify|export [--out FILE] [--data-dir DIR] [--json]
 *   dokuei prefetch --rule today|priors|pinned [--patient-id ID] [--count N] [--study UID ...] [--wait] [--json]
 *   dokuei suv FILE_OR_DIR... [--weight KG] [--height CM] [--sex M|F|O] [--dose BQ] [--injection ISO] [--half-life S] [--seg SEG] [--json]
 *   dokuei dvh RTDOSE RTSTRUCT [--structure NAME] [--v GY[,GY]] [--json]
 * Exit codes: 0 ok, 1 some input failed, 2 usage error, 3 answered but a node was unreachable.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDicomDate } from '../../common/dicom/dicomJson';
import { studyFromDicomJson } from '../../common/dicom/model';
import { importPaths } from '../services/store/importPaths';
import { dicomdirInstances, readDicomdir } from '../services/store/dicomdir';
import { ConfSettingsStore } from '../services/settings/settings';
import { changedSettings, settingsArea } from '../services/settings/auditedSettings';
import { settingsChanged } from '../../common/audit/builders';
import { settingsCommand } from './settingsCommand';
import { defaultDataDir } from '../services/dataDir';
import { VERSION } from '../services/version';
import { inspectFiles } from '../services/dicom/inspect';
import { CliUsageError, nodesCommand, queryCommand, retrieveCommand, secretsCommand } from './pacsCommands';
import { ARCHIVE_USAGE, archiveCommand } from './archiveCommands';
import { PREFETCH_USAGE, prefetchCommand } from './prefetchCommands';
import { openCliServices } from './cliServices';
import { REGISTER_USAGE, registerCommand } from './registerCommand';
import { SUV_USAGE, suvCommand } from './suvCommand';
import { DVH_USAGE, dvhCommand } from './dvhCommand';
import { EncryptedArchive } from '../services/archive/encryptedArchive';
import { AuditLog } from '../services/audit/auditLog';
import { processAuditContext } from '../services/audit/processContext';
import { AUDIT_USAGE, auditCommand } from './auditCommands';
import { archiveCensus, importAuditEvent } from './importAudit';
import { withCliAudit } from './cliAudit';
import { cliFolder } from './cliKeys';
import { CUSTODY_USAGE, rekeyCommand, resetCommand } from './custodyCommands';
import type { AuditSink } from '../services/audit/auditSink';

const USAGE = `dokuei ${VERSION} — Dokuei command line

Usage:
  dokuei inspect FILE... [--json]         what each file is (transfer syntax, SOP class, patient) and, per
                                          frame, sha256/min/max of the decoded stored values (the viewer's
                                          codecs; native type, little endian). A file that is not lossless,
                                          given with a lossless file of the same image (same SOP Instance UID
                                          or its Source Image Sequence), also gets maxDifferenceFromLossless
                                          (modality values) and losslessReference
  dokuei import PATH... [--study UID]... [--json]
                                          import files/folders into the local (encrypted) archive; a
                                          DICOMDIR imports the files its records name (--study: only those
                                          studies) and reports the ones missing from the media
  dokuei dicomdir DICOMDIR [--json]       what a DICOMDIR holds (patients, studies, series, images) and the
                                          files it names that the media lacks; imports nothing
  dokuei settings export [FILE] [--json]  the settings (nodes, local SCP, archive, keys, audit) as a file,
                                          without secrets; the secret refs to set on the next machine
  dokuei settings import FILE [--json]    set this workstation up from an export (validated, migrated,
                                          recorded in the audit trail)
  dokuei store ls [--json]                list the studies in the local store
  dokuei nodes list [--json]              the configured PACS nodes
  dokuei nodes echo NAME [--json]         C-ECHO / DICOMweb ping of one node
  dokuei nodes login NAME                 OAuth2 sign-in (PKCE, loopback redirect) for a DICOMweb node
  dokuei secrets set REF < FILE           store a password/token/client key (read from stdin), encrypted
  dokuei secrets delete REF
  dokuei query [--patient-id ID] [--name NAME] [--modality MOD] [--from YYYYMMDD] [--to YYYYMMDD]
               [--accession ACC] [--limit N] [--json]
                                          federated study search over the local store and every node
  dokuei retrieve STUDY_UID [--node NAME] [--series SERIES_UID] [--json]
                                          retrieve into the local store, with a progress bar
${ARCHIVE_USAGE}
${CUSTODY_USAGE}
${AUDIT_USAGE}
${PREFETCH_USAGE}
${REGISTER_USAGE}
${SUV_USAGE}
${DVH_USAGE}
Options:
  --data-dir DIR   local data folder (default: $DOKUEI_DATA_DIR or ${defaultDataDir()});
                   nodes are read from DIR/settings.json, secrets from DIR/secrets.enc
  --archive DIR    the local archive folder (default: DIR/archive of the data folder)
  --key-file FILE  the data folder's key file (kept outside it; created at a first start)
                   Other key sources: $DOKUEI_ARCHIVE_KEY (a 32-byte key, base64), $DOKUEI_PASSPHRASE,
                   or the passphrase typed in the terminal (asked twice at a first start)
  --json           machine-readable output
  -h, --help       this text`;

const UsageError = CliUsageError;

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

export async function run(argv: string[]): Promise<number> {
  // `register` has options of its own (--roi, --fixed-series, …): it parses its arguments itself.
  if (argv[0] === 'register') return registerWithSigint(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      'patient-id': { type: 'string' },
      name: { type: 'string' },
      modality: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      accession: { type: 'string' },
      limit: { type: 'string' },
      node: { type: 'string' },
      series: { type: 'string' },
      archive: { type: 'string' },
      rule: { type: 'string' },
      count: { type: 'string' },
      study: { type: 'string', multiple: true },
      wait: { type: 'boolean', default: false },
      weight: { type: 'string' },
      height: { type: 'string' },
      sex: { type: 'string' },
      seg: { type: 'string' },
      dose: { type: 'string' },
      injection: { type: 'string' },
      'half-life': { type: 'string' },
      structure: { type: 'string' },
      v: { type: 'string' },
      out: { type: 'string' },
      'key-file': { type: 'string' },
      'new-key-file': { type: 'string' },
      'new-passphrase-stdin': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
    },
  });
  if (values.version) return out(VERSION), 0;
  const [command, ...rest] = positionals;
  if (values.help || !command) return out(USAGE), command || values.help ? 0 : 2;
  const dataDir = path.resolve(values['data-dir'] ?? (process.env.DOKUEI_DATA_DIR || defaultDataDir()));
  const archiveDir = path.resolve(values.archive ?? path.join(dataDir, 'archive'));
  // The data folder's keys, unlocked once and only by the commands that need them.
  const folder = cliFolder(dataDir, archiveDir, values['key-file']);
  const keyProvider = async () => (await folder.open()).folder.provider;
  const openAudit = async () => AuditLog.open(dataDir, { keyProvider: await keyProvider(), context: processAuditContext() });
  const openArchive = async (audit?: AuditSink) =>
    EncryptedArchive.open(archiveDir, {
      keyProvider: await keyProvider(),
      onSkip: (file, reason) => process.stderr.write(`Quarantined ${file}: ${reason}\n`),
      ...(audit ? { audit } : {}),
    });

  switch (command) {
    case 'inspect': {
      if (rest.length === 0) throw new UsageError('inspect needs at least one FILE');
      const results = await inspectFiles(rest);
      // The pixel line: bits, lossiness, the first frame's fingerprint, the difference from a lossless sibling.
      const describePixels = (r: (typeof results)[number]): string => {
        if (!r.frames) return `pixels: ${r.framesError ?? 'none'}`;
        const f0 = r.frames[0];
        const first = f0 ? `sha256 ${f0.sha256.slice(0, 16)}… [${f0.min}..${f0.max}]` : 'no frames';
        const frames = r.frames.length === 1 ? first : `${r.frames.length} frames, #1 ${first}`;
        const diff = r.maxDifferenceFromLossless !== null ? `, max difference ${r.maxDifferenceFromLossless} from ${r.losslessReference}` : '';
        return `pixels: ${r.bitsAllocated}-bit ${r.pixelRepresentation === 1 ? 'signed' : 'unsigned'}, ${r.lossless ? 'lossless' : 'not lossless'}, ${frames}${diff}`;
      };
      if (values.json) out(JSON.stringify(results, null, 2));
      else
        for (const r of results) {
          out(r.ok ? `${r.file}: ${r.modality ?? '?'} ${r.sopClassUID} [${r.transferSyntaxUID}] patient "${r.patientName}" (${r.patientId ?? ''}) ${r.rows ?? '-'}×${r.columns ?? '-'}` : `${r.file}: ERROR ${r.error}`);
          if (r.ok) out(`  ${describePixels(r)}`);
        }
      return results.every((r) => r.ok) ? 0 : 1;
    }
    case 'import': {
      if (rest.length === 0) throw new UsageError('import needs at least one PATH');
      const store = await openArchive();
      const audit = await openAudit();
      const before = archiveCensus(store);
      const tty = process.stderr.isTTY && !values.json;
      const studies = values.study?.length ? new Set(values.study.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) : undefined;
      const result = await importPaths(
        store,
        rest,
        (done, total) => {
          if (tty) process.stderr.write(`\rImporting ${done}/${total}…`);
        },
        studies ? { studies } : {},
      );
      if (tty) process.stderr.write('\n');
      const event = importAuditEvent(processAuditContext(), store, before, archiveCensus(store), rest.map((p) => path.resolve(p)), result);
      await store.close();
      if (event) await audit.append(event);
      await audit.close();
      if (values.json) out(JSON.stringify(result, null, 2));
      else {
        const replaced = result.replaced ? `, replaced ${result.replaced} incomplete` : '';
        const conflicts = result.conflicts.length ? `, ${result.conflicts.length} conflicting (kept aside)` : '';
        out(`Imported ${result.imported}, skipped ${result.skipped} already stored${replaced}${conflicts}, ${result.failed.length} failed.`);
        // The reason only: a library's raw message (detail) is for --json.
        for (const f of result.failed) out(`  ${f.path}: ${f.reason}`);
        for (const c of result.conflicts) out(`  ${c.path}: ${c.reason}${c.keptAs ? ` (${c.keptAs})` : ''}`);
      }
      return result.failed.length ? 1 : 0;
    }
    case 'dicomdir': {
      if (rest.length !== 1) throw new UsageError('dicomdir needs one DICOMDIR path');
      const contents = await readDicomdir(rest[0]!);
      if (values.json) out(JSON.stringify(contents, null, 2));
      else {
        const count = dicomdirInstances(contents).length;
        out(`${contents.dicomdir}${contents.fileSetId ? ` (${contents.fileSetId})` : ''}: ${contents.patients.length} patients, ${count} images${contents.missing.length ? `, ${contents.missing.length} missing from the media` : ''}`);
        for (const p of contents.patients) {
          out(`  ${p.patientId}  ${p.patientName || '(no name)'}`);
          for (const st of p.studies) {
            const images = st.series.reduce((n, se) => n + se.instances.length, 0);
            out(`    ${formatDicomDate(st.studyDate)}  ${st.studyDescription ?? ''}  ${st.series.length} series, ${images} images  ${st.studyInstanceUid}`);
            for (const se of st.series) out(`      ${se.modality} #${se.seriesNumber ?? '?'}  ${se.instances.length} images${se.instances.some((i) => !i.exists) ? ` (${se.instances.filter((i) => !i.exists).length} missing)` : ''}`);
          }
        }
        for (const m of contents.missing) out(`  missing: ${m}`);
        for (const w of contents.warnings) out(`  warning: ${w}`);
      }
      return contents.missing.length ? 1 : 0;
    }
    case 'store': {
      if (rest[0] !== 'ls') throw new UsageError(`unknown store command "${rest[0] ?? ''}" (try: dokuei store ls)`);
      const store = await openArchive();
      await store.close();
      const studies = store.studies().map(studyFromDicomJson).filter((s) => !!s);
      if (values.json) out(JSON.stringify({ root: store.root, ...store.counts(), studies }, null, 2));
      else {
        out(`${store.root}: ${studies.length} studies`);
        for (const s of studies) {
          out(`  ${formatDicomDate(s.studyDate)}  ${s.patientId}  ${s.patientNameText || '(no name)'}  ${s.modalities.join('/')}  ${s.numberOfInstances ?? '?'} images  ${s.studyInstanceUid}`);
        }
      }
      return 0;
    }
    case 'settings': {
      // An import changes the workstation's settings: the audit trail is opened first, so that without its key
      // nothing is changed unrecorded.
      const audit = rest[0] === 'import' ? await openAudit() : undefined;
      try {
        const result = await settingsCommand(new ConfSettingsStore(dataDir), rest, values.json ?? false, { out, err: (t) => void process.stderr.write(t) });
        const changed = result.before && result.after ? changedSettings(result.before, result.after) : [];
        if (audit && changed.length) await audit.append(settingsChanged(processAuditContext(), { area: settingsArea(result.before!, result.after!, changed), changed }));
        return result.code;
      } finally {
        await audit?.close();
      }
    }
    case 'secrets': {
      const readStdin = readStdinText;
      return secretsCommand((await folder.open()).secrets, rest, readStdin, { out, err: (t) => void process.stderr.write(t), isTty: false });
    }
    case 'nodes':
    case 'query':
    case 'retrieve': {
      const services = await openCliServices(folder);
      const io = { out, err: (t: string) => void process.stderr.write(t), isTty: !!process.stderr.isTTY };
      const ctl = new AbortController();
      const onSigint = () => ctl.abort();
      process.once('SIGINT', onSigint);
      try {
        if (command === 'nodes') return await nodesCommand(services, rest, values.json ?? false, io);
        if (command === 'query') return await queryCommand(services, values, values.json ?? false, io);
        return await retrieveCommand(services, rest[0], { node: values.node, series: values.series }, values.json ?? false, io, ctl.signal);
      } finally {
        process.off('SIGINT', onSigint);
        await services.close();
      }
    }
    case 'prefetch': {
      const services = await openCliServices(folder);
      const ctl = new AbortController();
      const onSigint = () => ctl.abort();
      process.once('SIGINT', onSigint);
      try {
        const io = { out, err: (t: string) => void process.stderr.write(t), isTty: !!process.stderr.isTTY };
        return await prefetchCommand(services, values, values.json ?? false, io, ctl.signal);
      } finally {
        process.off('SIGINT', onSigint);
        await services.close();
      }
    }
    case 'suv':
      // Reading PET headers is access to patient data: one record per series read.
      return withCliAudit(folder, (audit) => suvCommand(rest, values, values.json ?? false, { out, err: (t) => void process.stderr.write(t), isTty: false }, audit));
    case 'dvh':
      // Reading an RT Dose and Structure Set is access to patient data: recorded.
      return withCliAudit(folder, (audit) =>
        dvhCommand(rest, { ...(values.structure !== undefined ? { structure: values.structure } : {}), ...(values.v !== undefined ? { v: values.v } : {}) }, values.json ?? false, { out, err: (t) => void process.stderr.write(t), isTty: false }, audit),
      );
    case 'archive': {
      const io = { out, err: (t: string) => void process.stderr.write(t), isTty: false };
      if (rest[0] === 'rekey') {
        const readNewPassphrase = values['new-passphrase-stdin'] ? () => readStdinText() : undefined;
        return rekeyCommand(folder, { json: values.json ?? false, ...(values['new-key-file'] ? { newKeyFile: values['new-key-file'] } : {}), ...(readNewPassphrase ? { readNewPassphrase } : {}) }, io);
      }
      if (rest[0] === 'reset') return resetCommand(folder, { yes: values.yes ?? false, json: values.json ?? false }, io);
      await folder.open(); // a locked folder says so once, before anything else
      // Pins, unpins, evictions and files failing authentication are recorded by the archive itself.
      return withCliAudit(folder, async (audit) => {
        const archive = await openArchive(audit);
        try {
          return await archiveCommand(archive, rest, values.json ?? false, { out, err: (t) => void process.stderr.write(t), isTty: false });
        } finally {
          await archive.close();
        }
      });
    }
    case 'audit': {
      const audit = await openAudit();
      try {
        return await auditCommand(audit, processAuditContext(), rest, { json: values.json ?? false, ...(values.out ? { out: path.resolve(values.out) } : {}) }, { out, err: (t) => void process.stderr.write(t), isTty: false });
      } finally {
        await audit.close();
      }
    }
    case 'register': // reached only with options before the command (`dokuei --json register A B`)
      return registerWithSigint([...rest, ...(values.json ? ['--json'] : [])]);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function readStdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function registerWithSigint(args: string[]): Promise<number> {
  const ctl = new AbortController();
  const onSigint = () => ctl.abort();
  process.once('SIGINT', onSigint);
  try {
    return await registerCommand(args, { out, err: (t) => void process.stderr.write(t), isTty: !!process.stderr.isTTY }, ctl.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The process entry (bin/dokuei.mjs, `npm run dokuei`): runs once, maps errors to exit codes 1 and 2. */
/**
 * Exits once stdout and stderr have flushed: a long `--json` answer into a pipe must not be cut off. Pipes are
 * written synchronously on Linux but not on macOS or Windows, where process.exit could drop the tail.
 */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

export function runAsEntry(argv: string[]): void {
  run(argv).then(
    (code) => exitAfterFlush(code),
    (err) => {
      const usage = err instanceof CliUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
      process.stderr.write(`dokuei: ${err instanceof Error ? err.message : String(err)}\n${usage ? "Run 'dokuei --help' for usage.\n" : ''}`);
      exitAfterFlush(usage ? 2 : 1);
    },
  );
}
