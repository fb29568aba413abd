/**
 * Key custody of a data folder: what protects the keys of everything encrypted in it, and how a start gets
 * the key. No key is ever stored beside what it protects.
 *
 * One random 32-byte *folder key* wraps the data key of each store (archive, audit log, SUV corrections,
 * secrets: their key.json / secrets.key.json). `<dataDir>/custody.json` records what protects the folder key,
 * never the key itself:
 *   - passphrase:  the folder key wrapped under scrypt(passphrase) — the scrypt parameters and salt stored;
 *                  the GCM tag tells a wrong passphrase from a damaged file;
 *   - key:         a 32-byte key from a key file the user names (outside the folder) or DOKUEI_ARCHIVE_KEY;
 *                  that key *is* the folder key, and a check value tells a wrong key;
 *   - safeStorage: (Electron) the folder key encrypted by the OS keyring; never its `basic_text` fallback.
 *
 * A folder without custody.json is new (a first start chooses), or was made by an earlier version: with
 * `archive.key` beside it (legacy: it still opens, with a warning on every start, until `dokuei archive
 * rekey` moves it under a real protection and deletes that file), or with DOKUEI_ARCHIVE_KEY (adopted as
 * "key" when that key opens it).
 *
 * A rekey never re-encrypts images: it makes a new folder key, re-wraps every store's data key under it and
 * replaces custody.json. Crash-safe: custody.json is first written with the former folder key wrapped under
 * the new one (`previous`), so a folder caught half-way still opens with the new protection; a second rekey
 * finishes it, and the final custody.json no longer holds the former key.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import {
  ArchiveKeyError,
  DataFolderLockedError,
  EnvKeyProvider,
  KeyFileProvider,
  PassphraseKeyProvider,
  RawKeyProvider,
  SafeStorageKeyProvider,
  gcmTryUnwrap,
  gcmWrap,
  newScryptParams,
  parseKey,
  type ScryptParams,
} from '../archive/keyProvider';
import { rewrapKeyFile } from '../archive/keyCustody';
import { replaceFileDurably } from '../store/durableFile';
import { LEGACY_SECRET_KEY_FILE, SECRETS_KEY_FILE } from '../secrets/secretStore';

export const CUSTODY_FILE = 'custody.json';
/** An earlier version's master key, created beside the data (the defect custody fixes). */
export const LEGACY_ARCHIVE_KEY_FILE = 'archive.key';

const FOLDER_AAD = Buffer.from('dokuei-folder-key-v1');
const CHECK_AAD = Buffer.from('dokuei-custody-check-v1');
const PREVIOUS_AAD = Buffer.from('dokuei-previous-folder-key-v1');
const CHECK_TEXT = Buffer.from('dokuei data folder');

export type CustodyKind = 'passphrase' | 'key' | 'safeStorage';

export interface CustodyRecord {
  v: 1;
  kind: CustodyKind;
  /** passphrase: how the wrapping key is derived. */
  kdf?: ScryptParams;
  /** safeStorage: the keyring backend that wrapped it (Linux), for messages. */
  backend?: string;
  /** passphrase, safeStorage: the folder key, wrapped (base64). */
  wrapped?: string;
  /** key: a known text encrypted under the key, so a wrong key is told apart (base64). */
  check?: string;
  /** During a rekey only: former folder keys, wrapped under the current one (base64). */
  previous?: string[];
  /** safeStorage: an earlier app version's data keys (wrapped by the keyring directly) are being re-wrapped. */
  adopting?: boolean;
  changedAt: string;
}

/** Where a start may find the key. Every field is optional; what the folder needs is asked for lazily. */
export interface KeySources {
  /** --key-file FILE: a 32-byte base64 key file, outside the data folder (created at a first start). */
  keyFile?: string;
  /** DOKUEI_ARCHIVE_KEY (base64, 32 bytes). */
  envKey?: string;
  /** DOKUEI_PASSPHRASE (scripts), or a passphrase already entered. */
  passphrase?: string;
  /** Electron's keyring. */
  safeStorage?: SafeStorageKeyProvider;
  /** Asks for the passphrase of a protected folder (a terminal prompt); absent where nobody can answer. */
  askPassphrase?: () => Promise<string>;
  /** Asks for a new passphrase at a first start (twice, compared); absent where nobody can answer. */
  askNewPassphrase?: () => Promise<string>;
  /** scrypt cost for a new passphrase (tests use a cheaper one); default DEFAULT_SCRYPT. */
  scryptCost?: { N: number; r: number; p: number };
}

