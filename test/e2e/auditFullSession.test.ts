/**
 * Issue #15 acceptance on one scripted reading session against a real PACS (Orthanc):
 * query (the study browser) → retrieve (R on the row) → open in Chromium → SUV correction → registration saved and
 * sent (STOW-RS). Then, on the data folder the session left:
 * - `dokuei audit verify --json` is clean, and the trail holds every event of the session;
 * - after each of {one byte edited, a record deleted, a forged record inserted, two records swapped, the tail cut}
 *   (on copies of the folder, by someone without the key) verify fails and names the record;
 * - a walk over every file finds no patient ID, name, UID or run of pixel bytes in clear, and no key file;
 * - the folder copied elsewhere and opened without its key gives the "locked" message, never data.
 */
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserHost } from '../../electron/browser-host/server';
import { repoRoot } from '../support/data';
import { openSeries, startE2eSession, type E2eSession } from '../support/e2eSession';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';
import { writePetCtPhantom, type PetCtPhantom } from '../support/petCtPhantom';
import { makeTempDir, removeDir } from '../support/tempDir';
import { testArchiveEnv } from '../support/testArchive';

const run = promisify(execFile);
const IDENTITY = [
  [1, 0, 0, 2],
  [0, 1, 0, -3],
  [0, 0, 1, 1.5],
  [0, 0, 0, 1],
];

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `dokuei ARGS` as a separate process, with the test key unless `env` says otherwise. */
function cli(args: string[], env: NodeJS.ProcessEnv = { ...process.env, ...testArchiveEnv }): Promise<CliResult> {
  return run(process.execPath, [path.join(repoRoot, 'bin/dokuei.mjs'), ...args], { timeout: 120000, env, maxBuffer: 64 << 20 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

async function ipc<T>(host: BrowserHost, channel: string, body: unknown): Promise<T> {
  const res = await fetch(`${host.origin}/ipc/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!answer.ok) throw new Error(`${channel}: ${answer.error?.message ?? res.status}`);
  return answer.value as T;
}

/** The audit log's frames (u32 LE length, then the encrypted record), as byte ranges. */
function frames(log: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos + 4 <= log.length; ) {
    const end = pos + 4 + log.readUInt32LE(pos);
    out.push(log.subarray(pos, end));
    pos = end;
  }
  return out;
}

/** Every file under dir. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** A run of `length` bytes of a PET slice's pixel data across an edge of the phantom (two values, not one repeated). */
function pixelRun(file: string, length = 32): Buffer {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
  const pixels = bytes.subarray(at + 12); // tag, VR OW, 2 reserved, length (explicit VR little endian)
  for (let i = 0; i + length <= pixels.length; i += 2) {
    if (pixels.readUInt16LE(i) !== pixels.readUInt16LE(i + length - 2)) return Buffer.from(pixels.subarray(i, i + length));
  }
  throw new Error(`no edge in the pixels of ${file}`);
}

describe('a full reading session: the audit trail verifies, tampering is named, nothing is in clear, a copy is locked', () => {
  let orthanc: OrthancInstance;
  let session: E2eSession;
  let page: Page;
  let phantomDir: string;
  let phantom: PetCtPhantom;
  let dataDir: string;
  let scratch: string;
  const sopUids: string[] = [];

  beforeAll(async () => {
    phantomDir = await makeTempDir('dokuei-e2e-session-phantom-');
    scratch = await makeTempDir('dokuei-e2e-session-copies-');
    phantom = writePetCtPhantom(phantomDir, { weightKg: 66.2 });
    orthanc = await startOrthanc({ name: 'SessionPACS' });
    for (const f of [...phantom.ctFiles, ...phantom.petFiles]) await orthanc.upload(f);
    session = await startE2eSession({
      prefix: 'dokuei-e2e-session-',
      nodes: [{ id: 'pacs', name: 'Hospital PACS', role: 'onsite', priority: 10, kind: 'dicomweb', url: orthanc.dicomwebUrl }],
      viewport: { width: 1400, height: 860 },
    });
    ({ page, dataDir } = session);
  }, 300000);

  afterAll(async () => {
    await session?.close().catch(() => {});
    await orthanc?.stop();
    await removeDir(phantomDir);
    await removeDir(scratch);
  });

  it('runs the session: query, retrieve, open, SUV correction, registration saved and sent', async () => {
    const { host } = session;
    const study = phantom.truth.studyInstanceUid;
    // Query: the study browser asks the PACS.
    await page.goto(host.url);
    const row = page.locator(`tr[data-study-uid="${study}"]`);
    await row.waitFor({ timeout: 60000 });
    // Retrieve: R on the selected row.
    await row.click();
    await page.keyboard.press('r');
    await expect
      .poll(async () => (await ipc<{ studyInstanceUid: string; state: string }[]>(host, 'retrieve.list', {})).find((j) => j.studyInstanceUid === study)?.state, { timeout: 180000, interval: 1000 })
      .toBe('done');
    // Open: the PET in the viewer (read through the data plane).
    await openSeries(page, host.url, phantom.truth.pet.seriesInstanceUid);
    // SUV correction and a registration, saved and sent to the PACS.
    await ipc(host, 'suv.corrections.save', {
      studyInstanceUid: study,
      seriesInstanceUid: phantom.truth.pet.seriesInstanceUid,
      field: 'weight',
      value: 70,
      reason: 'Weighed again on the ward',
    });
    const saved = await ipc<{ sopInstanceUid: string; send?: { ok: boolean; sent: string[] } }>(host, 'registration.save', {
      fixed: { studyInstanceUid: study, seriesInstanceUid: phantom.truth.ct.seriesInstanceUid },
      moving: { studyInstanceUid: study, seriesInstanceUid: phantom.truth.pet.seriesInstanceUid },
      matrix: IDENTITY,
      sendTo: 'pacs',
    });
    expect(saved.send).toMatchObject({ ok: true, sent: [saved.sopInstanceUid] });
    sopUids.push(saved.sopInstanceUid);
    // Application Stop is written when the host closes; the page goes first.
    await session.browser.close();
    await session.host.close();
  });

  it('dokuei audit verify is clean and the trail holds every event of the session', async () => {
    const verify = await cli(['audit', 'verify', '--json', '--data-dir', dataDir]);
    expect(verify.code, verify.stderr).toBe(0);
    const report = JSON.parse(verify.stdout) as { ok: boolean; records: number; problems: unknown[] };
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.records).toBeGreaterThan(8);
    // ls is run on a copy: reading the trail is itself recorded, and the tampering below wants the session's log as it was.
    const copy = path.join(scratch, 'ls');
    cpSync(dataDir, copy, { recursive: true });
    const ls = await cli(['audit', 'ls', '--json', '--data-dir', copy]);
    expect(ls.code, ls.stderr).toBe(0);
    const rows = JSON.parse(ls.stdout) as { eventId: string; eventType?: string; patientIds?: string[]; studyUids?: string[] }[];
    const ids = new Set(rows.map((r) => r.eventId));
    // Application Start, Query, Instances Transferred (retrieve, send), Instances Accessed (opened, SUV, registration).
    for (const id of ['110100', '110112', '110104', '110103']) expect(ids, `event ${id} in ${[...ids].join(', ')}`).toContain(id);
    const ofStudy = rows.filter((r) => r.studyUids?.includes(phantom.truth.studyInstanceUid));
    expect(ofStudy.filter((r) => r.eventId === '110104').length).toBeGreaterThanOrEqual(2); // retrieved, then sent
    expect(ofStudy.filter((r) => r.eventId === '110103').length).toBeGreaterThanOrEqual(3); // opened, SUV, registration
    // Application Stop is the session's last record (ls records its own reading after it has listed).
    expect(rows.at(-1), JSON.stringify(rows.slice(-4))).toMatchObject({ eventId: '110100', eventType: expect.stringContaining('Stop') });
  });

  describe('verify names the record after each kind of tampering (without the key)', () => {
    const LOG = path.join('audit', 'audit.log');
    /** A copy of the session's folder whose log is rewritten from its frames by `edit`; verify's report on it. */
    async function tampered(name: string, edit: (f: Buffer[]) => Buffer[]): Promise<{ ok: boolean; records: number; problems: { index: number; reason: string }[] }> {
      const copy = path.join(scratch, name);
      cpSync(dataDir, copy, { recursive: true });
      const log = readFileSync(path.join(copy, LOG));
      writeFileSync(path.join(copy, LOG), Buffer.concat(edit(frames(log))));
      const r = await cli(['audit', 'verify', '--json', '--data-dir', copy]);
      expect(r.code, r.stderr).toBe(1);
      return JSON.parse(r.stdout) as { ok: boolean; records: number; problems: { index: number; reason: string }[] };
    }

    it('one byte edited', async () => {
      const r = await tampered('edit', (f) => {
        const b = Buffer.from(f[4]!);
        b[b.length - 20] = b[b.length - 20]! ^ 0x01;
        return [...f.slice(0, 4), b, ...f.slice(5)];
      });
      expect(r.ok).toBe(false);
      expect(r.problems[0]).toMatchObject({ index: 4 });
      expect(r.problems[0]!.reason).toMatch(/unreadable|edited/);
    });

    it('a record deleted', async () => {
      const r = await tampered('delete', (f) => [...f.slice(0, 5), ...f.slice(6)]);
      expect(r.problems[0]).toMatchObject({ index: 5 });
      expect(r.problems[0]!.reason).toMatch(/removed/);
    });

    it('a forged record inserted (a copy of an authentic one replayed)', async () => {
      const r = await tampered('insert', (f) => [...f.slice(0, 6), f[2]!, ...f.slice(6)]);
      expect(r.problems.map((p) => p.index)).toContain(2);
      expect(r.problems.map((p) => p.reason).join(' ')).toMatch(/inserted/);
    });

    it('two records swapped', async () => {
      const r = await tampered('swap', (f) => [...f.slice(0, 3), f[4]!, f[3]!, ...f.slice(5)]);
      expect(r.problems.map((p) => p.index)).toContain(4);
      expect(r.problems.map((p) => p.reason).join(' ')).toMatch(/reordered/);
    });

    it('the tail cut off', async () => {
      let total = 0;
      const r = await tampered('truncate', (f) => {
        total = f.length;
        return f.slice(0, -2);
      });
      expect(r.problems[0]).toMatchObject({ index: total - 2 });
      expect(r.problems[0]!.reason).toMatch(/truncated/);
    });
  });

  it('finds no patient ID, name, UID or pixel run in clear anywhere in the data folder, and no key file', () => {
    const t = phantom.truth;
    const needles: [string, Buffer][] = [
      ['PatientID', Buffer.from('DOKUEI-PETCT-PHANTOM')],
      ['PatientName', Buffer.from('PHANTOM^NEMA IEC')],
      ['family name', Buffer.from('NEMA IEC')],
      ['StudyInstanceUID', Buffer.from(t.studyInstanceUid)],
      ['CT SeriesInstanceUID', Buffer.from(t.ct.seriesInstanceUid)],
      ['PET SeriesInstanceUID', Buffer.from(t.pet.seriesInstanceUid)],
      ['registration SOPInstanceUID', Buffer.from(sopUids[0]!)],
      ['PET pixel run', pixelRun(phantom.petFiles[Math.floor(phantom.petFiles.length / 2)]!)],
    ];
    const files = walk(dataDir);
    expect(files.length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const [what, needle] of needles) if (bytes.includes(needle)) found.push(`${what} in ${path.relative(dataDir, file)}`);
    }
    expect(found).toEqual([]);
    // Keys are never beside what they protect.
    expect(files.map((f) => path.basename(f)).filter((n) => /^(archive|secret)\.key$/.test(n))).toEqual([]);
    expect(files.reduce((n, f) => n + statSync(f).size, 0)).toBeGreaterThan(100_000); // the retrieved images are there, encrypted
  });

  it('the folder copied elsewhere and opened without its key is "locked", and gives nothing away', async () => {
    const copy = path.join(scratch, 'stolen');
    cpSync(dataDir, copy, { recursive: true });
    const env = { ...process.env };
    delete env.DOKUEI_ARCHIVE_KEY;
    delete env.DOKUEI_PASSPHRASE;
    for (const args of [
      ['archive', 'ls', '--json', '--data-dir', copy],
      ['audit', 'ls', '--json', '--data-dir', copy],
    ]) {
      const r = await cli(args, env);
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).not.toBe(0);
      expect(r.stderr).toMatch(/locked/i);
      expect(r.stdout + r.stderr).not.toContain('DOKUEI-PETCT-PHANTOM');
      expect(r.stdout + r.stderr).not.toContain(phantom.truth.studyInstanceUid);
    }
  });
});
