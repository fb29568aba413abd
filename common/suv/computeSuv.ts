/**
 * SUV factors of PET instances (issue #7): per instance, the numbers that turn the stored value after Rescale
 * Slope/Intercept into SUV — `suv = (stored × slope + intercept) × factors[type]` — for six normalisations, each
 * with its reason when it cannot be had, the warnings a reader should see, and every input with its source, so a
 * recalculation panel can show what was used and where it came from.
 *
 *   SUV_type = C · N_type / D_ref, C in Bq/ml, N the body-size normaliser (g, or cm² for BSA), D_ref the dose
 *   at the time the image values refer to.
 *
 * Where this differs from @cornerstonejs/calculate-suv 1.0.3 (used as a reference in the tests where it is right):
 * - PatientSex 'O' or missing: it throws for LBM; here the sex-specific types use the mean of the male and female
 *   factors, with a note.
 * - Decay Correction is ignored there (every series is treated as START); ADMIN here does not decay the dose, and
 *   NONE corrects each frame to the injection time from its own acquisition time and duration.
 * - A dose written in MBq (e.g. 368.08) gives SUVs 10⁶ too high there; here it is taken as MBq, with a warning.
 *   A weight in grams likewise.
 * - Series time after the acquisition time (a processed series) without the GE private time: it takes the earliest
 *   Acquisition Time as is (its back-computation is commented out, and has λ in place of λT inside the log); here
 *   each frame with a Frame Reference Time > 0 is back-computed with the issue's formula and the earliest is kept.
 *   Frames with Frame Reference Time 0 (CPS/Siemens write 0 when they do not know it) are taken as is, so the two
 *   agree on such headers.
 * - It throws on anything unusual (no CorrectedImage ATTN/DECY, unknown units, unreadable times); here nothing
 *   throws: each factor is a number or null with the reason.
 * - Injection after midnight handling: it puts a time-only injection on the series date even when that puts it
 *   after the scan; here it moves to the day before.
 * - GML: it assumes SUVbw; here SUV Type (0054,1006) is honoured (BW when empty; LBMJAMES128 and LBMJANMA too, see
 *   suvType.ts) and converted to the other types (issue #14).
 */
import { bsaDuBois, ibw, lbmJames, lbmJames128, lbmJanmahasatian, type Sex } from './bodySize';
import { formatWallClock, parseDicomDate, parseDicomTime, parseIsoDateTime, SECONDS_PER_DAY } from './dicomTime';
import { readSuvHeader, type SuvHeader } from './suvHeader';
import { parseSuvType } from './suvType';

export const SUV_TYPES = ['bw', 'lbm', 'lbmJames128', 'lbmJanma', 'bsa', 'ibw'] as const;
export type SuvType = (typeof SUV_TYPES)[number];
export type SuvFactors = Record<SuvType, number | null>;

/** Corrected inputs. Units as a user types them: kg, cm, Bq, seconds; date-times as ISO wall-clock time. */
export interface SuvOverrides {
  weightKg?: number;
  heightCm?: number;
  sex?: 'M' | 'F' | 'O';
  doseBq?: number;
  /** "2020-12-17T08:30:45" (the scanner's local time; a zone suffix is ignored), or a DICOM DT. */
  injectionDateTime?: string;
  halfLifeS?: number;
  /** The time the dose is decayed to (decay correction START); normally from the header. */
  referenceDateTime?: string;
}

export type SuvInputName = 'weight' | 'height' | 'sex' | 'dose' | 'injectionDateTime' | 'halfLife' | 'referenceDateTime';

/** 'header (0010,1030)'; 'override'; or 'derived (…)' for the reference time computed from acquisition times. */
export type SuvInputSource = `header (${string})` | 'override' | `derived (${string})`;

export interface SuvInput {
  name: SuvInputName;
  /** kg, cm, 'M'/'F'/'O', Bq, ISO wall-clock date-time, s; null when not available. */
  value: number | string | null;
  source: SuvInputSource;
}

