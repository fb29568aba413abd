/**
 * Protection of the data keys. Every encrypted store (archive, audit log, SUV corrections, secrets) has its own
 * random 32-byte data key; a KeyProvider wraps (encrypts) that key for storage in the store's key.json and
 * unwraps it at open. The providers:
 *   - RawKeyProvider: AES-256-GCM under a 32-byte key held in memory — the data folder's key once it is unlocked
 *     (../custody/custody.ts), and the building block of the others;
 *   - EnvKeyProvider: DOKUEI_ARCHIVE_KEY (base64, 32 bytes) — tests, headless servers;
 *   - KeyFileProvider: a key file the user names, never inside the data folder;
 *   - PassphraseKeyProvider: scrypt of a passphrase (the parameters are stored, never the key);
 *   - SafeStorageKeyProvider: Electron's async safeStorage, refused on Linux's `basic_text` backend.
 * No provider ever writes a key beside what it protects. Nothing here imports 'electron': the safeStorage
 * object is passed in.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class ArchiveKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveKeyError';
  }
}

/**
 * The data folder cannot be opened with what this start has (no passphrase, no key, no keyring): the message
 * says what protects it and how to give it. Never carries data or a stack worth showing.
 */
export class DataFolderLockedError extends ArchiveKeyError {
  constructor(message: string) {
    super(message);
    this.name = 'DataFolderLockedError';
  }
}

