/**
 * Builds and streams one cornerstone volume from a planned list of slices:
 * - native data type on the CPU: the cached images are the volume (no float32 copy of the whole volume);
 * - the slice the reader sees first is loaded first, then the others outward from it;
 * - empty slots keep real slices at their positions (missingSlices.ts); every k-th slice when decimated.
 * Memory is reported live through volumeMemory.ts.
 */
import { cache, Enums, eventTarget, imageLoader, utilities, volumeLoader, type Types } from '@cornerstonejs/core';
import { seriesUrlOf, type StackEntry } from '../imageIds';
import { currentDataPlaneHeaders, registerStackMetadata } from '../init';
import { streamSeries, type SeriesStream } from './seriesStream';
import { gpuCapabilities } from './capabilities';
import { emptySlotImageId, isEmptySlot, isInterpolatedSlot, isStraightenedSlot, releaseEmptySlots, type SlotShift } from './missingSlices';
import { bytesPerTexel, textureFormatFor } from '../../../common/volume/memoryPlan';
import { cpuBytesOf, nativeTypeOf, registerVolumeReport, type VolumeMemoryReport } from './volumeMemory';

/**
 * One plane of the volume: an acquired slice; an empty slot where a regular series misses slices; or a plane of a
 * resampled (unevenly spaced) series interpolated between the acquired slices around it (`blend.t` of `upper`).
 */
export type VolumeSlot =
  | { entry: StackEntry }
  | { emptyAt: readonly [number, number, number]; neighbour: StackEntry; blend?: { upper: StackEntry; t: number }; shift?: SlotShift };

export interface VolumePlan {
  /** Identifies the series (its UID); volume ids derive from it. */
  key: string;
  label: string;
  /** Every slot along the slice normal, in order, gaps included, before decimation. */
  slots: readonly VolumeSlot[];
  /** Keep every k-th slot along z (1 = all). */
  zDecimation: number;
  /** User-facing notices (decimation, missing slices, texture format fallback). */
  notices: readonly string[];
  /** What the memory plan expects the volume to take, shown before and while it loads. */
  estimate?: { cpuBytes: number; gpuBytes: number; textureFormat: string };
}

export interface LoadProgress {
  loaded: number;
  total: number;
}

export interface LoadedVolume {
  volumeId: string;
  imageIds: string[];
  notices: readonly string[];
  /** Resolves when every slice is in (or rejects with the first load error). */
  done: Promise<void>;
  /** Resolves when the slice shown first is in (rejects when it cannot be loaded). */
  firstImage: Promise<void>;
  /** Whether every slice is in. */
  loaded(): boolean;
  onProgress(listener: (p: LoadProgress) => void): () => void;
  report(): VolumeMemoryReport;
  /** The geometry as acquired (before `transform`), and the voxels (a full copy: only for registration). */
  geometry(): {
    dimensions: [number, number, number];
    spacing: [number, number, number];
    origin: [number, number, number];
    direction: number[];
    scalars: () => ArrayLike<number>;
  };
  /**
   * Places the volume by another rigid transform (undefined: as acquired), in place: the same voxels, texture and
   * vtkImageData (which the viewports' volume mappers read every render), so no reload and no camera change.
   * Re-render the viewports that show it.
   */
  place(transform: readonly (readonly number[])[] | undefined): void;
  dispose(): void;
}

let volumeCounter = 0;

/**
 * While a volume streams in, the views showing it re-render at most this often (cornerstone's default renders
 * every view, 3D included, every 2 % of the slices: seconds per frame in software WebGL, so loading waited
 * behind rendering). 3D views render once, when the volume is whole.
 */
export const RENDER_WHILE_LOADING_MS = 400;
const PROGRESS_EVERY_MS = 100;

function renderViewsOf(volumeId: string, include3d: boolean): void {
  for (const vp of utilities.getViewportsWithVolumeId(volumeId)) {
    if (!include3d && vp.type === Enums.ViewportType.VOLUME_3D) continue;
    vp.render();
  }
}

/**
 * @param transform a rigid moving → fixed transform (4×4 row-major, mm) that places this volume in another
 * series' patient space (fusion after registration); the voxels are untouched, only the geometry moves.
 * @param restAfter the slices after the first are decoded once this settles (a view's first paint): the first
 * paint (its shaders' compile, seconds in software WebGL) then shows the first slice at once, while the series
 * stream keeps arriving; decoding them earlier would only queue their main-thread work in front of it.
 */
