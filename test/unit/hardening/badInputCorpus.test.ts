/**
 * Issue 16, bad-input corpus: every file of test/support/badInputs.ts fed to `dokuei inspect` (the CLI, and the
 * same reader in process), to import (a folder holding them all) and through STOW-RS. Each must give a clear
 * error of its own, the others go on, nothing crashes and nothing hangs (each reading is bounded by a timeout).
 * Prints the `corpus:` figures line that `npm run test:hardening` gathers.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { InspectResult } from '../../../common/dicom/inspectResult';
import { encodeMultipart } from '../../../common/dicom/multipart';
import type { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { inspectFile } from '../../../electron/services/dicom/inspect';
import { createGateway } from '../../../electron/services/gateway/gateway';
import { STOW_PRIVATE } from '../../../electron/services/gateway/stow';
import { importPaths, type ImportOutcome } from '../../../electron/services/store/importPaths';
import { badInputCorpus, generatedBadInputs, isClearMessage, type BadInput } from '../../support/badInputs';
import { repoRoot } from '../../support/data';
import { openTestArchive } from '../../support/testArchive';
import { makeTempDir, removeDir } from '../../support/tempDir';

/** One reading of one file must end within this; a hang is counted, not waited for. */
const PER_FILE_MS = 10_000;
const CLI_MS = 180_000;

const corpus = badInputCorpus();
let dir: string;
const pathOf = (f: BadInput) => path.join(dir, 'corpus', f.name);

/** The figures over every way of reading: how many readings, clear and unclear errors, crashes, hangs. */
const figures = { tried: 0, clearErrors: 0, unclearErrors: 0, crashes: 0, hangs: 0 };
const problems: string[] = [];
function count(way: string, file: string, message: string | null | undefined): void {
  figures.tried++;
  if (message === null || message === undefined) return;
  if (isClearMessage(message)) figures.clearErrors++;
  else {
    figures.unclearErrors++;
    problems.push(`${way} ${file}: unclear ${JSON.stringify(message)}`);
  }
}

class Hang extends Error {}
async function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Hang()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  dir = await makeTempDir('dokuei-badinputs-');
  await fs.mkdir(path.join(dir, 'corpus'));
  for (const f of corpus) await fs.writeFile(pathOf(f), f.bytes);
});
afterAll(async () => {
  // The line the hardening runner reads (scripts/testHardening.mjs): printed whatever the tests found.
  console.log(`corpus: ${figures.tried} files tried / ${figures.clearErrors} clear errors / unclear errors ${figures.unclearErrors} / crashes ${figures.crashes} / hangs ${figures.hangs}`);
  await removeDir(dir);
});

