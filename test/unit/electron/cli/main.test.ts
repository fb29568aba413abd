/** The `dokuei` command as a user (or a script) runs it: real process, real files, JSON parsed back. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCtDir, dicomFilesIn, repoRoot } from '../../../support/data';
import { makeTempDir, removeDir } from '../../../support/tempDir';
import { testArchiveEnv } from '../../../support/testArchive';

const run = promisify(execFile);
const bin = path.join(repoRoot, 'bin', 'dokuei.mjs');

async function dokuei(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...testArchiveEnv, ...env }, timeout: 60000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('dokuei CLI', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await makeTempDir('dokuei-cli-');
  });
  afterAll(() => removeDir(dataDir));

  it('inspect --json reports each file, failures included, with the documented fields', async () => {
    const good = dicomFilesIn(demoCtDir())[0]!;
    const { code, stdout } = await dokuei(['inspect', '--json', good, path.join(repoRoot, 'package.json'), '/no/such.dcm']);
    expect(code).toBe(1);
    const results = JSON.parse(stdout) as Record<string, unknown>[];
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({
      file: good,
      ok: true,
      error: null,
      transferSyntaxUID: '1.2.840.10008.1.2',
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
      modality: 'CT',
      patientName: '',
      patientId: 'LIDC-IDRI-0314',
    });
    expect(results[1]).toMatchObject({ ok: false, error: expect.stringContaining('DICM') });
    expect(results[2]).toMatchObject({ ok: false, error: 'No such file' });
  });

  it('imports into the data folder and lists what is stored', async () => {
    const files = dicomFilesIn(demoCtDir()).slice(0, 2);
    const imported = await dokuei(['import', '--json', '--data-dir', dataDir, ...files]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ imported: 2, skipped: 0, replaced: 0, conflicts: [], failed: [] });
    const again = await dokuei(['import', '--data-dir', dataDir, files[0]!]);
    expect(again.stdout).toContain('Imported 0, skipped 1');
    const ls = await dokuei(['store', 'ls', '--json'], { DOKUEI_DATA_DIR: dataDir });
    const listing = JSON.parse(ls.stdout) as { instances: number; studies: { patientId: string; numberOfInstances: number }[] };
    expect(listing.instances).toBe(2);
    expect(listing.studies).toMatchObject([{ patientId: 'LIDC-IDRI-0314', numberOfInstances: 2 }]);
  });

  it('explains usage errors with exit code 2', async () => {
    const r = await dokuei(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect((await dokuei(['inspect'])).stderr).toContain('inspect needs at least one FILE');
  });
});
