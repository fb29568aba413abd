/**
 * A second copy of a SOP Instance the archive already holds. Copies are compared by content hash
 * (completeness.ts contentHash), never by UID alone, so a truncated copy stored first cannot shadow the
 * intact one:
 *   - the same hash: the same instance, skipped ('duplicate');
 *   - the stored copy is incomplete (an entry from before completeness was checked, or a file that no longer
 *     decrypts): the new, complete copy replaces it ('replaced');
 *   - both complete, in the same transfer syntax, and different: the stored copy stays, the new one is kept
 *     aside in conflicts/, encrypted like every instance file, and reported ('conflict') for a person to decide;
 *   - both complete, in different transfer syntaxes: the same instance encoded otherwise ('duplicate').
 */
import { createHmac } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkCompleteness, contentHash } from '../dicom/completeness';
import { readPart10Header } from '../dicom/part10';
import type { InstanceEntry } from './archiveIndex';
import { decryptFile, encryptFile } from './crypto';
import { readObject } from './objectFiles';
import { writeSyncedFile } from '../store/durableFile';

export type DuplicateDecision = 'duplicate' | 'replace' | 'conflict';

/** The folder (in the archive folder) where conflicting copies are kept, encrypted. */
export const CONFLICTS_DIR = 'conflicts';

/** What the stored copy is: its hash, and whether it is complete (a file that cannot be read is not). */
async function storedCopy(root: string, key: Buffer, entry: InstanceEntry): Promise<{ hash?: string; complete: boolean }> {
  if (entry.hash) return { hash: entry.hash, complete: true };
  try {
    const blob = await readObject(root, entry.file);
    if (!blob) return { complete: false };
    const plain = decryptFile(key, entry.file, blob);
    return { hash: contentHash(plain), complete: checkCompleteness(plain, readPart10Header(plain).dataset).complete };
  } catch {
    return { complete: false };
  }
}

/**
 * What to do with a complete copy (content hash `hash`, transfer syntax `transferSyntax`) of an instance
 * already stored as `entry`. A complete copy in another transfer syntax is the same instance in another
 * encoding (a lossless transcoding keeps the SOP Instance UID, PS3.5 8.2): counted as a duplicate, or every
 * retrieve of a study imported in another syntax would pile up conflicts.
 */
export async function decideDuplicate(root: string, key: Buffer, entry: InstanceEntry, hash: string, transferSyntax: string): Promise<DuplicateDecision> {
  const stored = await storedCopy(root, key, entry);
  if (stored.hash === hash) return 'duplicate';
  if (!stored.complete) return 'replace';
  const storedSyntax = entry.metadata[TRANSFER_SYNTAX_UID]?.Value?.[0];
  return typeof storedSyntax === 'string' && storedSyntax !== transferSyntax ? 'duplicate' : 'conflict';
}

const TRANSFER_SYNTAX_UID = '00020010';

/**
 * Keeps a conflicting copy aside, encrypted (its id is bound into the file's authentication); returns its
 * path in the archive folder. The id derives from the key and the content hash, so the same copy arriving
 * again (a retrieve repeated) is kept once, and the name tells nothing to whoever lacks the key.
 */
export async function keepAside(root: string, key: Buffer, bytes: Uint8Array, hash: string): Promise<string> {
  const id = createHmac('sha256', key).update(`conflict:${hash}`).digest('hex').slice(0, 32);
  const rel = path.join(CONFLICTS_DIR, `${id}.dka`);
  const file = path.join(root, rel);
  if (await fs.stat(file).then(() => true, () => false)) return rel;
  await fs.mkdir(path.join(root, CONFLICTS_DIR), { recursive: true, mode: 0o700 });
  await writeSyncedFile(file, encryptFile(key, id, bytes));
  return rel;
}

/** The copies kept aside: file (relative to the archive folder) and the file id that authenticates it. */
export async function keptAside(root: string): Promise<{ file: string; id: string }[]> {
  let names: string[];
  try {
    names = await fs.readdir(path.join(root, CONFLICTS_DIR));
  } catch {
    return [];
  }
  return names
    .sort()
    .flatMap((name) => {
      const m = /^([0-9a-f]{32})\.dka$/.exec(name);
      return m ? [{ file: path.join(CONFLICTS_DIR, name), id: m[1]! }] : [];
    });
}
