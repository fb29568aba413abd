/**
 * What the forwarder keeps on disk, beside the log it forwards (`<dataDir>/audit/forwarding.json`, plain JSON:
 * indices, a hash, a host name and error messages, no patient data): the cursor, i.e. the last record delivered
 * and where its frame ends in audit.log, plus the last error, so `dokuei audit forwarding` can tell from another
 * process. The log itself is the queue: the records after the cursor are the ones still to send. Kept with the
 * log, so a new or restored audit folder starts over with its own cursor.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GENESIS_HASH } from '../../../../common/audit/chain';
import { replaceFileDurably } from '../../store/durableFile';

export const FORWARDING_STATE_FILE = 'forwarding.json';

export interface ForwardCursor {
  /** The last delivered record's index; -1 before the first. */
  index: number;
  /** Its hash (the chain's genesis hash before the first): the next record to send must link to it. */
  hash: string;
  /** Where its frame ends in audit.log: the next one starts there. */
  offset: number;
}

export const START_CURSOR: ForwardCursor = { index: -1, hash: GENESIS_HASH, offset: 0 };

export interface ForwardingState {
  cursor: ForwardCursor;
  /** host:port the cursor's records were delivered to. */
  target?: string;
  lastDeliveredAt?: string;
  lastError?: string;
  lastErrorAt?: string;
}

export type ForwardingStateRead = { kind: 'none' } | { kind: 'ok'; state: ForwardingState } | { kind: 'unreadable'; reason: string };

export function forwardingStateFile(auditDir: string): string {
  return path.join(auditDir, FORWARDING_STATE_FILE);
}

export async function readForwardingState(auditDir: string): Promise<ForwardingStateRead> {
  let text: string;
  try {
    text = await fs.readFile(forwardingStateFile(auditDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unreadable', reason: (err as Error).message };
  }
  try {
    const s = JSON.parse(text) as Partial<ForwardingState> & { version?: number };
    const c = s.cursor;
    if (!c || !Number.isInteger(c.index) || c.index < -1 || typeof c.hash !== 'string' || !/^[0-9a-f]{64}$/.test(c.hash) || !Number.isInteger(c.offset) || c.offset < 0) {
      return { kind: 'unreadable', reason: 'no valid cursor in it' };
    }
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const state: ForwardingState = { cursor: { index: c.index, hash: c.hash, offset: c.offset } };
    for (const k of ['target', 'lastDeliveredAt', 'lastError', 'lastErrorAt'] as const) {
      const v = str(s[k]);
      if (v !== undefined) state[k] = v;
    }
    return { kind: 'ok', state };
  } catch {
    return { kind: 'unreadable', reason: 'not JSON' };
  }
}

/** Replaced atomically and fsynced: after a crash the cursor is the old one or the new one. */
export async function writeForwardingState(auditDir: string, state: ForwardingState): Promise<void> {
  await replaceFileDurably(forwardingStateFile(auditDir), `${JSON.stringify({ version: 1, ...state }, null, 2)}\n`);
}
