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

export interface CliIo {
  out(line: string): void;
  err(text: string): void;
  isTty: boolean;
}

export class CliUsageError extends Error {}

export async function nodesCommand(services: Services, args: string[], json: boolean, io: CliIo): Promise<number> {
  const [sub, name] = args;
  const list = await services.handlers.nodes.list({}, { windowId: 'cli', emit: () => {} });
  if (sub === 'list') {
    if (json) io.out(JSON.stringify(list, null, 2));
    else if (list.length === 0) io.out('No nodes configured: add them in the app’s Settings window (PACS nodes), or in settings.json in the data folder (see README).');
    else for (const n of list) io.out(`${n.id.padEnd(16)} ${n.name.padEnd(24)} ${n.role.padEnd(8)} ${n.kind.padEnd(8)} prio ${String(n.priority).padEnd(4)} ${n.enabled ? '' : '(disabled) '}${n.endpoint} [${n.retrieve}]${n.insecure ? ' (INSECURE: credentials over plain http, allowInsecureCredentials is set)' : ''}`);
    return 0;
  }
  if (sub === 'echo') {
    if (!name) throw new CliUsageError('nodes echo needs a NAME (node id or name)');
    const node = services.nodes.find((n) => n.settings.id === name || n.settings.name === name);
    if (!node) throw new CliUsageError(`No node "${name}" (configured: ${list.map((n) => n.id).join(', ') || 'none'})`);
    try {
      const ms = await node.echo(AbortSignal.timeout(node.settings.timeoutMs));
      if (json) io.out(JSON.stringify({ nodeId: node.settings.id, ok: true, ms, error: null }));
      else io.out(`${node.settings.name}: ok (${Math.round(ms)} ms)`);
      return 0;
    } catch (err) {
      const message = describeFailure(err).message;
      if (json) io.out(JSON.stringify({ nodeId: node.settings.id, ok: false, ms: null, error: message }));
      else io.out(`${node.settings.name}: FAILED — ${message}`);
      return 1;
    }
  }
  if (sub === 'login') {
    if (!name) throw new CliUsageError('nodes login needs a NAME (node id or name)');
    const node = services.nodes.find((n) => n.settings.id === name || n.settings.name === name);
    if (!(node instanceof DicomwebPacsNode) || node.settings.auth.type !== 'oauth2') throw new CliUsageError(`"${name}" is not a DICOMweb node with OAuth2 sign-in`);
    await node.signIn((url) => io.out(`Open this address in a browser on this computer to sign in:\n  ${url}`), { timeoutMs: 5 * 60000 });
    io.out(`${node.settings.name}: signed in; the tokens are stored encrypted.`);
    return 0;
  }
  throw new CliUsageError(`unknown nodes command "${sub ?? ''}" (try: dokuei nodes list | echo NAME | login NAME)`);
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
  if (!parsed.success) throw new CliUsageError(parsed.error.issues.map((i) => `--${String(i.path[0] ?? '')}: ${i.message}`).join('; '));
  const result: FederatedSearchResult = await services.handlers.studies.search(parsed.data, { windowId: 'cli', emit: () => {} });
  if (json) {
    io.out(JSON.stringify(result, null, 2));
  } else {
    for (const s of result.studies) {
      const where = [s.availability.local ? 'local' : '', s.availability.onsite ? 'on-site' : '', s.availability.offsite ? 'off-site' : '', s.availability.other ? 'other' : '']
        .filter(Boolean)
        .join(',');
      const name = [s.patientName.Alphabetic, s.patientName.Ideographic].filter(Boolean).join(' = ') || '(no name)';
      io.out(`${formatDicomDate(s.studyDate)}  ${s.patientId.padEnd(16)} ${name.padEnd(30)} ${s.modalities.join('/').padEnd(8)} ${s.studyDescription.padEnd(24)} [${where}] ${s.studyInstanceUid}`);
    }
    io.out(`${result.studies.length} studies.`);
    for (const n of result.nodes) {
      const status = n.state === 'ok' || n.state === 'slow' ? `${n.state}, ${n.count} in ${Math.round(n.ms)} ms` : `${n.state}: ${n.error ?? ''}`;
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
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${job.completed}${total} images ${(job.bytes / 1048576).toFixed(1)} MB${rate}`;
}

export async function retrieveCommand(
  services: Services,
  studyUid: string | undefined,
  flags: { node?: string; series?: string },
  json: boolean,
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  if (!studyUid) throw new CliUsageError('retrieve needs a STUDY_UID');
  let job: RetrieveJob;
  try {
    job = await services.jobs.start({ studyInstanceUid: studyUid, seriesInstanceUid: flags.series, nodeId: flags.node });
  } catch (err) {
    io.err(`dokuei: ${(err as Error).message}\n`);
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
  else if (final.state === 'done') io.out(`Retrieved ${final.completed} images (${(final.bytes / 1048576).toFixed(1)} MB) from ${final.nodeName}${final.failed ? `; ${final.failed} failed` : ''}.`);
  else io.out(`Retrieve ${final.state}${final.error ? `: ${final.error}` : ''} (${final.completed} images stored).`);
  if (!isFinished(final)) return 1;
  return final.state === 'done' && final.failed === 0 ? 0 : 1;
}

/** `dokuei secrets set REF` reads the value from standard input (so it never appears in shell history). */
export async function secretsCommand(secrets: SecretStore, args: string[], readStdin: () => Promise<string>, io: CliIo): Promise<number> {
  const [sub, ref] = args;
  if (!ref || !/^[A-Za-z0-9_.:-]{1,128}$/.test(ref)) throw new CliUsageError('secrets needs a REF (letters, digits, . _ : -), e.g. dokuei secrets set onsite-password');
  if (sub === 'set') {
    const value = (await readStdin()).replace(/\r?\n$/, '');
    if (!value) throw new CliUsageError('No secret on standard input (pipe it in, e.g. from a password manager)');
    secrets.set(ref, value);
    io.out(`Stored secret "${ref}" (encrypted).`);
    return 0;
  }
  if (sub === 'delete') {
    secrets.delete(ref);
    io.out(`Deleted secret "${ref}".`);
    return 0;
  }
  throw new CliUsageError(`unknown secrets command "${sub ?? ''}" (try: dokuei secrets set REF < file)`);
}
