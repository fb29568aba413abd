/**
 * The architecture's import rules are enforced by `npm run lint`: this runs the project's ESLint config
 * on files that break them (written into the real folders, so the real zones apply) and checks each is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/data';

const probes: string[] = [];
function probe(folder: string, name: string, source: string): string {
  const dir = mkdtempSync(path.join(repoRoot, folder, '.lint-probe-'));
  const file = path.join(dir, name);
  writeFileSync(file, source);
  probes.push(dir);
  return file;
}

async function lintErrors(file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintFiles([file]);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

afterAll(() => {
  for (const d of probes) rmSync(d, { recursive: true, force: true });
});

describe('import rules', () => {
  it('refuses node:fs and electron in the renderer', async () => {
    const file = probe('renderer/features', 'bad.ts', "import { readFileSync } from 'node:fs';\nimport { ipcRenderer } from 'electron';\nexport const x = [readFileSync, ipcRenderer];\n");
    const errors = await lintErrors(file);
    expect(errors.some((m) => m.includes('Node built-ins'))).toBe(true);
    expect(errors.some((m) => m.includes("'electron'"))).toBe(true);
  });

  it('refuses cornerstone outside renderer/imaging and electron in services', async () => {
    const ui = probe('renderer/ui', 'bad.ts', "import { init } from '@cornerstonejs/core';\nexport const x = init;\n");
    expect((await lintErrors(ui)).some((m) => m.includes('Only renderer/imaging'))).toBe(true);
    const svc = probe('electron/services', 'bad.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect((await lintErrors(svc)).some((m) => m.includes("'electron'"))).toBe(true);
    const common = probe('common', 'bad.ts', "import path from 'node:path';\nexport const x = path;\n");
    expect((await lintErrors(common)).length).toBeGreaterThan(0);
  });

  it('accepts the same imports where the architecture allows them', async () => {
    const imaging = probe('renderer/imaging', 'ok.ts', "import { init } from '@cornerstonejs/core';\nexport const x = init;\n");
    expect(await lintErrors(imaging)).toEqual([]);
    const svc = probe('electron/services', 'ok.ts', "import path from 'node:path';\nexport const x = path;\n");
    expect(await lintErrors(svc)).toEqual([]);
  });
});
