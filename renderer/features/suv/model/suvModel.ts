/**
 * The recalculation panel's pure part (issue #7): SUV inputs with their sources (a header tag, or the correction
 * that set them: who, when, old → new, why), the values as a reader types and reads them, and the SUV readouts of
 * measurements — modality value (Bq/ml) × the slice's SUVbw factor, a scale, never rewritten voxels.
 */
import type { SuvCorrectionRecord } from '../../../../common/ipc/contract';
import type { SuvInput, SuvInputName, SuvResult } from '../../../../common/suv';

export const SUV_INPUT_LABELS: Record<SuvInputName, { label: string; unit: string }> = {
  weight: { label: 'Weight', unit: 'kg' },
  height: { label: 'Height', unit: 'cm' },
  sex: { label: 'Sex', unit: '' },
  dose: { label: 'Injected dose', unit: 'Bq' },
  injectionDateTime: { label: 'Injection date/time', unit: '' },
  halfLife: { label: 'Half-life', unit: 's' },
  referenceDateTime: { label: 'Reference time', unit: '' },
};

export const SUV_INPUT_ORDER: readonly SuvInputName[] = ['weight', 'height', 'sex', 'dose', 'injectionDateTime', 'halfLife', 'referenceDateTime'];

export function formatInputValue(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(8)));
  return value;
}

/** "corrected by dr.a at 2026-03-01 10:20: 66.2 → 70 (Weighed again)" for the latest correction of the field, else the input's own source. */
export function sourceText(name: SuvInputName, input: SuvInput | undefined, corrections: readonly SuvCorrectionRecord[]): string {
  const latest = [...corrections].reverse().find((c) => c.field === name);
  if (latest) {
    const at = latest.time.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
    return `corrected by ${latest.user} at ${at}: ${formatInputValue(latest.oldValue)} → ${formatInputValue(latest.newValue)} (${latest.reason})`;
  }
  return input?.source ?? 'not in the header';
}

/** The inputs in panel order (one row each, even when the engine did not report one). */
export function inputRows(result: SuvResult | undefined, corrections: readonly SuvCorrectionRecord[]) {
  return SUV_INPUT_ORDER.map((name) => {
    const input = result?.inputs.find((i) => i.name === name);
    return { name, ...SUV_INPUT_LABELS[name], value: input?.value ?? null, source: sourceText(name, input, corrections), corrected: corrections.some((c) => c.field === name) };
  });
}

/** A factor legibly: 4 significant digits, exponent form for small ones. */
export function formatFactor(f: number | null): string {
  if (f === null) return '—';
  return Math.abs(f) < 0.01 || Math.abs(f) >= 1e4 ? f.toExponential(4) : f.toPrecision(4);
}

/** SUV values legibly: 2 decimals (3 under 1). */
export function formatSuv(v: number): string {
  return Math.abs(v) < 1 ? v.toFixed(3) : v.toFixed(2);
}

export interface SuvStatsLike {
  value?: number;
  mean?: number;
  max?: number;
  min?: number;
}

/** "SUVbw 3.21" (probe) or "SUVbw mean 3.21, max 4.00" (ROI); undefined without a factor or a value. */
export function suvReadout(stats: SuvStatsLike, factor: number | null | undefined): string | undefined {
  if (factor === null || factor === undefined || !Number.isFinite(factor)) return undefined;
  if (stats.value !== undefined) return `SUVbw ${formatSuv(stats.value * factor)}`;
  if (stats.mean === undefined) return undefined;
  const parts = [`mean ${formatSuv(stats.mean * factor)}`];
  if (stats.max !== undefined) parts.push(`max ${formatSuv(stats.max * factor)}`);
  return `SUVbw ${parts.join(', ')}`;
}

/** The overlay's line: how the shown slice's values become SUVbw, or why they cannot. */
export function overlayLine(result: SuvResult | undefined): string {
  if (!result) return '';
  const f = result.factors.bw;
  if (f === null) return `Bq/ml (no SUV: ${result.reasons.bw ?? 'unknown'})`;
  return `SUVbw = Bq/ml × ${formatFactor(f)}`;
}

/** A segment's SUV in the Segments table: two decimals, as `dokuei suv --seg` prints them; "—" when none. */
export function formatSegmentSuv(v: number | null): string {
  return v === null ? '—' : v.toFixed(2);
}