export async function loadVolume(
  plan: VolumePlan,
  firstShownFraction = 0.5,
  transform?: readonly (readonly number[])[],
  restAfter?: Promise<unknown>,
): Promise<LoadedVolume> {
  const started = performance.now();
  const realEntries = plan.slots.flatMap((s) => ('entry' in s ? [s.entry] : s.blend ? [s.neighbour, s.blend.upper] : s.shift ? [s.neighbour] : []));
  registerStackMetadata(realEntries);
  const allIds = plan.slots.map((s, i) => ('entry' in s ? s.entry.imageId : emptySlotImageId(plan.key, i, s.emptyAt, s.neighbour, s.blend, s.shift)));
  const k = Math.max(1, Math.floor(plan.zDecimation));
  // Keep the last slice too, so the decimated volume spans the same extent as the series.
  const imageIds = k === 1 ? allIds : allIds.filter((_, i) => i % k === 0 || i === allIds.length - 1);
  const volumeId = `cornerstoneStreamingImageVolume:dokuei-${++volumeCounter}-${plan.key}`;
  const volume = (await volumeLoader.createAndCacheVolume(volumeId, { imageIds })) as Types.IStreamingImageVolume;
  // Rendering while loading is ours (renderViewsOf, throttled), not cornerstone's every-2 %-of-slices.
  (volume as unknown as { autoRenderOnLoad: boolean }).autoRenderOnLoad = false;
  // cornerstone sorts image ids by position; ours are already in that order, read them back anyway.
  const ordered = [...volume.imageIds];
  const seriesUrl = realEntries[0] ? seriesUrlOf(realEntries[0].imageId) : undefined;
  // Started once the first slice is in: reading the stream takes main-thread time the first slice needs.
  let stream: SeriesStream | undefined;
  const acquired = { origin: [...volume.origin] as [number, number, number], direction: [...volume.direction] as number[] };
  if (transform) placeVolume(volume, transform);

  const listeners = new Set<(p: LoadProgress) => void>();
  let firstImageMs: number | undefined;
  let fullVolumeMs: number | undefined;
  let loadedCount = 0;

  // The slice shown first (the middle one by default) before everything else, then outward from it.
  const firstIndex = Math.min(ordered.length - 1, Math.max(0, Math.round((ordered.length - 1) * firstShownFraction)));
  const outward: string[] = [];
  for (let d = 0; outward.length < ordered.length; d++) {
    if (firstIndex + d < ordered.length) outward.push(ordered[firstIndex + d]!);
    if (d > 0 && firstIndex - d >= 0) outward.push(ordered[firstIndex - d]!);
  }
  const streaming = volume as unknown as {
    getImageIdsRequests(ids: string[], priority: number): unknown[];
    getImageLoadRequests(priority: number): unknown[];
    getLoaderImageOptions(imageId: string): Record<string, unknown>;
  };
  // BaseStreamingImageVolume.loadImages() queues the requests reversed into a FIFO pool: hand them over
  // reversed so the pool serves them in `outward` order. With a series stream, each request waits for its
  // frame to arrive and then decodes it from there; a frame the stream did not bring is fetched on its own.
  streaming.getImageLoadRequests = (priority: number) => {
    const requests = streaming.getImageIdsRequests([...outward].reverse(), priority) as { callLoadImage: (id: string, index: number, options: unknown) => unknown }[];
    const s = stream;
    if (!s) return requests;
    return requests.map((r) => ({
      ...r,
      callLoadImage: (id: string, index: number, options: unknown) => {
        const load = () => r.callLoadImage(id, index, options);
        return s.arrival(id).then(load, load).finally(() => s.release(id));
      },
    }));
  };
  // Listeners (a React progress bar) hear at most every PROGRESS_EVERY_MS, and always the last slice: one
  // re-render per slice (hundreds) cost more main-thread time than the slices' decode.
  let lastProgress = 0;
  const notifyProgress = (loaded: number, total: number) => {
    const now = performance.now();
    if (loaded < total && now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    for (const l of listeners) l({ loaded, total });
  };
  let lastRender = 0;
  let renderTimer: ReturnType<typeof setTimeout> | undefined;
  const renderWhileLoading = () => {
    if (renderTimer) return;
    const wait = Math.max(0, lastRender + RENDER_WHILE_LOADING_MS - performance.now());
    renderTimer = setTimeout(() => {
      renderTimer = undefined;
      lastRender = performance.now();
      renderViewsOf(volumeId, false);
    }, wait);
  };

  let disposed = false;
  let firstSettled: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  const firstImage = new Promise<void>((resolve, reject) => (firstSettled = { resolve, reject }));
  firstImage.catch(() => undefined);
  const done = new Promise<void>((resolve, reject) => {
    const firstId = ordered[firstIndex]!;
    void imageLoader
      .loadAndCacheImage(firstId, streaming.getLoaderImageOptions(firstId) as never)
      .then(() => {
        firstImageMs ??= performance.now() - started;
        firstSettled!.resolve();
        if (seriesUrl && !disposed) {
          stream = streamSeries(seriesUrl, currentDataPlaneHeaders(), ordered.filter((id) => id !== firstId && !isEmptySlot(id)));
        }
        return Promise.resolve(restAfter).catch(() => undefined);
      }, (err: unknown) => {
        firstSettled!.reject(err);
        reject(err);
      })
      .then(() => {
        if (disposed || firstImageMs === undefined) return;
        // The JS load() takes a per-frame status callback that its typings leave out.
        (volume as unknown as { load(cb: (evt: { framesProcessed: number; totalNumFrames: number }) => void): void }).load((evt) => {
          loadedCount = evt.framesProcessed;
          notifyProgress(evt.framesProcessed, evt.totalNumFrames);
          if (evt.framesProcessed >= evt.totalNumFrames) {
            fullVolumeMs ??= performance.now() - started;
            clearTimeout(renderTimer);
            renderTimer = undefined;
            renderViewsOf(volumeId, true);
            resolve();
          } else {
            renderWhileLoading();
          }
        });
      });
    const onError = (e: Event) => {
      const detail = (e as CustomEvent<{ volumeId?: string; error?: unknown; imageId?: string }>).detail;
      if (detail?.imageId && ordered.includes(detail.imageId)) {
        eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, onError);
        reject(new Error(`A slice could not be loaded: ${describe(detail.error)}`));
      }
    };
    eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, onError);
  });
  done.catch(() => undefined);

  const caps = gpuCapabilities();
  const dims = [...volume.dimensions] as [number, number, number];
  const voxels = dims[0] * dims[1] * dims[2];
  const report = (): VolumeMemoryReport => {
    const cpu = cpuBytesOf(ordered);
    const format = textureFormatFor(nativeTypeOf(volume.dataType ?? cpu.dataType), { hasNorm16: caps.norm16, halfFloatChosen: caps.halfFloatChosen });
    return {
      volumeId,
      label: plan.label,
      dimensions: dims,
      voxels,
      cpuDataType: cpu.dataType || String(volume.dataType ?? ''),
      cpuBytes: cpu.bytes,
      cpuBytesPerVoxel: cpu.loaded ? cpu.bytes / (cpu.loaded * dims[0] * dims[1]) : 0,
      textureFormat: format,
      gpuTextureBytes: voxels * bytesPerTexel(format),
      loadedSlices: Math.max(loadedCount, cpu.loaded),
      firstImageMs,
      fullVolumeMs,
      firstImageAt: firstImageMs === undefined ? undefined : started + firstImageMs,
      fullVolumeAt: fullVolumeMs === undefined ? undefined : started + fullVolumeMs,
      decimation: [1, 1, k],
      spacing: [...volume.spacing] as [number, number, number],
      emptySlots: ordered.flatMap((id, i) => (isEmptySlot(id) && !isInterpolatedSlot(id) && !isStraightenedSlot(id) ? [i] : [])),
      interpolatedSlots: ordered.filter(isInterpolatedSlot).length,
      straightenedSlots: ordered.filter(isStraightenedSlot).length,
      notices: [...plan.notices],
    };
  };
  const unregister = registerVolumeReport(volumeId, report);

  return {
    volumeId,
    imageIds: ordered,
    notices: plan.notices,
    done,
    firstImage,
    loaded: () => fullVolumeMs !== undefined,
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    report,
    geometry: () => ({
      dimensions: dims,
      spacing: [...volume.spacing] as [number, number, number],
      origin: acquired.origin,
      direction: acquired.direction,
      scalars: () => {
        const vm = volume.voxelManager as unknown as { getCompleteScalarDataArray?: () => ArrayLike<number> } | undefined;
        const data = vm?.getCompleteScalarDataArray?.();
        if (!data) throw new Error('The volume has no voxel data to register yet.');
        return data;
      },
    }),
    place(transform) {
      placeVolume(volume, transform ?? IDENTITY, acquired);
    },
    dispose() {
      disposed = true;
      unregister();
      listeners.clear();
      clearTimeout(renderTimer);
      stream?.cancel();
      try {
        volume.cancelLoading?.();
      } catch {
        // Cancelling a volume that finished is harmless.
      }
      cache.removeVolumeLoadObject(volumeId);
      releaseEmptySlots(allIds);
    },
  };
}

