import { describe, expect, it } from 'vitest';
import { appendPoint, curvedPathData, formatMm, pathLengthMm, SAME_CLICK_MM } from '../../../../../../renderer/features/cpr/model/curvedPath';
import { helixControlPoints, helixLength, type Helix } from '../../../../common/cpr/phantoms';

describe('the curved path as data', () => {
  it('appends clicks, dropping a repeat of the last one (a double click) and non-finite positions', () => {
    let points = appendPoint([], [0, 0, 0]);
    points = appendPoint(points, [10, 0, 0]);
    expect(appendPoint(points, [10, SAME_CLICK_MM / 2, 0])).toBe(points);
    expect(appendPoint(points, [Number.NaN, 0, 0])).toBe(points);
    expect(appendPoint(points, [10, 1, 0])).toHaveLength(3);
  });

  it('is no path below 2 distinct points', () => {
    expect(pathLengthMm([])).toBeUndefined();
    expect(pathLengthMm([[1, 2, 3]])).toBeUndefined();
    expect(curvedPathData([[1, 2, 3]], '1.2.3')).toBeUndefined();
  });

  it("measures the curve's length: a straight line exactly, a helix clicked every 30° within 1 %", () => {
    expect(pathLengthMm([[0, 0, 0], [0, 30, 40]])).toBeCloseTo(50, 9);
    const helix: Helix = { R: 12, c: 3, turns: 1.5, z0: -14 };
    const data = curvedPathData(helixControlPoints(helix, 30) as [number, number, number][], '1.2.840.1');
    expect(data!.frameOfReferenceUid).toBe('1.2.840.1');
    expect(data!.points).toHaveLength(19);
    expect(Math.abs(data!.lengthMm / helixLength(helix) - 1)).toBeLessThan(0.01);
    // Plain data: what the measurements save.
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it('formats lengths to a tenth of a millimetre', () => {
    expect(formatMm(116.64)).toBe('116.6');
    expect(formatMm(3)).toBe('3.0');
  });
});