export interface SuvResult {
  units: string | null;
  factors: SuvFactors;
  /** For each null factor, why. */
  reasons: Partial<Record<SuvType, string>>;
  warnings: string[];
  inputs: SuvInput[];
  /** The modality LUT the factors apply after: value = stored × slope + intercept (slope 1, intercept 0 if absent). */
  rescale: { slope: number; intercept: number };
  /**
   * The SUV the values already are (Units GML with its SUV Type, CM2ML): its factor is 1 unless an override changes
   * it. Absent for activity units (BQML, CNTS) and when the type cannot be known.
   */
  storedSuvType?: SuvType;
}

/** SUV of one stored value. */
export function storedToSuv(stored: number, result: SuvResult, type: SuvType): number | null {
  const f = result.factors[type];
  return f === null ? null : (stored * result.rescale.slope + result.rescale.intercept) * f;
}

/** One instance on its own: the series-level rules (reference time) see only this instance. */
export function computeSuv(instance: unknown, overrides: SuvOverrides = {}): SuvResult {
  return computeSeriesSuv([instance], overrides)[0]!;
}

/**
 * The instances of one series (the reference time is a series-level value: when the Series Time is after the
 * acquisition, it is the earliest back-computed acquisition of all of them). One result per instance, in order.
 * Never throws.
 */
export function computeSeriesSuv(instances: readonly unknown[], overrides: SuvOverrides = {}): SuvResult[] {
  const headers = instances.map((ds) => {
    try {
      return readSuvHeader(ds);
    } catch {
      return undefined;
    }
  });
  const ok = headers.filter((h): h is SuvHeader => h !== undefined);
  let series: SeriesContext;
  try {
    series = { reference: seriesReference(ok, overrides), headerReference: seriesReference(ok, {}) };
  } catch (err) {
    const failed: Reference = { reason: `reference time: ${String(err)}`, warnings: [] };
    series = { reference: failed, headerReference: failed };
  }
  return headers.map((h) => {
    if (!h) return unreadable('the dataset could not be read');
    try {
      return computeOne(h, series, overrides);
    } catch (err) {
      return unreadable(String(err));
    }
  });
}

// ---------------------------------------------------------------------------------------------------------

const T = {
  weight: '(0010,1030)',
  size: '(0010,1020)',
  sex: '(0010,0040)',
  dose: '(0018,1074)',
  halfLife: '(0018,1075)',
  startDateTime: '(0018,1078)',
  startTime: '(0018,1072)',
  seriesDateTime: '(0008,0021)/(0008,0031)',
  ge: '(0009,100D)',
  units: '(0054,1001)',
  decay: '(0054,1102)',
  corrected: '(0028,0051)',
  suvType: '(0054,1006)',
} as const;

interface Reference {
  value?: number;
  source?: SuvInputSource;
  reason?: string;
  warnings: string[];
}

interface SeriesContext {
  /** With the overrides (reference time, half-life). */
  reference: Reference;
  /** From the header alone: what pre-normalised values (GML, Philips SUV factor) were made with. */
  headerReference: Reference;
}

