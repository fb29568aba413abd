/**
 * Issue #14: a GML series stores SUV of the type its SUV Type (0054,1006) names; every other factor is N_t/N_type,
 * since SUV_x = C·N_x/D. On petHeader.ts's patient (80 kg, 180 cm, M) the normalisers, by hand:
 *   bw          80 kg                                                         = 80000 g
 *   lbm         (W/H)² = (80/180)² = 0.1975309; 1.10·80 − 120·0.1975309 = 88 − 23.70370 = 64.29630 kg
 *   lbmJames128 88 − 128·0.1975309 = 88 − 25.28395                             = 62.71605 kg
 *   lbmJanma    BMI = 80/1.8² = 24.69136; 9270·80/(6680 + 216·24.69136) = 741600/12013.33 = 61.73141 kg
 *   bsa         0.007184 · 80^0.425 (6.438923) · 180^0.725 (43.159119) = 1.996421 m² = 19964.21 cm²
 *   ibw         48.0 + 1.06·(180 − 152)                                      = 77.68 kg
 * No dose or time enters: the scanner already divided by them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSuv, SUV_TYPES, type SuvType } from '../../../../common/suv';
import { petHeader } from './petHeader';

function expectRel(actual: number | null, expected: number, rel = 1e-6): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! / expected - 1)).toBeLessThan(rel);
}

function expectFactors(actual: Record<SuvType, number | null>, expected: Record<SuvType, number>): void {
  for (const t of SUV_TYPES) expectRel(actual[t], expected[t]);
}

describe('GML: the stored values are SUV of SUV Type; the others are N_t / N_type', () => {
  it('BW: lbm = 64.29630/80 = 0.8037037, bsa = 19964.21/80000 = 0.2495526, ibw = 77.68/80 = 0.971', () => {
    const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'BW' }));
    // lbmJames128 62.71605/80 = 0.7839506; lbmJanma 61.73141/80 = 0.7716426
    expectFactors(r.factors, { bw: 1, lbm: 0.8037037, lbmJames128: 0.7839506, lbmJanma: 0.7716426, bsa: 0.2495526, ibw: 0.971 });
    expect(r.reasons).toEqual({});
    expect(r.storedSuvType).toBe('bw');
  });

  it('LBM (James): bw = 80/64.29630 = 1.2442396', () => {
    const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'LBM' }));
    // lbmJames128 62.71605/64.29630 = 0.9754224; lbmJanma 61.73141/64.29630 = 0.9601083;
    // bsa 19964.21/64296.30 = 0.3105033; ibw 77.68/64.29630 = 1.2081567
    expectFactors(r.factors, { bw: 1.2442396, lbm: 1, lbmJames128: 0.9754224, lbmJanma: 0.9601083, bsa: 0.3105033, ibw: 1.2081567 });
    expect(r.storedSuvType).toBe('lbm');
  });

  it('LBMJAMES128: bw = 80/62.71605 = 1.2755906 (was "unknown SUV Type")', () => {
    const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'LBMJAMES128' }));
    // lbm 64.29630/62.71605 = 1.0251969; lbmJanma 61.73141/62.71605 = 0.9843000;
    // bsa 19964.21/62716.05 = 0.3183270; ibw 77.68/62.71605 = 1.2385984
    expectFactors(r.factors, { bw: 1.2755906, lbm: 1.0251969, lbmJames128: 1, lbmJanma: 0.9843, bsa: 0.318327, ibw: 1.2385984 });
    expect(r.reasons).toEqual({});
    expect(r.storedSuvType).toBe('lbmJames128');
  });

  it('LBMJANMA: bw = 80/61.73141 = 1.2959367 (was "unknown SUV Type")', () => {
    const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'LBMJANMA' }));
    // lbm 64.29630/61.73141 = 1.0415491; lbmJames128 62.71605/61.73141 = 1.0159504;
    // bsa 19964.21/61731.41 = 0.3234044; ibw 77.68/61.73141 = 1.2583545
    expectFactors(r.factors, { bw: 1.2959367, lbm: 1.0415491, lbmJames128: 1.0159504, lbmJanma: 1, bsa: 0.3234044, ibw: 1.2583545 });
    expect(r.reasons).toEqual({});
    expect(r.storedSuvType).toBe('lbmJanma');
  });

  it('BSA: bw = 80000 g / 19964.21 cm² = 4.0071708', () => {
    const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'BSA' }));
    // lbm 64296.30/19964.21 = 3.2205780; lbmJames128 62716.05/19964.21 = 3.1414240;
    // lbmJanma 61731.41/19964.21 = 3.0921038; ibw 77680/19964.21 = 3.8909628
    expectFactors(r.factors, { bw: 4.0071708, lbm: 3.220578, lbmJames128: 3.141424, lbmJanma: 3.0921038, bsa: 1, ibw: 3.8909628 });
    expect(r.storedSuvType).toBe('bsa');
  });

  it('IBW: bw = 80/77.68 = 1.0298661', () => {
    const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'IBW' }));
    // lbm 64.29630/77.68 = 0.8277072; lbmJames128 62.71605/77.68 = 0.8073642;
    // lbmJanma 61.73141/77.68 = 0.7946886; bsa 19964.21/77680 = 0.2570058
    expectFactors(r.factors, { bw: 1.0298661, lbm: 0.8277072, lbmJames128: 0.8073642, lbmJanma: 0.7946886, bsa: 0.2570058, ibw: 1 });
    expect(r.storedSuvType).toBe('ibw');
  });

  it('spellings of practice: "lbm james128", "LBM_JANMA", "SUVlbm(Janma)", " ibw " are those types', () => {
    expect(computeSuv(petHeader({ Units: 'GML', SUVType: 'lbm james128' })).factors.bw).toBeCloseTo(1.2755906, 6);
    for (const spelling of ['LBM_JANMA', 'SUVlbm(Janma)', 'lbm-janma']) {
      const r = computeSuv(petHeader({ Units: 'GML', SUVType: spelling }));
      expect(r.storedSuvType).toBe('lbmJanma');
      expect(r.factors.bw).toBeCloseTo(1.2959367, 6);
    }
    expect(computeSuv(petHeader({ Units: 'GML', SUVType: ' ibw ' })).factors.bw).toBeCloseTo(1.0298661, 6);
  });

  it('an unknown SUV Type: no factor at all, and the reason lists the accepted values', () => {
    const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'LBMHUME' }));
    for (const t of SUV_TYPES) {
      expect(r.factors[t]).toBeNull();
      expect(r.reasons[t]).toBe('unknown SUV Type (0054,1006) "LBMHUME": expected one of BW, LBM, LBMJAMES128, LBMJANMA, BSA, IBW');
    }
    expect(r.storedSuvType).toBeUndefined();
  });

  it('LBMJANMA without a height: lbmJanma 1, the others null because the scanner’s LBM cannot be known', () => {
    const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'LBMJANMA', PatientSize: undefined }));
    expect(r.factors.lbmJanma).toBe(1);
    for (const t of ['bw', 'lbm', 'lbmJames128', 'bsa', 'ibw'] as const) {
      expect(r.factors[t]).toBeNull();
      expect(r.reasons[t]).toBe(`values are SUVlbmJanma; converting them to ${t} needs the mass they were made with: no patient height (Patient's Size (0010,1020))`);
    }
  });

  it('LBM without a sex: the others null with the reason (not the mean of the sexes, as for an SUV computed here)', () => {
    for (const sex of [undefined, 'O']) {
      const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'LBM', PatientSex: sex }));
      expect(r.factors.lbm).toBe(1);
      expect(r.factors.bw).toBeNull();
      expect(r.reasons.bw).toBe(`values are SUVlbm; converting them to bw needs the mass they were made with: Patient's Sex (0010,0040) is ${sex ? "'O'" : 'missing'} and lbm depends on it`);
      expect(r.warnings.join()).not.toMatch(/mean of the male and female/);
    }
  });

  it('BSA without a sex: bw needs no sex (4.0071708); lbm uses the mean of the sexes, with the note', () => {
    const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'BSA', PatientSex: undefined }));
    expectRel(r.factors.bw, 4.0071708);
    // female James: 1.07·80 − 148·0.1975309 = 56.36543 kg; mean (64.29630 + 56.36543)/2 = 60.33086 kg → /19964.21 = 3.0219510
    expectRel(r.factors.lbm, 3.021951);
    expect(r.warnings.join()).toMatch(/mean of the male and female/);
  });

  it('LBMJANMA and a weight override 80 → 100 kg: lbmJanma = N_janma(100)/N_janma(80)', () => {
    const r = computeSuv(petHeader({ Units: 'GML', SUVType: 'LBMJANMA' }), { weightKg: 100 });
    // BMI 100/3.24 = 30.86420; 9270·100/(6680 + 216·30.86420) = 927000/13346.67 = 69.45554 kg; /61.73141 = 1.1251248
    expectRel(r.factors.lbmJanma, 1.1251248);
    // bw: 100/61.73141 = 1.6199209
    expectRel(r.factors.bw, 1.6199209);
  });

  it('any spelling variant of a known type gives the factors of that type', () => {
    const canonical = new Map(['BW', 'LBM', 'LBMJAMES128', 'LBMJANMA', 'BSA', 'IBW'].map((v) => [v, computeSuv(petHeader({ Units: 'GML', SUVType: v })).factors]));
    const variant = fc
      .tuple(fc.constantFrom(...canonical.keys()), fc.infiniteStream(fc.tuple(fc.boolean(), fc.constantFrom('', '', ' ', '_', '-'))))
      .map(([v, s]) => [v, [...v].map((ch) => { const [lower, sep] = s.next().value as [boolean, string]; return (lower ? ch.toLowerCase() : ch) + sep; }).join('')] as const);
    fc.assert(
      fc.property(variant, ([v, spelled]) => {
        expect(computeSuv(petHeader({ Units: 'GML', SUVType: spelled })).factors).toEqual(canonical.get(v));
      }),
      { numRuns: 100 },
    );
  });
});
