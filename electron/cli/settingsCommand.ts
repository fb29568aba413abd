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
import { ct, helpEntry } from './i18n/cliText';

export const SETTINGS_EXPORT_FORMAT = 'dokuei-settings';

/** The --help lines of `settings export|import`, in the reader's language (built at print time). */
export function settingsUsage(): string {
  return [helpEntry('  dokuei settings export [FILE] [--json]', 'settings.help.export'), helpEntry('  dokuei settings import FILE [--json]', 'settings.help.import')].join('\n');
}

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
  if (extra.length) throw new CliUsageError(ct('settings.errors.oneFile', { sub: sub ?? '' }));
  if (sub === 'export') {
    const exported = exportSettings(store.get(), now);
    const text = `${JSON.stringify(exported, null, 2)}\n`;
    if (file) {
      // Not patient data, but it names the hospital's network: readable by its owner only.
      await writeFile(file, text, { mode: 0o600 });
      if (json) io.out(JSON.stringify({ file, secretRefs: exported.secretRefs }, null, 2));
      else io.out(ct('settings.export.written', { file }));
    } else io.out(text.trimEnd());
    if (exported.secretRefs.length && !json) io.err(`${ct('settings.export.secrets', { refs: exported.secretRefs.join(', ') })}\n`);
    return { code: 0 };
  }
  if (sub === 'import') {
    if (!file) throw new CliUsageError(ct('settings.errors.importNeedsFile'));
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      // The reason is the file system's or JSON.parse's own message (English): it names what is wrong with the file.
      throw new Error(ct('settings.errors.unreadable', { file, reason: err instanceof Error ? err.message : String(err) }), { cause: err });
    }
    const settings = settingsFromFile(raw, file);
    const before = store.get();
    store.set(settings);
    const after = store.get();
    const secretRefs = secretRefsOf(after);
    if (json) io.out(JSON.stringify({ file, nodes: after.nodes.map((n) => n.id), secretRefs }, null, 2));
    else {
      // One key per number rather than i18next plurals: Japanese has one form, English two.
      const names = after.nodes.map((n) => n.name).join(', ') || ct('settings.none');
      io.out(ct(after.nodes.length === 1 ? 'settings.import.doneOne' : 'settings.import.doneMany', { file, nodes: after.nodes.length, names }));
      if (secretRefs.length) io.out(ct('settings.import.secrets', { refs: secretRefs.join(', ') }));
    }
    return { code: 0, before, after };
  }
  throw new CliUsageError(ct('settings.errors.unknown', { sub: sub ?? '' }));
}