const IDENTITY = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] as const;

/**
 * Moves a volume's geometry by a rigid transform: axes R·a, origin R·o + t (cornerstone's layout: i, j, k axes in
 * turn), from `from` (the acquired geometry, so successive placements never compound) or else where it is now.
 * Sets the volume's fields and its vtkImageData, which cornerstone's volume mappers take as their input (createVolumeActor):
 * its index-to-world matrix is recomputed on set and read at every render, its mtime rebuilds the mapper's bounds.
 */
function placeVolume(volume: Types.IImageVolume, m: readonly (readonly number[])[], from?: { origin: readonly number[]; direction: readonly number[] }): void {
  const apply = (v: readonly number[], withTranslation: boolean) =>
    [0, 1, 2].map((r) => m[r]![0]! * v[0]! + m[r]![1]! * v[1]! + m[r]![2]! * v[2]! + (withTranslation ? m[r]![3]! : 0));
  const d = [...(from?.direction ?? volume.direction)];
  const direction = [...apply(d.slice(0, 3), false), ...apply(d.slice(3, 6), false), ...apply(d.slice(6, 9), false)];
  const origin = apply([...(from?.origin ?? volume.origin)], true) as [number, number, number];
  volume.direction = direction as Types.Mat3;
  volume.origin = origin;
  volume.imageData?.setDirection(direction as unknown as Float32Array);
  volume.imageData?.setOrigin(origin);
  volume.imageData?.modified();
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
