/**
 * The one place that builds image ids: cornerstone's stock WADO-RS loader ("wadors:" + frame URL)
 * against the data plane, one id per frame.
 */
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import { getNumber, getString } from '../../common/dicom/dicomJson';
import { dicomwebPath } from '../../common/dicom/dicomwebPaths';
import { Tag } from '../../common/dicom/tags';
import { isSafeUid } from '../../common/dicom/uid';

export interface StackEntry {
  imageId: string;
  metadata: DicomJsonDataset;
}

export function frameImageId(baseUrl: string, study: string, series: string, instance: string, frame: number): string {
  for (const uid of [study, series, instance]) if (!isSafeUid(uid)) throw new Error(`Refusing to build an image id from a malformed UID: ${uid}`);
  return `wadors:${baseUrl}${dicomwebPath.frames(study, series, instance, [frame])}`;
}

/** Image ids for already ordered instance metadata; multi-frame instances contribute every frame. */
export function stackEntries(baseUrl: string, orderedInstances: readonly DicomJsonDataset[]): StackEntry[] {
  const out: StackEntry[] = [];
  for (const ds of orderedInstances) {
    const study = getString(ds, Tag.StudyInstanceUID);
    const series = getString(ds, Tag.SeriesInstanceUID);
    const sop = getString(ds, Tag.SOPInstanceUID);
    if (!study || !series || !sop) continue;
    const frames = Math.max(1, getNumber(ds, Tag.NumberOfFrames) ?? 1);
    for (let f = 1; f <= frames; f++) out.push({ imageId: frameImageId(baseUrl, study, series, sop, f), metadata: ds });
  }
  return out;
}

const FRAME_PATH = /\/studies\/[0-9.]+\/series\/[0-9.]+\/instances\/[0-9.]+\/frames\/[0-9]+$/;

/** "/studies/…/frames/n" of an image id or a frame's URL (a series stream's Content-Location): the key both share. */
export function framePathOf(imageIdOrUrl: string): string | undefined {
  return FRAME_PATH.exec(imageIdOrUrl)?.[0];
}

/** The Retrieve Series URL of the series an image id belongs to ("{base}/studies/{study}/series/{series}"). */
export function seriesUrlOf(imageId: string): string | undefined {
  const path = framePathOf(imageId);
  if (!path || !imageId.startsWith('wadors:')) return undefined;
  const base = imageId.slice('wadors:'.length, imageId.length - path.length);
  return base + path.slice(0, path.indexOf('/instances/'));
}
