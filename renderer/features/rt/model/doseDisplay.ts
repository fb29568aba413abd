/**
 * How the dose is shown (pure): isodose levels from what the reader typed (% of the reference dose, or Gy), their
 * colours, and the colour wash's lookup table. The reference dose is the plan's prescription when the study has an
 * RT Plan, else what the reader types, else the dose's maximum.
 */

export interface IsodoseLevel {
  gy: number;
  /** What the legend says: "95 %  47.5 Gy" or "20 Gy". */
  label: string;
  colour: string;
}

export const DEFAULT_LEVELS_PERCENT = [107, 100, 95, 80, 50, 30];

/** Colours by rank from the highest level down (hot to cold, as planning systems draw them). */
const PALETTE = ['#ff40ff', '#ff2020', '#ff9000', '#ffff00', '#30e030', '#30c0ff', '#4060ff', '#a0a0a0'];

/** Parses "95, 80 50" (or "20Gy, 30 Gy"): numbers > 0, or an error sentence. */
export function parseLevels(text: string): number[] | string {
  const parts = text.split(/[,\s]+/).map((t) => t.replace(/gy$|%$/i, '')).filter((t) => t !== '');
  const values = parts.map(Number);
  if (!parts.length) return 'Type at least one level.';
  const bad = parts.find((_, i) => !(values[i]! > 0));
  if (bad !== undefined) return `"${bad}" is not a dose level (a number above 0).`;
  return [...new Set(values)].sort((a, b) => b - a);
}

export function isodoseLevels(values: readonly number[], unit: 'percent' | 'gy', referenceGy: number): IsodoseLevel[] {
  return values.map((v, i) => {
    const gy = unit === 'percent' ? (v / 100) * referenceGy : v;
    return { gy, label: unit === 'percent' ? `${v} %  ${gy.toFixed(1)} Gy` : `${v} Gy`, colour: PALETTE[Math.min(i, PALETTE.length - 1)]! };
  });
}

/**
 * RGBA of the wash for a dose (Gy): nothing below `fromFraction` of the reference, then blue → cyan → green →
 * yellow → red up to the reference and above, at `alpha` (0–255).
 */
export function washColour(gy: number, referenceGy: number, fromFraction: number, alpha: number): [number, number, number, number] {
  if (!(gy >= fromFraction * referenceGy) || referenceGy <= 0) return [0, 0, 0, 0];
  const t = Math.min(1, (gy / referenceGy - fromFraction) / (1 - fromFraction));
  const stops: [number, number, number][] = [[0, 0, 255], [0, 255, 255], [0, 255, 0], [255, 255, 0], [255, 0, 0]];
  const x = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f), alpha];
}
