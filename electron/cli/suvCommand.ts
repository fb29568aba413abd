/**
 * `dokuei suv FILES_OR_DIRS... [--weight KG] [--height CM] [--sex M|F|O] [--dose BQ] [--injection ISO_DATETIME]
 * [--half-life S] [--seg SEG_FILE] [--json]`: the SUV factors of each PET instance (common/suv, the same engine as the viewer), with
 * the reason for each factor that cannot be had and the warnings a reader should see.
 *
 * --json prints an array, one object per instance, in file order:
 *   { file, sopInstanceUID, units, factors: { bw, lbm, lbmJames128, lbmJanma, bsa, ibw }, reasons: { <type>: why },
 *     warnings: [...], inputs: [{ name, value, source }], rescale: { slope, intercept }, storedSuvType }
 * (a file that cannot be read: { file, error }). SUV = (stored × slope + intercept) × factor. storedSuvType is the
 * SUV type the values already are (Units GML with its SUV Type (0054,1006), CM2ML: that factor is 1), else null.
 * The shape is an interface: extend, never rename.
 * --seg SEG_FILE appends one more object, the SEG's: { file, sopInstanceUID, referencedSeriesInstanceUID,
 *   segments: [{ segmentNumber, label, voxels, volumeMl, suvbw: { max, mean, peak }, reason? }], warnings }
 * (or { file, error }): SUVbw inside each segment, on the PET volume loaded from the folders given.
 * Instances are grouped by Series Instance UID, since the reference time is a series-level value.
 * Exit codes: 0 every file read (a null factor is an answer, not a failure), 1 some file unreadable, 2 usage error.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { computeSeriesSuv, parseIsoDateTime, SUV_TYPES, type SuvOverrides, type SuvResult, type SuvType } from '../../common/suv';
import { getString, type DicomJsonDataset } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import { part10ToDicomJson } from '../services/dicom/datasetJson';
import { CliUsageError, type CliIo } from './pacsCommands';
import { segErrorText, segLine, type SegLine } from './suvSegments';
import { says, type Says } from '../../common/i18n/says';
import { saysOf } from '../../common/ipc/errors';
import { reasonSays } from '../services/store/reasonSays';
import { cliSaysText, ct, helpEntry } from './i18n/cliText';
import { instancesAccessed } from '../../common/audit/builders';
import { patientRefOf, SopClassTally, studyRefOf } from '../../common/audit/refs';
import type { AuditSink } from '../services/audit/auditSink';

/** The suv lines of `dokuei --help`, in the reader's language (built when printed). */
export function suvUsage(): string {
  const synopsis = ['  dokuei suv FILE_OR_DIR... [--weight KG] [--height CM] [--sex M|F|O] [--dose BQ]', '             [--injection ISO_DATETIME] [--half-life S] [--seg SEG_FILE] [--json]'].join('\n');
  return helpEntry(synopsis, 'suv.usage');
}

export interface SuvCommandOptions {
  weight?: string;
  height?: string;
  sex?: string;
  dose?: string;
  injection?: string;
  'half-life'?: string;
  /** A DICOM SEG of the PET: adds one line with SUVbw statistics per segment. */
  seg?: string;
}

export type SuvLine =
  | ({ file: string; sopInstanceUID: string | null } & Omit<SuvResult, 'storedSuvType'> & { storedSuvType: SuvType | null })
  | { file: string; error: string };

/**
 * The key of a line's error, for the listing in the reader's language: the line keeps the English sentence (it is
 * the --json interface, never translated), the key rides beside it here.
 */
const errorSays = new WeakMap<SuvLine, Says>();

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new CliUsageError(ct('suv.positive', { name, text }));
  return n;
}

