/**
 * Volume slots that are not an acquired slice, so that every real slice stays at its true position: cornerstone
 * builds a volume with one spacing from (last − first) / (n − 1), so a series with a hole or uneven gaps would
 * otherwise be stretched and every slice after them shifted.
 * - Empty slot (a regular series with whole slices missing): filled with the lowest value of its neighbour
 *   (black on screen), never with invented anatomy; the viewer says so.
 * - Interpolated slot (an unevenly spaced series resampled onto a regular grid, common/volume/resampleGrid.ts):
 *   linear between the two acquired slices around it, in the volume's own data type.
 */
import { imageLoader, utilities, type Types } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { blendSlices, shiftSlice } from '../../../common/volume/resampleGrid';

const SCHEME = 'dokueigap';
let registered = false;

interface GapSpec {
  /** A real slice next to the slot: the slot copies its geometry and value range. */
  neighbourImageId: string;
  rows: number;
  columns: number;
  /** Interpolated slot: the acquired slice after it and its weight (value = (1 − t)·neighbour + t·upper). */
  blend?: { upperImageId: string; t: number };
  /** Straightened (gantry-tilted) stack: each source slice moved in its plane by (dx, dy) pixels first. */
  shift?: SlotShift;
}

/** In-plane moves (column, row pixels) of a slot's source slices: the neighbour's, and the upper one's when blended. */
export interface SlotShift {
  neighbour: readonly [number, number];
  upper?: readonly [number, number];
}
/** Empty slots by image id, with how many open volumes use each (two views of one series share the ids). */
const gaps = new Map<string, GapSpec & { users: number }>();

type TypedArrayCtor = new (length: number) => Types.PixelDataTypedArray;
const ctors: Record<string, TypedArrayCtor> = { Int16Array, Uint16Array, Uint8Array, Float32Array };

function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  imageLoader.registerImageLoader(SCHEME, (imageId: string, options?: Record<string, unknown>) => ({
    promise: (async (): Promise<Types.IImage> => {
      const spec = gaps.get(imageId);
      if (!spec) throw new Error(`Unknown empty slot ${imageId}`);
      const neighbour = await imageLoader.loadAndCacheImage(spec.neighbourImageId, options as never);
      const targetType = (options?.targetBuffer as { type?: string } | undefined)?.type;
      const ctor = ctors[targetType ?? ''] ?? (neighbour.getPixelData().constructor as TypedArrayCtor);
      const length = spec.rows * spec.columns;
      const data = new ctor(length);
      let min = neighbour.minPixelValue;
      let max = neighbour.minPixelValue;
      const integer = !(data instanceof Float32Array);
      const fill = neighbour.minPixelValue;
      const source = (image: Types.IImage, shift: readonly [number, number] | undefined): ArrayLike<number> => {
        if (!shift) return image.getPixelData();
        const moved = new Float32Array(length);
        shiftSlice(image.getPixelData(), spec.columns, spec.rows, shift[0], shift[1], moved, fill);
        return moved;
      };
      if (spec.blend) {
        const upper = await imageLoader.loadAndCacheImage(spec.blend.upperImageId, options as never);
        blendSlices(source(neighbour, spec.shift?.neighbour), source(upper, spec.shift?.upper), spec.blend.t, data, integer);
        min = Math.min(neighbour.minPixelValue, upper.minPixelValue);
        max = Math.max(neighbour.maxPixelValue, upper.maxPixelValue);
      } else if (spec.shift) {
        const moved = source(neighbour, spec.shift.neighbour);
        blendSlices(moved, moved, 0, data, integer);
        max = neighbour.maxPixelValue;
      } else {
        data.fill(neighbour.minPixelValue);
      }
      const voxelManager = utilities.VoxelManager.createImageVoxelManager({ width: spec.columns, height: spec.rows, numberOfComponents: 1, scalarData: data, id: imageId });
      return {
        ...neighbour,
        imageId,
        minPixelValue: min,
        maxPixelValue: max,
        getPixelData: () => voxelManager.getScalarData() as Types.PixelDataTypedArray,
        voxelManager,
        sizeInBytes: data.byteLength,
      } as Types.IImage;
    })(),
  }));
}

/**
 * An image id for an empty slot at `position`, with metadata cloned from `neighbour` (same plane,
 * spacing, frame of reference, rescale) so cornerstone places it like a real slice.
 */
export function emptySlotImageId(
  seriesKey: string,
  slot: number,
  position: readonly [number, number, number],
  neighbour: { imageId: string; metadata: DicomJsonDataset },
  blend?: { upper: { imageId: string }; t: number },
  shift?: SlotShift,
): string {
  ensureRegistered();
  const imageId = `${SCHEME}:dokuei-empty-slot/${encodeURIComponent(seriesKey)}/${slot}`;
  const metadata: DicomJsonDataset = {
    ...neighbour.metadata,
    [Tag.ImagePositionPatient]: { vr: 'DS', Value: [...position] },
    [Tag.SOPInstanceUID]: { vr: 'UI', Value: [`${String(neighbour.metadata[Tag.SOPInstanceUID]?.Value?.[0] ?? '')}.0.${slot}`] },
  };
  dicomImageLoader.wadors.metaDataManager.add(imageId, metadata as never);
  const rows = Number(neighbour.metadata[Tag.Rows]?.Value?.[0] ?? 0);
  const columns = Number(neighbour.metadata[Tag.Columns]?.Value?.[0] ?? 0);
  gaps.set(imageId, {
    neighbourImageId: neighbour.imageId,
    rows,
    columns,
    blend: blend ? { upperImageId: blend.upper.imageId, t: blend.t } : undefined,
    shift,
    users: (gaps.get(imageId)?.users ?? 0) + 1,
  });
  return imageId;
}

/** A volume that used these ids closed: forget the empty slots no open volume needs, so the map does not grow. */
export function releaseEmptySlots(imageIds: readonly string[]): void {
  for (const id of imageIds) {
    const spec = gaps.get(id);
    if (!spec) continue;
    if (spec.users <= 1) gaps.delete(id);
    else spec.users -= 1;
  }
}

/** How many empty-slot specs are kept (tests: closing volumes must not leak them). */
export function emptySlotCount(): number {
  return gaps.size;
}

export function isEmptySlot(imageId: string): boolean {
  return imageId.startsWith(`${SCHEME}:`);
}

/** A plane interpolated between two acquired slices (a resampled, unevenly spaced series). */
export function isInterpolatedSlot(imageId: string): boolean {
  return !!gaps.get(imageId)?.blend;
}

/** A slice of a gantry-tilted stack moved back in its plane (the volume straightened). */
export function isStraightenedSlot(imageId: string): boolean {
  return !!gaps.get(imageId)?.shift;
}
