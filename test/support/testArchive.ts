/**
 * The local store as tests open it: the encrypted archive (patient data is never in clear on disk, in tests
 * too) with a test key. One random key per test process, so a folder reopens with the same key; a child
 * process that must open the same archive gets it as DOKUEI_ARCHIVE_KEY (`testArchiveEnv`).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { getString } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import { seriesUid, sopUid, studyUid, type SeriesInstanceUid, type SopInstanceUid, type StudyInstanceUid } from '../../common/dicom/uid';
import { EncryptedArchive, type ArchiveOptions } from '../../electron/services/archive/encryptedArchive';
import { EnvKeyProvider, type KeyProvider } from '../../electron/services/archive/keyProvider';
import { listFilesRecursively } from '../../electron/services/store/listFiles';
import type { KeySources } from '../../electron/services/custody/custody';

const TEST_ARCHIVE_KEY = randomBytes(32).toString('base64');

/** The environment under which EnvKeyProvider (and a `dokuei` child process) uses the test key. */
// DOKUEI_LANG: a `dokuei` these tests start speaks English whatever the machine's locale (the CLI is Japanese
// under a ja locale, #18); tests of the Japanese output set it themselves.
export const testArchiveEnv = { DOKUEI_ARCHIVE_KEY: TEST_ARCHIVE_KEY, DOKUEI_LANG: 'en' } as const;

export function testKeyProvider(): KeyProvider {
  return new EnvKeyProvider(testArchiveEnv);
}

/** The test key as a user would give it (DOKUEI_ARCHIVE_KEY), for what resolves the data folder's custody. */
export function testKeySources(): KeySources {
  return { envKey: TEST_ARCHIVE_KEY };
}

/** A cheap scrypt cost for tests that set a passphrase (the stored parameters say which cost was used). */
export const TEST_SCRYPT_COST = { N: 1024, r: 8, p: 1 } as const;

/** Opens (creating if needed) an encrypted archive in `dir` with the test key. */
export function openTestArchive(dir: string, options: Omit<ArchiveOptions, 'keyProvider'> = {}): Promise<EncryptedArchive> {
  return EncryptedArchive.open(dir, { ...options, keyProvider: testKeyProvider() });
}

export interface ArchivedInstance {
  study: StudyInstanceUid;
  series: SeriesInstanceUid;
  sop: SopInstanceUid;
  /** The Part 10 bytes, decrypted (and authenticated) by the archive from its file. */
  bytes: Uint8Array;
}

/**
 * Every instance of the archive, read back from its files (ordered by study, series and SOP Instance UID).
 * Throws when the files on disk and the index disagree in number, so nothing stored goes unseen.
 */
export async function archivedInstances(archive: EncryptedArchive): Promise<ArchivedInstance[]> {
  const out: ArchivedInstance[] = [];
  for (const st of archive.studies()) {
    const study = studyUid(getString(st, Tag.StudyInstanceUID));
    for (const md of archive.instances(study) ?? []) {
      const series = seriesUid(getString(md, Tag.SeriesInstanceUID));
      const sop = sopUid(getString(md, Tag.SOPInstanceUID));
      const bytes = await archive.readInstance(study, series, sop);
      if (!bytes) throw new Error(`The archive lists ${sop} but has no file for it`);
      out.push({ study, series, sop, bytes });
    }
  }
  const files = await archiveObjectFiles(archive.root);
  if (files.length !== out.length) throw new Error(`The archive holds ${files.length} instance file(s) but indexes ${out.length}`);
  const key = (i: ArchivedInstance) => `${i.study}/${i.series}/${i.sop}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The archive's instance files (encrypted, `<root>/objects/xx/<id>.dka`). */
export async function archiveObjectFiles(root: string): Promise<string[]> {
  return (await listFilesRecursively(path.join(root, 'objects'))).filter((f) => f.endsWith('.dka')).sort();
}