/** The time the dose is decayed to for START: rules of the issue, first that applies. */
function seriesReference(headers: SuvHeader[], overrides: SuvOverrides): Reference {
  const warnings: string[] = [];
  if (overrides.referenceDateTime !== undefined) {
    const v = parseIsoDateTime(overrides.referenceDateTime);
    if (v === undefined) return { reason: `the reference date/time override "${overrides.referenceDateTime}" is not a date-time`, warnings };
    return { value: v, source: 'override', warnings };
  }
  const seriesDt = headers.map((h) => h.seriesDateTime).find((v) => v !== undefined);
  const acquisitions = headers.map((h) => h.acquisitionDateTime).filter((v): v is number => v !== undefined);
  const earliest = acquisitions.length ? Math.min(...acquisitions) : undefined;
  if (seriesDt !== undefined && (earliest === undefined || seriesDt <= earliest)) {
    return { value: seriesDt, source: `header ${T.seriesDateTime}`, warnings };
  }
  if (earliest === undefined) {
    return { reason: 'no readable Series Date/Time (0008,0021)/(0008,0031) or Acquisition Date/Time', warnings };
  }
  // Series Time after the acquisition: a processed (e.g. re-reconstructed) series; Series Time is when it was made.
  const ge = headers.map((h) => h.gePrivateScanDateTime).find((v) => v !== undefined);
  if (ge !== undefined) {
    warnings.push('Series Time is after the Acquisition Time (a processed series): the reference time is the GE private scan time (0009,100D)');
    return { value: ge, source: `header ${T.ge}`, warnings };
  }
  const halfLife = overrides.halfLifeS ?? headers.map((h) => h.halfLife).find((v) => v !== undefined && v > 0);
  const backComputed: number[] = [];
  for (const h of headers) {
    const frt = h.frameReferenceTimeMs;
    const dur = h.actualFrameDurationMs;
    if (h.acquisitionDateTime === undefined || frt === undefined || !(frt > 0) || dur === undefined || !(dur > 0) || !halfLife || !(halfLife > 0)) continue;
    // scan = acq − FrameRefTime/1000 + (1/λ)·ln(λT / (1 − e^(−λT))): the frame's start, moved to its average count
    // rate time, less the offset of that time from the series reference.
    backComputed.push(h.acquisitionDateTime - frt / 1000 + averageCountRateOffset(Math.LN2 / halfLife, dur / 1000));
  }
  if (backComputed.length) {
    warnings.push('Series Time is after the Acquisition Time (a processed series): the reference time is the earliest acquisition, back-computed per frame from Frame Reference Time (0054,1300) and Actual Frame Duration (0018,1242)');
    return { value: Math.min(...backComputed), source: 'derived (earliest acquisition back-computed per frame)', warnings };
  }
  warnings.push('Series Time is after the Acquisition Time (a processed series) and no frame has a Frame Reference Time: the reference time is the earliest Acquisition Time as is');
  return { value: earliest, source: 'derived (earliest Acquisition Date/Time)', warnings };
}

/** (1/λ)·ln(λT / (1 − e^(−λT))): when, within a frame of T s, the average count rate occurs (→ T/2 as λT → 0). */
export function averageCountRateOffset(lambda: number, durationS: number): number {
  const x = lambda * durationS;
  if (x < 1e-9) return durationS / 2;
  return Math.log(x / -Math.expm1(-x)) / lambda;
}

interface Body {
  weightKg?: number;
  heightCm?: number;
  sex?: Sex;
  weightReason?: string;
  heightReason?: string;
}

/** Weight and height after plausibility, as the normalisers want them. */
function bodyOf(weight: number | undefined, height: number | undefined, heightUnit: 'm' | 'cm', sex: string | undefined, warn: (w: string) => void): Body {
  const b: Body = {};
  if (weight === undefined) b.weightReason = `no patient weight (Patient's Weight ${T.weight}): no SUV`;
  else if (!(weight > 0)) b.weightReason = `patient weight is ${weight}: no SUV`;
  else if (weight > 1000) {
    b.weightKg = weight / 1000;
    warn(`patient weight ${weight} can only be grams: taken as ${b.weightKg} kg`);
  } else b.weightKg = weight;
  if (height === undefined) b.heightReason = `no patient height (Patient's Size ${T.size})`;
  else if (!(height > 0)) b.heightReason = `patient height is ${height}`;
  else {
    let cm = heightUnit === 'm' ? height * 100 : height;
    if (heightUnit === 'm' && height > 3) {
      cm = height;
      warn(`Patient's Size ${height} can only be centimetres: taken as ${cm} cm`);
    } else if (heightUnit === 'cm' && height <= 3) {
      cm = height * 100;
      warn(`height ${height} can only be metres: taken as ${cm} cm`);
    }
    b.heightCm = cm;
  }
  b.sex = sex === 'M' || sex === 'F' ? sex : undefined;
  return b;
}

