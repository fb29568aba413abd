/** The data the bench measures on: the real 275-slice CT when this machine has it, else the committed demo. */
import { statSync } from 'node:fs';
import { demoCtDir, dicomFilesIn, sharedDataDir } from '../../test/support/data';

export interface CtData {
  dir: string;
  files: string[];
  bytes: number;
  /** 'ct_chest_lidc0314 (275 slices)' or the demo fallback, for the report. */
  label: string;
  fallback: boolean;
}

let cached: CtData | undefined;

export function benchCt(): CtData {
  if (cached) return cached;
  const real = sharedDataDir('ct_chest_lidc0314');
  const dir = real ?? demoCtDir();
  const files = dicomFilesIn(dir);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  cached = {
    dir,
    files,
    bytes,
    fallback: !real,
    label: real ? `ct_chest_lidc0314 (${files.length} slices)` : `the committed demo resources/demo (${files.length} slices; ../shared/data/ct_chest_lidc0314 is absent)`,
  };
  return cached;
}

export const MB = 1024 * 1024;
