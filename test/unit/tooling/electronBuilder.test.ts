/**
 * electron-builder.yml, the packaging of the desktop app (issue #18), checked without packaging: the Electron binary
 * cannot be fetched on these machines. The file is validated by electron-builder's own schema (as `npm run dist`
 * would at its start), every file it names exists, DICOM files are associated with the app; and the Electron fuses
 * electron-builder flips at package time are held in place, so an edit that turns a fuse back on fails here rather
 * than shipping.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { existsSync } from 'node:fs';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
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
  it('is valid by electron-builder’s own schema, which refuses what it does not know', async () => {
    const config = await builderConfig();
    await expect(validateConfiguration(config as never, new DebugLogger(false))).resolves.toBeUndefined();
    // The validation is real: a misspelt key is refused.
    await expect(validateConfiguration({ ...config, fileAssociation: [] } as never, new DebugLogger(false))).rejects.toThrow(/unknown property 'fileAssociation'/);
  });

  it('names only files that exist, and an icon electron-builder can make every platform’s icon from', async () => {
    const config = (await builderConfig()) as { directories: { buildResources: string }; linux: { icon: string }; files: string[] };
    const icon = path.join(root, config.directories.buildResources, 'icon.png');
    expect(existsSync(icon)).toBe(true);
    const png = await readFile(icon);
    // PNG, at least 512 × 512 (electron-builder's minimum for the .icns and .ico it derives).
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
    expect(existsSync(path.join(root, config.linux.icon))).toBe(true);
    // What `files` packs besides the build output (dist/, made by `npm run build`).
    for (const f of config.files.filter((f) => !f.startsWith('!') && !f.startsWith('dist/'))) expect(existsSync(path.join(root, f.replace(/\/\*\*$/, ''))), f).toBe(true);
  });

  it('associates DICOM files with the app, and has the app id and the targets of the three platforms', async () => {
    const config = (await builderConfig()) as Record<string, { target?: string[] } & Record<string, unknown>> & { appId: string; fileAssociations: { ext: string; mimeType: string }[] };
    expect(config.appId).toBe('jp.dokuei.workstation');
    expect(config.fileAssociations.map((a) => a.ext)).toEqual(expect.arrayContaining(['dcm', 'dicom']));
    expect(config.fileAssociations.every((a) => a.mimeType === 'application/dicom')).toBe(true);
    expect(config.linux!.target).toEqual(['AppImage', 'deb']);
    expect(config.win!.target).toEqual(['nsis']);
    expect(config.mac!.target).toEqual(['dmg']);
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.devDependencies['electron-builder']).toBeDefined();
    expect(pkg.scripts.dist).toMatch(/npm run build && electron-builder/);
  });

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