export interface KeyProvider {
  /** Short name recorded with the wrapped key, so an error can say which provider wrapped it. */
  readonly kind: string;
  wrap(dataKey: Buffer): Promise<Buffer>;
  /** Rejects with ArchiveKeyError when the blob was not wrapped by this provider's key. */
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

const WRAP_AAD = Buffer.from('dokuei-archive-key-v1');

export function gcmWrap(master: Buffer, dataKey: Buffer, aad: Buffer = WRAP_AAD): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master, iv);
  c.setAAD(aad);
  const body = Buffer.concat([c.update(dataKey), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

/** The unwrapped bytes, or undefined when `master` is not the key that wrapped them (or they were altered). */
export function gcmTryUnwrap(master: Buffer, wrapped: Buffer, aad: Buffer = WRAP_AAD): Buffer | undefined {
  if (wrapped.length < 28) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', master, wrapped.subarray(0, 12));
    d.setAAD(aad);
    d.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([d.update(wrapped.subarray(28)), d.final()]);
  } catch {
    return undefined;
  }
}

/** Parses a 32-byte key written as base64 (a key file's text or DOKUEI_ARCHIVE_KEY). */
export function parseKey(text: string, what: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new ArchiveKeyError(`${what} must hold a 32-byte key, base64-encoded`);
  return key;
}

/**
 * AES-256-GCM under a 32-byte key in memory. `previous` keys are tried when unwrapping only: after an
 * interrupted rekey some key.json files are still wrapped by the folder's former key.
 */
export class RawKeyProvider implements KeyProvider {
  constructor(
    protected readonly key: Buffer,
    readonly kind: string = 'raw',
    private readonly what = 'this key',
    private readonly previous: readonly Buffer[] = [],
  ) {
    if (key.length !== 32) throw new ArchiveKeyError(`${what} must be 32 bytes`);
  }
  wrap(dataKey: Buffer): Promise<Buffer> {
    return Promise.resolve(gcmWrap(this.key, dataKey));
  }
  unwrap(wrapped: Buffer): Promise<Buffer> {
    for (const k of [this.key, ...this.previous]) {
      const plain = gcmTryUnwrap(k, wrapped);
      if (plain) return Promise.resolve(plain);
    }
    return Promise.reject(new ArchiveKeyError(`The archive key cannot be unwrapped with ${this.what} (wrong key, or the key file was altered)`));
  }
  /** Whether `wrapped` opens with the current key (not only with a previous one). */
  opensWithCurrentKey(wrapped: Buffer): boolean {
    return gcmTryUnwrap(this.key, wrapped) !== undefined;
  }
}

/** DOKUEI_ARCHIVE_KEY: 32 bytes, base64. */
export class EnvKeyProvider extends RawKeyProvider {
  constructor(env: NodeJS.ProcessEnv = process.env, variable = 'DOKUEI_ARCHIVE_KEY') {
    const value = env[variable];
    if (!value) throw new ArchiveKeyError(`${variable} is not set`);
    super(parseKey(value, variable), 'env', variable);
  }
  /** The key itself, for the data folder's custody (it becomes the folder key). */
  get rawKey(): Buffer {
    return this.key;
  }
}

/** True when `child` is `parent` or inside it, after following symbolic links of what exists. */
export function isInside(child: string, parent: string): boolean {
  const real = (p: string): string => {
    const abs = path.resolve(p);
    if (existsSync(abs)) return realpathSync(abs);
    const dir = path.dirname(abs);
    return dir === abs ? abs : path.join(real(dir), path.basename(abs));
  };
  const rel = path.relative(real(parent), real(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * A key file the user names (32 bytes, base64, 0600). It must lie outside the data folder and the archive
 * folder: a key beside what it protects protects nothing. `create` makes a fresh one (first start) when absent.
 */
export class KeyFileProvider extends RawKeyProvider {
  private constructor(
    key: Buffer,
    readonly file: string,
  ) {
    super(key, 'keyFile', `the key file ${file}`);
  }
  static open(file: string, options: { protects: readonly string[]; create?: boolean }): KeyFileProvider {
    const abs = path.resolve(file);
    for (const dir of options.protects) {
      if (isInside(abs, dir)) {
        throw new ArchiveKeyError(`The key file ${abs} is inside ${path.resolve(dir)}, the folder it would protect: keep it elsewhere (another disk, a USB key, a secrets manager)`);
      }
    }
    if (!existsSync(abs)) {
      if (!options.create) throw new DataFolderLockedError(`The key file ${abs} does not exist`);
      mkdirSync(path.dirname(abs), { recursive: true, mode: 0o700 });
      writeFileSync(abs, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    }
    if (process.platform !== 'win32') chmodSync(abs, 0o600);
    return new KeyFileProvider(parseKey(readFileSync(abs, 'utf8'), `The key file ${abs}`), abs);
  }
  get rawKey(): Buffer {
    return this.key;
  }
}

/** scrypt parameters, stored with the data folder's custody (never the key). */
export interface ScryptParams {
  name: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64, 16 bytes. */
  salt: string;
}

/** About 128 MiB and a few hundred milliseconds per unlock on a current machine (OWASP's scrypt guidance: N ≥ 2^17). */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;

export function newScryptParams(cost: { N: number; r: number; p: number } = DEFAULT_SCRYPT): ScryptParams {
  return { name: 'scrypt', ...cost, salt: randomBytes(16).toString('base64') };
}

function scrypt(passphrase: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(passphrase.normalize('NFC'), salt, 32, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** The key derived from a passphrase with stored scrypt parameters. */
export class PassphraseKeyProvider extends RawKeyProvider {
  private constructor(key: Buffer) {
    super(key, 'passphrase', 'this passphrase');
  }
  static async derive(passphrase: string, params: ScryptParams): Promise<PassphraseKeyProvider> {
    if (params.name !== 'scrypt' || !Number.isInteger(params.N) || !Number.isInteger(params.r) || !Number.isInteger(params.p)) {
      throw new ArchiveKeyError(`Unknown passphrase parameters (${JSON.stringify(params)})`);
    }
    if (passphrase.length === 0) throw new ArchiveKeyError('The passphrase is empty');
    const key = await scrypt(passphrase, Buffer.from(params.salt, 'base64'), { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + (1 << 20) });
    return new PassphraseKeyProvider(key);
  }
  get rawKey(): Buffer {
    return this.key;
  }
}

/** The subset of Electron's safeStorage the data folder needs: the async API (the sync one is deprecated). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only: which password store backs safeStorage. */
  getSelectedStorageBackend?(): string;
}

/** What the user reads when Linux offers only `basic_text`: the key would be "encrypted" with a constant. */
export const BASIC_TEXT_MESSAGE =
  'The system keyring is not available: Electron would fall back to its "basic_text" store, which protects nothing (its key is the same on every machine). ' +
  'Start a keyring (GNOME Keyring / KWallet, or --password-store=gnome-libsecret), or protect the data folder with a passphrase: start with DOKUEI_PASSPHRASE set, or with --key-file FILE.';

/** Electron: the key is protected by the OS keyring; never by `basic_text`, never in plaintext. */
export class SafeStorageKeyProvider implements KeyProvider {
  readonly kind = 'safeStorage';
  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}
  /** The backend in use (Linux), or the platform's own store elsewhere. Rejects when it protects nothing. */
  async check(): Promise<string> {
    const backend = this.platform === 'linux' ? (this.safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : this.platform;
    if (backend === 'basic_text') throw new DataFolderLockedError(BASIC_TEXT_MESSAGE);
    if (!(await this.safeStorage.isAsyncEncryptionAvailable())) throw new DataFolderLockedError('The system keyring is not available: the data folder cannot be opened. Unlock the keyring, or start with DOKUEI_PASSPHRASE or --key-file FILE.');
    return backend;
  }
  async wrap(dataKey: Buffer): Promise<Buffer> {
    await this.check();
    return this.safeStorage.encryptStringAsync(dataKey.toString('base64'));
  }
  async unwrap(wrapped: Buffer): Promise<Buffer> {
    await this.check();
    let key: Buffer;
    try {
      key = Buffer.from((await this.safeStorage.decryptStringAsync(wrapped)).result, 'base64');
    } catch {
      throw new ArchiveKeyError('The data folder key cannot be unwrapped by the system keyring (another user, another machine, or a reset keyring)');
    }
    if (key.length !== 32) throw new ArchiveKeyError('The data folder key from the system keyring is damaged');
    return key;
  }
}
