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

export const DVH_USAGE = `  dokuei dvh RTDOSE RTSTRUCT [--structure NAME] [--v GY[,GY…]] [--json]
                                          dose-volume histogram of each structure on the dose: volume,
                                          min/mean/max, D99…D1, D0.03cc, V at the doses given, the
                                          curve; compared with the DVH stored in the RT Dose`;

export interface DvhCommandOptions {
  structure?: string;
  v?: string;
}


export type DvhLine =
  | ({ structure: string; roiNumber: number } & Omit<Dvh, 'sampling'> & { V?: Record<string, number>; stored: StoredComparison | null; warnings: string[] })
  | { structure: string; roiNumber: number; error: string };

async function readDataset(file: string, what: string): Promise<{ dataset: DicomJsonDataset; bytes: Uint8Array }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    return { dataset: part10ToDicomJson(bytes).dataset, bytes };
  } catch (err) {
    throw new Error(`${file}: not a DICOM ${what} (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

/** The RT Dose's grid in Gy (every frame decoded). */
export async function readDoseGrid(dataset: DicomJsonDataset, bytes: Uint8Array): Promise<DoseGrid> {
  const pixel = pixelModuleOf(dataset);
  if (typeof pixel === 'string') throw new Error(`the RT Dose has no dose grid: ${pixel}`);
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
    return { structure: roi.name, roiNumber: roi.number, error: roi.contours.length === 0 ? 'the structure has no contours' : `the structure has no closed planar contours (only ${kinds}): it encloses no volume` };
  }
  try {
    const { sampling: _sampling, ...dvh } = computeDvh(planes, grid);
    const warnings = [...skipped];
    if (dvh.outsideGridCc > 0.0005) warnings.push(`${dvh.outsideGridCc.toFixed(3)} cm³ of the structure lies outside the dose grid and counts as 0 Gy.`);
    const line: DvhLine = { structure: roi.name, roiNumber: roi.number, ...dvh, stored: compareWithStored(dvh, stored), warnings };
    if (vLevels.length) line.V = Object.fromEntries(vLevels.map((g) => [String(g), volumeAtDose(dvh.cumulative, g)]));
    return line;
  } catch (err) {
    return { structure: roi.name, roiNumber: roi.number, error: err instanceof Error ? err.message : String(err) };
  }
}

function vLevelsOf(text: string | undefined): number[] {
  if (text === undefined) return [];
  const levels = text.split(',').map((s) => s.trim().replace(/gy$/i, ''));
  const out = levels.map(Number);
  if (levels.some((s) => s === '') || out.some((n) => !Number.isFinite(n) || n < 0)) throw new CliUsageError(`--v needs doses in Gy separated by commas (e.g. 20,30), not "${text}"`);
  return out;
}

export async function dvhCommand(args: string[], options: DvhCommandOptions, json: boolean, io: CliIo, audit?: AuditSink): Promise<number> {
  if (args.length !== 2) throw new CliUsageError('dvh needs an RT Dose file and an RT Structure Set file: dokuei dvh RTDOSE RTSTRUCT');
  const vLevels = vLevelsOf(options.v);
  let dose: { dataset: DicomJsonDataset; bytes: Uint8Array };
  let struct: { dataset: DicomJsonDataset };
  let grid: DoseGrid;
  try {
    dose = await readDataset(args[0]!, 'RT Dose');
    struct = await readDataset(args[1]!, 'RT Structure Set');
    const doseModality = getString(dose.dataset, Tag.Modality)?.trim();
    const structModality = getString(struct.dataset, Tag.Modality)?.trim();
    if (doseModality === 'RTSTRUCT' && structModality === 'RTDOSE') throw new Error('the two files are the other way round: give the RT Dose first, then the RT Structure Set');
    if (doseModality !== 'RTDOSE') throw new Error(`${args[0]}: not an RT Dose (Modality ${doseModality ?? 'missing'})`);
    if (structModality !== 'RTSTRUCT') throw new Error(`${args[1]}: not an RT Structure Set (Modality ${structModality ?? 'missing'})`);
    grid = await readDoseGrid(dose.dataset, dose.bytes);
    if (grid.units !== 'GY') throw new Error(`the dose is in ${grid.units || 'no'} units, not Gy: a DVH in Gy cannot be computed from it`);
  } catch (err) {
    io.err(`dokuei dvh: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  recordDvhRead(audit, dose.dataset, struct.dataset);
  let set;
  try {
    set = parseStructureSet(struct.dataset);
  } catch (err) {
    io.err(`dokuei dvh: ${args[1]}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  let rois = set.rois;
  if (options.structure !== undefined) {
    const want = options.structure.trim().toLowerCase();
    rois = rois.filter((r) => r.name.toLowerCase() === want);
    if (rois.length === 0) throw new CliUsageError(`no structure named "${options.structure}"; the structures are: ${set.rois.map((r) => r.name).join(', ')}`);
  }
  const warnings = [...set.warnings];
  const doseFor = grid.frameOfReferenceUid;
  const mismatched = rois.filter((r) => r.frameOfReferenceUid && doseFor && r.frameOfReferenceUid !== doseFor);
  if (mismatched.length) warnings.push(`The structures and the dose are in different frames of reference: the DVH assumes they share patient coordinates.`);
  const { dvhs: stored, skipped } = storedDvhs(dose.dataset);
  warnings.push(...skipped);
  const lines = rois.map((roi) => dvhLine(roi, grid, stored.find((s) => s.roiNumber === roi.number), vLevels));
  if (json) io.out(JSON.stringify(lines, null, 2));
  else printLines(lines, io);
  for (const w of warnings) io.err(`note: ${w}\n`);
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  return lines.some((l) => 'error' in l) ? 1 : 0;
}

function printLines(lines: readonly DvhLine[], io: CliIo): void {
  const f = (v: number) => v.toFixed(2);
  for (const l of lines) {
    if ('error' in l) {
      io.out(`${l.structure} (ROI ${l.roiNumber}): ERROR ${l.error}`);
      continue;
    }
    io.out(`${l.structure} (ROI ${l.roiNumber}): ${l.volumeCc.toFixed(2)} cm³  min ${f(l.minGy)}  mean ${f(l.meanGy)}  max ${f(l.maxGy)} Gy  D0.03cc ${f(l.D0_03ccGy)} Gy`);
    io.out(`  ${DX_LEVELS.map((x) => `D${x} ${f(l.D[x])}`).join('  ')} Gy`);
    if (l.V) io.out(`  ${Object.entries(l.V).map(([g, v]) => `V${g}Gy ${v.toFixed(2)} cm³`).join('  ')}`);
    if (l.stored) io.out(`  stored DVH (${l.stored.type.toLowerCase()}): largest difference ${l.stored.maxVolumeDifferenceCc.toFixed(3)} cm³ (${l.stored.maxVolumeDifferencePercent.toFixed(2)} %) at ${f(l.stored.atGy)} Gy`);
    for (const w of l.warnings) io.out(`  note: ${w}`);
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
