/**
 * SUV statistics per segment of a DICOM SEG (issue #7), shared by `dokuei suv --seg` and the viewer's SUV panel
 * so that both print the same numbers from the same voxels: the masks from segToMasks, the PET volume in Bq/ml
 * (modality values after rescale), and each slice's SUVbw factor.
 */
import { roiStatistics } from '../suv/roiStatistics';
import type { Volume } from '../registration/types';
import type { SegmentMask } from './segToMask';

export interface SegmentSuvStatistics {
  segmentNumber: number;
  label: string;
  voxels: number;
  volumeMl: number;
  /** SUVbw (g/ml); null when the series has no SUVbw (see reason) or the segment is empty. */
  suvbw: { max: number | null; mean: number | null; peak: number | null };
  /** Why suvbw is null, when it is. */
  reason?: string;
}

/**
 * Statistics of each segment. `sliceFactor[k]` is the SUVbw factor of slice k (NaN where unknown). One factor for
 * every slice (the usual case) scales the statistics — no voxel is touched, as in the viewer; factors that differ
 * per slice (frames decay-corrected one by one) are applied voxel by voxel to a copy.
 */
export function segmentSuvStatistics(volume: Volume, segments: readonly SegmentMask[], sliceFactor: ArrayLike<number>): SegmentSuvStatistics[] {
  const [nx, ny, nz] = volume.dims;
  const factors = Array.from({ length: nz }, (_, k) => sliceFactor[k] ?? NaN);
  const known = factors.every((f) => Number.isFinite(f) && f > 0);
  const single = known && factors.every((f) => f === factors[0]);
  let scaled: Volume | undefined;
  const volumeFor = (): { v: Volume; scale: number } => {
    if (single) return { v: volume, scale: factors[0] ?? 1 };
    if (!scaled) {
      const data = new Float32Array(nx * ny * nz);
      const plane = nx * ny;
      for (let k = 0; k < nz; k++) for (let p = 0; p < plane; p++) data[k * plane + p] = volume.data[k * plane + p]! * factors[k]!;
      scaled = { ...volume, data };
    }
    return { v: scaled, scale: 1 };
  };
  return segments.map((s) => {
    const base = { segmentNumber: s.segmentNumber, label: s.label };
    if (!known) {
      const st = roiStatistics(volume, { kind: 'mask', mask: s.mask });
      return { ...base, voxels: st.voxels, volumeMl: st.volumeMl, suvbw: { max: null, mean: null, peak: null }, reason: 'No SUVbw factor for every slice of the series' };
    }
    const { v, scale } = volumeFor();
    const st = roiStatistics(v, { kind: 'mask', mask: s.mask }, { scale });
    if (!st.voxels) return { ...base, voxels: 0, volumeMl: 0, suvbw: { max: null, mean: null, peak: null }, reason: 'The segment has no voxel on the series' };
    return { ...base, voxels: st.voxels, volumeMl: st.volumeMl, suvbw: { max: st.max, mean: st.mean, peak: st.peak } };
  });
}
