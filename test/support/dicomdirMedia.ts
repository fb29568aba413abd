/**
 * A CD as a hospital gets it (issue #18): synthetic CT studies written as media files (upper-case IDs of at most 8
 * characters, no extension: PS3.10 8.5) and indexed by dcmtk's `dcmmkdir`, so the DICOMDIR is a real writer's.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeSyntheticSphereSeries } from './syntheticSeries';

const run = promisify(execFile);

export interface MediaStudy {
  patientId: string;
  /** UID root of the study (study UID = root + ".1"). */
  root: string;
  slices: number;
}

export interface DicomdirMedia {
  media: string;
  dicomdir: string;
  studyUids: string[];
}

/** Writes `dir/MEDIA/ST{k}/IM{i}` for each study and `dir/MEDIA/DICOMDIR` over them. */
export async function writeDicomdirMedia(dir: string, studies: readonly MediaStudy[]): Promise<DicomdirMedia> {
  const media = path.join(dir, 'MEDIA');
  studies.forEach((s, k) => {
    const files = writeSyntheticSphereSeries(path.join(dir, `src${k}`), { slices: s.slices, rows: 16, columns: 16, pixelSpacing: 2, sliceSpacing: 3, patientId: s.patientId, uidRoot: s.root });
    mkdirSync(path.join(media, `ST${k}`), { recursive: true });
    files.forEach((f, i) => copyFileSync(f, path.join(media, `ST${k}`, `IM${i}`)));
  });
  // +r: the folders' files; +I: invent the attributes a General Purpose CD profile wants and the synthetic files lack.
  await run('dcmmkdir', ['+r', '+I', '--output-file', 'DICOMDIR', ...studies.map((_, k) => `ST${k}`)], { cwd: media, timeout: 60000 });
  return { media, dicomdir: path.join(media, 'DICOMDIR'), studyUids: studies.map((s) => `${s.root}.1`) };
}
