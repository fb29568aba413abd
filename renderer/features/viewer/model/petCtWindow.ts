/**
 * The PET window of the PET/CT layout in SUV: one SUVbw factor for the series (the engine gives one per instance;
 * they differ only when frames are decay-corrected separately), and the window in stored units the viewports take,
 * [lower / factor, upper / factor] — so a corrected weight moves the window without rewriting a voxel.
 */
import type { SuvResult } from '../../../../common/suv';

export type SeriesFactor = { factor: number; varies: boolean } | { factor: null; reason: string };

export interface SuvWindow {
  lower: number;
  upper: number;
}

/** SUV 0–5 in inverted grey: the usual PET reading window. */
export const DEFAULT_PET_WINDOW_SUV: SuvWindow = { lower: 0, upper: 5 };
/** The fused overlay: wider, so hot lesions stay coloured (hot iron turns white at its top). */
export const DEFAULT_FUSION_WINDOW_SUV: SuvWindow = { lower: 0, upper: 10 };
/** Without SUV (no weight, non-attenuation-corrected …): Bq/ml windows of a typical FDG study. */
export const DEFAULT_PET_WINDOW_BQML: SuvWindow = { lower: 0, upper: 20000 };
export const DEFAULT_FUSION_WINDOW_BQML: SuvWindow = { lower: 0, upper: 40000 };

/** The series' SUVbw factor: the median of the instances' (robust to one odd slice), or why there is none. */
export function seriesBwFactor(results: readonly SuvResult[]): SeriesFactor {
  const factors = results.map((r) => r.factors.bw).filter((f): f is number => f !== null && Number.isFinite(f) && f > 0);
  if (factors.length === 0) {
    const reason = results.map((r) => r.reasons.bw).find(Boolean) ?? (results.length === 0 ? 'the series has no SUV inputs loaded' : 'no SUVbw factor');
    return { factor: null, reason };
  }
  const sorted = [...factors].sort((a, b) => a - b);
  const factor = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { factor, varies: sorted.at(-1)! / sorted[0]! - 1 > 1e-3 };
}

/** The window in stored units (after rescale): SUV ÷ factor, or as given when there is no factor (Bq/ml). */
export function storedWindow(window: SuvWindow, factor: number | null): SuvWindow {
  return factor === null ? { ...window } : { lower: window.lower / factor, upper: window.upper / factor };
}
