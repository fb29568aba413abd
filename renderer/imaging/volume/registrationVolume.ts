/**
 * A loaded cornerstone volume as the registration engine takes it (common/registration Volume): its voxels
 * as Float32 modality values and its geometry as acquired (before any fusion transform was applied).
 */
import type { Volume } from '../../../common/registration';
import type { LoadedVolume } from './loadVolume';

export type RegistrationVolume = Volume;

export function volumeForRegistration(loaded: LoadedVolume): RegistrationVolume {
  const { dimensions, spacing, origin, direction, scalars } = loaded.geometry();
  // cornerstone's direction lists the i, j, k axes one after the other; the engine wants them as columns of a
  // row-major 3×3.
  const d = direction;
  const rowMajor = [d[0]!, d[3]!, d[6]!, d[1]!, d[4]!, d[7]!, d[2]!, d[5]!, d[8]!];
  const data = scalars();
  return { dims: dimensions, spacing, origin, direction: rowMajor, data: data instanceof Float32Array ? data : Float32Array.from(data) };
}
