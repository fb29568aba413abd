/**
 * SUV corrections at rest (issue #15): encrypted in `<dataDir>/suv/corrections.enc`, the latest correction of a
 * field applies after a reopen, a crash between write and rename leaves the old or the new state, a file edited
 * by hand is refused with a message that says so (never read as "no corrections"), the plaintext files of an
 * earlier version are imported once and removed, and after all that no patient ID, name, UID or reason is in
 * clear anywhere under the data folder.
 * Data: the small PET/CT phantom (PET weight 66.2 kg) in an encrypted archive inside the data folder (test key).
 */
import { existsSync, promises as fsp, readFileSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SeriesInstanceUid, StudyInstanceUid } from '../../../../../common/dicom/uid';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { listFilesRecursively } from '../../../../../electron/services/store/listFiles';
import { SuvCorrections, SuvCorrectionsStoreError, type SuvCorrectionRecord } from '../../../../../electron/services/suv/corrections';
import { writePetCtPhantom, type PetCtPhantomTruth } from '../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive, testKeyProvider } from '../../../../support/testArchive';

const PATIENT_ID = 'DOKUEI-PETCT-PHANTOM';
const PATIENT_NAME = 'PHANTOM^NEMA IEC';

let dir: string;
let store: EncryptedArchive;
let truth: PetCtPhantomTruth;
let petFiles: string[];
let n = 0;

beforeAll(async () => {
  dir = await makeTempDir('suv-corrections-store');
  const phantom = writePetCtPhantom(path.join(dir, 'phantom'), {
    weightKg: 66.2,
    ct: { rows: 16, columns: 16, slices: 2 },
    pet: { rows: 16, columns: 16, slices: 3 },
  });
  truth = phantom.truth;
  petFiles = phantom.petFiles;
  store = await openTestArchive(path.join(dir, 'store'));
  expect((await importPaths(store, petFiles)).failed).toEqual([]);
});

afterAll(async () => {
  await store?.close();
  await removeDir(dir);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const study = () => truth.studyInstanceUid;
const series = () => truth.pet.seriesInstanceUid;
const freshDataDir = () => path.join(dir, `data-${++n}`);
const open = (dataDir: string, log?: (m: string) => void) => new SuvCorrections({ dataDir, store, keyProvider: testKeyProvider(), user: 'dr.a', ...(log ? { log } : {}) });
const save = (c: SuvCorrections, field: string, value: number | string, reason = 'Checked with the ward') => c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field, value, reason });

/** Writes the plaintext files exactly as the version before issue #15 did. */
function writeOldPlaintext(dataDir: string, seriesUid: string, corrections: SuvCorrectionRecord[], audit: SuvCorrectionRecord[] = corrections, extraAuditLines: string[] = []): { seriesFile: string; auditFile: string } {
  const suv = path.join(dataDir, 'suv');
  mkdirSync(path.join(suv, 'corrections'), { recursive: true });
  const seriesFile = path.join(suv, 'corrections', `${seriesUid}.json`);
  writeFileSync(seriesFile, `${JSON.stringify({ version: 1, studyInstanceUid: study(), seriesInstanceUid: seriesUid, rwvmSeriesInstanceUid: '2.25.111222333', corrections }, null, 2)}\n`);
  const auditFile = path.join(suv, 'audit.jsonl');
  const lines = audit.map((r, i) => JSON.stringify({ kind: 'suv-correction', studyInstanceUid: study(), seriesInstanceUid: seriesUid, ...r, rwvmSopInstanceUid: `2.25.99${i}` }));
  writeFileSync(auditFile, [...lines, ...extraAuditLines].map((l) => `${l}\n`).join(''));
  return { seriesFile, auditFile };
}

const weight = (value: number, time: string, oldValue: number | null = 66.2): SuvCorrectionRecord => ({ field: 'weight', oldValue, newValue: value, user: 'dr.old', time, reason: 'Weighed again' });

