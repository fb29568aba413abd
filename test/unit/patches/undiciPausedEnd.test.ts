/**
 * patches/undici+6.29.1.patch: a response body not read at once (backpressure pauses undici's HTTP/1 parser)
 * while the server sends `Connection: close` and ends the connection made undici 6 throw an uncatchable
 * AssertionError from the socket's 'end' handler (nodejs/undici#5360): a crash of the whole host process (browser
 * host, Electron main) in the middle of a read from a PACS. Fixed upstream in undici 8 only, which needs Node 22;
 * the patch ports the fix (nodejs/undici#5474). Reproduction as in the upstream issue.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch as undiciFetch } from 'undici';

// Large enough that a slow reader pauses the parser many times; the last bytes differ, to see they arrive.
const BODY = Buffer.alloc(2 * 1024 * 1024, 0x61).fill(0x62, 2 * 1024 * 1024 - 3);

describe('undici (patched): the server ends the connection while a slow reader has not read the body yet', () => {
  let server: Server;
  let url: string;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    server = createServer((sock) => {
      sock.once('data', (req) => {
        const path = /^GET (\S+)/.exec(req.toString('latin1'))?.[1];
        if (path === '/chunked') {
          sock.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${BODY.length.toString(16)}\r\n`);
          sock.write(BODY);
          sock.write('\r\n0\r\n\r\n');
        } else if (path === '/eof') {
          sock.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n'); // the body ends with the connection
          sock.write(BODY);
        } else {
          const length = path === '/short' ? BODY.length + 10 : BODY.length;
          sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`);
          sock.write(BODY);
        }
        sock.end(); // FIN
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await new Promise<void>((r) => server.close(() => r()));
  });

  for (const path of ['/length', '/chunked', '/eof']) {
    it(`${path}: a slow reader gets the whole body, and nothing crashes`, async () => {
      const res = await undiciFetch(`${url}${path}`);
      expect(res.status).toBe(200);
      // Reads a piece at a time, as a store-through writing to disk does, while the server has long finished.
      const reader = res.body!.getReader();
      const parts: Uint8Array[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(uncaught).toEqual([]);
      expect(Buffer.concat(parts).equals(BODY)).toBe(true);
    });
  }

  it('a body cut short of its Content-Length still fails as truncated (never a false completion)', async () => {
    const res = await undiciFetch(`${url}/short`);
    const reader = res.body!.getReader();
    let n = 0;
    const read = async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        n += value.length;
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    await expect(read()).rejects.toThrow();
    expect(n).toBeLessThanOrEqual(BODY.length);
    expect(uncaught).toEqual([]);
  });
});
