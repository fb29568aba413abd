/** Every file under a folder, recursively (an unreadable or missing folder lists nothing). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileSystemReason } from './regularFile';

export async function listFilesRecursively(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFilesRecursively(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export interface FolderListing {
  /** The regular files found, symbolic links followed, each real file once. */
  files: string[];
  /** Everything that is not imported, with the reason: nothing is left out without a word. */
  problems: { path: string; reason: string }[];
}

/**
 * The files to import from a folder: regular files, symbolic links followed (to files and to folders), each
 * real file once. A link back into a folder being listed (a loop) is reported and not followed; special
 * files (FIFOs, sockets, devices), broken links and unreadable folders are reported, never opened.
 */
export async function listImportFiles(dir: string): Promise<FolderListing> {
  const listing: FolderListing = { files: [], problems: [] };
  const seenFiles = new Set<string>();
  const visit = async (folder: string, ancestors: Set<string>): Promise<void> => {
    let real: string;
    let entries;
    try {
      real = await fs.realpath(folder);
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch (err) {
      listing.problems.push({ path: folder, reason: `The folder cannot be read: ${fileSystemReason(err) ?? String(err)}` });
      return;
    }
    const inside = new Set(ancestors).add(real);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(folder, e.name);
      let st;
      try {
        st = e.isSymbolicLink() ? await fs.stat(p) : undefined;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        listing.problems.push({ path: p, reason: code === 'ENOENT' ? 'A broken symbolic link: its target does not exist' : `The symbolic link cannot be followed: ${fileSystemReason(err) ?? String(err)}` });
        continue;
      }
      const isDir = st ? st.isDirectory() : e.isDirectory();
      const isFile = st ? st.isFile() : e.isFile();
      if (isDir) {
        const target = st ? await fs.realpath(p).catch(() => p) : p;
        if (st && inside.has(target)) {
          listing.problems.push({ path: p, reason: `A symbolic link loop: it points back at ${target}, which is already being imported; not followed` });
          continue;
        }
        await visit(p, inside);
      } else if (isFile) {
        const key = st ? await fs.realpath(p).catch(() => path.resolve(p)) : path.join(real, e.name);
        if (seenFiles.has(key)) continue; // the same file reached through a link: imported once
        seenFiles.add(key);
        listing.files.push(p);
      } else {
        const kind = e.isFIFO() || st?.isFIFO() ? 'a FIFO (named pipe)' : e.isSocket() || st?.isSocket() ? 'a socket' : e.isCharacterDevice() || st?.isCharacterDevice() ? 'a character device' : e.isBlockDevice() || st?.isBlockDevice() ? 'a block device' : 'not a regular file';
        listing.problems.push({ path: p, reason: `Only regular files are read: this is ${kind}` });
      }
    }
  };
  await visit(dir, new Set());
  return listing;
}
