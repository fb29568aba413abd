/**
 * `dokuei archive verify`: authenticates every instance file (GCM tag, which also catches a file swapped
 * for another one), checks that files and index agree, that each instance is complete (completeness.ts) and
 * still has the content hash recorded when it was stored, lists the conflicting copies kept aside, and reads the
 * index journal again (record numbers and chain, journal.ts). It reports and repairs nothing: repairs happen at
 * open (recovery.ts), and a report names what a reader may want to re-retrieve; damage that the open found
 * and repaired is reported too (it is where the records lost there are named).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkCompleteness, contentHash } from '../dicom/completeness';
import { readPart10Header } from '../dicom/part10';
import { instanceUids, type ArchiveIndex } from './archiveIndex';
import { decryptFile } from './crypto';
import { keptAside } from './duplicates';
import { JOURNAL_FILE, readJournal, type JournalDamage } from './journal';
import { FILE_NAME, objectFolders, objectRelPath } from './objectFiles';

export interface VerifyProblem {
  file: string;
  study?: string;
  series?: string;
  instance?: string;
  reason: string;
}
export interface VerifyReport {
  checked: number;
  corrupt: VerifyProblem[];
  missing: VerifyProblem[];
  orphans: VerifyProblem[];
  /** Instances whose pixel data is not all there (stored before completeness was checked at put). */
  incomplete: VerifyProblem[];
  /** Second, different copies of stored instances kept aside at put (duplicates.ts): for a person to decide. */
  conflicts: VerifyProblem[];
  /**
   * Damage in the index journal (or its copy of the user state): found at open (repaired then, the records
   * after it kept; `copy` names the damaged journal set aside) or in the journal now. `frame`, `offset`,
   * `lost` and `keptAfter` as in journal.ts JournalDamage.
   */
  journal: (VerifyProblem & Omit<JournalDamage, 'file' | 'reason'>)[];
}

export async function verifyArchive(root: string, key: Buffer, index: ArchiveIndex, foundAtOpen: readonly JournalDamage[] = []): Promise<VerifyReport> {
  const report: VerifyReport = { checked: 0, corrupt: [], missing: [], orphans: [], incomplete: [], conflicts: [], journal: [...foundAtOpen] };
  let journal: Buffer = Buffer.alloc(0);
  try {
    journal = await fs.readFile(path.join(root, JOURNAL_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const now = readJournal(key, journal);
  report.journal.push(...now.damage);
  // The archive is open: its journal ends with a whole frame, so a torn end appeared since it was opened.
  if (now.tornTail) report.journal.push({ file: JOURNAL_FILE, offset: now.validBytes, bytes: journal.length - now.validBytes, reason: 'the journal ends in a frame that does not authenticate' });
  const seen = new Set<string>();
  for await (const { sub, names } of objectFolders(root, true)) {
    for (const name of names) {
      const rel = path.join('objects', sub, name);
      const id = FILE_NAME.exec(name)?.[1];
      const where = id ? index.files.get(id) : undefined;
      if (!id || !where) {
        report.orphans.push({ file: rel, reason: 'file not in the index' });
        continue;
      }
      seen.add(id);
      report.checked++;
      const problem = { file: rel, study: where.st, series: where.se, instance: where.sop };
      try {
        const plain = decryptFile(key, id, await fs.readFile(path.join(root, rel)));
        const entry = index.fileEntry(id)!;
        if (plain.byteLength !== entry.size) report.corrupt.push({ ...problem, reason: `size ${plain.byteLength} differs from the index (${entry.size})` });
        else if (entry.hash && contentHash(plain) !== entry.hash) report.corrupt.push({ ...problem, reason: 'content differs from the hash recorded when it was stored' });
        else {
          const c = checkCompleteness(plain, readPart10Header(plain).dataset);
          if (!c.complete) report.incomplete.push({ ...problem, reason: `Incomplete instance: ${c.reason}` });
        }
      } catch (err) {
        report.corrupt.push({ ...problem, reason: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  for (const [id, w] of index.files) {
    if (!seen.has(id)) report.missing.push({ file: objectRelPath(id), study: w.st, series: w.se, instance: w.sop, reason: 'file missing' });
  }
  for (const { file, id } of await keptAside(root)) {
    try {
      const { study, series, instance } = instanceUids(readPart10Header(decryptFile(key, id, await fs.readFile(path.join(root, file)))).dataset);
      report.conflicts.push({ file, study, series, instance, reason: 'a different copy of a stored instance, kept aside' });
    } catch (err) {
      report.conflicts.push({ file, reason: `a copy kept aside that cannot be read: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return report;
}
