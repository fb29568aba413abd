import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getString, type DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import { Tag } from '../../../../../common/dicom/tags';
import { seriesUid, sopUid, studyUid, type SeriesInstanceUid, type SopInstanceUid, type StudyInstanceUid } from '../../../../../common/dicom/uid';
import { ArchiveCorruptError, ArchiveQuotaError, ArchiveBusyError, EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { ArchiveKeyError, EnvKeyProvider, KeyFileProvider, SafeStorageKeyProvider, type SafeStorageLike } from '../../../../../electron/services/archive/keyProvider';
import { readPart10Header } from '../../../../../electron/services/dicom/part10';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { listFilesRecursively } from '../../../../../electron/services/store/listFiles';
import type { StoreCounts } from '../../../../../electron/services/store/instanceStore';
import { instanceDatasets, seriesDatasets, studyDatasets, type IndexedStudy } from '../../../../../electron/services/store/studyIndexViews';
import { demoCtDir, dicomFilesIn, evenlySpaced, repoRoot } from '../../../../support/data';
import { flipJournalByte } from '../../../../support/journalFrames';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const charset = (name: string) => path.join(repoRoot, 'test/fixtures/charsets', name);
const envKey = () => new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') });
const uidsOf = (file: string) => {
  const ds = readPart10Header(readFileSync(file)).dataset;
  return { st: studyUid(getString(ds, Tag.StudyInstanceUID)), se: seriesUid(getString(ds, Tag.SeriesInstanceUID)), sop: sopUid(getString(ds, Tag.SOPInstanceUID)) };
};

/**
 * What a plain store answers for these files: the study → series → instance index of their Part 10 headers,
 * without encryption or journal (the reference the archive's answers are compared with).
 */
function plainIndexOf(files: string[]) {
  const index = new Map<string, IndexedStudy<{ metadata: DicomJsonDataset }>>();
  let bytes = 0;
  for (const f of files) {
    const raw = readFileSync(f);
    const metadata = readPart10Header(raw).dataset;
    const { st, se, sop } = uidsOf(f);
    let study = index.get(st);
    if (!study) index.set(st, (study = { series: new Map() }));
    let series = study.series.get(se);
    if (!series) study.series.set(se, (series = { instances: new Map() }));
    if (series.instances.has(sop)) continue;
    series.instances.set(sop, { metadata });
    bytes += raw.byteLength;
  }
  return {
    counts(): StoreCounts {
      let series = 0;
      let instances = 0;
      for (const st of index.values()) {
        series += st.series.size;
        for (const se of st.series.values()) instances += se.instances.size;
      }
      return { studies: index.size, series, instances, bytes };
    },
    studies: () => studyDatasets(index),
    series: (st: StudyInstanceUid) => seriesDatasets(index.get(st)),
    instances: (st: StudyInstanceUid, se?: SeriesInstanceUid) => instanceDatasets(index.get(st), se),
    instanceMetadata: (st: StudyInstanceUid, se: SeriesInstanceUid, sop: SopInstanceUid) => index.get(st)?.series.get(se)?.instances.get(sop)?.metadata,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-archive-');
});
afterEach(async () => {
  await removeDir(dir);
});

describe('EncryptedArchive', () => {
  it('round-trips instances and answers like the plain store', async () => {
    const files = [...evenlySpaced(dicomFilesIn(demoCtDir()), 5), charset('chrH31.dcm'), charset('chrX1.dcm')];
    const archive = await EncryptedArchive.open(path.join(dir, 'archive'), { keyProvider: envKey() });
    const plain = plainIndexOf(files);
    expect(await importPaths(archive, files)).toEqual({ imported: 7, skipped: 0, replaced: 0, conflicts: [], failed: [] });
    expect((await archive.put(readFileSync(files[0]!))).kind).toBe('duplicate');
    expect(archive.counts()).toEqual({ ...plain.counts() });
    const sortByUid = (a: object[]) => [...a].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(sortByUid(archive.studies())).toEqual(sortByUid(plain.studies()));
    for (const f of files) {
      const { st, se, sop } = uidsOf(f);
      expect(archive.hasStudy(st)).toBe(true);
      expect(sortByUid(archive.series(st)!)).toEqual(sortByUid(plain.series(st)!));
      expect(sortByUid(archive.instances(st, se)!)).toEqual(sortByUid(plain.instances(st, se)!));
      expect(archive.instanceMetadata(st, se, sop)).toEqual(plain.instanceMetadata(st, se, sop));
      expect(Buffer.from((await archive.readInstance(st, se, sop))!).equals(readFileSync(f))).toBe(true);
    }
    expect(archive.series(studyUid('1.2.3'))).toBeUndefined();
    await archive.close();
  });

  it('reopens with the same studies, pins and access order, and survives a torn journal tail', async () => {
    const files = [...evenlySpaced(dicomFilesIn(demoCtDir()), 3), charset('chrH31.dcm'), charset('chrGerm.dcm')];
    const key = envKey();
    const root = path.join(dir, 'archive');
    const a = await EncryptedArchive.open(root, { keyProvider: key });
    await importPaths(a, files);
    const h31 = uidsOf(charset('chrH31.dcm'));
    await a.pin(h31.st);
    await a.readInstance(uidsOf(files[0]!).st, uidsOf(files[0]!).se, uidsOf(files[0]!).sop);
    const before = { studies: a.studies(), counts: a.counts(), usage: a.usage() };
    await a.close();
    const b = await EncryptedArchive.open(root, { keyProvider: key });
    expect(b.studies()).toEqual(before.studies);
    expect(b.counts()).toEqual(before.counts);
    expect(b.usage()).toEqual(before.usage);
    expect(b.isPinned(h31.st)).toBe(true);
    await b.close();
    // A torn frame at the end of the journal (a crash mid-append) is cut off; nothing is lost.
    await fs.appendFile(path.join(root, 'index.journal'), randomBytes(40));
    const c = await EncryptedArchive.open(root, { keyProvider: key });
    expect(c.startup.journalTruncated).toBe(true);
    expect(c.counts()).toEqual(before.counts);
    expect(await c.verify()).toMatchObject({ checked: 5, corrupt: [], missing: [], orphans: [] });
    await c.close();
  });

  it('a flipped byte in a journal frame: reported at open and by verify, the records after it kept, pins before and after kept', async () => {
    const files = evenlySpaced(dicomFilesIn(demoCtDir()), 3);
    const key = envKey();
    const root = path.join(dir, 'archive');
    const a = await EncryptedArchive.open(root, { keyProvider: key });
    await importPaths(a, files); // frames 1–3
    const { st } = uidsOf(files[0]!);
    await a.pin(st); // frame 4: before the damage
    await a.setStudyState(st, 'partial'); // frame 5: damaged below
    await a.pin('1.2.3.4'); // frame 6: after it, a study not here yet
    const before = { studies: a.studies(), counts: a.counts(), usage: a.usage() };
    await a.close();
    expect(await flipJournalByte(root, 5)).toBeGreaterThanOrEqual(6);
    const b = await EncryptedArchive.open(root, { keyProvider: key });
    expect(b.startup.journalDamage).toEqual([expect.objectContaining({ file: 'index.journal', frame: 5, lost: 1, keptAfter: expect.any(Number) as number })]);
    expect(b.startup.userStateRestored).toBe(true);
    // The index is not rebuilt from the files: nothing to re-index, the same answers, the pins and state kept.
    expect(b.startup.reindexed).toBe(0);
    expect(b.counts()).toEqual(before.counts);
    expect(b.usage()).toEqual(before.usage);
    expect(b.isPinned(st) && b.isPinned('1.2.3.4')).toBe(true);
    expect(b.studyState(st)).toBe('partial');
    const report = await b.verify();
    expect(report.journal).toEqual(b.startup.journalDamage);
    expect(report.journal[0]!.copy).toMatch(/^quarantine/);
    await b.close();
    // Repaired at that open (the journal rewritten): the next open and verify find nothing.
    const c = await EncryptedArchive.open(root, { keyProvider: key });
    expect(c.startup.journalDamage).toEqual([]);
    expect((await c.verify()).journal).toEqual([]);
    expect(c.isPinned(st)).toBe(true);
    await c.close();
  });

  it('keeps pins, study states and access times when the index is rebuilt from the files (the journal lost)', async () => {
    const files = evenlySpaced(dicomFilesIn(demoCtDir()), 3);
    const key = envKey();
    const root = path.join(dir, 'archive');
    const a = await EncryptedArchive.open(root, { keyProvider: key });
    await importPaths(a, files);
    const { st, se, sop } = uidsOf(files[1]!);
    await a.pin(st);
    await a.pin('1.2.3.4');
    await a.setStudyState(st, 'complete');
    await a.readInstance(st, se, sop);
    const usage = a.usage();
    await a.close();
    await fs.rm(path.join(root, 'index.journal'));
    const b = await EncryptedArchive.open(root, { keyProvider: key });
    expect(b.startup).toMatchObject({ reindexed: 3, userStateRestored: true, journalDamage: [] });
    expect(b.isPinned(st) && b.isPinned('1.2.3.4')).toBe(true);
    expect(b.studyState(st)).toBe('complete');
    expect(b.usage().studies.map((s) => [s.study, s.pinned, s.lastAccess])).toEqual(usage.studies.map((s) => [s.study, s.pinned, s.lastAccess]));
    await b.close();
  });

  it('re-indexes orphan files, drops entries whose file is gone, and removes temp files at open', async () => {
    const files = evenlySpaced(dicomFilesIn(demoCtDir()), 3);
    const key = envKey();
    const root = path.join(dir, 'archive');
    const a = await EncryptedArchive.open(root, { keyProvider: key });
    await importPaths(a, files);
    await a.close();
    const objects = (await listFilesRecursively(path.join(root, 'objects'))).sort();
    // Simulate "file renamed, journal frame never written": rebuild the journal without the first file.
    await fs.rm(path.join(root, 'index.journal'));
    await fs.rm(objects[1]!);
    await fs.writeFile(path.join(root, 'tmp', 'abc.part'), randomBytes(100));
    const b = await EncryptedArchive.open(root, { keyProvider: key });
    expect(b.startup).toMatchObject({ reindexed: 2, tempFilesRemoved: 1 });
    expect(b.counts().instances).toBe(2);
    expect(await fs.readdir(path.join(root, 'tmp'))).toEqual([]);
    await b.close();
    // Now the index knows the file; deleting it makes the entry dropped at the next open.
    await fs.rm(objects[0]!);
    const c = await EncryptedArchive.open(root, { keyProvider: key });
    expect(c.startup.dropped).toBe(1);
    expect(c.counts().instances).toBe(1);
    expect(await c.verify()).toMatchObject({ checked: 1, corrupt: [], missing: [], orphans: [] });
    await c.close();
  });

  it('detects tampering: verify reports it, readInstance refuses it, open quarantines truncated files', async () => {
    const files = evenlySpaced(dicomFilesIn(demoCtDir()), 3);
    const key = envKey();
    const root = path.join(dir, 'archive');
    const a = await EncryptedArchive.open(root, { keyProvider: key });
    await importPaths(a, files);
    const victim = uidsOf(files[1]!);
    const objects = await listFilesRecursively(path.join(root, 'objects'));
    // Find the object file of the victim by elimination: tamper each in turn until verify names the victim.
    let tampered: string | undefined;
    for (const f of objects) {
      const bytes = await fs.readFile(f);
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
      await fs.writeFile(f, bytes);
      const report = await a.verify();
      expect(report.checked).toBe(3);
      expect(report.corrupt).toHaveLength(1);
      if (report.corrupt[0]!.instance === victim.sop) {
        tampered = f;
        break;
      }
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
      await fs.writeFile(f, bytes);
    }
    expect(tampered).toBeDefined();
    await expect(a.readInstance(victim.st, victim.se, victim.sop)).rejects.toBeInstanceOf(ArchiveCorruptError);
    const ok = uidsOf(files[0]!);
    expect(Buffer.from((await a.readInstance(ok.st, ok.se, ok.sop))!).equals(readFileSync(files[0]!))).toBe(true);
    // A stray file and a missing file.
    await fs.mkdir(path.join(root, 'objects', 'ff'), { recursive: true });
    await fs.writeFile(path.join(root, 'objects', 'ff', `ff${'0'.repeat(30)}.dka`), randomBytes(64));
    const other = objects.find((f) => f !== tampered)!;
    const saved = await fs.readFile(other);
    await fs.rm(other);
    const report = await a.verify();
    expect(report.orphans).toHaveLength(1);
    expect(report.missing).toHaveLength(1);
    await a.close();
    // At open: the truncated (other) file is quarantined, still encrypted; the stray one too.
    await fs.writeFile(other, saved.subarray(0, saved.length - 10));
    const skipped: string[] = [];
    const b = await EncryptedArchive.open(root, { keyProvider: key, onSkip: (f) => skipped.push(f) });
    expect(skipped).toHaveLength(2);
    expect(b.startup.quarantined).toBe(2);
    expect((await fs.readdir(path.join(root, 'quarantine'))).length).toBe(2);
    expect(b.counts().instances).toBe(2);
    const after = await b.verify();
    expect(after.corrupt).toHaveLength(1); // the tampered file keeps its size: only the tag check finds it
    expect(after.missing).toEqual([]);
    expect(after.orphans).toEqual([]);
    await b.close();
  });

  it('evicts whole studies in LRU order, never pinned or open ones', async () => {
    const [A, B, C, D, E, F] = ['chrGerm.dcm', 'chrH31.dcm', 'chrH32.dcm', 'chrX1.dcm', 'chrJapMulti.dcm', 'chrFren.dcm'].map(charset);
    for (const f of [A, B, C, D, E, F]) expect(statSync(f!).size).toBeLessThan(1968);
    const archive = await EncryptedArchive.open(path.join(dir, 'archive'), { keyProvider: envKey(), quotaBytes: 8000 });
    for (const f of [A, B, C, D]) await archive.put(readFileSync(f!));
    const [a, b, c, d, e, f] = [A, B, C, D, E, F].map((x) => uidsOf(x!));
    await archive.pin(a!.st);
    archive.openStudy(b!.st);
    await archive.readInstance(c!.st, c!.se, c!.sop); // C is now more recent than D
    expect(archive.usage().studies.map((s) => s.study)).toEqual([a!.st, b!.st, d!.st, c!.st]);
    await archive.put(readFileSync(E!));
    expect([a, b, c, d, e].map((x) => archive.hasStudy(x!.st))).toEqual([true, true, true, false, true]);
    await archive.put(readFileSync(F!));
    expect([a, b, c, e, f].map((x) => archive.hasStudy(x!.st))).toEqual([true, true, false, true, true]);
    await expect(archive.evict(a!.st)).rejects.toBeInstanceOf(ArchiveBusyError);
    await expect(archive.evict(b!.st)).rejects.toBeInstanceOf(ArchiveBusyError);
    // Everything left is pinned or open: a new study cannot be stored.
    await archive.pin(e!.st);
    archive.openStudy(f!.st);
    await expect(archive.put(readFileSync(D!))).rejects.toBeInstanceOf(ArchiveQuotaError);
    expect(archive.counts().studies).toBe(4);
    archive.closeStudy(b!.st);
    await archive.put(readFileSync(D!));
    expect(archive.hasStudy(b!.st)).toBe(false);
    expect(archive.hasStudy(d!.st)).toBe(true);
    const usage = archive.usage();
    expect(usage.totalBytes).toBeLessThanOrEqual(8000);
    expect(usage.byModality).toEqual({ OT: expect.any(Number), CR: expect.any(Number) });
    expect(usage.studies.find((s) => s.study === a!.st)).toMatchObject({ pinned: true, instances: 1 });
    expect(await archive.evict(d!.st)).toMatchObject({ instances: 1 });
    expect(archive.hasStudy(d!.st)).toBe(false);
    expect(await archive.verify()).toMatchObject({ corrupt: [], missing: [], orphans: [] });
    await archive.close();
  });

  it('leaves no plaintext PHI or pixel data anywhere in the archive folder (leak test)', async () => {
    const demo = dicomFilesIn(demoCtDir());
    const japanese = charset('chrH31.dcm');
    const root = path.join(dir, 'archive');
    // Everything in the folder is searched; its key is kept elsewhere, as key custody requires.
    const archive = await EncryptedArchive.open(root, { keyProvider: envKey() });
    const result = await importPaths(archive, [...demo, japanese]);
    expect(result.imported).toBe(demo.length + 1);
    await archive.pin(uidsOf(japanese).st);
    for (const f of demo.slice(0, 5)) {
      const u = uidsOf(f);
      await archive.readInstance(u.st, u.se, u.sop);
    }
    await archive.close();

    const needles: { what: string; bytes: Buffer }[] = [];
    const text = (what: string, s: string, enc: BufferEncoding = 'utf8') => needles.push({ what, bytes: Buffer.from(s, enc) });
    text('patient ID', 'LIDC-IDRI-0314');
    const ct = uidsOf(demo[0]!);
    text('CT study UID', ct.st);
    text('CT series UID', ct.se);
    text('CT SOP UID', ct.sop);
    const jp = uidsOf(japanese);
    text('Japanese study UID', jp.st);
    text('Japanese name (alphabetic)', 'Yamada');
    text('山田 (UTF-8)', '山田');
    needles.push({ what: '山田 (ISO 2022 IR 87)', bytes: Buffer.from([0x1b, 0x24, 0x42, 0x3b, 0x33, 0x45, 0x44]) });
    // The JIS X 0208 bytes of 山田^太郎 as the file holds them (4 bytes alone would turn up by chance in
    // megabytes of ciphertext about once in 250 runs; this run of 15 cannot).
    needles.push({ what: '山田^太郎 (JIS X 0208 bytes)', bytes: Buffer.from('3b3345441b28425e1b244242404f3a', 'hex') });
    for (const f of demo) {
      const bytes = readFileSync(f);
      const px = dicomParser.parseDicom(bytes).elements['x7fe00010']!;
      let taken = 0;
      for (let i = 0; i < 8 && taken < 3; i++) {
        const at = px.dataOffset + Math.floor(((px.length - 64) * (i + 1)) / 9);
        const run = bytes.subarray(at, at + 64);
        if (new Set(run).size < 16) continue; // skip flat runs (air, padding)
        needles.push({ what: `pixel data of ${path.basename(f)} @${at}`, bytes: Buffer.from(run) });
        taken++;
      }
    }
    expect(needles.length).toBeGreaterThan(demo.length);
    // Control: every needle is found in the plaintext sources or in the decoded metadata a plain index
    // would hold (山田 in UTF-8 exists only after decoding ISO 2022), so the search itself works.
    const decoded = Buffer.from(JSON.stringify(readPart10Header(readFileSync(japanese)).dataset), 'utf8');
    const sources = Buffer.concat([...[...demo, japanese].map((f) => readFileSync(f)), decoded]);
    for (const n of needles) expect(sources.indexOf(n.bytes), n.what).toBeGreaterThanOrEqual(0);

    const onDisk = await listFilesRecursively(root);
    expect(onDisk.length).toBeGreaterThan(demo.length);
    for (const file of onDisk) {
      const rel = path.relative(root, file);
      for (const uid of [ct.st, ct.se, ct.sop, jp.st, 'LIDC']) expect(rel).not.toContain(uid);
      const bytes = await fs.readFile(file);
      for (const n of needles) expect(bytes.indexOf(n.bytes), `${n.what} found in ${rel}`).toBe(-1);
    }
  });
});

describe('archive key providers', () => {
  it('refuse an archive opened with another key', async () => {
    const root = path.join(dir, 'archive');
    const a = await EncryptedArchive.open(root, { keyProvider: envKey() });
    await a.put(readFileSync(charset('chrH31.dcm')));
    await a.close();
    await expect(EncryptedArchive.open(root, { keyProvider: envKey() })).rejects.toBeInstanceOf(ArchiveKeyError);
  });

  it('KeyFileProvider keeps a 0600 key file outside the archive and reopens with it', async () => {
    const root = path.join(dir, 'archive');
    const keyFile = path.join(dir, 'elsewhere', 'dokuei.key');
    const a = await EncryptedArchive.open(root, { keyProvider: KeyFileProvider.open(keyFile, { protects: [root], create: true }) });
    await a.put(readFileSync(charset('chrH31.dcm')));
    await a.close();
    if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const b = await EncryptedArchive.open(root, { keyProvider: KeyFileProvider.open(keyFile, { protects: [root] }) });
    expect(b.counts().instances).toBe(1);
    await b.close();
    expect(() => new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: 'c2hvcnQ=' })).toThrow(ArchiveKeyError);
  });

  it('SafeStorageKeyProvider wraps the data key with safeStorage and never falls back to plaintext', async () => {
    const secret = randomBytes(32);
    let available = true;
    const fake: SafeStorageLike = {
      isAsyncEncryptionAvailable: () => Promise.resolve(available),
      encryptStringAsync: (s) => Promise.resolve(Buffer.concat([Buffer.from('v10'), Buffer.from(s).map((x, i) => x ^ secret[i % 32]!)])),
      decryptStringAsync: (b) => Promise.resolve({ result: Buffer.from(b.subarray(3).map((x, i) => x ^ secret[i % 32]!)).toString(), shouldReEncrypt: false }),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    };
    const root = path.join(dir, 'archive');
    const a = await EncryptedArchive.open(root, { keyProvider: new SafeStorageKeyProvider(fake) });
    const put = await a.put(readFileSync(charset('chrH31.dcm')));
    await a.close();
    const stored = JSON.parse(readFileSync(path.join(root, 'key.json'), 'utf8')) as { provider: string; wrapped: string };
    expect(stored.provider).toBe('safeStorage');
    const b = await EncryptedArchive.open(root, { keyProvider: new SafeStorageKeyProvider(fake) });
    expect(await b.readInstance(put.study, put.series, put.instance)).toBeDefined();
    await b.close();
    available = false;
    await expect(EncryptedArchive.open(root, { keyProvider: new SafeStorageKeyProvider(fake) })).rejects.toBeInstanceOf(ArchiveKeyError);
    await expect(EncryptedArchive.open(path.join(dir, 'new'), { keyProvider: new SafeStorageKeyProvider(fake) })).rejects.toBeInstanceOf(ArchiveKeyError);
  });
});

describe('archive lock', () => {
  it('refuses a folder held by another live process and takes over a dead one', async () => {
    const root = path.join(dir, 'archive');
    const key = envKey();
    await fs.mkdir(root, { recursive: true });
    await fs.writeFile(path.join(root, 'lock'), String(process.ppid));
    await expect(EncryptedArchive.open(root, { keyProvider: key })).rejects.toBeInstanceOf(ArchiveBusyError);
    await fs.writeFile(path.join(root, 'lock'), '2147483646');
    const a = await EncryptedArchive.open(root, { keyProvider: key });
    expect(readFileSync(path.join(root, 'lock'), 'utf8')).toBe(String(process.pid));
    await a.close();
    await expect(fs.stat(path.join(root, 'lock'))).rejects.toThrow();
  });
});
