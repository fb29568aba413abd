/**
 * Window/level presets for the stack viewer, from the viewer's shared keyboard map (common/viewer/shortcuts.ts:
 * CT presets on the digits 1–9 with their sources), and an automatic window computed from the image itself
 * (for MR and anything without a sensible header window). Pure; unit-tested.
 */
import { WL_PRESETS as SHARED_PRESETS } from '../../../common/viewer/shortcuts';

export interface WindowPreset {
  /** Keyboard digit that applies it (by default; the user's map may differ). */
  key: string;
  id: string;
  label: string;
  windowWidth: number;
  windowCenter: number;
}

export const WL_PRESETS: readonly WindowPreset[] = SHARED_PRESETS.map((p, i) => ({
  key: String(i + 1),
  id: p.id,
  label: p.name,
  windowWidth: p.window,
  windowCenter: p.level,
}));

/** The preset with this id (as hanging protocols name them: "lung", "abdomen" …), if there is one. */
export function windowPresetById(id: string | undefined): WindowPreset | undefined {
  return id ? WL_PRESETS.find((p) => p.id === id) : undefined;
}

/** The presets with a toolbar button: the five of the issue (brain, lung, bone, abdomen, mediastinum). */
export const TOOLBAR_PRESETS: readonly WindowPreset[] = WL_PRESETS.slice(0, 5);

/** The key for the image's own window (header, or cornerstone's default). */
export const AUTO_WINDOW_KEY = '0';

export interface WindowLevel {
  windowWidth: number;
  windowCenter: number;
}

/**
 * A window covering the image's values from the `lowFraction` to the `highFraction` quantile (histogram of
 * 1024 bins between min and max), so a few hot pixels or the padding around a scan do not flatten it.
 * `values` are modality values. Returns undefined for an empty image; a flat image gets width 1.
 */
export function autoWindow(values: ArrayLike<number>, lowFraction = 0.005, highFraction = 0.995): WindowLevel | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) return undefined;
  if (max - min < 1e-9) return { windowWidth: 1, windowCenter: min };
  const bins = 1024;
  const hist = new Uint32Array(bins);
  const scale = (bins - 1) / (max - min);
  for (let i = 0; i < n; i++) hist[Math.floor((values[i]! - min) * scale)]!++;
  const quantile = (fraction: number): number => {
    const target = fraction * n;
    let seen = 0;
    for (let b = 0; b < bins; b++) {
      seen += hist[b]!;
      if (seen >= target) return min + b / scale;
    }
    return max;
  };
  const lower = quantile(lowFraction);
  const upper = Math.max(quantile(highFraction) + 1 / scale, lower + 1e-6);
  return { windowWidth: upper - lower, windowCenter: (upper + lower) / 2 };
}

/** DICOM linear window (PS3.3 C.11.2.1.2) to the [lower, upper] range cornerstone's voiRange uses. */
export function windowToRange({ windowWidth, windowCenter }: WindowLevel): { lower: number; upper: number } {
  return { lower: windowCenter - windowWidth / 2, upper: windowCenter + windowWidth / 2 };
}
