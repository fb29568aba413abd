/**
 * kill -9 of the host while a series streams through the gateway from a PACS (store-through writing each
 * instance as it streams): after each kill `dokuei archive verify` finds nothing corrupt, missing or orphaned
 * (every instance whole or absent), and a last stream completes with every frame.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCtDir, dicomFilesIn, repoRoot } from '../../support/data';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { makeTempDir, removeDir } from '../../support/tempDir';

const KILLS = 8;
const STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.265704884949271879044145982159';
const SERIES = '1.3.6.1.4.1.14519.5.2.1.6279.6001.154677396354641150280013275227';
const streamer = path.join(repoRoot, 'test/integration/archive/crashSeriesStreamer.ts');

describe('archive crash safety during a series stream', () => {
  let orthanc: OrthancInstance;
  let dataDir: string;
  const files = dicomFilesIn(demoCtDir());
  const env = { ...process.env, DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') };

  beforeAll(async () => {
    orthanc = await startOrthanc();
    await orthanc.uploadDir(demoCtDir());
    dataDir = await makeTempDir('dokuei-crash-series-');
  });
  afterAll(async () => {
    await orthanc?.stop();
    await removeDir(dataDir);
  });

  function run() {
    const child = spawn(process.execPath, ['--import', 'tsx', streamer, dataDir, orthanc.dicomwebUrl, STUDY, SERIES], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => out.includes('ready') && resolve());
      child.once('exit', (code) => (out.includes('ready') ? resolve() : reject(new Error(`streamer exited (${code}) before streaming: ${err}`))));
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    return { child, ready, exited, output: () => ({ out, err }) };
  }

  function verify(): { checked: number; corrupt: unknown[]; missing: unknown[]; orphans: unknown[] } {
    const cli = spawnSync(process.execPath, [path.join(repoRoot, 'bin/dokuei.mjs'), 'archive', 'verify', '--json', '--data-dir', dataDir], { env, encoding: 'utf8', timeout: 60000 });
    expect(cli.status, `${cli.stdout}\n${cli.stderr}`).toBe(0);
    return JSON.parse(cli.stdout);
  }

  it(`survives ${KILLS} kill -9 during a series stream, and the next stream completes`, async () => {
    const counts = new Set<number>();
    for (let i = 0; i < KILLS; i++) {
      const r = run();
      await r.ready;
      await new Promise((res) => setTimeout(res, Math.floor(Math.random() * 400)));
      r.child.kill('SIGKILL');
      await r.exited;
      const report = verify();
      expect(report.corrupt).toEqual([]);
      expect(report.missing).toEqual([]);
      expect(report.orphans).toEqual([]);
      expect(report.checked).toBeLessThanOrEqual(files.length);
      counts.add(report.checked);
    }
    expect([...counts].some((n) => n > 0 && n < files.length), `instances present after each kill: ${[...counts].join(', ')}`).toBe(true);
    const last = run();
    const exit = await last.exited;
    expect(exit, last.output().err).toEqual({ code: 0, signal: null });
    expect(last.output().out).toContain(`done ${files.length}`);
    expect(verify()).toMatchObject({ checked: files.length, corrupt: [], missing: [], orphans: [] });
  }, 240_000);
});