interface Normalisers {
  values: Record<SuvType, number | null>;
  reasons: Partial<Record<SuvType, string>>;
  sexMean: boolean;
}

/** N per type: grams (or cm² for bsa). Sex unknown → the mean of the male and female values. */
function normalisers(b: Body): Normalisers {
  const values: Record<SuvType, number | null> = { bw: null, lbm: null, lbmJames128: null, lbmJanma: null, bsa: null, ibw: null };
  const reasons: Partial<Record<SuvType, string>> = {};
  let sexMean = false;
  const w = b.weightKg;
  const h = b.heightCm;
  // The issue's rule: no weight, no SUV at all (IBW needs no weight, but a header without one is not to be trusted).
  if (w === undefined) {
    for (const t of SUV_TYPES) reasons[t] = b.weightReason ?? 'no patient weight: no SUV';
    return { values, reasons, sexMean };
  }
  values.bw = w * 1000;
  if (h === undefined) {
    for (const t of ['lbm', 'lbmJames128', 'lbmJanma', 'bsa', 'ibw'] as const) reasons[t] ??= `${b.heightReason ?? 'no patient height'}: ${t} needs it`;
    return { values, reasons, sexMean };
  }
  const bySex = (f: (s: Sex) => number): number => {
    if (b.sex) return f(b.sex);
    sexMean = true;
    return (f('M') + f('F')) / 2;
  };
  const positive = (t: SuvType, kg: number, what: string) => {
    if (kg > 0 && Number.isFinite(kg)) values[t] = kg * 1000;
    else reasons[t] = `${what} is ${kg.toFixed(1)} kg for this weight and height: no ${t}`;
  };
  positive('lbm', bySex((s) => lbmJames(s, w, h)), 'James LBM');
  positive('lbmJames128', bySex((s) => lbmJames128(s, w, h)), 'James LBM (128)');
  positive('lbmJanma', bySex((s) => lbmJanmahasatian(s, w, h)), 'Janmahasatian LBM');
  values.bsa = bsaDuBois(w, h) * 1e4;
  positive('ibw', bySex((s) => ibw(s, h)), 'ideal body weight');
  return { values, reasons, sexMean };
}

type Decay = { ok: true; perBq: number } | { ok: false; reason: string };

interface TimeInputs {
  dose?: number;
  doseSource: SuvInputSource;
  halfLife?: number;
  halfLifeSource: SuvInputSource;
  injection?: number;
  injectionSource: SuvInputSource;
  injectionReason?: string;
}

