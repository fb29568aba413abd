/**
 * Retrieve Series (PS3.18 §10.4) as one streamed multipart/related answer: the viewer asks for a whole series'
 * pixel data in one request instead of one WADO-RS request per frame.
 *  - Accept `multipart/related; type="application/octet-stream"` (bulk data): one part per frame of every
 *    instance, in the instance's own transfer syntax, each part naming its frame in Content-Location
 *    (`…/instances/{sop}/frames/{n}`, PS3.18 §8.7.3.5), so a client can place it without parsing any header;
 *  - Accept `multipart/related; type="application/dicom"`: one part per instance, its Part 10 bytes.
 * The body is pulled: an instance is read (decrypted once) only when the client has taken what came before,
 * with a small read-ahead so the disk and the socket overlap; a client that goes away cancels the rest.
 * An instance that cannot be read (no node has it, it does not decode) is left out and logged: the client sees
 * which frames did not come and asks for those one by one, where the failure gets its own answer.
 */
import { encodeClose, encodePartHead, newBoundary, PART_END } from '../../../common/dicom/multipart';
export { OCTET_STREAM_ACCEPT } from '../../../common/dicom/multipart';
import type { SopInstanceUid } from '../../../common/dicom/uid';
import { extractFrames } from '../dicom/part10';

export interface SeriesSource {
  /** Base of the Content-Location URLs: `${ourBase}/studies/{study}/series/{series}`. */
  seriesUrl: string;
  /** The instances, in the order to send them. */
  instances: readonly SopInstanceUid[];
  /** The Part 10 bytes of one instance (from the archive, or fetched and stored first); undefined when unavailable. */
  read(instance: SopInstanceUid): Promise<Uint8Array | undefined>;
  /** Called when the client stops reading before the end (the transfers in flight may stop). */
  onCancel?: () => void;
  log?: (message: string) => void;
}

/** How many instances are read ahead of the one being sent. */
const READ_AHEAD = 4;

/** Which kind of retrieve the Accept header asks for; undefined when it asks for neither. */
export function seriesRetrieveKind(accept: string | null): 'bulk' | 'instances' | undefined {
  if (!accept || /(^|,)\s*\*\/\*/.test(accept)) return 'instances';
  if (/type="?application\/octet-stream/i.test(accept) || /^\s*application\/octet-stream/i.test(accept)) return 'bulk';
  if (/type="?application\/dicom"?/i.test(accept) || /^\s*multipart\/related\s*(;|$)/i.test(accept)) return 'instances';
  return undefined;
}

export function seriesRetrieveResponse(source: SeriesSource, kind: 'bulk' | 'instances'): Response {
  const boundary = newBoundary();
  const log = source.log ?? (() => {});
  const reads = new Map<number, Promise<Uint8Array | undefined>>();
  let next = 0;
  let cancelled = false;

  const readAt = (i: number): Promise<Uint8Array | undefined> => {
    let p = reads.get(i);
    if (!p) {
      const sop = source.instances[i]!;
      p = source.read(sop).catch((err: unknown) => {
        log(`series retrieve: instance ${sop} left out: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      });
      reads.set(i, p);
    }
    return p;
  };

  /** The parts of one instance: its frames (bulk) or itself. */
  const partsOf = (sop: SopInstanceUid, bytes: Uint8Array): Uint8Array[] => {
    const location = `${source.seriesUrl}/instances/${sop}`;
    // Content-Length lets a client take each part without scanning it for the boundary.
    if (kind === 'instances') return [encodePartHead('application/dicom', boundary, { 'Content-Location': location, 'Content-Length': String(bytes.byteLength) }), bytes, PART_END];
    const { transferSyntaxUid, frames } = extractFrames(bytes, 'all');
    return frames.flatMap((frame, f) => [
      encodePartHead(`application/octet-stream; transfer-syntax=${transferSyntaxUid}`, boundary, {
        'Content-Location': `${location}/frames/${f + 1}`,
        'Content-Length': String(frame.byteLength),
      }),
      frame,
      PART_END,
    ]);
  };

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (next >= source.instances.length) {
          controller.enqueue(encodeClose(boundary));
          controller.close();
          return;
        }
        const i = next++;
        for (let k = i + 1; k <= i + READ_AHEAD && k < source.instances.length; k++) void readAt(k);
        const bytes = await readAt(i);
        reads.delete(i);
        if (cancelled) return;
        const sop = source.instances[i]!;
        if (!bytes) {
          log(`series retrieve: instance ${sop} is not available; left out`);
          continue;
        }
        let parts: Uint8Array[];
        try {
          parts = partsOf(sop, bytes);
        } catch (err) {
          log(`series retrieve: instance ${sop} left out: ${err instanceof Error ? err.message : String(err)}`);
          continue;
        }
        for (const p of parts) controller.enqueue(p);
        return;
      }
    },
    cancel() {
      cancelled = true;
      reads.clear();
      source.onCancel?.();
    },
  });
  const type = kind === 'bulk' ? 'application/octet-stream' : 'application/dicom';
  return new Response(body, { status: 200, headers: { 'Content-Type': `multipart/related; type="${type}"; boundary=${boundary}` } });
}
