/**
 * Protection of the archive's data key. The archive encrypts every file with one random 32-byte data key;
 * a KeyProvider wraps (encrypts) that key for storage next to the archive and unwraps it at open:
 *   - SafeStorageKeyProvider: Electron's safeStorage (OS keychain / DPAPI / libsecret) — the app;
 *   - FileKeyProvider: a 0600 master key file — browser host and CLI;
 *   - EnvKeyProvider: DOKUEI_ARCHIVE_KEY (base64, 32 bytes) — tests, headless servers.
 * Nothing here imports 'electron': the safeStorage object is passed in.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class ArchiveKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveKeyError';
  }
}

export interface KeyProvider {
  /** Short name recorded with the wrapped key, so an error can say which provider wrapped it. */
  readonly kind: string;
  wrap(dataKey: Buffer): Buffer;
  /** Throws ArchiveKeyError when the blob was not wrapped by this provider's key. */
  unwrap(wrapped: Buffer): Buffer;
}

const WRAP_AAD = Buffer.from('dokuei-archive-key-v1');

function gcmWrap(master: Buffer, dataKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master, iv);
  c.setAAD(WRAP_AAD);
  const body = Buffer.concat([c.update(dataKey), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

function gcmUnwrap(master: Buffer, wrapped: Buffer, what: string): Buffer {
  try {
    const d = createDecipheriv('aes-256-gcm', master, wrapped.subarray(0, 12));
    d.setAAD(WRAP_AAD);
    d.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([d.update(wrapped.subarray(28)), d.final()]);
  } catch {
    throw new ArchiveKeyError(`The archive key cannot be unwrapped with ${what} (wrong key, or the key file was altered)`);
  }
}

/** A 0600 master key file `<dir>/archive.key` (created on first use). */
export class FileKeyProvider implements KeyProvider {
  readonly kind = 'file';
  readonly keyFile: string;
  constructor(dir: string) {
    this.keyFile = path.join(dir, 'archive.key');
  }
  private master(): Buffer {
    if (!existsSync(this.keyFile)) {
      mkdirSync(path.dirname(this.keyFile), { recursive: true });
      try {
        writeFileSync(this.keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    chmodSync(this.keyFile, 0o600);
    const key = Buffer.from(readFileSync(this.keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ArchiveKeyError(`The key file ${this.keyFile} is damaged (expected 32 bytes, base64)`);
    return key;
  }
  wrap(dataKey: Buffer): Buffer {
    return gcmWrap(this.master(), dataKey);
  }
  unwrap(wrapped: Buffer): Buffer {
    return gcmUnwrap(this.master(), wrapped, `the key file ${this.keyFile}`);
  }
}

/** DOKUEI_ARCHIVE_KEY: 32 bytes, base64. */
export class EnvKeyProvider implements KeyProvider {
  readonly kind = 'env';
  private readonly key: Buffer;
  constructor(env: NodeJS.ProcessEnv = process.env, variable = 'DOKUEI_ARCHIVE_KEY') {
    const value = env[variable];
    if (!value) throw new ArchiveKeyError(`${variable} is not set`);
    this.key = Buffer.from(value, 'base64');
    if (this.key.length !== 32) throw new ArchiveKeyError(`${variable} must be 32 bytes, base64-encoded`);
  }
  wrap(dataKey: Buffer): Buffer {
    return gcmWrap(this.key, dataKey);
  }
  unwrap(wrapped: Buffer): Buffer {
    return gcmUnwrap(this.key, wrapped, 'DOKUEI_ARCHIVE_KEY');
  }
}

/** The subset of Electron's safeStorage the archive needs. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Electron: the data key is protected by the OS keychain; never falls back to plaintext. */
export class SafeStorageKeyProvider implements KeyProvider {
  readonly kind = 'safeStorage';
  constructor(private readonly safeStorage: SafeStorageLike) {}
  wrap(dataKey: Buffer): Buffer {
    if (!this.safeStorage.isEncryptionAvailable()) throw new ArchiveKeyError('The system keychain is not available: the archive key cannot be protected');
    return this.safeStorage.encryptString(dataKey.toString('base64'));
  }
  unwrap(wrapped: Buffer): Buffer {
    if (!this.safeStorage.isEncryptionAvailable()) throw new ArchiveKeyError('The system keychain is not available: the archive cannot be opened');
    let key: Buffer;
    try {
      key = Buffer.from(this.safeStorage.decryptString(wrapped), 'base64');
    } catch {
      throw new ArchiveKeyError('The archive key cannot be unwrapped by the system keychain');
    }
    if (key.length !== 32) throw new ArchiveKeyError('The archive key from the system keychain is damaged');
    return key;
  }
}

/** The env key when DOKUEI_ARCHIVE_KEY is set, else a key file in `dir`. */
export function defaultKeyProvider(dir: string, env: NodeJS.ProcessEnv = process.env): KeyProvider {
  return env.DOKUEI_ARCHIVE_KEY ? new EnvKeyProvider(env) : new FileKeyProvider(dir);
}
