import { createCipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvKeyProvider } from '../../../../../electron/services/archive/keyProvider';
import { openSecretStore } from '../../../../../electron/services/secrets/secretStore';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const PASSWORD = 'orthanc-Pa55word-山田';
const envKey = () => new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') });

/** secrets.enc as an earlier version wrote it: encrypted directly with the key in `secret.key` beside it. */
function writeLegacySecrets(dir: string, key: Buffer, values: Record<string, string>): void {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(JSON.stringify(values), 'utf8'), c.final()]);
  writeFileSync(path.join(dir, 'secrets.enc'), Buffer.concat([iv, c.getAuthTag(), body]));
}

describe('secret store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('survives a restart, never writes the secret in plain text, and keeps no key beside it', async () => {
    const provider = envKey();
    const a = (await openSecretStore(dir, provider, {})).store;
    a.set('node:onsite:password', PASSWORD);
    const onDisk = readFileSync(path.join(dir, 'secrets.enc'));
    expect(onDisk.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(onDisk.includes(Buffer.from('node:onsite'))).toBe(false);
    // Only the wrapped key: the folder holds nothing that decrypts the secrets by itself.
    expect(readdirSync(dir).sort()).toEqual(['secrets.enc', 'secrets.key.json']);
    expect((await openSecretStore(dir, provider, {})).store.get('node:onsite:password')).toBe(PASSWORD);
    a.delete('node:onsite:password');
    expect((await openSecretStore(dir, provider, {})).store.get('node:onsite:password')).toBeUndefined();
  });

  it('another key cannot open the secrets: a clear error, not garbage', async () => {
    (await openSecretStore(dir, envKey(), {})).store.set('x', 'y');
    await expect(openSecretStore(dir, envKey(), {})).rejects.toThrow(/cannot be unwrapped/);
  });

  it("migrates an earlier version's secret.key: the secrets stay readable and the key beside them is deleted", async () => {
    const legacy = randomBytes(32);
    writeFileSync(path.join(dir, 'secret.key'), legacy.toString('base64'), { mode: 0o600 });
    writeLegacySecrets(dir, legacy, { 'node:onsite:password': PASSWORD });
    const provider = envKey();
    const { store, notices } = await openSecretStore(dir, provider, {});
    expect(store.get('node:onsite:password')).toBe(PASSWORD);
    expect(notices.join()).toMatch(/secret\.key.*deleted/);
    expect(existsSync(path.join(dir, 'secret.key'))).toBe(false);
    if (process.platform !== 'win32') expect(statSync(path.join(dir, 'secrets.enc')).mode & 0o777).toBe(0o600);
    expect((await openSecretStore(dir, provider, {})).store.get('node:onsite:password')).toBe(PASSWORD);
  });

  it('migrates secrets kept under DOKUEI_SECRET_KEY, and a wrong one is a clear error', async () => {
    const legacy = randomBytes(32);
    writeLegacySecrets(dir, legacy, { t: 'token' });
    await expect(openSecretStore(dir, envKey(), { DOKUEI_SECRET_KEY: randomBytes(32).toString('base64') })).rejects.toThrow(/cannot be decrypted/);
    await removeDir(path.join(dir, 'secrets.key.json'));
    const provider = envKey();
    expect((await openSecretStore(dir, provider, { DOKUEI_SECRET_KEY: legacy.toString('base64') })).store.get('t')).toBe('token');
    expect((await openSecretStore(dir, provider, {})).store.get('t')).toBe('token');
  });
});
