/**
 * Child process of the crash test: opens the archive (running its start-up recovery) and writes the demo
 * study plus a few small studies. Mode "loop" stores everything, evicts it again and repeats until killed;
 * "once" stores everything and exits 0. Prints "ready" once the archive is open.
 *   node --import tsx crashWriter.ts ARCHIVE_DIR loop|once   (key from DOKUEI_ARCHIVE_KEY)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { EnvKeyProvider } from '../../../electron/services/archive/keyProvider';
import { crashTestFiles } from './crashFiles';

const [dir, mode] = process.argv.slice(2);
const archive = await EncryptedArchive.open(dir!, { keyProvider: new EnvKeyProvider() });
process.stdout.write('ready\n');
const files = crashTestFiles().map((f) => readFileSync(f));
for (let pass = 0; ; pass++) {
  const studies = new Set<string>();
  for (const bytes of files) studies.add((await archive.put(bytes)).study);
  if (mode === 'once') break;
  // Alternate the eviction order so kills land in different studies' deletions.
  const order = [...studies];
  if (pass % 2) order.reverse();
  for (const s of order) await archive.evict(s);
}
await archive.close();
process.stdout.write(`done ${path.basename(dir!)}\n`);
