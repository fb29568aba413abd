/**
 * Auditable SUV recalculation (issue #7 "Recalculation"): per PET series, the reader's corrections of the SUV
 * inputs (weight, height, sex, injected dose, injection date/time, half-life, reference time), each with its
 * provenance { user, time, field, old → new, reason }.
 *
 * On disk (issue #15), encrypted in `<dataDir>/suv/corrections.enc` (correctionsStore.ts: AES-256-GCM, its key
 * wrapped by the archive's KeyProvider): every series' corrections, oldest first (the latest per field applies),
 * the UID of the RWVM series each is written to, and the history of every accepted correction. A file altered
 * by hand fails authentication and is refused, never applied. The plaintext files of earlier versions
 * (`corrections/<UID>.json`, `audit.jsonl`) are imported at the first open and removed (correctionsMigration.ts).
 * Each save also writes the corrected mapping as a DICOM Real World Value Mapping instance (writeSuvRwvm) into
 * the local store, in one RWVM series per PET series, so it is part of the study (and goes to a PACS with it).
 * Voxels are never touched: the viewer applies the SUV factor as a scale.
 */
import path from 'node:path';
import { getNumber, getPersonName, getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { computeSeriesSuv, parseIsoDateTime, type SuvOverrides, type SuvResult } from '../../../common/suv';
import type { KeyProvider } from '../archive/keyProvider';
import type { InstanceStore } from '../store/instanceStore';
import {
  CORRECTIONS_FILE,
  EncryptedCorrectionsFile,
  loadCorrectionsKey,
  SUV_CORRECTION_FIELDS,
  SuvCorrectionsStoreError,
  type CorrectionsBody,
  type StoredSeries,
  type SuvCorrectionField,
  type SuvCorrectionHistoryEntry,
  type SuvCorrectionRecord,
} from './correctionsStore';
import { findPlaintext, mergePlaintext, removePlaintext } from './correctionsMigration';
import { uuidUid, writeSuvRwvm, type SuvCorrection } from './rwvm';
import { defaultUserName } from '../identity/userName';
import type { SeriesInstanceUid, StudyInstanceUid } from '../../../common/dicom/uid';

export { SUV_CORRECTION_FIELDS, SuvCorrectionsStoreError };
export type { SuvCorrectionField, SuvCorrectionHistoryEntry, SuvCorrectionRecord };

export interface SuvCorrectionsState {
  seriesInstanceUid: string;
  corrections: SuvCorrectionRecord[];
  /** The latest correction of each field, as computeSeriesSuv's overrides. */
  overrides: SuvOverrides;
}

export interface SaveCorrectionRequest {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  field: string;
  value: number | string;
  reason: string;
}

export interface SaveCorrectionResult extends SuvCorrectionsState {
  /** The RWVM instance written for this save; absent when no SUVbw could be had to map (the reason in rwvmNote). */
  rwvmSopInstanceUid?: string;
  rwvmNote?: string;
}

/** A refused correction (an unknown field, an impossible value, no reason): the caller's mistake. */
export class SuvCorrectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuvCorrectionError';
  }
}

/** The PET series is not in the local store. */
export class SuvSeriesNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuvSeriesNotFoundError';
  }
}

/** One series as the RWVM writer needs it. */
interface SeriesFile extends StoredSeries {
  seriesInstanceUid: string;
}

export interface SuvCorrectionsOptions {
  dataDir: string;
  store: InstanceStore;
  /** Wraps the corrections' key: the data folder's provider (the one the archive's key is wrapped by). */
  keyProvider: KeyProvider;
  /** Where the import of plaintext files from an earlier version is reported (one line, no patient data). */
  log?: (message: string) => void;
  /** Who corrects (a configured name); default DOKUEI_USER, else the OS user name. */
  user?: string;
  now?: () => Date;
  /**
   * Told of each accepted correction, once it is durable (the audit trail records it): the PET series' first
   * header (patient, study) and whether it is the series' first correction. Must not throw.
   */
  onCorrection?: (accepted: SuvCorrectionHistoryEntry, about: { header: DicomJsonDataset; created: boolean }) => void;
}

const UID = /^[0-9]+(\.[0-9]+)*$/;
const MAX_REASON = 1000;