export function suvOverrides(o: SuvCommandOptions): SuvOverrides {
  const out: SuvOverrides = {};
  const weight = positive('weight', o.weight);
  const height = positive('height', o.height);
  const dose = positive('dose', o.dose);
  const halfLife = positive('half-life', o['half-life']);
  if (weight !== undefined) out.weightKg = weight;
  if (height !== undefined) out.heightCm = height;
  if (dose !== undefined) out.doseBq = dose;
  if (halfLife !== undefined) out.halfLifeS = halfLife;
  if (o.sex !== undefined) {
    const s = o.sex.trim().toUpperCase();
    if (s !== 'M' && s !== 'F' && s !== 'O') throw new CliUsageError(ct('suv.badSex', { text: o.sex }));
    out.sex = s;
  }
  if (o.injection !== undefined) {
    if (parseIsoDateTime(o.injection) === undefined) throw new CliUsageError(ct('suv.badInjection', { text: o.injection }));
    out.injectionDateTime = o.injection;
  }
  return out;
}

/** Files given, and every file under the folders given (sorted); `explicit` files report their read errors. */
async function collect(paths: string[]): Promise<{ file: string; explicit: boolean }[]> {
  const out: { file: string; explicit: boolean }[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push({ file: p, explicit: false });
    }
  };
  for (const p of paths) {
    const s = await stat(p).catch(() => undefined);
    if (s?.isDirectory()) await walk(p);
    else out.push({ file: p, explicit: true });
  }
  return out;
}

export interface SuvInstance {
  dataset: DicomJsonDataset;
  result: SuvResult;
}

