/**
 * An audit repository for tests: a syslog-over-TLS receiver (RFC 5425) on 127.0.0.1 that splits the stream by
 * octet counting (RFC 6587 §3.4.1) and parses each RFC 5424 message strictly, so a malformed frame or header
 * fails the test instead of being skipped. It can be stopped and started again on the same port (a repository
 * that goes down and comes back).
 */
import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { KeyPair } from './tls';

export interface SyslogMessage {
  pri: number;
  facility: number;
  severity: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: string;
  /** The MSG octets as sent (a BOM included). */
  msg: Buffer;
  /** MSG without its BOM, decoded as UTF-8 (undefined when MSG has no BOM: then it is not declared UTF-8). */
  text?: string;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const PRINTUSASCII = /^[\x21-\x7e]+$/;

/** Parses one RFC 5424 SYSLOG-MSG; throws saying what does not conform. */
export function parseSyslogMessage(buf: Buffer): SyslogMessage {
  let pos = 0;
  const token = (what: string, max: number): string => {
    const sp = buf.indexOf(0x20, pos);
    const end = sp < 0 ? buf.length : sp;
    const t = buf.subarray(pos, end).toString('latin1');
    if (t.length === 0 || t.length > max || !PRINTUSASCII.test(t)) throw new Error(`bad ${what} ${JSON.stringify(t)} at octet ${pos}`);
    pos = sp < 0 ? buf.length : sp + 1;
    return t;
  };
  const head = token('PRI/VERSION', 8);
  const m = /^<(\d{1,3})>([1-9]\d{0,2})$/.exec(head);
  if (!m || Number(m[1]) > 191 || (m[1]!.length > 1 && m[1]!.startsWith('0'))) throw new Error(`bad PRI/VERSION ${JSON.stringify(head)}`);
  const pri = Number(m[1]);
  const timestamp = token('TIMESTAMP', 64);
  if (timestamp !== '-' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/.test(timestamp)) throw new Error(`bad TIMESTAMP ${timestamp}`);
  const hostname = token('HOSTNAME', 255);
  const appName = token('APP-NAME', 48);
  const procId = token('PROCID', 128);
  const msgId = token('MSGID', 32);
  let structuredData: string;
  if (buf[pos] === 0x2d /* - */) {
    structuredData = '-';
    pos += 1;
  } else if (buf[pos] === 0x5b /* [ */) {
    const start = pos;
    // SD-ELEMENTs: "[" ... "]" with \" \\ \] escaped inside values; runs until an unescaped "]" not followed by "[".
    for (;;) {
      if (pos >= buf.length) throw new Error('unterminated STRUCTURED-DATA');
      if (buf[pos] === 0x5c) pos += 2;
      else if (buf[pos] === 0x5d && buf[pos + 1] !== 0x5b) {
        pos += 1;
        break;
      } else pos += 1;
    }
    structuredData = buf.subarray(start, pos).toString('utf8');
  } else throw new Error(`bad STRUCTURED-DATA at octet ${pos}`);
  let msg: Buffer = Buffer.alloc(0);
  if (pos < buf.length) {
    if (buf[pos] !== 0x20) throw new Error(`no SP before MSG at octet ${pos}`);
    msg = buf.subarray(pos + 1);
  }
  const utf8 = msg.subarray(0, 3).equals(BOM);
  return {
    pri,
    facility: pri >> 3,
    severity: pri & 7,
    version: Number(m[2]),
    timestamp,
    hostname,
    appName,
    procId,
    msgId,
    structuredData,
    msg,
    ...(utf8 ? { text: new TextDecoder('utf-8', { fatal: true }).decode(msg.subarray(3)) } : {}),
  };
}

/** Splits an octet-counted stream (`MSG-LEN SP SYSLOG-MSG`) into messages, whatever the chunking. */
export class OctetCountingDecoder {
  private pending = Buffer.alloc(0);

  push(chunk: Uint8Array): Buffer[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const sp = this.pending.indexOf(0x20);
      if (sp < 0) {
        if (this.pending.length > 10 || !/^\d*$/.test(this.pending.toString('latin1'))) throw new Error(`bad MSG-LEN ${JSON.stringify(this.pending.subarray(0, 12).toString('latin1'))}`);
        return out;
      }
      const lenText = this.pending.subarray(0, sp).toString('latin1');
      if (!/^[1-9]\d{0,9}$/.test(lenText)) throw new Error(`bad MSG-LEN ${JSON.stringify(lenText)}`);
      const len = Number(lenText);
      if (this.pending.length < sp + 1 + len) return out;
      out.push(Buffer.from(this.pending.subarray(sp + 1, sp + 1 + len)));
      this.pending = this.pending.subarray(sp + 1 + len);
    }
  }

  /** Octets of an incomplete message left at the end. */
  get leftover(): number {
    return this.pending.length;
  }
}

export interface SyslogReceiver {
  port: number;
  /** Every message received, in arrival order, across restarts. */
  messages: SyslogMessage[];
  /** Framing or parse errors (a test expects none). */
  errors: Error[];
  /** TLS handshakes that failed (the client refused us, or we refused the client). */
  handshakeErrors: Error[];
  /** Subject CNs of the client certificates of accepted connections. */
  clientSubjects: string[];
  /** Waits until at least `count` messages arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<SyslogMessage[]>;
  /** Stops listening and drops every connection (the repository goes down). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

export async function startSyslogTlsReceiver(options: { pair: KeyPair; port?: number; clientCaFile?: string }): Promise<SyslogReceiver> {
  const clientCa = options.clientCaFile ? await fs.readFile(options.clientCaFile, 'utf8') : undefined;
  const messages: SyslogMessage[] = [];
  const errors: Error[] = [];
  const handshakeErrors: Error[] = [];
  const clientSubjects: string[] = [];
  let server: tls.Server | undefined;
  const sockets = new Set<tls.TLSSocket>();
  let port = options.port ?? 0;

  const listen = async () => {
    const s = tls.createServer(
      { key: options.pair.key, cert: options.pair.cert, minVersion: 'TLSv1.2', ...(clientCa ? { ca: clientCa, requestCert: true, rejectUnauthorized: true } : {}) },
      (socket) => {
        sockets.add(socket);
        const peer = socket.getPeerCertificate();
        if (peer && peer.subject) clientSubjects.push(String(peer.subject.CN));
        const decoder = new OctetCountingDecoder();
        socket.on('data', (chunk: Buffer) => {
          try {
            for (const m of decoder.push(chunk)) messages.push(parseSyslogMessage(m));
          } catch (err) {
            errors.push(err as Error);
            socket.destroy();
          }
        });
        socket.on('error', () => {});
        socket.on('close', () => sockets.delete(socket));
      },
    );
    s.on('tlsClientError', (err) => handshakeErrors.push(err));
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  await listen();

  return {
    get port() {
      return port;
    },
    messages,
    errors,
    handshakeErrors,
    clientSubjects,
    async waitFor(count, timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (errors.length) throw errors[0];
        if (Date.now() > deadline) throw new Error(`the syslog receiver got ${messages.length} of ${count} messages within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages.slice(0, count);
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async start() {
      if (!server) await listen();
    },
  };
}
