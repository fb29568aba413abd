/**
 * The 4DCT phases view's drawing rules (issue #17): the DICOM linear window, a plane fitted at its true aspect,
 * the cine wrapping round the breathing cycle, and the overlay's words.
 */
import { describe, expect, it } from 'vitest';
import { fitRect, formatBytes, showLabel, stepPhase, windowToRgba } from '../../../../../../renderer/features/phases/model/phaseDisplay';

describe('windowToRgba', () => {
  it('maps the window linearly to grey: below black, above white, the centre mid-grey, opaque', () => {
    const out = new Uint8ClampedArray(4 * 4);
    windowToRgba([-1000, 40, 240.5, 400], 40, 400, out);
    expect(out[0]).toBe(0);
    expect(out[4]).toBeGreaterThanOrEqual(127);
    expect(out[4]).toBeLessThanOrEqual(128);
    expect(out[8]).toBe(255);
    expect(out[12]).toBe(255);
    expect([out[5], out[6], out[7]]).toEqual([out[4], out[4], 255]);
  });
  it('refuses an output too small', () => {
    expect(() => windowToRgba([1, 2], 0, 10, new Uint8ClampedArray(4))).toThrow(/fewer than 2/);
  });
});

describe('fitRect', () => {
  it('keeps the millimetre aspect and centres the plane', () => {
    // 96 mm wide, 77.5 mm high (a coronal plane of the 4DCT phantom) in a 400 × 200 box: height-limited.
    const r = fitRect(400, 200, 96, 77.5);
    expect(r.height).toBeCloseTo(200);
    expect(r.width).toBeCloseTo((96 / 77.5) * 200);
    expect(r.x).toBeCloseTo((400 - r.width) / 2);
    expect(r.y).toBeCloseTo(0);
  });
  it('gives an empty rectangle for an empty box', () => {
    expect(fitRect(0, 100, 10, 10)).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });
});

describe('stepPhase', () => {
  it('wraps round the cycle both ways', () => {
    expect(stepPhase(9, 10, 1)).toBe(0);
    expect(stepPhase(0, 10, -1)).toBe(9);
    expect(stepPhase(3, 10, 12)).toBe(5);
    expect(stepPhase(0, 0, 1)).toBe(0);
  });
});

describe('showLabel and formatBytes', () => {
  it('says which phase or projection is shown', () => {
    expect(showLabel({ kind: 'phase' }, '30 %', 3, 10)).toBe('Phase 30 % (4 of 10)');
    expect(showLabel({ kind: 'projection', mode: 'mip' }, '30 %', 3, 10)).toBe('MIP over 10 phases');
    expect(showLabel({ kind: 'projection', mode: 'average' }, '', 0, 8)).toBe('Average over 8 phases');
  });
  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1474560)).toBe('1.4 MiB');
    expect(formatBytes(786432000)).toBe('750 MiB');
  });
});
