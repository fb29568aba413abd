/** Where Dokuei keeps its local data when no folder is given (browser host and CLI; Electron uses userData). */
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'dokuei');
}
