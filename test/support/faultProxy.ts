/**
 * A TCP fault proxy for the test bed: listens on 127.0.0.1 (a free port), forwards every connection to a
 * target port on 127.0.0.1, and breaks the traffic in scripted ways, the ways networks and peers break in a
 * hospital: a reset in the middle of a transfer, a stall, added latency, a bandwidth cap, and, for the
 * protocols Dokuei speaks, an HTTP 5xx instead of the answer, a multipart answer cut in the middle of a part
 * (well-formed HTTP, truncated multipart), and a DIMSE A-ABORT sent to the client in the middle of a transfer.
 *
 * Faults are rules, taken in order by the connections (or, in HTTP mode with `match`, by the requests) they
 * apply to, each `times` times (default once). Byte offsets count what the server sent towards the client
 * (from the connection's start, or from the start of the matched request's response).
 *
 * Bounded: at most `maxBufferedBytes` wait in the proxy per direction (the sending side is paused beyond it),
 * every connection is closed after `idleTimeoutMs` without traffic (a stall "forever" ends there, or when the
 * client gives up), and stop() destroys everything. Loopback only: it binds 127.0.0.1 and dials 127.0.0.1.
 */
import net from 'node:net';

export type Fault =
  /** Destroys both sides with a TCP RST once `afterBytes` went to the client (or, direction 'up', to the server). */
  | { kind: 'reset'; afterBytes: number; direction?: Direction }
  /** Stops forwarding (both directions) once `afterBytes` went to the client (or the server), for `forMs` or for good. */
  | { kind: 'stall'; afterBytes: number; forMs?: number; direction?: Direction }
  /** Delays every chunk, both directions, by `ms`. */
  | { kind: 'latency'; ms: number }
  /** Caps the server → client direction at `bytesPerSecond`. */
  | { kind: 'bandwidth'; bytesPerSecond: number }
  /** HTTP mode: answers the request with this status (and closes) instead of forwarding it. */
  | { kind: 'http-status'; status: number; body?: string }
  /**
   * HTTP mode: the response ends, well-formed as HTTP (Content-Length of what is sent), after `afterBodyBytes`
   * of its (de-chunked) body; choose the offset inside a part to cut a multipart answer mid-part.
   */
  | { kind: 'truncate-body'; afterBodyBytes: number }
  /** DIMSE: at the first PDU boundary once `afterBytes` went to the client, an A-ABORT to the client, then both closed. */
  | { kind: 'dimse-abort'; afterBytes: number };

export type FaultKind = Fault['kind'];

/**
 * Which bytes a trigger counts: 'down' (default) what the server sends the client (a retrieve's answer);
 * 'up' what the client sends the server (a C-STORE SCU such as a PACS sending a C-MOVE's instances to us).
 */
export type Direction = 'down' | 'up';

export interface FaultRule {
  fault: Fault;
  /** How many connections (or matched requests) it applies to. Default 1; Infinity for all that follow. */
  times?: number;
  /** HTTP mode: applies to requests whose request line ("GET /dicom-web/…") matches, counted from their response. */
  match?: RegExp;
}

export interface FaultProxyOptions {
  targetPort: number;
  /** 'http': requests are parsed (needed for match, http-status and truncate-body). Default 'tcp'. */
  mode?: 'tcp' | 'http';
  /** Bytes held per direction before the sender is paused. Default 4 MiB. */
  maxBufferedBytes?: number;
  /** A connection with no traffic either way for this long is closed. Default 60 s. */
  idleTimeoutMs?: number;
}

export interface FaultProxyStats {
  connections: number;
  /** Faults that took effect, by kind. */
  injected: Partial<Record<FaultKind, number>>;
  /** Bytes forwarded to the server and to the client. */
  bytesUp: number;
  bytesDown: number;
}

export interface FaultProxy {
  port: number;
  /** "http://127.0.0.1:PORT" (handy in HTTP mode). */
  url: string;
  /** Adds rules after those already waiting. */
  inject(...rules: FaultRule[]): void;
  /** Drops the rules not yet taken (faults already armed on open connections stay). */
  clear(): void;
  /** Destroys the open connections (e.g. to stop a pooled connection from carrying a fault further). */
  dropConnections(): void;
  stats(): FaultProxyStats;
  /** How many faults took effect in all (any kind). */
  injectedTotal(): number;
  stop(): Promise<void>;
}

