/**
 * The SUV corrections on disk (issue #15): one file, `<dataDir>/suv/corrections.enc`, holding every series'
 * corrections and the history of every accepted correction, as JSON encrypted with AES-256-GCM (the archive's
 * file format from ../archive/crypto, a fresh nonce per write). Nothing about a patient — no UID, no value, no
 * reason, not even in a file name — is on disk in clear.
 *
 * The key: a random 32-byte key of its own in `<dataDir>/suv/key.json`, stored only wrapped by the same
 * KeyProvider as the archive's data key (../archive/keyCustody). Its own key, like the audit log's, rather than
 * one derived from the archive's: the corrections must stay readable when the archive is moved or re-created,
 * and they can be opened before or without the archive.
 *
 * Why one file and not a journal: corrections are few (a handful per PET series) and every save rewrites a few
 * kilobytes, so the simplest crash-safe write is enough: temp file (0600) → fsync → rename over the old file →
 * fsync of the folder. A crash leaves the old file or the new one, never a mix.
 *
 * GCM authenticates the whole file: a byte edited by hand, a truncated file or one encrypted with another key
 * fails authentication and is refused with SuvCorrectionsStoreError; it is never read as "no corrections".
 * (A whole older copy of the file put back in place would authenticate: GCM cannot see a rollback.)
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SuvInputName } from '../../../common/suv';
import { ArchiveCorruptError, decryptFile, encryptFile } from '../archive/crypto';
import { loadDataKey } from '../archive/keyCustody';
import { ArchiveKeyError, type KeyProvider } from '../archive/keyProvider';
import { replaceFileDurably } from '../store/durableFile';

export const CORRECTIONS_FILE = 'corrections.enc';
/** Bound into the GCM AAD: a file of another kind with the same key cannot be passed off as this one. */
const AAD_ID = 'suvcorrections1';

export const SUV_CORRECTION_FIELDS = ['weight', 'height', 'sex', 'dose', 'injectionDateTime', 'halfLife', 'referenceDateTime'] as const satisfies readonly SuvInputName[];
export type SuvCorrectionField = (typeof SUV_CORRECTION_FIELDS)[number];

/** One correction as saved, shown and audited. */
export interface SuvCorrectionRecord {
  field: SuvCorrectionField;
  /** The value that applied before (a header value or an earlier correction); null when there was none. */
  oldValue: number | string | null;
  newValue: number | string;
  user: string;
  /** ISO 8601. */
  time: string;
  reason: string;
}

/** One accepted correction of any series, in the order accepted (what `audit.jsonl` held in clear before). */
export interface SuvCorrectionHistoryEntry extends SuvCorrectionRecord {
  kind: 'suv-correction';
  studyInstanceUid: string;
  seriesInstanceUid: string;
  rwvmSopInstanceUid?: string;
  /** Imported from the plaintext audit.jsonl of an earlier version. */
  imported?: true;
}

export interface StoredSeries {
  studyInstanceUid: string;
  /** The RWVM series every save of this PET series writes to. */
  rwvmSeriesInstanceUid?: string;
  /** Oldest first; the latest correction of each field applies. */
  corrections: SuvCorrectionRecord[];
  /**
   * Set when the plaintext file this series was imported from did not match its plaintext audit lines (edited by
   * hand?): kept as it applied then, and flagged so that a reader of the store can tell.
   */
  importMismatch?: true;
}

export interface CorrectionsBody {
  v: 1;
  /** By Series Instance UID. */
  series: Record<string, StoredSeries>;
  history: SuvCorrectionHistoryEntry[];
  /** Lines of a plaintext audit.jsonl that could not be read as corrections, kept verbatim rather than lost. */
  unreadableImports?: string[];
}

export const emptyBody = (): CorrectionsBody => ({ v: 1, series: {}, history: [] });

/** The corrections file cannot be used (altered, damaged, wrong key, key lost): nothing in it is applied. */
export class SuvCorrectionsStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuvCorrectionsStoreError';
  }
}

/** `<suvDir>/key.json`, created with the first corrections file; refused when the file exists but its key is gone. */
export async function loadCorrectionsKey(suvDir: string, provider: KeyProvider): Promise<Buffer> {
  await fs.mkdir(path.join(suvDir, 'tmp'), { recursive: true, mode: 0o700 });
  const hasKey = await fs.stat(path.join(suvDir, 'key.json')).then(() => true, () => false);
  const hasFile = await fs.stat(path.join(suvDir, CORRECTIONS_FILE)).then(() => true, () => false);
  // A fresh key over an existing file would make it unreadable and look like "no corrections": refuse.
  if (!hasKey && hasFile) throw new SuvCorrectionsStoreError(`The SUV corrections in ${suvDir} have no key.json: their key is lost, so the corrections cannot be read`);
  try {
    return await loadDataKey(suvDir, provider);
  } catch (err) {
    if (err instanceof ArchiveKeyError) throw new SuvCorrectionsStoreError(`The key of the SUV corrections (${path.join(suvDir, 'key.json')}) cannot be used: ${err.message}`);
    throw err;
  }
}

function isBody(x: unknown): x is CorrectionsBody {
  const b = x as Partial<CorrectionsBody> | null;
  return !!b && b.v === 1 && typeof b.series === 'object' && b.series !== null && !Array.isArray(b.series) && Array.isArray(b.history) && Object.values(b.series).every((s) => !!s && Array.isArray(s.corrections));
}

export class EncryptedCorrectionsFile {
  constructor(
    readonly file: string,
    private readonly key: Buffer,
  ) {}

  /** The stored body; an empty one when there is no file. Throws SuvCorrectionsStoreError when it does not authenticate. */
  async read(): Promise<CorrectionsBody> {
    let blob: Buffer;
    try {
      blob = await fs.readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyBody();
      throw err;
    }
    let plain: Buffer;
    try {
      plain = decryptFile(this.key, AAD_ID, blob);
    } catch (err) {
      if (!(err instanceof ArchiveCorruptError)) throw err;
      throw new SuvCorrectionsStoreError(
        `The SUV corrections file ${this.file} fails authentication (${err.message}): it has been altered or damaged since Dokuei wrote it. ` +
          'It is not used: no correction applies and none can be saved until it is restored from a backup or moved away.',
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(plain.toString('utf8'));
    } catch {
      body = undefined;
    }
    if (!isBody(body)) throw new SuvCorrectionsStoreError(`The SUV corrections file ${this.file} is in a format this version does not know`);
    return body;
  }

  /** Replaces the file atomically (temp → fsync → rename → fsync of the folder). */
  async write(body: CorrectionsBody): Promise<void> {
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const blob = encryptFile(this.key, AAD_ID, Buffer.from(JSON.stringify(body), 'utf8'));
    await replaceFileDurably(this.file, blob);
  }

  /** Removes temp files a crash left between write and rename (encrypted, but never the state): their count. */
  async removeTempFiles(): Promise<number> {
    const dir = path.dirname(this.file);
    const prefix = `${path.basename(this.file)}.`;
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      await fs.rm(path.join(dir, name), { force: true });
      removed++;
    }
    return removed;
  }
}
