/**
 * Starts cornerstone3D, its DICOM image loader (codecs in web workers) and the tools, once.
 * The data plane's headers are given to the loader here, so the token never leaves platform/ + imaging/.
 */
import { getWebWorkerManager, init as initCore } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { addTool, CrosshairsTool, init as initTools, TrackballRotateTool } from '@cornerstonejs/tools';
import { STACK_TOOL_CLASSES } from './stack/tools';
import type { StackEntry } from './imageIds';
import { loaderMetadata } from './loaderMetadata';
import { halfFloatChosen } from './volume/textureChoice';
import { MprWindowLevelTool } from './volume/mprWindowLevelTool';

let started: Promise<void> | undefined;
let headers: Record<string, string> = {};

/** The data plane's request headers (the token), as given to initImaging: for requests imaging/ makes itself. */
export function currentDataPlaneHeaders(): Record<string, string> {
  return { ...headers };
}

export function initImaging(dataPlaneHeaders: Record<string, string>): Promise<void> {
  headers = { ...dataPlaneHeaders };
  started ??= (async () => {
    // Half-float volume textures only when the reader chose them (volume/textureChoice.ts).
    // One WebGL context per rendering engine. cornerstone's default pool (7 contexts) spreads an engine's views
    // round-robin over its contexts, and a texture or a compiled program cannot be shared between contexts: MPR 1+3
    // then compiled the volume shader and converted + uploaded the whole volume once per view (three or four
    // times: seconds each in software WebGL) and updated every streamed slice in each. One context does it once.
    initCore({ rendering: { preferSizeOverAccuracy: halfFloatChosen(), webGlContextCount: 1 } } as never);
    dicomImageLoader.init({
      maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)),
      beforeSend: () => ({ ...dataPlaneHeaders }),
    });
    warmDecodeWorker();
    initTools();
    for (const tool of STACK_TOOL_CLASSES) addTool(tool);
    // MPR and 3D (react/MprViewports.tsx).
    for (const tool of [CrosshairsTool, TrackballRotateTool, MprWindowLevelTool]) addTool(tool);
  })();
  return started;
}

/** Hands the series metadata to the WADO-RS loader so it does not fetch it again per frame (palette LUTs decoded: loaderMetadata.ts). */
export function registerStackMetadata(entries: readonly StackEntry[]): void {
  for (const e of entries) dicomImageLoader.wadors.metaDataManager.add(e.imageId, loaderMetadata(e.metadata) as never);
}

/**
 * The loader starts its decode worker on the first frame (fetching its script and codecs: half a second here):
 * start it now with a one-pixel frame, so the first slice the reader opens decodes at once.
 */
function warmDecodeWorker(): void {
  const imageFrame = { rows: 1, columns: 1, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0, samplesPerPixel: 1, photometricInterpretation: 'MONOCHROME2' };
  const task = { imageFrame, transferSyntax: '1.2.840.10008.1.2.1', pixelData: new Uint8Array(2), options: { preScale: { enabled: false } }, decodeConfig: {} };
  void Promise.resolve()
    .then(() => (getWebWorkerManager() as unknown as { executeTask(w: string, t: string, a: unknown): Promise<unknown> }).executeTask('dicomImageLoader', 'decodeTask', task))
    .catch(() => undefined);
}
