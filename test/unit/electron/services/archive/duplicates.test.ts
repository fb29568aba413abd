/**
 * Second copies of a stored instance, judged by content hash: an identical copy is skipped, a complete copy
 * replaces an incomplete one (an entry stored before completeness was checked), a different complete copy is
 * kept aside, encrypted, and reported; verify checks completeness and hash and lists what was kept aside.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seriesUid, sopUid, studyUid } from '../../../../../common/dicom/uid';
import { ArchiveIndex, instanceUids } from '../../../../../electron/services/archive/archiveIndex';
import { decryptFile, encryptFile } from '../../../../../electron/services/archive/crypto';
import { Journal, putRecord } from '../../../../../electron/services/archive/journal';
import { loadDataKey } from '../../../../../electron/services/archive/keyCustody';
import { newObjectId, objectPath, writeObject } from '../../../../../electron/services/archive/objectFiles';
import { IncompleteInstanceError } from '../../../../../electron/services/dicom/completeness';
import { readPart10Header } from '../../../../../electron/services/dicom/part10';
import { demoCtDir, dicomFilesIn, repoRoot } from '../../../../support/data';
import { cutShort, MR_SERIES, MR_SOP, MR_STUDY, nativeMr } from '../../../../support/incompleteInstances';
import { openTestArchive, testKeyProvider } from '../../../../support/testArchive';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

let dir: string;
let root: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-duplicates-');
  root = path.join(dir, 'archive');
});
afterEach(async () => {
  await removeDir(dir);
});

const uids = { study: studyUid(MR_STUDY), series: seriesUid(MR_SERIES), instance: sopUid(MR_SOP) };

/** Stores `bytes` the way versions before completeness checks did: no check, no hash in the record. */
async function storeLikeAnOlderVersion(bytes: Uint8Array): Promise<void> {
  const key = await loadDataKey(root, testKeyProvider());
  const index = new ArchiveIndex(Date.now());
  const journal = new Journal(root, key, index);
  await journal.load();
  const { dataset } = readPart10Header(bytes);
  const { study, series, instance } = instanceUids(dataset);
  const id = newObjectId();
  const blob = encryptFile(key, id, bytes);
  await writeObject(root, id, blob);
  await journal.append([putRecord(index, id, study, series, instance, bytes.byteLength, blob.byteLength, dataset)], true);
  await journal.close();
}

