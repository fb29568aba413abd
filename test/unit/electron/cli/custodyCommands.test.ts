/**
 * Key custody as a user meets it from the `dokuei` command: a first start, a copied data folder opened without
 * the passphrase, `archive rekey` and `archive reset`, and the migration of an earlier version's archive.key.
 * Real processes (no terminal: every key comes from the environment, --key-file or stdin), real files.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvKeyProvider } from '../../../../electron/services/archive/keyProvider';
import { listFilesRecursively } from '../../../../electron/services/store/listFiles';
import { importPaths } from '../../../../electron/services/store/importPaths';
import { EncryptedArchive } from '../../../../electron/services/archive/encryptedArchive';
import { demoCtDir, dicomFilesIn, repoRoot } from '../../../support/data';
import { makeTempDir, removeDir } from '../../../support/tempDir';
import { archiveObjectFiles } from '../../../support/testArchive';

const bin = path.join(repoRoot, 'bin', 'dokuei.mjs');

/** Runs dokuei with only the key variables given here (none of the caller's), stdin fed from `input`. */
function dokuei(args: string[], env: Record<string, string> = {}, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ['DOKUEI_ARCHIVE_KEY', 'DOKUEI_PASSPHRASE', 'DOKUEI_SECRET_KEY', 'DOKUEI_DATA_DIR']) if (!(k in env)) delete clean[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: clean, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill(), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

// Each test runs several processes, each deriving a passphrase key (scrypt, 128 MiB): minutes on a loaded machine.
describe('dokuei key custody', { timeout: 180_000 }, () => {
  let root: string;
  let dataDir: string;
  let objects: { file: string; bytes: Buffer; mtimeMs: number }[] = [];
  beforeAll(async () => {
    root = await makeTempDir('dokuei-cli-custody-');
    dataDir = path.join(root, 'data');
  });
  afterAll(() => removeDir(root));

  it('a first start without a terminal or any key stops with a clear message and creates nothing', async () => {
    const r = await dokuei(['archive', 'ls', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The data folder ${dataDir} is new: its first start must choose how its keys are protected`);
    expect(r.stdout).toBe('');
    expect(existsSync(path.join(dataDir, 'custody.json'))).toBe(false);
  });

  it('a first start with DOKUEI_PASSPHRASE protects the folder with it', async () => {
    const env = { DOKUEI_PASSPHRASE: 'first passphrase' };
    const imported = await dokuei(['import', '--json', '--data-dir', dataDir, ...dicomFilesIn(demoCtDir()).slice(0, 2)], env);
    expect(imported.code).toBe(0);
    expect((await dokuei(['secrets', 'set', 'node:onsite:password', '--data-dir', dataDir], env, 'Pa55word')).code).toBe(0);
    const custody = JSON.parse(await fs.readFile(path.join(dataDir, 'custody.json'), 'utf8')) as { kind: string; kdf: { name: string; N: number } };
    expect(custody).toMatchObject({ kind: 'passphrase', kdf: { name: 'scrypt', N: 2 ** 17 } });
    const ls = await dokuei(['archive', 'ls', '--json', '--data-dir', dataDir], env);
    expect(JSON.parse(ls.stdout)).toMatchObject({ studies: [{ patientId: 'LIDC-IDRI-0314' }] });
    objects = await Promise.all(
      (await archiveObjectFiles(path.join(dataDir, 'archive'))).map(async (file) => ({ file, bytes: await fs.readFile(file), mtimeMs: (await fs.stat(file)).mtimeMs })),
    );
    expect(objects).toHaveLength(2);
  });

  it('the whole data folder copied elsewhere and opened without the passphrase: "locked", never data', async () => {
    const copy = path.join(root, 'copied');
    await fs.cp(dataDir, copy, { recursive: true });
    // Nothing in the folder is a key: no archive.key, no secret.key.
    const names = (await listFilesRecursively(copy)).map((f) => path.basename(f));
    expect(names).toContain('custody.json');
    expect(names.filter((n) => n === 'archive.key' || n === 'secret.key')).toEqual([]);
    for (const cmd of [['archive', 'ls'], ['audit', 'ls'], ['query', '--patient-id', 'LIDC-IDRI-0314']]) {
      const r = await dokuei([...cmd, '--json', '--data-dir', copy]);
      expect(r.code, cmd.join(' ')).toBe(1);
      expect(r.stderr).toContain(`dokuei: The data folder ${copy} is locked: it is protected by a passphrase.`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout).not.toContain('LIDC');
    }
    const wrong = await dokuei(['archive', 'ls', '--data-dir', copy], { DOKUEI_PASSPHRASE: 'a guess' });
    expect(wrong.stderr).toContain(`Wrong passphrase for the data folder ${copy}.`);
    const right = await dokuei(['archive', 'ls', '--json', '--data-dir', copy], { DOKUEI_PASSPHRASE: 'first passphrase' });
    expect(right.code).toBe(0);
  });

  it('archive rekey changes the passphrase without re-encrypting images, and is recorded', async () => {
    const r = await dokuei(['archive', 'rekey', '--new-passphrase-stdin', '--json', '--data-dir', dataDir], { DOKUEI_PASSPHRASE: 'first passphrase' }, 'second passphrase\n');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { from: string; to: string; rewrapped: string[]; removed: string[]; recorded: boolean };
    expect(out).toMatchObject({ from: 'passphrase', to: 'passphrase', removed: [], recorded: true });
    expect(out.rewrapped.map((f) => path.relative(dataDir, f)).sort()).toEqual([path.join('archive', 'key.json'), path.join('audit', 'key.json'), 'secrets.key.json']);
    for (const o of objects) {
      expect((await fs.readFile(o.file)).equals(o.bytes)).toBe(true);
      expect((await fs.stat(o.file)).mtimeMs).toBe(o.mtimeMs);
    }
    expect((await dokuei(['archive', 'ls', '--data-dir', dataDir], { DOKUEI_PASSPHRASE: 'first passphrase' })).stderr).toContain('Wrong passphrase');
    const env = { DOKUEI_PASSPHRASE: 'second passphrase' };
    expect(JSON.parse((await dokuei(['archive', 'ls', '--json', '--data-dir', dataDir], env)).stdout)).toMatchObject({ instances: 2 });
    const audit = JSON.parse((await dokuei(['audit', 'ls', '--json', '--data-dir', dataDir], env)).stdout) as { index: number; eventType?: string }[];
    const rekeyed = audit.find((a) => a.eventType?.includes('Security Configuration'));
    expect(rekeyed).toBeDefined();
    const xml = (await dokuei(['audit', 'show', String(rekeyed!.index), '--data-dir', dataDir], env)).stdout;
    const detail = /type="Alert Description" value="([^"]+)"/.exec(xml)?.[1] ?? '';
    expect(Buffer.from(detail, 'base64').toString('utf8')).toContain('key custody: passphrase → passphrase');
  });

  it('archive reset says what goes and needs --yes; with the key lost it starts the folder over', async () => {
    const plan = await dokuei(['archive', 'reset', '--data-dir', dataDir]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/cannot be opened .*is locked.*everything its key protected is lost/s);
    expect(plan.stdout).toContain(`move aside  ${path.join(dataDir, 'audit')}`);
    expect(existsSync(path.join(dataDir, 'custody.json'))).toBe(true);
    const done = await dokuei(['archive', 'reset', '--yes', '--json', '--data-dir', dataDir], { DOKUEI_PASSPHRASE: 'third passphrase' });
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ keyLost: true, done: true, recorded: true });
    const env = { DOKUEI_PASSPHRASE: 'third passphrase' };
    expect(JSON.parse((await dokuei(['archive', 'ls', '--json', '--data-dir', dataDir], env)).stdout)).toMatchObject({ instances: 0 });
    const audit = JSON.parse((await dokuei(['audit', 'ls', '--json', '--data-dir', dataDir], env)).stdout) as { eventType?: string }[];
    expect(audit.some((a) => a.eventType?.includes('Software Configuration'))).toBe(true);
    expect((await fs.readdir(dataDir)).some((n) => n.startsWith('audit.locked-'))).toBe(true);
  });

  it("an earlier version's archive.key still opens with a warning, and rekey to a key file moves it away", async () => {
    const legacyDir = path.join(root, 'legacy');
    const legacyKey = randomBytes(32).toString('base64');
    await fs.mkdir(legacyDir, { recursive: true });
    writeFileSync(path.join(legacyDir, 'archive.key'), legacyKey, { mode: 0o600 });
    const archive = await EncryptedArchive.open(path.join(legacyDir, 'archive'), { keyProvider: new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: legacyKey }) });
    await importPaths(archive, dicomFilesIn(demoCtDir()).slice(0, 1));
    await archive.close();

    const before = await dokuei(['archive', 'ls', '--json', '--data-dir', legacyDir]);
    expect(before.code).toBe(0);
    expect(before.stderr).toMatch(/archive\.key, a key file beside the data it protects.*dokuei archive rekey/);
    expect(JSON.parse(before.stdout)).toMatchObject({ instances: 1 });

    const keyFile = path.join(root, 'usb', 'dokuei.key');
    const inside = await dokuei(['archive', 'rekey', '--new-key-file', path.join(legacyDir, 'my.key'), '--data-dir', legacyDir]);
    expect(inside.stderr).toMatch(/is inside .*the folder it would protect/);
    const r = await dokuei(['archive', 'rekey', '--new-key-file', keyFile, '--json', '--data-dir', legacyDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ from: 'legacy', to: 'key', removed: [path.join(legacyDir, 'archive.key')] });
    expect(existsSync(path.join(legacyDir, 'archive.key'))).toBe(false);
    const locked = await dokuei(['archive', 'ls', '--data-dir', legacyDir]);
    expect(locked.stderr).toContain('is locked: it is protected by a key');
    const after = await dokuei(['archive', 'ls', '--json', '--key-file', keyFile, '--data-dir', legacyDir]);
    expect(after.stderr).not.toContain('beside the data');
    expect(JSON.parse(after.stdout)).toMatchObject({ instances: 1 });
  });
});
