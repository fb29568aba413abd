/**
 * Decoded modality values (HU for CT) of a list of frames, for views that draw on the CPU: the 4DCT phases
 * (features/phases). Frames come through cornerstone's WADO-RS loader on the data plane (every transfer syntax its
 * codecs decode) with `loadImage`, which does not cache: each frame is handed to `onFrame` and dropped, so the
 * caller's own arrays are the only copy held.
 */
import { imageLoader, type Types } from '@cornerstonejs/core';
import type { StackEntry } from '../imageIds';
import { registerStackMetadata } from '../init';

/** Frames requested at once: enough to keep the decode workers busy without flooding the data plane. */
const CONCURRENCY = 6;

export interface FrameValues {
  rows: number;
  columns: number;
  /** Modality values (slope and intercept applied), row by row. */
  values: ArrayLike<number>;
}

/** The modality values of one decoded image, whether or not the loader already applied the rescale. */
function modalityValues(image: Types.IImage): ArrayLike<number> {
  const raw = image.getPixelData() as ArrayLike<number>;
  if (image.preScale?.scaled) return raw;
  const slope = image.slope ?? 1;
  const intercept = image.intercept ?? 0;
  if (slope === 1 && intercept === 0) return raw;
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]! * slope + intercept;
  return out;
}

/**
 * Loads every entry's frame and calls `onFrame(index, values)` as each arrives (in any order), then resolves.
 * Rejects with the first failure (naming the frame) or when `signal` aborts.
 */
export async function loadFrameValues(
  entries: readonly StackEntry[],
  onFrame: (index: number, frame: FrameValues) => void,
  signal?: AbortSignal,
): Promise<void> {
  registerStackMetadata(entries);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      if (signal?.aborted) throw new DOMException('Loading was cancelled.', 'AbortError');
      const index = next++;
      let image: Types.IImage;
      try {
        image = await imageLoader.loadImage(entries[index]!.imageId, { priority: 0, requestType: 'prefetch' } as never);
      } catch (err) {
        const why = err instanceof Error ? err.message : typeof err === 'object' && err && 'error' in err ? String((err as { error: unknown }).error) : String(err);
        throw new Error(`Image ${index + 1} of ${entries.length} could not be loaded: ${why}`, { cause: err });
      }
      if (signal?.aborted) throw new DOMException('Loading was cancelled.', 'AbortError');
      onFrame(index, { rows: image.rows, columns: image.columns, values: modalityValues(image) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, entries.length) }, worker));
}