describe('encrypted SUV corrections', () => {
  it('applies the latest correction of each field after a reopen', async () => {
    const dataDir = freshDataDir();
    const c = open(dataDir);
    await save(c, 'weight', 70);
    await save(c, 'height', 172);
    await save(c, 'weight', 72.5, 'Typo in the first correction');
    const again = await SuvCorrections.open({ dataDir, store, keyProvider: testKeyProvider() });
    const state = await again.get(series());
    expect(state.corrections.map((r) => [r.field, r.oldValue, r.newValue])).toEqual([
      ['weight', 66.2, 70],
      ['height', truth.patient.heightM * 100, 172],
      ['weight', 70, 72.5],
    ]);
    expect(state.overrides).toEqual({ weightKg: 72.5, heightCm: 172 });
    expect((await again.history(series())).map((h) => h.newValue)).toEqual([70, 172, 72.5]);
  });

  it('leaves the old state when a crash comes before the rename, and the new one when it comes after', async () => {
    const dataDir = freshDataDir();
    const c = open(dataDir);
    await save(c, 'weight', 70);
    const realRename = fsp.rename.bind(fsp);
    const isCorrections = (to: unknown) => String(to).endsWith('corrections.enc');

    // Power lost at the rename: the save fails, the file on disk is the old one.
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      if (isCorrections(to)) throw Object.assign(new Error('power lost'), { code: 'EIO' });
      return realRename(from, to);
    });
    await expect(save(c, 'weight', 80)).rejects.toThrow(/power lost/);
    vi.restoreAllMocks();
    expect((await open(dataDir).get(series())).overrides).toEqual({ weightKg: 70 });

    // A process killed between its fsync and its rename leaves a complete temp file: never read, removed at open.
    writeFileSync(path.join(dataDir, 'suv', 'corrections.enc.0123456789ab.tmp'), readFileSync(path.join(dataDir, 'suv', 'corrections.enc')));
    const reopened = await SuvCorrections.open({ dataDir, store, keyProvider: testKeyProvider() });
    expect((await reopened.get(series())).overrides).toEqual({ weightKg: 70 });
    expect(existsSync(path.join(dataDir, 'suv', 'corrections.enc.0123456789ab.tmp'))).toBe(false);

    // Power lost just after the rename (before the folder's fsync): the new state is there.
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      await realRename(from, to);
      if (isCorrections(to)) throw Object.assign(new Error('power lost'), { code: 'EIO' });
    });
    await expect(save(reopened, 'weight', 81)).rejects.toThrow(/power lost/);
    vi.restoreAllMocks();
    const after = await open(dataDir).get(series());
    expect(after.overrides).toEqual({ weightKg: 81 });
    expect(after.corrections.map((r) => r.newValue)).toEqual([70, 81]);
  });

  it('refuses a file edited by hand with a clear message, and saves nothing over it', async () => {
    const dataDir = freshDataDir();
    const c = open(dataDir);
    await save(c, 'weight', 70);
    const file = path.join(dataDir, 'suv', 'corrections.enc');
    const backup = readFileSync(file);
    const altered = Buffer.from(backup);
    altered[Math.floor(altered.length / 2)]! ^= 0x01;
    writeFileSync(file, altered);

    const next = open(dataDir);
    await expect(next.get(series())).rejects.toThrow(SuvCorrectionsStoreError);
    await expect(next.get(series())).rejects.toThrow(/fails authentication.*altered or damaged.*not used/);
    await expect(save(next, 'weight', 90)).rejects.toThrow(/fails authentication/);
    await expect(SuvCorrections.open({ dataDir, store, keyProvider: testKeyProvider() })).rejects.toThrow(/fails authentication/);
    // The evidence stays as it was: not overwritten, not moved aside.
    expect(readFileSync(file).equals(altered)).toBe(true);

    // Replaced by plaintext JSON that claims another weight: refused just the same.
    writeFileSync(file, JSON.stringify({ v: 1, series: { [series()]: { studyInstanceUid: study(), corrections: [weight(95, '2026-01-01T00:00:00.000Z')] } }, history: [] }));
    await expect(open(dataDir).get(series())).rejects.toThrow(/fails authentication/);

    // Restored from a backup: the same instance works again, without a restart.
    writeFileSync(file, backup);
    expect((await next.get(series())).overrides).toEqual({ weightKg: 70 });
  });

  it('refuses to start afresh when the key of an existing file is gone', async () => {
    const dataDir = freshDataDir();
    await save(open(dataDir), 'weight', 70);
    await fsp.rm(path.join(dataDir, 'suv', 'key.json'));
    await expect(open(dataDir).get(series())).rejects.toThrow(/key is lost/);
    expect(existsSync(path.join(dataDir, 'suv', 'key.json'))).toBe(false);
  });
});

