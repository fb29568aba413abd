/**
 * Series-level transfer: a volume's pixel data in one streamed Retrieve Series answer (bulk data, one part per
 * frame, see electron/services/gateway/seriesRetrieve.ts) instead of one WADO-RS request per frame.
 *
 * Each frame that arrives is handed to cornerstone's own WADO-RS loader through its compressed-frame registry
 * (the COMPRESSED_FRAME_DATA metadata module): the loader decodes it in its web workers exactly as it decodes
 * a frame it fetched itself, so both paths give identical pixels, and the decoded image goes straight into the
 * volume (no second copy: the registry entry is dropped once the frame is decoded). A frame the stream did not
 * bring (cut connection, an instance left out) is fetched by the loader one by one, as before.
 */
import { metaData } from '@cornerstonejs/core';
import { OCTET_STREAM_ACCEPT } from '../../../common/dicom/multipart';
import { MultipartStreamParser, multipartBoundary } from '../../../common/dicom/multipartStream';
import { framePathOf } from '../imageIds';

const COMPRESSED_FRAME_DATA = 'compressedFrameData';

interface FrameData {
  pixelData: Uint8Array;
  transferSyntaxUid: string;
}

/** Frames that arrived and are not decoded yet, by frame path. */
const registry = new Map<string, FrameData>();
let providerAdded = false;

function addRegistryProvider(): void {
  if (providerAdded) return;
  providerAdded = true;
  // Ahead of every other provider: only frames that came by stream are answered, everything else falls through.
  metaData.addProvider((type: string, imageId: string) => {
    if (type !== COMPRESSED_FRAME_DATA || typeof imageId !== 'string') return undefined;
    const path = framePathOf(imageId);
    return path ? registry.get(path) : undefined;
  }, 100000);
}

export interface SeriesStream {
  /** Resolves when the frame's bytes are here; rejects when the stream ended (or failed) without it. */
  arrival(imageId: string): Promise<void>;
  /** The frame was decoded into the volume: drop its bytes. */
  release(imageId: string): void;
  /** Stops the transfer; frames not yet here reject their arrival. */
  cancel(): void;
}

export function streamSeries(seriesUrl: string, headers: Record<string, string>, imageIds: readonly string[]): SeriesStream {
  addRegistryProvider();
  const wanted = new Set(imageIds.map(framePathOf).filter((p): p is string => !!p));
  const waiting = new Map<string, { resolve: () => void; reject: (e: Error) => void }[]>();
  const arrived = new Set<string>();
  let ended: Error | undefined;
  const controller = new AbortController();

  const settle = (path: string) => {
    arrived.add(path);
    for (const w of waiting.get(path) ?? []) w.resolve();
    waiting.delete(path);
  };
  const finish = (why: Error) => {
    ended = why;
    for (const list of waiting.values()) for (const w of list) w.reject(why);
    waiting.clear();
  };

  const done = (async () => {
    const res = await fetch(seriesUrl, { headers: { ...headers, Accept: OCTET_STREAM_ACCEPT }, signal: controller.signal });
    if (!res.ok || !res.body) throw new Error(`the series stream answered ${res.status}`);
    const boundary = multipartBoundary(res.headers.get('content-type') ?? '');
    if (!boundary) throw new Error('the series stream is not multipart/related');
    const parser = new MultipartStreamParser(boundary);
    const reader = res.body.getReader();
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      for (const part of parser.push(value)) {
        const path = framePathOf(part.headers['content-location'] ?? '');
        const ts = /transfer-syntax=([0-9.]+)/.exec(part.headers['content-type'] ?? '')?.[1];
        if (!path || !ts || !wanted.has(path) || arrived.has(path)) continue;
        // The loader transfers the buffer to its worker: each frame must own its ArrayBuffer (a view into the
        // network chunk would detach the frames beside it).
        const body = part.body;
        const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : body.slice();
        registry.set(path, { pixelData: own, transferSyntaxUid: ts });
        settle(path);
      }
    }
    parser.end();
  })();
  done.then(
    () => finish(new Error('the series stream did not bring this frame')),
    (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
  );
  done.catch(() => undefined);

  return {
    arrival(imageId) {
      const path = framePathOf(imageId);
      if (!path) return Promise.reject(new Error('not a frame of this series'));
      if (arrived.has(path)) return Promise.resolve();
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => {
        const list = waiting.get(path) ?? [];
        list.push({ resolve, reject });
        waiting.set(path, list);
      });
    },
    release(imageId) {
      const path = framePathOf(imageId);
      if (path) registry.delete(path);
    },
    cancel() {
      controller.abort();
      for (const path of wanted) registry.delete(path);
      finish(new Error('the series stream was cancelled'));
    },
  };
}
