/**
 * The app's key sources and the migration of its older secrets file. The data folder's keys are protected by
 * Electron's safeStorage through its async API (the sync one is deprecated), and only when it is backed by a
 * real keyring: on Linux's `basic_text` fallback the keyring is refused with a message that offers the
 * passphrase (DOKUEI_PASSPHRASE) or a key file (--key-file=FILE) instead. The safeStorage object is passed in,
 * so this module imports nothing from 'electron' at runtime and is testable under plain Node.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DataFolderLockedError, SafeStorageKeyProvider, type SafeStorageLike } from '../services/archive/keyProvider';
import { keySourcesFromEnv, type KeySources } from '../services/custody/custody';
import type { SecretStore } from '../services/secrets/secretStore';

export type { SafeStorageLike };

/** `--key-file=FILE` or `--key-file FILE` among the app's arguments. */
export function keyFileArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--key-file=')) return a.slice('--key-file='.length);
    if (a === '--key-file') return argv[i + 1];
  }
  return undefined;
}

/**
 * Where the app gets the data folder's key: a key file or DOKUEI_ARCHIVE_KEY / DOKUEI_PASSPHRASE when given,
 * the keyring otherwise. A keyring that protects nothing (`basic_text`) or is unavailable is left out; with no
 * other source the start fails with the keyring's own message, which says what to do.
 */
export async function appKeySources(safeStorage: SafeStorageLike, options: { env?: NodeJS.ProcessEnv; argv?: readonly string[]; platform?: NodeJS.Platform } = {}): Promise<KeySources> {
  const sources: KeySources = keySourcesFromEnv(options.env ?? process.env);
  const keyFile = keyFileArgument(options.argv ?? process.argv);
  if (keyFile) sources.keyFile = path.resolve(keyFile);
  const keyring = new SafeStorageKeyProvider(safeStorage, options.platform);
  try {
    await keyring.check();
    sources.safeStorage = keyring;
  } catch (err) {
    if (!(err instanceof DataFolderLockedError)) throw err;
    if (!sources.keyFile && !sources.envKey && !sources.passphrase) throw err;
  }
  return sources;
}

/**
 * An earlier version kept the secrets in `<userData>/secrets.bin`, encrypted by safeStorage directly: they move
 * into the data folder's secret store (under its custody) and the old file is deleted. Returns how many moved.
 */
export async function migrateSafeStorageSecrets(safeStorage: SafeStorageLike, userDataDir: string, target: SecretStore): Promise<number> {
  const file = path.join(userDataDir, 'secrets.bin');
  let blob: Buffer;
  try {
    blob = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const { result } = await safeStorage.decryptStringAsync(blob);
  const values = Object.entries(JSON.parse(result) as Record<string, string>);
  for (const [k, v] of values) target.set(k, v);
  await fs.rm(file, { force: true });
  return values.length;
}
