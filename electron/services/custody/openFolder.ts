/**
 * Opening a data folder's keys at start-up, the same way in every host: custody unlocked once (custody.ts),
 * then the secrets under it (an older `secret.key` beside them migrated). What a user should hear on every
 * start (a legacy key beside the data) comes back as `notices`.
 */
import path from 'node:path';
import { openSecretStore, type FileSecretStore } from '../secrets/secretStore';
import { unlockDataFolder, type KeySources, type UnlockedFolder } from './custody';

export interface OpenedFolder {
  folder: UnlockedFolder;
  secrets: FileSecretStore;
  notices: string[];
}

export async function openDataFolder(dataDir: string, sources: KeySources, options: { archiveDirs?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<OpenedFolder> {
  const folder = await unlockDataFolder(path.resolve(dataDir), sources, options);
  const { store, notices } = await openSecretStore(dataDir, folder.provider, options.env ?? process.env);
  return { folder, secrets: store, notices: [...folder.warnings, ...notices] };
}
