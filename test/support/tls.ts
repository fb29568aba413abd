/**
 * Throwaway PKI and an HTTPS front for tests: a CA, a server certificate for 127.0.0.1 and localhost,
 * one for another host name, and client certificates, made with the `openssl` CLI (Node's crypto can make
 * keys but not X.509 certificates); plus a node:https reverse proxy that puts TLS (optionally mutual) in
 * front of an HTTP server such as Orthanc, which has no TLS of its own in the Debian build we test with.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, removeDir } from './tempDir';

const run = promisify(execFile);

export interface KeyPair {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** The CA certificate (PEM file), what a node's tls.caFile points at. */
  caFile: string;
  /** For 127.0.0.1 and localhost, signed by the CA. */
  server: KeyPair;
  /** Signed by the CA but only for pacs.invalid: a host name mismatch on 127.0.0.1. */
  wrongHost: KeyPair;
  /** A client certificate (extendedKeyUsage clientAuth) signed by the CA. */
  client: KeyPair;
  /** A client certificate from another, untrusted CA. */
  foreignClient: KeyPair;
  remove(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('The TLS tests need the openssl command-line tool (apt-get install openssl)', { cause: err });
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr ?? e.message}`, { cause: err });
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  await openssl(
    ['req', '-x509', ...EC, '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=Dokuei ${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  return { cert, key };
}

async function makeLeaf(dir: string, name: string, ca: { cert: string; key: string }, extensions: string[]): Promise<KeyPair> {
  const keyFile = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const certFile = path.join(dir, `${name}.pem`);
  const ext = path.join(dir, `${name}.ext`);
  await openssl(['req', '-new', ...EC, '-keyout', keyFile, '-out', csr, '-subj', `/CN=${name}`], dir);
  await fs.writeFile(ext, [...extensions, 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature'].join('\n') + '\n');
  await openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-out', certFile, '-days', '2', '-extfile', ext],
    dir,
  );
  return { certFile, keyFile, cert: await fs.readFile(certFile, 'utf8'), key: await fs.readFile(keyFile, 'utf8') };
}

export async function makeTestPki(): Promise<TestPki> {
  const dir = await makeTempDir('dokuei-pki-');
  try {
    const ca = await makeCa(dir, 'test-ca');
    const other = await makeCa(dir, 'other-ca');
    const [server, wrongHost, client, foreignClient] = await Promise.all([
      makeLeaf(dir, 'server', ca, ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth']),
      makeLeaf(dir, 'wrong-host', ca, ['subjectAltName=DNS:pacs.invalid', 'extendedKeyUsage=serverAuth']),
      makeLeaf(dir, 'client', ca, ['extendedKeyUsage=clientAuth']),
      makeLeaf(dir, 'foreign-client', other, ['extendedKeyUsage=clientAuth']),
    ]);
    return { dir, caFile: ca.cert, server, wrongHost, client, foreignClient, remove: () => removeDir(dir) };
  } catch (err) {
    await removeDir(dir);
    throw err;
  }
}

export interface TlsProxy {
  port: number;
  /** https://127.0.0.1:PORT */
  baseUrl: string;
  /** Client certificates the proxy saw on accepted connections (subject CN), in order. */
  clientSubjects: string[];
  close(): Promise<void>;
}

/**
 * An HTTPS server on 127.0.0.1 that forwards every request to `target` (an http:// origin) and streams the
 * answer back unchanged. With `clientCa`, clients must present a certificate signed by it (mutual TLS).
 */
export async function startTlsProxy(options: { target: string; pair: KeyPair; clientCa?: string }): Promise<TlsProxy> {
  const target = new URL(options.target);
  const clientSubjects: string[] = [];
  const server = https.createServer(
    {
      key: options.pair.key,
      cert: options.pair.cert,
      ...(options.clientCa ? { requestCert: true, rejectUnauthorized: true, ca: await fs.readFile(options.clientCa, 'utf8') } : {}),
    },
    (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate?.();
      if (peer && peer.subject) clientSubjects.push(String(peer.subject.CN));
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent: false },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
        },
      );
      upstream.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${err.message}`);
      });
      req.pipe(upstream);
    },
  );
  // A refused handshake is what several tests provoke on purpose: not an error of the proxy.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    baseUrl: `https://127.0.0.1:${port}`,
    clientSubjects,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
