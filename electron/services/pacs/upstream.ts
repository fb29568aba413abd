/**
 * An upstream DICOMweb node as the gateway sees it: a base URL and a fetch with a timeout.
 * Upstream answers are never gzip-encoded on request: on a LAN, Orthanc's gzip costs 8× the transfer time.
 *
 * Given a NodeFetcher (electron/services/pacs/dicomweb/http.ts, e.g. a DicomwebPacsNode's `http`), requests
 * go through it and so get the node's auth (basic, bearer, OAuth2), TLS trust and client certificate;
 * without one, a plain global fetch with `headers` is used, as before.
 */
import { fetch as undiciFetch } from 'undici';
import type { NodeFetcher } from './dicomweb/http';
import { PacsError } from './pacsNode';

export interface DicomwebUpstreamConfig {
  name: string;
  baseUrl: string;
  /** Extra headers (auth) sent with every request. Ignored when a fetcher is given (it applies the node's auth). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  /**
   * The node's HTTP client. Its own settings then rule: auth, TLS, and the node's timeouts (time to the
   * headers and the longest pause in a body, rather than one deadline for the whole transfer).
   */
  fetcher?: NodeFetcher;
}

/** For a failure without an answer: could the node not be reached, or did it not answer in time? */
export type UpstreamFailure = 'unreachable' | 'timeout' | 'cancelled' | 'other';

export class UpstreamError extends Error {
  constructor(
    readonly upstream: string,
    readonly status: number | undefined,
    message: string,
    readonly failure: UpstreamFailure = 'other',
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export class DicomwebUpstream {
  readonly name: string;
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  /** The node's timeout: the gateway bounds each attempt at a frame or metadata answer by it. */
  readonly timeoutMs: number;
  private readonly fetcher: NodeFetcher | undefined;

  constructor(config: DicomwebUpstreamConfig) {
    this.name = config.name;
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.headers = config.headers ?? {};
    this.timeoutMs = config.timeoutMs ?? 15000;
    this.fetcher = config.fetcher;
    if (this.fetcher && this.fetcher.baseUrl !== this.baseUrl) {
      throw new TypeError(`DicomwebUpstream ${this.name}: baseUrl ${this.baseUrl} differs from its fetcher's ${this.fetcher.baseUrl}`);
    }
  }

  /** Fetches `pathAndQuery` (starting with "/studies"). Network failures become UpstreamError with the reason. */
  async fetch(pathAndQuery: string, accept: string, signal?: AbortSignal): Promise<Response> {
    if (this.fetcher) {
      try {
        return (await this.fetcher.request(pathAndQuery, { accept, signal, deadline: 'stream' })).response;
      } catch (err) {
        // PacsError messages already name the node and say what to do (TLS, auth, unreachable …).
        const failure: UpstreamFailure =
          err instanceof PacsError ? (err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'cancelled' ? err.kind : 'other') : 'other';
        throw new UpstreamError(this.name, undefined, err instanceof Error ? err.message : String(err), failure);
      }
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      // The undici package (patched: patches/undici+6.29.1.patch), not Node 20's bundled copy: a slow reader of
      // a body the node sends with `Connection: close` crashes the process in the bundled one (undici#5360).
      res = (await undiciFetch(`${this.baseUrl}${pathAndQuery}`, {
        headers: { ...this.headers, Accept: accept, 'Accept-Encoding': 'identity' },
        signal: combined,
      })) as unknown as Response;
    } catch (err) {
      const why = timeout.aborted
        ? `no answer within ${this.timeoutMs} ms`
        : err instanceof Error
          ? ((err.cause as Error | undefined)?.message ?? err.message)
          : String(err);
      const failure: UpstreamFailure = timeout.aborted ? 'timeout' : signal?.aborted ? 'cancelled' : 'unreachable';
      throw new UpstreamError(this.name, undefined, `${this.name} is unreachable: ${why}`, failure);
    }
    return res;
  }

  async fetchJson(pathAndQuery: string, signal?: AbortSignal): Promise<unknown[]> {
    const res = await this.fetch(pathAndQuery, 'application/dicom+json', signal);
    if (res.status === 204) return [];
    if (!res.ok) {
      await res.body?.cancel();
      const message = this.fetcher
        ? this.fetcher.statusError(res.status, res.statusText, `QIDO ${pathAndQuery.split('?')[0]}`).message
        : `${this.name} answered HTTP ${res.status} ${res.statusText}`.trim();
      throw new UpstreamError(this.name, res.status, message);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new UpstreamError(this.name, res.status, `${this.name}: the answer was cut off (${err instanceof PacsError ? err.message : err instanceof Error ? err.message : String(err)})`);
    }
    let json: unknown;
    try {
      json = text.trim() === '' ? [] : JSON.parse(text);
    } catch {
      throw new UpstreamError(this.name, res.status, `${this.name} sent a reply that is not JSON`);
    }
    if (!Array.isArray(json)) throw new UpstreamError(this.name, res.status, `${this.name} sent JSON that is not a DICOM JSON array`);
    return json;
  }
}
