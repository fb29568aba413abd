/**
 * The audit log service: append-only, hash-chained (common/audit/chain), encrypted (auditFiles.ts), in
 * `<dataDir>/audit/`. Every access to patient data is meant to go through `append`.
 *
 * An append: under the cross-process lock, read the head, link the new record to it, append its frame and
 * fsync, then replace the head. A crash between the two leaves a record beyond the head's length: the next
 * append adopts it (it is authentic and links to the head); a torn frame there is cut. Anything else that
 * does not fit — a log shorter than the head remembers, a missing head — is left as it is for `verify` to
 * report, and is itself recorded as a Security Alert before the next record, so the evidence stays in the chain.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { securityAlert, type AuditContext, type AuditEvent } from '../../../common/audit/builders';
import { GENESIS_HASH, linkRecord, recordHash, verifyChain, type AuditRecord, type ChainHead, type ChainReport, type LogEntry } from '../../../common/audit/chain';
import { EventTypeCode, Outcome } from '../../../common/audit/codes';
import { encryptFrame } from '../archive/crypto';
import type { KeyProvider } from '../archive/keyProvider';
import { withAppendLock } from './appendLock';
import { AUDIT_LOG_FILE, readHead, splitFrames, writeHead, type Frame, type HeadState, type StoredHead } from './auditFiles';
import { loadAuditKey } from './auditKey';

export interface AuditLogOptions {
  keyProvider: KeyProvider;
  /** Who records (the application, host, user): used for the log's own alerts. */
  context: AuditContext;
  now?: () => Date;
}

/** `<dataDir>/audit`. */
export function auditDirOf(dataDir: string): string {
  return path.join(dataDir, 'audit');
}

function parseRecord(plain: Buffer): AuditRecord | undefined {
  try {
    const r = JSON.parse(plain.toString('utf8')) as Partial<AuditRecord>;
    if (typeof r.index !== 'number' || typeof r.time !== 'string' || typeof r.eventId !== 'string' || typeof r.xml !== 'string' || typeof r.prevHash !== 'string' || typeof r.hash !== 'string') return undefined;
    return r as AuditRecord;
  } catch {
    return undefined;
  }
}

/**
 * The head after the authentic records that continue the chain from `head` (records a crash wrote before
 * their head); `complete` is false when a frame that does not continue it was met.
 */
function adoptFrames(head: StoredHead | undefined, frames: readonly Frame[]): { head: StoredHead | undefined; complete: boolean } {
  for (const f of frames) {
    const r = f.kind === 'ok' ? parseRecord(f.plain) : undefined;
    const fits = r && recordHash(r) === r.hash && r.index === (head ? head.lastIndex + 1 : 0) && r.prevHash === (head ? head.hash : GENESIS_HASH);
    if (!fits) return { head, complete: false };
    head = { lastIndex: r.index, hash: r.hash, bytes: f.end };
  }
  return { head, complete: true };
}

