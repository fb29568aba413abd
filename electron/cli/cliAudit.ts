/**
 * The audit trail for CLI commands that do not open the app's services (`archive`, `suv`, `register --save`):
 * the data folder's log under its usual key, a sink that never fails the command (failures go to stderr), and
 * the log closed (pending records written) when the command is done. A log that cannot be opened is reported
 * on stderr and the command runs unrecorded.
 */
import { AuditLog } from '../services/audit/auditLog';
import { auditSink, type AuditSink } from '../services/audit/auditSink';
import { processAuditContext } from '../services/audit/processContext';
import type { CliFolder } from './cliKeys';
import { cliErrorText, ct } from './i18n/cliText';

export async function withCliAudit<T>(folder: CliFolder, run: (audit: AuditSink | undefined) => Promise<T>): Promise<T> {
  const context = processAuditContext();
  const warn = (m: string) => void process.stderr.write(`dokuei: ${m}\n`);
  let log: AuditLog | undefined;
  try {
    log = await AuditLog.open(folder.dataDir, { keyProvider: (await folder.open()).folder.provider, context });
  } catch (err) {
    // The command still runs (an audit failure never stops the user's action), and says it went unrecorded.
    warn(ct('main.auditNotRecorded', { dir: folder.dataDir, reason: cliErrorText(err) }));
  }
  try {
    return await run(log && auditSink(log, context, (m) => warn(m)));
  } finally {
    await log?.close();
  }
}
