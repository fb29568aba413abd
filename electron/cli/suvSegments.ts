/**
 * `dokuei suv ... --seg SEG_FILE`: SUVbw statistics inside each segment of a DICOM SEG (issue #7). The PET volume
 * is loaded from the folders given (the series the SEG references), the SEG placed on its grid (common/seg, the
 * same code as the viewer's SUV panel) and each slice's SUVbw factor taken from the instances' own results — so
 * the overrides (--weight …) apply here too.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { getNumbers, getString, type DicomJsonDataset } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import { findPixelData, readSegHeader, segmentSuvStatistics, segToMasks, type SegmentSuvStatistics } from '../../common/seg';
import type { Volume } from '../../common/registration/types';
import type { SuvResult } from '../../common/suv';
import { part10ToDicomJson } from '../services/dicom/datasetJson';
import { loadSeriesVolume } from '../services/registration/loadSeriesVolume';
import { says, type Says } from '../../common/i18n/says';
import { saysOf } from '../../common/ipc/errors';
import { reasonSays } from '../services/store/reasonSays';
import { cliSaysText } from './i18n/cliText';

/** The line the SEG file adds to `dokuei suv --json`'s array (beside the one object per PET instance). */
export type SegLine =
  | { file: string; sopInstanceUID: string | null; referencedSeriesInstanceUID: string; segments: SegmentSuvStatistics[]; warnings: string[] }
  | { file: string; error: string };

/**
 * The key of a line's error, for the listing in the reader's language: the line keeps the English sentence (it is
 * the --json interface, never translated), the key rides beside it here.
 */
const errorSays = new WeakMap<SegLine, Says>();

function failed(file: string, error: string, said: Says | undefined): SegLine {
  const line = { file, error };
  if (said) errorSays.set(line, said);
  return line;
}

/** A read or load error as a line: keyed when the error carries a key or is one of the reading sentences. */
function failedWith(file: string, err: unknown): SegLine {
  const message = err instanceof Error ? err.message : String(err);
  return failed(file, message, saysOf(err) ?? reasonSays(message));
}

/** The error of a line that has one, in the reader's language when it has a key, else as the line has it. */
export function segErrorText(line: SegLine & { error: string }): string {
  return cliSaysText(errorSays.get(line), line.error);
}

/** Slice index (k) of each instance on the volume's grid, by its Image Position (Patient); NaN when unknown. */
export function sliceFactors(volume: Pick<Volume, 'dims' | 'spacing' | 'origin' | 'direction'>, instances: readonly { dataset: DicomJsonDataset; result: SuvResult }[]): Float64Array {
  const nz = volume.dims[2];
  const factors = new Float64Array(nz).fill(NaN);
  const d = volume.direction;
  const normal = [d[3]! * d[7]! - d[6]! * d[4]!, d[6]! * d[1]! - d[0]! * d[7]!, d[0]! * d[4]! - d[3]! * d[1]!];
  const step = volume.spacing[2] * (d[2]! * normal[0]! + d[5]! * normal[1]! + d[8]! * normal[2]!);
  for (const { dataset, result } of instances) {
    const p = getNumbers(dataset, Tag.ImagePositionPatient, 3);
    if (!p) continue;
    const kf = ((p[0]! - volume.origin[0]) * normal[0]! + (p[1]! - volume.origin[1]) * normal[1]! + (p[2]! - volume.origin[2]) * normal[2]!) / step;
    const k = Math.round(kf);
    if (Math.abs(kf - k) < 0.1 && k >= 0 && k < nz) factors[k] = result.factors.bw ?? NaN;
  }
  return factors;
}

async function folderOf(p: string): Promise<string> {
  const s = await stat(p).catch(() => undefined);
  return s?.isDirectory() ? p : path.dirname(p);
}

export async function segLine(segFile: string, paths: readonly string[], instances: readonly { dataset: DicomJsonDataset; result: SuvResult }[]): Promise<SegLine> {
  let bytes: Uint8Array;
  let dataset: DicomJsonDataset;
  try {
    bytes = new Uint8Array(await readFile(segFile));
    dataset = part10ToDicomJson(bytes).dataset;
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'ENOENT' ? failed(segFile, 'No such file', says('suv.noSuchFile')) : failedWith(segFile, err);
  }
  try {
    const header = readSegHeader(dataset);
    const seriesUid = header.referencedSeriesInstanceUids[0];
    if (!seriesUid) return failed(segFile, 'The SEG names no referenced series (Referenced Series Sequence)', says('suv.seg.noSeries'));
    const ofSeries = instances.filter((i) => getString(i.dataset, Tag.SeriesInstanceUID)?.trim() === seriesUid);
    if (!ofSeries.length) return failed(segFile, `The files given hold no instance of the series the SEG segments (${seriesUid})`, says('suv.seg.noInstance', { series: seriesUid }));
    // The volume: from the first folder given that holds the series (a file given stands for its folder).
    let volume: Volume | undefined;
    const failures: string[] = [];
    for (const dir of [...new Set(await Promise.all(paths.map(folderOf)))]) {
      try {
        volume = (await loadSeriesVolume(dir, { series: seriesUid })).volume;
        break;
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
    // The reasons are loadSeriesVolume's English sentences: not keyed.
    if (!volume) return failed(segFile, `The series ${seriesUid} could not be loaded as a volume: ${failures.join('; ')}`, says('suv.seg.noVolume', { series: seriesUid, reasons: failures.join('; ') }));
    const masks = segToMasks(dataset, findPixelData(bytes), volume);
    const segments = segmentSuvStatistics(volume, masks.segments, sliceFactors(volume, ofSeries));
    return { file: segFile, sopInstanceUID: header.sopInstanceUid ?? null, referencedSeriesInstanceUID: seriesUid, segments, warnings: masks.warnings };
  } catch (err) {
    return failedWith(segFile, err);
  }
}
