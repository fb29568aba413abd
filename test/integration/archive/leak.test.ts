/**
 * Leak test (issue 4) on the full LIDC-IDRI-0314 CT (275 slices; the 64-slice demo block without
 * ../shared/data) plus a Japanese-name file: after import, no byte of the archive folder contains the patient
 * ID, the study/series UIDs, the name (UTF-8 or ISO 2022) or any sampled 64-byte run of pixel data.
 * Pixel runs are found with a 4-byte-prefix set scan, so thousands of needles cost one pass per file.
 */
import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { testKeyProvider } from '../../support/testArchive';
import { readPart10Header } from '../../../electron/services/dicom/part10';
import { listFilesRecursively } from '../../../electron/services/store/listFiles';
import { importPaths } from '../../../electron/services/store/importPaths';
import { dicomFilesIn, realCtDir, repoRoot } from '../../support/data';
import { makeTempDir, removeDir } from '../../support/tempDir';

const RUN = 64;

function findRuns(haystack: Buffer, runs: Map<number, Buffer[]>): Buffer | undefined {
  for (let i = 0; i + RUN <= haystack.length; i++) {
    const candidates = runs.get(haystack.readUInt32LE(i));
    if (!candidates) continue;
    for (const c of candidates) if (haystack.compare(c, 0, RUN, i, i + RUN) === 0) return c;
  }
  return undefined;
}

describe('archive leak test', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('dokuei-leak-');
  });
  afterAll(() => removeDir(dir));

  it('finds no PHI and no pixel data in plaintext anywhere in the archive folder', async () => {
    const ct = dicomFilesIn(realCtDir());
    const japanese = path.join(repoRoot, 'test/fixtures/charsets/chrH31.dcm');
    const root = path.join(dir, 'archive');
    const archive = await EncryptedArchive.open(root, { keyProvider: testKeyProvider() });
    const result = await importPaths(archive, [...ct, japanese]);
    expect(result).toMatchObject({ imported: ct.length + 1, failed: [] });
    await archive.close();

    const text = new Set<string>(['LIDC-IDRI-0314', 'Yamada', '山田', 'やまだ']);
    const binary: Buffer[] = [Buffer.from([0x1b, 0x24, 0x42, 0x3b, 0x33, 0x45, 0x44])];
    const runs = new Map<number, Buffer[]>();
    let runCount = 0;
    for (const f of [...ct, japanese]) {
      const bytes = readFileSync(f);
      const ds = readPart10Header(bytes).dataset;
      for (const tag of [Tag.StudyInstanceUID, Tag.SeriesInstanceUID, Tag.SOPInstanceUID, Tag.AccessionNumber]) {
        const v = getString(ds, tag);
        if (v && v.length >= 8) text.add(v);
      }
      const px = dicomParser.parseDicom(bytes).elements['x7fe00010'];
      if (!px) continue;
      for (let k = 1; k <= 16; k++) {
        const at = px.dataOffset + Math.floor(((px.length - RUN) * k) / 17);
        const run = Buffer.from(bytes.subarray(at, at + RUN));
        if (new Set(run).size < 16) continue;
        const key = run.readUInt32LE(0);
        runs.set(key, [...(runs.get(key) ?? []), run]);
        runCount++;
      }
    }
    expect(runCount).toBeGreaterThan(ct.length * 4);
    // Control: the scan finds a run in the plaintext source.
    expect(findRuns(readFileSync(ct[0]!), runs)).toBeDefined();

    const files = await listFilesRecursively(root);
    expect(files.length).toBeGreaterThan(ct.length);
    for (const file of files) {
      const rel = path.relative(root, file);
      const bytes = await fs.readFile(file);
      for (const t of text) {
        expect(rel, 'a UID or name in a path').not.toContain(t);
        expect(bytes.indexOf(Buffer.from(t, 'utf8')), `"${t}" in ${rel}`).toBe(-1);
      }
      for (const b of binary) expect(bytes.indexOf(b), `ISO 2022 山田 in ${rel}`).toBe(-1);
      expect(findRuns(bytes, runs), `pixel data in ${rel}`).toBeUndefined();
    }
  }, 120_000);
});
