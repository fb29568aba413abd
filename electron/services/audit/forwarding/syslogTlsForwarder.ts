/**
 * Forwards the audit log to an audit record repository: each record, in order, as an RFC 5424 syslog message
 * (syslogMessage.ts) over TLS (RFC 5425; TLS 1.2 or later, the repository verified against the configured CA,
 * optionally our client certificate for mutual TLS as IHE ATNA's Secure Node asks).
 *
 * The log is the queue. The cursor (forwardingState.ts) names the last record delivered; everything after it in
 * audit.log is still to send. The forwarder watches the log (its size, every `pollMs`), sends what follows the
 * cursor, and moves the cursor on. It never touches the log and never makes an append wait or fail: a repository
 * that is down only means records wait in the log, retried with a doubling delay (`retryMinMs` up to
 * `retryMaxMs`), and sent in order once it answers, also after a restart of the app.
 *
 * "Delivered" means written to the TLS connection: the socket's write callback fired, i.e. the bytes were handed
 * to this computer's TCP stack. Syslog over TLS has no acknowledgement (RFC 5425 §4.3, RFC 6587), so a record
 * written just before the connection broke can be lost in transit; that is the transport's limit, not the
 * queue's. Within that, in normal operation a record is sent exactly once: the cursor moves only past records
 * whose write succeeded, and is stored (fsynced) after each batch and at stop. A crash after a batch was written
 * but before its cursor was stored sends that batch again on the next start (at least once, never skipped).
 *
 * One forwarder per log across processes (forwardingLock.ts): others stand by and take over when it stops.
 * State changes (connected, unreachable, standby) are reported once each, not on every retry.
 */
import { promises as fs } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { AuditRecord } from '../../../../common/audit/chain';
import type { AuditForwardingSettings } from '../../settings/settings';
import { AUDIT_LOG_FILE } from '../auditFiles';
import { tryForwardingLock, type ForwardingLock } from './forwardingLock';
import { readForwardingState, START_CURSOR, writeForwardingState, type ForwardCursor, type ForwardingState } from './forwardingState';
import { formatSyslogMessage, frameOctetCounted, type SyslogOrigin } from './syslogMessage';

/** What the forwarder reads: AuditLog has this shape. */
export interface ForwardSource {
  /** `<dataDir>/audit`. */
  readonly dir: string;
  readFrom(from: number, maxBytes?: number): Promise<{ frames: { record?: AuditRecord; start: number; end: number }[]; size: number }>;
}

export type ForwardingStateName =
  /** Nothing to send and no connection open. */
  | 'idle'
  | 'connected'
  /** The last connection attempt or send failed (lastError says why); records wait and are retried. */
  | 'unreachable'
  /** Another process forwards this log. */
  | 'standby'
  | 'stopped';

export interface ForwardingStatus {
  /** host:port */
  target: string;
  state: ForwardingStateName;
  /** The last delivered record's index (null before the first). */
  cursor: number | null;
  /** Records after the cursor, as of the forwarder's last look at the log. */
  queued: number;
  lastDeliveredAt?: string;
  lastError?: string;
  lastErrorAt?: string;
}

export interface SyslogTlsForwarderOptions {
  source: ForwardSource;
  /** Enabled forwarding settings: `host` and `caFile` are set (the settings schema requires them). */
  settings: AuditForwardingSettings;
  origin?: SyslogOrigin;
  /** How often the log's size is checked for new records (default 1000 ms). */
  pollMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How often a standby forwarder checks whether the active one is gone (default 10 s). */
  standbyMs?: number;
  connectTimeoutMs?: number;
  /** TLS 1.3: how long to wait for the repository to accept our certificate before sending (default 1000 ms). */
  handshakeSettleMs?: number;
  log?: (message: string) => void;
}