/** The latest value of each field, as overrides (later corrections win). */
export function overridesOf(corrections: readonly SuvCorrectionRecord[]): SuvOverrides {
  const o: SuvOverrides = {};
  for (const c of corrections) {
    const v = c.newValue;
    switch (c.field) {
      case 'weight':
        o.weightKg = Number(v);
        break;
      case 'height':
        o.heightCm = Number(v);
        break;
      case 'sex':
        o.sex = v as 'M' | 'F' | 'O';
        break;
      case 'dose':
        o.doseBq = Number(v);
        break;
      case 'injectionDateTime':
        o.injectionDateTime = String(v);
        break;
      case 'halfLife':
        o.halfLifeS = Number(v);
        break;
      case 'referenceDateTime':
        o.referenceDateTime = String(v);
        break;
    }
  }
  return o;
}

const NUMERIC: Partial<Record<SuvCorrectionField, { unit: string; max: number }>> = {
  weight: { unit: 'kg', max: 1000 },
  height: { unit: 'cm', max: 300 },
  dose: { unit: 'Bq', max: 1e12 },
  halfLife: { unit: 's', max: 1e9 },
};

/** The value as saved, or SuvCorrectionError with the reason it cannot be. */
export function checkCorrection(field: string, value: unknown, reason: unknown): { field: SuvCorrectionField; value: number | string; reason: string } {
  if (!(SUV_CORRECTION_FIELDS as readonly string[]).includes(field)) {
    throw new SuvCorrectionError(`"${field}" is not an SUV input that can be corrected (one of ${SUV_CORRECTION_FIELDS.join(', ')})`);
  }
  const f = field as SuvCorrectionField;
  const why = typeof reason === 'string' ? reason.trim() : '';
  if (!why) throw new SuvCorrectionError('A correction needs a reason');
  if (why.length > MAX_REASON) throw new SuvCorrectionError(`The reason is longer than ${MAX_REASON} characters`);
  const numeric = NUMERIC[f];
  if (numeric) {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(n)) throw new SuvCorrectionError(`The ${f} must be a number (${numeric.unit})`);
    if (n <= 0) throw new SuvCorrectionError(`The ${f} must be more than 0 ${numeric.unit} (got ${n})`);
    if (n > numeric.max) throw new SuvCorrectionError(`The ${f} must be at most ${numeric.max} ${numeric.unit} (got ${n})`);
    return { field: f, value: n, reason: why };
  }
  if (f === 'sex') {
    const s = typeof value === 'string' ? value.trim().toUpperCase() : '';
    if (s !== 'M' && s !== 'F' && s !== 'O') throw new SuvCorrectionError('The sex must be M, F or O');
    return { field: f, value: s, reason: why };
  }
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text || parseIsoDateTime(text) === undefined) throw new SuvCorrectionError(`The ${f} must be a date-time such as 2024-03-01T09:30:00 (got "${String(value)}")`);
  return { field: f, value: text, reason: why };
}

export class SuvCorrections {
  private readonly suvDir: string;
  private readonly user: string;
  private readonly now: () => Date;
  private queue: Promise<unknown> = Promise.resolve();
  /** The key loaded and the plaintext of earlier versions imported, once it has succeeded (a failure is tried again). */
  private opened: Promise<EncryptedCorrectionsFile> | undefined;

