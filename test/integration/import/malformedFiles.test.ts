/**
 * Import of a folder of odd and broken files (pydicom's test files: big endian, no meta, truncated, bad VR,
 * DICOMDIRs, JSON, an ICC profile…) into the encrypted archive: valid files are imported, each refused file
 * is listed with a reason a person can act on, nothing crashes. Uses ../shared/data when present; the
 * committed fixtures (transfer syntaxes, character sets) otherwise, plus files broken here on purpose.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { testKeyProvider } from '../../support/testArchive';
import { importPaths } from '../../../electron/services/store/importPaths';
import { repoRoot, sharedDataDir } from '../../support/data';
import { makeTempDir, removeDir } from '../../support/tempDir';

describe('importing malformed files', () => {
  let dir: string;
  let archive: EncryptedArchive;
  let brokenDir: string;

  beforeAll(async () => {
    dir = await makeTempDir('dokuei-import-');
    archive = await EncryptedArchive.open(path.join(dir, 'archive'), { keyProvider: testKeyProvider() });
    brokenDir = path.join(dir, 'broken');
    mkdirSync(brokenDir);
    const good = readFileSync(path.join(repoRoot, 'test/fixtures/ts/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm'));
    writeFileSync(path.join(brokenDir, 'truncated.dcm'), good.subarray(0, 700));
    writeFileSync(path.join(brokenDir, 'notes.txt'), 'not DICOM at all');
    writeFileSync(path.join(brokenDir, 'empty.dcm'), Buffer.alloc(0));
  });
  afterAll(async () => {
    await archive?.close?.();
    await removeDir(dir);
  });

  it('imports the valid files and lists each refused one with its reason', async () => {
    const sources = [sharedDataDir('pydicom_testfiles_bad_rt') ?? path.join(repoRoot, 'test/fixtures'), brokenDir];
    const result = await importPaths(archive, sources);
    expect(result.imported).toBeGreaterThan(5);
    const reasons = new Map(result.failed.map((f) => [path.basename(f.path), f.reason]));
    // Cut between two elements, the file parses but lacks its UIDs: refused as incomplete.
    expect(reasons.get('truncated.dcm')).toMatch(/truncated|incomplete/i);
    expect(reasons.get('notes.txt')).toBe('Not a DICOM Part 10 file (no "DICM" preamble)');
    expect(reasons.get('empty.dcm')).toBe('Not a DICOM Part 10 file (no "DICM" preamble)');
    for (const f of result.failed) {
      expect(f.reason.length, f.path).toBeGreaterThan(10);
      expect(f.reason, f.path).not.toMatch(/undefined|\[object|TypeError/);
    }
    if (sharedDataDir('pydicom_testfiles_bad_rt')) {
      expect(reasons.get('DICOMDIR')).toMatch(/has no StudyInstanceUID.*DICOMDIR/);
      expect(reasons.get('rtplan_truncated.dcm')).toMatch(/truncated/);
      expect(reasons.get('no_meta.dcm')).toMatch(/no "DICM" preamble/);
    }
    // What was imported is complete and readable: the archive verifies clean.
    const v = await archive.verify();
    expect(v.checked).toBe(archive.counts().instances);
    expect(v.corrupt).toEqual([]);
    // A second import of the same folders stores nothing new.
    const again = await importPaths(archive, sources);
    expect(again.imported).toBe(0);
    expect(again.skipped).toBe(result.imported + result.skipped);
  });
});
