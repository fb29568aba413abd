/** Scale bar length: a round number of millimetres that fits the space. Pure; unit-tested. */
export interface ScaleBar {
  mm: number;
  px: number;
  label: string;
}

const NICE = [1, 2, 5];

/**
 * The longest 1-2-5 × 10ⁿ mm length whose bar is at most `maxPx` CSS pixels long (at
 * least 10 µm), given how many mm one CSS pixel spans. Undefined when the spacing is unknown or absurd.
 */
export function chooseScaleBar(mmPerPx: number, maxPx = 120): ScaleBar | undefined {
  if (!Number.isFinite(mmPerPx) || mmPerPx <= 0 || maxPx <= 0) return undefined;
  const maxMm = mmPerPx * maxPx;
  let best: number | undefined;
  for (let exp = -2; exp <= 4; exp++) {
    for (const n of NICE) {
      const mm = n * 10 ** exp;
      if (mm <= maxMm + 1e-9 && (best === undefined || mm > best)) best = mm;
    }
  }
  if (best === undefined) return undefined;
  const px = best / mmPerPx;
  const mm = Number(best.toPrecision(3));
  return { mm, px, label: mm >= 10 ? `${mm / 10} cm` : `${mm} mm` };
}
