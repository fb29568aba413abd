/**
 * `dokuei archive rekey` and `dokuei archive reset`: the data folder's key custody from the command line
 * (../services/custody/custody.ts). The --json shapes are interfaces: extend, never rename.
 *   rekey  moves the folder under a new protection (a new passphrase, or a key file kept elsewhere): every
 *          store's data key is re-wrapped, no image is re-encrypted; a legacy archive.key / secret.key beside
 *          the data is deleted. Recorded in the audit log (Security Alert, Security Configuration).
 *   reset  empties the local archive (a cache of the PACS). With the key lost, also everything it protected:
 *          the audit log is moved aside (still encrypted), SUV corrections and stored passwords are deleted, and
 *          the next start chooses a new protection. Settings stay. Needs --yes; without it, says what would go.
 * Exit codes: 0 done, 1 failed, 2 usage (reset without --yes).
 */
import { securityAlert, settingsChanged, type AuditContext, type AuditEvent } from '../../common/audit/builders';
import { EventTypeCode } from '../../common/audit/codes';
import { ArchiveKeyError } from '../services/archive/keyProvider';
import { releaseLock, takeLock } from '../services/archive/archiveLock';
import { AuditLog } from '../services/audit/auditLog';
import { processAuditContext } from '../services/audit/processContext';
import type { KeyProvider } from '../services/archive/keyProvider';
import { applyReset, keySourcesFromEnv, planReset, rekeyDataFolder, wrappedKeyFiles, type KeySources } from '../services/custody/custody';
import { openDataFolder } from '../services/custody/openFolder';
import { askNewPassphrase } from '../services/custody/terminal';
import { CliUsageError, type CliIo } from './pacsCommands';
import { cliErrorText, cliSaysText, ct, helpEntry } from './i18n/cliText';
import { columns, padColumns } from './i18n/columns';
import type { CliFolder } from './cliKeys';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The rekey and reset lines of `dokuei --help`, in the reader's language (built when printed). */
export function custodyUsage(): string {
  return [
    helpEntry('  dokuei archive rekey [--new-passphrase-stdin | --new-key-file FILE] [--json]', 'custody.usage.rekey'),
    helpEntry('  dokuei archive reset --yes [--json]', 'custody.usage.reset'),
  ].join('\n');
}

export interface RekeyOptions {
  newKeyFile?: string;
  /** The new passphrase, read from stdin (--new-passphrase-stdin). */
  readNewPassphrase?: () => Promise<string>;
  json: boolean;
}

async function recordEvent(dataDir: string, provider: KeyProvider, event: (ctx: AuditContext) => AuditEvent, io: CliIo): Promise<boolean> {
  try {
    const log = await AuditLog.open(dataDir, { keyProvider: provider, context: processAuditContext() });
    try {
      await log.append(event(processAuditContext()));
    } finally {
      await log.close();
    }
    return true;
  } catch (err) {
    io.err(`dokuei: ${ct('custody.notRecorded', { reason: cliErrorText(err) })}\n`);
    return false;
  }
}

export async function rekeyCommand(folder: CliFolder, options: RekeyOptions, io: CliIo): Promise<number> {
  const opened = await folder.open(); // the current protection: a locked folder stops here
  let target: KeySources;
  if (options.newKeyFile) target = { keyFile: path.resolve(options.newKeyFile) };
  else if (options.readNewPassphrase) target = { passphrase: (await options.readNewPassphrase()).replace(/\r?\n$/, '') };
  else if (folder.sources.askNewPassphrase) target = { passphrase: await askNewPassphrase(folder.dataDir) };
  else throw new CliUsageError(ct('custody.rekey.needsProtection'));
  if (target.passphrase !== undefined && target.passphrase.length === 0) throw new CliUsageError(ct('custody.rekey.emptyPassphrase'));
  if (folder.sources.scryptCost) target.scryptCost = folder.sources.scryptCost;
  const archiveDirs = folder.archiveDirs().filter((d) => existsSync(d));
  const keyFiles = wrappedKeyFiles(folder.dataDir, archiveDirs);
  // Not while the app (or another command) runs: it would keep wrapping new keys under the former folder key.
  const locked: string[] = [];
  let rekeyed: Awaited<ReturnType<typeof rekeyDataFolder>>;
  try {
    for (const d of archiveDirs) {
      await takeLock(d);
      locked.push(d);
    }
    rekeyed = await rekeyDataFolder(opened.folder, target, keyFiles, { archiveDirs });
  } finally {
    for (const d of locked) await releaseLock(d);
  }
  const { result, provider } = rekeyed;
  const recorded = await recordEvent(
    folder.dataDir,
    provider,
    (ctx) => settingsChanged(ctx, { area: 'security', changed: [`key custody: ${result.from} → ${result.to}`], settingsUri: `file://${path.join(folder.dataDir, 'custody.json')}` }),
    io,
  );
  if (options.json) io.out(JSON.stringify({ ...result, recorded }, null, 2));
  else {
    // The kinds are custody.json's words; a kind this version does not know is shown as it is.
    const to = cliSaysText({ key: `custody.to.${result.to}` }, result.to === 'key' ? 'the key file' : `a ${result.to}`);
    const from = cliSaysText({ key: `custody.from.${result.from}` }, result.from);
    io.out(ct('custody.rekey.done', { dataDir: result.dataDir, to, from, n: result.rewrapped.length }));
    for (const f of result.removed) io.out(`  ${ct('custody.rekey.removed', { file: f })}`);
  }
  return 0;
}

