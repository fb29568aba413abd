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

/** Above this tilt a stack is straightened slice by slice (cornerstone volumes cannot shear); below, it is used as is. */
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
  // every 8th file of a series), or more slices missing than acquired: a regular grid, each plane interpolated between the
  // acquired slices around it (never stretched). A few slices lost from a regular series stay empty slots
  // instead: better black than invented anatomy there.
  // A gantry-tilted (sheared) stack is straightened: each slice moved in its plane back onto the line through the
  // first slice along the normal (cornerstone volumes cannot shear), so every voxel keeps its true position.
  const tilted = geometry.gantryTiltDeg > MAX_TILT_DEG;
  const uneven = geometry.nonUniform || holes > Math.max(MAX_HOLES_KEPT_EMPTY, 0.1 * (geometry.slices.length - 1)) || missingTotal > geometry.slices.length;
  let maxShiftMm = 0;
  if (uneven || tilted) {
    // Holes in a tilted stack are interpolated too: its slots are all made anyway.
    resampled = uneven || holes > 0 ? regularGrid(geometry.positions, spacingChoice) : undefined;
    const planes = resampled?.planes ?? geometry.positions.map((distance, k) => ({ lower: k, upper: k, t: 0, distance }));
    const first = geometry.slices[0]!;
    const d0 = geometry.positions[0]!;
    const [rowDir, colDir] = geometry.orientation ?? [[1, 0, 0], [0, 1, 0]];
    const shiftOf = (k: number): readonly [number, number] => {
      const p = geometry.slices[k]!.position;
      const along = geometry.positions[k]! - d0;
      const offset = [0, 1, 2].map((a) => p[a]! - first.position[a]! - geometry.normal[a]! * along);
      maxShiftMm = Math.max(maxShiftMm, Math.hypot(offset[0]!, offset[1]!, offset[2]!));
      return [dotVec(offset, rowDir) / geometry.spacing.column, dotVec(offset, colDir) / geometry.spacing.row];
    };
    for (const plane of planes) {
      const lower = entryOf(geometry.slices[plane.lower]!);
      const upper = entryOf(geometry.slices[plane.upper]!);
      if (!lower || !upper) return { ok: false, refusal: 'A slice of the series could not be matched to its image, so it is shown as a stack only.' };
      if (!tilted && plane.t === 0 && Math.abs(plane.distance - geometry.positions[plane.lower]!) < 1e-6) {
        slots.push({ entry: lower });
        continue;
      }
      const along = plane.distance - d0;
      // Tilted: on the normal through the first slice. Otherwise on the line through the slices (the same line).
      const direction = tilted ? geometry.normal : geometry.sliceDirection;
      const scaleAlong = along / Math.max(1e-9, dotVec(direction, geometry.normal));
      const at = first.position.map((p, a) => p + direction[a]! * scaleAlong) as [number, number, number];
      const blend = plane.t > 0 ? { upper, t: plane.t } : undefined;
      const shift = tilted ? { neighbour: shiftOf(plane.lower), upper: blend ? shiftOf(plane.upper) : undefined } : undefined;
      slots.push({ emptyAt: at, neighbour: lower, blend: blend ?? (tilted ? undefined : { upper, t: 0 }), shift });
    }
  }
  if (!uneven && !tilted) geometry.slices.forEach((slice, i) => {
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
  if (tilted) {
    notices.push(
      `The slices are tilted by ${geometry.gantryTiltDeg.toFixed(1)}° (gantry tilt): for MPR and 3D each slice is moved back in its plane onto a straight stack (up to ${formatGap(maxShiftMm)} mm), so every voxel keeps its true position; what moves out of the field of view is not shown there.`,
    );
  }
  if (resampled) {
    notices.push(
      `The slice spacing varies from ${formatGap(resampled.minGap)} to ${formatGap(resampled.maxGap)} mm: for MPR and 3D the series is resampled onto a regular ${formatGap(resampled.spacing)} mm grid, each plane interpolated between the two acquired slices around it. Measure along the slice direction on the acquired slices (stack) where it matters.`,
    );
  } else if (geometry.missingSlices.length) {
    notices.push(...geometry.warnings.filter((w) => /missing/i.test(w)));
    notices.push('Missing slices are left empty (black) so that every other slice stays at its true position.');
  }
  // The resampling notice replaces the geometry's own uneven-spacing and missing-slice sentences.
  notices.push(...geometry.warnings.filter((w) => !/missing/i.test(w) && !(resampled && /spacing is uneven/i.test(w)) && !(tilted && /gantry tilt/i.test(w))));
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