/** The sources from the environment: DOKUEI_ARCHIVE_KEY, DOKUEI_PASSPHRASE (empty values count as unset). */
export function keySourcesFromEnv(env: NodeJS.ProcessEnv = process.env): KeySources {
  return { ...(env.DOKUEI_ARCHIVE_KEY ? { envKey: env.DOKUEI_ARCHIVE_KEY } : {}), ...(env.DOKUEI_PASSPHRASE ? { passphrase: env.DOKUEI_PASSPHRASE } : {}) };
}

export interface UnlockedFolder {
  dataDir: string;
  /** What protects it now ('legacy': the archive.key beside the data). */
  kind: CustodyKind | 'legacy';
  /** Wraps and unwraps the data keys of the folder's stores. */
  provider: RawKeyProvider;
  /** The folder key (for a rekey). */
  folderKey: Buffer;
  /** Former folder keys still needed (an unfinished rekey). */
  previousKeys: Buffer[];
  /** Shown on every start: a legacy key beside the data, an unfinished rekey. */
  warnings: string[];
  /** This start chose the protection (a first start). */
  created: boolean;
}

export type FolderState = 'new' | CustodyKind | 'legacy' | 'unknown-key';

/** The files that hold a store's data key wrapped by the folder key (those that exist are re-wrapped by a rekey). */
export function wrappedKeyFiles(dataDir: string, archiveDirs: readonly string[] = []): string[] {
  const files = [path.join(dataDir, 'archive', 'key.json'), ...archiveDirs.map((d) => path.join(d, 'key.json')), path.join(dataDir, 'audit', 'key.json'), path.join(dataDir, 'suv', 'key.json'), path.join(dataDir, SECRETS_KEY_FILE)];
  return [...new Set(files.map((f) => path.resolve(f)))];
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

export async function readCustody(dataDir: string): Promise<CustodyRecord | undefined> {
  const file = path.join(dataDir, CUSTODY_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let rec: CustodyRecord;
  try {
    rec = JSON.parse(text) as CustodyRecord;
  } catch {
    throw new ArchiveKeyError(`The key custody file ${file} is damaged (not JSON): the data folder cannot be opened`);
  }
  if (rec.v !== 1 || !['passphrase', 'key', 'safeStorage'].includes(rec.kind)) throw new ArchiveKeyError(`The key custody file ${file} is of an unknown kind`);
  return rec;
}

/** What protects the folder, without opening it. */
export async function folderState(dataDir: string, archiveDirs: readonly string[] = []): Promise<FolderState> {
  const rec = await readCustody(dataDir);
  if (rec) return rec.kind;
  if (await exists(path.join(dataDir, LEGACY_ARCHIVE_KEY_FILE))) return 'legacy';
  for (const f of wrappedKeyFiles(dataDir, archiveDirs)) if (await exists(f)) return 'unknown-key';
  return 'new';
}

const RESET_HINT = "If it is lost, the archive is lost with it — it is a cache of the PACS: 'dokuei archive reset --yes' empties it and the next start chooses a new protection.";

/** The "locked" message for a folder that this start cannot open. */
export function lockedMessage(dataDir: string, state: FolderState): string {
  switch (state) {
    case 'passphrase':
      return `The data folder ${dataDir} is locked: it is protected by a passphrase. Enter it when asked (start in a terminal), or set DOKUEI_PASSPHRASE. ${RESET_HINT}`;
    case 'key':
    case 'unknown-key':
      return `The data folder ${dataDir} is locked: it is protected by a key that this start was not given. Start with --key-file FILE (the key file chosen for it), or set DOKUEI_ARCHIVE_KEY. ${RESET_HINT}`;
    case 'safeStorage':
      return `The data folder ${dataDir} is locked: it is protected by the system keyring of the computer and user account that created it (the Dokuei app), which is not available here. ${RESET_HINT}`;
    case 'new':
      return `The data folder ${dataDir} is new: its first start must choose how its keys are protected. Start in a terminal to choose a passphrase, or set DOKUEI_PASSPHRASE, or give --key-file FILE (a key file outside the data folder; created if missing), or set DOKUEI_ARCHIVE_KEY.`;
    default:
      return `The data folder ${dataDir} is locked.`;
  }
}

function legacyWarning(dataDir: string): string {
  return `The keys of ${dataDir} are protected by ${path.join(dataDir, LEGACY_ARCHIVE_KEY_FILE)}, a key file beside the data it protects: anyone who copies the folder can read it. Run 'dokuei archive rekey' to protect it with a passphrase or a key file kept elsewhere.`;
}

async function writeCustody(dataDir: string, rec: CustodyRecord): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true });
  await replaceFileDurably(path.join(dataDir, CUSTODY_FILE), `${JSON.stringify(rec, null, 2)}\n`);
}