export async function resetCommand(folder: CliFolder, options: { yes: boolean; json: boolean }, io: CliIo): Promise<number> {
  const { dataDir } = folder;
  const archiveDirs = folder.archiveDirs();
  // With the key at hand only the cache goes; without it (lost), everything it protected.
  let provider: KeyProvider | undefined;
  let lockedBecause: string | undefined;
  try {
    provider = (await folder.open()).folder.provider;
  } catch (err) {
    if (!(err instanceof ArchiveKeyError)) throw err;
    lockedBecause = cliErrorText(err);
  }
  const keyLost = !provider;
  const plan = await planReset(dataDir, archiveDirs, keyLost);
  const summary = { dataDir, keyLost, remove: plan.remove, moveAside: plan.moveAside, kept: plan.kept };
  if (!options.yes) {
    if (options.json) io.out(JSON.stringify({ ...summary, done: false }, null, 2));
    else {
      io.out(ct('custody.reset.wouldEmpty', { dataDir }));
      if (keyLost) io.out(ct('custody.reset.keyLost', { reason: String(lockedBecause) }));
      // The paths line up after the widest label of the language ("move aside" in English), shown or not.
      const labels = { delete: ct('custody.reset.delete'), moveAside: ct('custody.reset.moveAside'), keep: ct('custody.reset.keep') };
      const width = Math.max(...Object.values(labels).map(columns));
      const label = (name: keyof typeof labels) => `  ${padColumns(labels[name], width)}  `;
      for (const r of plan.remove) io.out(`${label('delete')}${r}`);
      for (const m of plan.moveAside) io.out(`${label('moveAside')}${ct('custody.reset.movedAside', { from: m.from, to: m.to })}`);
      for (const k of plan.kept) io.out(`${label('keep')}${k}`);
      io.out(ct('custody.reset.runWithYes'));
    }
    return 2;
  }
  // Not while the app (or another command) has an archive open.
  for (const d of archiveDirs) if (existsSync(d)) await takeLock(d);
  // The audit record's description: the trail is read by other systems, in English whatever the reader's language.
  const describe = `Local archive reset${keyLost ? ' (key lost: custody, SUV corrections and stored secrets deleted, audit log moved aside)' : ''}: ${plan.remove.length} entries deleted`;
  // Recorded before the deletion while the log is readable, else in the new log (when this run can create one).
  let recorded = provider ? await recordEvent(dataDir, provider, (ctx) => securityAlert(ctx, { type: EventTypeCode.SoftwareConfiguration, subject: `file://${archiveDirs[0]}`, description: describe }), io) : false;
  await applyReset(plan);
  let next: string;
  if (keyLost) {
    const sources = { ...keySourcesFromEnv(process.env), ...(folder.sources.keyFile ? { keyFile: folder.sources.keyFile } : {}) };
    if (sources.keyFile || sources.envKey || sources.passphrase) {
      const opened = await openDataFolder(dataDir, sources, { archiveDirs });
      recorded = await recordEvent(dataDir, opened.folder.provider, (ctx) => securityAlert(ctx, { type: EventTypeCode.SoftwareConfiguration, subject: `file://${archiveDirs[0]}`, description: describe }), io);
      next = ct(opened.folder.kind === 'key' ? 'custody.reset.nowKey' : 'custody.reset.nowPassphrase');
    } else next = ct('custody.reset.nextStart');
  } else next = ct('custody.reset.fillsAgain');
  if (options.json) io.out(JSON.stringify({ ...summary, done: true, recorded }, null, 2));
  else if (plan.moveAside.length) io.out(ct('custody.reset.doneMoved', { dataDir, n: plan.remove.length, moved: plan.moveAside.map((m) => m.to).join(', '), next }));
  else io.out(ct('custody.reset.done', { dataDir, n: plan.remove.length, next }));
  return 0;
}
