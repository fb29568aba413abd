/**
 * The prefetch queue on disk: one file, `prefetch-queue.enc`, holding the jobs not yet done as JSON
 * encrypted with AES-256-GCM (the archive's file format from ../archive/crypto, fresh nonce per write), so
 * no Study Instance UID or Patient ID is ever on disk in plaintext.
 *
 * The key: the archive's own data key is private to EncryptedArchive, so this module reads the archive's
 * `key.json` itself and unwraps it with the same KeyProvider (read-only; the archive creates that file when
 * it opens, so open the archive first), then derives a separate queue key with HKDF-SHA256
 * (info "dokuei prefetch queue v1"): the queue never uses the archive's key directly.
 *
 * Writes are atomic: temp file (0600) → fsync → rename over the old file → fsync of the folder.
 */
import { hkdfSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { decryptFile, encryptFile } from '../archive/crypto';
import { ArchiveKeyError, type KeyProvider } from '../archive/keyProvider';
import { replaceFileDurably } from '../store/durableFile';

const AAD_ID = 'prefetchqueue1';

export interface PersistedEntry {
  id: string;
  studyInstanceUid: string;
  patientId?: string;
  rule: 'query' | 'priors' | 'pinned';
  addedAt: number;
}

interface QueueFileBody {
  v: 1;
  entries: PersistedEntry[];
}

/** The queue key, derived from the archive's data key (unwrapped from `<archiveDir>/key.json` by provider). */
export async function prefetchQueueKey(archiveDir: string, provider: KeyProvider): Promise<Buffer> {
  const file = path.join(archiveDir, 'key.json');
  let stored: { wrapped?: string };
  try {
    stored = JSON.parse(await fs.readFile(file, 'utf8')) as { wrapped?: string };
  } catch (err) {
    throw new ArchiveKeyError(`The archive key file ${file} cannot be read (open the archive first): ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof stored.wrapped !== 'string') throw new ArchiveKeyError(`The archive key file ${file} is damaged`);
  const dataKey = await provider.unwrap(Buffer.from(stored.wrapped, 'base64'));
  if (dataKey.length !== 32) throw new ArchiveKeyError('The archive data key is damaged');
  return queueKeyFromDataKey(dataKey);
}

export function queueKeyFromDataKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), Buffer.from('dokuei prefetch queue v1'), 32));
}

export class PrefetchQueueFile {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly key: Buffer,
  ) {}

  /** The persisted entries; [] when there is no file. Throws when the file cannot be decrypted. */
  async load(): Promise<PersistedEntry[]> {
    let blob: Buffer;
    try {
      blob = await fs.readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const body = JSON.parse(decryptFile(this.key, AAD_ID, blob).toString('utf8')) as QueueFileBody;
    if (body.v !== 1 || !Array.isArray(body.entries)) throw new Error('unknown prefetch queue format');
    return body.entries.filter((e) => typeof e.id === 'string' && typeof e.studyInstanceUid === 'string');
  }

  /** Moves an unreadable queue file aside (kept, still encrypted) and returns where it went. */
  async setAside(): Promise<string> {
    const target = `${this.file}.unreadable-${Date.now()}`;
    await fs.rename(this.file, target);
    return target;
  }

  /** Replaces the file atomically; writes are serialized in call order. */
  save(entries: readonly PersistedEntry[]): Promise<void> {
    const snapshot = entries.map((e) => ({ ...e }));
    const p = this.chain.then(() => this.write(snapshot));
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async write(entries: PersistedEntry[]): Promise<void> {
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const body: QueueFileBody = { v: 1, entries };
    const blob = encryptFile(this.key, AAD_ID, Buffer.from(JSON.stringify(body), 'utf8'));
    await replaceFileDurably(this.file, blob);
  }
}
