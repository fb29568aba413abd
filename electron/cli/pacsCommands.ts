/**
 * `dokuei nodes list|echo`, `dokuei query`, `dokuei retrieve`: the PACS side of the CLI, on the same
 * services as the app. The --json shapes are interfaces: extend, never rename.
 */
import { formatDicomDate } from '../../common/dicom/dicomJson';
import type { FederatedSearchResult } from '../../common/dicom/federation';
import { StudyQuery } from '../../common/dicom/studyQuery';
import { isFinished, type RetrieveJob } from '../../common/dicom/retrieveJob';
import type { Services } from '../services/app/createServices';
import { DicomwebPacsNode } from '../services/pacs/dicomweb/dicomwebPacsNode';
import type { SecretStore } from '../services/secrets/secretStore';
import { describeFailure } from '../services/pacs/federatedSearch';
import { cliErrorText, cliSaysText, ct, helpEntry } from './i18n/cliText';

export interface CliIo {
  out(line: string): void;
  err(text: string): void;
  isTty: boolean;
}

export class CliUsageError extends Error {}

/** The --help lines of `nodes`, `secrets`, `query` and `retrieve`, in the reader's language (built at print time). */
export function pacsUsage(): string {
  return [
    helpEntry('  dokuei nodes list [--json]', 'pacs.help.nodesList'),
    helpEntry('  dokuei nodes echo NAME [--json]', 'pacs.help.nodesEcho'),
    helpEntry('  dokuei nodes login NAME', 'pacs.help.nodesLogin'),
    helpEntry('  dokuei secrets set REF < FILE', 'pacs.help.secretsSet'),
    // Self-explanatory: no description in any language.
    '  dokuei secrets delete REF',
    helpEntry('  dokuei query [--patient-id ID] [--name NAME] [--modality MOD] [--from YYYYMMDD] [--to YYYYMMDD]\n               [--accession ACC] [--limit N] [--json]', 'pacs.help.query'),
    helpEntry('  dokuei retrieve STUDY_UID [--node NAME] [--series SERIES_UID] [--json]', 'pacs.help.retrieve'),
  ].join('\n');
}

export async function nodesCommand(services: Services, args: string[], json: boolean, io: CliIo): Promise<number> {
  const [sub, name] = args;
  const list = await services.handlers.nodes.list({}, { windowId: 'cli', emit: () => {} });
  if (sub === 'list') {
    if (json) io.out(JSON.stringify(list, null, 2));
    else if (list.length === 0) io.out(ct('pacs.nodes.none'));
    // Role, kind and retrieve are setting values (what settings.json holds): shown as they are, never translated.
    else
      for (const n of list)
        io.out(
          `${n.id.padEnd(16)} ${n.name.padEnd(24)} ${n.role.padEnd(8)} ${n.kind.padEnd(8)} ${ct('pacs.nodes.priority')} ${String(n.priority).padEnd(4)} ${n.enabled ? '' : `${ct('pacs.nodes.disabled')} `}${n.endpoint} [${n.retrieve}]${n.insecure ? ` ${ct('pacs.nodes.insecure')}` : ''}`,
        );
    return 0;
  }
  if (sub === 'echo') {
    if (!name) throw new CliUsageError(ct('pacs.errors.echoNeedsName'));
    const node = services.nodes.find((n) => n.settings.id === name || n.settings.name === name);
    if (!node) throw new CliUsageError(ct('pacs.errors.noNode', { name, configured: list.map((n) => n.id).join(', ') || ct('pacs.none') }));
    try {
      const ms = await node.echo(AbortSignal.timeout(node.settings.timeoutMs));
      if (json) io.out(JSON.stringify({ nodeId: node.settings.id, ok: true, ms, error: null }));
      else io.out(ct('pacs.echo.ok', { name: node.settings.name, ms: String(Math.round(ms)) }));
      return 0;
    } catch (err) {
      const failure = describeFailure(err);
      // --json keeps the English message (an interface); people read it worded from its key when it has one.
      if (json) io.out(JSON.stringify({ nodeId: node.settings.id, ok: false, ms: null, error: failure.message }));
      else io.out(ct('pacs.echo.failed', { name: node.settings.name, reason: cliSaysText(failure.says, failure.message) }));
      return 1;
    }
  }
  if (sub === 'login') {
    if (!name) throw new CliUsageError(ct('pacs.errors.loginNeedsName'));
    const node = services.nodes.find((n) => n.settings.id === name || n.settings.name === name);
    if (!(node instanceof DicomwebPacsNode) || node.settings.auth.type !== 'oauth2') throw new CliUsageError(ct('pacs.errors.notOauth', { name }));
    await node.signIn((url) => io.out(ct('pacs.login.open', { url })), { timeoutMs: 5 * 60000 });
    io.out(ct('pacs.login.done', { name: node.settings.name }));
    return 0;
  }
  throw new CliUsageError(ct('pacs.errors.unknownNodes', { sub: sub ?? '' }));
}

export interface QueryFlags {
  'patient-id'?: string;
  name?: string;
  modality?: string;
  from?: string;
  to?: string;
  accession?: string;
  limit?: string;
}

