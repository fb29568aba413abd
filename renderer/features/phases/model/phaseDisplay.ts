/**
 * What the 4DCT phases view draws, as pure functions (issue #17): grey levels through a window, the rectangle a plane
 * fills in its cell (true millimetres both ways), the phase the cine shows next, and the overlay's words.
 */
import type { PhaseProjection } from '../../../../common/volume/phaseVolumes';

/** One phase, or a projection over every phase. */
export type PhaseShow = { kind: 'phase' } | { kind: 'projection'; mode: PhaseProjection };

export const PROJECTION_LABELS: Record<PhaseProjection, string> = { mip: 'MIP', average: 'Average', minip: 'MinIP' };

/** Cine speeds offered (phases a second). A breathing cycle of ten phases then lasts 2.5 s at the default. */
export const CINE_SPEEDS = [2, 4, 8, 12] as const;
export const DEFAULT_CINE_FPS = 4;

/**
 * Grey RGBA of modality values through a window (DICOM PS3.3 C.11.2.1.2.1, the linear function), into `out`
 * (4 bytes a pixel).
 */
export function windowToRgba(values: ArrayLike<number>, center: number, width: number, out: Uint8ClampedArray): void {
  if (out.length < values.length * 4) throw new RangeError(`The output holds ${out.length / 4} pixels, fewer than ${values.length}.`);
  const w = Math.max(1, width);
  const low = center - 0.5 - (w - 1) / 2;
  const scale = 255 / Math.max(1e-6, w - 1);
  for (let i = 0; i < values.length; i++) {
    const g = (values[i]! - low) * scale;
    const v = g <= 0 ? 0 : g >= 255 ? 255 : g;
    const o = i * 4;
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
    out[o + 3] = 255;
  }
}

export { fitRect, type DrawRect } from '../../../ui/geometry/fitRect';

/** The phase `step` away from `phase`, wrapping round the cycle (breathing is periodic). */
export function stepPhase(phase: number, count: number, step: number): number {
  if (count <= 0) return 0;
  return (((phase + step) % count) + count) % count;
}

/** The overlay line: "Phase 30 % (4 of 10)" or "MIP over 10 phases". */
export function showLabel(show: PhaseShow, phaseLabel: string, phase: number, count: number): string {
  if (show.kind === 'projection') return `${PROJECTION_LABELS[show.mode]} over ${count} phases`;
  return `Phase ${phaseLabel} (${phase + 1} of ${count})`;
}

/** "1.4 MiB", "786 MB" style sizes for the memory line (binary units, as the volume estimate shows them). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || u === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}
