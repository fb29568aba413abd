/**
 * The data folder's keys as the CLI gets them: once per run and only when a command needs them (`inspect`
 * never does), from --key-file, DOKUEI_ARCHIVE_KEY, DOKUEI_PASSPHRASE, or a passphrase typed in the terminal.
 * The custody's notices (a legacy key beside the data) go to stderr once.
 */
import path from 'node:path';
import { openDataFolder, type OpenedFolder } from '../services/custody/openFolder';
import { terminalKeySources } from '../services/custody/terminal';
import type { KeySources } from '../services/custody/custody';
import { ConfSettingsStore } from '../services/settings/settings';

export interface CliFolder {
  dataDir: string;
  archiveDir: string;
  /** Every archive folder the data folder's key protects: the CLI's, and the app's from settings. */
  archiveDirs(): string[];
  sources: KeySources;
  open(): Promise<OpenedFolder>;
}

export function cliFolder(dataDir: string, archiveDir: string, keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): CliFolder {
  let opened: Promise<OpenedFolder> | undefined;
  const archiveDirs = (): string[] => {
    let settingsDir: string | undefined;
    try {
      settingsDir = new ConfSettingsStore(dataDir).get().archive?.dir;
    } catch {
      settingsDir = undefined; // unreadable settings: the commands that need them say so
    }
    return [...new Set([archiveDir, ...(settingsDir ? [path.resolve(settingsDir)] : [])])];
  };
  const sources = terminalKeySources({ dataDir, env, ...(keyFile ? { keyFile: path.resolve(keyFile) } : {}) });
  return {
    dataDir,
    archiveDir,
    archiveDirs,
    sources,
    open() {
      opened ??= openDataFolder(dataDir, sources, { archiveDirs: archiveDirs(), env }).then((o) => {
        // The custody's notices are English sentences without a catalogue key: shown as the services word them.
        for (const n of o.notices) process.stderr.write(`dokuei: ${n}\n`);
        return o;
      });
      return opened;
    },
  };
}