describe('migration from the plaintext files of earlier versions', () => {
  it('imports corrections and audit lines once, removes the plaintext and keeps the RWVM series', async () => {
    const dataDir = freshDataDir();
    const first = weight(70, '2026-02-01T09:00:00.000Z');
    const second = weight(71.5, '2026-02-01T09:05:00.000Z', 70);
    const { seriesFile, auditFile } = writeOldPlaintext(dataDir, series(), [first, second], [first, second], ['{"kind":"suv-correction","seriesInst']);
    const log = vi.fn<(m: string) => void>();

    const c = await SuvCorrections.open({ dataDir, store, keyProvider: testKeyProvider(), user: 'dr.new', log });
    expect(await c.get(series())).toEqual({ seriesInstanceUid: series(), corrections: [first, second], overrides: { weightKg: 71.5 } });
    const history = await c.history();
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({ kind: 'suv-correction', seriesInstanceUid: series(), newValue: 71.5, rwvmSopInstanceUid: '2.25.991', imported: true });
    expect(existsSync(seriesFile)).toBe(false);
    expect(existsSync(auditFile)).toBe(false);
    expect(existsSync(path.dirname(seriesFile))).toBe(false);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]![0]).toMatch(/Moved the plaintext SUV corrections .* 1 series, 2 history line\(s\); the plaintext files were removed\. 1 unreadable audit line/);
    expect(log.mock.calls[0]![0]).not.toContain(series());

    // The next save continues the imported history: old value 71.5, the same RWVM series as before.
    const saved = await c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field: 'weight', value: 72, reason: 'Third weighing' });
    expect(saved.corrections.map((r) => r.newValue)).toEqual([70, 71.5, 72]);
    expect(saved.corrections[2]).toMatchObject({ oldValue: 71.5, user: 'dr.new' });
    expect(store.instances(study() as StudyInstanceUid, '2.25.111222333' as SeriesInstanceUid)?.length).toBe(1);

    // A crash after the encrypted copy was durable but before the plaintext was removed: the same files again.
    writeOldPlaintext(dataDir, series(), [first, second]);
    const log2 = vi.fn<(m: string) => void>();
    const reopened = await SuvCorrections.open({ dataDir, store, keyProvider: testKeyProvider(), log: log2 });
    expect((await reopened.get(series())).corrections.map((r) => r.newValue)).toEqual([70, 71.5, 72]);
    expect(await reopened.history()).toHaveLength(3);
    expect(log2.mock.calls[0]![0]).toMatch(/0 series, 0 history line/);
    expect(existsSync(path.join(dataDir, 'suv', 'audit.jsonl'))).toBe(false);
  });

  it('flags a series whose plaintext file was edited by hand against its audit lines, and keeps both', async () => {
    const dataDir = freshDataDir();
    const accepted = weight(70, '2026-02-02T10:00:00.000Z');
    const edited = { ...accepted, newValue: 85 };
    writeOldPlaintext(dataDir, series(), [edited], [accepted]);
    const log = vi.fn<(m: string) => void>();
    const c = await SuvCorrections.open({ dataDir, store, keyProvider: testKeyProvider(), log });
    // What the viewer applied yesterday still applies; the accepted value is on record beside it.
    expect((await c.get(series())).overrides).toEqual({ weightKg: 85 });
    expect((await c.history(series())).map((h) => h.newValue)).toEqual([70]);
    expect(log.mock.calls[0]![0]).toMatch(/1 series had corrections that differ from their audit lines/);
  });

  it('removes no plaintext while the encrypted file is refused', async () => {
    const dataDir = freshDataDir();
    await save(open(dataDir), 'weight', 70);
    const file = path.join(dataDir, 'suv', 'corrections.enc');
    const altered = readFileSync(file);
    altered[altered.length - 1]! ^= 0x80;
    writeFileSync(file, altered);
    const { seriesFile, auditFile } = writeOldPlaintext(dataDir, series(), [weight(75, '2026-02-03T08:00:00.000Z')]);
    await expect(SuvCorrections.open({ dataDir, store, keyProvider: testKeyProvider() })).rejects.toThrow(SuvCorrectionsStoreError);
    expect(existsSync(seriesFile)).toBe(true);
    expect(existsSync(auditFile)).toBe(true);
  });
});

describe('the data folder after corrections', () => {
  it('holds no patient ID, name, UID or reason in clear, in any file or file name', async () => {
    const dataDir = freshDataDir();
    // The archive inside the data folder, as the app keeps it, so the walk covers it too.
    const archive = await openTestArchive(path.join(dataDir, 'archive'));
    try {
      expect((await importPaths(archive, petFiles)).failed).toEqual([]);
      const reason = 'Weighed again on the ward scale, Mrs Example';
      writeOldPlaintext(dataDir, series(), [{ ...weight(70, '2026-02-04T08:00:00.000Z'), reason }]);
      const needles = [PATIENT_ID, PATIENT_NAME, 'PHANTOM', study(), series(), reason];
      // Control: the search finds them in the plaintext an earlier version left.
      const before = await leaks(dataDir, needles);
      expect(before.map((l) => l.needle)).toEqual(expect.arrayContaining([study(), series(), reason]));

      const c = await SuvCorrections.open({ dataDir, store: archive, keyProvider: testKeyProvider() });
      await c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field: 'weight', value: 72, reason });
      await c.save({ studyInstanceUid: study(), seriesInstanceUid: series(), field: 'sex', value: 'F', reason: 'Sex typed wrong at the scanner' });
      expect((await c.get(series())).overrides).toEqual({ weightKg: 72, sex: 'F' });
      expect(await leaks(dataDir, needles)).toEqual([]);
    } finally {
      await archive.close();
    }
  });
});

/** Every (file, needle) where the needle is in the file's bytes (as UTF-8, or as UTF-16LE) or in its path. */
async function leaks(root: string, needles: string[]): Promise<{ file: string; needle: string }[]> {
  const found: { file: string; needle: string }[] = [];
  for (const file of await listFilesRecursively(root)) {
    const rel = path.relative(root, file);
    const bytes = await fsp.readFile(file);
    for (const needle of needles) {
      if (rel.includes(needle) || bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le'))) found.push({ file: rel, needle });
    }
  }
  return found;
}
