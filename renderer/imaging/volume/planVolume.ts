/**
 * From a series' frames to a volume plan: the geometry verdict (common/volume/geometry.ts) decides
 * whether a volume can be built and where slices are missing; the memory plan decides the texture
 * format and decimation. Everything the reader should know ends up in `notices`.
 */
import { analyzeSeriesGeometry } from '../../../common/volume/geometry';
import { getNumber, getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import type { StackEntry } from '../imageIds';
import { gpuCapabilities, type GpuCapabilities } from './capabilities';
import type { VolumePlan, VolumeSlot } from './loadVolume';
import { planVolumeMemory } from '../../../common/volume/memoryPlan';
import { regularGrid, type GridSpacingChoice, type ResampleGrid } from '../../../common/volume/resampleGrid';

/** Tilted series are not resampled (cornerstone volumes cannot shear); above this the volume is refused. */
const MAX_TILT_DEG = 0.5;

export type VolumePlanResult = { ok: true; plan: VolumePlan; warnings: string[] } | { ok: false; refusal: string };

/** Up to this many places with whole slices missing (or a tenth of the gaps) are empty slots, not resampled. */
const MAX_HOLES_KEPT_EMPTY = 3;

const formatGap = (mm: number) => (Math.abs(mm - Math.round(mm)) < 0.05 ? mm.toFixed(0) : mm.toFixed(mm < 1 ? 2 : 1));
const dotVec = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;

/**
 * @param spacingChoice for an unevenly spaced series: the grid's spacing is the median gap (default) or the
 * smallest one (finer, more memory).
 */
export function planVolume(
  key: string,
  label: string,
  entries: readonly StackEntry[],
  gpu: GpuCapabilities,
  budgetBytes: number,
  spacingChoice: GridSpacingChoice = 'median',
): VolumePlanResult {
  const instances = [...new Set(entries.map((e) => e.metadata))];
  const geometry = analyzeSeriesGeometry(instances);
  if (!geometry.ok) return { ok: false, refusal: geometry.refusal ?? 'These images do not form a volume.' };
  if (geometry.gantryTiltDeg > MAX_TILT_DEG) {
    return {
      ok: false,
      refusal: `The series was acquired with a gantry tilt of ${geometry.gantryTiltDeg.toFixed(1)}°; MPR and 3D would be distorted, so it is shown as a stack only.`,
    };
  }
  const byFrame = new Map<string, StackEntry>();
  const frameCounters = new Map<string, number>();
  for (const e of entries) {
    const sop = getString(e.metadata, Tag.SOPInstanceUID) ?? '';
    const frame = (frameCounters.get(sop) ?? 0) + 1;
    frameCounters.set(sop, frame);
    byFrame.set(`${sop}#${frame}`, e);
  }
  const entryOf = (slice: (typeof geometry.slices)[number]) => byFrame.get(`${getString(slice.instance, Tag.SOPInstanceUID) ?? ''}#${slice.frame ?? 1}`);
  const slots: VolumeSlot[] = [];
  const gapsAfter = new Map(geometry.missingSlices.map((m) => [m.afterIndex, m.estimatedMissing]));
  let resampled: ResampleGrid | undefined;
  const missingTotal = geometry.missingSlices.reduce((n, m) => n + m.estimatedMissing, 0);
  const holes = geometry.missingSlices.length;
  // Uneven gaps, holes in many places (a second spacing, such as 1 mm then 3 mm, or a subset of a series such as
  // every 8th file), or more slices missing than acquired: a regular grid, each plane interpolated between the
  // acquired slices around it (never stretched). A few slices lost from a regular series stay empty slots
  // instead: better black than invented anatomy there.
  if (geometry.nonUniform || holes > Math.max(MAX_HOLES_KEPT_EMPTY, 0.1 * (geometry.slices.length - 1)) || missingTotal > geometry.slices.length) {
    resampled = regularGrid(geometry.positions, spacingChoice);
    const first = geometry.slices[0]!;
    for (const plane of resampled.planes) {
      const lower = entryOf(geometry.slices[plane.lower]!);
      const upper = entryOf(geometry.slices[plane.upper]!);
      if (!lower || !upper) return { ok: false, refusal: 'A slice of the series could not be matched to its image, so it is shown as a stack only.' };
      if (plane.t === 0 && Math.abs(plane.distance - geometry.positions[plane.lower]!) < 1e-6) {
        slots.push({ entry: lower });
        continue;
      }
      // The plane's position: from the first slice along the line through the slices (no tilt here).
      const along = plane.distance - geometry.positions[0]!;
      const scaleAlong = along / Math.max(1e-9, dotVec(geometry.sliceDirection, geometry.normal));
      const at = first.position.map((p, a) => p + geometry.sliceDirection[a]! * scaleAlong) as [number, number, number];
      slots.push({ emptyAt: at, neighbour: lower, blend: { upper, t: plane.t } });
    }
  }
  if (!resampled) geometry.slices.forEach((slice, i) => {
    const entry = entryOf(slice);
    if (!entry) return;
    slots.push({ entry });
    const missing = gapsAfter.get(i) ?? 0;
    const next = geometry.slices[i + 1];
    if (missing > 0 && next) {
      for (let m = 1; m <= missing; m++) {
        const t = m / (missing + 1);
        const at = slice.position.map((p, a) => p + (next.position[a]! - p) * t) as [number, number, number];
        slots.push({ emptyAt: at, neighbour: entry });
      }
    }
  });

  const first = instances[0]!;
  const rescale = instances.map((ds) => ({ slope: getNumber(ds, Tag.RescaleSlope) ?? 1, intercept: getNumber(ds, Tag.RescaleIntercept) ?? 0 }));
  const memory = planVolumeMemory({
    rows: geometry.rows,
    columns: geometry.columns,
    slices: slots.length,
    bitsAllocated: getNumber(first, Tag.BitsAllocated) ?? 16,
    bitsStored: getNumber(first, Tag.BitsStored),
    pixelRepresentation: getNumber(first, Tag.PixelRepresentation) ?? 0,
    rescale,
    gpu: { max3DTextureSize: gpu.max3DTextureSize, hasNorm16: gpu.norm16, halfFloatChosen: gpu.halfFloatChosen },
    budgetBytes,
  });
  if (!memory.fits) return { ok: false, refusal: memory.notice ?? 'The volume does not fit the memory allowed for one volume.' };
  if (memory.decimation.x > 1 || memory.decimation.y > 1) {
    // Only whole slices can be skipped: the WADO-RS loader has no in-plane downsampling.
    return { ok: false, refusal: `${memory.notice ?? 'The images are too large in-plane for this GPU.'} In-plane reduction is not available, so it is shown as a stack only.` };
  }

  const notices: string[] = [];
  if (resampled) {
    notices.push(
      `The slice spacing varies from ${formatGap(resampled.minGap)} to ${formatGap(resampled.maxGap)} mm: for MPR and 3D the series is resampled onto a regular ${formatGap(resampled.spacing)} mm grid, each plane interpolated between the two acquired slices around it. Measure along the slice direction on the acquired slices (stack) where it matters.`,
    );
  } else if (geometry.missingSlices.length) {
    notices.push(...geometry.warnings.filter((w) => /missing/i.test(w)));
    notices.push('Missing slices are left empty (black) so that every other slice stays at its true position.');
  }
  // The resampling notice replaces the geometry's own uneven-spacing and missing-slice sentences.
  notices.push(...geometry.warnings.filter((w) => !/missing/i.test(w) && !(resampled && /spacing is uneven/i.test(w))));
  if (memory.notice) notices.push(memory.notice);
  if (memory.fallbackNote) notices.push(memory.fallbackNote);
  return {
    ok: true,
    plan: { key, label, slots, zDecimation: memory.decimation.z, notices, estimate: { cpuBytes: memory.cpuBytes, gpuBytes: memory.gpuBytes, textureFormat: memory.textureFormat } },
    warnings: geometry.warnings,
  };
}

/**
 * The memory the viewer allows one volume's texture: a quarter of the device memory the browser reports
 * (navigator.deviceMemory, capped at 8 GB by the browser), at most 2 GiB. Larger volumes are decimated.
 */
export function volumeBudgetBytes(): number {
  const deviceGb = (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? 4;
  return Math.min(2 * 1024 ** 3, (deviceGb * 1024 ** 3) / 4);
}

export function planVolumeForViewer(key: string, label: string, entries: readonly StackEntry[]): VolumePlanResult {
  return planVolume(key, label, entries, gpuCapabilities(), volumeBudgetBytes());
}
