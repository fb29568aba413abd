/**
 * `dokuei dvh RTDOSE RTSTRUCT [--structure NAME] [--json]`: the dose-volume histogram of each structure of an RT
 * Structure Set on an RT Dose (common/rt: the same engine the viewer uses), beside the DVH the planning system
 * stored in the RT Dose when it did.
 *
 * --json prints an array, one object per structure (in ROI number order; only NAME's with --structure):
 *   { structure, roiNumber, volumeCc, minGy, maxGy, meanGy, D: { "99", "98", "95", "50", "5", "2", "1" } (Gy),
 *     D0_03ccGy, cumulative: [[Gy, cc], …], outsideGridCc, V: { "<Gy>": cc } (with --v),
 *     stored: { type, maxVolumeDifferenceCc, maxVolumeDifferencePercent, atGy, cumulative } | null }
 * and for a structure that cannot be computed { structure, roiNumber, error }. The shape is an interface other
 * tools read: extend, never rename.
 * Exit codes: 0 every structure computed; 1 a file unreadable or a structure not computed; 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { getString, type DicomJsonDataset } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import { closedPlanes, parseStructureSet, type Roi } from '../../common/rt/structureSet';
import { parseDoseGrid, type DoseGrid } from '../../common/rt/doseGrid';
import { computeDvh, DX_LEVELS, volumeAtDose, type Dvh } from '../../common/rt/dvh';
import { compareWithStored, storedDvhs, type StoredComparison, type StoredDvh } from '../../common/rt/storedDvh';

export type { StoredComparison };
import { part10ToDicomJson } from '../services/dicom/datasetJson';
import { decodedFrames, pixelModuleOf } from '../services/dicom/pixelDecode/frames';
import { CliUsageError, type CliIo } from './pacsCommands';
import { instancesAccessed } from '../../common/audit/builders';
import { patientRefOf, SopClassTally, studyRefOf } from '../../common/audit/refs';
import type { AuditSink } from '../services/audit/auditSink';
import { says, type Says } from '../../common/i18n/says';
import { saysOf } from '../../common/ipc/errors';
import { reasonSays } from '../services/store/reasonSays';
import { cliErrorText, cliSaysText, ct, helpEntry } from './i18n/cliText';

/** The dvh lines of `dokuei --help`, in the reader's language (built when printed). */
export function dvhUsage(): string {
  return helpEntry('  dokuei dvh RTDOSE RTSTRUCT [--structure NAME] [--v GY[,GY…]] [--json]', 'dvh.usage');
}

export interface DvhCommandOptions {
  structure?: string;
  v?: string;
}


export type DvhLine =
  | ({ structure: string; roiNumber: number } & Omit<Dvh, 'sampling'> & { V?: Record<string, number>; stored: StoredComparison | null; warnings: string[] })
  | { structure: string; roiNumber: number; error: string };

/**
 * The keys of a line's own sentences, for the listing in the reader's language. The line keeps them in English (it
 * is the --json interface, which is never translated); the keys ride beside it here, not in the JSON. Sentences
 * from common/rt (skipped contours, a failed computation) have no key and are shown as they are.
 */
interface LineWording {
  error?: Says;
  /** By index into the line's warnings. */
  warnings?: (Says | undefined)[];
}
const wordings = new WeakMap<DvhLine, LineWording>();

function worded<L extends DvhLine>(line: L, wording: LineWording): L {
  wordings.set(line, wording);
  return line;
}

/** An error for the terminal: by its key, else by the reading sentences it matches (reasonSays), else as it is. */
function errorText(err: unknown): string {
  if (saysOf(err)) return cliErrorText(err);
  const message = err instanceof Error ? err.message : String(err);
  return cliSaysText(reasonSays(message), message);
}

async function readDataset(file: string, what: string): Promise<{ dataset: DicomJsonDataset; bytes: Uint8Array }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Only ever shown on stderr (dvhCommand below), so worded in the reader's language here.
    throw new Error(code === 'ENOENT' ? ct('dvh.read.noSuchFile', { file }) : ct('dvh.read.failed', { file, reason: errorText(err) }), { cause: err });
  }
  try {
    return { dataset: part10ToDicomJson(bytes).dataset, bytes };
  } catch (err) {
    throw new Error(ct('dvh.read.notDicom', { file, what, reason: errorText(err) }), { cause: err });
  }
}