/** A record that checks `key` (kind "key"). */
function keyRecord(key: Buffer): CustodyRecord {
  return { v: 1, kind: 'key', check: gcmWrap(key, CHECK_TEXT, CHECK_AAD).toString('base64'), changedAt: new Date().toISOString() };
}

/** The raw key a source gives (key file or DOKUEI_ARCHIVE_KEY), or undefined. */
function rawKeyOf(sources: KeySources, protects: readonly string[], create: boolean): { key: Buffer; from: string } | undefined {
  if (sources.keyFile) {
    const p = KeyFileProvider.open(sources.keyFile, { protects, create });
    return { key: p.rawKey, from: `the key file ${p.file}` };
  }
  if (sources.envKey) return { key: new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: sources.envKey }).rawKey, from: 'DOKUEI_ARCHIVE_KEY' };
  return undefined;
}

function unwrapPrevious(folderKey: Buffer, rec: CustodyRecord, file: string): Buffer[] {
  return (rec.previous ?? []).map((w) => {
    const k = gcmTryUnwrap(folderKey, Buffer.from(w, 'base64'), PREVIOUS_AAD);
    if (!k || k.length !== 32) throw new ArchiveKeyError(`The key custody file ${file} is damaged (previous key)`);
    return k;
  });
}

function unlocked(dataDir: string, kind: UnlockedFolder['kind'], folderKey: Buffer, previousKeys: Buffer[], warnings: string[], created: boolean): UnlockedFolder {
  if (previousKeys.length) warnings.push(`A key change of ${dataDir} was interrupted: run 'dokuei archive rekey' again to finish it.`);
  return { dataDir, kind, provider: new RawKeyProvider(folderKey, 'folder', 'the data folder key', previousKeys), folderKey, previousKeys, warnings, created };
}

/** True when `key` unwraps the first existing wrapped key file (or there is none). */
async function opensExistingKeys(key: Buffer, files: readonly string[]): Promise<boolean> {
  for (const f of files) {
    let stored: { wrapped?: string };
    try {
      stored = JSON.parse(await fs.readFile(f, 'utf8')) as { wrapped?: string };
    } catch {
      continue;
    }
    if (typeof stored.wrapped === 'string') return gcmTryUnwrap(key, Buffer.from(stored.wrapped, 'base64')) !== undefined;
  }
  return true;
}

/**
 * Opens the custody of `dataDir` with what `sources` offer: the provider that wraps the data keys, or a
 * DataFolderLockedError whose message says what protects the folder and how to give it (a wrong passphrase
 * or key says so). At a first start (no custody yet, nothing encrypted) the first source given chooses the
 * protection: a key file or DOKUEI_ARCHIVE_KEY, the keyring, else a passphrase (DOKUEI_PASSPHRASE, or asked
 * twice).
 */
