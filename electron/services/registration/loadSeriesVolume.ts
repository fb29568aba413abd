/**
 * One series of DICOM files in a folder → a registration Volume (common/registration) in patient mm, for the CLI
 * (`dokuei register`) and the tests. Node only.
 *
 * - Headers are read with our own reader (dicom/datasetJson.ts), pixels with the codecs behind `dokuei inspect`
 *   (dicom/pixelDecode), so every transfer syntax the viewer shows can be registered.
 * - Slices are ordered and checked by common/volume/geometry.ts: when it refuses (4D series, mixed orientations,
 *   slices not on one line, …) so do we, with its reason. Uneven spacing is refused too (no resampling here);
 *   missing slices (gaps of k × the usual spacing) are filled by linear interpolation between their neighbours.
 * - Values are modality values (Rescale Slope/Intercept applied), as Float32.
 * - A folder may hold several series: pick one with `series` (its Series Instance UID, or a case-insensitive part
 *   of its Series Description); with none given, a folder of several series is refused with the list.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { analyzeSeriesGeometry } from '../../../common/volume/geometry';
import type { Volume } from '../../../common/registration';
import { part10ToDicomJson } from '../dicom/datasetJson';
import { decodedFrames, frameRescale, pixelModuleOf, type NativeArray } from '../dicom/pixelDecode/frames';

/** The folder cannot give a volume; the message says why (and, for an ambiguous folder, lists the series). */
export class SeriesVolumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeriesVolumeError';
  }
}

export interface SeriesSummary {
  seriesInstanceUid: string;
  description: string;
  modality: string;
  /** Files of the series in the folder. */
  instances: number;
}

export interface LoadedSeries {
  volume: Volume;
  series: SeriesSummary;
  /** Geometry warnings (missing slices filled, duplicates dropped, tilt, …). */
  warnings: string[];
  /** Files in the folder that are not DICOM Part 10 (skipped). */
  skippedFiles: number;
}

export interface LoadSeriesOptions {
  /** Series Instance UID, or a case-insensitive part of the Series Description. */
  series?: string;
  signal?: AbortSignal;
}