export class AuditLog {
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly key: Buffer,
    private readonly context: AuditContext,
    private readonly now: () => Date,
  ) {}

  /** Opens (creating if needed) the log in `<dataDir>/audit`. */
  static async open(dataDir: string, options: AuditLogOptions): Promise<AuditLog> {
    const dir = auditDirOf(dataDir);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const key = await loadAuditKey(dir, options.keyProvider);
    return new AuditLog(dir, key, options.context, options.now ?? (() => new Date()));
  }

  get file(): string {
    return path.join(this.dir, AUDIT_LOG_FILE);
  }

  /** The log's URI, as Audit Log Used messages name it. */
  get uri(): string {
    return `file://${this.file}`;
  }

  /** Appends one event (serialised in call order, and across processes); resolves once it is on disk. */
  append(event: AuditEvent): Promise<AuditRecord> {
    if (this.closed) return Promise.reject(new Error('The audit log is closed'));
    const p = this.chain.then(() => withAppendLock(this.dir, () => this.appendLocked(event)));
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async appendLocked(event: AuditEvent): Promise<AuditRecord> {
    const reconciled = await this.reconcile();
    let head = reconciled.head;
    const alert = reconciled.alert;
    if (alert) {
      const event = securityAlert(this.context, { type: EventTypeCode.UseOfRestrictedFunction, subject: this.uri, description: alert, outcome: Outcome.SeriousFailure, time: this.now() });
      head = (await this.write(head, event)).head;
    }
    return (await this.write(head, event)).record;
  }

  private async write(prev: StoredHead | undefined, event: AuditEvent): Promise<{ record: AuditRecord; head: StoredHead }> {
    const record = linkRecord(prev, this.now().toISOString(), event.eventId, event.xml);
    const h = await fs.open(this.file, 'a', 0o600);
    let bytes: number;
    try {
      await h.write(encryptFrame(this.key, Buffer.from(JSON.stringify(record), 'utf8')));
      await h.datasync();
      bytes = (await h.stat()).size;
    } finally {
      await h.close();
    }
    const head: StoredHead = { lastIndex: record.index, hash: record.hash, bytes };
    await writeHead(this.dir, this.key, head);
    return { record, head };
  }

  /**
   * The head to append after, bringing it up to date after a crash between a record and its head. `alert`
   * says what did not fit (and is recorded before the next record).
   */
  private async reconcile(): Promise<{ head: StoredHead | undefined; alert?: string }> {
    const state = await readHead(this.dir, this.key);
    const buf = await fs.readFile(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return Buffer.alloc(0);
      throw err;
    });
    if (state.kind === 'ok' && buf.length === state.head.bytes) return { head: state.head };
    if (state.kind === 'none' && buf.length === 0) return { head: undefined };
    if (state.kind === 'ok' && buf.length < state.head.bytes) {
      return { head: state.head, alert: `The audit log is ${state.head.bytes - buf.length} bytes shorter than its head remembers (records up to ${state.head.lastIndex} may have been cut off)` };
    }
    // Beyond the head (or no usable head): adopt authentic records that continue the chain; cut a torn frame.
    const start = state.kind === 'ok' ? state.head : undefined;
    const { frames, tornAt } = splitFrames(this.key, buf, start ? start.bytes : 0);
    const { head: adopted, complete: adopting } = adoptFrames(start, frames);
    let head = adopted;
    if (tornAt !== undefined) {
      // A crash mid-append left part of a frame: nothing acknowledged it, and the next frame must start clean.
      await fs.truncate(this.file, tornAt);
    }
    const alert =
      state.kind === 'unreadable'
        ? 'The audit log head could not be read (altered); it was rebuilt from the log'
        : state.kind === 'none'
          ? 'The audit log head was missing; it was rebuilt from the log'
          : !adopting
            ? 'Records that do not continue the chain were found after the last acknowledged one'
            : undefined;
    if (head && (tornAt !== undefined || head !== start)) {
      head = { ...head, bytes: tornAt ?? buf.length };
      await writeHead(this.dir, this.key, head);
    }
    return alert ? { head, alert } : { head };
  }

  /** Every frame in file order, decrypted: a record, or what could not be read at its place. */
  async readAll(): Promise<{ entries: LogEntry[]; head: HeadState }> {
    await this.chain;
    let head = await readHead(this.dir, this.key);
    const buf = await fs.readFile(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return Buffer.alloc(0);
      throw err;
    });
    const { frames, tornAt } = splitFrames(this.key, buf);
    if (head.kind === 'ok') {
      // Records a crash wrote before their head are authentic and chained: count them as acknowledged.
      const stored = head.head;
      const { head: adopted } = adoptFrames(stored, frames.filter((f) => f.start >= stored.bytes));
      if (adopted) head = { kind: 'ok', head: adopted };
    }
    const entries: LogEntry[] = frames.map((f) => {
      const r = f.kind === 'ok' ? parseRecord(f.plain) : undefined;
      return r ?? { unreadable: true, reason: 'altered' };
    });
    // A torn frame past the head is an append a crash interrupted (never acknowledged); inside it, damage.
    if (tornAt !== undefined && !(head.kind === 'ok' && tornAt >= head.head.bytes)) entries.push({ unreadable: true, reason: 'cut short' });
    return { entries, head };
  }

  /**
   * The whole frames from byte `from` (where a frame starts) on, decrypted, each with its byte span; `record` is
   * absent for a frame that fails authentication. At most about `maxBytes` are read (always at least one frame),
   * and an incomplete last frame (an append in progress) is left out. `size` is the log's length. For the
   * syslog forwarder, which reads only what follows its cursor rather than the whole log each time.
   */
  async readFrom(from: number, maxBytes = 8 * 1024 * 1024): Promise<{ frames: { record?: AuditRecord; start: number; end: number }[]; size: number }> {
    let h: fs.FileHandle;
    try {
      h = await fs.open(this.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { frames: [], size: 0 };
      throw err;
    }
    try {
      const size = (await h.stat()).size;
      if (from >= size) return { frames: [], size };
      const read = async (length: number) => {
        const buf = Buffer.alloc(Math.min(length, size - from));
        const { bytesRead } = await h.read(buf, 0, buf.length, from);
        return buf.subarray(0, bytesRead);
      };
      let buf = await read(maxBytes);
      // A first frame larger than maxBytes: read exactly it, so the reader always moves on.
      if (buf.length >= 4 && buf.length < size - from && 4 + buf.readUInt32LE(0) > buf.length) buf = await read(4 + buf.readUInt32LE(0));
      const { frames } = splitFrames(this.key, buf);
      return {
        frames: frames.map((f) => {
          const record = f.kind === 'ok' ? parseRecord(f.plain) : undefined;
          return { ...(record ? { record } : {}), start: from + f.start, end: from + f.end };
        }),
        size,
      };
    } finally {
      await h.close();
    }
  }

  /** The records that could be read, in file order. */
  async records(): Promise<AuditRecord[]> {
    const { entries } = await this.readAll();
    return entries.filter((e): e is AuditRecord => !('unreadable' in e));
  }

  async verify(): Promise<ChainReport> {
    const { entries, head } = await this.readAll();
    const chainHead: ChainHead | null = head.kind === 'ok' ? { lastIndex: head.head.lastIndex, hash: head.head.hash } : null;
    const report = verifyChain(entries, chainHead);
    if (head.kind !== 'unreadable') return report;
    const problems = report.problems.map((p) => (p.reason.startsWith('head missing') ? { ...p, reason: 'head unreadable (altered)' } : p));
    if (entries.length === 0) problems.push({ index: 0, reason: 'head unreadable (altered)' });
    return { ok: false, records: report.records, problems };
  }

  /** Waits for pending appends; later appends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
  }
}
