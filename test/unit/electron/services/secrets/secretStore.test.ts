import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretStore, SecretStoreError } from '../../../../../electron/services/secrets/secretStore';
import { SafeStorageSecretStore } from '../../../../../electron/main/safeStorageSecrets';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const PASSWORD = 'orthanc-Pa55word-山田';

describe('secret stores', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('file store: survives a restart, never writes the secret in plain text, key file is 0600', () => {
    const a = FileSecretStore.open(dir, {});
    a.set('node:onsite:password', PASSWORD);
    const onDisk = readFileSync(path.join(dir, 'secrets.enc'));
    expect(onDisk.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(onDisk.includes(Buffer.from('node:onsite'))).toBe(false);
    expect(statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(FileSecretStore.open(dir, {}).get('node:onsite:password')).toBe(PASSWORD);
    a.delete('node:onsite:password');
    expect(FileSecretStore.open(dir, {}).get('node:onsite:password')).toBeUndefined();
  });

  it('file store: a wrong key or an altered file is a clear error, not garbage', () => {
    FileSecretStore.open(dir, {}).set('x', 'y');
    writeFileSync(path.join(dir, 'secret.key'), randomBytes(32).toString('base64'));
    expect(() => FileSecretStore.open(dir, {})).toThrow(/cannot be decrypted with this key/);
    expect(() => FileSecretStore.open(dir, { DOKUEI_SECRET_KEY: 'c2hvcnQ=' })).toThrow(SecretStoreError);
  });

  it('file store: the key can come from the environment instead of a file', () => {
    const key = randomBytes(32).toString('base64');
    FileSecretStore.open(dir, { DOKUEI_SECRET_KEY: key }).set('t', 'token');
    expect(FileSecretStore.open(dir, { DOKUEI_SECRET_KEY: key }).get('t')).toBe('token');
    expect(() => FileSecretStore.open(dir, { DOKUEI_SECRET_KEY: randomBytes(32).toString('base64') })).toThrow(/cannot be decrypted/);
  });

  it('Electron store: encrypted with the keychain, and refuses to save without one', () => {
    const keychain = {
      available: true,
      isEncryptionAvailable() {
        return this.available;
      },
      encryptString: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
      decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
    };
    const store = new SafeStorageSecretStore(keychain, dir);
    store.set('p', PASSWORD);
    expect(readFileSync(path.join(dir, 'secrets.bin')).includes(Buffer.from(PASSWORD))).toBe(false);
    expect(new SafeStorageSecretStore(keychain, dir).get('p')).toBe(PASSWORD);
    keychain.available = false;
    expect(() => store.set('q', 'x')).toThrow(/keychain is not available/);
    expect(() => new SafeStorageSecretStore(keychain, dir)).toThrow(/cannot be read/);
  });
});