export async function unlockDataFolder(dataDir: string, sources: KeySources, options: { archiveDirs?: readonly string[] } = {}): Promise<UnlockedFolder> {
  const archiveDirs = options.archiveDirs ?? [];
  const protects = [dataDir, ...archiveDirs];
  const file = path.join(dataDir, CUSTODY_FILE);
  const rec = await readCustody(dataDir);
  const warnings: string[] = [];
  if (rec && existsSync(path.join(dataDir, LEGACY_ARCHIVE_KEY_FILE))) warnings.push(legacyWarning(dataDir));
  if (rec?.kind === 'passphrase') {
    const passphrase = sources.passphrase ?? (await sources.askPassphrase?.());
    if (passphrase === undefined) throw new DataFolderLockedError(lockedMessage(dataDir, 'passphrase'));
    if (!rec.kdf || !rec.wrapped) throw new ArchiveKeyError(`The key custody file ${file} is damaged`);
    const derived = await PassphraseKeyProvider.derive(passphrase, rec.kdf);
    const folderKey = gcmTryUnwrap(derived.rawKey, Buffer.from(rec.wrapped, 'base64'), FOLDER_AAD);
    if (!folderKey || folderKey.length !== 32) throw new DataFolderLockedError(`Wrong passphrase for the data folder ${dataDir}.`);
    return unlocked(dataDir, 'passphrase', folderKey, unwrapPrevious(folderKey, rec, file), warnings, false);
  }
  if (rec?.kind === 'key') {
    const raw = rawKeyOf(sources, protects, false);
    if (!raw) throw new DataFolderLockedError(lockedMessage(dataDir, 'key'));
    if (!rec.check || !gcmTryUnwrap(raw.key, Buffer.from(rec.check, 'base64'), CHECK_AAD)) {
      throw new DataFolderLockedError(`Wrong key for the data folder ${dataDir}: ${raw.from} is not the key that protects it.`);
    }
    return unlocked(dataDir, 'key', raw.key, unwrapPrevious(raw.key, rec, file), warnings, false);
  }
  if (rec?.kind === 'safeStorage') {
    if (!sources.safeStorage) throw new DataFolderLockedError(lockedMessage(dataDir, 'safeStorage'));
    if (!rec.wrapped) throw new ArchiveKeyError(`The key custody file ${file} is damaged`);
    const folderKey = await sources.safeStorage.unwrap(Buffer.from(rec.wrapped, 'base64'));
    if (rec.adopting) await finishAdoption(dataDir, rec, folderKey, sources.safeStorage, archiveDirs);
    return unlocked(dataDir, 'safeStorage', folderKey, unwrapPrevious(folderKey, rec, file), warnings, false);
  }
  // No custody yet.
  const legacyFile = path.join(dataDir, LEGACY_ARCHIVE_KEY_FILE);
  const existing: string[] = [];
  for (const f of wrappedKeyFiles(dataDir, archiveDirs)) if (await exists(f)) existing.push(f);
  const raw = rawKeyOf(sources, protects, existing.length === 0 && !existsSync(legacyFile));
  if (existsSync(legacyFile) && !(raw && existing.length && (await opensExistingKeys(raw.key, existing)))) {
    // An earlier version's folder: it still opens, so nobody is locked out, but it says so on every start.
    const key = parseKey(await fs.readFile(legacyFile, 'utf8'), `The key file ${legacyFile}`);
    return unlocked(dataDir, 'legacy', key, [], [legacyWarning(dataDir)], false);
  }
  if (existing.length && !raw && sources.safeStorage) {
    // An earlier app version wrapped each data key with the keyring directly: a folder key is put in between.
    const backend = await sources.safeStorage.check();
    const folderKey = randomBytes(32);
    const rec: CustodyRecord = { v: 1, kind: 'safeStorage', backend, wrapped: (await sources.safeStorage.wrap(folderKey)).toString('base64'), adopting: true, changedAt: new Date().toISOString() };
    await writeCustody(dataDir, rec);
    await finishAdoption(dataDir, rec, folderKey, sources.safeStorage, archiveDirs);
    return unlocked(dataDir, 'safeStorage', folderKey, [], warnings, false);
  }
  if (existing.length) {
    // Made by an earlier version with DOKUEI_ARCHIVE_KEY (or a key file): adopted when the key opens it.
    if (!raw) throw new DataFolderLockedError(lockedMessage(dataDir, 'unknown-key'));
    if (!(await opensExistingKeys(raw.key, existing))) throw new DataFolderLockedError(`Wrong key for the data folder ${dataDir}: ${raw.from} is not the key that protects it.`);
    await writeCustody(dataDir, keyRecord(raw.key));
    return unlocked(dataDir, 'key', raw.key, [], warnings, false);
  }
  // A first start.
  const target = await newProtection(dataDir, sources, protects);
  if (!target) throw new DataFolderLockedError(lockedMessage(dataDir, 'new'));
  await writeCustody(dataDir, target.record);
  return unlocked(dataDir, target.record.kind, target.folderKey, [], warnings, true);
}

