/**
 * importPaths with a DICOMDIR given as a path: the files its records name are imported (pydicom's test set, when
 * ../shared is present); a DICOMDIR that names none has its folder tree imported instead; the DICOMDIR itself is
 * neither imported nor reported as failed. (Record-by-record reading, study choice and missing files:
 * test/integration/import/dicomdir.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { EnvKeyProvider } from '../../../../../electron/services/archive/keyProvider';
import { importPaths, isDicomdir, mediaStorageSopClass, MEDIA_STORAGE_DIRECTORY_SOP_CLASS } from '../../../../../electron/services/store/importPaths';
import { repoRoot, sharedDataDir } from '../../../../support/data';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const charset = (name: string) => path.join(repoRoot, 'test/fixtures/charsets', name);
const envKey = () => new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') });
const dicomdirTests = sharedDataDir('pydicom_testfiles_bad_rt') && path.join(sharedDataDir('pydicom_testfiles_bad_rt')!, 'dicomdirtests');
const haveShared = !!dicomdirTests && existsSync(path.join(dicomdirTests, 'DICOMDIR'));

/**
 * A minimal DICOMDIR-like Part 10 file: preamble, "DICM", a meta group naming the Media Storage Directory
 * SOP Class, and an empty FileSetID. (dcmodify refuses to touch group 0002, so it is built by hand.)
 */
function craftDicomdir(): Buffer {
  const elem = (element: number, vr: string, value: Buffer) => {
    const long = vr === 'OB';
    const h = Buffer.alloc(long ? 12 : 8);
    h.writeUInt16LE(0x0002, 0);
    h.writeUInt16LE(element, 2);
    h.write(vr, 4, 'latin1');
    if (long) h.writeUInt32LE(value.length, 8);
    else h.writeUInt16LE(value.length, 6);
    return Buffer.concat([h, value]);
  };
  const ui = (uid: string) => Buffer.from(uid.length % 2 ? `${uid}\0` : uid, 'latin1');
  const body = Buffer.concat([
    elem(0x0001, 'OB', Buffer.from([0, 1])),
    elem(0x0002, 'UI', ui(MEDIA_STORAGE_DIRECTORY_SOP_CLASS)),
    elem(0x0003, 'UI', ui('2.25.1234567')),
    elem(0x0010, 'UI', ui('1.2.840.10008.1.2.1')),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(body.length);
  // (0004,1130) FileSetID, empty: the dataset of a DICOMDIR starts in group 0004.
  const fileSetId = Buffer.from([0x04, 0x00, 0x30, 0x11, 0x43, 0x53, 0x00, 0x00]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), elem(0x0000, 'UL', groupLength), body, fileSetId]);
}

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-dicomdir-');
});
afterEach(async () => {
  await removeDir(dir);
});

describe('importPaths and DICOMDIR', () => {
  it('reads the Media Storage SOP Class from the meta header only', () => {
    expect(mediaStorageSopClass(readFileSync(charset('chrH31.dcm')))).toMatch(/^1\.2\.840\.10008\./);
    expect(mediaStorageSopClass(new Uint8Array(200))).toBeUndefined();
    expect(mediaStorageSopClass(new Uint8Array(10))).toBeUndefined();
  });

  it('imports the folder of a DICOMDIR that names no file, and not the DICOMDIR itself', async () => {
    const media = path.join(dir, 'media');
    mkdirSync(path.join(media, 'SUB'), { recursive: true });
    copyFileSync(charset('chrH31.dcm'), path.join(media, 'SUB', 'IM1'));
    copyFileSync(charset('chrX1.dcm'), path.join(media, 'IM2'));
    const dicomdir = path.join(media, 'DICOMDIR');
    writeFileSync(dicomdir, craftDicomdir());
    expect(await isDicomdir(dicomdir)).toBe(true);
    expect(await isDicomdir(path.join(media, 'IM2'))).toBe(false);
    const archive = await EncryptedArchive.open(path.join(dir, 'archive'), { keyProvider: envKey() });
    try {
      expect(await importPaths(archive, [dicomdir])).toEqual({ imported: 2, skipped: 0, replaced: 0, conflicts: [], failed: [] });
      // Given together with its own folder: each file once, the DICOMDIR still not reported.
      expect(await importPaths(archive, [media, dicomdir])).toEqual({ imported: 0, skipped: 2, replaced: 0, conflicts: [], failed: [] });
    } finally {
      await archive.close();
    }
  });

  it.skipIf(!haveShared)("imports pydicom's dicomdirtests through its DICOMDIR", async () => {
    const archive = await EncryptedArchive.open(path.join(dir, 'archive'), { keyProvider: envKey() });
    try {
      // Its records name 31 instances of 2 patients, all on the media: each imported once. The tree's other files
      // (the DICOMDIR's variants, a nested DICOMDIR) are not in the index, so they are not read at all.
      const result = await importPaths(archive, [path.join(dicomdirTests!, 'DICOMDIR')]);
      expect(result).toEqual({ imported: 31, skipped: 0, replaced: 0, conflicts: [], failed: [] });
      expect(archive.counts().instances).toBe(31);
    } finally {
      await archive.close();
    }
  });
});
