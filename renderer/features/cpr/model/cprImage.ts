/**
 * Drawing a reformatted image (CPR or cross-section) on a 2D canvas, as pure functions: grey levels through the
 * MPR's window, the rectangle the image fills in its box (square pixels: millimetres the same both ways), and the
 * image row under the mouse.
 */

export interface WindowLevel {
  /** Window centre (level), modality units. */
  center: number;
  width: number;
}

/** The window the CPR opens in before the MPR has reported its own (a soft-tissue CT window). */
export const FALLBACK_WINDOW: WindowLevel = { center: 40, width: 400 };

/**
 * Grey RGBA of modality values through a window (DICOM PS3.3 C.11.2.1.2.1, the linear function) into `out`
 * (4 bytes a pixel). NaN, where the CPR sampled outside the volume, becomes transparent: the panel's background shows
 * through, so "no data" never reads as air or as a plausible tissue value.
 */
export function windowToRgba(values: ArrayLike<number>, window: WindowLevel, out: Uint8ClampedArray): void {
  if (out.length < values.length * 4) throw new RangeError(`The output holds ${out.length / 4} pixels, fewer than ${values.length}.`);
  const w = Math.max(1, window.width);
  const low = window.center - 0.5 - (w - 1) / 2;
  const scale = 255 / Math.max(1e-6, w - 1);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const o = i * 4;
    if (Number.isNaN(value)) {
      out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
      continue;
    }
    const g = (value - low) * scale;
    const v = g <= 0 ? 0 : g >= 255 ? 255 : g;
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
    out[o + 3] = 255;
  }
}

import type { DrawRect } from '../../../ui/geometry/fitRect';
export { fitRect, type DrawRect } from '../../../ui/geometry/fitRect';

/** The image row (0 … rows − 1) drawn at box y, or undefined above or below the image. Row r fills [r, r + 1) / rows. */
export function rowAt(y: number, rect: DrawRect, rows: number): number | undefined {
  if (!(rect.height > 0) || rows < 1 || y < rect.y || y > rect.y + rect.height) return undefined;
  return Math.min(rows - 1, Math.max(0, Math.floor(((y - rect.y) / rect.height) * rows)));
}

/** The box y of the centre of image row `row`. */
export const rowCentreY = (row: number, rect: DrawRect, rows: number): number => rect.y + ((row + 0.5) / rows) * rect.height;

/** The box x of the centre of image column `column` (fractional columns allowed). */
export const columnCentreX = (column: number, rect: DrawRect, columns: number): number => rect.x + ((column + 0.5) / columns) * rect.width;

/**
 * Tick marks along the path every `everyMm` (the ruler beside the CPR): the rows nearest each multiple, given each
 * row's arc length (ascending). The reader reads a stenosis' length or a distance from the ostium off them.
 */
export function rulerTicks(rowArcLengthsMm: ArrayLike<number>, everyMm: number): { row: number; mm: number }[] {
  const ticks: { row: number; mm: number }[] = [];
  const n = rowArcLengthsMm.length;
  if (n === 0 || !(everyMm > 0)) return ticks;
  const last = rowArcLengthsMm[n - 1]!;
  let row = 0;
  for (let mm = 0; mm <= last + 1e-9; mm += everyMm) {
    while (row < n - 1 && Math.abs(rowArcLengthsMm[row + 1]! - mm) <= Math.abs(rowArcLengthsMm[row]! - mm)) row++;
    ticks.push({ row, mm });
  }
  return ticks;
}

/** A ruler step that gives about `ticks` ticks over `lengthMm`: 1, 2, 5, 10, 20, 50 … mm. */
export function niceStepMm(lengthMm: number, ticks = 10): number {
  if (!(lengthMm > 0)) return 10;
  const raw = lengthMm / Math.max(1, ticks);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}
