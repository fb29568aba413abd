/**
 * Only main.ts and preload.ts may load 'electron' at run time; every other module of the Electron host is
 * imported by these plain-Node tests, and by design must stay importable there.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const ENTRY_POINTS = new Set(['electron/main/main.ts', 'electron/preload/preload.ts']);

/** Import/export/require statements that load 'electron' (or a subpath) for real, not just its types. */
function runtimeElectronImports(source: string): string[] {
  const hits: string[] = [];
  const re = /(^|\n)\s*(import|export)\s+(?!type\b)([^;]*?)\s+from\s+['"](electron(?:\/[a-z]+)?)['"]|require\(\s*['"]electron(?:\/[a-z]+)?['"]\s*\)|import\(\s*['"]electron(?:\/[a-z]+)?['"]\s*\)|(^|\n)\s*import\s+['"]electron(?:\/[a-z]+)?['"]/g;
  for (const m of source.matchAll(re)) hits.push(m[0].trim());
  return hits;
}

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir));
  return entries.filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);
}

describe('electron import boundaries', () => {
  it('recognises runtime imports and lets type-only imports through', () => {
    expect(runtimeElectronImports("import { app } from 'electron';")).toHaveLength(1);
    expect(runtimeElectronImports("import electron from 'electron';")).toHaveLength(1);
    expect(runtimeElectronImports("const { app } = require('electron');")).toHaveLength(1);
    expect(runtimeElectronImports("import type { IpcMain } from 'electron';")).toHaveLength(0);
  });

  it('keeps electron out of every module but the two entry points', async () => {
    const files = [...(await sources('electron/main')), ...(await sources('electron/preload'))];
    expect(files).toContain('electron/main/main.ts');
    for (const file of files) {
      const imports = runtimeElectronImports(await readFile(path.join(root, file), 'utf8'));
      if (ENTRY_POINTS.has(file)) expect(imports.length, file).toBeGreaterThan(0);
      else expect(imports, file).toEqual([]);
    }
  });

  it('keeps the preload to contextBridge and ipcRenderer', async () => {
    const source = await readFile(path.join(root, 'electron/preload/preload.ts'), 'utf8');
    expect(runtimeElectronImports(source)).toEqual(["import { contextBridge, ipcRenderer } from 'electron'"]);
  });
});
