/**
 * Reading a file a user named (import, inspect): only regular files. A FIFO, socket or device is refused at
 * once with a reason, never opened for a blocking read: reading a FIFO without a writer blocks forever, and
 * each such read holds one of libuv's four threadpool threads, so four of them stop every file read in the
 * process (the browser host stopped serving frames that way).
 *
 * The file is opened with O_NONBLOCK and checked with fstat on the open handle, so a path swapped for a FIFO
 * between a stat and the open cannot block either.
 */
import { constants, promises as fs, type Stats } from 'node:fs';

/** The path is not a regular file (or cannot be read); the message says what it is, in words. */
export class NotRegularFileError extends Error {
  constructor(
    message: string,
    /** The system's own error code (ENOENT, EACCES, …), when there is one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'NotRegularFileError';
  }
}

/** What a non-regular file is, for a message ("a FIFO (named pipe)"). */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** The reason a path cannot be read, as a sentence; `undefined` for errors that are not about the file system. */
export function fileSystemReason(err: unknown): string | undefined {
  switch ((err as NodeJS.ErrnoException | null)?.code) {
    case 'ENOENT':
      return 'No such file or folder';
    case 'ENOTDIR':
      return 'A part of the path is not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'Permission denied: this user may not read it';
    case 'ELOOP':
      return 'A symbolic link loop: the link points back at itself';
    case 'ENXIO':
      return 'Only regular files are read: this is a socket or a device';
    case 'EISDIR':
      return 'Is a folder';
    case 'ENAMETOOLONG':
      return 'The path is too long';
    case 'EIO':
      return 'The disk reported a read error';
    case 'EMFILE':
    case 'ENFILE':
      return 'Too many files are open; try again';
    default:
      return undefined;
  }
}

function refuse(st: Stats): NotRegularFileError {
  return new NotRegularFileError(st.isDirectory() ? 'Is a folder' : `Only regular files are read: this is ${fileKind(st)}`);
}

/** Throws NotRegularFileError unless `file` (symbolic links followed) is a regular file. Never blocks on the file itself. */
export async function assertRegularFile(file: string): Promise<Stats> {
  let st: Stats;
  try {
    st = await fs.stat(file);
  } catch (err) {
    throw new NotRegularFileError(fileSystemReason(err) ?? String(err), (err as NodeJS.ErrnoException).code);
  }
  if (!st.isFile()) throw refuse(st);
  return st;
}

/** The bytes of a regular file; anything else is refused at once with NotRegularFileError. */
export async function readRegularFile(file: string): Promise<Buffer> {
  await assertRegularFile(file);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw new NotRegularFileError(fileSystemReason(err) ?? String(err), (err as NodeJS.ErrnoException).code);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw refuse(st);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