/** 1/D_ref in 1/Bq: the dose the image values refer to, per decay correction. */
function decayTerm(mode: string, h: SuvHeader, t: TimeInputs, reference: Reference, warn: (w: string) => void): Decay {
  if (t.dose === undefined) return { ok: false, reason: 'no injected dose (Radionuclide Total Dose (0018,1074))' };
  if (!(t.dose > 0)) return { ok: false, reason: `injected dose is ${t.dose}` };
  if (mode === 'ADMIN') return { ok: true, perBq: 1 / t.dose };
  if (t.halfLife === undefined) return { ok: false, reason: 'no half-life (Radionuclide Half Life (0018,1075))' };
  if (!(t.halfLife > 0)) return { ok: false, reason: `half-life is ${t.halfLife}` };
  if (t.injection === undefined) return { ok: false, reason: t.injectionReason ?? 'no injection time' };
  const lambda = Math.LN2 / t.halfLife;
  if (mode === 'START') {
    if (reference.value === undefined) return { ok: false, reason: reference.reason ?? 'no reference time' };
    const dt = reference.value - t.injection;
    if (dt < 0) return { ok: false, reason: `the injection (${formatWallClock(t.injection)}) is after the reference time (${formatWallClock(reference.value)})` };
    if (dt > 2 * SECONDS_PER_DAY) warn(`${(dt / 3600).toFixed(1)} h from injection to the reference time: check the injection date`);
    return { ok: true, perBq: 1 / (t.dose * Math.exp(-lambda * dt)) };
  }
  // NONE: the values are the activity averaged over the frame; bring it back to the injection time.
  if (h.acquisitionDateTime === undefined) return { ok: false, reason: 'decay correction NONE needs the Acquisition Date/Time of the frame' };
  let effective = h.acquisitionDateTime;
  const dur = h.actualFrameDurationMs;
  if (dur !== undefined && dur > 0) effective += averageCountRateOffset(lambda, dur / 1000);
  else if (h.frameReferenceTimeMs !== undefined && h.frameReferenceTimeMs > 0 && reference.value !== undefined) {
    effective = reference.value + h.frameReferenceTimeMs / 1000;
    warn('decay correction NONE without Actual Frame Duration (0018,1242): the frame time is the reference time + Frame Reference Time');
  } else warn('decay correction NONE without Actual Frame Duration (0018,1242): the frame is taken at its start');
  const dt = effective - t.injection;
  if (dt < 0) return { ok: false, reason: `the injection (${formatWallClock(t.injection)}) is after the frame (${formatWallClock(effective)})` };
  return { ok: true, perBq: Math.exp(lambda * dt) / t.dose };
}

