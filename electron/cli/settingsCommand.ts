/**
 * `dokuei settings export [FILE]` and `dokuei settings import FILE` (issue #18): IT sets up the next workstation from
 * a file. The file holds the settings as validated (nodes, local SCP, archive options, viewer keys, audit
 * forwarding) and never a secret: settings name their secrets by reference only (a node's `secretRef`, a client
 * key's `clientKeySecretRef`), and the export lists those references so the secrets can be set on the new machine
 * with `dokuei secrets set REF`. An import is validated in full (and migrated from earlier settings shapes) before
 * anything is written; what it changed is recorded in the audit trail by the caller.
 */
import { writeFile, readFile } from 'node:fs/promises';
import { parseSettings, type Settings, type SettingsStore } from '../services/settings/settings';
import { CliUsageError } from './pacsCommands';

export const SETTINGS_EXPORT_FORMAT = 'dokuei-settings';

/** The `--json` shape of an export file (an interface other tools read: extend, never rename). */
export interface SettingsExport {
  format: typeof SETTINGS_EXPORT_FORMAT;
  version: 1;
  exportedAt: string;
  /** The secret references the settings name: each must be set on the machine that imports them. */
  secretRefs: string[];
  settings: Settings;
}

/** Every secret reference the settings name, sorted, once each. */
export function secretRefsOf(settings: Settings): string[] {
  const refs = new Set<string>();
  const walk = (v: unknown, key: string) => {
    if (typeof v === 'string' && /secretref$/i.test(key)) refs.add(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, ''));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(settings, '');
  return [...refs].sort();
}

export function exportSettings(settings: Settings, now: Date): SettingsExport {
  return { format: SETTINGS_EXPORT_FORMAT, version: 1, exportedAt: now.toISOString(), secretRefs: secretRefsOf(settings), settings };
}

/**
 * The settings an export file (or a bare settings.json) holds, validated and migrated; throws with the reason.
 * A key that names a secret's value rather than its reference is never taken: the schema drops unknown keys.
 */
export function settingsFromFile(raw: unknown, where: string): Settings {
  const body = raw && typeof raw === 'object' && (raw as { format?: unknown }).format === SETTINGS_EXPORT_FORMAT ? (raw as { settings?: unknown }).settings : raw;
  return parseSettings(body, where);
}

export interface SettingsIo {
  out: (line: string) => void;
  err: (text: string) => void;
}

/** Runs `settings export|import`; returns the exit code. `store` is the workstation's settings. */
export async function settingsCommand(store: SettingsStore, args: readonly string[], json: boolean, io: SettingsIo, now = new Date()): Promise<{ code: number; before?: Settings; after?: Settings }> {
  const [sub, file, ...extra] = args;
  if (extra.length) throw new CliUsageError(`settings ${sub ?? ''} takes one FILE at most`);
  if (sub === 'export') {
    const exported = exportSettings(store.get(), now);
    const text = `${JSON.stringify(exported, null, 2)}\n`;
    if (file) {
      // Not patient data, but it names the hospital's network: readable by its owner only.
      await writeFile(file, text, { mode: 0o600 });
      if (json) io.out(JSON.stringify({ file, secretRefs: exported.secretRefs }, null, 2));
      else io.out(`Settings written to ${file} (no secrets).`);
    } else io.out(text.trimEnd());
    if (exported.secretRefs.length && !json) io.err(`On the machine that imports them, set these secrets with "dokuei secrets set REF": ${exported.secretRefs.join(', ')}\n`);
    return { code: 0 };
  }
  if (sub === 'import') {
    if (!file) throw new CliUsageError('settings import needs the FILE an export wrote');
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file} could not be read as a settings file: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const settings = settingsFromFile(raw, file);
    const before = store.get();
    store.set(settings);
    const after = store.get();
    const secretRefs = secretRefsOf(after);
    if (json) io.out(JSON.stringify({ file, nodes: after.nodes.map((n) => n.id), secretRefs }, null, 2));
    else {
      io.out(`Settings imported from ${file}: ${after.nodes.length} node${after.nodes.length === 1 ? '' : 's'} (${after.nodes.map((n) => n.name).join(', ') || 'none'}).`);
      if (secretRefs.length) io.out(`Set their secrets on this machine with "dokuei secrets set REF": ${secretRefs.join(', ')}`);
    }
    return { code: 0, before, after };
  }
  throw new CliUsageError(`unknown settings command "${sub ?? ''}" (try: dokuei settings export [FILE], dokuei settings import FILE)`);
}
