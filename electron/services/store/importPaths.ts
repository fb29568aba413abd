/**
 * Imports files and folders into a store: every readable, complete DICOM instance is stored, identical copies
 * are counted as skipped, complete copies replacing incomplete ones as replaced, different copies as
 * conflicts, and every file that fails is reported with its reason (nothing is dropped silently): incomplete
 * instances (completeness.ts), files that are not regular files, broken links and symbolic link loops.
 *
 * A DICOMDIR (Media Storage SOP Class 1.2.840.10008.1.3.10) is an index of the media it sits on, not an
 * instance: given as a path, the files its records name are imported (dicomdir.ts; `studies` narrows them to the
 * studies chosen), each file the index names but the media lacks is reported as failed, and the DICOMDIR itself is
 * neither imported nor reported. A DICOMDIR that names no instance (an empty or unreadable index) has its folder
 * tree imported instead. (A DICOMDIR met inside a folder being imported is reported like any other file that is
 * not an instance.)
 */
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { describeFailure } from '../dicom/readErrors';
import type { Says } from '../../../common/i18n/says';
import { reasonSays } from './reasonSays';
import { dicomdirInstances, readDicomdir } from './dicomdir';
import type { InstanceStore } from './instanceStore';
import { listImportFiles } from './listFiles';
import { fileKind, fileSystemReason, readRegularFile } from './regularFile';

export interface ImportFailure {
  path: string;
  /** A sentence for the user; an incomplete instance's reason starts with "Incomplete instance". */
  reason: string;
  /** The raw library message the reason replaces (readErrors.ts): for `--json`, not for people. */
  detail?: string;
  /** The reason as a key of the services' catalogue, for the UI and CLI to word in the reader's language. */
  says?: Says;
}

export interface ImportConflict {
  path: string;
  sopInstanceUID: string;
  reason: string;
  /** Where the conflicting copy is kept (encrypted), relative to the archive folder. */
  keptAs?: string;
}

export interface ImportOutcome {
  /** Instances stored that were not there. */
  imported: number;
  /** Identical copies of instances already stored. */
  skipped: number;
  /** Complete copies that replaced an incomplete stored copy. */
  replaced: number;
  /** Complete copies that differ from the complete copy already stored: kept aside, not served. */
  conflicts: ImportConflict[];
  failed: ImportFailure[];
}

export interface ImportOptions {
  /** For a DICOMDIR given as a path: import only these studies' instances (all when absent). */
  studies?: ReadonlySet<string>;
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

/** Whether the file is a DICOMDIR (reads its first 64 KiB at most; anything but a regular file is not). */
export async function isDicomdir(file: string): Promise<boolean> {
  let handle: fs.FileHandle | undefined;
  try {
    // O_NONBLOCK: a FIFO must not block here (regularFile.ts); it is refused when read.
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!(await handle.stat()).isFile()) return false;
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return mediaStorageSopClass(buf.subarray(0, bytesRead)) === MEDIA_STORAGE_DIRECTORY_SOP_CLASS;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/**
 * Every file of `paths` (folders walked, symbolic links followed with loop protection) put into the store,
 * one at a time. Only regular files are read; every file that is not stored is counted or reported.
 */
export async function importPaths(
  store: InstanceStore,
  paths: readonly string[],
  onProgress?: (done: number, total: number) => void,
  options: ImportOptions = {},
): Promise<ImportOutcome> {
  const files: string[] = [];
  const seen = new Set<string>();
  const failed: ImportFailure[] = [];
  const add = (list: string[]) => {
    for (const f of list) {
      const key = path.resolve(f);
      if (!seen.has(key)) {
        seen.add(key);
        files.push(f);
      }
    }
  };
  const addFolder = async (dir: string) => {
    const listing = await listImportFiles(dir);
    add(listing.files.sort());
    failed.push(...listing.problems);
  };
  const indexes = new Set<string>(); // the DICOMDIRs given as paths
  for (const p of paths) {
    let st;
    try {
      st = await fs.stat(p);
    } catch (err) {
      failed.push({ path: p, reason: fileSystemReason(err) ?? String(err) });
      continue;
    }
    if (st.isDirectory()) await addFolder(p);
    else if (!st.isFile()) failed.push({ path: p, reason: `Only regular files are read: this is ${fileKind(st)}` });
    else if (await isDicomdir(p)) {
      indexes.add(path.resolve(p));
      const contents = await readDicomdir(p).catch(() => undefined);
      const listed = contents ? dicomdirInstances(contents) : [];
      if (!contents || listed.length === 0) {
        await addFolder(path.dirname(p));
        continue;
      }
      const chosen = dicomdirInstances(contents, options.studies);
      add(chosen.filter((i) => i.exists).map((i) => i.file));
      for (const i of chosen) if (!i.exists) failed.push({ path: path.join(path.dirname(p), ...i.referencedFileId.split('/')), reason: `Listed in the DICOMDIR (${i.referencedFileId}) but not on the media` });
    } else add([p]);
  }
  const outcome: ImportOutcome = { imported: 0, skipped: 0, replaced: 0, conflicts: [], failed };
  for (const [i, file] of files.entries()) {
    try {
      if (!indexes.has(path.resolve(file))) {
        const put = await store.put(await readRegularFile(file));
        if (put.kind === 'stored') outcome.imported++;
        else if (put.kind === 'replaced') outcome.replaced++;
        else if (put.kind === 'duplicate') outcome.skipped++;
        else {
          const conflict: ImportConflict = {
            path: file,
            sopInstanceUID: put.instance,
            reason: 'A different copy of this instance (same SOP Instance UID, other content) is already stored; this one was kept aside',
          };
          if (put.keptAs) conflict.keptAs = put.keptAs;
          outcome.conflicts.push(conflict);
        }
      }
    } catch (err) {
      failed.push({ path: file, ...describeFailure(err) });
    }
    onProgress?.(i + 1, files.length);
  }
  for (const f of failed) {
    const said = reasonSays(f.reason);
    if (said) f.says = said;
  }
  return outcome;
}
