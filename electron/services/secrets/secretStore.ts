/**
 * Secrets (PACS passwords, bearer and OAuth tokens, TLS client keys) are kept apart from settings and
 * encrypted at rest. Electron backs this with safeStorage (electron/main); the browser host, CLI and tests
 * with an AES-256-GCM file whose key sits in a 0600 key file (or DOKUEI_SECRET_KEY, base64, 32 bytes).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync, mkdirSync, chmodSync } from 'node:fs';
import path from 'node:path';

export interface SecretStore {
  get(ref: string): string | undefined;
  set(ref: string, value: string): void;
  delete(ref: string): void;
}

export class SecretStoreError extends Error {}

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

  /** Opens `<dir>/secrets.enc`, creating `<dir>/secret.key` (0600) on first use unless DOKUEI_SECRET_KEY is set. */
  static open(dir: string, env: NodeJS.ProcessEnv = process.env): FileSecretStore {
    mkdirSync(dir, { recursive: true });
    const key = loadKey(dir, env);
    const file = path.join(dir, 'secrets.enc');
    const values = new Map<string, string>();
    if (existsSync(file)) {
      const blob = readFileSync(file);
      let plain: string;
      try {
        const iv = blob.subarray(0, 12);
        const tag = blob.subarray(12, 28);
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        plain = Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretStoreError(`The secrets file ${file} cannot be decrypted with this key (wrong key, or the file was altered)`);
      }
      for (const [k, v] of Object.entries(JSON.parse(plain) as Record<string, string>)) values.set(k, v);
    }
    return new FileSecretStore(file, key, values);
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

function loadKey(dir: string, env: NodeJS.ProcessEnv): Buffer {
  if (env.DOKUEI_SECRET_KEY) {
    const key = Buffer.from(env.DOKUEI_SECRET_KEY, 'base64');
    if (key.length !== 32) throw new SecretStoreError('DOKUEI_SECRET_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  const keyFile = path.join(dir, 'secret.key');
  if (!existsSync(keyFile)) {
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(keyFile, 0o600);
  const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new SecretStoreError(`The key file ${keyFile} is damaged (expected 32 bytes, base64)`);
  return key;
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

