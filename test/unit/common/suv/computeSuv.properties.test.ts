/**
 * Property tests at the parsing boundary of the SUV engine: whatever a header holds (random JSON, malformed
 * elements, nonsense dates, UN bytes), computeSuv answers — every factor a positive finite number or null with a
 * reason — and never throws; and the factors scale with the inputs as the formulas say.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSeriesSuv, computeSuv, SUV_TYPES, type SuvResult } from '../../../../common/suv';
import { petHeader } from './petHeader';

function wellFormed(r: SuvResult): void {
  for (const t of SUV_TYPES) {
    const f = r.factors[t];
    if (f === null) expect(typeof r.reasons[t]).toBe('string');
    else {
      expect(Number.isFinite(f) && f > 0).toBe(true);
      expect(r.reasons[t]).toBeUndefined();
    }
  }
  expect(Array.isArray(r.warnings)).toBe(true);
  expect(Number.isFinite(r.rescale.slope) && Number.isFinite(r.rescale.intercept)).toBe(true);
}

const SUV_TAGS = [
  '00080021', '00080031', '00080022', '00080032', '0008002A', '00100040', '00101020', '00101030', '00181242',
  '00280051', '00540016', '00541001', '00541006', '00541102', '00541300', '00281052', '00281053', '70530010',
  '70531000', '70531009', '00090010', '0009100D', '0020000E',
];

/** Values an element can hold when a writer (or an attacker) gets it wrong. */
const anyValue = fc.oneof(
  fc.string(),
  fc.stringMatching(/^\d{0,14}(\.\d{0,6})?$/),
  fc.double(),
  fc.integer(),
  fc.constantFrom('BQML', 'CNTS', 'GML', 'CM2ML', 'START', 'ADMIN', 'NONE', 'ATTN', 'DECY', 'M', 'F', 'O', 'Philips PET Private Group', 'GEMS_PETD_01'),
  fc.constant(null),
  fc.dictionary(fc.constantFrom('00181072', '00181074', '00181075', '00181078'), fc.record({ vr: fc.string(), Value: fc.array(fc.oneof(fc.string(), fc.double())) })),
);

const malformedElement = fc.oneof(
  fc.record({ vr: fc.string(), Value: fc.array(anyValue, { maxLength: 4 }) }),
  fc.record({ vr: fc.constant('UN'), InlineBinary: fc.oneof(fc.base64String(), fc.string()) }),
  fc.anything(),
);

describe('computeSuv never throws', () => {
  it('on random JSON', () => {
    fc.assert(
      fc.property(fc.anything(), (ds) => {
        wellFormed(computeSuv(ds));
      }),
      { numRuns: 300 },
    );
  });

  it('on headers whose SUV elements are malformed', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...SUV_TAGS), malformedElement), (patch) => {
        wellFormed(computeSuv({ ...petHeader(), ...(patch as object) }));
      }),
      { numRuns: 500 },
    );
  });

  it('on nonsense dates, times and numbers in an otherwise valid header, and on any overrides', () => {
    const overrides = fc.record(
      {
        weightKg: fc.double(),
        heightCm: fc.double(),
        sex: fc.constantFrom('M' as const, 'F' as const, 'O' as const),
        doseBq: fc.double(),
        injectionDateTime: fc.string(),
        halfLifeS: fc.double(),
        referenceDateTime: fc.string(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.record({ SeriesTime: fc.string(), AcquisitionTime: fc.string(), RadiopharmaceuticalStartTime: fc.string(), PatientWeight: fc.double(), RadionuclideTotalDose: fc.double() }, { requiredKeys: [] }),
        overrides,
        (patch, o) => {
          for (const r of computeSeriesSuv([petHeader(patch, 0), petHeader({ ...patch, AcquisitionTime: '093000' }, 1)], o)) wellFormed(r);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the factors scale as the formulas say', () => {
  const weight = fc.double({ min: 20, max: 200, noNaN: true });

  it('bw is linear in the weight (header or override); the rest of the header unchanged', () => {
    const ref = computeSuv(petHeader({ PatientWeight: 80 })).factors.bw!;
    fc.assert(
      fc.property(weight, (w) => {
        expect(computeSuv(petHeader({ PatientWeight: w })).factors.bw! / ref).toBeCloseTo(w / 80, 12);
        expect(computeSuv(petHeader(), { weightKg: w }).factors.bw! / ref).toBeCloseTo(w / 80, 12);
      }),
    );
  });

  it('bsa goes as W^0.425 and every factor as 1/dose', () => {
    const ref = computeSuv(petHeader());
    fc.assert(
      fc.property(weight, fc.double({ min: 1e7, max: 2e9, noNaN: true }), (w, dose) => {
        const r = computeSuv(petHeader({ PatientWeight: w }));
        expect(r.factors.bsa! / ref.factors.bsa!).toBeCloseTo((w / 80) ** 0.425, 12);
        const d = computeSuv(petHeader(), { doseBq: dose });
        for (const t of SUV_TYPES) expect(d.factors[t]! / ref.factors[t]!).toBeCloseTo(400e6 / dose, 9);
      }),
    );
  });

  it('one more half-life between injection and reference doubles every factor', () => {
    const ref = computeSuv(petHeader());
    // 08:30 → 10:00 is one half-life of 5400 s; injecting at 07:00 makes it two.
    const r = computeSuv(petHeader({ RadiopharmaceuticalStartDateTime: '20240115070000' }));
    for (const t of SUV_TYPES) expect(r.factors[t]! / ref.factors[t]!).toBeCloseTo(2, 12);
  });
});
