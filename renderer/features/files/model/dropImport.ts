/**
 * Dropped (or chosen) files → the archive, over the data plane's STOW-RS endpoint in batches. Pure apart
 * from the `send` it is given, so it is unit-testable without a browser.
 */
import type { StowAnswer } from '../../../platform/dicomweb';

export const BATCH_FILES = 16;
export const BATCH_BYTES = 64 * 1024 * 1024;

export interface DropFile {
  name: string;
  size: number;
}

export interface DropImportResult {
  imported: number;
  duplicates: number;
  failed: { name: string; reason: string }[];
}

/** Consecutive batches of at most `maxFiles` files and `maxBytes` bytes (a larger file goes alone). */
export function batches<T extends DropFile>(files: readonly T[], maxFiles = BATCH_FILES, maxBytes = BATCH_BYTES): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const f of files) {
    if (current.length > 0 && (current.length >= maxFiles || bytes + f.size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += f.size;
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * Sends every file, batch after batch, and tallies what the gateway said of each one. A batch refused as a
 * whole (network, a limit, a cut body) reports each of its files not otherwise accounted for with that reason.
 */
export async function importDropped<T extends DropFile>(
  files: readonly T[],
  send: (batch: T[]) => Promise<StowAnswer>,
  onProgress?: (sent: number, total: number) => void,
): Promise<DropImportResult> {
  const result: DropImportResult = { imported: 0, duplicates: 0, failed: [] };
  let sent = 0;
  onProgress?.(0, files.length);
  for (const batch of batches(files)) {
    const empty = batch.filter((f) => f.size === 0);
    const toSend = batch.filter((f) => f.size > 0);
    for (const f of empty) result.failed.push({ name: f.name, reason: 'Empty file (or a folder): nothing to import' });
    if (toSend.length) {
      let answer: StowAnswer;
      try {
        answer = await send(toSend);
      } catch (err) {
        answer = { status: 0, parts: [], error: (err as Error).message };
      }
      const seen = new Set<number>();
      for (const p of answer.parts) {
        const file = toSend[p.part - 1];
        if (!file) continue;
        seen.add(p.part);
        if (p.outcome === 'stored') result.imported++;
        else if (p.outcome === 'duplicate') result.duplicates++;
        else result.failed.push({ name: file.name, reason: p.reason ?? 'Refused' });
      }
      toSend.forEach((f, i) => {
        if (!seen.has(i + 1)) result.failed.push({ name: f.name, reason: answer.error ?? `Not imported (HTTP ${answer.status})` });
      });
    }
    sent += batch.length;
    onProgress?.(sent, files.length);
  }
  return result;
}