/** A-ABORT (PS3.8 9.3.8): type 0x07, length 4, reserved ×2, source 2 (service provider), reason 0. */
export const A_ABORT_PDU = Buffer.from([0x07, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x02, 0x00]);

const MAX_HEAD_BYTES = 64 * 1024;
const PUMP_TICK_MS = 10;

interface PendingRule {
  rule: FaultRule;
  left: number;
}

/** One direction of a connection: a queue drained by pump() under latency, bandwidth, stall and byte triggers. */
class Lane {
  private readonly queue: { data: Buffer; at: number }[] = [];
  private queued = 0;
  forwarded = 0;
  received = 0;
  latencyMs = 0;
  bytesPerSecond = 0;
  stalledUntil = 0;
  /** Byte offsets (in what is forwarded) where something must happen, before the bytes at that offset go. */
  readonly triggers: { at: number; fire: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private tokens = 0;
  private lastRefill = Date.now();
  closed = false;
  /** After the last queued byte: end the destination (half-close) — set when the source ended. */
  endWhenDrained = false;
  onDrainedEnd: (() => void) | undefined;

  constructor(
    private readonly src: net.Socket,
    private readonly dst: net.Socket,
    private readonly maxBuffered: number,
    private readonly count: (n: number) => void,
  ) {}

  push(data: Buffer): void {
    if (this.closed || data.length === 0) return;
    this.queue.push({ data, at: Date.now() + this.latencyMs });
    this.queued += data.length;
    if (this.queued > this.maxBuffered) this.src.pause();
    this.pump();
  }

  pump(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      if (this.closed) return;
      const now = Date.now();
      if (this.stalledUntil > now) return this.later(this.stalledUntil === Infinity ? undefined : this.stalledUntil - now);
      const head = this.queue[0];
      if (!head) break;
      if (head.at > now) return this.later(head.at - now);
      // A trigger due at (or before) this offset fires before any more bytes go.
      const due = this.triggers.findIndex((t) => t.at <= this.forwarded);
      if (due >= 0) {
        const [t] = this.triggers.splice(due, 1);
        t!.fire();
        continue;
      }
      let n = head.data.length;
      const nextTrigger = Math.min(...this.triggers.map((t) => t.at), Infinity);
      if (nextTrigger !== Infinity) n = Math.min(n, nextTrigger - this.forwarded);
      if (this.bytesPerSecond > 0) {
        this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((now - this.lastRefill) * this.bytesPerSecond) / 1000);
        this.lastRefill = now;
        if (this.tokens < 1) return this.later(PUMP_TICK_MS);
        n = Math.min(n, Math.floor(this.tokens));
        this.tokens -= n;
      }
      const out = n === head.data.length ? head.data : head.data.subarray(0, n);
      if (n === head.data.length) this.queue.shift();
      else head.data = head.data.subarray(n);
      this.queued -= n;
      this.forwarded += n;
      this.count(n);
      if (!this.dst.destroyed) this.dst.write(out);
      if (this.queued <= this.maxBuffered / 2 && this.src.isPaused() && !this.src.destroyed) this.src.resume();
    }
    if (this.endWhenDrained && this.queue.length === 0) {
      this.endWhenDrained = false;
      this.onDrainedEnd?.();
    }
  }

  private later(ms: number | undefined): void {
    // An endless stall waits for a later call to pump() (the stall lifted) or for the connection to close.
    if (ms === undefined) return;
    this.timer = setTimeout(() => this.pump(), Math.max(1, ms));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.queue.length = 0;
    this.queued = 0;
  }
}

/** Where a head ends (the index after \r\n\r\n), or -1. */
function headEnd(buf: Buffer): number {
  const i = buf.indexOf('\r\n\r\n');
  return i < 0 ? -1 : i + 4;
}

function headerValue(head: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return m?.[1]?.trim();
}

/** Decodes a chunked body incrementally; returns the data bytes and whether the last chunk was seen. */
class ChunkDecoder {
  private buf = Buffer.alloc(0);
  private left = 0;
  private needCrlf = false;
  done = false;

