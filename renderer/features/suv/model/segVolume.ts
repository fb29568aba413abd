/**
 * The PET grid and voxels the SUV panel's "Segments" table is computed on, from the series' WADO-RS metadata and
 * its frames — the same grid as `dokuei suv --seg` (electron/services/registration/loadSeriesVolume.ts): slices
 * ordered by common/volume/geometry, origin the first slice's position, k along the line through the positions,
 * values after each slice's Rescale Slope/Intercept (Bq/ml). Pure: no fetch, no React.
 */
import { getNumber, getString, type DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import type { Volume } from '../../../../common/registration/types';
import type { SuvResult } from '../../../../common/suv';
import { analyzeSeriesGeometry } from '../../../../common/volume/geometry';

export interface PetGrid {
  volume: Volume;
  /** Slice k's instance. */
  instances: DicomJsonDataset[];
}

/**
 * The grid (and an empty Float32 volume) of a PET series; throws with a reason the panel shows. `voxels` false: the
 * geometry only (an empty data array), for SEG outlines over a series whose voxels are never read here.
 */
export function petGrid(metadata: readonly DicomJsonDataset[], voxels = true): PetGrid {
  const g = analyzeSeriesGeometry(metadata);
  if (!g.ok) throw new Error(g.refusal ?? 'The PET series does not form a volume');
  if (!g.orientation) throw new Error('The PET series has no Image Orientation (Patient)');
  if (g.multiFrame) throw new Error('Multi-frame PET is not supported for segment statistics');
  if (g.nonUniform || g.missingSlices.length) throw new Error('The PET slices are unevenly spaced or some are missing');
  const slices = g.slices;
  const nz = slices.length;
  const first = slices[0]!.position;
  const last = slices[nz - 1]!.position;
  const step = [0, 1, 2].map((a) => (nz > 1 ? (last[a]! - first[a]!) / (nz - 1) : g.normal[a]! * g.spacing.slice));
  const len = Math.hypot(step[0]!, step[1]!, step[2]!);
  const kDir = step.map((x) => x / len);
  const [row, col] = g.orientation;
  return {
    volume: {
      dims: [g.columns, g.rows, nz],
      spacing: [g.spacing.column, g.spacing.row, len],
      origin: [first[0], first[1], first[2]],
      direction: [row[0], col[0], kDir[0]!, row[1], col[1], kDir[1]!, row[2], col[2], kDir[2]!],
      data: new Float32Array(voxels ? g.columns * g.rows * nz : 0),
    },
    instances: slices.map((s) => s.instance),
  };
}

const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);

/**
 * Writes one native (uncompressed, little endian) frame into slice k as modality values. Compressed frames are
 * refused: decoding them is cornerstone's job, and PET is practically always stored uncompressed.
 */
export function fillSlice(volume: Volume, k: number, instance: DicomJsonDataset, frame: Uint8Array, transferSyntaxUid: string): void {
  if (!NATIVE.has(transferSyntaxUid)) throw new Error(`PET frames in transfer syntax ${transferSyntaxUid} cannot be read here (uncompressed only)`);
  const [nx, ny] = volume.dims;
  const n = nx * ny;
  const bits = getNumber(instance, Tag.BitsAllocated) ?? 16;
  const signed = getNumber(instance, Tag.PixelRepresentation) === 1;
  const slope = getNumber(instance, Tag.RescaleSlope) ?? 1;
  const intercept = getNumber(instance, Tag.RescaleIntercept) ?? 0;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const bytes = bits / 8;
  if (![1, 2, 4].includes(bytes) || frame.byteLength < n * bytes) throw new Error(`A PET frame has ${frame.byteLength} bytes for ${n} pixels of ${bits} bits`);
  const out = volume.data;
  const base = k * n;
  for (let p = 0; p < n; p++) {
    const o = p * bytes;
    const v = bytes === 2 ? (signed ? view.getInt16(o, true) : view.getUint16(o, true)) : bytes === 4 ? (signed ? view.getInt32(o, true) : view.getUint32(o, true)) : signed ? view.getInt8(o) : view.getUint8(o);
    out[base + p] = v * slope + intercept;
  }
}

/** SUVbw factor of each slice k, from the results given per instance in `order` (the stack order). */
export function sliceFactorsOf(grid: PetGrid, order: readonly DicomJsonDataset[], results: readonly SuvResult[]): number[] {
  const bySop = new Map<string, number>();
  order.forEach((ds, i) => {
    const sop = getString(ds, Tag.SOPInstanceUID);
    const f = results[i]?.factors.bw;
    if (sop && f !== null && f !== undefined) bySop.set(sop, f);
  });
  return grid.instances.map((ds) => bySop.get(getString(ds, Tag.SOPInstanceUID) ?? '') ?? NaN);
}
