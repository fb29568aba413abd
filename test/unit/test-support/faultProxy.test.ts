/**
 * The fault proxy of the test bed (test/support/faultProxy.ts) against local servers: what passes is
 * byte-identical, and each fault does to the client what it says (a reset is an error, a stall holds bytes back,
 * a cap slows, a 5xx answers instead of the server, a truncated body is well-formed HTTP cut short, an A-ABORT
 * arrives on a PDU boundary). The integration tests trust these faults, so they are tested here.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { A_ABORT_PDU, startFaultProxy, type FaultProxy } from '../../support/faultProxy';
import { FaultFigures, parseFaultLine } from '../../support/hardeningFigures';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as http.Server).closeAllConnections?.();
      }),
  );
  return port;
}

/** A server that sends `payload` to every connection, then closes. */
async function sender(payload: Buffer): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.end(payload);
  });
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
  });
  return listen(server);
}

async function proxyTo(port: number, mode: 'tcp' | 'http' = 'tcp'): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ targetPort: port, mode, idleTimeoutMs: 5000 });
  cleanups.push(() => proxy.stop());
  return proxy;
}

/** Reads everything one connection gets; resolves with the bytes and how the connection ended. */
function readAll(port: number, send?: Buffer): Promise<{ bytes: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ host: '127.0.0.1', port }, () => send && s.write(send));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', (err: NodeJS.ErrnoException) => resolve({ bytes: Buffer.concat(chunks), error: err.code ?? err.message }));
    s.on('close', () => resolve({ bytes: Buffer.concat(chunks) }));
  });
}

describe('fault proxy, TCP', () => {
  it('forwards both ways byte for byte when no fault is scripted', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    const port = await listen(echo);
    const proxy = await proxyTo(port);
    const payload = randomBytes(3 * 1024 * 1024);
    const got = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let n = 0;
      const s = net.connect({ host: '127.0.0.1', port: proxy.port }, () => s.end(payload));
      s.on('data', (d: Buffer) => {
        chunks.push(d);
        n += d.length;
      });
      s.on('error', reject);
      s.on('close', () => resolve(Buffer.concat(chunks, n)));
    });
    expect(got.equals(payload)).toBe(true);
    expect(proxy.stats()).toMatchObject({ connections: 1, bytesUp: payload.length, bytesDown: payload.length });
    expect(proxy.injectedTotal()).toBe(0);
  });

  it('resets the connection after the given bytes: the client gets exactly those, then an error', async () => {
    const payload = randomBytes(1024 * 1024);
    const proxy = await proxyTo(await sender(payload));
    proxy.inject({ fault: { kind: 'reset', afterBytes: 100_000 } });
    const cut = await readAll(proxy.port);
    expect(cut.bytes.length).toBeLessThanOrEqual(100_000);
    expect(cut.bytes.equals(payload.subarray(0, cut.bytes.length))).toBe(true);
    expect(cut.error).toBe('ECONNRESET');
    // The rule was for one connection: the next one passes untouched.
    const whole = await readAll(proxy.port);
    expect(whole.bytes.equals(payload)).toBe(true);
    expect(proxy.stats().injected).toEqual({ reset: 1 });
  });

  it('stalls after the given bytes until the stall ends, then delivers the rest intact', async () => {
    const payload = randomBytes(200_000);
    const proxy = await proxyTo(await sender(payload));
    proxy.inject({ fault: { kind: 'stall', afterBytes: 50_000, forMs: 600 } });
    const chunks: Buffer[] = [];
    const s = net.connect({ host: '127.0.0.1', port: proxy.port });
    s.on('data', (d: Buffer) => chunks.push(d));
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    await new Promise((r) => setTimeout(r, 300));
    // During the stall: exactly the bytes before it.
    expect(Buffer.concat(chunks).length).toBe(50_000);
    await closed;
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
  });

  it('a stall without end holds the bytes back until the client gives up', async () => {
    const payload = randomBytes(100_000);
    const proxy = await proxyTo(await sender(payload));
    proxy.inject({ fault: { kind: 'stall', afterBytes: 10_000 } });
    const s = net.connect({ host: '127.0.0.1', port: proxy.port });
    let n = 0;
    s.on('data', (d: Buffer) => (n += d.length));
    await new Promise((r) => setTimeout(r, 500));
    expect(n).toBe(10_000);
    s.destroy();
  });

  it('caps the bandwidth: a capped transfer takes at least size/cap, and arrives intact', async () => {
    const payload = randomBytes(30_000);
    const proxy = await proxyTo(await sender(payload));
    proxy.inject({ fault: { kind: 'bandwidth', bytesPerSecond: 20_000 } });
    const started = Date.now();
    const got = await readAll(proxy.port);
    expect(got.bytes.equals(payload)).toBe(true);
    // A lower bound only (a slow machine is slower still): 30 kB at 20 kB/s cannot take less than 1 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000 - 20);
  });

  it('adds latency to each direction: an echo comes back no sooner than twice the latency, intact', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    const proxy = await proxyTo(await listen(echo));
    proxy.inject({ fault: { kind: 'latency', ms: 150 } });
    const started = Date.now();
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: proxy.port }, () => s.write('ping'));
      s.on('data', (d: Buffer) => {
        s.destroy();
        resolve(d);
      });
      s.on('error', reject);
    });
    expect(reply.toString()).toBe('ping');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300 - 5);
  });

  it('sends an A-ABORT on a PDU boundary after the given bytes, and nothing of the server after it', async () => {
    // Three P-DATA-TF PDUs of 1000 bytes each.
    const pdu = (fill: number) => {
      const b = Buffer.alloc(1006, fill);
      b.writeUInt8(0x04, 0);
      b.writeUInt8(0, 1);
      b.writeUInt32BE(1000, 2);
      return b;
    };
    const payload = Buffer.concat([pdu(1), pdu(2), pdu(3)]);
    const proxy = await proxyTo(await sender(payload));
    proxy.inject({ fault: { kind: 'dimse-abort', afterBytes: 1500 } });
    const got = await readAll(proxy.port);
    // The second PDU is whole (the abort waits for its end), then the A-ABORT, then the end.
    expect(got.bytes.length).toBe(2 * 1006 + A_ABORT_PDU.length);
    expect(got.bytes.subarray(0, 2012).equals(payload.subarray(0, 2012))).toBe(true);
    expect(got.bytes.subarray(2012).equals(A_ABORT_PDU)).toBe(true);
    expect(proxy.stats().injected).toEqual({ 'dimse-abort': 1 });
  });
});

