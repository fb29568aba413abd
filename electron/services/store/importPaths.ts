/**
 * Imports files and folders into a store: every readable DICOM instance is stored, duplicates are
 * counted as skipped, and every file that fails is reported with its reason (nothing is dropped silently).
 *
 * A DICOMDIR (Media Storage SOP Class 1.2.840.10008.1.3.10) is an index of the media it sits on, not an
 * instance: given as a path, the folder tree it indexes (its own folder) is imported instead, and that
 * DICOMDIR itself is neither imported nor reported. (A DICOMDIR met inside a folder being imported is
 * reported like any other file that is not an instance.)
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { InstanceStore } from './instanceStore';
import { listFilesRecursively } from './listFiles';

export interface ImportOutcome {
  imported: number;
  skipped: number;
  failed: { path: string; reason: string }[];
}

export const MEDIA_STORAGE_DIRECTORY_SOP_CLASS = '1.2.840.10008.1.3.10';

/**
 * The Media Storage SOP Class UID (0002,0002) from a Part 10 file's meta header (explicit VR little
 * endian, always), or undefined when the bytes are not a Part 10 file. Reads only the meta group.
 */
export function mediaStorageSopClass(bytes: Uint8Array): string | undefined {
  if (bytes.length < 132 || bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 132;
  while (pos + 8 <= bytes.length) {
    const group = view.getUint16(pos, true);
    const element = view.getUint16(pos + 2, true);
    if (group !== 0x0002) return undefined;
    const vr = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!);
    let length: number;
    let header: number;
    if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV'].includes(vr)) {
      if (pos + 12 > bytes.length) return undefined;
      length = view.getUint32(pos + 8, true);
      header = 12;
    } else {
      length = view.getUint16(pos + 6, true);
      header = 8;
    }
    if (length === 0xffffffff || pos + header + length > bytes.length) return undefined;
    if (element === 0x0002) {
      return new TextDecoder('latin1').decode(bytes.subarray(pos + header, pos + header + length)).replace(/[\0 ]+$/, '');
    }
    pos += header + length;
  }
  return undefined;
}

/** Whether the file is a DICOMDIR (reads its first 64 KiB at most). */
export async function isDicomdir(file: string): Promise<boolean> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return mediaStorageSopClass(buf.subarray(0, bytesRead)) === MEDIA_STORAGE_DIRECTORY_SOP_CLASS;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

export async function importPaths(
  store: InstanceStore,
  paths: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<ImportOutcome> {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (list: string[]) => {
    for (const f of list) {
      const key = path.resolve(f);
      if (!seen.has(key)) {
        seen.add(key);
        files.push(f);
      }
    }
  };
  const failed: ImportOutcome['failed'] = [];
  const indexes = new Set<string>(); // the DICOMDIRs given as paths
  for (const p of paths) {
    try {
      const st = await fs.stat(p);
      if (st.isDirectory()) add((await listFilesRecursively(p)).sort());
      else if (await isDicomdir(p)) {
        indexes.add(path.resolve(p));
        add((await listFilesRecursively(path.dirname(p))).sort());
      }
      else add([p]);
    } catch (err) {
      failed.push({ path: p, reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or folder' : String(err) });
    }
  }
  let imported = 0;
  let skipped = 0;
  for (const [i, file] of files.entries()) {
    try {
      if (!indexes.has(path.resolve(file))) {
        const outcome = await store.put(await fs.readFile(file));
        if (outcome.kind === 'stored') imported++;
        else skipped++;
      }
    } catch (err) {
      failed.push({ path: file, reason: err instanceof Error ? err.message : String(err) });
    }
    onProgress?.(i + 1, files.length);
  }
  return { imported, skipped, failed };
}
