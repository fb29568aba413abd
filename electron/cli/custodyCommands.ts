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
import type { CliFolder } from './cliKeys';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const CUSTODY_USAGE = `  dokuei archive rekey [--new-passphrase-stdin | --new-key-file FILE] [--json]
                                          protect the data folder's keys anew (a new passphrase, asked twice in
                                          a terminal, or a key file kept outside the data folder); no image is
                                          re-encrypted; moves a legacy archive.key beside the data away
  dokuei archive reset --yes [--json]     empty the local archive (a cache of the PACS); with the key lost, also
                                          what it protected (the audit log is moved aside); settings stay`;

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
    io.err(`dokuei: not recorded in the audit log: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  }
}

export async function rekeyCommand(folder: CliFolder, options: RekeyOptions, io: CliIo): Promise<number> {
  const opened = await folder.open(); // the current protection: a locked folder stops here
  let target: KeySources;
  if (options.newKeyFile) target = { keyFile: path.resolve(options.newKeyFile) };
  else if (options.readNewPassphrase) target = { passphrase: (await options.readNewPassphrase()).replace(/\r?\n$/, '') };
  else if (folder.sources.askNewPassphrase) target = { passphrase: await askNewPassphrase(folder.dataDir) };
  else throw new CliUsageError('archive rekey needs the new protection: --new-passphrase-stdin (the passphrase on stdin) or --new-key-file FILE, or run it in a terminal');
  if (target.passphrase !== undefined && target.passphrase.length === 0) throw new CliUsageError('The new passphrase is empty');
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
    io.out(`The keys of ${result.dataDir} are now protected by ${result.to === 'key' ? 'the key file' : `a ${result.to}`} (was: ${result.from}). Re-wrapped ${result.rewrapped.length} data key(s); no image was re-encrypted.`);
    for (const f of result.removed) io.out(`  deleted the key beside the data: ${f}`);
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
    lockedBecause = err.message;
  }
  const keyLost = !provider;
  const plan = await planReset(dataDir, archiveDirs, keyLost);
  const summary = { dataDir, keyLost, remove: plan.remove, moveAside: plan.moveAside, kept: plan.kept };
  if (!options.yes) {
    if (options.json) io.out(JSON.stringify({ ...summary, done: false }, null, 2));
    else {
      io.out(`dokuei archive reset would empty the local archive of ${dataDir} (a cache of the PACS: studies are retrieved again when needed).`);
      if (keyLost) io.out(`The data folder cannot be opened (${lockedBecause}): everything its key protected is lost with it.`);
      for (const r of plan.remove) io.out(`  delete      ${r}`);
      for (const m of plan.moveAside) io.out(`  move aside  ${m.from} → ${m.to} (kept encrypted, in case the key turns up)`);
      for (const k of plan.kept) io.out(`  keep        ${k}`);
      io.out('Run it again with --yes to do it.');
    }
    return 2;
  }
  // Not while the app (or another command) has an archive open.
  for (const d of archiveDirs) if (existsSync(d)) await takeLock(d);
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
      next = `The data folder is now protected by ${opened.folder.kind === 'key' ? 'the key given' : 'the passphrase given'}.`;
    } else next = 'The next start chooses a new protection (a passphrase or a key file).';
  } else next = 'The archive fills again as studies are opened or retrieved.';
  if (options.json) io.out(JSON.stringify({ ...summary, done: true, recorded }, null, 2));
  else io.out(`Reset ${dataDir}: deleted ${plan.remove.length} entries${plan.moveAside.length ? `, moved ${plan.moveAside.map((m) => m.to).join(', ')} aside` : ''}. ${next}`);
  return 0;
}
