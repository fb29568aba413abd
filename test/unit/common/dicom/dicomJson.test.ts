/** getNumbers: the whole geometry of an attribute or nothing (a half-read Image Position would misplace a slice). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getNumbers, type DicomJsonDataset } from '../../../../common/dicom/dicomJson';

const ds = (Value: unknown[]): DicomJsonDataset => ({ '00200032': { vr: 'DS', Value } }) as unknown as DicomJsonDataset;

describe('getNumbers', () => {
  it('reads DS strings and numbers alike, the first `count` of them', () => {
    expect(getNumbers(ds(['-125.5', 10, ' 3e1 ']), '00200032', 3)).toEqual([-125.5, 10, 30]);
    expect(getNumbers(ds([1, 2, 3, 4]), '00200032', 3)).toEqual([1, 2, 3]);
    expect(getNumbers(ds([1, 2, 3, 4]), '00200032')).toEqual([1, 2, 3, 4]);
  });

  it('is undefined when values are missing, empty or not numbers', () => {
    expect(getNumbers(ds([1, 2]), '00200032', 3)).toBeUndefined();
    expect(getNumbers(ds([1, '', 3]), '00200032', 3)).toBeUndefined();
    expect(getNumbers(ds([1, 'abc', 3]), '00200032', 3)).toBeUndefined();
    expect(getNumbers(ds([1, null, 3]), '00200032', 3)).toBeUndefined();
    expect(getNumbers(ds([]), '00200032')).toBeUndefined();
    expect(getNumbers({}, '00200032', 1)).toBeUndefined();
  });

  it('round-trips any finite numbers written as DS strings', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 8 }), (values) => {
        expect(getNumbers(ds(values.map(String)), '00200032', values.length)).toEqual(values.map((v) => Number(String(v))));
      }),
    );
  });
});
