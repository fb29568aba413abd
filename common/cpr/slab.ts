/**
 * A thick slab through a reformatted pixel: samples spread across the slab's thickness along one direction,
 * combined into one value by their maximum (MIP: a contrast-filled vessel or a bright implant that leaves the thin
 * plane stays visible) or their mean (noise falls, edges soften). Positions outside the volume read as NaN when the
 * padding is NaN and are then left out; with a numeric padding (e.g. −1000 HU of air) they count like any sample.
 */
import type { PatientSampler } from './trilinearSampler';
import type { Vec3 } from './vec3';

export type SlabMode = 'mip' | 'mean';

/**
 * Offsets (mm) across a slab of `thicknessMm` centred on the plane, at most `stepMm` apart and including both
 * faces; a single 0 for a thin plane (thickness 0).
 */
export function slabOffsets(thicknessMm: number, stepMm: number): Float64Array {
  if (!(thicknessMm > 0)) return new Float64Array([0]);
  const count = Math.ceil(thicknessMm / stepMm - 1e-9) + 1;
  const offsets = new Float64Array(count);
  for (let k = 0; k < count; k++) offsets[k] = -thicknessMm / 2 + (k * thicknessMm) / (count - 1);
  return offsets;
}

/** The slab value at `base` + offset·`across` for each offset: NaN when no sample lies inside the volume. */
export function slabValue(sample: PatientSampler, base: Vec3, across: Vec3, offsets: Float64Array, mode: SlabMode): number {
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  for (let k = 0; k < offsets.length; k++) {
    const o = offsets[k]!;
    const v = sample(base[0] + o * across[0], base[1] + o * across[1], base[2] + o * across[2]);
    if (Number.isNaN(v)) continue;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  if (count === 0) return Number.NaN;
  return mode === 'mip' ? max : sum / count;
}
