/**
 * CLI commands that touch patient data write audit records, read back from the data folder's log after real
 * `dokuei` processes: `query` (Query, the local archive asked), `archive pin|unpin|evict` (Instances Accessed U,
 * Study Deleted) and `suv` (Instances Accessed R per series read).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../support/data';
import { openTestAudit, queryOf, type TestAudit } from '../../../support/auditTrail';
import { writePetCtPhantom, type PetCtPhantom } from '../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../support/tempDir';
import { openTestArchive, testArchiveEnv } from '../../../support/testArchive';
import { importPaths } from '../../../../electron/services/store/importPaths';

const bin = path.join(repoRoot, 'bin', 'dokuei.mjs');
let dir: string;
let dataDir: string;
let phantom: PetCtPhantom;

/** The exit code, and stderr when not 0 (so a failure says why). */
async function dokuei(...args: string[]): Promise<number | string> {
  try {
    await promisify(execFile)(process.execPath, [bin, ...args, '--data-dir', dataDir], { timeout: 120000, env: { ...process.env, ...testArchiveEnv } });
    return 0;
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return `${e.code}: ${e.stderr}`;
  }
}

beforeAll(async () => {
  dir = await makeTempDir('dokuei-cli-audit-');
  dataDir = path.join(dir, 'data');
  phantom = writePetCtPhantom(path.join(dir, 'phantom'), { ct: { rows: 8, columns: 8, slices: 1 }, pet: { rows: 8, columns: 8, slices: 2 } });
}, 30000);
afterAll(() => removeDir(dir));

async function records(): Promise<Awaited<ReturnType<TestAudit['records']>>> {
  const audit = await openTestAudit(dataDir);
  try {
    return await audit.records();
  } finally {
    await audit.log.close();
  }
}

describe('CLI audit records', () => {
  it('records query, pin, unpin, evict and suv', async () => {
    const st = phantom.truth.studyInstanceUid;
    // Imported in-process (one process less): the archive's index is what the commands read.
    const archive = await openTestArchive(path.join(dataDir, 'archive'));
    expect((await importPaths(archive, phantom.ctFiles)).failed).toEqual([]);
    await archive.close();
    expect(await dokuei('query', '--patient-id', 'DOKUEI-PETCT-PHANTOM')).toBe(0);
    expect(await dokuei('archive', 'pin', st)).toBe(0);
    expect(await dokuei('archive', 'unpin', st)).toBe(0); // a pinned study is not evicted
    expect(await dokuei('archive', 'evict', st)).toBe(0);
    expect(await dokuei('suv', path.join(dir, 'phantom'))).toBe(0);
    // Application Start/Stop around the services the query opens; the rest as the commands ran.
    const rs = (await records()).filter((r) => r.eventId !== '110100');
    expect(rs.map((r) => [r.eventId, r.action ?? ''])).toEqual([
      ['110112', 'E'],
      ['110103', 'U'],
      ['110103', 'U'],
      ['110105', 'D'],
      ['110103', 'R'],
      ['110103', 'R'],
    ]);
    expect(queryOf(rs[0]!.xml)).toMatch(/^QueryRetrieveLevel=STUDY&PatientID=DOKUEI-PETCT-PHANTOM(&|$)/);
    for (const r of rs.slice(1)) expect(r).toMatchObject({ patientIds: ['DOKUEI-PETCT-PHANTOM'], studyUids: [st] });
  }, 120000);
});
