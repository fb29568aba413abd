/**
 * The overlay controls the fusion and PET/CT toolbars share: a colormap choice and 0–1 values (opacity, lower
 * threshold, swipe) on percent sliders. Each pane names its own controls (aria-label) for keyboard and test access.
 */
import { FUSION_COLORMAPS } from '../../../imaging';

export function ColormapSelect({ label, value, onChange }: { label: string; value: string; onChange: (colormap: string) => void }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      {FUSION_COLORMAPS.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </select>
  );
}

/** A labelled slider over a fraction, shown in percent (`maxPercent` caps it, e.g. a threshold at 90 %). */
export function FractionSlider({ text, label, value, maxPercent = 100, onChange }: { text: string; label: string; value: number; maxPercent?: number; onChange: (fraction: number) => void }) {
  return (
    <label>
      {text} <input aria-label={label} type="range" min={0} max={maxPercent} value={Math.round(value * 100)} onChange={(e) => onChange(Number(e.target.value) / 100)} />
    </label>
  );
}
