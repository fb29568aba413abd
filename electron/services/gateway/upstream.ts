/**
 * An upstream DICOMweb node as the gateway sees it: a base URL and a fetch with a timeout.
 * Upstream answers are never gzip-encoded on request: on a LAN, Orthanc's gzip costs 8× the transfer time.
 */
export interface DicomwebUpstreamConfig {
  name: string;
  baseUrl: string;
  /** Extra headers (auth) sent with every request. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export class UpstreamError extends Error {
  constructor(
    readonly upstream: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export class DicomwebUpstream {
  readonly name: string;
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(config: DicomwebUpstreamConfig) {
    this.name = config.name;
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.headers = config.headers ?? {};
    this.timeoutMs = config.timeoutMs ?? 15000;
  }

  /** Fetches `pathAndQuery` (starting with "/studies"). Network failures become UpstreamError with the reason. */
  async fetch(pathAndQuery: string, accept: string, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${pathAndQuery}`, {
        headers: { ...this.headers, Accept: accept, 'Accept-Encoding': 'identity' },
        signal: combined,
      });
    } catch (err) {
      const why = timeout.aborted
        ? `no answer within ${this.timeoutMs} ms`
        : err instanceof Error
          ? ((err.cause as Error | undefined)?.message ?? err.message)
          : String(err);
      throw new UpstreamError(this.name, undefined, `${this.name} is unreachable: ${why}`);
    }
    return res;
  }

  async fetchJson(pathAndQuery: string, signal?: AbortSignal): Promise<unknown[]> {
    const res = await this.fetch(pathAndQuery, 'application/dicom+json', signal);
    if (res.status === 204) return [];
    if (!res.ok) {
      await res.body?.cancel();
      throw new UpstreamError(this.name, res.status, `${this.name} answered HTTP ${res.status} ${res.statusText}`.trim());
    }
    const text = await res.text();
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
