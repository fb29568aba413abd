/**
 * A loaded cornerstone volume as the registration engine takes it (common/registration Volume): its voxels
 * as modality values in their native type (Int16 for most CT: no Float32 copy of a large volume) and its geometry as acquired (before any fusion transform was applied).
 */
import type { Volume } from '../../../common/registration';
import type { VoxelArray } from '../../../common/registration/types';
import type { LoadedVolume } from './loadVolume';

export type RegistrationVolume = Volume;

export function volumeForRegistration(loaded: LoadedVolume): RegistrationVolume {
  const { dimensions, spacing, origin, direction, scalars } = loaded.geometry();
  // cornerstone's direction lists the i, j, k axes one after the other; the engine wants them as columns of a
  // row-major 3×3.
  const d = direction;
  const rowMajor = [d[0]!, d[3]!, d[6]!, d[1]!, d[4]!, d[7]!, d[2]!, d[5]!, d[8]!];
  const data = scalars();
  return { dims: dimensions, spacing, origin, direction: rowMajor, data: isVoxelArray(data) ? data : Float32Array.from(data) };
}

/** The typed arrays the registration engine and roiStatistics read directly. */
function isVoxelArray(data: ArrayLike<number>): data is VoxelArray {
  return [Float32Array, Float64Array, Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array].some((ctor) => data instanceof ctor);
}
