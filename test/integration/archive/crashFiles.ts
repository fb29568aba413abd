import path from 'node:path';
import { demoCtDir, dicomFilesIn, repoRoot } from '../../support/data';

/** What the crash test writes: the 64-slice demo CT and three small studies with Japanese/UTF-8 names. */
export function crashTestFiles(): string[] {
  return [
    ...dicomFilesIn(demoCtDir()),
    ...['chrH31.dcm', 'chrX1.dcm', 'chrJapMulti.dcm'].map((f) => path.join(repoRoot, 'test/fixtures/charsets', f)),
  ];
}
