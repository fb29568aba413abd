/**
 * The body-size normalisers of the SUV types, as issue #7 words them. W in kg, H in cm.
 * Each returns kg (the caller turns it into grams: SUV in g/ml) or, for Du Bois, m² (the caller turns it into cm²:
 * SUVbsa in cm²/ml). Not clamped: a non-positive result (James' LBM for a very high BMI, the IBW for a very short
 * patient) is the caller's to refuse, with the reason.
 */

export type Sex = 'M' | 'F';

/** James, as DICOM's "LBM" (SUVType LBM): male 1.10W − 120(W/H)², female 1.07W − 148(W/H)². */
export function lbmJames(sex: Sex, w: number, h: number): number {
  return sex === 'M' ? 1.1 * w - 120 * (w / h) ** 2 : 1.07 * w - 148 * (w / h) ** 2;
}

/** James with the male coefficient of his original paper, 128 (female unchanged, 148). */
export function lbmJames128(sex: Sex, w: number, h: number): number {
  return sex === 'M' ? 1.1 * w - 128 * (w / h) ** 2 : 1.07 * w - 148 * (w / h) ** 2;
}

/** Janmahasatian (2005): male 9270W/(6680 + 216·BMI), female 9270W/(8780 + 244·BMI); BMI = W/(H/100)². */
export function lbmJanmahasatian(sex: Sex, w: number, h: number): number {
  const bmi = w / (h / 100) ** 2;
  return sex === 'M' ? (9270 * w) / (6680 + 216 * bmi) : (9270 * w) / (8780 + 244 * bmi);
}

/** Du Bois: 0.007184·W^0.425·H^0.725, in m². */
export function bsaDuBois(w: number, h: number): number {
  return 0.007184 * w ** 0.425 * h ** 0.725;
}

/** Ideal body weight (Devine/Robinson form of the issue): male 48.0 + 1.06(H−152), female 45.5 + 0.91(H−152). */
export function ibw(sex: Sex, h: number): number {
  return sex === 'M' ? 48.0 + 1.06 * (h - 152) : 45.5 + 0.91 * (h - 152);
}