/** The RT Dose's grid in Gy (every frame decoded). */
export async function readDoseGrid(dataset: DicomJsonDataset, bytes: Uint8Array): Promise<DoseGrid> {
  const pixel = pixelModuleOf(dataset);
  // For the terminal (dvhCommand's stderr, the bench's log): worded in the reader's language.
  if (typeof pixel === 'string') throw new Error(ct('dvh.check.noGrid', { reason: pixel }));
  const values = new Float64Array(pixel.rows * pixel.columns * pixel.numberOfFrames);
  let at = 0;
  for await (const frame of decodedFrames(bytes, pixel)) {
    values.set(frame, at);
    at += frame.length;
  }
  return parseDoseGrid(dataset, values);
}


export function dvhLine(roi: Roi, grid: DoseGrid, stored: StoredDvh | undefined, vLevels: readonly number[]): DvhLine {
  const { planes, skipped } = closedPlanes(roi);
  if (planes.length === 0) {
    const kinds = [...new Set(roi.contours.map((c) => c.type))].join(', ');
    if (roi.contours.length === 0) return worded({ structure: roi.name, roiNumber: roi.number, error: 'the structure has no contours' }, { error: says('dvh.error.noContours') });
    return worded(
      { structure: roi.name, roiNumber: roi.number, error: `the structure has no closed planar contours (only ${kinds}): it encloses no volume` },
      { error: says('dvh.error.noClosed', { kinds }) },
    );
  }
  try {
    const { sampling: _sampling, ...dvh } = computeDvh(planes, grid);
    const warnings = [...skipped];
    const warningSays: (Says | undefined)[] = skipped.map(() => undefined);
    if (dvh.outsideGridCc > 0.0005) {
      const cc = dvh.outsideGridCc.toFixed(3);
      warnings.push(`${cc} cm³ of the structure lies outside the dose grid and counts as 0 Gy.`);
      warningSays.push(says('dvh.warning.outsideGrid', { cc }));
    }
    const line: DvhLine = { structure: roi.name, roiNumber: roi.number, ...dvh, stored: compareWithStored(dvh, stored), warnings };
    if (vLevels.length) line.V = Object.fromEntries(vLevels.map((g) => [String(g), volumeAtDose(dvh.cumulative, g)]));
    return worded(line, { warnings: warningSays });
  } catch (err) {
    const said = saysOf(err);
    return worded({ structure: roi.name, roiNumber: roi.number, error: err instanceof Error ? err.message : String(err) }, said ? { error: said } : {});
  }
}

function vLevelsOf(text: string | undefined): number[] {
  if (text === undefined) return [];
  const levels = text.split(',').map((s) => s.trim().replace(/gy$/i, ''));
  const out = levels.map(Number);
  if (levels.some((s) => s === '') || out.some((n) => !Number.isFinite(n) || n < 0)) throw new CliUsageError(ct('dvh.badV', { text }));
  return out;
}

