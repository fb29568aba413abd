/**
 * The start-up pass: after a crash, files and index must agree again before anything is served.
 *
 * Crash safety, per put: encrypt → temp file → fsync → rename into objects/ → fsync dir → journal frame
 * → fsync. A crash before the rename leaves only a temp file (deleted here); after the rename but before
 * the journal frame, an orphan object, re-indexed here (quarantined if it does not authenticate). A torn
 * journal tail is cut at the last authenticated frame (journal.ts). Damage inside the journal is reported
 * (`journalDamage`), the records after it kept, the user state taken from its copy where records were lost,
 * and the journal rewritten. Index entries whose file is gone, or whose file has another size than the index
 * says, are dropped; an instance re-indexed from its file keeps the study's access time from the copy.
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { assertComplete, contentHash } from '../dicom/completeness';
import { readPart10Header } from '../dicom/part10';
import { instanceUids, type ArchiveIndex } from './archiveIndex';
import { decryptFile } from './crypto';
import { putRecord, type Journal, type JournalDamage } from './journal';
import { FILE_NAME, objectFolders } from './objectFiles';

export interface StartupReport {
  journalTruncated: boolean;
  /** Damage found in the journal (or its copy of the user state) at open; empty when none. */
  journalDamage: JournalDamage[];
  /** Pins, access times and study states were taken from the copy (state.enc): the journal had lost records. */
  userStateRestored: boolean;
  tempFilesRemoved: number;
  reindexed: number;
  dropped: number;
  quarantined: number;
}

export interface RecoveryContext {
  root: string;
  key: Buffer;
  index: ArchiveIndex;
  journal: Journal;
  /** Filled in as the pass goes. */
  startup: StartupReport;
  onSkip: (file: string, reason: string) => void;
}

export function emptyStartupReport(): StartupReport {
  return { journalTruncated: false, journalDamage: [], userStateRestored: false, tempFilesRemoved: 0, reindexed: 0, dropped: 0, quarantined: 0 };
}

/** Removes temp files, replays the journal, then makes the index and objects/ agree. */
export async function recover(ctx: RecoveryContext): Promise<void> {
  const { root, index, journal, startup } = ctx;
  const tmpDir = path.join(root, 'tmp');
  for (const f of await fs.readdir(tmpDir)) {
    await fs.rm(path.join(tmpDir, f), { force: true, recursive: true });
    startup.tempFilesRemoved++;
  }
  if (await journal.load()) startup.journalTruncated = true;
  startup.journalDamage.push(...journal.damage);
  startup.userStateRestored = journal.restored;

  // Files and index must agree.
  const onDisk = new Set<string>();
  for await (const { sub, dir, names } of objectFolders(root)) {
    for (const name of names) {
      const file = path.join(dir, name);
      const m = FILE_NAME.exec(name);
      if (!m || m[1]!.slice(0, 2) !== sub) {
        await quarantine(ctx, file, 'unexpected file name in the archive');
        continue;
      }
      const id = m[1]!;
      const entry = index.fileEntry(id);
      if (entry) {
        const st = await fs.stat(file);
        if (st.size !== entry.stored) {
          await quarantine(ctx, file, `size ${st.size} differs from the index (${entry.stored})`);
          await journal.drop([id]);
          startup.dropped++;
          continue;
        }
        onDisk.add(id);
        continue;
      }
      if (await reindexOrphan(ctx, file, id)) onDisk.add(id);
    }
  }
  const gone = [...index.files.keys()].filter((id) => !onDisk.has(id));
  if (gone.length) {
    await journal.drop(gone);
    startup.dropped += gone.length;
  }
  // Rewritten after damage or a restore (what was read is all that is known now), and once for an older journal.
  if (startup.journalTruncated || journal.damage.length || journal.restored || journal.needsMigration || journal.needsCompaction) await journal.compact();
}

/**
 * An orphan: written and renamed, but the process died before the journal frame. Journals it when it
 * authenticates and is not already indexed under another file (then it is a leftover and removed); true
 * when it is now in the index.
 */
async function reindexOrphan(ctx: RecoveryContext, file: string, id: string): Promise<boolean> {
  const { key, index, journal, startup } = ctx;
  try {
    const blob = await fs.readFile(file);
    const plain = decryptFile(key, id, blob);
    const header = readPart10Header(plain);
    const { study: st, series: se, instance: sop } = instanceUids(header.dataset);
    if (index.entry(st, se, sop)) {
      await fs.rm(file, { force: true });
      return false;
    }
    // Only complete instances enter the index, whichever way they come (completeness.ts).
    assertComplete(plain, header.dataset);
    const put = putRecord(index, id, st, se, sop, plain.byteLength, blob.byteLength, header.dataset, undefined, contentHash(plain));
    // After a restore the index is rebuilt from the files: found again, not used, so the study keeps the
    // access time of the copy (after a crash mid-put, the orphan is the put itself: a use, as before).
    const known = journal.restored ? index.meta.get(st) : undefined;
    if (known?.lastAccess) Object.assign(put, { at: known.lastAccess, seq: known.seq });
    await journal.append([put], true);
    startup.reindexed++;
    return true;
  } catch (err) {
    await quarantine(ctx, file, err instanceof Error ? err.message : String(err));
    return false;
  }
}

/** Sets a file aside in quarantine/, still encrypted, for inspection. */
async function quarantine(ctx: RecoveryContext, file: string, reason: string): Promise<void> {
  const target = path.join(ctx.root, 'quarantine', `${Date.now()}-${randomBytes(4).toString('hex')}-${path.basename(file)}`);
  await fs.rename(file, target);
  ctx.startup.quarantined++;
  ctx.onSkip(target, reason);
}
