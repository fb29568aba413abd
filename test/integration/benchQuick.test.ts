/**
 * Smoke test of `npm run bench`: `--quick` over the fast Node-only suites writes a report of the documented
 * shape (bench/README.md). No timing number is asserted: performance is measured by the bench, not by tests.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { repoRoot } from '../support/data';
import { makeTempDir, removeDir } from '../support/tempDir';

const run = promisify(execFile);

const Metric = z.object({
  value: z.number(),
  unit: z.string().min(1),
  baseline: z.number().nullable(),
  ratio: z.number().nullable(),
  runs: z.number().int().positive(),
  min: z.number(),
  max: z.number(),
});
const Results = z.object({
  machine: z.object({ cores: z.number().int().positive(), memoryGb: z.number().positive(), webglRenderer: z.string().nullable(), node: z.string() }).passthrough(),
  date: z.string().datetime(),
  metrics: z.record(z.string(), Metric),
});

describe('npm run bench -- --quick', () => {
  let out: string;
  beforeAll(async () => {
    out = await makeTempDir('dokuei-bench-smoke-');
  });
  afterAll(async () => {
    await removeDir(out);
  });

  it('writes latest.json of the documented shape and latest.md', async () => {
    const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
    await run(process.execPath, [tsx, 'bench/run.ts', '--quick', '--only', 'archive,query', '--out', out], { cwd: repoRoot, timeout: 90000 });
    const json = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')) as unknown;
    const results = Results.parse(json);
    expect(Object.keys(results.metrics).sort()).toEqual(['archive.readMBps', 'archive.writeMBps', 'query.threeNodesOneDownMs']);
    for (const m of Object.values(results.metrics)) {
      expect(m.baseline).not.toBeNull();
      expect(m.ratio).not.toBeNull();
    }
    expect(existsSync(path.join(out, 'latest.md'))).toBe(true);
    expect(readFileSync(path.join(out, 'latest.md'), 'utf8')).toContain('| metric | value | baseline | ratio |');
  });

  it('refuses an unknown suite with a usage error', async () => {
    const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
    const r = await run(process.execPath, [tsx, 'bench/run.ts', '--only', 'nosuch', '--out', out], { cwd: repoRoot }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no suite named nosuch');
  });
});
