/**
 * Where forwarding stands, read from disk by any process (`dokuei audit forwarding`): the settings, the stored
 * cursor and last error, the records still queued after it, and whether a Dokuei process forwards right now.
 */
import type { AuditRecord } from '../../../../common/audit/chain';
import type { AuditForwardingSettings } from '../../settings/settings';
import { forwardingLockOwner } from './forwardingLock';
import { readForwardingState } from './forwardingState';

export interface ForwardingReport {
  enabled: boolean;
  /** host:port, when a host is configured. */
  target: string | null;
  /** The last record delivered (null before the first). */
  cursor: number | null;
  /** Records in the log after the cursor, not yet delivered. */
  queued: number;
  /** pid of the process forwarding now, null when none is. */
  forwarderPid: number | null;
  lastDeliveredAt?: string;
  lastError?: string;
  lastErrorAt?: string;
  /** Why the stored cursor could not be read, when it could not. */
  stateProblem?: string;
}

export async function forwardingReport(auditDir: string, settings: AuditForwardingSettings | undefined, records: readonly AuditRecord[]): Promise<ForwardingReport> {
  const read = await readForwardingState(auditDir);
  const state = read.kind === 'ok' ? read.state : undefined;
  const cursor = state && state.cursor.index >= 0 ? state.cursor.index : null;
  const pid = await forwardingLockOwner(auditDir);
  return {
    enabled: settings?.enabled ?? false,
    target: settings?.host ? `${settings.host}:${settings.port}` : null,
    cursor,
    queued: records.filter((r) => r.index > (cursor ?? -1)).length,
    forwarderPid: pid ?? null,
    ...(state?.lastDeliveredAt ? { lastDeliveredAt: state.lastDeliveredAt } : {}),
    ...(state?.lastError ? { lastError: state.lastError, lastErrorAt: state.lastErrorAt } : {}),
    ...(read.kind === 'unreadable' ? { stateProblem: read.reason } : {}),
  };
}
