import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getString } from '../../../../../common/dicom/dicomJson';
import { Tag } from '../../../../../common/dicom/tags';
import { studyUid } from '../../../../../common/dicom/uid';
import { ArchiveQuotaError, EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { EnvKeyProvider } from '../../../../../electron/services/archive/keyProvider';
import { readPart10Header } from '../../../../../electron/services/dicom/part10';
import { MemorySettingsStore, quotaGbToBytes, Settings } from '../../../../../electron/services/settings/settings';
import { repoRoot } from '../../../../support/data';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const charset = (name: string) => path.join(repoRoot, 'test/fixtures/charsets', name);
const studyOf = (file: string) => studyUid(getString(readPart10Header(readFileSync(file)).dataset, Tag.StudyInstanceUID));
const keyEnv = { DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') };
const FILES = ['chrGerm.dcm', 'chrH31.dcm', 'chrH32.dcm', 'chrX1.dcm'].map(charset);
const day = (y: number, m: number, d: number) => new Date(y, m - 1, d, 12).getTime();

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-quota-');
});
afterEach(async () => {
  vi.useRealTimers();
  await removeDir(dir);
});

describe('EncryptedArchive.setQuota', () => {
  it('evicts in LRU order at once when over the new quota, never pinned or open studies', async () => {
    const archive = await EncryptedArchive.open(path.join(dir, 'archive'), { keyProvider: new EnvKeyProvider(keyEnv) });
    for (const f of FILES) await archive.put(readFileSync(f!));
    const [a, b, c, d] = FILES.map((f) => studyOf(f!));
    await archive.pin(a!);
    archive.openStudy(b!);
    const sizes = new Map(archive.usage().studies.map((s) => [s.study, s.bytes]));
    // Room for a, b and one more study: c (least recently used of the evictable ones) goes, d stays.
    const quota = sizes.get(a!)! + sizes.get(b!)! + sizes.get(d!)! + 10;
    const result = await archive.setQuota(quota);
    expect(result.evicted).toEqual([c]);
    expect(result.bytes).toBe(sizes.get(c!));
    expect([a, b, c, d].map((s) => archive.hasStudy(s!))).toEqual([true, true, false, true]);
    expect(archive.quotaBytes).toBe(quota);
    expect(archive.usage().quotaBytes).toBe(quota);
    // A quota below the pinned and open studies evicts everything else and keeps those.
    const tiny = await archive.setQuota(100);
    expect(tiny.evicted).toEqual([d]);
    expect([a, b].map((s) => archive.hasStudy(s!))).toEqual([true, true]);
    await expect(archive.put(readFileSync(FILES[2]!))).rejects.toBeInstanceOf(ArchiveQuotaError);
    // No quota: nothing evicted, puts succeed again.
    expect(await archive.setQuota(undefined)).toEqual({ evicted: [], bytes: 0 });
    expect(archive.usage().quotaBytes).toBeUndefined();
    await archive.put(readFileSync(FILES[2]!));
    await expect(archive.setQuota(0)).rejects.toBeInstanceOf(RangeError);
    await expect(archive.setQuota(Number.NaN)).rejects.toBeInstanceOf(RangeError);
    await archive.close();
  });

  it('keeps the history per day through evictions, compaction and a reopen', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(day(2026, 1, 10));
    const root = path.join(dir, 'archive');
    const archive = await EncryptedArchive.open(root, { keyProvider: new EnvKeyProvider(keyEnv) });
    await archive.put(readFileSync(FILES[0]!));
    vi.setSystemTime(day(2026, 1, 20));
    await archive.put(readFileSync(FILES[1]!));
    vi.setSystemTime(day(2026, 1, 25));
    await archive.evict(studyOf(FILES[0]!));
    vi.setSystemTime(day(2026, 2, 1));
    const u = archive.usage();
    const sizes = { a: u.totalBytes };
    const byDay = new Map<string, number>(u.history.map((h) => [h.day, h.bytes]));
    expect(u.history).toHaveLength(90);
    expect(u.location).toBe(root);
    expect(byDay.get('2026-01-09')).toBe(0);
    const first = byDay.get('2026-01-10')!;
    expect(first).toBeGreaterThan(0);
    expect(byDay.get('2026-01-20')).toBe(first + sizes.a);
    expect(byDay.get('2026-01-25')).toBe(sizes.a);
    expect(byDay.get('2026-02-01')).toBe(sizes.a);
    expect(u.projection.bytesPerDay).toBeCloseTo(sizes.a / 30);
    expect(u.projection.quotaFullOn).toBeUndefined(); // no quota
    await archive.setQuota(sizes.a * 3);
    // 2 × a to go at a/30 per day: 60 days.
    expect(archive.usage().projection.quotaFullOn).toBe('2026-04-02');
    await archive.close();
    const again = await EncryptedArchive.open(root, { keyProvider: new EnvKeyProvider(keyEnv), quotaBytes: sizes.a * 3 });
    expect(again.usage().history).toEqual(u.history);
    expect((again as unknown as { compact(): Promise<void> }).compact).toBeTypeOf('function');
    await (again as unknown as { compact(): Promise<void> }).compact();
    await again.close();
    const compacted = await EncryptedArchive.open(root, { keyProvider: new EnvKeyProvider(keyEnv) });
    expect(compacted.usage().history).toEqual(u.history);
    await compacted.close();
  });
});

describe('archive settings', () => {
  it('accepts an optional quota between 0.1 and 100000 GB and has none by default', () => {
    expect(Settings.parse({}).archive).toBeUndefined();
    expect(Settings.parse({ archive: {} }).archive).toEqual({});
    expect(Settings.parse({ archive: { quotaGb: 0.1 } }).archive?.quotaGb).toBe(0.1);
    expect(Settings.parse({ archive: { quotaGb: 100000 } }).archive?.quotaGb).toBe(100000);
    for (const bad of [0, 0.05, -1, 100001, '5', Number.NaN]) expect(Settings.safeParse({ archive: { quotaGb: bad } }).success, String(bad)).toBe(false);
    const store = new MemorySettingsStore({ seedDemo: false });
    store.set({ ...store.get(), archive: { quotaGb: 2 } });
    expect(store.get().archive).toEqual({ quotaGb: 2 });
    expect(() => store.set({ ...store.get(), archive: { quotaGb: 0 } })).toThrow(/at least 0.1 GB/);
    expect(quotaGbToBytes(0.1)).toBe(107374182);
    expect(quotaGbToBytes(1)).toBe(1024 ** 3);
  });
});
