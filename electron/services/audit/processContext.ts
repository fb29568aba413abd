/**
 * Who records, for this process: "dokuei@<host>" as the application (AuditSourceID), the process id, and
 * the operating system account as the user. Dokuei has no login of its own yet, so the OS account is the
 * best identity of the person at the workstation.
 */
import os from 'node:os';
import type { AuditContext } from '../../../common/audit/builders';

export function processAuditContext(): AuditContext {
  const host = os.hostname();
  const ctx: AuditContext = { application: `dokuei@${host}`, host, processId: process.pid };
  try {
    ctx.user = { id: os.userInfo().username };
  } catch {
    // No passwd entry (some containers): the application is then the requestor.
  }
  return ctx;
}
