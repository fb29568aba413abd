import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ArchiveKeyError,
  DataFolderLockedError,
  EnvKeyProvider,
  KeyFileProvider,
  PassphraseKeyProvider,
  SafeStorageKeyProvider,
  newScryptParams,
  type SafeStorageLike,
} from '../../../../../electron/services/archive/keyProvider';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { TEST_SCRYPT_COST } from '../../../../support/testArchive';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-keyprov-');
});
afterEach(() => removeDir(dir));

/** A keyring that "encrypts" by XOR with a secret, with the backend the test chooses. */
function fakeKeyring(backend: string, available = true): SafeStorageLike & { calls: number } {
  const secret = randomBytes(32);
  const xor = (b: Buffer) => Buffer.from(b.map((x, i) => x ^ secret[i % 32]!));
  const fake = {
    calls: 0,
    isAsyncEncryptionAvailable: () => Promise.resolve(available),
    encryptStringAsync: (s: string) => {
      fake.calls++;
      return Promise.resolve(xor(Buffer.from(s)));
    },
    decryptStringAsync: (b: Buffer) => {
      fake.calls++;
      return Promise.resolve({ result: xor(b).toString(), shouldReEncrypt: false });
    },
    getSelectedStorageBackend: () => backend,
  };
  return fake;
}

describe('key providers', () => {
  it('passphrase: the same passphrase and stored parameters give the same key; another passphrase or salt does not', async () => {
    const params = newScryptParams(TEST_SCRYPT_COST);
    expect(params).toMatchObject({ name: 'scrypt', N: TEST_SCRYPT_COST.N, r: 8, p: 1 });
    expect(Buffer.from(params.salt, 'base64')).toHaveLength(16);
    const a = await PassphraseKeyProvider.derive('correct horse', params);
    const b = await PassphraseKeyProvider.derive('correct horse', params);
    const wrapped = await a.wrap(randomBytes(32));
    expect(await b.unwrap(wrapped)).toHaveLength(32);
    await expect((await PassphraseKeyProvider.derive('correct horse!', params)).unwrap(wrapped)).rejects.toBeInstanceOf(ArchiveKeyError);
    await expect((await PassphraseKeyProvider.derive('correct horse', newScryptParams(TEST_SCRYPT_COST))).unwrap(wrapped)).rejects.toBeInstanceOf(ArchiveKeyError);
    await expect(PassphraseKeyProvider.derive('', params)).rejects.toThrow(/empty/);
  });

  it('key file: created 0600 outside the data folder at a first start, and reopened with the same key', async () => {
    const data = path.join(dir, 'data');
    const file = path.join(dir, 'keys', 'dokuei.key');
    const a = KeyFileProvider.open(file, { protects: [data], create: true });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const wrapped = await a.wrap(randomBytes(32));
    expect(await KeyFileProvider.open(file, { protects: [data] }).unwrap(wrapped)).toHaveLength(32);
    expect(readFileSync(file, 'utf8').trim()).toHaveLength(44);
  });

  it('key file: refused inside the folder it protects (also through a symbolic link), and a missing one is a clear error', () => {
    const data = path.join(dir, 'data');
    mkdirSync(data);
    expect(() => KeyFileProvider.open(path.join(data, 'my.key'), { protects: [data], create: true })).toThrow(/is inside .*the folder it would protect/);
    expect(existsSync(path.join(data, 'my.key'))).toBe(false);
    symlinkSync(data, path.join(dir, 'link'));
    expect(() => KeyFileProvider.open(path.join(dir, 'link', 'my.key'), { protects: [data], create: true })).toThrow(/is inside/);
    expect(() => KeyFileProvider.open(path.join(dir, 'absent.key'), { protects: [data] })).toThrow(/does not exist/);
  });

  it('DOKUEI_ARCHIVE_KEY must be 32 bytes', () => {
    expect(() => new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: 'c2hvcnQ=' })).toThrow(/32-byte key/);
    expect(() => new EnvKeyProvider({})).toThrow(/not set/);
  });

  it("safeStorage: uses the keyring's async API, and refuses Linux's basic_text backend with a message that offers the passphrase", async () => {
    const good = fakeKeyring('gnome_libsecret');
    const p = new SafeStorageKeyProvider(good, 'linux');
    const key = randomBytes(32);
    expect((await p.unwrap(await p.wrap(key))).equals(key)).toBe(true);
    expect(good.calls).toBe(2);

    const basic = fakeKeyring('basic_text');
    const refused = await new SafeStorageKeyProvider(basic, 'linux').wrap(key).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataFolderLockedError);
    expect((refused as Error).message).toMatch(/basic_text.*protects nothing/);
    expect((refused as Error).message).toMatch(/DOKUEI_PASSPHRASE/);
    expect(basic.calls).toBe(0); // nothing was "encrypted" with the constant key

    await expect(new SafeStorageKeyProvider(fakeKeyring('kwallet5', false), 'linux').wrap(key)).rejects.toThrow(/keyring is not available/);
    // macOS and Windows have no basic_text: their own store is used.
    expect(await new SafeStorageKeyProvider(fakeKeyring('basic_text'), 'darwin').check()).toBe('darwin');
  });
});
