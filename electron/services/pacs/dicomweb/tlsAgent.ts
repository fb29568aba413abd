/**
 * One undici Agent per node: its connection pool, TLS trust and client certificate, and timeouts.
 *
 * Why undici (the npm package) rather than the global fetch alone: Node 20's global fetch takes no TLS
 * options; custom CAs and client certificates need an undici `Agent` as the dispatcher, and Node does not
 * expose its bundled undici's classes. We use the package's own `fetch` with its own `Agent` so that the
 * two always come from the same version. (dicomweb-client, the library one would reach for first, sits on
 * XMLHttpRequest, which Node lacks, and has no way to take a TLS agent.)
 */
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector } from 'undici';

export interface NodeAgentOptions {
  /** Extra CA certificates (PEM), trusted in addition to Node's bundled roots. */
  ca?: string;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string;
  key?: string;
  connectTimeoutMs: number;
  /** Time to the response headers, and the longest pause allowed while a body streams. */
  timeoutMs: number;
}

export interface TlsAlert {
  code?: string;
  message: string;
}

export interface NodeAgent {
  readonly dispatcher: Agent;
  /**
   * The TLS alert that closed the socket behind `err`, if any. A TLS 1.3 server that wants a client
   * certificate rejects it only after the client thinks the handshake is done; undici then reports a
   * bare "other side closed" and the alert ("certificate required") is lost. The connector below notes
   * alerts per local port so that the error message can say what really happened.
   */
  tlsAlertFor(err: unknown): TlsAlert | undefined;
  close(): Promise<void>;
}

const ALERT_MEMORY_MS = 10000;

export function createNodeAgent(options: NodeAgentOptions): NodeAgent {
  const alerts = new Map<number, TlsAlert>();
  const base = buildConnector({
    // Appending keeps public CAs working for nodes with commercial certificates.
    ca: options.ca ? [...rootCertificates, options.ca] : undefined,
    cert: options.cert,
    key: options.key,
    timeout: options.connectTimeoutMs,
  });
  const connect: buildConnector.connector = (opts, callback) =>
    base(opts, (err, socket) => {
      if (socket) {
        socket.on('error', (e: Error & { code?: string }) => {
          if (!e.code?.startsWith('ERR_SSL_') || socket.localPort === undefined) return;
          const port = socket.localPort;
          alerts.set(port, { code: e.code, message: e.message });
          setTimeout(() => alerts.delete(port), ALERT_MEMORY_MS).unref();
        });
      }
      if (err) callback(err, null);
      else callback(null, socket!);
    });
  const dispatcher = new Agent({ connect, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  return {
    dispatcher,
    tlsAlertFor(err) {
      for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
        const port = (e as { socket?: { localPort?: number } }).socket?.localPort;
        if (port !== undefined && alerts.has(port)) return alerts.get(port);
      }
      return undefined;
    },
    // destroy, not close: close() would wait for requests still in flight (a node that never answers).
    close: () => dispatcher.destroy(),
  };
}
