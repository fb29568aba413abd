/**
 * One test per rule of issue #7's SUV engine, each on the hand-made header of petHeader.ts
 * (80 kg, 180 cm, M; 400 MBq at 08:30; reference 10:00; half-life 5400 s ⇒ 200 MBq at the reference time)
 * with the expected number worked out by hand in the comment.
 */
import { calculateSUVScalingFactors } from '@cornerstonejs/calculate-suv';
import { describe, expect, it } from 'vitest';
import { computeSeriesSuv, computeSuv, storedToSuv } from '../../../../common/suv';
import { parseDicomDate, parseDicomDateTime, parseDicomTime, parseIsoDateTime } from '../../../../common/suv/dicomTime';
import { BASE, petHeader } from './petHeader';

/** Relative closeness: factors are ~1e-4, so toBeCloseTo's absolute digits would say little. */
function expectRel(actual: number | null, expected: number, rel = 1e-9): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! / expected - 1)).toBeLessThan(rel);
}

describe('body-size factors (BQML, START)', () => {
  it('male: bw, lbm (James 120), lbmJames128, lbmJanma, bsa (Du Bois, cm²), ibw', () => {
    const r = computeSuv(petHeader());
    // bw: 80 kg = 80000 g / 200e6 Bq = 4.0e-4
    expectRel(r.factors.bw, 4.0e-4);
    // lbm: (W/H)² = (80/180)² = 0.1975309; 1.10·80 − 120·0.1975309 = 88 − 23.7037 = 64.2963 kg → 64296.3/200e6 = 3.214815e-4
    expectRel(r.factors.lbm, 64296.2962963 / 200e6);
    // lbmJames128: 88 − 128·0.1975309 = 88 − 25.2840 = 62.7160 kg → 3.135802e-4
    expectRel(r.factors.lbmJames128, 62716.049383 / 200e6);
    // lbmJanma: BMI = 80/1.8² = 24.6914; 9270·80/(6680 + 216·24.6914) = 741600/12013.33 = 61.7314 kg → 3.086570e-4
    expectRel(r.factors.lbmJanma, 61731.40954495 / 200e6);
    // bsa: 0.007184 · 80^0.425 (6.438923) · 180^0.725 (43.159119) = 1.996421 m² = 19964.21 cm² → 9.982105e-5
    expectRel(r.factors.bsa, 19964.210222750 / 200e6, 1e-8);
    // ibw: 48.0 + 1.06·(180 − 152) = 77.68 kg → 3.884e-4
    expectRel(r.factors.ibw, 77680 / 200e6);
    expect(r.reasons).toEqual({});
    expect(r.warnings).toEqual([]);
    expect(r.units).toBe('BQML');
  });

  it('female: lbm 1.07W − 148(W/H)², Janmahasatian female, ibw 45.5 + 0.91(H−152)', () => {
    const r = computeSuv(petHeader({ PatientSex: 'F' }));
    // lbm: 1.07·80 − 148·0.1975309 = 85.6 − 29.2346 = 56.3654 kg → 2.818272e-4; lbmJames128 is the same for women
    expectRel(r.factors.lbm, 56365.432099 / 200e6);
    expectRel(r.factors.lbmJames128, 56365.432099 / 200e6);
    // lbmJanma: 9270·80/(8780 + 244·24.6914) = 741600/14804.69 = 50.0922 kg → 2.504611e-4
    expectRel(r.factors.lbmJanma, 50092.22969029 / 200e6);
    // ibw: 45.5 + 0.91·28 = 70.98 kg → 3.549e-4
    expectRel(r.factors.ibw, 70980 / 200e6);
    // bw and bsa do not depend on sex
    expectRel(r.factors.bw, 4.0e-4);
  });

  it("PatientSex 'O' or missing: the mean of the male and female factors, with a note (calculate-suv throws for 'O')", () => {
    for (const sex of ['O', undefined, '']) {
      const r = computeSuv(petHeader({ PatientSex: sex }));
      // lbm: (64.2963 + 56.3654)/2 = 60.3309 kg → 3.016543e-4
      expectRel(r.factors.lbm, 60330.864198 / 200e6);
      // ibw: (77.68 + 70.98)/2 = 74.33 kg → 3.7165e-4
      expectRel(r.factors.ibw, 74330 / 200e6);
      expectRel(r.factors.bw, 4.0e-4);
      expect(r.warnings.join()).toMatch(/mean of the male and female/);
    }
    const meta = [{ ...BASE, PatientSex: 'O', PhilipsPETPrivateGroup: {} }];
    expect(() => calculateSUVScalingFactors(meta as never)).toThrow(/PatientSex/);
  });

  it('missing height: lbm, bsa and ibw null with the reason; bw still works', () => {
    const r = computeSuv(petHeader({ PatientSize: undefined }));
    expectRel(r.factors.bw, 4.0e-4);
    for (const t of ['lbm', 'lbmJames128', 'lbmJanma', 'bsa', 'ibw'] as const) {
      expect(r.factors[t]).toBeNull();
      expect(r.reasons[t]).toMatch(/no patient height \(Patient's Size \(0010,1020\)\)/);
    }
  });

  it('James LBM that turns negative (very high BMI) is null with the reason, Janmahasatian still works', () => {
    // W 250, H 150: 1.10·250 − 120·(250/150)² = 275 − 333.3 = −58.3 kg
    const r = computeSuv(petHeader({ PatientWeight: 250, PatientSize: 1.5 }));
    expect(r.factors.lbm).toBeNull();
    expect(r.reasons.lbm).toMatch(/James LBM is -58\.3 kg/);
    expect(r.factors.lbmJanma).toBeGreaterThan(0);
  });

  it('agrees with calculate-suv on a plain header (bw, lbm, bsa)', () => {
    const meta = [{ ...BASE, PhilipsPETPrivateGroup: {} }];
    const [ref] = calculateSUVScalingFactors(meta as never);
    const r = computeSuv(petHeader());
    expectRel(r.factors.bw, ref!.suvbw);
    expectRel(r.factors.lbm, ref!.suvlbm!);
    expectRel(r.factors.bsa, ref!.suvbsa!);
  });
});

describe('plausibility', () => {
  it('weight 0 or missing: no SUV, with the reason', () => {
    for (const w of [0, undefined]) {
      const r = computeSuv(petHeader({ PatientWeight: w }));
      expect(Object.values(r.factors).every((f) => f === null)).toBe(true);
      expect(r.reasons.bw).toMatch(w === 0 ? /patient weight is 0: no SUV/ : /no patient weight \(Patient's Weight \(0010,1030\)\)/);
    }
  });

  it('weight over 1000 is grams: 80000 → 80 kg, with a warning', () => {
    const r = computeSuv(petHeader({ PatientWeight: 80000 }));
    // 80000 g = 80 kg → 4.0e-4, as the base header
    expectRel(r.factors.bw, 4.0e-4);
    expect(r.warnings).toContain('patient weight 80000 can only be grams: taken as 80 kg');
    expect(r.inputs.find((i) => i.name === 'weight')).toEqual({ name: 'weight', value: 80, source: 'header (0010,1030)' });
  });

  it('a dose that can only be MBq (368.08) is taken as Bq × 10⁶ (calculate-suv is 10⁶ off)', () => {
    const r = computeSuv(petHeader({ RadionuclideTotalDose: 368.08 }));
    // 368.08 MBq = 368.08e6 Bq, half of it at 10:00 = 184.04e6 → 80000/184.04e6 = 4.346881e-4
    expectRel(r.factors.bw, 80000 / 184.04e6);
    expect(r.warnings).toContain('injected dose 368.08 can only be MBq: taken as 368080000 Bq');
    const [ref] = calculateSUVScalingFactors([{ ...BASE, RadionuclideTotalDose: 368.08, PhilipsPETPrivateGroup: {} }] as never);
    expect(ref!.suvbw / r.factors.bw!).toBeCloseTo(1e6, 0);
  });

  it('half-life from the header, any nuclide: Ga-68 (4062.6 s)', () => {
    const r = computeSuv(petHeader({ RadionuclideHalfLife: 4062.6 }));
    // 5400/4062.6 = 1.329198 half-lives: 2^−1.329198 = 0.3979894 → dose 159.1958e6 Bq → 80000/159.1958e6 = 5.025259e-4
    expectRel(r.factors.bw, 5.025259335541e-4, 1e-9);
    expect(r.inputs.find((i) => i.name === 'halfLife')).toEqual({ name: 'halfLife', value: 4062.6, source: 'header (0018,1075)' });
  });

  it('no half-life: START has no SUV; ADMIN needs none', () => {
    const r = computeSuv(petHeader({ RadionuclideHalfLife: undefined }));
    expect(r.factors.bw).toBeNull();
    expect(r.reasons.bw).toMatch(/no half-life/);
    // ADMIN: 80000/400e6 = 2.0e-4, whatever the half-life
    expectRel(computeSuv(petHeader({ RadionuclideHalfLife: undefined, DecayCorrection: 'ADMIN' })).factors.bw, 2.0e-4);
  });
});

describe('units', () => {
  it('CNTS with the Philips SUV Scale Factor (7053,1000): bw is it, the others by body size', () => {
    const r = computeSuv(petHeader({ Units: 'CNTS', PhilipsPETPrivateGroup: { SUVScaleFactor: '0.000551 ' } }));
    // bw = 0.000551; lbm = 0.000551 · 64.2963/80 = 4.428326e-4
    expectRel(r.factors.bw, 0.000551);
    expectRel(r.factors.lbm, (0.000551 * 64.2962962963) / 80);
  });

  it('CNTS with only (7053,1009): counts × it are Bq/ml, then as BQML', () => {
    const r = computeSuv(petHeader({ Units: 'CNTS', PhilipsPETPrivateGroup: { ActivityConcentrationScaleFactor: '1.5' } }));
    // 1.5 · 4.0e-4 = 6.0e-4
    expectRel(r.factors.bw, 6.0e-4);
  });

  it('Philips private values as UN bytes (implicit VR file) are read as text, in the creator’s block', () => {
    const ds = petHeader({ Units: 'CNTS' });
    ds['70530010'] = { vr: 'LO', Value: ['SOME OTHER CREATOR'] };
    ds['70530011'] = { vr: 'LO', Value: ['Philips PET Private Group'] };
    // "0.000551 " in base64
    ds['70531100'] = { vr: 'UN', InlineBinary: 'MC4wMDA1NTEg' };
    ds['70531000'] = { vr: 'DS', Value: [99] }; // the other creator's element: not ours
    expectRel(computeSuv(ds).factors.bw, 0.000551);
  });

  it('CNTS without the Philips factors: no SUV, with the reason', () => {
    const r = computeSuv(petHeader({ Units: 'CNTS' }));
    expect(r.factors.bw).toBeNull();
    expect(r.reasons.bw).toMatch(/Units CNTS without a Philips SUV Scale Factor/);
  });

  it('GML: already SUV of SUV Type (BW when empty); converted to the other types', () => {
    const bw = computeSuv(petHeader({ Units: 'GML' }));
    // stored is SUVbw: bw 1; lbm = LBM/W = 64.2963/80 = 0.8037037; bsa = 19964.21 cm² / 80000 g = 0.2495526
    expect(bw.factors.bw).toBe(1);
    expectRel(bw.factors.lbm, 0.8037037037037);
    expectRel(bw.factors.bsa, 19964.210222750 / 80000, 1e-8);
    const lbm = computeSuv(petHeader({ Units: 'GML', SUVType: 'LBM' }));
    // stored is SUVlbm: lbm 1; bw = 80/64.2963 = 1.2442396
    expect(lbm.factors.lbm).toBe(1);
    expectRel(lbm.factors.bw, 1.2442396313364);
  });

  it('GML needs no dose or time, and keeps bw 1 without a weight', () => {
    const r = computeSuv(petHeader({ Units: 'GML', RadionuclideTotalDose: undefined, PatientWeight: undefined }));
    expect(r.factors.bw).toBe(1);
    expect(r.factors.lbm).toBeNull();
  });

  it('CM2ML is SUVbsa: bsa 1, bw = W/BSA', () => {
    const r = computeSuv(petHeader({ Units: 'CM2ML' }));
    // bw = 80000 g / 19964.21 cm² = 4.0071708
    expect(r.factors.bsa).toBe(1);
    expectRel(r.factors.bw, 4.007170787494, 1e-8);
  });

  it('other units (PROPCNTS, NCI, none): no SUV, with the reason', () => {
    for (const u of ['PROPCNTS', 'NCI']) {
      const r = computeSuv(petHeader({ Units: u }));
      expect(r.factors.bw).toBeNull();
      expect(r.reasons.bw).toBe(`Units ${u} (0054,1001) are neither activity concentration (BQML, CNTS) nor SUV (GML, CM2ML)`);
    }
    expect(computeSuv(petHeader({ Units: undefined })).reasons.bw).toBe('no Units (0054,1001)');
  });
});

describe('rescale', () => {
  it('Rescale Slope per slice: the factor applies after each slice’s own slope', () => {
    const [a, b] = computeSeriesSuv([petHeader({ RescaleSlope: 2 }, 0), petHeader({ RescaleSlope: 3 }, 1)]);
    expect(a!.factors.bw).toBe(b!.factors.bw);
    // stored 1000: slice a → 1000·2·4.0e-4 = 0.8; slice b → 1000·3·4.0e-4 = 1.2
    expect(storedToSuv(1000, a!, 'bw')).toBeCloseTo(0.8, 12);
    expect(storedToSuv(1000, b!, 'bw')).toBeCloseTo(1.2, 12);
  });

  it('a non-zero Rescale Intercept is reported', () => {
    const r = computeSuv(petHeader({ RescaleSlope: 2, RescaleIntercept: -10 }));
    expect(r.rescale).toEqual({ slope: 2, intercept: -10 });
    expect(r.warnings).toContain('Rescale Intercept (0028,1052) is -10: SUV = (stored × 2 + -10) × factor');
    // (1000·2 − 10)·4.0e-4 = 0.796
    expect(storedToSuv(1000, r, 'bw')).toBeCloseTo(0.796, 12);
  });
});

describe('decay correction', () => {
  it('START: the dose decayed from injection to the reference time', () => {
    // 400e6 · 2^(−5400/5400) = 200e6 → 4.0e-4 (the base case)
    expectRel(computeSuv(petHeader({ DecayCorrection: 'START' })).factors.bw, 4.0e-4);
  });

  it('ADMIN: no decay of the dose (calculate-suv treats it as START)', () => {
    const r = computeSuv(petHeader({ DecayCorrection: 'ADMIN' }));
    // 80000/400e6 = 2.0e-4
    expectRel(r.factors.bw, 2.0e-4);
    const [ref] = calculateSUVScalingFactors([{ ...BASE, DecayCorrection: 'ADMIN', PhilipsPETPrivateGroup: {} }] as never);
    expect(ref!.suvbw).toBeCloseTo(4.0e-4, 12);
  });

  it('NONE: each frame corrected to the injection time from its acquisition time and duration', () => {
    const [a, b] = computeSeriesSuv([
      petHeader({ DecayCorrection: 'NONE', CorrectedImage: ['ATTN', 'SCAT'] }, 0),
      petHeader({ DecayCorrection: 'NONE', CorrectedImage: ['ATTN', 'SCAT'], AcquisitionTime: '100500' }, 1),
    ]);
    // λ = ln2/5400 = 1.2836059e-4 /s, T = 300 s: λT = 0.03850818, λT/(1 − e^−λT) = 1.01937766
    // frame a starts 5400 s after injection: e^(λ·5400) = 2 → 80000 · 2 · 1.01937766 / 400e6 = 4.0775106e-4
    expectRel(a!.factors.bw, 4.0775106344e-4, 1e-9);
    // frame b starts 300 s later: × e^(λ·300) = 1.03925923 → 4.2375905e-4
    expectRel(b!.factors.bw, 4.2375905460e-4, 1e-9);
  });

  it('NONE with DECY in Corrected Image: computed as NONE, with a warning', () => {
    const r = computeSuv(petHeader({ DecayCorrection: 'NONE' }));
    expectRel(r.factors.bw, 4.0775106344e-4, 1e-9);
    expect(r.warnings.join()).toMatch(/NONE but Corrected Image \(0028,0051\) has DECY/);
  });

  it('START without DECY in Corrected Image: no SUV, with the reason', () => {
    const r = computeSuv(petHeader({ CorrectedImage: ['ATTN', 'SCAT'] }));
    expect(r.factors.bw).toBeNull();
    expect(r.reasons.bw).toMatch(/Decay Correction is START but Corrected Image \(0028,0051\) has no DECY/);
  });

  it('no Decay Correction: taken as START with a warning; an unknown value: no SUV, with the reason', () => {
    const r = computeSuv(petHeader({ DecayCorrection: undefined }));
    // as START: 4.0e-4
    expectRel(r.factors.bw, 4.0e-4);
    expect(r.warnings).toContain('no Decay Correction (0054,1102): taken as START');
    expect(computeSuv(petHeader({ DecayCorrection: 'LATER' })).reasons.bw).toBe('unknown Decay Correction (0054,1102) "LATER"');
  });

  it('not attenuation corrected: no SUV, with the reason (values stay Bq/ml)', () => {
    const r = computeSuv(petHeader({ CorrectedImage: ['DECY', 'SCAT'] }));
    expect(Object.values(r.factors).every((f) => f === null)).toBe(true);
    expect(r.reasons.bw).toMatch(/not attenuation corrected/);
  });
});

describe('reference time', () => {
  it('Series Date/Time when not after the acquisition', () => {
    const r = computeSuv(petHeader({ AcquisitionTime: '100200' }));
    expect(r.inputs.find((i) => i.name === 'referenceDateTime')).toEqual({ name: 'referenceDateTime', value: '2024-01-15T10:00:00.000', source: 'header (0008,0021)/(0008,0031)' });
  });

  it('Series Time after the acquisition: the GE private scan time (0009,100D)', () => {
    // processed series at 11:00; GE says the scan was 10:00 → 4.0e-4 as the base case
    const r = computeSuv(petHeader({ SeriesTime: '110000', GEPrivatePostInjectionDateTime: '20240115100000.00' }));
    expectRel(r.factors.bw, 4.0e-4);
    expect(r.inputs.find((i) => i.name === 'referenceDateTime')!.source).toBe('header (0009,100D)');
  });

  it('Series Time after the acquisition, no GE time: earliest acquisition back-computed per frame', () => {
    // Two beds of T = 120 s; the scan started 10:00:00. Average count rate offset (1/λ)·ln(λT/(1 − e^−λT)) with
    // λ = ln2/5400: 59.922984 s. Bed 1 starts 10:02:00, its Frame Reference Time is (120 + 59.922984)·1000 ms;
    // bed 2 starts 10:04:00 with 299922.984 ms. Each back-computes to 10:00:00 → 4.0e-4, where calculate-suv takes
    // 10:02:00 as is (2^(−120/5400) higher dose → 3.9387e-4).
    const beds = [
      petHeader({ SeriesTime: '110000', AcquisitionTime: '100200', ActualFrameDuration: 120000, FrameReferenceTime: 179922.98379887769 }, 0),
      petHeader({ SeriesTime: '110000', AcquisitionTime: '100400', ActualFrameDuration: 120000, FrameReferenceTime: 299922.98379887769 }, 1),
    ];
    const [a, b] = computeSeriesSuv(beds);
    expectRel(a!.factors.bw, 4.0e-4, 1e-9);
    expectRel(b!.factors.bw, 4.0e-4, 1e-9);
    expect(a!.inputs.find((i) => i.name === 'referenceDateTime')).toMatchObject({ value: '2024-01-15T10:00:00.000' });
    expect(a!.warnings.join()).toMatch(/back-computed per frame/);
  });

  it('Series Time after the acquisition, Frame Reference Time 0: the earliest acquisition as is', () => {
    const [a] = computeSeriesSuv([petHeader({ SeriesTime: '110000', AcquisitionTime: '100200' }, 0), petHeader({ SeriesTime: '110000', AcquisitionTime: '100000' }, 1)]);
    // earliest acquisition 10:00:00 → 4.0e-4
    expectRel(a!.factors.bw, 4.0e-4);
  });
});

describe('injection time', () => {
  it('Start Time on the series date when there is no Start DateTime', () => {
    const r = computeSuv(petHeader({ RadiopharmaceuticalStartDateTime: undefined, RadiopharmaceuticalStartTime: '083000' }));
    // 08:30 on 2024-01-15 → the base case, 4.0e-4
    expectRel(r.factors.bw, 4.0e-4);
    expect(r.inputs.find((i) => i.name === 'injectionDateTime')).toEqual({ name: 'injectionDateTime', value: '2024-01-15T08:30:00.000', source: 'header (0018,1072)' });
  });

  it('injected late in the evening, scanned after midnight', () => {
    const r = computeSuv(
      petHeader({ SeriesDate: '20240116', AcquisitionDate: '20240116', SeriesTime: '001500', AcquisitionTime: '001500', RadiopharmaceuticalStartDateTime: undefined, RadiopharmaceuticalStartTime: '233000' }),
    );
    // 23:30 on the 15th → 00:15 on the 16th is 2700 s = half a half-life: 400e6 · 2^−0.5 = 282.8427e6 → 2.8284271e-4
    expectRel(r.factors.bw, 2.8284271247e-4, 1e-9);
    expect(r.inputs.find((i) => i.name === 'injectionDateTime')!.value).toBe('2024-01-15T23:30:00.000');
    expect(r.warnings.join()).toMatch(/the day before/);
  });

  it('an injection after the reference time: no SUV, with the reason', () => {
    const r = computeSuv(petHeader({ RadiopharmaceuticalStartDateTime: '20240115110000' }));
    expect(r.factors.bw).toBeNull();
    expect(r.reasons.bw).toMatch(/the injection \(2024-01-15T11:00:00.000\) is after the reference time/);
  });
});

describe('overrides (the recalculation API)', () => {
  it('weight, height, sex, dose, injection, half-life override the header, with source "override"', () => {
    const r = computeSuv(petHeader({ PatientSize: undefined, PatientWeight: 0 }), {
      weightKg: 70,
      heightCm: 170,
      sex: 'F',
      doseBq: 300e6,
      injectionDateTime: '2024-01-15T09:00:00',
      halfLifeS: 3600,
    });
    // 1 h from 09:00 to 10:00 = one half-life of 3600 s: 150e6 Bq → bw 70000/150e6 = 4.6666667e-4
    expectRel(r.factors.bw, 70000 / 150e6);
    // lbm (F): 1.07·70 − 148·(70/170)² = 74.9 − 25.0934 = 49.8066 kg → 3.320439e-4
    expectRel(r.factors.lbm, (74.9 - 148 * (70 / 170) ** 2) * 1000 / 150e6);
    expect(r.inputs.filter((i) => i.source === 'override').map((i) => i.name)).toEqual(['weight', 'height', 'sex', 'dose', 'injectionDateTime', 'halfLife']);
    expect(r.inputs.find((i) => i.name === 'height')!.value).toBe(170);
  });

  it('weight 66.2 → 70 kg scales every body-weight factor by 70/66.2', () => {
    const before = computeSuv(petHeader({ PatientWeight: 66.2 }));
    const after = computeSuv(petHeader({ PatientWeight: 66.2 }), { weightKg: 70 });
    expectRel(after.factors.bw! / before.factors.bw!, 70 / 66.2, 1e-12);
  });

  it('a pre-normalised value (Philips SUV factor, GML) follows dose and weight overrides', () => {
    const h = petHeader({ Units: 'CNTS', PhilipsPETPrivateGroup: { SUVScaleFactor: 0.0005 } });
    // dose 400 → 200 MBq doubles it; weight 80 → 100 kg × 1.25: 0.0005 · 2 · 1.25 = 0.00125
    expectRel(computeSuv(h, { doseBq: 200e6, weightKg: 100 }).factors.bw, 0.00125);
    expectRel(computeSuv(petHeader({ Units: 'GML' }), { doseBq: 800e6 }).factors.bw, 0.5);
  });

  it('an unreadable injection override is a reason, not an exception', () => {
    const r = computeSuv(petHeader(), { injectionDateTime: 'yesterday' });
    expect(r.factors.bw).toBeNull();
    expect(r.reasons.bw).toMatch(/"yesterday" is not a date-time/);
  });
});

describe('DICOM date and time parsing', () => {
  it('DA, TM (partial, fractional, old colon form), DT (offset ignored), ISO', () => {
    expect(parseDicomDate('20240115')).toBe(Date.UTC(2024, 0, 15) / 1000);
    expect(parseDicomDate('20230231')).toBeUndefined();
    expect(parseDicomTime('10')).toBe(36000);
    expect(parseDicomTime('1002')).toBe(36120);
    expect(parseDicomTime('100203.5')).toBe(36123.5);
    expect(parseDicomTime('10:02:03')).toBe(36123);
    expect(parseDicomTime('2460')).toBeUndefined();
    expect(parseDicomDateTime('20240115100203.25+0900')).toBe(Date.UTC(2024, 0, 15, 10, 2, 3, 250) / 1000);
    expect(parseDicomDateTime('20201217084500.00 ')).toBe(Date.UTC(2020, 11, 17, 8, 45) / 1000);
    expect(parseIsoDateTime('2024-01-15T10:02:03Z')).toBe(Date.UTC(2024, 0, 15, 10, 2, 3) / 1000);
    expect(parseIsoDateTime('2024-01-15 10:02')).toBe(Date.UTC(2024, 0, 15, 10, 2) / 1000);
    expect(parseIsoDateTime('not a date')).toBeUndefined();
  });
});
