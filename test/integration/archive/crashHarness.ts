/**
 * What the kill -9 tests share: a child process (run with tsx) that prints "ready" once its work has started, and
 * `dokuei archive verify --json` on the data folder after each kill. The child scripts open the services as the
 * CLI does through `openCrashServices`.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from '../../support/data';

export interface CrashChild {
  child: ReturnType<typeof spawn>;
  /** Resolves when the child printed "ready"; rejects when it exited before. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): { out: string; err: string };
}

export function runCrashChild(script: string, args: string[], env: NodeJS.ProcessEnv): CrashChild {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, script), ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.includes('ready') && resolve());
    child.once('exit', (code) => (out.includes('ready') ? resolve() : reject(new Error(`${path.basename(script)} exited (${code}) before starting: ${err}`))));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, ready, exited, output: () => ({ out, err }) };
}

export interface VerifyJson {
  checked: number;
  corrupt: unknown[];
  missing: unknown[];
  orphans: unknown[];
}

/** `dokuei archive verify --json` on the data folder (exit 0 expected: no problem found). */
export function verifyArchive(dataDir: string, env: NodeJS.ProcessEnv): VerifyJson {
  const cli = spawnSync(process.execPath, [path.join(repoRoot, 'bin/dokuei.mjs'), 'archive', 'verify', '--json', '--data-dir', dataDir], { env, encoding: 'utf8', timeout: 60000 });
  expect(cli.status, `${cli.stdout}\n${cli.stderr}`).toBe(0);
  return JSON.parse(cli.stdout) as VerifyJson;
}

/**
 * Runs the child `kills` times, killing it (SIGKILL) at a random moment up to `maxDelayMs` after it is ready;
 * after each kill the archive must verify clean with at most `instances` present. Then the kills must have landed
 * at different stages (some with part of the work stored), not all before or after it.
 */
export async function killRepeatedly(options: { kills: number; maxDelayMs: number; instances: number; run: () => CrashChild; verify: () => VerifyJson }): Promise<void> {
  const counts = new Set<number>();
  for (let i = 0; i < options.kills; i++) {
    const r = options.run();
    await r.ready;
    await new Promise((res) => setTimeout(res, Math.floor(Math.random() * options.maxDelayMs)));
    r.child.kill('SIGKILL');
    await r.exited;
    const report = options.verify();
    expect(report.corrupt).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.orphans).toEqual([]);
    expect(report.checked).toBeLessThanOrEqual(options.instances);
    counts.add(report.checked);
  }
  expect([...counts].some((n) => n > 0 && n < options.instances), `instances present after each kill: ${[...counts].join(', ')}`).toBe(true);
}
