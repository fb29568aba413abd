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
import { settingsCommand, settingsUsage } from './settingsCommand';
import { defaultDataDir } from '../services/dataDir';
import { VERSION } from '../services/version';
import { inspectFiles } from '../services/dicom/inspect';
import { CliUsageError, nodesCommand, pacsUsage, queryCommand, retrieveCommand, secretsCommand } from './pacsCommands';
import { archiveCommand, archiveUsage } from './archiveCommands';
import { prefetchCommand, prefetchUsage } from './prefetchCommands';
import { openCliServices } from './cliServices';
import { registerCommand, registerUsage } from './registerCommand';
import { suvCommand, suvUsage } from './suvCommand';
import { dvhCommand, dvhUsage } from './dvhCommand';
import { EncryptedArchive } from '../services/archive/encryptedArchive';
import { AuditLog } from '../services/audit/auditLog';
import { processAuditContext } from '../services/audit/processContext';
import { auditCommand, auditUsage } from './auditCommands';
import { archiveCensus, importAuditEvent } from './importAudit';
import { withCliAudit } from './cliAudit';
import { cliFolder } from './cliKeys';
import { custodyUsage, rekeyCommand, resetCommand } from './custodyCommands';
import type { AuditSink } from '../services/audit/auditSink';
import { reasonSays } from '../services/store/reasonSays';
import { cliErrorText, cliSaysText, ct, helpEntry } from './i18n/cliText';

/** One line of the Options block: the option in 19 columns, its description (own line breaks) beside it. */
function optionEntry(option: string, key: string, values?: Record<string, string>): string {
  const COLUMN = 19;
  const [first = '', ...more] = ct(key, values).split('\n');
  return [`${option.padEnd(COLUMN)}${first}`, ...more.map((l) => `${' '.repeat(COLUMN)}${l}`)].join('\n');
}

/**
 * The --help text in the reader's language, built when it is printed (the language is the environment's at that
 * moment). Synopses are never translated: they are what the user types.
 */
