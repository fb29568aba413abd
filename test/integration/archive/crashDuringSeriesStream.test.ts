/**
 * kill -9 of the host while a series streams through the gateway from a PACS (store-through writing each
 * instance as it streams): after each kill `dokuei archive verify` finds nothing corrupt, missing or orphaned
 * (every instance whole or absent), and a last stream completes with every frame.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCtDir, dicomFilesIn } from '../../support/data';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { killRepeatedly, runCrashChild, verifyArchive } from './crashHarness';

const KILLS = 8;
const STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.265704884949271879044145982159';
const SERIES = '1.3.6.1.4.1.14519.5.2.1.6279.6001.154677396354641150280013275227';

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

  const run = () => runCrashChild('test/integration/archive/crashSeriesStreamer.ts', [dataDir, orthanc.dicomwebUrl, STUDY, SERIES], env);
  const verify = () => verifyArchive(dataDir, env);

  it(`survives ${KILLS} kill -9 during a series stream, and the next stream completes`, async () => {
    await killRepeatedly({ kills: KILLS, maxDelayMs: 400, instances: files.length, run, verify });
    const last = run();
    const exit = await last.exited;
    expect(exit, last.output().err).toEqual({ code: 0, signal: null });
    expect(last.output().out).toContain(`done ${files.length}`);
    expect(verify()).toMatchObject({ checked: files.length, corrupt: [], missing: [], orphans: [] });
  }, 240_000);
});