export async function queryCommand(services: Services, flags: QueryFlags, json: boolean, io: CliIo): Promise<number> {
  const parsed = StudyQuery.safeParse({
    patientId: flags['patient-id'],
    patientName: flags.name,
    modality: flags.modality,
    studyDateFrom: flags.from,
    studyDateTo: flags.to,
    accessionNumber: flags.accession,
    limit: flags.limit ? Number(flags.limit) : undefined,
  });
  // zod's own messages stay as zod words them (English): the option they name is what the reader needs.
  if (!parsed.success) throw new CliUsageError(parsed.error.issues.map((i) => `--${String(i.path[0] ?? '')}: ${i.message}`).join('; '));
  const result: FederatedSearchResult = await services.handlers.studies.search(parsed.data, { windowId: 'cli', emit: () => {} });
  if (json) {
    io.out(JSON.stringify(result, null, 2));
  } else {
    for (const s of result.studies) {
      const where = (['local', 'onsite', 'offsite', 'other'] as const)
        .filter((w) => s.availability[w])
        .map((w) => ct(`pacs.query.where.${w}`))
        .join(',');
      const name = [s.patientName.Alphabetic, s.patientName.Ideographic].filter(Boolean).join(' = ') || ct('pacs.noName');
      io.out(`${formatDicomDate(s.studyDate)}  ${s.patientId.padEnd(16)} ${name.padEnd(30)} ${s.modalities.join('/').padEnd(8)} ${s.studyDescription.padEnd(24)} [${where}] ${s.studyInstanceUid}`);
    }
    io.out(ct('pacs.query.studies', { studies: result.studies.length }));
    for (const n of result.nodes) {
      const state = ct(`pacs.nodeState.${n.state}`);
      const status =
        n.state === 'ok' || n.state === 'slow'
          ? ct('pacs.query.nodeAnswered', { state, found: n.count, ms: String(Math.round(n.ms)) })
          : ct('pacs.query.nodeFailed', { state, error: cliSaysText(n.says, n.error ?? '') });
      io.out(`  ${n.name}: ${status}`);
    }
  }
  // The answer is still useful when a node failed: exit 0, but 3 tells scripts that a node was missing.
  return result.nodes.some((n) => n.state === 'unreachable' || n.state === 'error') ? 3 : 0;
}

function bar(job: RetrieveJob, width = 30): string {
  const frac = job.total ? Math.min(1, (job.completed + job.failed) / job.total) : 0;
  const filled = Math.round(frac * width);
  const total = job.total !== undefined ? `/${job.total}` : '';
  const rate = job.bytesPerSecond > 0 ? ` ${(job.bytesPerSecond / 1048576).toFixed(1)} MB/s` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${ct('pacs.retrieve.bar', { completed: job.completed, total, mb: (job.bytes / 1048576).toFixed(1), rate })}`;
}

export async function retrieveCommand(
  services: Services,
  studyUid: string | undefined,
  flags: { node?: string; series?: string },
  json: boolean,
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  if (!studyUid) throw new CliUsageError(ct('pacs.errors.retrieveNeedsUid'));
  let job: RetrieveJob;
  try {
    job = await services.jobs.start({ studyInstanceUid: studyUid, seriesInstanceUid: flags.series, nodeId: flags.node });
  } catch (err) {
    io.err(`dokuei: ${cliErrorText(err)}\n`);
    return 1;
  }
  const off = services.onRetrieveProgress((j) => {
    if (j.jobId !== job.jobId) return;
    if (io.isTty && !json) io.err(`\r${bar(j)}`);
  });
  const onAbort = () => services.jobs.cancel(job.jobId);
  signal?.addEventListener('abort', onAbort, { once: true });
  const final = await services.jobs.wait(job.jobId);
  off();
  signal?.removeEventListener('abort', onAbort);
  if (io.isTty && !json) io.err('\n');
  if (json) io.out(JSON.stringify(final, null, 2));
  else if (final.state === 'done')
    io.out(ct('pacs.retrieve.done', { completed: final.completed, mb: (final.bytes / 1048576).toFixed(1), node: final.nodeName, failed: final.failed ? ct('pacs.retrieve.doneFailed', { failed: final.failed }) : '' }));
  else {
    // A job's error is a plain English message (the job carries no key): shown as it is.
    const state = ct(`pacs.jobState.${final.state}`);
    io.out(final.error ? ct('pacs.retrieve.endedError', { state, error: final.error, completed: final.completed }) : ct('pacs.retrieve.ended', { state, completed: final.completed }));
  }
  if (!isFinished(final)) return 1;
  return final.state === 'done' && final.failed === 0 ? 0 : 1;
}

/** `dokuei secrets set REF` reads the value from standard input (so it never appears in shell history). */
export async function secretsCommand(secrets: SecretStore, args: string[], readStdin: () => Promise<string>, io: CliIo): Promise<number> {
  const [sub, ref] = args;
  if (!ref || !/^[A-Za-z0-9_.:-]{1,128}$/.test(ref)) throw new CliUsageError(ct('pacs.errors.secretsNeedsRef'));
  if (sub === 'set') {
    const value = (await readStdin()).replace(/\r?\n$/, '');
    if (!value) throw new CliUsageError(ct('pacs.errors.noSecretOnStdin'));
    secrets.set(ref, value);
    io.out(ct('pacs.secrets.stored', { ref }));
    return 0;
  }
  if (sub === 'delete') {
    secrets.delete(ref);
    io.out(ct('pacs.secrets.deleted', { ref }));
    return 0;
  }
  throw new CliUsageError(ct('pacs.errors.unknownSecrets', { sub: sub ?? '' }));
}