  constructor(private readonly options: SuvCorrectionsOptions) {
    this.suvDir = path.join(options.dataDir, 'suv');
    this.user = options.user?.trim() || defaultUserName();
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Constructs and opens at once, so that a start-up imports the plaintext of an earlier version and finds an
   * altered file before anyone opens a PET series. An error here (an altered file, a lost key) is the one every
   * later call throws until the cause is gone (a file restored from a backup): the caller can report it and still start.
   */
  static async open(options: SuvCorrectionsOptions): Promise<SuvCorrections> {
    const c = new SuvCorrections(options);
    await c.ready();
    return c;
  }

  /** The encrypted file (`<dataDir>/suv/corrections.enc`). */
  get file(): string {
    return path.join(this.suvDir, CORRECTIONS_FILE);
  }

  /** Throws the reason the store cannot be used, if any (see open). */
  async ready(): Promise<void> {
    await this.store();
  }

  private store(): Promise<EncryptedCorrectionsFile> {
    // Not kept when it fails: a restored file or a keychain that comes back works without a restart.
    this.opened ??= this.openStore().catch((err: unknown) => {
      this.opened = undefined;
      throw err;
    });
    return this.opened;
  }

  private async openStore(): Promise<EncryptedCorrectionsFile> {
    const key = await loadCorrectionsKey(this.suvDir, this.options.keyProvider);
    const file = new EncryptedCorrectionsFile(this.file, key);
    await file.removeTempFiles();
    // Read (and so authenticate) before importing: the plaintext is removed only once merged into a good file.
    const body = await file.read();
    const found = await findPlaintext(this.suvDir);
    if (!found) return file;
    const merged = mergePlaintext(body, found);
    if (merged.seriesImported || merged.historyImported || (merged.body.unreadableImports?.length ?? 0) !== (body.unreadableImports?.length ?? 0)) await file.write(merged.body);
    await removePlaintext(this.suvDir, found);
    const parts = [
      `Moved the plaintext SUV corrections of an earlier version into the encrypted store ${file.file}: ${merged.seriesImported} series, ${merged.historyImported} history line(s); the plaintext files were removed.`,
      ...(merged.mismatched ? [`${merged.mismatched} series had corrections that differ from their audit lines (edited by hand?): imported as they applied, flagged, and both versions kept.`] : []),
      ...(found.audit?.unreadable.length ? [`${found.audit.unreadable.length} unreadable audit line(s) kept verbatim in the encrypted store.`] : []),
      ...(found.unreadable.length ? [`${found.unreadable.length} damaged plaintext corrections file(s) could not be imported and were left in ${path.join(this.suvDir, 'corrections')}.`] : []),
    ];
    this.options.log?.(parts.join(' '));
    return file;
  }

  private uidOf(uid: string): string {
    if (!UID.test(uid) || uid.length > 64) throw new SuvCorrectionError(`Not a DICOM UID: "${uid}"`);
    return uid;
  }

  private async read(): Promise<CorrectionsBody> {
    return (await this.store()).read();
  }

  async get(seriesInstanceUid: string): Promise<SuvCorrectionsState> {
    this.uidOf(seriesInstanceUid);
    const corrections = (await this.read()).series[seriesInstanceUid]?.corrections ?? [];
    return { seriesInstanceUid, corrections, overrides: overridesOf(corrections) };
  }

  /** Every accepted correction, in the order accepted (of one series when given): the history audit.jsonl held in clear. */
  async history(seriesInstanceUid?: string): Promise<SuvCorrectionHistoryEntry[]> {
    const all = (await this.read()).history;
    return seriesInstanceUid === undefined ? all : all.filter((h) => h.seriesInstanceUid === seriesInstanceUid);
  }

  /** Saves one correction (serialised with other saves), records it in the history and writes the RWVM instance. */
  save(req: SaveCorrectionRequest): Promise<SaveCorrectionResult> {
    const run = this.queue.then(() => this.saveNow(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async saveNow(req: SaveCorrectionRequest): Promise<SaveCorrectionResult> {
    const checked = checkCorrection(req.field, req.value, req.reason);
    this.uidOf(req.seriesInstanceUid);
    if (!UID.test(req.studyInstanceUid)) throw new SuvCorrectionError(`Not a DICOM UID: "${req.studyInstanceUid}"`);
    const instances = this.options.store.instances(req.studyInstanceUid as StudyInstanceUid, req.seriesInstanceUid as SeriesInstanceUid);
    if (!instances || instances.length === 0) throw new SuvSeriesNotFoundError(`The PET series ${req.seriesInstanceUid} is not in the local store`);
    // Read afresh (another instance over the same folder may have saved); an altered file throws here, before anything is written.
    const store = await this.store();
    const body = await store.read();
    const stored: StoredSeries = body.series[req.seriesInstanceUid] ?? { studyInstanceUid: req.studyInstanceUid, corrections: [] };
    const before = computeSeriesSuv(instances, overridesOf(stored.corrections));
    const oldValue = before[0]?.inputs.find((i) => i.name === checked.field)?.value ?? null;
    const record: SuvCorrectionRecord = { field: checked.field, oldValue, newValue: checked.value, user: this.user, time: this.now().toISOString(), reason: checked.reason };
    const nextStored: StoredSeries = { ...stored, corrections: [...stored.corrections, record], rwvmSeriesInstanceUid: stored.rwvmSeriesInstanceUid ?? uuidUid() };
    const next: SeriesFile = { ...nextStored, seriesInstanceUid: req.seriesInstanceUid };
    const overrides = overridesOf(next.corrections);
    const after = computeSeriesSuv(instances, overrides);

    // The mapping first: a save that cannot be written to the store is not half-done on disk.
    let rwvmSopInstanceUid: string | undefined;
    let rwvmNote: string | undefined;
    const usable = after.every((r) => r.factors.bw !== null && r.factors.bw > 0);
    if (usable) {
      rwvmSopInstanceUid = uuidUid();
      const bytes = this.rwvm(instances, after, next, rwvmSopInstanceUid);
      await this.options.store.put(bytes);
    } else {
      rwvmNote = `No RWVM instance written: ${after.find((r) => r.factors.bw === null)?.reasons.bw ?? 'no SUVbw'}`;
    }
    const accepted: SuvCorrectionHistoryEntry = {
      kind: 'suv-correction',
      studyInstanceUid: req.studyInstanceUid,
      seriesInstanceUid: req.seriesInstanceUid,
      ...record,
      ...(rwvmSopInstanceUid ? { rwvmSopInstanceUid } : {}),
    };
    // The series' new state and its history line in one atomic write: they cannot disagree after a crash.
    await store.write({ ...body, series: { ...body.series, [req.seriesInstanceUid]: nextStored }, history: [...body.history, accepted] });
    // ── The correction is accepted here, and only here: it is durable in the encrypted store. The audit sink
    //    (issue #15) hooks in at this point with `accepted`; nothing before this line may report it as saved.
    this.options.onCorrection?.(accepted, { header: instances[0]!, created: stored.corrections.length === 0 });
    return {
      seriesInstanceUid: req.seriesInstanceUid,
      corrections: next.corrections,
      overrides,
      ...(rwvmSopInstanceUid ? { rwvmSopInstanceUid } : {}),
      ...(rwvmNote ? { rwvmNote } : {}),
    };
  }

  private rwvm(instances: DicomJsonDataset[], results: SuvResult[], file: SeriesFile, sopInstanceUid: string): Uint8Array {
    const first = instances[0]!;
    const corrections: SuvCorrection[] = file.corrections.map((c) => ({ input: c.field, oldValue: c.oldValue, newValue: c.newValue, user: c.user, at: c.time, reason: c.reason }));
    const pr = getNumber(first, '00280103');
    return writeSuvRwvm({
      patient: {
        ...(getPersonName(first, '00100010') ? { name: getPersonName(first, '00100010')! } : {}),
        ...(getString(first, '00100020') !== undefined ? { id: getString(first, '00100020')! } : {}),
        ...(getString(first, '00100030') !== undefined ? { birthDate: getString(first, '00100030')! } : {}),
        ...(getString(first, '00100040') !== undefined ? { sex: getString(first, '00100040')! } : {}),
      },
      study: {
        studyInstanceUid: file.studyInstanceUid,
        ...(getString(first, '00080020') !== undefined ? { studyDate: getString(first, '00080020')! } : {}),
        ...(getString(first, '00080030') !== undefined ? { studyTime: getString(first, '00080030')! } : {}),
        ...(getString(first, '00200010') !== undefined ? { studyId: getString(first, '00200010')! } : {}),
        ...(getString(first, '00080050') !== undefined ? { accessionNumber: getString(first, '00080050')! } : {}),
      },
      petSeries: {
        seriesInstanceUid: file.seriesInstanceUid,
        instances: instances.map((ds, i) => ({
          sopInstanceUid: getString(ds, '00080018') ?? '',
          ...(getString(ds, '00080016') ? { sopClassUid: getString(ds, '00080016')! } : {}),
          factor: results[i]!.factors.bw!,
          rescaleSlope: results[i]!.rescale.slope,
          rescaleIntercept: results[i]!.rescale.intercept,
        })),
      },
      suvType: 'bw',
      ...(pr === 0 || pr === 1 ? { pixelRepresentation: pr } : {}),
      corrections,
      ...(getString(first, '00180015') ? { bodyPartExamined: getString(first, '00180015')! } : {}),
      seriesInstanceUid: file.rwvmSeriesInstanceUid!,
      sopInstanceUid,
      seriesNumber: 9900 + (getNumber(first, '00200011') ?? 0) % 100,
      now: this.now(),
    });
  }
}