describe('the bad-input corpus', () => {
  it('has at least 150 generated files, the same on every run (fixed seed)', () => {
    const generated = generatedBadInputs();
    expect(generated.length).toBeGreaterThanOrEqual(150);
    const digest = (list: BadInput[]) => createHash('sha256').update(list.map((f) => `${f.name}:${createHash('sha256').update(f.bytes).digest('hex')}`).join('\n')).digest('hex');
    expect(digest(generatedBadInputs())).toBe(digest(generated));
    expect(new Set(generated.map((f) => f.name)).size).toBe(generated.length);
    // The families the issue names, each present.
    const families = new Set(generated.map((f) => f.family));
    for (const family of ['truncated', 'vr-length', 'unclosed', 'nested', 'overflow', 'bits', 'syntax', 'garbage-frames', 'uid', 'not-dicom']) expect(families).toContain(family);
    expect(generated.filter((f) => f.family === 'truncated').length).toBeGreaterThanOrEqual(20);
  });

  it('`dokuei inspect --json` answers for every file with a clear error for each bad one, within its time', async () => {
    const bin = path.join(repoRoot, 'bin', 'dokuei.mjs');
    const files = corpus.map(pathOf);
    const run = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, 'inspect', '--json', ...files], { timeout: CLI_MS, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, DOKUEI_DATA_DIR: path.join(dir, 'data') } }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, signal: (err as { signal?: string } | null)?.signal ?? null, stdout, stderr }),
      );
    });
    if (run.signal === 'SIGTERM') figures.hangs++;
    // 1: some file could not be read (as it must); anything else is the process failing.
    else if (run.code !== 1) figures.crashes++;
    expect(run.signal, 'the CLI ran past its time').toBeNull();
    expect(run.code, run.stderr.slice(0, 2000)).toBe(1);
    expect(run.stderr, 'no stack trace or library message on stderr').not.toMatch(/\n\s+at |Error:/);
    const results = JSON.parse(run.stdout) as InspectResult[];
    expect(results.map((r) => r.file)).toEqual(files);
    const missed: string[] = [];
    corpus.forEach((f, i) => {
      const r = results[i]!;
      const message = r.ok ? r.framesError : r.error;
      count('cli', f.name, message);
      if (f.refuse.read && !message) missed.push(`${f.name}: read without a word (${r.rows}×${r.columns}, ${r.frames?.length ?? 0} frames)`);
    });
    expect(missed).toEqual([]);
    expect(problems.filter((p) => p.startsWith('cli '))).toEqual([]);
  }, CLI_MS + 30_000);

  it('the same reader in process: no file throws or hangs, each bad one says why', async () => {
    const missed: string[] = [];
    for (const f of corpus) {
      let r: InspectResult;
      try {
        r = await bounded(inspectFile(pathOf(f)), PER_FILE_MS);
      } catch (err) {
        if (err instanceof Hang) figures.hangs++;
        else figures.crashes++;
        missed.push(`${f.name}: ${err instanceof Hang ? 'hung' : `threw ${String(err)}`}`);
        continue;
      }
      const message = r.ok ? r.framesError : r.error;
      count('inspect', f.name, message);
      if (f.refuse.read && !message) missed.push(`${f.name}: read without a word`);
    }
    expect(missed).toEqual([]);
    expect(problems.filter((p) => p.startsWith('inspect '))).toEqual([]);
  }, 300_000);

  describe('into an archive', () => {
    let archive: EncryptedArchive;
    beforeAll(async () => {
      archive = await openTestArchive(path.join(dir, 'archive'));
    });
    afterAll(async () => {
      await archive?.close();
    });

    it('import of the folder: every bad file fails with its own clear reason, the good ones are stored', async () => {
      let outcome: ImportOutcome;
      try {
        outcome = await bounded(importPaths(archive, [path.join(dir, 'corpus')]), PER_FILE_MS * 20);
      } catch (err) {
        if (err instanceof Hang) figures.hangs++;
        else figures.crashes++;
        throw err;
      }
      const failedByName = new Map(outcome.failed.map((f) => [path.basename(f.path), f.reason]));
      for (const f of corpus) count('import', f.name, failedByName.get(f.name));
      // Every file accounted for once: stored, skipped (identical), replaced, kept aside as a conflict, or failed.
      expect(outcome.imported + outcome.skipped + outcome.replaced + outcome.conflicts.length + outcome.failed.length).toBe(corpus.length);
      expect(corpus.filter((f) => f.refuse.store && !failedByName.has(f.name)).map((f) => f.name)).toEqual([]);
      expect(problems.filter((p) => p.startsWith('import '))).toEqual([]);
      // The good files went on despite the bad ones around them.
      expect(outcome.imported).toBeGreaterThan(0);
      // A SOP Instance UID with "../" never reached a path.
      expect(existsSync('/tmp/dokuei-escape')).toBe(false);
    }, 300_000);

    it('STOW-RS of every file, 25 to a request: each bad part is refused with a clear reason, the others stored', async () => {
      const gateway = createGateway({ store: archive, upstreams: [], basePath: '/dicomweb', storeThrough: false });
      const boundary = 'dokuei-bad-input-corpus';
      const missed: string[] = [];
      try {
        for (let start = 0; start < corpus.length; start += 25) {
          const batch = corpus.slice(start, start + 25);
          const body = encodeMultipart(batch.map((f) => ({ contentType: 'application/dicom', body: f.bytes })), boundary);
          const request = new Request('http://127.0.0.1:9/dicomweb/studies', { method: 'POST', headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` }, body });
          let res: Response;
          try {
            res = await bounded(gateway(request), PER_FILE_MS * batch.length);
          } catch (err) {
            if (err instanceof Hang) figures.hangs++;
            else figures.crashes++;
            missed.push(`request from ${batch[0]!.name}: ${err instanceof Hang ? 'hung' : String(err)}`);
            continue;
          }
          if (res.status >= 500 || ![200, 202, 409].includes(res.status)) {
            figures.crashes++;
            missed.push(`request from ${batch[0]!.name}: status ${res.status} ${(await res.text()).slice(0, 300)}`);
            continue;
          }
          const answer = (await res.json()) as DicomJsonDataset;
          const failed = (answer['00081198']?.Value ?? []) as DicomJsonDataset[];
          const reasons = new Map(failed.map((item) => [Number(item[STOW_PRIVATE.partNumber]?.Value?.[0]), String(item[STOW_PRIVATE.reasonText]?.Value?.[0] ?? '')]));
          batch.forEach((f, i) => {
            count('stow', f.name, reasons.get(i + 1));
            if (f.refuse.store && !reasons.has(i + 1)) missed.push(`${f.name}: stored`);
          });
        }
      } finally {
        await gateway.close();
      }
      expect(missed).toEqual([]);
      expect(problems.filter((p) => p.startsWith('stow '))).toEqual([]);
    }, 300_000);
  });
});
