/**
 * Where tests find real DICOM: the committed demo study (resources/demo) and, when the checkout sits next
 * to it, the shared data sets in ../shared/data (see its MANIFEST.txt files).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A set under ../shared/data, or undefined when this machine has no copy of it. */
export function sharedDataDir(name: string): string | undefined {
  const dir = path.resolve(repoRoot, '../shared/data', name);
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : undefined;
}

/** The committed demo study: 64 adjacent real slices (1 mm apart) of the LIDC-IDRI-0314 chest CT. */
export function demoCtDir(): string {
  return path.join(repoRoot, 'resources', 'demo');
}

/** The full 275-slice LIDC-IDRI-0314 CT when present, else the committed 64-slice demo block of it. */
export function realCtDir(): string {
  return sharedDataDir('ct_chest_lidc0314') ?? demoCtDir();
}

/** The .dcm files directly in dir, sorted by name. */
export function dicomFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.dcm'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** At most n items spread evenly over the list, always including the first and the last. */
export function evenlySpaced<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  if (n <= 1) return items.slice(0, n);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))]!);
  return out;
}
