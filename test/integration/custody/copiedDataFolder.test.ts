/**
 * Acceptance (issue #15, key custody): the whole data folder of a browser-host session, copied to another
 * place and opened without the passphrase, gives a clear "locked" message, never data — in the server API
 * and from `npm run start:browser` (no terminal: nothing is asked). The real services, real files.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost } from '../../../electron/browser-host/server';
import { DataFolderLockedError } from '../../../electron/services/archive/keyProvider';
import { importPaths } from '../../../electron/services/store/importPaths';
import { MemorySettingsStore } from '../../../electron/services/settings/settings';
import { listFilesRecursively } from '../../../electron/services/store/listFiles';
import { demoCtDir, dicomFilesIn, repoRoot } from '../../support/data';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { TEST_SCRYPT_COST } from '../../support/testArchive';

const PASSPHRASE = 'a passphrase for the test';

function startBrowserCli(dataDir: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ['DOKUEI_ARCHIVE_KEY', 'DOKUEI_PASSPHRASE']) if (!(k in env)) delete clean[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'electron/browser-host/cli.ts'), '--data-dir', dataDir], { cwd: repoRoot, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('a copied data folder', () => {
  let root: string;
  let copy: string;
  let rendererDir: string;
  beforeAll(async () => {
    root = await makeTempDir('dokuei-copied-folder-');
    rendererDir = path.join(root, 'renderer');
    await fs.mkdir(rendererDir);
    await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    const dataDir = path.join(root, 'original');
    const host = await startBrowserHost({ dataDir, settings: new MemorySettingsStore({ seedDemo: false }), rendererDir, keySources: { passphrase: PASSPHRASE, scryptCost: TEST_SCRYPT_COST }, log: () => {} });
    try {
      expect((await importPaths(host.services.store, dicomFilesIn(demoCtDir()).slice(0, 2))).imported).toBe(2);
    } finally {
      await host.close();
    }
    copy = path.join(root, 'elsewhere', 'copy');
    await fs.cp(dataDir, copy, { recursive: true });
  }, 120_000);
  afterAll(() => removeDir(root));

  it('holds no key: nothing in it decrypts anything by itself', async () => {
    const names = (await listFilesRecursively(copy)).map((f) => path.relative(copy, f));
    expect(names).toContain('custody.json');
    expect(names.filter((n) => /(^|\/)(archive|secret)\.key$/.test(n))).toEqual([]);
  });

  it('opened without the passphrase: the "locked" message, never data', async () => {
    const err = await startBrowserHost({ dataDir: copy, settings: new MemorySettingsStore({ seedDemo: false }), rendererDir, keySources: {}, log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFolderLockedError);
    expect((err as Error).message).toMatch(new RegExp(`^The data folder ${copy} is locked: it is protected by a passphrase\\.`));
    const wrong = await startBrowserHost({ dataDir: copy, settings: new MemorySettingsStore({ seedDemo: false }), rendererDir, keySources: { passphrase: 'guess' }, log: () => {} }).catch((e: unknown) => e);
    expect((wrong as Error).message).toBe(`Wrong passphrase for the data folder ${copy}.`);
  });

  it('npm run start:browser without a terminal: exits with the message, asks nothing, serves nothing', async () => {
    const r = await startBrowserCli(copy, {});
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(new RegExp(`^dokuei: The data folder ${copy} is locked: it is protected by a passphrase\\.`));
    expect(r.stdout).not.toContain('Open:');
  }, 90_000);

  it('with the passphrase the copy opens, with everything in it', async () => {
    const host = await startBrowserHost({ dataDir: copy, settings: new MemorySettingsStore({ seedDemo: false }), rendererDir, keySources: { passphrase: PASSPHRASE }, log: () => {} });
    try {
      expect(host.services.store.counts().instances).toBe(2);
    } finally {
      await host.close();
    }
  }, 60_000);
});
