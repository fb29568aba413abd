/**
 * One read from the upstream nodes with failover: nodes are tried in priority order, offline ones are
 * skipped (not waited on), and a node that fails — before the answer or in the middle of its body
 * (connection refused or reset, timeout, 5xx) — hands the request to the next node. Answers are read whole
 * before they are returned, so a node dying mid-body never reaches the renderer as a truncated frame:
 * the bytes returned are exactly one node's complete answer. A multipart answer must also end with its closing
 * delimiter (a body cut mid-part can still be well-formed HTTP).
 */
import { boundaryOf } from '../../../common/dicom/multipart';
import type { FailureKind, NodeHealth } from './nodeHealth';
import { type DicomwebUpstream, UpstreamError } from './upstream';

export interface FetchedAnswer {
  node: DicomwebUpstream;
  status: number;
  contentType: string;
  body: Uint8Array;
}

export type FailoverOutcome =
  | { kind: 'ok'; answer: FetchedAnswer }
  /** failures: one line per node that failed or was skipped (each names its node); empty when every node said 404. */
  | { kind: 'miss'; failures: string[] };

export interface FailoverOptions {
  /** Bound each node's attempt (headers and body) by its timeoutMs. Right for frames and metadata. */
  deadline?: boolean;
  signal?: AbortSignal;
  /** Try this node first (e.g. the one that just answered for the same instance). */
  prefer?: DicomwebUpstream;
}

function kindOf(err: unknown, deadlineFired: boolean): FailureKind | 'cancelled' {
  if (deadlineFired) return 'timeout';
  if (err instanceof UpstreamError) {
    if (err.failure === 'timeout') return 'timeout';
    if (err.failure === 'cancelled') return 'cancelled';
    if (err.failure === 'unreachable') return 'unreachable';
    return 'server';
  }
  // A body that breaks off (connection reset, node stopped) after the status line.
  return 'unreachable';
}

/** The first `code` along an error's cause chain (undici wraps its errors in a TypeError "terminated"). */
function causeCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err.cause as Error | undefined)?.message;
    return cause && !err.message.includes(cause) ? `${err.message} (${cause})` : err.message;
  }
  return String(err);
}

/** True when a multipart/related body lacks its closing delimiter (so its last part may be partial). */
function multipartCut(contentType: string, body: Uint8Array): boolean {
  if (!/^\s*multipart\//i.test(contentType)) return false;
  const boundary = boundaryOf(contentType);
  if (!boundary) return false; // not ours to judge: the caller reports a multipart answer without a boundary
  // Every part ends where the next delimiter starts: with the closing delimiter there, all parts are whole.
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).lastIndexOf(`--${boundary}--`) < 0;
}

export async function fetchWithFailover(
  upstreams: readonly DicomwebUpstream[],
  health: NodeHealth,
  pathAndQuery: string,
  accept: string,
  options: FailoverOptions = {},
): Promise<FailoverOutcome> {
  const failures: string[] = [];
  const order = options.prefer && upstreams.includes(options.prefer) ? [options.prefer, ...upstreams.filter((u) => u !== options.prefer)] : upstreams;
  for (const up of order) {
    if (options.signal?.aborted) break;
    if (health.shouldSkip(up.name)) {
      failures.push(health.skipReason(up.name));
      continue;
    }
    const deadline = options.deadline ? AbortSignal.timeout(up.timeoutMs) : undefined;
    const signals = [options.signal, deadline].filter((s): s is AbortSignal => !!s);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    let stage = 'request';
    try {
      const res = await up.fetch(pathAndQuery, accept, signal);
      if (res.status === 404 || res.status === 204) {
        await res.body?.cancel().catch(() => {});
        health.recordSuccess(up.name);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        const line = `${up.name} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
        failures.push(line);
        if (res.status >= 500) health.recordFailure(up.name, 'server', line);
        continue;
      }
      stage = 'body';
      const body = new Uint8Array(await res.arrayBuffer());
      // Well-formed HTTP can still carry a cut multipart (a node whose generator died mid-part, a proxy that
      // ends the chunked body early): without its closing delimiter the last part may be partial, and the
      // viewer would draw or store a short frame. Such an answer is a failure of that node, like a reset.
      const cut = multipartCut(res.headers.get('content-type') ?? '', body);
      if (cut) {
        const line = `${up.name} sent a multipart answer that ends before its closing boundary (${body.byteLength} bytes): it was cut short`;
        failures.push(line);
        health.recordFailure(up.name, 'server', line);
        continue;
      }
      health.recordSuccess(up.name);
      return { kind: 'ok', answer: { node: up, status: res.status, contentType: res.headers.get('content-type') ?? '', body } };
    } catch (err) {
      // A body that stops coming (undici's body timeout, the node's timeoutMs between two chunks) is a stall, not
      // a cut: say so in words, and count it as a timeout (the node may be busy, it is not gone).
      if (stage === 'body' && causeCode(err) === 'UND_ERR_BODY_TIMEOUT' && !options.signal?.aborted) {
        const line = `${up.name}: the answer stalled for more than ${up.timeoutMs} ms`;
        failures.push(line);
        health.recordFailure(up.name, 'timeout', line);
        continue;
      }
      const kind = kindOf(err, !!deadline?.aborted);
      if (kind === 'cancelled' || (options.signal?.aborted && !deadline?.aborted)) break;
      const line =
        kind === 'timeout'
          ? `${up.name}: no complete answer within ${up.timeoutMs} ms`
          : stage === 'body'
            ? `${up.name}: the connection broke off during the answer (${messageOf(err)})`
            : messageOf(err);
      failures.push(line.includes(up.name) ? line : `${up.name}: ${line}`);
      health.recordFailure(up.name, kind, line);
    }
  }
  return { kind: 'miss', failures };
}
