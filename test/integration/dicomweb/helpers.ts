/** Shared bits of the DICOMweb node suites: node settings, a real store (the encrypted archive) as the sink, derived test data. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { PacsError, type RetrieveProgress } from '../../../electron/services/pacs/pacsNode';
import { DicomwebNodeSettings } from '../../../electron/services/settings/settings';
import { parseDicomBytes, type DicomFileInfo } from '../../support/dicomFiles';
import { archivedInstances, openTestArchive } from '../../support/testArchive';
import { makeTempDir } from '../../support/tempDir';

export function nodeSettings(input: Record<string, unknown> & { url: string }): DicomwebNodeSettings {
  return DicomwebNodeSettings.parse({ id: 'test-node', name: 'TestPACS', kind: 'dicomweb', ...input });
}

/** Awaits a promise that must reject with a PacsError, and returns that error. */
export async function pacsErrorOf(promise: Promise<unknown>): Promise<PacsError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`Expected a PacsError, got a result: ${JSON.stringify(outcome.value)?.slice(0, 200)}`);
  if (!(outcome.error instanceof PacsError)) throw new Error(`Expected a PacsError, got ${String(outcome.error)}`, { cause: outcome.error });
  return outcome.error;
}

export interface StoreUnderTest {
  root: string;
  store: EncryptedArchive;
  sink: (bytes: Uint8Array) => Promise<void>;
  /** Every progress event, in order. */
  progress: RetrieveProgress[];
  onProgress: (p: RetrieveProgress) => void;
  /** The instances in the archive, read back from its files and parsed independently (dicom-parser). */
  storedFiles(): Promise<DicomFileInfo[]>;
  /** What is left in <root>/tmp (half-written instances would be there). */
  tempLeftovers(): Promise<string[]>;
}

export async function storeUnderTest(dirs: string[]): Promise<StoreUnderTest> {
  const root = await makeTempDir('dokuei-dicomweb-store-');
  dirs.push(root);
  const store = await openTestArchive(root);
  const progress: RetrieveProgress[] = [];
  return {
    root,
    store,
    sink: async (bytes) => void (await store.put(bytes)),
    progress,
    onProgress: (p) => progress.push(p),
    storedFiles: async () => (await archivedInstances(store)).map((i) => parseDicomBytes(i.bytes, `${root}: ${i.study}/${i.series}/${i.sop}`)),
    tempLeftovers: async () => fs.readdir(path.join(root, 'tmp')),
  };
}

/** Progress must only grow, and end where the retrieve says it ended. */
export function expectMonotonicProgress(events: RetrieveProgress[], final: RetrieveProgress): void {
  expect(events.length).toBeGreaterThan(0);
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1]!;
    const b = events[i]!;
    expect(b.completed).toBeGreaterThanOrEqual(a.completed);
    expect(b.failed).toBeGreaterThanOrEqual(a.failed);
    expect(b.bytes).toBeGreaterThanOrEqual(a.bytes);
    expect(b.total).toBe(a.total);
  }
  expect(events[events.length - 1]).toEqual(final);
}

/**
 * The same bytes with every occurrence of some UIDs replaced by others of the same length, so the file
 * layout (and the pixel data) stay exactly as they were. Makes a second series of a real study.
 */
export function replaceUids(bytes: Uint8Array, replacements: Map<string, string>): Uint8Array {
  const out = Buffer.from(bytes);
  for (const [from, to] of replacements) {
    if (from.length !== to.length) throw new Error(`UID replacement must keep the length: ${from} → ${to}`);
    const needle = Buffer.from(from, 'latin1');
    let found = 0;
    for (let i = out.indexOf(needle); i >= 0; i = out.indexOf(needle, i + 1)) {
      const after = out[i + needle.length];
      if (after !== undefined && ((after >= 0x30 && after <= 0x39) || after === 0x2e)) continue; // a longer UID
      out.write(to, i, 'latin1');
      found++;
    }
    if (found === 0) throw new Error(`UID ${from} not found`);
  }
  return new Uint8Array(out);
}

/** A UID of the same length that differs in its last digits. */
export function sibling(uid: string, salt: number): string {
  const tail = String(900 + salt).padStart(3, '0');
  return uid.slice(0, -tail.length) + tail;
}
