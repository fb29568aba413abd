import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appKeySources, keyFileArgument, migrateSafeStorageSecrets } from '../../../../electron/main/safeStorageSecrets';
import type { SafeStorageLike } from '../../../../electron/services/archive/keyProvider';
import { readCustody, unlockDataFolder } from '../../../../electron/services/custody/custody';
import { openDataFolder } from '../../../../electron/services/custody/openFolder';
import { makeTempDir, removeDir } from '../../../support/tempDir';
import { TEST_SCRYPT_COST } from '../../../support/testArchive';

/** Electron's safeStorage as the app sees it, with the backend the test chooses (XOR with a secret stands in for the keyring). */
function keyring(backend: string): SafeStorageLike & { used: number } {
  const secret = randomBytes(32);
  const xor = (b: Buffer) => Buffer.from(b.map((x, i) => x ^ secret[i % 32]!));
  const k = {
    used: 0,
    isAsyncEncryptionAvailable: () => Promise.resolve(true),
    encryptStringAsync: (s: string) => (k.used++, Promise.resolve(xor(Buffer.from(s)))),
    decryptStringAsync: (b: Buffer) => (k.used++, Promise.resolve({ result: xor(b).toString(), shouldReEncrypt: false })),
    getSelectedStorageBackend: () => backend,
  };
  return k;
}

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-app-keys-');
});
afterEach(() => removeDir(dir));

describe('the app: keyring custody', () => {
  it('a real keyring protects a new data folder (async API)', async () => {
    const k = keyring('gnome_libsecret');
    const sources = await appKeySources(k, { env: {}, argv: [], platform: 'linux' });
    const folder = await unlockDataFolder(dir, sources);
    expect(folder.kind).toBe('safeStorage');
    expect(k.used).toBeGreaterThan(0);
  });

  it('refuses basic_text with a message that offers the passphrase, and never uses it', async () => {
    const k = keyring('basic_text');
    const err = await appKeySources(k, { env: {}, argv: [], platform: 'linux' }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/"basic_text" store, which protects nothing.*passphrase.*DOKUEI_PASSPHRASE.*--key-file/);
    expect(k.used).toBe(0);
  });

  it('with basic_text, DOKUEI_PASSPHRASE or --key-file protect the folder instead of the keyring', async () => {
    const k = keyring('basic_text');
    const withPass = await appKeySources(k, { env: { DOKUEI_PASSPHRASE: 'long passphrase' }, argv: [], platform: 'linux' });
    expect(withPass.safeStorage).toBeUndefined();
    await unlockDataFolder(path.join(dir, 'a'), { ...withPass, scryptCost: TEST_SCRYPT_COST });
    expect(await readCustody(path.join(dir, 'a'))).toMatchObject({ kind: 'passphrase' });
    const keyFile = path.join(dir, 'usb', 'app.key');
    expect(keyFileArgument(['electron', '.', `--key-file=${keyFile}`])).toBe(keyFile);
    const withFile = await appKeySources(k, { env: {}, argv: ['electron', '.', '--key-file', keyFile], platform: 'linux' });
    await unlockDataFolder(path.join(dir, 'b'), withFile);
    expect(await readCustody(path.join(dir, 'b'))).toMatchObject({ kind: 'key' });
    expect(k.used).toBe(0);
  });

  it("moves an earlier version's secrets.bin into the data folder's secret store and deletes it", async () => {
    const k = keyring('kwallet5');
    writeFileSync(path.join(dir, 'secrets.bin'), await k.encryptStringAsync(JSON.stringify({ 'node:a:password': 'Pa55' })));
    const opened = await openDataFolder(dir, await appKeySources(k, { env: {}, argv: [], platform: 'linux' }), { env: {} });
    expect(await migrateSafeStorageSecrets(k, dir, opened.secrets)).toBe(1);
    expect(existsSync(path.join(dir, 'secrets.bin'))).toBe(false);
    expect(readFileSync(path.join(dir, 'secrets.enc')).includes(Buffer.from('Pa55'))).toBe(false);
    const again = await openDataFolder(dir, await appKeySources(k, { env: {}, argv: [], platform: 'linux' }), { env: {} });
    expect(again.secrets.get('node:a:password')).toBe('Pa55');
    expect(await migrateSafeStorageSecrets(k, dir, again.secrets)).toBe(0);
  });
});