/** A failure with the words a user can act on. */
export class ForwardingError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const CERT_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/** What a failed connection means, in the settings' words. */
export function explainTlsError(err: unknown, s: { target: string; host: string; caFile: string; serverName: string }): ForwardingError {
  if (err instanceof ForwardingError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code;
  const detail = e?.message ?? String(err);
  const untrusted = `The audit repository ${s.target} is not trusted`;
  if (code && CERT_UNTRUSTED.has(code)) {
    return new ForwardingError(`${untrusted}: its certificate is not signed by the CA in audit.forwarding.caFile (${s.caFile}) (${code}); nothing was sent`, code, { cause: err });
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new ForwardingError(`${untrusted}: its certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'} (${code}); nothing was sent`, code, { cause: err });
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new ForwardingError(`${untrusted}: its certificate is not for ${s.serverName} (set audit.forwarding.serverName to the name it carries); nothing was sent`, code, { cause: err });
  }
  if (code === 'ECONNREFUSED') return new ForwardingError(`The audit repository ${s.target} refused the connection (is it running and listening there?)`, code, { cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ForwardingError(`The audit repository's host ${s.host} could not be resolved (${code})`, code, { cause: err });
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new ForwardingError(`The audit repository ${s.target} cannot be reached (${code})`, code, { cause: err });
  if (code === 'ECONNRESET' || (code && /^ERR_SSL_/.test(code))) {
    return new ForwardingError(`The audit repository ${s.target} ended the TLS connection: ${detail} (does it require a client certificate, audit.forwarding.certFile and keyFile?)`, code, { cause: err });
  }
  return new ForwardingError(`Audit forwarding to ${s.target} failed: ${detail}`, code, { cause: err });
}

async function readPem(file: string, setting: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new ForwardingError(`Cannot read audit.forwarding.${setting} (${file}): ${(err as Error).message}`, (err as NodeJS.ErrnoException).code, { cause: err });
  }
}

type Frame = { record?: AuditRecord; start: number; end: number };

export class SyslogTlsForwarder {
  readonly target: string;
  private readonly host: string;
  private readonly caFile: string;
  private readonly origin: SyslogOrigin;
  private readonly pollMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly standbyMs: number;
  private readonly connectTimeoutMs: number;
  private readonly handshakeSettleMs: number;
  private readonly report: (message: string) => void;
  private readonly logFile: string;

  private cursor: ForwardCursor = START_CURSOR;
  private saved: ForwardingState = { cursor: START_CURSOR };
  private state: ForwardingStateName = 'idle';
  private queued = 0;
  private lastError?: string;
  private lastErrorAt?: string;
  private lastDeliveredAt?: string;
  private lock?: ForwardingLock;
  private socket?: tls.TLSSocket;
  private connecting?: tls.TLSSocket;
  private retryMs: number;
  private failures = 0;
  private lastSize = -1;
  private stuckAt = -1;
  private checkedOffset = -1;
  private stopping = false;
  private wakeUp?: () => void;
  private readonly loop: Promise<void>;

  private constructor(private readonly options: SyslogTlsForwarderOptions) {
    const s = options.settings;
    if (!s.host || !s.caFile) throw new ForwardingError('Audit forwarding needs audit.forwarding.host and caFile');
    this.host = s.host;
    this.caFile = s.caFile;
    this.target = `${s.host}:${s.port}`;
    this.origin = options.origin ?? { hostname: os.hostname(), procId: String(process.pid) };
    this.pollMs = options.pollMs ?? 1000;
    this.retryMinMs = options.retryMinMs ?? 1000;
    this.retryMaxMs = Math.max(this.retryMinMs, options.retryMaxMs ?? 60000);
    this.standbyMs = options.standbyMs ?? 10000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10000;
    this.handshakeSettleMs = options.handshakeSettleMs ?? 1000;
    this.retryMs = this.retryMinMs;
    this.report = options.log ?? (() => {});
    this.logFile = path.join(options.source.dir, AUDIT_LOG_FILE);
    this.loop = this.run();
  }

  /** Starts forwarding in the background; never throws for an unreachable repository (see status()). */
  static start(options: SyslogTlsForwarderOptions): SyslogTlsForwarder {
    return new SyslogTlsForwarder(options);
  }

  status(): ForwardingStatus {
    return {
      target: this.target,
      state: this.state,
      cursor: this.cursor.index >= 0 ? this.cursor.index : null,
      queued: this.queued,
      ...(this.lastDeliveredAt ? { lastDeliveredAt: this.lastDeliveredAt } : {}),
      ...(this.lastError ? { lastError: this.lastError, lastErrorAt: this.lastErrorAt } : {}),
    };
  }

  /**
   * Waits until every record in the log now has been delivered (true), or until `timeoutMs` passed, a new attempt
   * to reach the repository failed, or another process forwards (false). Looks at the log at once.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const size = await fs.stat(this.logFile).then((s) => s.size, () => 0);
    const failures = this.failures;
    this.wake();
    for (;;) {
      if (this.lock && this.cursor.offset >= size) return true;
      if (this.failures > failures || this.state === 'standby' || this.state === 'stopped' || Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Stops after the record being written (after trying to deliver everything for up to `flushMs`), stores the cursor. */
  async stop(options: { flushMs?: number } = {}): Promise<void> {
    if (this.stopping) return this.loop;
    if (options.flushMs && this.state !== 'unreachable') await this.flush(options.flushMs);
    this.stopping = true;
    this.wake();
    // A connection attempt to a host that does not answer would hold the stop for connectTimeoutMs.
    this.connecting?.destroy();
    await this.loop;
  }

  private wake(): void {
    this.wakeUp?.();
  }

  /** Waits `ms`, or less when woken (stop, flush). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // Unref'd: a host that forgets stop() can still exit (the records wait in the log).
      const timer = setTimeout(done, ms).unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (!this.lock) {
          this.lock = await tryForwardingLock(this.options.source.dir);
          if (!this.lock) {
            this.setState('standby');
            await this.sleep(this.standbyMs);
            continue;
          }
          await this.loadCursor();
          if (this.state === 'standby') this.setState('idle');
        }
        const frames = await this.pending();
        if (this.queued === 0) {
          // Only frames to step over (unreadable, or copies of delivered records): no connection needed.
          if (frames.length > 0) await this.send(undefined, frames);
          else await this.waitForAppend();
          continue;
        }
        if (!this.socket) {
          this.socket = await this.connect();
          this.retryMs = this.retryMinMs;
          this.setState('connected');
        }
        await this.send(this.socket, frames);
      } catch (err) {
        this.dropSocket();
        if (this.stopping) break; // our own stop ended the attempt: not the repository's failure
        this.failures++;
        await this.fail(explainTlsError(err, this.describe()));
        await this.sleep(this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, this.retryMaxMs);
      }
    }
    await this.saveCursor().catch((err: unknown) => this.report(`Audit forwarding: the cursor could not be stored: ${(err as Error).message}`));
    await this.closeSocket();
    await this.lock?.release().catch(() => undefined);
    this.lock = undefined;
    this.state = 'stopped';
  }

  private describe() {
    const s = this.options.settings;
    return { target: this.target, host: this.host, caFile: this.caFile, serverName: s.serverName ?? this.host };
  }

  private async loadCursor(): Promise<void> {
    const read = await readForwardingState(this.options.source.dir);
    if (read.kind === 'ok') {
      this.saved = read.state;
      this.cursor = read.state.cursor;
      if (read.state.lastDeliveredAt) this.lastDeliveredAt = read.state.lastDeliveredAt;
      if (read.state.target && read.state.target !== this.target) {
        this.report(`Audit forwarding: the repository changed from ${read.state.target} to ${this.target}; records after ${this.cursor.index} go to ${this.target}`);
      }
    } else {
      if (read.kind === 'unreadable') {
        // Starting over may send records twice; starting at the end would lose them: the repository can drop duplicates.
        this.report(`Audit forwarding: ${FORWARDING_NAME} could not be read (${read.reason}); forwarding starts again from the first record`);
      }
      this.cursor = START_CURSOR;
      this.saved = { cursor: START_CURSOR };
    }
  }

  /** The frames after the cursor (at most a read's worth); finds the cursor again if the log is not where it was. */
  private async pending(): Promise<Frame[]> {
    const src = this.options.source;
    let { frames, size } = await src.readFrom(this.cursor.offset);
    const first = frames[0];
    const continues = (f: Frame) => !f.record || (f.record.index === this.cursor.index + 1 && f.record.prevHash === this.cursor.hash);
    // A complete frame that never appears where the cursor points (two looks at an unchanged size): not a boundary.
    const stuck = frames.length === 0 && size > this.cursor.offset && this.stuckAt === size;
    this.stuckAt = frames.length === 0 && size > this.cursor.offset ? size : -1;
    // Checked once per place: a gap or an unreadable frame right after the cursor is stepped over, not re-searched.
    if (this.cursor.offset > size || (((first && !continues(first)) || stuck) && this.checkedOffset !== this.cursor.offset)) {
      if (await this.locate()) ({ frames, size } = await src.readFrom(this.cursor.offset));
      this.checkedOffset = this.cursor.offset;
    }
    this.lastSize = size;
    this.queued = frames.filter((f) => f.record && f.record.index > this.cursor.index).length;
    return frames;
  }

  /**
   * Puts the cursor's offset back on its record when the log changed under it (cut, rewritten, restored from a
   * copy): just after the cursor's record if the log still holds it, else before the first later record. Says so
   * when that record is gone. Returns whether the offset moved.
   */
  private async locate(): Promise<boolean> {
    const c = this.cursor;
    let found: number | undefined = c.index < 0 ? 0 : undefined;
    let firstAfter: number | undefined;
    let pos = 0;
    for (;;) {
      const read = await this.options.source.readFrom(pos);
      if (read.frames.length === 0) break;
      for (const f of read.frames) {
        if (!f.record) continue;
        if (found === undefined && f.record.index === c.index && f.record.hash === c.hash) found = f.end;
        if (firstAfter === undefined && f.record.index > c.index) firstAfter = f.start;
      }
      pos = read.frames[read.frames.length - 1]!.end;
    }
    if (found !== undefined || firstAfter !== undefined) {
      if (found === undefined) {
        await this.fail(new ForwardingError(`The audit log no longer holds record ${c.index} as it was forwarded (altered: run 'dokuei audit verify'); forwarding goes on with the records after it`), false);
      }
      const offset = found ?? firstAfter!;
      if (offset === c.offset) return false;
      this.cursor = { ...c, offset };
      return true;
    }
    // Nothing after the cursor's index and not its record: a new, emptied or older log (replaced, restored). Its
    // records are not the ones delivered, or cannot be told apart from them: send them all rather than skip any.
    await this.fail(new ForwardingError(`The audit log no longer holds record ${c.index} or any later one (replaced or cut: run 'dokuei audit verify'); forwarding starts again from its first record`), false);
    this.cursor = START_CURSOR;
    return true;
  }

  private async waitForAppend(): Promise<void> {
    if (this.state === 'unreachable' && this.queued === 0) this.setState(this.socket ? 'connected' : 'idle');
    while (!this.stopping) {
      await this.sleep(this.pollMs);
      if (this.stopping) return;
      const size = await fs.stat(this.logFile).then((s) => s.size, () => 0);
      if (size !== this.lastSize || this.stuckAt >= 0) return;
    }
  }

  private async connect(): Promise<tls.TLSSocket> {
    const s = this.options.settings;
    const ca = await readPem(this.caFile, 'caFile');
    const cert = s.certFile ? await readPem(s.certFile, 'certFile') : undefined;
    const key = s.keyFile ? await readPem(s.keyFile, 'keyFile') : undefined;
    // SNI takes a host name, not an IP address; the certificate is then checked against the address itself.
    const serverName = s.serverName ?? (isIP(this.host) ? undefined : this.host);
    return new Promise<tls.TLSSocket>((resolve, reject) => {
      const socket = tls.connect({
        host: this.host,
        port: s.port,
        ca,
        ...(cert && key ? { cert, key } : {}),
        ...(serverName ? { servername: serverName } : {}),
        minVersion: 'TLSv1.2',
        rejectUnauthorized: true,
      });
      this.connecting = socket;
      socket.once('close', () => {
        if (this.connecting === socket) this.connecting = undefined;
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ForwardingError(`The audit repository ${this.target} did not complete a TLS connection within ${this.connectTimeoutMs} ms`, 'ETIMEDOUT'));
      }, this.connectTimeoutMs);
      socket.once('secureConnect', () => void settled());
      // In TLS 1.3 the client's handshake ends before the server has checked our certificate (or noticed we sent
      // none): a repository that refuses it answers with an alert just after, and records written meanwhile would
      // count as delivered. So wait for the server's first session ticket (OpenSSL-based servers send it once they
      // accept us), its alert, or `handshakeSettleMs`, whichever comes first.
      const settled = async () => {
        // Anything the repository sends is read and ignored (syslog is one-way); reading is what lets its alert arrive.
        socket.resume();
        if (socket.getProtocol() === 'TLSv1.3') {
          await new Promise<void>((r) => {
            const t = setTimeout(r, this.handshakeSettleMs);
            // setImmediate: resumed inside the 'session' callback, our first write would be lost (seen with Node 20:
            // written from within OpenSSL's ticket processing, it never reaches the peer, yet its callback fires).
            const done = () => {
              clearTimeout(t);
              setImmediate(r);
            };
            socket.once('session', done);
            socket.once('close', done);
          });
          if (socket.destroyed) {
            // Its alert already rejected (onError); else it closed without one.
            clearTimeout(timer);
            reject(new ForwardingError(`The audit repository ${this.target} closed the connection during the TLS handshake (does it require a client certificate, audit.forwarding.certFile and keyFile?)`, 'ECONNRESET'));
            return;
          }
        }
        clearTimeout(timer);
        socket.off('error', onError);
        // A close or error ends the connection: the next record opens a new one.
        const gone = () => {
          if (this.socket === socket) this.socket = undefined;
          if (this.state === 'connected' && !this.stopping) this.setState('idle');
        };
        socket.on('error', gone);
        socket.on('end', () => {
          gone();
          socket.destroy();
        });
        socket.on('close', gone);
        if (this.connecting === socket) this.connecting = undefined;
        // An idle connection does not keep the process alive (a CLI command exits; stop() ends it properly).
        socket.unref();
        resolve(socket);
      };
      const onError = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.once('error', onError);
    });
  }

  /** Writes the frames' records in order, moving the cursor past each one written; stores the cursor after. */
  private async send(socket: tls.TLSSocket | undefined, frames: Frame[]): Promise<void> {
    const before = this.cursor;
    /** For each frame that cannot be read, the last record before it. */
    const unreadable: number[] = [];
    try {
      for (const f of frames) {
        if (this.stopping) break;
        if (!f.record) {
          unreadable.push(this.cursor.index);
          this.cursor = { ...this.cursor, offset: f.end };
          continue;
        }
        if (f.record.index <= this.cursor.index) {
          // Already delivered (a copy of an earlier record): sending it again would duplicate it.
          this.cursor = { ...this.cursor, offset: f.end };
          continue;
        }
        if (!socket || this.socket !== socket || socket.destroyed) throw new ForwardingError(`The audit repository ${this.target} closed the connection`, 'ECONNRESET');
        await writeTo(socket, frameOctetCounted(formatSyslogMessage(f.record, this.origin)));
        this.cursor = { index: f.record.index, hash: f.record.hash, offset: f.end };
        this.queued = Math.max(0, this.queued - 1);
        this.lastDeliveredAt = new Date().toISOString();
      }
    } finally {
      if (unreadable.length > 0) {
        const where = [...new Set(unreadable)].map((i) => (i < 0 ? 'at the start of the log' : `after record ${i}`)).join(', ');
        await this.fail(new ForwardingError(`${unreadable.length} record(s) could not be read (altered: run 'dokuei audit verify') and were not forwarded: ${where}`), false);
      }
      if (this.cursor !== before) await this.saveCursor();
    }
  }

  private async saveCursor(): Promise<void> {
    const next: ForwardingState = {
      ...this.saved,
      cursor: this.cursor,
      target: this.target,
      ...(this.lastDeliveredAt ? { lastDeliveredAt: this.lastDeliveredAt } : {}),
      ...(this.lastError ? { lastError: this.lastError, lastErrorAt: this.lastErrorAt } : {}),
    };
    if (!this.lock || JSON.stringify(next) === JSON.stringify(this.saved)) return;
    await writeForwardingState(this.options.source.dir, next);
    this.saved = next;
  }

  /** Records a failure; `unreachable` (the default) also changes the state, reported once per change. */
  private async fail(err: ForwardingError, unreachable = true): Promise<void> {
    this.lastError = err.message;
    this.lastErrorAt = new Date().toISOString();
    if (unreachable) {
      if (this.state !== 'unreachable') {
        this.report(`Audit forwarding: ${err.message}. Records stay queued in the audit log and are sent when the repository answers.`);
        this.state = 'unreachable';
        await this.saveCursor().catch(() => undefined);
      }
    } else {
      this.report(`Audit forwarding: ${err.message}`);
      await this.saveCursor().catch(() => undefined);
    }
  }

  private setState(next: ForwardingStateName): void {
    if (next === this.state) return;
    const was = this.state;
    this.state = next;
    if (next === 'connected') this.report(was === 'unreachable' ? `Audit forwarding to ${this.target} resumed` : `Audit forwarding to ${this.target}: connected`);
    else if (next === 'standby') this.report(`Audit forwarding: another Dokuei process forwards this audit log; this one stands by`);
  }

  private dropSocket(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }

  private async closeSocket(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (!s || s.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        s.destroy();
        resolve();
      }, 1000);
      s.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      s.end();
    });
  }
}

const FORWARDING_NAME = 'audit/forwarding.json';

/** Resolves once `data` is handed to the OS (the write callback), rejects if the connection fails first. */
function writeTo(socket: tls.TLSSocket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new ForwardingError('The audit repository closed the connection', 'ECONNRESET'));
    socket.once('close', onClose);
    socket.write(data, (err) => {
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve();
    });
  });
}
