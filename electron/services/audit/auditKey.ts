/**
 * The audit log's key: a random 32-byte key of its own in `<auditDir>/key.json`, wrapped by the same
 * KeyProvider as the archive's data key (the custody code of ../archive/keyCustody). Its own key, not the
 * archive's: the log must outlive an archive that is moved, emptied or re-created, and it must be readable
 * when no archive has been opened yet (`dokuei audit verify` on a fresh data folder).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadDataKey } from '../archive/keyCustody';
import { ArchiveKeyError, type KeyProvider } from '../archive/keyProvider';
import { AUDIT_LOG_FILE } from './auditFiles';

export async function loadAuditKey(auditDir: string, provider: KeyProvider): Promise<Buffer> {
  await fs.mkdir(path.join(auditDir, 'tmp'), { recursive: true, mode: 0o700 });
  const hasKey = await fs.stat(path.join(auditDir, 'key.json')).then(() => true, () => false);
  const hasLog = await fs.stat(path.join(auditDir, AUDIT_LOG_FILE)).then(() => true, () => false);
  // A fresh key over an existing log would make every record unreadable: refuse, as the archive does.
  if (!hasKey && hasLog) throw new ArchiveKeyError(`The audit log in ${auditDir} has no key.json: its key is lost`);
  return loadDataKey(auditDir, provider);
}