function computeOne(h: SuvHeader, series: SeriesContext, o: SuvOverrides): SuvResult {
  const warnings: string[] = [];
  const warn = (w: string) => {
    if (!warnings.includes(w)) warnings.push(w);
  };
  const units = h.units ?? null;
  for (const w of series.reference.warnings) warn(w);
  const slope = h.rescaleSlope !== undefined && h.rescaleSlope !== 0 ? h.rescaleSlope : 1;
  const intercept = h.rescaleIntercept ?? 0;
  if (intercept !== 0) warn(`Rescale Intercept (0028,1052) is ${intercept}: SUV = (stored × ${slope} + ${intercept}) × factor`);

  // Inputs: header, or override.
  const sexRaw = o.sex ?? h.sex;
  const sexValue = sexRaw === 'M' || sexRaw === 'F' ? sexRaw : sexRaw === undefined || sexRaw === '' ? null : 'O';
  const headerBody = bodyOf(h.weight, h.size, 'm', h.sex, () => {});
  const body = bodyOf(o.weightKg ?? h.weight, o.heightCm ?? h.size, o.heightCm !== undefined ? 'cm' : 'm', sexRaw, warn);
  const times = timeInputs(h, o, series.reference, warn);
  const inputs: SuvInput[] = [
    { name: 'weight', value: body.weightKg ?? null, source: o.weightKg !== undefined ? 'override' : `header ${T.weight}` },
    { name: 'height', value: body.heightCm ?? null, source: o.heightCm !== undefined ? 'override' : `header ${T.size}` },
    { name: 'sex', value: sexValue, source: o.sex !== undefined ? 'override' : `header ${T.sex}` },
    { name: 'dose', value: times.dose ?? null, source: times.doseSource },
    { name: 'injectionDateTime', value: times.injection === undefined ? null : formatWallClock(times.injection), source: times.injectionSource },
    { name: 'halfLife', value: times.halfLife ?? null, source: times.halfLifeSource },
    { name: 'referenceDateTime', value: series.reference.value === undefined ? null : formatWallClock(series.reference.value), source: series.reference.source ?? `header ${T.seriesDateTime}` },
  ];

  // Quantitative units: activity concentration (Bq/ml) × activityScale.
  let activityScale: number | undefined;
  // Pre-normalised units: the value × base is already SUV of type `preType`, made with the header's inputs.
  let base: number | undefined;
  let preType: SuvType | undefined;
  // Set for GML/CM2ML only: a Philips CNTS value needs its scale factor before it is SUV.
  let storedSuvType: SuvType | undefined;

  const result = (factors: Partial<SuvFactors>, reasons: Partial<Record<SuvType, string>>): SuvResult => {
    const full = { bw: null, lbm: null, lbmJames128: null, lbmJanma: null, bsa: null, ibw: null, ...factors } as SuvFactors;
    const why: Partial<Record<SuvType, string>> = {};
    for (const t of SUV_TYPES) {
      const f = full[t];
      if (f !== null && !(Number.isFinite(f) && f > 0)) {
        // Inputs at the edge of floating point (a weight of 5e-324 kg, a dose of 1e308) make no usable factor.
        full[t] = null;
        why[t] = `the inputs give no usable factor (${f})`;
      } else if (f === null) why[t] = reasons[t] ?? 'not available';
    }
    const out: SuvResult = { units, factors: full, reasons: why, warnings, inputs, rescale: { slope, intercept } };
    if (storedSuvType !== undefined) out.storedSuvType = storedSuvType;
    return out;
  };
  const none = (reason: string) => result({}, Object.fromEntries(SUV_TYPES.map((t) => [t, reason])));

  // Which corrections the values carry.
  const mode = h.decayCorrection === undefined || h.decayCorrection === '' ? 'START' : h.decayCorrection;
  if (h.decayCorrection === undefined || h.decayCorrection === '') warn(`no Decay Correction ${T.decay}: taken as START`);
  if (mode !== 'START' && mode !== 'ADMIN' && mode !== 'NONE') return none(`unknown Decay Correction ${T.decay} "${mode}"`);
  if (h.correctedImage === undefined) warn(`no Corrected Image ${T.corrected}: attenuation and decay correction could not be checked`);
  else {
    if (!h.correctedImage.includes('ATTN')) return none(`not attenuation corrected (Corrected Image ${T.corrected} has no ATTN): values are Bq/ml, not SUV`);
    if (mode !== 'NONE' && !h.correctedImage.includes('DECY')) return none(`Decay Correction is ${mode} but Corrected Image ${T.corrected} has no DECY: the values are not decay corrected as stated`);
    if (mode === 'NONE' && h.correctedImage.includes('DECY')) warn(`Decay Correction is NONE but Corrected Image ${T.corrected} has DECY: treated as not decay corrected`);
  }

  const n = normalisers(body);
  switch (units) {
    case 'BQML':
      activityScale = 1;
      break;
    case 'CNTS':
      if (h.philipsSuvScaleFactor !== undefined && h.philipsSuvScaleFactor > 0) {
        base = h.philipsSuvScaleFactor;
        preType = 'bw';
        if (h.philipsActivityScaleFactor !== undefined && h.philipsActivityScaleFactor > 0) {
          // Cross-check the scanner's SUV factor against ours from its activity factor.
          const ref = series.headerReference;
          const d = decayTerm(mode, h, timeInputs(h, {}, ref, () => {}), ref, () => {});
          if (d.ok && headerBody.weightKg !== undefined) {
            const ours = h.philipsActivityScaleFactor * headerBody.weightKg * 1000 * d.perBq;
            if (Math.abs(ours / base - 1) > 0.02) warn(`Philips SUV Scale Factor (7053,1000) ${base} differs from ${ours.toPrecision(4)} computed from (7053,1009) by more than 2 %`);
          }
        }
      } else if (h.philipsActivityScaleFactor !== undefined && h.philipsActivityScaleFactor > 0) activityScale = h.philipsActivityScaleFactor;
      else return none(`Units CNTS without a Philips SUV Scale Factor (7053,1000) or Activity Concentration Scale Factor (7053,1009): counts are not activity`);
      break;
    case 'GML':
    case 'CM2ML': {
      base = 1;
      const declared = parseSuvType(h.suvType);
      if (units === 'CM2ML') {
        // cm²/ml can only be SUVbsa, whatever SUV Type says.
        preType = 'bsa';
        if (h.suvType && !(declared.ok && declared.type === 'bsa')) warn(`Units CM2ML with SUV Type ${h.suvType}: taken as SUVbsa`);
      } else {
        if (!declared.ok) return none(declared.reason);
        preType = declared.type;
      }
      storedSuvType = preType;
      break;
    }
    case null:
      return none(`no Units ${T.units}`);
    default:
      return none(`Units ${units} ${T.units} are neither activity concentration (BQML, CNTS) nor SUV (GML, CM2ML)`);
  }

  // A GML series made with a sex-specific type but no sex in its header: the conversions are refused (below), so
  // the mean of the male and female normalisers is not used and not worth a note.
  const headerPre = preType === undefined ? undefined : headerNormaliser(preType, h, headerBody);
  if (n.sexMean && body.heightCm !== undefined && !(headerPre && 'sexReason' in headerPre)) {
    warn(`Patient's Sex ${sexValue === null ? 'missing' : `'${sexValue}'`}: lbm, lbmJames128, lbmJanma and ibw use the mean of the male and female factors`);
  }

  const factors: Partial<SuvFactors> = {};
  const reasons: Partial<Record<SuvType, string>> = { ...n.reasons };
  if (activityScale !== undefined) {
    const d = decayTerm(mode, h, times, series.reference, warn);
    for (const t of SUV_TYPES) {
      const nt = n.values[t];
      if (nt === null) continue;
      if (!d.ok) reasons[t] = d.reason;
      else factors[t] = activityScale * nt * d.perBq;
    }
    return result(factors, reasons);
  }

  // Pre-normalised: factor_t = base · N_t(now) / N_pre(header) · D_ref(header) / D_ref(now).
  const pre = preType!;
  const bodyOverridden = o.weightKg !== undefined || o.heightCm !== undefined || o.sex !== undefined;
  const timeOverridden = o.doseBq !== undefined || o.injectionDateTime !== undefined || o.halfLifeS !== undefined || o.referenceDateTime !== undefined;
  let timeRatio = 1;
  if (timeOverridden) {
    const now = decayTerm(mode, h, times, series.reference, warn);
    const headerRef = series.headerReference;
    const then = decayTerm(mode, h, timeInputs(h, {}, headerRef, () => {}), headerRef, () => {});
    if (!now.ok) return none(now.reason);
    if (!then.ok) return none(`values are already SUV but the header's own dose/time cannot be read (${then.reason}), so an override cannot be applied`);
    timeRatio = now.perBq / then.perBq;
  }
  // SUV_t = C·N_t/D and the values are C·N_pre/D, so factor_t = N_t/N_pre, with N_pre the header's (what the
  // scanner divided by) and N_t from the inputs now (header or override).
  for (const t of SUV_TYPES) {
    if (t === pre && !bodyOverridden) {
      factors[t] = base! * timeRatio;
      delete reasons[t];
      continue;
    }
    if (!headerPre || !('value' in headerPre)) {
      reasons[t] = `values are SUV${pre}; converting them to ${t} needs the ${pre === 'bsa' ? 'BSA' : 'mass'} they were made with: ${headerPre?.reason ?? 'unknown'}`;
      continue;
    }
    const nt = n.values[t];
    if (nt === null) continue;
    factors[t] = (base! * nt * timeRatio) / headerPre.value;
  }
  return result(factors, reasons);
}

