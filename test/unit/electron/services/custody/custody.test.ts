import { createCipheriv, randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { DataFolderLockedError, EnvKeyProvider, SafeStorageKeyProvider, type KeyProvider, type SafeStorageLike } from '../../../../../electron/services/archive/keyProvider';
import { AuditLog } from '../../../../../electron/services/audit/auditLog';
import { processAuditContext } from '../../../../../electron/services/audit/processContext';
import { applicationActivity } from '../../../../../common/audit/builders';
import {
  CUSTODY_FILE,
  applyReset,
  folderState,
  planReset,
  readCustody,
  rekeyDataFolder,
  unlockDataFolder,
  wrappedKeyFiles,
  type KeySources,
} from '../../../../../electron/services/custody/custody';
import { openDataFolder } from '../../../../../electron/services/custody/openFolder';
import { listFilesRecursively } from '../../../../../electron/services/store/listFiles';
import { repoRoot } from '../../../../support/data';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { TEST_SCRYPT_COST, archiveObjectFiles } from '../../../../support/testArchive';

const DICOM = path.join(repoRoot, 'test/fixtures/charsets/chrH31.dcm');
const pass = (passphrase: string): KeySources => ({ passphrase, scryptCost: TEST_SCRYPT_COST });

let root: string;
let dataDir: string;
beforeEach(async () => {
  root = await makeTempDir('dokuei-custody-');
  dataDir = path.join(root, 'data');
});
afterEach(() => removeDir(root));

/** A data folder as a session leaves it: an archive with one image, an audit log, a stored password. */
async function populate(provider: KeyProvider): Promise<{ study: string; series: string; instance: string }> {
  const archive = await EncryptedArchive.open(path.join(dataDir, 'archive'), { keyProvider: provider });
  const put = await archive.put(readFileSync(DICOM));
  await archive.close();
  const audit = await AuditLog.open(dataDir, { keyProvider: provider, context: processAuditContext() });
  await audit.append(applicationActivity(processAuditContext(), { kind: 'start' }));
  await audit.close();
  return { study: put.study, series: put.series, instance: put.instance };
}

async function readBack(provider: KeyProvider, ids: { study: string; series: string; instance: string }): Promise<Uint8Array | undefined> {
  const archive = await EncryptedArchive.open(path.join(dataDir, 'archive'), { keyProvider: provider });
  try {
    return await archive.readInstance(ids.study as never, ids.series as never, ids.instance as never);
  } finally {
    await archive.close();
  }
}

const lockedMessageOf = (p: Promise<unknown>) =>
  p.then(
    () => 'opened',
    (e: unknown) => (e instanceof DataFolderLockedError ? e.message : `not a locked error: ${String(e)}`),
  );

describe('key custody of a data folder', () => {
  it('a first start with a passphrase stores the scrypt parameters and the wrapped folder key, never a key', async () => {
    const folder = await unlockDataFolder(dataDir, pass('correct horse battery'));
    expect(folder).toMatchObject({ kind: 'passphrase', created: true });
    const rec = await readCustody(dataDir);
    expect(rec).toMatchObject({ v: 1, kind: 'passphrase', kdf: { name: 'scrypt', N: TEST_SCRYPT_COST.N, r: 8, p: 1 } });
    const text = readFileSync(path.join(dataDir, CUSTODY_FILE), 'utf8');
    expect(text).not.toContain(folder.folderKey.toString('base64'));
    expect(readFileSync(path.join(dataDir, CUSTODY_FILE)).includes(folder.folderKey)).toBe(false);
    const again = await unlockDataFolder(dataDir, pass('correct horse battery'));
    expect(again.folderKey.equals(folder.folderKey)).toBe(true);
    expect(again.created).toBe(false);
  });

  it('a wrong passphrase says so; no passphrase gives the "locked" message', async () => {
    await unlockDataFolder(dataDir, pass('correct horse battery'));
    expect(await lockedMessageOf(unlockDataFolder(dataDir, pass('Correct horse battery')))).toBe(`Wrong passphrase for the data folder ${dataDir}.`);
    expect(await lockedMessageOf(unlockDataFolder(dataDir, {}))).toMatch(new RegExp(`The data folder ${dataDir} is locked: it is protected by a passphrase.*DOKUEI_PASSPHRASE.*dokuei archive reset`));
    // A key does not open a passphrase folder.
    expect(await lockedMessageOf(unlockDataFolder(dataDir, { envKey: randomBytes(32).toString('base64') }))).toMatch(/is locked: it is protected by a passphrase/);
  });

  it('a new folder without any key source is not created: the message says how to choose one', async () => {
    expect(await lockedMessageOf(unlockDataFolder(dataDir, {}))).toMatch(/is new: its first start must choose.*passphrase.*--key-file.*DOKUEI_ARCHIVE_KEY/);
    expect(existsSync(path.join(dataDir, CUSTODY_FILE))).toBe(false);
  });

  it('asks for a new passphrase only at a first start, and for the passphrase only when the folder has one', async () => {
    const asked: string[] = [];
    const sources: KeySources = {
      scryptCost: TEST_SCRYPT_COST,
      askNewPassphrase: () => (asked.push('new'), Promise.resolve('typed twice')),
      askPassphrase: () => (asked.push('unlock'), Promise.resolve('typed twice')),
    };
    await unlockDataFolder(dataDir, sources);
    await unlockDataFolder(dataDir, sources);
    expect(asked).toEqual(['new', 'unlock']);
  });

  it('a key file or DOKUEI_ARCHIVE_KEY: the key itself protects the folder, a wrong one says so', async () => {
    const keyFile = path.join(root, 'usb', 'dokuei.key');
    const folder = await unlockDataFolder(dataDir, { keyFile });
    expect(folder.kind).toBe('key');
    const key = readFileSync(keyFile, 'utf8').trim();
    // The same key through the environment opens it too.
    expect((await unlockDataFolder(dataDir, { envKey: key })).folderKey.equals(folder.folderKey)).toBe(true);
    expect(await lockedMessageOf(unlockDataFolder(dataDir, { envKey: randomBytes(32).toString('base64') }))).toBe(
      `Wrong key for the data folder ${dataDir}: DOKUEI_ARCHIVE_KEY is not the key that protects it.`,
    );
    expect(await lockedMessageOf(unlockDataFolder(dataDir, {}))).toMatch(/is locked: it is protected by a key.*--key-file FILE/);
    await expect(unlockDataFolder(path.join(root, 'data2'), { keyFile: path.join(root, 'data2', 'k.key') })).rejects.toThrow(/inside .* the folder it would protect/);
  });

  it('the keyring protects the folder in the app; the CLI (no keyring) gets the "locked" message', async () => {
    const secret = randomBytes(32);
    const xor = (b: Buffer) => Buffer.from(b.map((x, i) => x ^ secret[i % 32]!));
    const keyring: SafeStorageLike = {
      isAsyncEncryptionAvailable: () => Promise.resolve(true),
      encryptStringAsync: (s) => Promise.resolve(xor(Buffer.from(s))),
      decryptStringAsync: (b) => Promise.resolve({ result: xor(b).toString(), shouldReEncrypt: false }),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    };
    const safeStorage = new SafeStorageKeyProvider(keyring, 'linux');
    const folder = await unlockDataFolder(dataDir, { safeStorage });
    expect(await readCustody(dataDir)).toMatchObject({ kind: 'safeStorage', backend: 'gnome_libsecret' });
    expect((await unlockDataFolder(dataDir, { safeStorage })).folderKey.equals(folder.folderKey)).toBe(true);
    expect(await lockedMessageOf(unlockDataFolder(dataDir, { passphrase: 'x' }))).toMatch(/is locked: it is protected by the system keyring/);
  });

  it("adopts an earlier app version's folder whose data keys the keyring wrapped directly", async () => {
    const secret = randomBytes(32);
    const xor = (b: Buffer) => Buffer.from(b.map((x, i) => x ^ secret[i % 32]!));
    const keyring: SafeStorageLike = {
      isAsyncEncryptionAvailable: () => Promise.resolve(true),
      encryptStringAsync: (s) => Promise.resolve(xor(Buffer.from(s))),
      decryptStringAsync: (b) => Promise.resolve({ result: xor(b).toString(), shouldReEncrypt: false }),
      getSelectedStorageBackend: () => 'kwallet5',
    };
    const safeStorage = new SafeStorageKeyProvider(keyring, 'linux');
    const ids = await populate(safeStorage);
    const folder = await unlockDataFolder(dataDir, { safeStorage });
    expect(await readCustody(dataDir)).not.toHaveProperty('adopting');
    expect(Buffer.from((await readBack(folder.provider, ids))!).equals(readFileSync(DICOM))).toBe(true);
  });

  it('rekey: every data key re-wrapped, no image rewritten; the new passphrase opens it and the old one no longer does', async () => {
    const before = await openDataFolder(dataDir, pass('old passphrase'), { env: {} });
    before.secrets.set('node:onsite:password', 'Pa55word');
    const ids = await populate(before.folder.provider);
    const objects = await archiveObjectFiles(path.join(dataDir, 'archive'));
    expect(objects.length).toBe(1);
    const snapshot = await Promise.all(objects.map(async (f) => ({ f, bytes: await fs.readFile(f), mtime: (await fs.stat(f)).mtimeMs })));
    const keyJsonMtime = (await fs.stat(path.join(dataDir, 'archive', 'key.json'))).mtimeMs;

    const { result } = await rekeyDataFolder(before.folder, pass('new passphrase'), wrappedKeyFiles(dataDir));
    expect(result).toMatchObject({ from: 'passphrase', to: 'passphrase', removed: [] });
    expect(result.rewrapped.map((f) => path.relative(dataDir, f)).sort()).toEqual(['archive/key.json', 'audit/key.json', 'secrets.key.json'].map((f) => path.normalize(f)));
    for (const s of snapshot) {
      expect((await fs.readFile(s.f)).equals(s.bytes)).toBe(true);
      expect((await fs.stat(s.f)).mtimeMs).toBe(s.mtime);
    }
    // The archive's creation time (key.json's mtime) survives the rekey.
    expect(Math.abs((await fs.stat(path.join(dataDir, 'archive', 'key.json'))).mtimeMs - keyJsonMtime)).toBeLessThan(1);

    expect(await lockedMessageOf(unlockDataFolder(dataDir, pass('old passphrase')))).toMatch(/Wrong passphrase/);
    const after = await openDataFolder(dataDir, pass('new passphrase'), { env: {} });
    expect(after.folder.previousKeys).toEqual([]);
    expect(Buffer.from((await readBack(after.folder.provider, ids))!).equals(readFileSync(DICOM))).toBe(true);
    expect(after.secrets.get('node:onsite:password')).toBe('Pa55word');
    // The former folder key opens nothing any more.
    await expect(readBack(new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: before.folder.folderKey.toString('base64') }), ids)).rejects.toThrow(/cannot be unwrapped/);
  });

  it('an interrupted rekey still opens with the new protection, and a second rekey finishes it', async () => {
    const before = await unlockDataFolder(dataDir, pass('old passphrase'));
    const ids = await populate(before.provider);
    // The process "dies" half-way: after the archive's key.json, on a key file it cannot read (a folder).
    const unreadable = path.join(root, 'not-a-file');
    await fs.mkdir(unreadable);
    const keyFiles = wrappedKeyFiles(dataDir);
    await expect(rekeyDataFolder(before, pass('new passphrase'), [keyFiles[0]!, path.join(unreadable), ...keyFiles.slice(1)])).rejects.toThrow();
    expect(await lockedMessageOf(unlockDataFolder(dataDir, pass('old passphrase')))).toMatch(/Wrong passphrase/);
    const half = await unlockDataFolder(dataDir, pass('new passphrase'));
    expect(half.previousKeys).toHaveLength(1);
    expect(half.warnings.join()).toMatch(/interrupted.*dokuei archive rekey/);
    // Both the re-wrapped archive key and the audit key still under the former folder key open.
    expect(await readBack(half.provider, ids)).toBeDefined();
    await (await AuditLog.open(dataDir, { keyProvider: half.provider, context: processAuditContext() })).close();

    await rekeyDataFolder(half, pass('final passphrase'), keyFiles);
    const done = await unlockDataFolder(dataDir, pass('final passphrase'));
    expect(done.previousKeys).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(dataDir, CUSTODY_FILE), 'utf8'))).not.toHaveProperty('previous');
    expect(await readBack(done.provider, ids)).toBeDefined();
    await (await AuditLog.open(dataDir, { keyProvider: done.provider, context: processAuditContext() })).close();
  });

  it('a legacy archive.key beside the data still opens, warns on every start, and rekey moves it away', async () => {
    const legacyKey = randomBytes(32);
    await fs.mkdir(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, 'archive.key'), legacyKey.toString('base64'), { mode: 0o600 });
    const legacyProvider = new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: legacyKey.toString('base64') });
    const ids = await populate(legacyProvider);
    // An earlier version's secrets, with their own key beside them.
    const secretKey = randomBytes(32);
    writeFileSync(path.join(dataDir, 'secret.key'), secretKey.toString('base64'), { mode: 0o600 });
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', secretKey, iv);
    const body = Buffer.concat([c.update(JSON.stringify({ pw: 'Pa55word' }), 'utf8'), c.final()]);
    writeFileSync(path.join(dataDir, 'secrets.enc'), Buffer.concat([iv, c.getAuthTag(), body]));

    expect(await folderState(dataDir)).toBe('legacy');
    const legacy = await openDataFolder(dataDir, {}, { env: {} });
    expect(legacy.folder.kind).toBe('legacy');
    expect(legacy.notices.join('\n')).toMatch(/archive\.key, a key file beside the data.*dokuei archive rekey/);
    expect(legacy.secrets.get('pw')).toBe('Pa55word');

    const keyFile = path.join(root, 'elsewhere', 'dokuei.key');
    const { result } = await rekeyDataFolder(legacy.folder, { keyFile }, wrappedKeyFiles(dataDir));
    expect(result.from).toBe('legacy');
    expect(result.removed.map((f) => path.basename(f)).sort()).toEqual(['archive.key']);
    expect(existsSync(path.join(dataDir, 'archive.key'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'secret.key'))).toBe(false);

    const after = await openDataFolder(dataDir, { keyFile }, { env: {} });
    expect(after.notices).toEqual([]);
    expect(after.secrets.get('pw')).toBe('Pa55word');
    expect(Buffer.from((await readBack(after.folder.provider, ids))!).equals(readFileSync(DICOM))).toBe(true);
    await expect(readBack(legacyProvider, ids)).rejects.toThrow(/cannot be unwrapped/);
    // No key material left beside the data: nothing in the folder decrypts anything by itself.
    const names = (await listFilesRecursively(dataDir)).map((f) => path.basename(f));
    expect(names.filter((n) => /\.key$/.test(n))).toEqual([]);
  });

  it('adopts a folder an earlier version made with DOKUEI_ARCHIVE_KEY, and refuses another key for it', async () => {
    const env = { DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') };
    await populate(new EnvKeyProvider(env));
    expect(await folderState(dataDir)).toBe('unknown-key');
    expect(await lockedMessageOf(unlockDataFolder(dataDir, {}))).toMatch(/is locked: it is protected by a key/);
    expect(await lockedMessageOf(unlockDataFolder(dataDir, { envKey: randomBytes(32).toString('base64') }))).toMatch(/Wrong key/);
    expect(existsSync(path.join(dataDir, CUSTODY_FILE))).toBe(false);
    expect((await unlockDataFolder(dataDir, { envKey: env.DOKUEI_ARCHIVE_KEY })).kind).toBe('key');
    expect(await readCustody(dataDir)).toMatchObject({ kind: 'key' });
  });

  it('reset with the key at hand empties only the archive; with the key lost, everything it protected (the audit log kept aside)', async () => {
    const folder = await openDataFolder(dataDir, pass('p'), { env: {} });
    folder.secrets.set('pw', 'x');
    await populate(folder.folder.provider);
    await fs.writeFile(path.join(dataDir, 'settings.json'), '{}');
    const archiveDir = path.join(dataDir, 'archive');
    // Copies kept aside as conflicts (a different instance under a known UID) are archive content too.
    await fs.mkdir(path.join(archiveDir, 'conflicts'), { recursive: true });

    const kept = await planReset(dataDir, [archiveDir], false);
    expect(kept.remove.map((f) => path.relative(dataDir, f)).sort()).toEqual(['archive/conflicts', 'archive/index.journal', 'archive/key.json', 'archive/objects', 'archive/quarantine', 'archive/state.enc', 'archive/tmp'].map((f) => path.normalize(f)));
    expect(kept.moveAside).toEqual([]);

    const lost = await planReset(dataDir, [archiveDir], true, new Date('2026-01-02T03:04:05Z'));
    expect(lost.remove.map((f) => path.relative(dataDir, f))).toEqual(expect.arrayContaining([CUSTODY_FILE, 'secrets.enc', 'secrets.key.json', path.normalize('archive/objects')]));
    expect(lost.moveAside).toEqual([{ from: path.join(dataDir, 'audit'), to: path.join(dataDir, 'audit.locked-2026-01-02T03-04-05-000Z') }]);
    expect(lost.kept).toEqual([path.join(dataDir, 'settings.json')]);
    await applyReset(lost);
    expect(await folderState(dataDir, [archiveDir])).toBe('new');
    expect(existsSync(path.join(dataDir, 'audit.locked-2026-01-02T03-04-05-000Z', 'key.json'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'settings.json'))).toBe(true);
    // The next start is a first start.
    expect((await unlockDataFolder(dataDir, pass('new'))).created).toBe(true);
  });
});