describe('fault proxy, HTTP', () => {
  const body = randomBytes(300_000);

  async function httpServer(chunked: boolean): Promise<number> {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'multipart/related; boundary=b', ...(chunked ? {} : { 'content-length': String(body.length) }) });
      if (chunked) {
        // Several writes, so the body goes as several chunks.
        for (let i = 0; i < body.length; i += 64_000) res.write(body.subarray(i, i + 64_000));
        res.end();
      } else res.end(body);
    });
    return listen(server);
  }

  async function get(port: number, path: string): Promise<{ status: number; body: Buffer; error?: string }> {
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent: new http.Agent({ keepAlive: true }) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), error: err.code ?? err.message }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: 0, body: Buffer.alloc(0), error: err.code ?? err.message }));
    });
  }

  it('answers a matched request with the scripted 5xx, and passes the others', async () => {
    const proxy = await proxyTo(await httpServer(false), 'http');
    proxy.inject({ fault: { kind: 'http-status', status: 503 }, match: /\/frames\// });
    expect((await get(proxy.port, '/series/1')).body.equals(body)).toBe(true);
    const failed = await get(proxy.port, '/instances/1/frames/1');
    expect(failed.status).toBe(503);
    expect((await get(proxy.port, '/instances/1/frames/1')).body.equals(body)).toBe(true);
    expect(proxy.stats().injected).toEqual({ 'http-status': 1 });
  });

  for (const chunked of [false, true]) {
    it(`cuts a ${chunked ? 'chunked' : 'Content-Length'} body after the given bytes as a well-formed, shorter answer`, async () => {
      const proxy = await proxyTo(await httpServer(chunked), 'http');
      proxy.inject({ fault: { kind: 'truncate-body', afterBodyBytes: 100_001 }, match: /GET \/cut/ });
      const cut = await get(proxy.port, '/cut');
      expect(cut.error).toBeUndefined();
      expect(cut.status).toBe(200);
      expect(cut.body.equals(body.subarray(0, 100_001))).toBe(true);
      expect((await get(proxy.port, '/cut')).body.equals(body)).toBe(true);
    });
  }

  it('resets the answer to a matched request, counted from that answer', async () => {
    const proxy = await proxyTo(await httpServer(false), 'http');
    proxy.inject({ fault: { kind: 'reset', afterBytes: 50_000 }, match: /\/two/ });
    const agentless = await get(proxy.port, '/one');
    expect(agentless.body.equals(body)).toBe(true);
    const cut = await get(proxy.port, '/two');
    expect(cut.error).toBeDefined();
    expect(cut.body.length).toBeLessThan(50_000);
  });
});

describe('hardening figures', () => {
  it('prints the summary line and reads it back; a lost instance makes it not ok', () => {
    const f = new FaultFigures();
    f.record({ fault: 'reset', outcome: 'failed-then-resumed', corruptEntries: 0, lostInstances: 0, incompleteServed: 0 });
    f.record({ fault: 'latency', outcome: 'completed', corruptEntries: 0, lostInstances: 0, incompleteServed: 0 });
    expect(f.line()).toBe('faults: 2 injected × {completed 1, failed-then-resumed 1} / corrupt entries 0 / lost instances 0 / incomplete served 0');
    expect(parseFaultLine(f.line())).toMatchObject({ label: 'faults', injected: 2, outcomes: { completed: 1, 'failed-then-resumed': 1 }, lostInstances: 0 });
    expect(f.ok()).toBe(true);
    expect(parseFaultLine(f.line('faults (gateway read-through)'))?.label).toBe('faults (gateway read-through)');
    f.record({ fault: 'stall', outcome: 'completed', corruptEntries: 0, lostInstances: 1, incompleteServed: 0 });
    expect(f.ok()).toBe(false);
  });
});