/** Re-wraps the data keys an earlier app version wrapped with the keyring under the folder key (idempotent). */
async function finishAdoption(dataDir: string, rec: CustodyRecord, folderKey: Buffer, keyring: SafeStorageKeyProvider, archiveDirs: readonly string[]): Promise<void> {
  const to = new RawKeyProvider(folderKey, 'folder', 'the data folder key');
  for (const f of wrappedKeyFiles(dataDir, archiveDirs)) await rewrapKeyFile(f, keyring, to);
  const { adopting: _done, ...rest } = rec;
  await writeCustody(dataDir, rest);
}

/** A new protection from `sources`: the folder key and the record that protects it. */
async function newProtection(dataDir: string, sources: KeySources, protects: readonly string[]): Promise<{ folderKey: Buffer; record: CustodyRecord } | undefined> {
  const raw = rawKeyOf(sources, protects, true);
  if (raw) return { folderKey: raw.key, record: keyRecord(raw.key) };
  const changedAt = new Date().toISOString();
  if (sources.safeStorage) {
    const backend = await sources.safeStorage.check();
    const folderKey = randomBytes(32);
    return { folderKey, record: { v: 1, kind: 'safeStorage', backend, wrapped: (await sources.safeStorage.wrap(folderKey)).toString('base64'), changedAt } };
  }
  const passphrase = sources.passphrase ?? (await sources.askNewPassphrase?.());
  if (passphrase === undefined) return undefined;
  if (passphrase.length === 0) throw new ArchiveKeyError(`The passphrase for ${dataDir} cannot be empty`);
  const kdf = newScryptParams(sources.scryptCost);
  const derived = await PassphraseKeyProvider.derive(passphrase, kdf);
  const folderKey = randomBytes(32);
  return { folderKey, record: { v: 1, kind: 'passphrase', kdf, wrapped: gcmWrap(derived.rawKey, folderKey, FOLDER_AAD).toString('base64'), changedAt } };
}

export interface RekeyResult {
  dataDir: string;
  from: UnlockedFolder['kind'];
  to: CustodyKind;
  /** The key.json files whose data key was re-wrapped (the images they protect were not touched). */
  rewrapped: string[];
  /** Key files beside the data that were deleted (legacy archive.key / secret.key). */
  removed: string[];
}

/**
 * Moves the folder under the protection `target` offers (a new passphrase, a key file, DOKUEI_ARCHIVE_KEY or
 * the keyring): a new folder key, every existing data key in `keyFiles` re-wrapped under it, custody.json
 * replaced, legacy key files deleted. The images are not re-encrypted. Open the secrets first (their legacy
 * key is migrated at open) so that secrets.key.json exists.
 */
