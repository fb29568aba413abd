/**
 * A CD's DICOMDIR read record by record (issue #18): three studies of two patients written as media and indexed by
 * dcmtk's `dcmmkdir`, then one file removed from the media. The records are listed (patient → study → series →
 * image) with the missing file named; one study is imported alone, nothing else; importing the whole DICOMDIR
 * stores every file on the media and reports the missing one; a file whose name differs in case from the index is
 * still found; `dokuei dicomdir --json` and `dokuei import DICOMDIR --study` do the same from the command line.
 */
import { execFile } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { dicomdirInstances, readDicomdir, type DicomdirContents } from '../../../electron/services/store/dicomdir';
import { importPaths } from '../../../electron/services/store/importPaths';
import { repoRoot } from '../../support/data';
import { writeDicomdirMedia } from '../../support/dicomdirMedia';
import { testArchiveEnv, testKeyProvider } from '../../support/testArchive';
import { makeTempDir, removeDir } from '../../support/tempDir';

const run = promisify(execFile);
const ROOT = '2.25.3141592653589793238462.18';
/** Study k: patient, UID root, slices (each slice one file ST{k}/IM{i}). */
const STUDIES = [
  { patientId: 'DDIR-A', root: `${ROOT}.1`, slices: 3 },
  { patientId: 'DDIR-B', root: `${ROOT}.2`, slices: 4 },
  { patientId: 'DDIR-B', root: `${ROOT}.3`, slices: 2 },
];
const studyUid = (k: number) => `${STUDIES[k]!.root}.1`;

describe('DICOMDIR import', () => {
  let dir: string | undefined;
  let media: string;
  let dicomdir: string;

  beforeAll(async () => {
    dir = await makeTempDir('dokuei-dicomdir-');
    ({ media, dicomdir } = await writeDicomdirMedia(dir, STUDIES));
    // The media lose one file after indexing; another's name changes case (as Windows-burned CDs read on Linux do).
    rmSync(path.join(media, 'ST1', 'IM2'));
    renameSync(path.join(media, 'ST2', 'IM0'), path.join(media, 'ST2', 'im0'));
  });
  afterAll(async () => removeDir(dir));

  it('lists every record, patient → study → series → image, and the file missing from the media', async () => {
    const c = await readDicomdir(dicomdir);
    expect(c.warnings).toEqual([]);
    expect(c.patients.map((p) => [p.patientId, p.studies.map((s) => s.studyInstanceUid)])).toEqual([
      ['DDIR-A', [studyUid(0)]],
      ['DDIR-B', [studyUid(1), studyUid(2)]],
    ]);
    const counts = c.patients.flatMap((p) => p.studies.map((s) => s.series.map((se) => [se.modality, se.instances.length])));
    expect(counts).toEqual([[['CT', 3]], [['CT', 4]], [['CT', 2]]]);
    expect(c.missing).toEqual(['ST1/IM2']);
    const renamed = dicomdirInstances(c).find((i) => i.referencedFileId === 'ST2/IM0')!;
    expect(renamed.exists).toBe(true);
    expect(path.basename(renamed.file)).toBe('im0');
    // Each instance record names its SOP Instance UID, as in the file.
    expect(dicomdirInstances(c).every((i) => i.sopInstanceUid?.startsWith(ROOT))).toBe(true);
  });

  it('imports one study alone, then the rest with the missing file reported', async () => {
    const archive = await EncryptedArchive.open(path.join(dir!, 'archive'), { keyProvider: testKeyProvider() });
    try {
      const one = await importPaths(archive, [dicomdir], undefined, { studies: new Set([studyUid(0)]) });
      expect(one).toEqual({ imported: 3, skipped: 0, replaced: 0, conflicts: [], failed: [] });
      expect(archive.studies().map((s) => s['0020000D']?.Value?.[0])).toEqual([studyUid(0)]);
      const all = await importPaths(archive, [dicomdir]);
      expect(all).toMatchObject({ imported: 3 + 2, skipped: 3, replaced: 0, conflicts: [] });
      // The reason in English, and keyed for the Files panel and the CLI to say in Japanese (#18).
      expect(all.failed).toEqual([
        { path: path.join(media, 'ST1', 'IM2'), reason: 'Listed in the DICOMDIR (ST1/IM2) but not on the media', says: { key: 'services.read.missingFromMedia', values: { file: 'ST1/IM2' } } },
      ]);
      expect(archive.counts().instances).toBe(3 + 3 + 2);
    } finally {
      await archive.close();
    }
  });

  it('does the same from the command line: dokuei dicomdir --json, dokuei import DICOMDIR --study', async () => {
    const dataDir = path.join(dir!, 'cli');
    const cli = (args: string[]) =>
      run(process.execPath, [path.join(repoRoot, 'bin/dokuei.mjs'), ...args, '--data-dir', dataDir], { timeout: 60000, env: { ...process.env, ...testArchiveEnv } }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const listed = await cli(['dicomdir', dicomdir, '--json']);
    // Exit 1: a file the index names is missing.
    expect(listed.code).toBe(1);
    const contents = JSON.parse(listed.stdout) as DicomdirContents;
    expect(contents.patients.flatMap((p) => p.studies.map((s) => s.studyInstanceUid))).toEqual([studyUid(0), studyUid(1), studyUid(2)]);
    expect(contents.missing).toEqual(['ST1/IM2']);
    const text = await cli(['dicomdir', dicomdir]);
    expect(text.stdout).toContain('2 patients, 9 images, 1 missing from the media');
    expect(text.stdout).toContain('missing: ST1/IM2');

    const imported = await cli(['import', dicomdir, '--study', studyUid(2), '--json']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ imported: 2, skipped: 0, replaced: 0, conflicts: [], failed: [] });
    const ls = await cli(['store', 'ls', '--json']);
    expect((JSON.parse(ls.stdout) as { studies: { studyInstanceUid: string }[] }).studies.map((s) => s.studyInstanceUid)).toEqual([studyUid(2)]);
  });
});
