/**
 * Starts cornerstone3D, its DICOM image loader (codecs in web workers) and the tools, once.
 * The data plane's headers are given to the loader here, so the token never leaves platform/ + imaging/.
 */
import { init as initCore } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { addTool, CrosshairsTool, init as initTools, TrackballRotateTool } from '@cornerstonejs/tools';
import { STACK_TOOL_CLASSES } from './stack/tools';
import type { StackEntry } from './imageIds';
import { loaderMetadata } from './loaderMetadata';
import { halfFloatChosen } from './volume/textureChoice';
import { MprWindowLevelTool } from './volume/mprWindowLevelTool';

let started: Promise<void> | undefined;

export function initImaging(dataPlaneHeaders: Record<string, string>): Promise<void> {
  started ??= (async () => {
    // Half-float volume textures only when the reader chose them (volume/textureChoice.ts).
    initCore({ rendering: { preferSizeOverAccuracy: halfFloatChosen() } } as never);
    dicomImageLoader.init({
      maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)),
      beforeSend: () => ({ ...dataPlaneHeaders }),
    });
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
