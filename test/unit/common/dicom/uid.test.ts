import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidUidError, isSafeUid, isValidUid, studyUid } from '../../../../common/dicom/uid';

describe('UIDs', () => {
  it('accepts real UIDs and refuses what could reach a path', () => {
    expect(isValidUid('1.3.6.1.4.1.14519.5.2.1.6279.6001.354730424309331774499198313612')).toBe(true);
    expect(isValidUid('1.2.840.0011')).toBe(false); // leading zero: not PS3.5-valid…
    expect(isSafeUid('1.2.840.0011')).toBe(true); // …but harmless and found in real data
    for (const bad of ['', '.', '..', '../etc', '1.2/3', '1..2', '1.2.', '1.2.abc', '1'.repeat(65), '1.2\u0000', '%2e%2e']) {
      expect(isSafeUid(bad), bad).toBe(false);
    }
    expect(() => studyUid('../../etc/passwd')).toThrow(InvalidUidError);
    expect(() => studyUid(undefined)).toThrow('The file has no StudyInstanceUID');
  });

  it('never accepts a string with anything but digits and dots (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        if (isSafeUid(s)) {
          expect(s).toMatch(/^[0-9]+(\.[0-9]+)*$/);
          expect(s.length).toBeLessThanOrEqual(64);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every well-formed UID (property)', () => {
    const component = fc.oneof(fc.constant('0'), fc.integer({ min: 1, max: 99999999 }).map(String));
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 8 }), (parts) => {
        const uid = parts.join('.');
        fc.pre(uid.length <= 64);
        expect(isValidUid(uid)).toBe(true);
        expect(isSafeUid(uid)).toBe(true);
      }),
    );
  });
});
