/**
 * The Electron fuses are flipped by electron-builder at package time (electron-builder.yml, electronFuses),
 * and the Electron binary cannot be fetched here to read them back: the config is what this test holds in
 * place, so an edit that turns a fuse back on fails here rather than shipping.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');

async function builderConfig(): Promise<Record<string, unknown>> {
  return parse(await readFile(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
}

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

describe('electron-builder config', () => {
  it('flips every fuse the hardening needs', async () => {
    const fuses = (await builderConfig()).electronFuses;
    expect(fuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the app into an asar with its integrity hash, which the two asar fuses rely on', async () => {
    const config = await builderConfig();
    // `asar: false` would make onlyLoadAppFromAsar refuse to start the app; `asar: { disableIntegrity: true }`
    // would leave the integrity fuse nothing to check.
    expect(config.asar).toBe(true);
  });

  it('has no main-process code that needs ELECTRON_RUN_AS_NODE (the runAsNode fuse breaks it)', async () => {
    const offenders: string[] = [];
    for (const file of [...(await tsFiles('electron/main')), ...(await tsFiles('electron/services'))]) {
      const source = await readFile(file, 'utf8');
      // child_process.fork and spawning process.execPath both start the Electron binary as Node.
      if (/ELECTRON_RUN_AS_NODE|\bfork\s*\(|spawn\w*\s*\(\s*process\.execPath/.test(source)) offenders.push(path.relative(root, file));
    }
    expect(offenders).toEqual([]);
  });
});
