/**
 * Auditable SUV recalculation (issue #7 "Recalculation"): per PET series, the reader's corrections of the SUV
 * inputs (weight, height, sex, injected dose, injection date/time, half-life, reference time), each with its
 * provenance { user, time, field, old → new, reason }.
 *
 * On disk, under `<dataDir>/suv/`:
 * - `corrections/<SeriesInstanceUID>.json`: every correction of that series, oldest first (the latest per field
 *   applies), plus the UID of the RWVM series the corrections are written to. Replaced crash-safely: a new file
 *   written and fsynced, renamed into place, the folder fsynced.
 * - `audit.jsonl`: one JSON line per correction of any series, appended and fsynced; never rewritten.
 * Each save also writes the corrected mapping as a DICOM Real World Value Mapping instance (writeSuvRwvm) into
 * the local store, in one RWVM series per PET series, so it is part of the study (and goes to a PACS with it).
 * Voxels are never touched: the viewer applies the SUV factor as a scale.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getNumber, getPersonName, getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { computeSeriesSuv, parseIsoDateTime, type SuvInputName, type SuvOverrides, type SuvResult } from '../../../common/suv';
import { fsyncDir, writeSyncedFile } from '../store/durableFile';
import type { InstanceStore } from '../store/instanceStore';
import { uuidUid, writeSuvRwvm, type SuvCorrection } from './rwvm';
import type { SeriesInstanceUid, StudyInstanceUid } from '../../../common/dicom/uid';

export const SUV_CORRECTION_FIELDS = ['weight', 'height', 'sex', 'dose', 'injectionDateTime', 'halfLife', 'referenceDateTime'] as const satisfies readonly SuvInputName[];
export type SuvCorrectionField = (typeof SUV_CORRECTION_FIELDS)[number];

/** One correction as saved, shown and audited. */
export interface SuvCorrectionRecord {
  field: SuvCorrectionField;
  /** The value that applied before (a header value or an earlier correction); null when there was none. */
  oldValue: number | string | null;
  newValue: number | string;
  user: string;
  /** ISO 8601. */
  time: string;
  reason: string;
}

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

interface SeriesFile {
  version: 1;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  rwvmSeriesInstanceUid?: string;
  corrections: SuvCorrectionRecord[];
}

export interface SuvCorrectionsOptions {
  dataDir: string;
  store: InstanceStore;
  /** Who corrects (a configured name); default DOKUEI_USER, else the OS user name. */
  user?: string;
  now?: () => Date;
}

const UID = /^[0-9]+(\.[0-9]+)*$/;
const MAX_REASON = 1000;

export function defaultUserName(): string {
  const configured = process.env.DOKUEI_USER?.trim();
  if (configured) return configured;
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

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
  private readonly dir: string;
  private readonly auditFile: string;
  private readonly user: string;
  private readonly now: () => Date;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SuvCorrectionsOptions) {
    this.dir = path.join(options.dataDir, 'suv', 'corrections');
    this.auditFile = path.join(options.dataDir, 'suv', 'audit.jsonl');
    this.user = options.user?.trim() || defaultUserName();
    this.now = options.now ?? (() => new Date());
  }

  /** The audit log's path (JSON lines). */
  get auditPath(): string {
    return this.auditFile;
  }

  private fileOf(seriesUid: string): string {
    if (!UID.test(seriesUid) || seriesUid.length > 64) throw new SuvCorrectionError(`Not a DICOM UID: "${seriesUid}"`);
    return path.join(this.dir, `${seriesUid}.json`);
  }

  private async read(seriesUid: string): Promise<SeriesFile | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.fileOf(seriesUid), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = JSON.parse(text) as SeriesFile;
    if (!parsed || !Array.isArray(parsed.corrections)) throw new Error(`The SUV corrections file of ${seriesUid} is damaged`);
    return parsed;
  }

  private async write(file: SeriesFile): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const target = this.fileOf(file.seriesInstanceUid);
    const tmp = `${target}.${randomUUID()}.tmp`;
    await writeSyncedFile(tmp, `${JSON.stringify(file, null, 2)}\n`);
    await fs.rename(tmp, target);
    await fsyncDir(this.dir);
  }

  private async audit(record: object): Promise<void> {
    await fs.mkdir(path.dirname(this.auditFile), { recursive: true });
    const h = await fs.open(this.auditFile, 'a', 0o600);
    try {
      await h.writeFile(`${JSON.stringify(record)}\n`);
      await h.sync();
    } finally {
      await h.close();
    }
  }

  async get(seriesInstanceUid: string): Promise<SuvCorrectionsState> {
    const file = await this.read(seriesInstanceUid);
    const corrections = file?.corrections ?? [];
    return { seriesInstanceUid, corrections, overrides: overridesOf(corrections) };
  }

  /** Saves one correction (serialised with other saves), audits it and writes the RWVM instance. */
  save(req: SaveCorrectionRequest): Promise<SaveCorrectionResult> {
    const run = this.queue.then(() => this.saveNow(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async saveNow(req: SaveCorrectionRequest): Promise<SaveCorrectionResult> {
    const checked = checkCorrection(req.field, req.value, req.reason);
    this.fileOf(req.seriesInstanceUid);
    if (!UID.test(req.studyInstanceUid)) throw new SuvCorrectionError(`Not a DICOM UID: "${req.studyInstanceUid}"`);
    const instances = this.options.store.instances(req.studyInstanceUid as StudyInstanceUid, req.seriesInstanceUid as SeriesInstanceUid);
    if (!instances || instances.length === 0) throw new SuvSeriesNotFoundError(`The PET series ${req.seriesInstanceUid} is not in the local store`);
    const file: SeriesFile = (await this.read(req.seriesInstanceUid)) ?? {
      version: 1,
      studyInstanceUid: req.studyInstanceUid,
      seriesInstanceUid: req.seriesInstanceUid,
      corrections: [],
    };
    const before = computeSeriesSuv(instances, overridesOf(file.corrections));
    const oldValue = before[0]?.inputs.find((i) => i.name === checked.field)?.value ?? null;
    const record: SuvCorrectionRecord = { field: checked.field, oldValue, newValue: checked.value, user: this.user, time: this.now().toISOString(), reason: checked.reason };
    const next: SeriesFile = { ...file, corrections: [...file.corrections, record] };
    next.rwvmSeriesInstanceUid ??= uuidUid();
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
    await this.write(next);
    await this.audit({
      kind: 'suv-correction',
      studyInstanceUid: req.studyInstanceUid,
      seriesInstanceUid: req.seriesInstanceUid,
      ...record,
      ...(rwvmSopInstanceUid ? { rwvmSopInstanceUid } : {}),
    });
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
