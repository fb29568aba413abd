/** Every file under a folder, recursively (an unreadable or missing folder lists nothing). */
import { promises as fs } from 'node:fs';
import path from 'node:path';

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
