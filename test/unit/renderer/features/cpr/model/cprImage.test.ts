import { describe, expect, it } from 'vitest';
import { columnCentreX, fitRect, niceStepMm, rowAt, rowCentreY, rulerTicks, windowToRgba } from '../../../../../../renderer/features/cpr/model/cprImage';

describe('drawing a reformatted image', () => {
  it('maps values through the window to grey, and leaves NaN (outside the volume) transparent', () => {
    const out = new Uint8ClampedArray(16);
    windowToRgba([-1000, 40, 1000, Number.NaN], { center: 40, width: 400 }, out);
    expect([...out.subarray(0, 4)]).toEqual([0, 0, 0, 255]);
    expect(out[4]).toBeGreaterThanOrEqual(127);
    expect(out[4]).toBeLessThanOrEqual(128);
    expect([...out.subarray(8, 12)]).toEqual([255, 255, 255, 255]);
    expect([...out.subarray(12, 16)]).toEqual([0, 0, 0, 0]);
    expect(() => windowToRgba([1, 2], { center: 0, width: 1 }, new Uint8ClampedArray(4))).toThrow(RangeError);
  });

  it('fits the image with square pixels, centred, and finds the row under the mouse', () => {
    // 40 mm × 120 mm into 200 × 300 px: 2.5 px/mm, 100 px wide, centred.
    const rect = fitRect(200, 300, 40, 120);
    expect(rect).toEqual({ x: 50, y: 0, width: 100, height: 300 });
    expect(rowAt(0, rect, 241)).toBe(0);
    expect(rowAt(299.99, rect, 241)).toBe(240);
    expect(rowAt(-1, rect, 241)).toBeUndefined();
    expect(rowAt(150, rect, 241)).toBe(120);
    expect(rowCentreY(0, rect, 3)).toBe(50);
    expect(columnCentreX(1, rect, 2)).toBe(125);
    expect(fitRect(0, 100, 1, 1).width).toBe(0);
  });

  it('puts ruler ticks on the rows nearest each multiple of the step', () => {
    const rows = Float64Array.from({ length: 51 }, (_, r) => r * 0.5);
    expect(rulerTicks(rows, 10)).toEqual([
      { row: 0, mm: 0 },
      { row: 20, mm: 10 },
      { row: 40, mm: 20 },
    ]);
    expect(niceStepMm(116, 10)).toBe(20);
    expect(niceStepMm(40, 10)).toBe(5);
    expect(niceStepMm(0)).toBe(10);
  });
});
