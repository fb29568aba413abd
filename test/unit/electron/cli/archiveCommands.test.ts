/** `dokuei archive …` as a user runs it: real process, real files, JSON parsed back. */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveCommand, archiveUsage } from '../../../../electron/cli/archiveCommands';
import { columns } from '../../../../electron/cli/i18n/columns';
import { CliUsageError } from '../../../../electron/cli/pacsCommands';
import type { EncryptedArchive } from '../../../../electron/services/archive/encryptedArchive';
import { listFilesRecursively } from '../../../../electron/services/store/listFiles';
import { demoCtDir, dicomFilesIn, repoRoot } from '../../../support/data';
import { flipJournalByte } from '../../../support/journalFrames';
import { makeTempDir, removeDir } from '../../../support/tempDir';
import { testArchiveEnv } from '../../../support/testArchive';
import { inCliLanguage } from '../../../support/cliLanguage';

const run = promisify(execFile);
const bin = path.join(repoRoot, 'bin', 'dokuei.mjs');

async function dokuei(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  // The key as a headless user gives it; nothing else from the caller's environment (English, whatever its locale).
  const clean: NodeJS.ProcessEnv = { ...process.env, ...testArchiveEnv, ...env };
  delete clean.DOKUEI_PASSPHRASE;
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: clean, timeout: 60000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('dokuei archive', () => {
  let dataDir: string;
  let study: string;
  beforeAll(async () => {
    dataDir = await makeTempDir('dokuei-cli-archive-');
  });
  afterAll(() => removeDir(dataDir));

  it('imports into the encrypted archive and lists it', async () => {
    const files = dicomFilesIn(demoCtDir()).slice(0, 3);
    const imported = await dokuei(['import', '--json', '--data-dir', dataDir, ...files]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ imported: 3, skipped: 0, replaced: 0, conflicts: [], failed: [] });
    const ls = await dokuei(['archive', 'ls', '--json', '--data-dir', dataDir]);
    expect(ls.code).toBe(0);
    const listing = JSON.parse(ls.stdout) as { root: string; instances: number; studies: { studyInstanceUid: string; patientId: string; pinned: boolean; bytes: number }[] };
    expect(listing.root).toBe(path.join(dataDir, 'archive'));
    expect(listing.instances).toBe(3);
    expect(listing.studies).toMatchObject([{ patientId: 'LIDC-IDRI-0314', pinned: false }]);
    study = listing.studies[0]!.studyInstanceUid;
    // No key beside the data: the custody file names what protects it (DOKUEI_ARCHIVE_KEY here), never the key.
    await expect(fs.stat(path.join(dataDir, 'archive.key'))).rejects.toThrow();
    const custody = await fs.readFile(path.join(dataDir, 'custody.json'), 'utf8');
    expect(JSON.parse(custody)).toMatchObject({ v: 1, kind: 'key' });
    expect(custody).not.toContain(testArchiveEnv.DOKUEI_ARCHIVE_KEY);
  });

  it('pins, reports usage, refuses to evict a pinned study, then evicts it', async () => {
    expect(JSON.parse((await dokuei(['archive', 'pin', study, '--json', '--data-dir', dataDir])).stdout)).toEqual({ study, pinned: true, present: true });
    const usage = JSON.parse((await dokuei(['archive', 'usage', '--json', '--data-dir', dataDir])).stdout) as { totalBytes: number; byModality: Record<string, number>; studies: { study: string; pinned: boolean }[] };
    expect(usage.byModality.CT).toBe(usage.totalBytes);
    expect(usage.studies).toMatchObject([{ study, pinned: true }]);
    const refused = await dokuei(['archive', 'evict', study, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('pinned');
    expect((await dokuei(['archive', 'unpin', study, '--data-dir', dataDir])).code).toBe(0);
    const evicted = await dokuei(['archive', 'evict', study, '--json', '--data-dir', dataDir]);
    expect(JSON.parse(evicted.stdout)).toMatchObject({ study, evicted: true, instances: 3 });
    expect(JSON.parse((await dokuei(['archive', 'ls', '--json', '--data-dir', dataDir])).stdout)).toMatchObject({ instances: 0, studies: [] });
    expect((await dokuei(['archive', 'evict', 'not-a-uid', '--data-dir', dataDir])).code).toBe(2);
  });

  it('verify exits 1 with the corrupt file named; --archive picks another folder', async () => {
    const other = path.join(dataDir, 'elsewhere');
    const files = dicomFilesIn(demoCtDir()).slice(0, 2);
    expect((await dokuei(['import', '--archive', other, '--data-dir', dataDir, ...files])).code).toBe(0);
    const ok = await dokuei(['archive', 'verify', '--json', '--archive', other, '--data-dir', dataDir]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ checked: 2, corrupt: [], missing: [], orphans: [], ok: true });
    const [victim] = await listFilesRecursively(path.join(other, 'objects'));
    const bytes = await fs.readFile(victim!);
    bytes[100] = bytes[100]! ^ 0xff;
    await fs.writeFile(victim!, bytes);
    const bad = await dokuei(['archive', 'verify', '--archive', other, '--data-dir', dataDir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('1 corrupt');
    expect(bad.stdout).toContain(path.relative(other, victim!));
  });

  it('verify reports a damaged journal frame by its number in a `journal` list, keeps the pin, and is clean once repaired', async () => {
    const other = path.join(dataDir, 'journaled');
    const files = dicomFilesIn(demoCtDir()).slice(0, 2);
    expect((await dokuei(['import', '--archive', other, '--data-dir', dataDir, ...files])).code).toBe(0);
    const listed = JSON.parse((await dokuei(['archive', 'ls', '--json', '--archive', other, '--data-dir', dataDir])).stdout) as { studies: { studyInstanceUid: string }[] };
    const pinned = listed.studies[0]!.studyInstanceUid;
    expect((await dokuei(['archive', 'pin', pinned, '--archive', other, '--data-dir', dataDir])).code).toBe(0);
    await flipJournalByte(other, 1);
    const bad = await dokuei(['archive', 'verify', '--json', '--archive', other, '--data-dir', dataDir]);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; checked: number; corrupt: unknown[]; journal: { file: string; frame: number; keptAfter: number; reason: string; copy: string }[] };
    expect(report).toMatchObject({ ok: false, checked: 2, corrupt: [] });
    expect(report.journal).toEqual([expect.objectContaining({ file: 'index.journal', frame: 1, reason: expect.stringMatching(/fails authentication/) as string })]);
    expect(report.journal[0]!.keptAfter).toBeGreaterThan(0);
    await expect(fs.stat(path.join(other, report.journal[0]!.copy))).resolves.toBeTruthy();
    const ls = JSON.parse((await dokuei(['archive', 'ls', '--json', '--archive', other, '--data-dir', dataDir])).stdout) as { instances: number; studies: { pinned: boolean }[] };
    expect(ls).toMatchObject({ instances: 2, studies: [{ pinned: true }] });
    const clean = await dokuei(['archive', 'verify', '--archive', other, '--data-dir', dataDir]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('0 damaged in the index journal');
  });
});


function capture() {
  const lines: string[] = [];
  return { lines, io: { out: (l: string) => void lines.push(l), err: (t: string) => void lines.push(t), isTty: false } };
}

describe('archiveCommand in the reader\'s language (issue #18)', () => {
  const study = '1.2.840.113619.2.55.3.4';
  // Only what the commands below reach: a study that is not there, and a verify report with two problems.
  const archive = {
    root: '/data/archive',
    hasStudy: () => false,
    verify: async () => ({
      checked: 2,
      corrupt: [{ file: 'objects/ab/cd', instance: '1.2.3', reason: 'fails authentication' }],
      missing: [],
      orphans: [{ file: 'objects/ef/01' }],
      incomplete: [],
      conflicts: [],
      journal: [],
    }),
  } as unknown as EncryptedArchive;

  async function said(lang: string) {
    return inCliLanguage(lang, async () => {
      const evict = capture();
      expect(await archiveCommand(archive, ['evict', study], false, evict.io)).toBe(1);
      const verify = capture();
      expect(await archiveCommand(archive, ['verify'], false, verify.io)).toBe(1);
      const usage = await archiveCommand(archive, ['evict', 'not-a-uid'], false, capture().io).then(
        () => undefined,
        (err: unknown) => err,
      );
      return { evict: evict.lines, verify: verify.lines, usage, help: archiveUsage() };
    });
  }

  it('prints its lines, usage errors and --help in Japanese with DOKUEI_LANG=ja, the reasons kept as the archive gives them', async () => {
    const ja = await said('ja');
    expect(ja.evict).toEqual([`検査 ${study} はアーカイブにありません。`]);
    expect(ja.usage).toBeInstanceOf(CliUsageError);
    expect((ja.usage as Error).message).toBe('「not-a-uid」は DICOM UID ではありません');
    expect(ja.verify[0]).toMatch(/^2 ファイルを検証しました：破損 1、/);
    // The labels still make a column: the paths start at the same terminal column, kanji being two wide.
    const [corrupt, orphan] = [ja.verify[1]!, ja.verify[2]!];
    expect(corrupt).toMatch(/^ {2}破損 +objects\/ab\/cd {2}1\.2\.3: fails authentication$/);
    expect(columns(corrupt.slice(0, corrupt.indexOf('objects')))).toBe(columns(orphan.slice(0, orphan.indexOf('objects'))));
    expect(ja.help.split('\n')[0]).toBe(`${'  dokuei archive ls [--json]'.padEnd(42)}暗号化アーカイブ内の検査（ピン留め、`);
  });

  it('is the English it always was otherwise', async () => {
    const en = await said('en');
    expect(en.evict).toEqual([`Study ${study} is not in the archive.`]);
    expect((en.usage as Error).message).toBe('"not-a-uid" is not a DICOM UID');
    expect(en.verify).toEqual([
      'Checked 2 files: 1 corrupt, 0 incomplete, 0 missing, 1 not in the index, 0 conflicting copies kept aside, 0 damaged in the index journal.',
      '  corrupt    objects/ab/cd  1.2.3: fails authentication',
      '  orphan     objects/ef/01',
    ]);
    expect(en.help.split('\n')[0]).toBe('  dokuei archive ls [--json]              studies in the encrypted archive (pinned, open, last access)');
  });
});
