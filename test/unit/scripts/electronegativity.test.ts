/**
 * scripts/electronegativity.mjs, the Electron security lint in `npm test`: that the real Electronegativity
 * finds a misconfigured window, that only a matching suppression hides a finding, and that the command fails
 * on an unsuppressed finding or a stale suppression and passes on the repository as it is.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySuppressions, cspFindings, loadConfig, scan } from '../../../scripts/electronegativity.mjs';
import { makeTempDir, removeDir } from '../../support/tempDir';

const root = path.resolve(__dirname, '../../..');
const script = path.join(root, 'scripts/electronegativity.mjs');
const realConfig = JSON.parse(readFileSync(path.join(root, 'electronegativity.config.json'), 'utf8'));

interface Finding {
  id: string;
  file: string;
  detail: string;
}

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('dokuei-electronegativity-test-');
});
afterAll(() => removeDir(dir));

function runScript(config: unknown) {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  return fs.writeFile(file, JSON.stringify(config)).then(() => {
    const r = spawnSync(process.execPath, [script, '--config', file], { cwd: root, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  });
}

describe('electronegativity lint', () => {
  it('finds a window that gives the page Node and no isolation', async () => {
    await fs.mkdir(path.join(dir, 'app/main'), { recursive: true });
    await fs.writeFile(
      path.join(dir, 'app/main/bad.ts'),
      "import { BrowserWindow } from 'electron';\n" +
        "export const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\n",
    );
    const { findings, parseErrors } = await scan({ inputs: ['app'], excludeChecks: realConfig.excludeChecks, electronVersion: '45.5.0', baseDir: dir });
    expect(parseErrors).toEqual([]);
    const ids = (findings as Finding[]).filter((f) => f.file === 'app/main/bad.ts').map((f) => f.id);
    expect(ids).toContain('NODE_INTEGRATION_JS_CHECK');
    expect(ids).toContain('CONTEXT_ISOLATION_JS_CHECK');
  });

  it('judges a CSP with the same evaluator: unsafe-inline scripts are a finding', () => {
    const weak = cspFindings("default-src 'self'; script-src 'unsafe-inline'; object-src 'none'; base-uri 'none'", 'x.ts') as Finding[];
    expect(weak.some((f) => f.detail.startsWith("script-src 'unsafe-inline'"))).toBe(true);
  });

  it('hides a finding only for the suppression of its check, file and text, and reports unused ones', () => {
    const findings = [
      { id: 'SANDBOX_JS_CHECK', file: 'electron/main/main.ts', line: 1, column: 0, detail: 'd' },
      { id: 'SANDBOX_JS_CHECK', file: 'electron/main/other.ts', line: 1, column: 0, detail: 'd' },
      { id: 'CSP_GLOBAL_CHECK', file: 'electron/main/csp.ts', line: 0, column: 0, detail: "script-src 'unsafe-inline': bad" },
    ];
    const suppressions = [
      { id: 'SANDBOX_JS_CHECK', file: 'electron/main/main.ts', reason: 'r' },
      { id: 'CSP_GLOBAL_CHECK', file: 'electron/main/csp.ts', match: "script-src 'self':", reason: 'r' },
    ];
    const { open, unused } = applySuppressions(findings, suppressions);
    expect(open.map((f: Finding) => `${f.id} ${f.file}`)).toEqual(['SANDBOX_JS_CHECK electron/main/other.ts', 'CSP_GLOBAL_CHECK electron/main/csp.ts']);
    expect(unused).toEqual([suppressions[1]]);
  });

  it('refuses a config whose suppression gives no reason', async () => {
    const file = path.join(dir, 'no-reason.json');
    await fs.writeFile(file, JSON.stringify({ inputs: ['electron/main'], suppress: [{ id: 'SANDBOX_JS_CHECK', file: 'electron/main/main.ts' }] }));
    expect(() => loadConfig(file)).toThrow(/SANDBOX_JS_CHECK in electron\/main\/main.ts\) needs a "reason"/);
  });

  it('passes on the repository with its config: every finding is suppressed with a reason', async () => {
    const r = await runScript(realConfig);
    expect(r.out).not.toMatch(/FAILED/);
    expect(r.status).toBe(0);
  });

  it('fails, naming the finding, when a suppression is dropped, and names a suppression that matches nothing', async () => {
    const suppress = realConfig.suppress.filter((s: { id: string }) => s.id !== 'SANDBOX_JS_CHECK');
    suppress.push({ id: 'OPEN_EXTERNAL_JS_CHECK', file: 'electron/main/guards.ts', reason: 'stale: nothing calls openExternal in guards.ts' });
    const r = await runScript({ ...realConfig, suppress });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/FAILED: SANDBOX_JS_CHECK at electron\/main\/main\.ts:\d+:\d+/);
    expect(r.out).toMatch(/FAILED: suppression of OPEN_EXTERNAL_JS_CHECK in electron\/main\/guards\.ts matches no finding/);
  });
});
