/**
 * Misbehaving DICOMweb peers on 127.0.0.1, for the error paths a real PACS will not show on demand:
 * HTTP 500, an HTML page (a login proxy, a wrong URL), invalid JSON, a multipart answer cut short, a server
 * that accepts the connection and never answers.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { encodeMultipart } from '../../common/dicom/multipart';

export interface StubServer {
  port: number;
  /** http://127.0.0.1:PORT/dicom-web */
  url: string;
  /** Request lines received ("GET /dicom-web/studies?…"), in order. */
  requests: string[];
  close(): Promise<void>;
}

export type StubHandler = (req: http.IncomingMessage, res: http.ServerResponse, path: string) => void;

export async function startStubServer(handler: StubHandler): Promise<StubServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const path = (req.url ?? '/').replace(/^\/dicom-web/, '');
    try {
      handler(req, res, path);
    } catch (err) {
      res.destroy(err as Error);
    }
  });
  await listen(server);
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/dicom-web`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

/** Answers everything with HTTP 500 and a short text. */
export const http500: StubHandler = (_req, res) => {
  res.writeHead(500, { 'content-type': 'text/plain' });
  res.end('Internal error: database is locked');
};

/** Answers everything with 200 and an HTML login page, as a misconfigured proxy does. */
export const htmlPage: StubHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>User <input name=u></form></body></html>');
};

/** Answers QIDO with 200, the DICOM JSON content type, and JSON cut off in the middle. */
export const invalidJson: StubHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/dicom+json' });
  res.end('[{"0020000D": {"vr": "UI", "Value": ["1.2.3"');
};

/**
 * A node that has one study of `instances` (Part 10 bytes) and answers its retrieve with the first
 * `complete` instances whole, then half of the next one, and then either ends the body there (a clean end
 * without the closing boundary, 'end') or kills the connection ('drop').
 */
export function truncatedRetrieve(options: { study: string; instances: Uint8Array[]; complete: number; how: 'end' | 'drop' }): StubHandler {
  return (_req, res, path) => {
    if (path.startsWith('/studies?')) {
      res.writeHead(200, { 'content-type': 'application/dicom+json' });
      res.end(JSON.stringify([{ '0020000D': { vr: 'UI', Value: [options.study] }, '00201208': { vr: 'IS', Value: [options.instances.length] } }]));
      return;
    }
    if (path === `/studies/${options.study}`) {
      const boundary = `stub-${randomBytes(8).toString('hex')}`;
      const full = encodeMultipart(options.instances.map((body) => ({ contentType: 'application/dicom', body })), boundary);
      const prefix = encodeMultipart(options.instances.slice(0, options.complete).map((body) => ({ contentType: 'application/dicom', body })), boundary);
      // Everything of the complete parts (without the closing "--boundary--"), then half of the next part.
      const closing = `--${boundary}--\r\n`.length;
      const next = options.instances[options.complete]!;
      const cut = prefix.length - closing + 200 + Math.floor(next.length / 2);
      const body = full.subarray(0, cut);
      const type = `multipart/related; type="application/dicom"; boundary=${boundary}`;
      if (options.how === 'end') {
        res.writeHead(200, { 'content-type': type, 'content-length': String(body.length) });
        res.end(body);
      } else {
        res.writeHead(200, { 'content-type': type }); // chunked: the client cannot know the length
        res.write(body, () => setTimeout(() => res.socket?.destroy(), 50));
      }
      return;
    }
    res.writeHead(404).end();
  };
}

export interface SilentServer {
  port: number;
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Accepts TCP connections and never says a word (a hung PACS, or something that is not HTTP). */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server);
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/dicom-web`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await listen(server);
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A pass-through to a real node (Orthanc's DICOMweb root), so a test can count what a client asked the node for
 * (`StubServer.requests`) while the answers stay the node's own, byte for byte.
 */
export function passThroughTo(targetDicomwebUrl: string): StubHandler {
  const target = new URL(targetDicomwebUrl.replace(/\/+$/, ''));
  return (req, res, path) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: `${target.pathname}${path}`, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => res.destroy(err));
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };
}