/** The types whose normaliser depends on the patient's sex. */
const SEX_SPECIFIC: ReadonlySet<SuvType> = new Set(['lbm', 'lbmJames128', 'lbmJanma', 'ibw']);

type HeaderNormaliser = { value: number } | { reason: string; sexReason?: true };

/**
 * N_pre from the header alone: the normaliser the stored SUVs were made with. Unlike an SUV computed here, a
 * sex-specific one is not averaged over the sexes when the header has no sex: the scanner used one of them, and
 * which one decides every converted factor (up to ~15 % for LBM).
 */
function headerNormaliser(pre: SuvType, h: SuvHeader, b: Body): HeaderNormaliser {
  if (b.weightKg === undefined) return { reason: h.weight === undefined ? `no patient weight (Patient's Weight ${T.weight})` : `patient weight is ${h.weight}` };
  if (pre === 'bw') return { value: b.weightKg * 1000 };
  if (b.heightCm === undefined) return { reason: b.heightReason ?? 'no patient height' };
  if (SEX_SPECIFIC.has(pre) && b.sex === undefined) {
    return { reason: `Patient's Sex ${T.sex} is ${h.sex ? `'${h.sex}'` : 'missing'} and ${pre} depends on it`, sexReason: true };
  }
  const n = normalisers(b);
  const v = n.values[pre];
  return v === null ? { reason: n.reasons[pre] ?? `no ${pre}` } : { value: v };
}