export async function rekeyDataFolder(folder: UnlockedFolder, target: KeySources, keyFiles: readonly string[], options: { archiveDirs?: readonly string[] } = {}): Promise<{ result: RekeyResult; provider: RawKeyProvider }> {
  const { dataDir } = folder;
  const next = await newProtection(dataDir, target, [dataDir, ...(options.archiveDirs ?? [])]);
  if (!next) throw new DataFolderLockedError('A rekey needs the new protection: a new passphrase (asked in a terminal, or --new-passphrase-stdin), or --new-key-file FILE.');
  if (next.record.kind === 'key' && timingSafeEqual(next.folderKey, folder.folderKey) && folder.kind === 'key' && !folder.previousKeys.length) {
    throw new ArchiveKeyError('The new key is the key that protects the folder now: nothing to change.');
  }
  const formerKeys = [folder.folderKey, ...folder.previousKeys].filter((k) => !timingSafeEqual(k, next.folderKey));
  // 1. The new protection, still able to reach the former keys: a crash from here on leaves a folder that opens.
  await writeCustody(dataDir, { ...next.record, previous: formerKeys.map((k) => gcmWrap(next.folderKey, k, PREVIOUS_AAD).toString('base64')) });
  // 2. Every data key re-wrapped (the files they protect untouched).
  const from = new RawKeyProvider(next.folderKey, 'folder', 'the data folder key', formerKeys);
  const to = new RawKeyProvider(next.folderKey, 'folder', 'the data folder key');
  const rewrapped: string[] = [];
  for (const f of keyFiles) if (await rewrapKeyFile(f, from, to)) rewrapped.push(f);
  // 3. The former keys forgotten, and the key files beside the data deleted.
  await writeCustody(dataDir, next.record);
  const removed: string[] = [];
  for (const name of [LEGACY_ARCHIVE_KEY_FILE, LEGACY_SECRET_KEY_FILE]) {
    const f = path.join(dataDir, name);
    if (await exists(f)) {
      await fs.rm(f, { force: true });
      removed.push(f);
    }
  }
  return { result: { dataDir, from: folder.kind, to: next.record.kind, rewrapped, removed }, provider: to };
}

export interface ResetPlan {
  /** What is deleted. */
  remove: string[];
  /** What is moved aside (kept encrypted, in case the key turns up). */
  moveAside: Array<{ from: string; to: string }>;
  /** What stays. */
  kept: string[];
}

/** The archive's own entries (a user-chosen archive folder may hold other things: only these go). */
const ARCHIVE_ENTRIES = ['key.json', 'objects', 'index.journal', 'state.enc', 'tmp', 'quarantine', 'conflicts', 'lock'];

/**
 * What `dokuei archive reset` deletes. With the folder unlocked only the archive (a cache of the PACS) and the
 * prefetch queue go. Locked (the key is lost), everything the lost key protected goes too: custody, SUV
 * corrections, secrets; the audit log is moved aside, still encrypted. Settings stay.
 */
export async function planReset(dataDir: string, archiveDirs: readonly string[], keyLost: boolean, now = new Date()): Promise<ResetPlan> {
  const candidates = [...new Set(archiveDirs.map((d) => path.resolve(d)))].flatMap((d) => ARCHIVE_ENTRIES.map((e) => path.join(d, e)));
  candidates.push(path.join(dataDir, 'prefetch-queue.enc'));
  const moveAside: ResetPlan['moveAside'] = [];
  if (keyLost) {
    candidates.push(
      ...[CUSTODY_FILE, LEGACY_ARCHIVE_KEY_FILE, LEGACY_SECRET_KEY_FILE, 'suv', 'secrets.enc', SECRETS_KEY_FILE].map((n) => path.join(dataDir, n)),
    );
    const audit = path.join(dataDir, 'audit');
    if (await exists(audit)) moveAside.push({ from: audit, to: path.join(dataDir, `audit.locked-${now.toISOString().replace(/[:.]/g, '-')}`) });
  }
  const remove: string[] = [];
  for (const c of candidates) if (await exists(c)) remove.push(c);
  const kept = [path.join(dataDir, 'settings.json')];
  if (!keyLost) kept.push(path.join(dataDir, CUSTODY_FILE), path.join(dataDir, 'audit'), path.join(dataDir, 'suv'), path.join(dataDir, 'secrets.enc'));
  return { remove, moveAside, kept: (await Promise.all(kept.map(async (k) => ((await exists(k)) ? k : undefined)))).filter((k): k is string => !!k) };
}

export async function applyReset(plan: ResetPlan): Promise<void> {
  for (const m of plan.moveAside) await fs.rename(m.from, m.to);
  for (const r of plan.remove) await fs.rm(r, { recursive: true, force: true });
}