  push(data: Buffer): Buffer[] {
    this.buf = Buffer.concat([this.buf, data]);
    const out: Buffer[] = [];
    while (!this.done) {
      if (this.left > 0) {
        if (this.buf.length === 0) break;
        const n = Math.min(this.left, this.buf.length);
        out.push(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        this.left -= n;
        if (this.left === 0) this.needCrlf = true;
        continue;
      }
      if (this.needCrlf) {
        if (this.buf.length < 2) break;
        this.buf = this.buf.subarray(2);
        this.needCrlf = false;
      }
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) break;
      const size = parseInt(this.buf.subarray(0, eol).toString('latin1').split(';')[0]!, 16);
      this.buf = this.buf.subarray(eol + 2);
      if (!Number.isFinite(size) || size === 0) this.done = true;
      else this.left = size;
    }
    return out;
  }
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const mode = options.mode ?? 'tcp';
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60000;
  const rules: PendingRule[] = [];
  const sockets = new Set<net.Socket>();
  const stats: FaultProxyStats = { connections: 0, injected: {}, bytesUp: 0, bytesDown: 0 };
  const noteInjected = (kind: FaultKind) => (stats.injected[kind] = (stats.injected[kind] ?? 0) + 1);

  /** The first waiting rule for a connection (match undefined) or a request line; consumed once. */
  function take(requestLine: string | undefined, accept: (f: Fault) => boolean): Fault | undefined {
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      const fits = requestLine === undefined ? !r.rule.match : !!r.rule.match && r.rule.match.test(requestLine);
      if (!fits || !accept(r.rule.fault)) continue;
      if (--r.left <= 0) rules.splice(i, 1);
      return r.rule.fault;
    }
    return undefined;
  }

  /** The waiting rules for one connection or request: at most one of each kind (the next of a kind waits for the next). */
  function takeAll(requestLine: string | undefined, accept: (f: Fault) => boolean): Fault[] {
    const kinds = new Set<FaultKind>();
    const out: Fault[] = [];
    for (let f = take(requestLine, (x) => accept(x) && !kinds.has(x.kind)); f; f = take(requestLine, (x) => accept(x) && !kinds.has(x.kind))) {
      kinds.add(f.kind);
      out.push(f);
    }
    return out;
  }

  function handle(client: net.Socket): void {
    stats.connections++;
    // Half-open allowed on both sides: a FIN is passed on by the lane, after what was queued before it.
    const upstream = net.connect({ host: '127.0.0.1', port: options.targetPort, allowHalfOpen: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
      s.setNoDelay(true);
    }
    let finished = false;
    const down = new Lane(upstream, client, maxBuffered, (n) => (stats.bytesDown += n));
    const up = new Lane(client, upstream, maxBuffered, (n) => (stats.bytesUp += n));
    const finish = (how: 'reset' | 'destroy' | 'end') => {
      if (finished) return;
      finished = true;
      clearInterval(idleTimer);
      down.close();
      up.close();
      if (how === 'reset') {
        // Not in the tick of the last write: a reset with a write still in flight goes out as a plain FIN.
        client.pause();
        upstream.pause();
        // A moment after the last write (seen on loopback: an RST right behind the data reaches the client as a FIN).
        const reset = () =>
          setTimeout(() => {
            if (!client.destroyed) client.resetAndDestroy();
            if (!upstream.destroyed) upstream.resetAndDestroy();
          }, 20);
        // After the bytes already written (writes complete in order), so that exactly those arrive first.
        if (client.destroyed) reset();
        else client.write(Buffer.alloc(0), reset);
      } else if (how === 'end') {
        upstream.destroy();
        client.end();
        setTimeout(() => client.destroy(), 1000).unref();
      } else {
        client.destroy();
        upstream.destroy();
      }
    };
    let lastActivity = Date.now();
    const idleTimer = setInterval(() => {
      if (Date.now() - lastActivity > idleTimeoutMs) finish('destroy');
    }, Math.min(1000, idleTimeoutMs));
    idleTimer.unref();

    /** Arms a byte-level or rate fault at `base` (an offset in what goes to the client). */
    const arm = (fault: Fault, base: number) => {
      switch (fault.kind) {
        case 'latency':
          noteInjected('latency');
          down.latencyMs = up.latencyMs = fault.ms;
          return;
        case 'bandwidth':
          noteInjected('bandwidth');
          down.bytesPerSecond = fault.bytesPerSecond;
          return;
        case 'reset':
          (fault.direction === 'up' ? up : down).triggers.push({
            at: (fault.direction === 'up' ? up.forwarded : base) + fault.afterBytes,
            fire: () => {
              noteInjected('reset');
              finish('reset');
            },
          });
          return;
        case 'stall':
          (fault.direction === 'up' ? up : down).triggers.push({
            at: (fault.direction === 'up' ? up.forwarded : base) + fault.afterBytes,
            fire: () => {
              noteInjected('stall');
              const until = fault.forMs === undefined ? Infinity : Date.now() + fault.forMs;
              down.stalledUntil = up.stalledUntil = until;
              if (until !== Infinity) setTimeout(() => (up.pump(), down.pump()), fault.forMs! + 1).unref();
            },
          });
          return;
        case 'dimse-abort':
          abortAt = base + fault.afterBytes;
          return;
        case 'truncate-body':
          truncate = { base, afterBodyBytes: fault.afterBodyBytes };
          return;
        case 'http-status':
          return; // answered where the request is parsed
      }
    };

    // DIMSE abort: PDUs are followed through the server → client stream; at the first boundary past the offset
    // the rest is dropped and an A-ABORT goes out instead.
    let abortAt = Infinity;
    let pduHeader = Buffer.alloc(0);
    let pduLeft = 0;
    const pushDownDimse = (data: Buffer) => {
      let pos = 0;
      while (pos < data.length) {
        if (pduLeft === 0 && pduHeader.length === 0 && down.received + pos >= abortAt) {
          if (pos > 0) down.push(data.subarray(0, pos));
          down.received += pos;
          abortAt = Infinity;
          noteInjected('dimse-abort');
          upstream.destroy();
          down.push(A_ABORT_PDU);
          down.endWhenDrained = true;
          down.onDrainedEnd = () => finish('end');
          down.pump();
          dropDown = true;
          return;
        }
        if (pduLeft > 0) {
          const n = Math.min(pduLeft, data.length - pos);
          pduLeft -= n;
          pos += n;
          continue;
        }
        const need = 6 - pduHeader.length;
        const take6 = data.subarray(pos, pos + need);
        pduHeader = Buffer.concat([pduHeader, take6]);
        pos += take6.length;
        if (pduHeader.length === 6) {
          pduLeft = pduHeader.readUInt32BE(2);
          pduHeader = Buffer.alloc(0);
        }
      }
      down.push(data);
      down.received += data.length;
    };

    // HTTP truncation: from `base` on, the response head is rewritten and its body cut.
    let truncate: { base: number; afterBodyBytes: number } | undefined;
    let truncState: { head: Buffer; headDone: boolean; sent: number; chunked?: ChunkDecoder } | undefined;
    let dropDown = false;
    const pushDownHttp = (data: Buffer) => {
      if (!truncate || down.received + data.length <= truncate.base) {
        down.push(data);
        down.received += data.length;
        return;
      }
      const before = Math.max(0, truncate.base - down.received);
      if (before > 0) down.push(data.subarray(0, before));
      down.received += data.length;
      let rest = data.subarray(before);
      truncState ??= { head: Buffer.alloc(0), headDone: false, sent: 0 };
      const st = truncState;
      const limit = truncate.afterBodyBytes;
      if (!st.headDone) {
        st.head = Buffer.concat([st.head, rest]);
        const end = headEnd(st.head);
        if (end < 0) {
          if (st.head.length > MAX_HEAD_BYTES) finish('destroy');
          return;
        }
        const headText = st.head.subarray(0, end).toString('latin1');
        rest = st.head.subarray(end);
        st.headDone = true;
        if (/^transfer-encoding:.*chunked/im.test(headText)) st.chunked = new ChunkDecoder();
        // Well-formed HTTP that says exactly what follows: the cut is in the multipart, not in the framing.
        const lines = headText
          .split('\r\n')
          .filter((l) => l !== '' && !/^(content-length|transfer-encoding|connection):/i.test(l));
        down.push(Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: ${limit}\r\nConnection: close\r\n\r\n`, 'latin1'));
      }
      const pieces = st.chunked ? st.chunked.push(rest) : [rest];
      for (const p of pieces) {
        const n = Math.min(p.length, limit - st.sent);
        if (n > 0) down.push(p.subarray(0, n));
        st.sent += n;
      }
      if (st.sent >= limit) {
        noteInjected('truncate-body');
        truncate = undefined;
        dropDown = true;
        upstream.destroy();
        down.endWhenDrained = true;
        down.onDrainedEnd = () => finish('end');
        down.pump();
      }
    };

    // HTTP requests: heads are parsed (request rules, 5xx answers); bodies with a Content-Length pass through.
    let reqBuf = Buffer.alloc(0);
    let reqBodyLeft = 0;
    const pushUpHttp = (data: Buffer) => {
      let rest = data;
      while (rest.length > 0 && !finished) {
        if (reqBodyLeft > 0) {
          const n = Math.min(reqBodyLeft, rest.length);
          up.push(rest.subarray(0, n));
          reqBodyLeft -= n;
          rest = rest.subarray(n);
          continue;
        }
        reqBuf = Buffer.concat([reqBuf, rest]);
        const end = headEnd(reqBuf);
        if (end < 0) {
          if (reqBuf.length > MAX_HEAD_BYTES) finish('destroy');
          return;
        }
        const head = reqBuf.subarray(0, end);
        rest = reqBuf.subarray(end);
        reqBuf = Buffer.alloc(0);
        const headText = head.toString('latin1');
        const requestLine = headText.slice(0, headText.indexOf('\r\n'));
        reqBodyLeft = Number(headerValue(headText, 'content-length') ?? 0) || 0;
        const status = take(requestLine, (f) => f.kind === 'http-status');
        if (status && status.kind === 'http-status') {
          noteInjected('http-status');
          const body = status.body ?? `Fault proxy: HTTP ${status.status}`;
          dropDown = true;
          upstream.destroy();
          client.end(`HTTP/1.1 ${status.status} Injected\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
          finished = true;
          down.close();
          up.close();
          clearInterval(idleTimer);
          return;
        }
        // Responses are not pipelined by the clients here: all the server sends from now on answers this request.
        for (const f of takeAll(requestLine, (x) => x.kind !== 'http-status')) arm(f, down.received);
        up.push(head);
      }
    };

    for (const f of takeAll(undefined, () => true)) arm(f, 0);

    upstream.on('data', (data: Buffer) => {
      lastActivity = Date.now();
      if (dropDown || finished) return;
      if (abortAt !== Infinity) pushDownDimse(data);
      else if (mode === 'http') pushDownHttp(data);
      else {
        down.push(data);
        down.received += data.length;
      }
    });
    client.on('data', (data: Buffer) => {
      lastActivity = Date.now();
      if (finished) return;
      if (mode === 'http') pushUpHttp(data);
      else {
        up.push(data);
        up.received += data.length;
      }
    });
    // A half-close is passed on once what was queued before it has gone.
    let upstreamEnded = false;
    upstream.on('end', () => {
      upstreamEnded = true;
      if (finished || dropDown) return;
      down.endWhenDrained = true;
      down.onDrainedEnd = () => client.end();
      down.pump();
    });
    client.on('end', () => {
      if (finished) return;
      up.endWhenDrained = true;
      up.onDrainedEnd = () => upstream.end();
      up.pump();
    });
    upstream.on('close', () => {
      // Closed without its FIN (an error): the client loses the connection too. After a FIN, the queue drains first.
      if (!finished && !dropDown && !upstreamEnded) finish('destroy');
    });
    client.on('close', () => finish('destroy'));
  }

  const server = net.createServer({ allowHalfOpen: true }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    inject(...added) {
      for (const rule of added) rules.push({ rule, left: rule.times ?? 1 });
    },
    clear() {
      rules.length = 0;
    },
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    stats: () => ({ ...stats, injected: { ...stats.injected } }),
    injectedTotal: () => Object.values(stats.injected).reduce((a, b) => a + b, 0),
    stop: async () => {
      rules.length = 0;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
