/** Temporary folders under os.tmpdir() for tests; remove them in afterAll/afterEach. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function makeTempDir(prefix = 'dokuei-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (!dir) return;
  await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