export async function suvLines(paths: string[], overrides: SuvOverrides): Promise<{ lines: SuvLine[]; skipped: number; instances: SuvInstance[] }> {
  const read: { file: string; dataset?: unknown; error?: string; says?: Says }[] = [];
  let skipped = 0;
  for (const { file, explicit } of await collect(paths)) {
    try {
      read.push({ file, dataset: part10ToDicomJson(new Uint8Array(await readFile(file))).dataset });
    } catch (err) {
      const code = (err as { code?: string }).code;
      const message = code === 'ENOENT' ? 'No such file' : err instanceof Error ? err.message : String(err);
      const said = code === 'ENOENT' ? says('suv.noSuchFile') : (saysOf(err) ?? reasonSays(message));
      if (explicit) read.push({ file, error: message, ...(said ? { says: said } : {}) });
      else skipped++; // a non-DICOM file inside a folder (a MANIFEST, a DICOMDIR's neighbours)
    }
  }
  // One engine call per series: the reference time may depend on the earliest acquisition of all of them.
  const bySeries = new Map<string, number[]>();
  read.forEach((r, i) => {
    if (r.dataset === undefined) return;
    const key = getString(r.dataset as never, Tag.SeriesInstanceUID) ?? `(no series) ${r.file}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), i]);
  });
  const results = new Map<number, SuvResult>();
  for (const indices of bySeries.values()) {
    const rs = computeSeriesSuv(indices.map((i) => read[i]!.dataset), overrides);
    indices.forEach((i, k) => results.set(i, rs[k]!));
  }
  const lines: SuvLine[] = read.map((r, i) => {
    const res = results.get(i);
    if (!res) {
      const line = { file: r.file, error: r.error ?? 'unreadable' };
      const said = r.error !== undefined ? r.says : says('suv.unreadable');
      if (said) errorSays.set(line, said);
      return line;
    }
    return {
      file: r.file,
      sopInstanceUID: getString(r.dataset as never, Tag.SOPInstanceUID) ?? null,
      units: res.units,
      factors: res.factors,
      reasons: res.reasons,
      warnings: res.warnings,
      inputs: res.inputs,
      rescale: res.rescale,
      // Always present (null for activity units), so a reader of the JSON need not tell "absent" from "not SUV".
      storedSuvType: res.storedSuvType ?? null,
    };
  });
  const instances = [...results].map(([i, result]) => ({ dataset: read[i]!.dataset as DicomJsonDataset, result }));
  return { lines, skipped, instances };
}

/** One DICOM Instances Accessed record (action R) per series whose headers were read. */
export function recordSuvReads(audit: AuditSink | undefined, instances: readonly SuvInstance[]): void {
  if (!audit) return;
  const bySeries = new Map<string, { header: DicomJsonDataset; tally: SopClassTally; count: number }>();
  for (const { dataset } of instances) {
    const series = getString(dataset, Tag.SeriesInstanceUID) ?? '';
    let entry = bySeries.get(series);
    if (!entry) bySeries.set(series, (entry = { header: dataset, tally: new SopClassTally(), count: 0 }));
    entry.tally.add(getString(dataset, Tag.SOPClassUID)?.trim());
    entry.count++;
  }
  for (const [series, { header, tally, count }] of bySeries) {
    const study = getString(header, Tag.StudyInstanceUID);
    if (!study) continue;
    const what = `SUV computed from ${count} instance(s) of series ${series || '(none)'} read from files`;
    audit.record((ctx) => instancesAccessed(ctx, { action: 'R', study: studyRefOf(study, header, tally.list()), patient: patientRefOf(header), what }));
  }
}

export async function suvCommand(paths: string[], options: SuvCommandOptions, json: boolean, io: CliIo, audit?: AuditSink): Promise<number> {
  if (paths.length === 0) throw new CliUsageError(ct('suv.needsPaths'));
  const overrides = suvOverrides(options);
  const { lines, skipped, instances } = await suvLines(paths, overrides);
  recordSuvReads(audit, instances);
  const seg: SegLine | undefined = options.seg !== undefined ? await segLine(options.seg, paths, instances) : undefined;
  if (json) io.out(JSON.stringify(seg ? [...lines, seg] : lines, null, 2));
  else {
    for (const l of lines) {
      if ('error' in l) {
        io.out(ct('suv.fileError', { file: l.file, error: cliSaysText(errorSays.get(l), l.error) }));
        continue;
      }
      const f = SUV_TYPES.map((t) => `${t} ${l.factors[t] === null ? '—' : l.factors[t]!.toExponential(5)}`).join('  ');
      const stored = l.storedSuvType ? ` (SUV${l.storedSuvType})` : '';
      io.out(`${l.file}: ${l.units ?? ct('suv.noUnits')}${stored}  ${f}`);
      // The reasons and warnings are common/suv's English sentences, as the viewer's SUV panel shows them: not keyed.
      for (const t of SUV_TYPES) if (l.reasons[t]) io.out(`  ${t}: ${l.reasons[t]}`);
      for (const w of l.warnings) io.out(`  ${ct('suv.note', { text: w })}`);
    }
    if (seg) printSegLine(seg, io);
  }
  if (skipped) io.err(`${ct('suv.skipped', { n: skipped })}\n`);
  // The entry calls process.exit as soon as this returns: a pipe still holding a long answer would be cut short.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  return lines.some((l) => 'error' in l) || (seg && 'error' in seg) ? 1 : 0;
}

const fmt = (v: number | null, digits: number): string => (v === null ? '—' : v.toFixed(digits));

function printSegLine(seg: SegLine, io: CliIo): void {
  if ('error' in seg) {
    io.out(ct('suv.fileError', { file: seg.file, error: segErrorText(seg) }));
    return;
  }
  io.out(ct('suv.seg.header', { file: seg.file, series: seg.referencedSeriesInstanceUID }));
  for (const s of seg.segments) {
    const figures = { number: s.segmentNumber, label: s.label, voxels: s.voxels, ml: s.volumeMl.toFixed(2), max: fmt(s.suvbw.max, 2), mean: fmt(s.suvbw.mean, 2), peak: fmt(s.suvbw.peak, 2) };
    // The segment's reason and the SEG's warnings are common/seg's English sentences: not keyed.
    io.out(`  ${s.reason ? ct('suv.seg.segmentWhy', { ...figures, reason: s.reason }) : ct('suv.seg.segment', figures)}`);
  }
  for (const w of seg.warnings) io.out(`  ${ct('suv.note', { text: w })}`);
}
