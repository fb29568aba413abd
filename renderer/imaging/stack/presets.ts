/**
 * Window/level presets for the stack viewer, keyed by the digit that applies them, and an automatic window
 * computed from the image itself (for MR and anything without a sensible header window). Pure; unit-tested.
 *
 * CT values from common reading practice (Radiopaedia "Windowing (CT)"; the list). Bone uses
 * W 2000 L 300 as the issue gives it (Radiopaedia lists W 1800 L 400; both show cortex and marrow).
 */
export interface WindowPreset {
  /** Keyboard digit that applies it. */
  key: string;
  id: 'brain' | 'lung' | 'bone' | 'abdomen' | 'mediastinum';
  label: string;
  windowWidth: number;
  windowCenter: number;
}

export const WL_PRESETS: readonly WindowPreset[] = [
  { key: '1', id: 'brain', label: 'Brain', windowWidth: 80, windowCenter: 40 },
  { key: '2', id: 'lung', label: 'Lung', windowWidth: 1500, windowCenter: -600 },
  { key: '3', id: 'bone', label: 'Bone', windowWidth: 2000, windowCenter: 300 },
  { key: '4', id: 'abdomen', label: 'Abdomen', windowWidth: 400, windowCenter: 50 },
  { key: '5', id: 'mediastinum', label: 'Mediastinum', windowWidth: 350, windowCenter: 50 },
];

/** The key for the automatic (image-based) window. */
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
