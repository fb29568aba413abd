/**
 * Secrets (PACS passwords, bearer and OAuth tokens, TLS client keys) are kept apart from settings and
 * encrypted at rest: `<dir>/secrets.enc`, AES-256-GCM under a random key of its own that is stored only
 * wrapped by the data folder's KeyProvider (`<dir>/secrets.key.json`, like every other store's key.json).
 * No key lies beside the file: an older `secret.key` (or DOKUEI_SECRET_KEY) is read once to migrate.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { KeyProvider } from '../archive/keyProvider';

export interface SecretStore {
  get(ref: string): string | undefined;
  set(ref: string, value: string): void;
  delete(ref: string): void;
}

export class SecretStoreError extends Error {}

export const SECRETS_FILE = 'secrets.enc';
/** The secrets' key, wrapped by the data folder's KeyProvider. */
export const SECRETS_KEY_FILE = 'secrets.key.json';
/** An earlier version's key file, beside the secrets: migrated away at the first open. */
export const LEGACY_SECRET_KEY_FILE = 'secret.key';

function decrypt(key: Buffer, blob: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
    decipher.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Encrypts a whole JSON map of secrets with one key; the file is rewritten atomically on each change. */
export class FileSecretStore implements SecretStore {
  private readonly values: Map<string, string>;

  private constructor(
    private readonly file: string,
    private readonly key: Buffer,
    values: Map<string, string>,
  ) {
    this.values = values;
  }

  /**
   * Opens `<dir>/secrets.enc` under `key` (32 bytes). `fallbackKeys` are tried when `key` does not open it
   * (a migration from a legacy key that was interrupted); the file is then rewritten under `key`.
   */
  static openWithKey(dir: string, key: Buffer, fallbackKeys: readonly Buffer[] = []): FileSecretStore {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, SECRETS_FILE);
    const values = new Map<string, string>();
    let migrated = false;
    if (existsSync(file)) {
      const blob = readFileSync(file);
      let plain = decrypt(key, blob);
      for (const k of fallbackKeys) {
        if (plain !== undefined) break;
        plain = decrypt(k, blob);
        migrated = plain !== undefined;
      }
      if (plain === undefined) throw new SecretStoreError(`The secrets file ${file} cannot be decrypted with this key (wrong key, or the file was altered)`);
      for (const [k, v] of Object.entries(JSON.parse(plain) as Record<string, string>)) values.set(k, v);
    }
    const store = new FileSecretStore(file, key, values);
    if (migrated) store.persist();
    return store;
  }

  get(ref: string): string | undefined {
    return this.values.get(ref);
  }

  set(ref: string, value: string): void {
    this.values.set(ref, value);
    this.persist();
  }

  delete(ref: string): void {
    if (this.values.delete(ref)) this.persist();
  }

  private persist(): void {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(Object.fromEntries(this.values)), 'utf8'), cipher.final()]);
    const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, Buffer.concat([iv, cipher.getAuthTag(), body]), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

/** An earlier version's secrets key (`<dir>/secret.key`, or DOKUEI_SECRET_KEY), when there is one. */
function legacySecretKeys(dir: string, env: NodeJS.ProcessEnv): Buffer[] {
  const keys: Buffer[] = [];
  const file = path.join(dir, LEGACY_SECRET_KEY_FILE);
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new SecretStoreError(`The key file ${file} is damaged (expected 32 bytes, base64)`);
    keys.push(key);
  }
  if (env.DOKUEI_SECRET_KEY) {
    const key = Buffer.from(env.DOKUEI_SECRET_KEY, 'base64');
    if (key.length !== 32) throw new SecretStoreError('DOKUEI_SECRET_KEY must be 32 bytes, base64-encoded');
    keys.push(key);
  }
  return keys;
}

/**
 * The secrets of the data folder `dir`, their key unwrapped by `provider` (created on first use). A legacy
 * `secret.key` beside the file is migrated: the secrets are re-encrypted under the wrapped key and the old key
 * file is deleted (`notices` says so).
 */
export async function openSecretStore(dir: string, provider: KeyProvider, env: NodeJS.ProcessEnv = process.env): Promise<{ store: FileSecretStore; notices: string[] }> {
  mkdirSync(dir, { recursive: true });
  const keyFile = path.join(dir, SECRETS_KEY_FILE);
  let key: Buffer;
  if (existsSync(keyFile)) {
    let stored: { wrapped?: unknown };
    try {
      stored = JSON.parse(readFileSync(keyFile, 'utf8')) as { wrapped?: unknown };
    } catch (err) {
      throw new SecretStoreError(`The secrets key file ${keyFile} is damaged: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof stored.wrapped !== 'string') throw new SecretStoreError(`The secrets key file ${keyFile} is damaged`);
    key = await provider.unwrap(Buffer.from(stored.wrapped, 'base64'));
  } else {
    key = randomBytes(32);
    const tmp = `${keyFile}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify({ v: 1, provider: provider.kind, wrapped: (await provider.wrap(key)).toString('base64') }), { mode: 0o600 });
    renameSync(tmp, keyFile);
  }
  const legacy = legacySecretKeys(dir, env);
  const store = FileSecretStore.openWithKey(dir, key, legacy);
  const notices: string[] = [];
  const legacyFile = path.join(dir, LEGACY_SECRET_KEY_FILE);
  if (existsSync(legacyFile)) {
    // Only once the secrets are readable under the wrapped key (openWithKey rewrote them).
    rmSync(legacyFile, { force: true });
    notices.push(`The secrets key that lay beside the secrets (${legacyFile}) was replaced by a key wrapped under the data folder's protection, and deleted.`);
  }
  return { store, notices };
}

/** For tests and one-off runs: secrets only in memory. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  constructor(initial: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(initial)) this.values.set(k, v);
  }
  get(ref: string): string | undefined {
    return this.values.get(ref);
  }
  set(ref: string, value: string): void {
    this.values.set(ref, value);
  }
  delete(ref: string): void {
    this.values.delete(ref);
  }
}

