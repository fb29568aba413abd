/** What a test sent to a PACS, to compare what comes back with: the study, series and each instance's frame. */
import { readFileSync } from 'node:fs';
import { extractFrames, readPart10Header } from '../../electron/services/dicom/part10';

export interface SourceSet {
  files: string[];
  study: string;
  series: string;
  /** SOP Instance UID → pixel data of its (single) frame, from the source file. */
  frames: Map<string, Uint8Array>;
}

/** Single-frame files of one series: their study and series UIDs and each instance's frame. */
export function sourceSetOf(files: string[]): SourceSet {
  const frames = new Map<string, Uint8Array>();
  let study = '';
  let series = '';
  for (const f of files) {
    const bytes = new Uint8Array(readFileSync(f));
    const ds = readPart10Header(bytes).dataset;
    study = String(ds['0020000D']!.Value![0]);
    series = String(ds['0020000E']!.Value![0]);
    frames.set(String(ds['00080018']!.Value![0]), extractFrames(bytes, [1]).frames[0]!);
  }
  return { files, study, series, frames };
}
