/**
 * Imports files and folders into a store: every readable DICOM instance is stored, duplicates are
 * counted as skipped, and every file that fails is reported with its reason (nothing is dropped silently).
 */
import { promises as fs } from 'node:fs';
import type { InstanceStore } from './instanceStore';
import { listFilesRecursively } from './fsInstanceStore';

export interface ImportOutcome {
  imported: number;
  skipped: number;
  failed: { path: string; reason: string }[];
}

export async function importPaths(
  store: InstanceStore,
  paths: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<ImportOutcome> {
  const files: string[] = [];
  const failed: ImportOutcome['failed'] = [];
  for (const p of paths) {
    try {
      const st = await fs.stat(p);
      if (st.isDirectory()) files.push(...(await listFilesRecursively(p)).sort());
      else files.push(p);
    } catch (err) {
      failed.push({ path: p, reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or folder' : String(err) });
    }
  }
  let imported = 0;
  let skipped = 0;
  for (const [i, file] of files.entries()) {
    try {
      const outcome = await store.put(await fs.readFile(file));
      if (outcome.kind === 'stored') imported++;
      else skipped++;
    } catch (err) {
      failed.push({ path: file, reason: err instanceof Error ? err.message : String(err) });
    }
    onProgress?.(i + 1, files.length);
  }
  return { imported, skipped, failed };
}
