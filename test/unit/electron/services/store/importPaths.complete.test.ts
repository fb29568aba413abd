/**
 * `importPaths` and complete instances: an incomplete file is in `failed` with a reason that says
 * "incomplete", and never shadows the intact copy imported after it; replaced and conflicting copies are
 * counted and listed.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { demoCtDir, dicomFilesIn, sharedDataDir } from '../../../../support/data';
import { cutShort, MR_SOP, mrTruncatedLike, nativeMr } from '../../../../support/incompleteInstances';
import { openTestArchive } from '../../../../support/testArchive';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-import-complete-');
});
afterEach(async () => {
  await removeDir(dir);
});

describe('importPaths: complete instances only', () => {
  it('the truncated CT refused and the intact copy accepted', async () => {
    const original = dicomFilesIn(demoCtDir())[0]!;
    const truncated = path.join(dir, 'truncated.dcm');
    writeFileSync(truncated, cutShort(readFileSync(original), 1000));
    const archive = await openTestArchive(path.join(dir, 'archive'));
    try {
      const first = await importPaths(archive, [truncated]);
      expect(first).toMatchObject({ imported: 0, skipped: 0, replaced: 0, conflicts: [] });
      expect(first.failed).toEqual([
        {
          path: truncated,
          reason: expect.stringMatching(/^Incomplete instance: the file is truncated/),
          says: { key: 'services.read.incomplete', values: { detail: expect.stringMatching(/^the file is truncated/) } },
        },
      ]);
      expect(first.failed[0]!.reason).toMatch(/incomplete/i);
      // Today's bug: the intact original was "skipped as already stored" behind the truncated one.
      expect(await importPaths(archive, [original])).toEqual({ imported: 1, skipped: 0, replaced: 0, conflicts: [], failed: [] });
      expect(archive.counts().instances).toBe(1);
    } finally {
      await archive.close();
    }
  });

  it('refuses MR_truncated.dcm as incomplete (the generated stand-in, and the one in ../shared when present)', async () => {
    const files = [path.join(dir, 'MR_truncated_generated.dcm')];
    writeFileSync(files[0]!, mrTruncatedLike());
    const shared = sharedDataDir('pydicom_testfiles_bad_rt');
    if (shared && existsSync(path.join(shared, 'MR_truncated.dcm'))) {
      files.push(path.join(dir, 'MR_truncated.dcm'));
      copyFileSync(path.join(shared, 'MR_truncated.dcm'), files[1]!);
    }
    const archive = await openTestArchive(path.join(dir, 'archive'));
    try {
      const result = await importPaths(archive, files);
      expect(result.imported).toBe(0);
      expect(result.failed.map((f) => f.path)).toEqual(files);
      for (const f of result.failed) expect(f.reason, f.path).toMatch(/^Incomplete instance: /);
      expect(archive.counts().instances).toBe(0);
    } finally {
      await archive.close();
    }
  });

  it('lists a different copy of a stored instance in conflicts, and counts an identical one as skipped', async () => {
    const a = path.join(dir, 'a.dcm');
    const b = path.join(dir, 'b.dcm');
    const same = path.join(dir, 'same.dcm');
    writeFileSync(a, nativeMr({ seed: 1 }));
    writeFileSync(b, nativeMr({ seed: 2 }));
    writeFileSync(same, nativeMr({ seed: 1 }));
    const archive = await openTestArchive(path.join(dir, 'archive'));
    try {
      const result = await importPaths(archive, [a, b, same]);
      expect(result).toMatchObject({ imported: 1, skipped: 1, replaced: 0, failed: [] });
      expect(result.conflicts).toEqual([{ path: b, sopInstanceUID: MR_SOP, reason: expect.stringMatching(/different copy .* kept aside/), keptAs: expect.stringMatching(/^conflicts\//) }]);
    } finally {
      await archive.close();
    }
  });
});