export function usage(): string {
  return [
    ct('main.help.title', { version: VERSION }),
    '',
    ct('main.help.usage'),
    helpEntry('  dokuei inspect FILE... [--json]', 'main.help.inspect'),
    helpEntry('  dokuei import PATH... [--study UID]... [--json]', 'main.help.import'),
    helpEntry('  dokuei dicomdir DICOMDIR [--json]', 'main.help.dicomdir'),
    settingsUsage(),
    helpEntry('  dokuei store ls [--json]', 'main.help.storeLs'),
    pacsUsage(),
    archiveUsage(),
    custodyUsage(),
    auditUsage(),
    prefetchUsage(),
    registerUsage(),
    suvUsage(),
    dvhUsage(),
    ct('main.help.options'),
    optionEntry('  --data-dir DIR', 'main.options.dataDir', { dir: defaultDataDir() }),
    optionEntry('  --archive DIR', 'main.options.archive'),
    optionEntry('  --key-file FILE', 'main.options.keyFile'),
    optionEntry('  --json', 'main.options.json'),
    optionEntry('  -h, --help', 'main.options.help'),
  ].join('\n');
}

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
  if (values.help || !command) return out(usage()), command || values.help ? 0 : 2;
  const dataDir = path.resolve(values['data-dir'] ?? (process.env.DOKUEI_DATA_DIR || defaultDataDir()));
  const archiveDir = path.resolve(values.archive ?? path.join(dataDir, 'archive'));
  // The data folder's keys, unlocked once and only by the commands that need them.
  const folder = cliFolder(dataDir, archiveDir, values['key-file']);
  const keyProvider = async () => (await folder.open()).folder.provider;
  const openAudit = async () => AuditLog.open(dataDir, { keyProvider: await keyProvider(), context: processAuditContext() });
  const openArchive = async (audit?: AuditSink) =>
    EncryptedArchive.open(archiveDir, {
      keyProvider: await keyProvider(),
      onSkip: (file, reason) => process.stderr.write(`${ct('main.quarantined', { file, reason })}\n`),
      ...(audit ? { audit } : {}),
    });

  switch (command) {
    case 'inspect': {
      if (rest.length === 0) throw new UsageError(ct('main.errors.inspectNeedsFile'));
      const results = await inspectFiles(rest);
      // The pixel line: bits, lossiness, the first frame's fingerprint, the difference from a lossless sibling.
      const describePixels = (r: (typeof results)[number]): string => {
        if (!r.frames) return ct('main.inspect.pixelsNot', { reason: r.framesError !== null ? readerText(r.framesError) : ct('main.inspect.none') });
        const f0 = r.frames[0];
        const first = f0 ? `sha256 ${f0.sha256.slice(0, 16)}… [${f0.min}..${f0.max}]` : ct('main.inspect.noFrames');
        const frames = r.frames.length === 1 ? first : ct('main.inspect.frames', { frames: r.frames.length, first });
        const difference = r.maxDifferenceFromLossless !== null ? ct('main.inspect.difference', { difference: r.maxDifferenceFromLossless, reference: String(r.losslessReference) }) : '';
        return ct('main.inspect.pixels', {
          bits: String(r.bitsAllocated),
          sign: ct(r.pixelRepresentation === 1 ? 'main.inspect.signed' : 'main.inspect.unsigned'),
          lossless: ct(r.lossless ? 'main.inspect.lossless' : 'main.inspect.notLossless'),
          frames,
          difference,
        });
      };
      if (values.json) out(JSON.stringify(results, null, 2));
      else
        for (const r of results) {
          out(
            r.ok
              ? ct('main.inspect.file', {
                  file: r.file,
                  modality: r.modality ?? '?',
                  sopClass: String(r.sopClassUID),
                  transferSyntax: String(r.transferSyntaxUID),
                  patientName: String(r.patientName),
                  patientId: r.patientId ?? '',
                  rows: r.rows ?? '-',
                  columns: r.columns ?? '-',
                })
              : ct('main.inspect.error', { file: r.file, error: r.error === null ? String(r.error) : readerText(r.error) }),
          );
          if (r.ok) out(`  ${describePixels(r)}`);
        }
      return results.every((r) => r.ok) ? 0 : 1;
    }
    case 'import': {
      if (rest.length === 0) throw new UsageError(ct('main.errors.importNeedsPath'));
      const store = await openArchive();
      const audit = await openAudit();
      const before = archiveCensus(store);
      const tty = process.stderr.isTTY && !values.json;
      const studies = values.study?.length ? new Set(values.study.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) : undefined;
      const result = await importPaths(
        store,
        rest,
        (done, total) => {
          if (tty) process.stderr.write(`\r${ct('main.import.progress', { done, total })}`);
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
        const replaced = result.replaced ? ct('main.import.replaced', { replaced: result.replaced }) : '';
        const conflicts = result.conflicts.length ? ct('main.import.conflicts', { conflicts: result.conflicts.length }) : '';
        out(ct('main.import.summary', { imported: result.imported, skipped: result.skipped, replaced, conflicts, failed: result.failed.length }));
        // The reason only: a library's raw message (detail) is for --json. Worded from its key when it has one.
        for (const f of result.failed) out(`  ${f.path}: ${cliSaysText(f.says, f.reason)}`);
        for (const c of result.conflicts) out(`  ${c.path}: ${readerText(c.reason)}${c.keptAs ? ` (${c.keptAs})` : ''}`);
      }
      return result.failed.length ? 1 : 0;
    }
    case 'dicomdir': {
      if (rest.length !== 1) throw new UsageError(ct('main.errors.dicomdirNeedsOne'));
      const contents = await readDicomdir(rest[0]!);
      if (values.json) out(JSON.stringify(contents, null, 2));
      else {
        const count = dicomdirInstances(contents).length;
        const missing = contents.missing.length ? ct('main.dicomdir.missing', { missing: contents.missing.length }) : '';
        out(ct('main.dicomdir.summary', { dicomdir: contents.dicomdir, fileSet: contents.fileSetId ? ` (${contents.fileSetId})` : '', patients: contents.patients.length, images: count, missing }));
        for (const p of contents.patients) {
          out(`  ${p.patientId}  ${p.patientName || ct('main.noName')}`);
          for (const st of p.studies) {
            const images = st.series.reduce((n, se) => n + se.instances.length, 0);
            out(`    ${ct('main.dicomdir.study', { date: formatDicomDate(st.studyDate), description: st.studyDescription ?? '', series: st.series.length, images, uid: st.studyInstanceUid })}`);
            for (const se of st.series) {
              const absent = se.instances.filter((i) => !i.exists).length;
              const seriesMissing = absent ? ct('main.dicomdir.seriesMissing', { missing: absent }) : '';
              out(`      ${ct('main.dicomdir.series', { modality: se.modality, number: se.seriesNumber ?? '?', images: se.instances.length, missing: seriesMissing })}`);
            }
          }
        }
        for (const m of contents.missing) out(`  ${ct('main.dicomdir.missingFile', { file: m })}`);
        // The reader's warnings are English text without a key: shown as they are.
        for (const w of contents.warnings) out(`  ${ct('main.dicomdir.warning', { warning: w })}`);
      }
      return contents.missing.length ? 1 : 0;
    }
    case 'store': {
      if (rest[0] !== 'ls') throw new UsageError(ct('main.errors.unknownStore', { sub: rest[0] ?? '' }));
      const store = await openArchive();
      await store.close();
      const studies = store.studies().map(studyFromDicomJson).filter((s) => !!s);
      if (values.json) out(JSON.stringify({ root: store.root, ...store.counts(), studies }, null, 2));
      else {
        out(ct('main.store.summary', { root: store.root, studies: studies.length }));
        for (const s of studies) {
          const row = { date: formatDicomDate(s.studyDate), patientId: s.patientId, patientName: s.patientNameText || ct('main.noName'), modalities: s.modalities.join('/'), images: s.numberOfInstances ?? '?', uid: s.studyInstanceUid };
          out(`  ${ct('main.store.study', row)}`);
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
      throw new UsageError(ct('main.errors.unknownCommand', { command }));
  }
}

/** A reader's or importer's English sentence, in the reader's language when the services' catalogue has it. */
function readerText(reason: string): string {
  return cliSaysText(reasonSays(reason), reason);
}

/**
 * node:util parseArgs words its errors in English only. The ones a user meets (an unknown option, a missing or
 * unwanted value) are recognised by their wording and said from the catalogue, whose English repeats Node's
 * sentence; any other (or a future Node's new wording) is shown as Node gives it.
 */
function parseArgsText(message: string): string | undefined {
  const unknown = /^Unknown option '([^']+)'\. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "\1"$/.exec(message);
  if (unknown) return ct('main.errors.unknownOption', { option: unknown[1]! });
  const missing = /^Option '([^']+)' argument missing$/.exec(message);
  if (missing) return ct('main.errors.argumentMissing', { option: missing[1]! });
  const unwanted = /^Option '([^']+)' does not take an argument$/.exec(message);
  if (unwanted) return ct('main.errors.noArgument', { option: unwanted[1]! });
  const ambiguous = /^Option '([^']+)' argument is ambiguous\.\nDid you forget to specify the option argument for '\1'\?\nTo specify an option argument starting with a dash use '\1=-XYZ'\.$/.exec(message);
  if (ambiguous) return ct('main.errors.ambiguous', { option: ambiguous[1]! });
  return undefined;
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
      const parseError = !!(err as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS');
      const isUsage = err instanceof CliUsageError || parseError;
      // Usage errors are already worded in the reader's language; a service's error is worded from its key.
      const text = (parseError && err instanceof Error ? parseArgsText(err.message) : undefined) ?? cliErrorText(err);
      process.stderr.write(`dokuei: ${text}\n${isUsage ? `${ct('main.errors.seeHelp')}\n` : ''}`);
      exitAfterFlush(isUsage ? 2 : 1);
    },
  );
}