/** Dose, half-life and injection time, header or override, with the plausibility rules. */
function timeInputs(h: SuvHeader, o: SuvOverrides, reference: Reference, warn: (w: string) => void): TimeInputs {
  const t: TimeInputs = {
    doseSource: o.doseBq !== undefined ? 'override' : `header ${T.dose}`,
    halfLifeSource: o.halfLifeS !== undefined ? 'override' : `header ${T.halfLife}`,
    injectionSource: `header ${T.startDateTime}`,
  };
  let dose = o.doseBq ?? h.dose;
  // No PET dose is under 100 kBq: a value that small was written in MBq (e.g. 368.08).
  if (dose !== undefined && dose > 0 && dose < 1e5) {
    warn(`injected dose ${dose} can only be MBq: taken as ${dose * 1e6} Bq`);
    dose *= 1e6;
  }
  t.dose = dose;
  t.halfLife = o.halfLifeS ?? h.halfLife;
  if (o.injectionDateTime !== undefined) {
    t.injectionSource = 'override';
    t.injection = parseIsoDateTime(o.injectionDateTime);
    if (t.injection === undefined) t.injectionReason = `the injection date/time override "${o.injectionDateTime}" is not a date-time`;
  } else if (h.injectionDateTime !== undefined) {
    t.injection = h.injectionDateTime;
  } else {
    t.injectionSource = `header ${T.startTime}`;
    const time = parseDicomTime(h.injectionTimeText);
    const dayStart = parseDicomDate(h.seriesDate) ?? (h.acquisitionDateTime !== undefined ? Math.floor(h.acquisitionDateTime / SECONDS_PER_DAY) * SECONDS_PER_DAY : undefined);
    if (time === undefined) t.injectionReason = `no injection time (Radiopharmaceutical Start DateTime ${T.startDateTime} or Start Time ${T.startTime})`;
    else if (dayStart === undefined) t.injectionReason = 'Radiopharmaceutical Start Time without a Series Date to put it on';
    else {
      let inj = dayStart + time;
      // Injected late in the evening, scanned after midnight: the series date is the next day.
      const scan = reference.value ?? h.acquisitionDateTime;
      if (scan !== undefined && inj > scan) {
        inj -= SECONDS_PER_DAY;
        warn('Radiopharmaceutical Start Time is after the scan on the series date: the injection was the day before (scan after midnight)');
      }
      t.injection = inj;
    }
  }
  return t;
}

function unreadable(why: string): SuvResult {
  const reasons = Object.fromEntries(SUV_TYPES.map((t) => [t, `unreadable header: ${why}`])) as Record<SuvType, string>;
  return {
    units: null,
    factors: { bw: null, lbm: null, lbmJames128: null, lbmJanma: null, bsa: null, ibw: null },
    reasons,
    warnings: [],
    inputs: [],
    rescale: { slope: 1, intercept: 0 },
  };
}
