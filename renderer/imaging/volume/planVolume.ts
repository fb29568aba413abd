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

/** Tilted series are not resampled (cornerstone volumes cannot shear); above this the volume is refused. */
const MAX_TILT_DEG = 0.5;

export type VolumePlanResult = { ok: true; plan: VolumePlan; warnings: string[] } | { ok: false; refusal: string };

export function planVolume(key: string, label: string, entries: readonly StackEntry[], gpu: GpuCapabilities, budgetBytes: number): VolumePlanResult {
  const instances = [...new Set(entries.map((e) => e.metadata))];
  const geometry = analyzeSeriesGeometry(instances);
  if (!geometry.ok) return { ok: false, refusal: geometry.refusal ?? 'These images do not form a volume.' };
  if (geometry.gantryTiltDeg > MAX_TILT_DEG) {
    return {
      ok: false,
      refusal: `The series was acquired with a gantry tilt of ${geometry.gantryTiltDeg.toFixed(1)}°; MPR and 3D would be distorted, so it is shown as a stack only.`,
    };
  }
  if (geometry.nonUniform) {
    return { ok: false, refusal: 'The slice spacing varies along the series; MPR and 3D would misplace slices, so it is shown as a stack only.' };
  }

  const byFrame = new Map<string, StackEntry>();
  const frameCounters = new Map<string, number>();
  for (const e of entries) {
    const sop = getString(e.metadata, Tag.SOPInstanceUID) ?? '';
    const frame = (frameCounters.get(sop) ?? 0) + 1;
    frameCounters.set(sop, frame);
    byFrame.set(`${sop}#${frame}`, e);
  }
  const slots: VolumeSlot[] = [];
  const gapsAfter = new Map(geometry.missingSlices.map((m) => [m.afterIndex, m.estimatedMissing]));
  geometry.slices.forEach((slice, i) => {
    const sop = getString(slice.instance, Tag.SOPInstanceUID) ?? '';
    const entry = byFrame.get(`${sop}#${slice.frame ?? 1}`);
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
  if (geometry.missingSlices.length) {
    notices.push(...geometry.warnings.filter((w) => /missing/i.test(w)));
    notices.push('Missing slices are left empty (black) so that every other slice stays at its true position.');
  }
  notices.push(...geometry.warnings.filter((w) => !/missing/i.test(w)));
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