describe('EncryptedArchive: complete instances only, duplicates by content', () => {
  it('refuses the truncated CT with the reason, then stores the intact copy', async () => {
    const intact = readFileSync(dicomFilesIn(demoCtDir())[0]!);
    const archive = await openTestArchive(root);
    try {
      const refused = archive.put(cutShort(intact, 1000));
      await expect(refused).rejects.toBeInstanceOf(IncompleteInstanceError);
      await expect(refused).rejects.toThrow(/^Incomplete instance: the file is truncated/);
      expect(archive.counts().instances).toBe(0);
      expect((await archive.put(intact)).kind).toBe('stored');
      expect((await archive.put(intact)).kind).toBe('duplicate');
      expect(archive.counts().instances).toBe(1);
    } finally {
      await archive.close();
    }
  });

  it('replaces an incomplete copy stored by an older version; verify reports it before and not after', async () => {
    await (await openTestArchive(root)).close();
    await storeLikeAnOlderVersion(cutShort(nativeMr(), 1000));
    const archive = await openTestArchive(root);
    try {
      const before = await archive.verify();
      expect(before.incomplete).toHaveLength(1);
      expect(before.incomplete[0]).toMatchObject({ instance: MR_SOP, reason: expect.stringMatching(/^Incomplete instance: the file is truncated/) });
      expect((await archive.put(nativeMr())).kind).toBe('replaced');
      expect(archive.counts().instances).toBe(1);
      expect(Buffer.from((await archive.readInstance(uids.study, uids.series, uids.instance))!).equals(nativeMr())).toBe(true);
      const after = await archive.verify();
      expect(after).toMatchObject({ checked: 1, corrupt: [], incomplete: [], missing: [], orphans: [], conflicts: [] });
    } finally {
      await archive.close();
    }
    // The replacement outlives a restart, and the old file is gone.
    const reopened = await openTestArchive(root);
    try {
      expect(Buffer.from((await reopened.readInstance(uids.study, uids.series, uids.instance))!).equals(nativeMr())).toBe(true);
      expect(reopened.startup).toMatchObject({ reindexed: 0, dropped: 0, quarantined: 0 });
      expect(readdirSync(path.join(root, 'objects')).flatMap((d) => readdirSync(path.join(root, 'objects', d)))).toHaveLength(1);
    } finally {
      await reopened.close();
    }
  });

  it('keeps a different complete copy aside, encrypted, and reports it as a conflict', async () => {
    const archive = await openTestArchive(root);
    try {
      const first = nativeMr({ seed: 1 });
      const other = nativeMr({ seed: 2 });
      expect((await archive.put(first)).kind).toBe('stored');
      const outcome = await archive.put(other);
      expect(outcome).toMatchObject({ kind: 'conflict', instance: MR_SOP, keptAs: expect.stringMatching(/^conflicts\/[0-9a-f]{32}\.dka$/) });
      // The first copy is still the one served; the other is kept, but never in clear.
      expect(Buffer.from((await archive.readInstance(uids.study, uids.series, uids.instance))!).equals(first)).toBe(true);
      const kept = readFileSync(path.join(root, outcome.keptAs!));
      expect(kept.includes(Buffer.from('Incomplete^Test'))).toBe(false);
      const report = await archive.verify();
      expect(report.conflicts).toEqual([{ file: outcome.keptAs, study: MR_STUDY, series: MR_SERIES, instance: MR_SOP, reason: 'a different copy of a stored instance, kept aside' }]);
      expect(report.corrupt).toEqual([]);
    } finally {
      await archive.close();
    }
  });

  it('counts the same instance in another transfer syntax as a duplicate, and keeps a repeated conflict once', async () => {
    const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test/fixtures/ts', name));
    const archive = await openTestArchive(root);
    try {
      expect((await archive.put(fixture('CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm'))).kind).toBe('stored');
      // A lossless transcoding keeps the SOP Instance UID: the same instance, not a conflict.
      expect((await archive.put(fixture('CTImage.dcm_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm'))).kind).toBe('duplicate');
      await archive.put(nativeMr({ seed: 1 }));
      const first = await archive.put(nativeMr({ seed: 2 }));
      const again = await archive.put(nativeMr({ seed: 2 }));
      expect(again).toEqual(first);
      expect(readdirSync(path.join(root, 'conflicts'))).toHaveLength(1);
    } finally {
      await archive.close();
    }
  });

  it('verify reports a file whose content no longer matches its hash, even when it authenticates', async () => {
    const archive = await openTestArchive(root);
    await archive.put(nativeMr());
    await archive.close();
    // Rewritten with the data key (as a bug in a writer would): same size, valid tag, other pixels.
    const key = await loadDataKey(root, testKeyProvider());
    const sub = readdirSync(path.join(root, 'objects'))[0]!;
    const name = readdirSync(path.join(root, 'objects', sub))[0]!;
    const id = name.replace('.dka', '');
    const plain = Buffer.from(decryptFile(key, id, readFileSync(objectPath(root, id))));
    plain[plain.length - 3] = plain[plain.length - 3]! ^ 0xff;
    writeFileSync(objectPath(root, id), encryptFile(key, id, plain));
    const reopened = await openTestArchive(root);
    try {
      const report = await reopened.verify();
      expect(report.corrupt).toEqual([expect.objectContaining({ instance: MR_SOP, reason: 'content differs from the hash recorded when it was stored' })]);
    } finally {
      await reopened.close();
    }
  });
});