export async function dvhCommand(args: string[], options: DvhCommandOptions, json: boolean, io: CliIo, audit?: AuditSink): Promise<number> {
  if (args.length !== 2) throw new CliUsageError(ct('dvh.needsFiles'));
  const vLevels = vLevelsOf(options.v);
  let dose: { dataset: DicomJsonDataset; bytes: Uint8Array };
  let struct: { dataset: DicomJsonDataset };
  let grid: DoseGrid;
  try {
    dose = await readDataset(args[0]!, 'RT Dose');
    struct = await readDataset(args[1]!, 'RT Structure Set');
    const doseModality = getString(dose.dataset, Tag.Modality)?.trim();
    const structModality = getString(struct.dataset, Tag.Modality)?.trim();
    if (doseModality === 'RTSTRUCT' && structModality === 'RTDOSE') throw new Error(ct('dvh.check.swapped'));
    if (doseModality !== 'RTDOSE') throw new Error(ct('dvh.check.notDose', { file: args[0]!, modality: doseModality ?? ct('dvh.check.missing') }));
    if (structModality !== 'RTSTRUCT') throw new Error(ct('dvh.check.notStruct', { file: args[1]!, modality: structModality ?? ct('dvh.check.missing') }));
    grid = await readDoseGrid(dose.dataset, dose.bytes);
    if (grid.units !== 'GY') throw new Error(grid.units ? ct('dvh.check.units', { units: grid.units }) : ct('dvh.check.noUnits'));
  } catch (err) {
    io.err(`dokuei dvh: ${errorText(err)}\n`);
    return 1;
  }
  recordDvhRead(audit, dose.dataset, struct.dataset);
  let set;
  try {
    set = parseStructureSet(struct.dataset);
  } catch (err) {
    io.err(`dokuei dvh: ${ct('dvh.read.failed', { file: args[1]!, reason: errorText(err) })}\n`);
    return 1;
  }
  let rois = set.rois;
  if (options.structure !== undefined) {
    const want = options.structure.trim().toLowerCase();
    rois = rois.filter((r) => r.name.toLowerCase() === want);
    if (rois.length === 0) throw new CliUsageError(ct('dvh.noStructure', { name: options.structure, names: set.rois.map((r) => r.name).join(', ') }));
  }
  const warnings = [...set.warnings];
  const doseFor = grid.frameOfReferenceUid;
  const mismatched = rois.filter((r) => r.frameOfReferenceUid && doseFor && r.frameOfReferenceUid !== doseFor);
  // These notes go to stderr only (not into --json): worded in the reader's language here. Those of common/rt have no key.
  if (mismatched.length) warnings.push(ct('dvh.warning.frames'));
  const { dvhs: stored, skipped } = storedDvhs(dose.dataset);
  warnings.push(...skipped);
  const lines = rois.map((roi) => dvhLine(roi, grid, stored.find((s) => s.roiNumber === roi.number), vLevels));
  if (json) io.out(JSON.stringify(lines, null, 2));
  else printLines(lines, io);
  for (const w of warnings) io.err(`${ct('dvh.note', { text: w })}\n`);
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  return lines.some((l) => 'error' in l) ? 1 : 0;
}

function printLines(lines: readonly DvhLine[], io: CliIo): void {
  const f = (v: number) => v.toFixed(2);
  for (const l of lines) {
    const wording = wordings.get(l);
    if ('error' in l) {
      io.out(ct('dvh.line.error', { structure: l.structure, roi: l.roiNumber, error: cliSaysText(wording?.error, l.error) }));
      continue;
    }
    io.out(ct('dvh.line.summary', { structure: l.structure, roi: l.roiNumber, volume: l.volumeCc.toFixed(2), min: f(l.minGy), mean: f(l.meanGy), max: f(l.maxGy), d003: f(l.D0_03ccGy) }));
    io.out(`  ${DX_LEVELS.map((x) => `D${x} ${f(l.D[x])}`).join('  ')} Gy`);
    if (l.V) io.out(`  ${Object.entries(l.V).map(([g, v]) => `V${g}Gy ${v.toFixed(2)} cm³`).join('  ')}`);
    if (l.stored) {
      // The DVH Type (3004,0001) as the file has it; a value the catalogue does not know is shown as it is.
      const type = l.stored.type.toLowerCase();
      const stored = { type: cliSaysText({ key: `dvh.storedType.${type}` }, type), cc: l.stored.maxVolumeDifferenceCc.toFixed(3), percent: l.stored.maxVolumeDifferencePercent.toFixed(2), gy: f(l.stored.atGy) };
      io.out(`  ${ct('dvh.line.stored', stored)}`);
    }
    l.warnings.forEach((w, i) => io.out(`  ${ct('dvh.note', { text: cliSaysText(wording?.warnings?.[i], w) })}`));
  }
}

/** Reading an RT Dose and Structure Set is access to patient data: one record. */
function recordDvhRead(audit: AuditSink | undefined, dose: DicomJsonDataset, struct: DicomJsonDataset): void {
  if (!audit) return;
  const study = getString(dose, Tag.StudyInstanceUID) ?? getString(struct, Tag.StudyInstanceUID);
  if (!study) return;
  const tally = new SopClassTally();
  tally.add(getString(dose, Tag.SOPClassUID)?.trim());
  tally.add(getString(struct, Tag.SOPClassUID)?.trim());
  audit.record((ctx) => instancesAccessed(ctx, { action: 'R', study: studyRefOf(study, dose, tally.list()), patient: patientRefOf(dose), what: 'DVH computed from an RT Dose and an RT Structure Set read from files' }));
}