interface HeaderEntry {
  file: string;
  dataset: DicomJsonDataset;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await fs.readdir(d, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

async function readHeaders(dir: string, signal?: AbortSignal): Promise<{ entries: HeaderEntry[]; skipped: number }> {
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch {
    throw new SeriesVolumeError(`${dir}: no such folder.`);
  }
  if (!stat.isDirectory()) throw new SeriesVolumeError(`${dir} is not a folder (give the folder that holds the series' files).`);
  const entries: HeaderEntry[] = [];
  let skipped = 0;
  for (const file of await listFiles(dir)) {
    signal?.throwIfAborted();
    try {
      const { dataset } = part10ToDicomJson(await fs.readFile(file));
      entries.push({ file, dataset });
    } catch {
      skipped++;
    }
  }
  return { entries, skipped };
}

function summarize(entries: readonly HeaderEntry[]): SeriesSummary[] {
  const byUid = new Map<string, SeriesSummary>();
  for (const { dataset } of entries) {
    const uid = getString(dataset, Tag.SeriesInstanceUID)?.trim() ?? '';
    const s = byUid.get(uid) ?? { seriesInstanceUid: uid, description: getString(dataset, Tag.SeriesDescription)?.trim() ?? '', modality: getString(dataset, Tag.Modality)?.trim() ?? '', instances: 0 };
    s.instances++;
    byUid.set(uid, s);
  }
  return [...byUid.values()];
}

const describe = (s: SeriesSummary) => `"${s.description || '(no description)'}" (${s.modality || '?'}, ${s.instances} files, ${s.seriesInstanceUid})`;

/** The series in a folder (Series Instance UID, description, modality, file count). */
export async function listSeries(dir: string): Promise<SeriesSummary[]> {
  return summarize((await readHeaders(dir)).entries);
}

/** The one series `selector` names among `all` (see LoadSeriesOptions.series); throws with the candidates. */
export function pickSeries(all: readonly SeriesSummary[], selector: string | undefined, dir: string): SeriesSummary {
  if (all.length === 0) throw new SeriesVolumeError(`${dir} holds no DICOM images.`);
  if (!selector) {
    if (all.length === 1) return all[0]!;
    throw new SeriesVolumeError(`${dir} holds ${all.length} series; pick one (DIR#DESCRIPTION or --fixed-series/--moving-series): ${all.map(describe).join('; ')}.`);
  }
  const byUid = all.find((s) => s.seriesInstanceUid === selector.trim());
  if (byUid) return byUid;
  const needle = selector.trim().toLowerCase();
  const exact = all.filter((s) => s.description.toLowerCase() === needle);
  if (exact.length === 1) return exact[0]!;
  const matches = all.filter((s) => s.description.toLowerCase().includes(needle));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new SeriesVolumeError(`No series in ${dir} matches "${selector}": ${all.map(describe).join('; ')}.`);
  throw new SeriesVolumeError(`"${selector}" matches ${matches.length} series in ${dir}; be more specific: ${matches.map(describe).join('; ')}.`);
}

/**
 * `DIR` or `DIR#SERIES` (the part after the last '#' picks the series, see LoadSeriesOptions.series). A path that
 * exists as written is taken whole, so a folder whose name holds '#' still works.
 */
export async function parseSeriesArgument(arg: string): Promise<{ dir: string; series?: string }> {
  const hash = arg.lastIndexOf('#');
  if (hash < 0) return { dir: arg };
  try {
    await fs.stat(arg);
    return { dir: arg };
  } catch {
    const series = arg.slice(hash + 1);
    return series ? { dir: arg.slice(0, hash), series } : { dir: arg.slice(0, hash) };
  }
}

/** Loads one series of `dir` as a volume. Throws SeriesVolumeError with a reason a user can act on. */
export async function loadSeriesVolume(dir: string, options: LoadSeriesOptions = {}): Promise<LoadedSeries> {
  const { entries, skipped } = await readHeaders(dir, options.signal);
  const series = pickSeries(summarize(entries), options.series, dir);
  const chosen = entries.filter((e) => (getString(e.dataset, Tag.SeriesInstanceUID)?.trim() ?? '') === series.seriesInstanceUid);
  const fileOf = new Map<DicomJsonDataset, string>(chosen.map((e) => [e.dataset, e.file]));
  const geometry = analyzeSeriesGeometry(chosen.map((e) => e.dataset));
  const name = `Series ${describe(series)}`;
  if (!geometry.ok) throw new SeriesVolumeError(`${name}: ${geometry.refusal ?? 'no volume can be built.'}`);
  if (geometry.nonUniform) throw new SeriesVolumeError(`${name}: the slices are unevenly spaced; registration needs a regular grid.`);
  const orientation = geometry.orientation;
  if (!orientation) throw new SeriesVolumeError(`${name}: no Image Orientation (Patient).`);
  const { rows, columns, slices } = geometry;
  const sliceSpacing = geometry.spacing.slice;
  if (!(sliceSpacing > 0)) throw new SeriesVolumeError(`${name}: the slice spacing is unknown.`);

  // Index of each slice along k: the gaps of k × the usual spacing leave room for the missing slices.
  const d0 = slices[0]!.distance;
  const kOf = slices.map((s) => Math.round((s.distance - d0) / sliceSpacing));
  const nz = kOf[kOf.length - 1]! + 1;
  if (nz > 4 * slices.length) throw new SeriesVolumeError(`${name}: the slices are too sparse for a volume (${slices.length} slices over ${nz} positions).`);
  const first = slices[0]!.position;
  const last = slices[slices.length - 1]!.position;
  const stepVec = [0, 1, 2].map((a) => (last[a]! - first[a]!) / (nz - 1));
  const stepLen = Math.hypot(stepVec[0]!, stepVec[1]!, stepVec[2]!);
  const kDir = stepVec.map((x) => x / stepLen);

  const sliceSize = rows * columns;
  const data = new Float32Array(sliceSize * nz);
  const filled = new Uint8Array(nz);
  // Decode each file once (a multi-frame file gives several slices).
  const cache = new Map<string, { frames: NativeArray[] }>();
  for (let s = 0; s < slices.length; s++) {
    options.signal?.throwIfAborted();
    const slice = slices[s]!;
    const file = fileOf.get(slice.instance);
    if (!file) throw new SeriesVolumeError(`${name}: internal error (slice without a file).`);
    let decoded = cache.get(file);
    if (!decoded) {
      const pixel = pixelModuleOf(slice.instance);
      if (typeof pixel === 'string') throw new SeriesVolumeError(`${path.basename(file)}: ${pixel}.`);
      if (pixel.samplesPerPixel !== 1) throw new SeriesVolumeError(`${path.basename(file)}: a colour image (${pixel.samplesPerPixel} samples per pixel) cannot be registered.`);
      const frames: NativeArray[] = [];
      try {
        for await (const f of decodedFrames(await fs.readFile(file), pixel)) frames.push(f);
      } catch (err) {
        throw new SeriesVolumeError(`${path.basename(file)}: ${err instanceof Error ? err.message : String(err)}`);
      }
      decoded = { frames };
      if (slices.every((x) => !x.frame)) cache.clear(); // single-frame files: keep only the current one
      cache.set(file, decoded);
    }
    const frame = decoded.frames[(slice.frame ?? 1) - 1];
    if (!frame || frame.length !== sliceSize) throw new SeriesVolumeError(`${path.basename(file)}: frame ${slice.frame ?? 1} is missing or has the wrong size.`);
    const k = kOf[s]!;
    const base = k * sliceSize;
    // Enhanced objects carry each frame's rescale in the functional groups (the top level may be absent or a decoy).
    const { slope, intercept } = frameRescale(slice.instance, (slice.frame ?? 1) - 1);
    for (let i = 0; i < sliceSize; i++) data[base + i] = frame[i]! * slope + intercept;
    filled[k] = 1;
  }
  // Missing slices: linear interpolation between the nearest slices on each side.
  for (let k = 0; k < nz; k++) {
    if (filled[k]) continue;
    let a = k - 1;
    while (!filled[a]) a--;
    let b = k + 1;
    while (!filled[b]) b++;
    const w = (k - a) / (b - a);
    const da = data.subarray(a * sliceSize, (a + 1) * sliceSize);
    const db = data.subarray(b * sliceSize, (b + 1) * sliceSize);
    const dk = data.subarray(k * sliceSize, (k + 1) * sliceSize);
    for (let i = 0; i < sliceSize; i++) dk[i] = da[i]! + w * (db[i]! - da[i]!);
  }

  const [row, col] = orientation;
  const volume: Volume = {
    dims: [columns, rows, nz],
    spacing: [geometry.spacing.column, geometry.spacing.row, stepLen],
    origin: [first[0], first[1], first[2]],
    // Columns: row cosine (i), column cosine (j), slice direction (k).
    direction: [row[0], col[0], kDir[0]!, row[1], col[1], kDir[1]!, row[2], col[2], kDir[2]!],
    data,
  };
  return { volume, series, warnings: geometry.warnings, skippedFiles: skipped };
}
