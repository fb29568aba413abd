/**
 * The crash test, literally: kill -9 the process at random moments while it retrieves a study from a
 * PACS (Orthanc over WADO-RS) into the archive, 20 times; after each kill `dokuei archive verify` reports no
 * corrupt, missing or orphaned entry (every instance present and valid, or absent), and a last retrieve completes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCtDir, dicomFilesIn } from '../../support/data';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { killRepeatedly, runCrashChild, verifyArchive } from './crashHarness';

const KILLS = 20;
const STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.265704884949271879044145982159';

describe('archive crash safety during a retrieve', () => {
  let orthanc: OrthancInstance;
  let dataDir: string;
  const files = dicomFilesIn(demoCtDir());
  const env = { ...process.env, DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') };

  beforeAll(async () => {
    orthanc = await startOrthanc();
    await orthanc.uploadDir(demoCtDir());
    dataDir = await makeTempDir('dokuei-crash-retrieve-');
  });
  afterAll(async () => {
    await orthanc?.stop();
    await removeDir(dataDir);
  });

  const run = () => runCrashChild('test/integration/archive/crashRetriever.ts', [dataDir, orthanc.dicomwebUrl, STUDY], env);
  const verify = () => verifyArchive(dataDir, env);

  it(`survives ${KILLS} kill -9 during a retrieve, and the next retrieve completes`, async () => {
    await killRepeatedly({ kills: KILLS, maxDelayMs: 800, instances: files.length, run, verify });
    const last = run();
    const exit = await last.exited;
    expect(exit, last.output().err).toEqual({ code: 0, signal: null });
    expect(last.output().out).toContain(`done done ${files.length}`);
    const final = verify();
    expect(final).toMatchObject({ checked: files.length, corrupt: [], missing: [], orphans: [] });
  }, 240_000);
});
