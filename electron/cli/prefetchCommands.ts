/**
 * `dokuei prefetch --rule today|priors|pinned [--patient-id ID] [--count N] [--study UID ...] [--json] [--wait]`
 *   today   — today's studies on every node;
 *   priors  — the N (--count, default 3) most recent studies of --patient-id; --study names the study being
 *             read, which is left out;
 *   pinned  — the --study UIDs (also pinned in the archive).
 * Prints the queued jobs. Without --wait the command ends at once and the queue stays in the data folder's
 * encrypted prefetch queue: the next Dokuei start (app or CLI) resumes it. With --wait it shows progress
 * until every queued job has finished. The --json shape is an interface: extend, never rename.
 * Exit codes: 0 ok, 1 a job failed or a node did not answer, 2 usage error.
 */
import type { Services } from '../services/app/createServices';
import type { PrefetchEntry, PrefetchOutcome, Prefetcher } from '../services/prefetch/prefetcher';
import { CliUsageError, type CliIo } from './pacsCommands';
import { padColumns } from './i18n/columns';
import { ct, helpEntry } from './i18n/cliText';

/** The --help lines of `prefetch`, in the reader's language (built at print time). */
export function prefetchUsage(): string {
  return helpEntry('  dokuei prefetch --rule today|priors|pinned [--patient-id ID] [--count N] [--study UID ...] [--wait] [--json]', 'prefetch.help.prefetch');
}

export interface PrefetchFlags {
  rule?: string;
  'patient-id'?: string;
  count?: string;
  study?: string[];
  wait?: boolean;
}

/** One entry as a table row. Its error is the retrieve's English message (no key): shown as it is. */
function line(e: PrefetchEntry): string {
  const total = e.total !== undefined ? `/${e.total}` : '';
  return `  ${padColumns(ct(`prefetch.state.${e.state}`), 9)} ${String(e.completed).padStart(4)}${total.padEnd(5)} ${(e.bytes / 1048576).toFixed(1).padStart(7)} MB  ${e.nodeId ?? '-'}  ${e.studyInstanceUid}${e.error ? `  (${e.error})` : ''}`;
}

export async function prefetchCommand(services: Pick<Services, 'prefetch'>, flags: PrefetchFlags, json: boolean, io: CliIo, signal?: AbortSignal): Promise<number> {
  const prefetch: Prefetcher = services.prefetch;
  const studies = flags.study ?? [];
  let outcome: PrefetchOutcome;
  switch (flags.rule) {
    case 'today':
      outcome = await prefetch.queueToday();
      break;
    case 'priors': {
      if (!flags['patient-id']) throw new CliUsageError(ct('prefetch.errors.priorsNeedsPatient'));
      let count: number | undefined;
      if (flags.count !== undefined) {
        count = Number(flags.count);
        if (!Number.isInteger(count) || count < 1 || count > 100) throw new CliUsageError(ct('prefetch.errors.count'));
      }
      if (studies.length > 1) throw new CliUsageError(ct('prefetch.errors.priorsOneStudy'));
      outcome = await prefetch.queuePriors(flags['patient-id'], { count, openedStudyUid: studies[0] });
      break;
    }
    case 'pinned':
      if (studies.length === 0) throw new CliUsageError(ct('prefetch.errors.pinnedNeedsStudy'));
      outcome = await prefetch.queuePinned(studies);
      break;
    default:
      throw new CliUsageError(flags.rule ? ct('prefetch.errors.needsRuleGot', { rule: flags.rule }) : ct('prefetch.errors.needsRule'));
  }

  if (!flags.wait) {
    if (json) io.out(JSON.stringify({ ...outcome, waited: false }, null, 2));
    else {
      io.out(ct('prefetch.queued', { queued: outcome.queued.length, skipped: outcome.skipped.length }));
      for (const e of outcome.queued) io.out(line(e));
      for (const s of outcome.skipped) io.out(`  ${padColumns(ct('prefetch.label.skipped'), 9)} ${s.studyInstanceUid} (${ct(`prefetch.skipReason.${s.reason}`)})`);
      // A node's or study's error comes from the service as English text (no key): shown as it is.
      for (const e of outcome.errors) io.out(`  ${padColumns(ct('prefetch.label.error'), 9)} ${e}`);
      if (outcome.queued.length) io.out(ct('prefetch.background'));
    }
    return outcome.errors.length ? 1 : 0;
  }

  if (!json) {
    io.out(ct('prefetch.queued', { queued: outcome.queued.length, skipped: outcome.skipped.length }));
    for (const e of outcome.errors) io.out(`  ${padColumns(ct('prefetch.label.error'), 9)} ${e}`);
  }
  const ids = new Set(outcome.queued.map((e) => e.id));
  const mine = () => prefetch.list().filter((e) => ids.has(e.id) || e.resumed);
  const onAbort = () => {
    for (const e of mine()) prefetch.cancel(e.id);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = io.isTty && !json
    ? setInterval(() => {
        const list = mine();
        const done = list.filter((e) => e.state === 'done' || e.state === 'failed' || e.state === 'cancelled').length;
        const images = list.reduce((n, e) => n + e.completed, 0);
        io.err(`\r${ct('prefetch.progress', { done, total: list.length, images })}`);
      }, 250)
    : undefined;
  try {
    await prefetch.whenIdle();
  } finally {
    if (timer) clearInterval(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if (io.isTty && !json) io.err('\n');
  const final = mine();
  if (json) io.out(JSON.stringify({ ...outcome, waited: true, entries: final }, null, 2));
  else for (const e of final) io.out(line(e));
  return outcome.errors.length || final.some((e) => e.state !== 'done' || e.failed > 0) ? 1 : 0;
}
