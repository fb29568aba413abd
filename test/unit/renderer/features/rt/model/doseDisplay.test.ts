import { describe, expect, it } from 'vitest';
import { isodoseLevels, parseLevels, washColour } from '../../../../../../renderer/features/rt/model/doseDisplay';

describe('dose display', () => {
  it('reads typed levels, highest first, and says what is not a level', () => {
    expect(parseLevels('95, 80 50,95')).toEqual([95, 80, 50]);
    expect(parseLevels('20Gy, 30 Gy')).toEqual([30, 20]);
    expect(parseLevels('95, abc')).toBe('"abc" is not a dose level (a number above 0).');
    expect(parseLevels('  ')).toBe('Type at least one level.');
  });
  it('turns % of the reference into Gy for the lines and the legend', () => {
    const levels = isodoseLevels([95, 50], 'percent', 50);
    expect(levels.map((l) => [l.gy, l.label])).toEqual([[47.5, '95 %  47.5 Gy'], [25, '50 %  25.0 Gy']]);
    expect(levels[0]!.colour).not.toBe(levels[1]!.colour);
    expect(isodoseLevels([20], 'gy', 50)[0]!.gy).toBe(20);
  });
  it('washes nothing below the threshold, blue at it, red at the reference and above', () => {
    expect(washColour(4.9, 50, 0.1, 110)[3]).toBe(0);
    expect(washColour(Number.NaN, 50, 0.1, 110)[3]).toBe(0);
    expect(washColour(5, 50, 0.1, 110)).toEqual([0, 0, 255, 110]);
    expect(washColour(50, 50, 0.1, 110)).toEqual([255, 0, 0, 110]);
    expect(washColour(60, 50, 0.1, 110)).toEqual([255, 0, 0, 110]);
  });
});
