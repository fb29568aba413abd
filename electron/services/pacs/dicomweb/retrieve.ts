/**
 * WADO-RS retrieve as a stream: each instance goes to the sink as soon as its multipart part is complete,
 * so memory holds one instance at a time and the first images are stored while the rest still travel.
 * The sink is awaited before the next chunk is read: a slow disk slows the download (TCP backpressure)
 * instead of piling parts up in memory.
 */
import type { InstanceSink, RetrieveProgress } from '../pacsNode';
import { PacsError } from '../pacsNode';
import { contentFailure } from './errors';
import type { NodeFetcher } from './http';
import { MultipartStreamError, MultipartStreamParser, multipartBoundary, type StreamedPart } from './multipartStream';

/** Any transfer syntax: the node sends what it stores, untouched (no server-side transcoding, no loss). */
export const RETRIEVE_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

export class ProgressTracker {
  readonly progress: RetrieveProgress = { completed: 0, failed: 0, bytes: 0 };

  constructor(private readonly listener?: (p: RetrieveProgress) => void) {}

  emit(): void {
    try {
      this.listener?.({ ...this.progress });
    } catch {
      // A broken progress display must not break the retrieve.
    }
  }

  snapshot(): RetrieveProgress {
    return { ...this.progress };
  }
}

async function deliver(part: StreamedPart, sink: InstanceSink, tracker: ProgressTracker): Promise<void> {
  tracker.progress.bytes += part.body.byteLength;
  try {
    await sink(part.body);
    tracker.progress.completed++;
  } catch {
    // The InstanceSink contract: a throwing sink marks that instance failed; the others still come.
    tracker.progress.failed++;
  }
  tracker.emit();
}

/**
 * GETs `path` as multipart/related DICOM and hands each complete part to the sink.
 * Throws PacsError: 'cancelled' when the signal fires (the instance being stored is finished first, the
 * one being received is dropped), 'protocol' for a non-multipart or truncated answer.
 */
export async function retrieveMultipart(
  fetcher: NodeFetcher,
  path: string,
  what: string,
  sink: InstanceSink,
  tracker: ProgressTracker,
  signal?: AbortSignal,
): Promise<void> {
  const node = fetcher.node;
  const cancelled = () => new PacsError('cancelled', node.id, `${node.name}: cancelled`);
  const nr = await fetcher.requestOk(path, { accept: RETRIEVE_ACCEPT, signal, deadline: 'stream' }, what);
  const res = nr.response;
  if (res.status === 204 || !res.body) {
    await res.body?.cancel().catch(() => {});
    return;
  }
  const contentType = res.headers.get('content-type') ?? '';
  const boundary = multipartBoundary(contentType);
  if (!boundary) {
    await res.body.cancel().catch(() => {});
    throw contentFailure(node, what, /html/i.test(contentType) ? 'html' : 'not-multipart', contentType ? `"${contentType}"` : 'no Content-Type');
  }

  const parser = new MultipartStreamParser(boundary);
  const truncated = () => contentFailure(node, what, 'truncated-multipart', `${tracker.progress.completed} instance(s) were stored before the cut`);
  const reader = res.body.getReader();
  let drained = false;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        const mapped = nr.fail(err);
        throw mapped.kind === 'protocol' ? truncated() : mapped;
      }
      if (chunk.done) {
        drained = true;
        break;
      }
      for (const part of parser.push(chunk.value)) {
        await deliver(part, sink, tracker);
        if (signal?.aborted) throw cancelled();
      }
      if (parser.complete) break; // whatever follows the closing delimiter is epilogue, ignored
    }
    parser.end();
  } catch (err) {
    if (err instanceof MultipartStreamError) throw err.truncated ? truncated() : contentFailure(node, what, 'not-multipart', err.message);
    throw err;
  } finally {
    // Stopping early (cancel, error, epilogue) must still release the connection.
    if (!drained) await reader.cancel().catch(() => {});
  }
}
