/**
 * What each loaded volume costs, readable by the bench and the tests through `window.__dokueiVolumes`
 * (extend the report, never rename its fields: bench/ reads them).
 */
import { cache, type Types } from '@cornerstonejs/core';

import type { NativeType, TextureFormat } from '../../../common/volume/memoryPlan';

export type { TextureFormat };

export interface VolumeMemoryReport {
  volumeId: string;
  label: string;
  dimensions: [number, number, number];
  voxels: number;
  /** The CPU-side data type of the voxels as cached (Int16Array for HU CT). */
  cpuDataType: string;
  /** Bytes of pixel data held on the CPU for this volume (the cached images it is built from). */
  cpuBytes: number;
  cpuBytesPerVoxel: number;
  textureFormat: TextureFormat;
  /** Estimated bytes of the 3D texture: voxels × bytes per texel of the format. */
  gpuTextureBytes: number;
  /** Slices loaded so far, of `dimensions[2]`. */
  loadedSlices: number;
  /** ms from the start of loading to the first slice shown, and to the whole volume (undefined until then). */
  firstImageMs?: number;
  fullVolumeMs?: number;
  /** When the slice shown first was in, and when every slice was (performance.now() of the page). */
  firstImageAt?: number;
  fullVolumeAt?: number;
  decimation: [number, number, number];
  /** Voxel spacing in mm (column, row, slice) of the volume as built. */
  spacing: [number, number, number];
  /** Slice indexes (in the built volume) that are empty slots for missing slices. */
  emptySlots: number[];
  /** How many planes were interpolated between acquired slices (an unevenly spaced series, resampled). */
  interpolatedSlots?: number;
  /** How many slices of a gantry-tilted stack were moved in their plane to straighten the volume. */
  straightenedSlots?: number;
  notices: string[];
}

/** cornerstone's typed-array name of the voxels → the memory plan's native type. */
export function nativeTypeOf(dataType: string): NativeType {
  return dataType === 'Uint8Array' ? 'Uint8' : dataType === 'Int16Array' ? 'Int16' : dataType === 'Uint16Array' ? 'Uint16' : 'Float32';
}

/** Sums the cached pixel buffers behind a volume's image ids: the CPU memory the volume really holds. */
export function cpuBytesOf(imageIds: readonly string[]): { bytes: number; dataType: string; loaded: number } {
  let bytes = 0;
  let loaded = 0;
  let dataType = '';
  for (const id of imageIds) {
    const image = cache.getImage(id) as Types.IImage | undefined;
    if (!image) continue;
    loaded++;
    const data = image.voxelManager?.getScalarData?.() ?? image.getPixelData();
    bytes += data.byteLength;
    dataType ||= data.constructor.name;
  }
  return { bytes, dataType, loaded };
}

interface VolumeRegistry {
  list(): VolumeMemoryReport[];
}

declare global {
  interface Window {
    __dokueiVolumes?: VolumeRegistry;
  }
}

const reporters = new Map<string, () => VolumeMemoryReport>();

/** Adds a live report for a volume; returns the function that removes it. */
export function registerVolumeReport(volumeId: string, report: () => VolumeMemoryReport): () => void {
  reporters.set(volumeId, report);
  window.__dokueiVolumes ??= { list: () => [...reporters.values()].map((r) => r()) };
  return () => reporters.delete(volumeId);
}
