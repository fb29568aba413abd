/**
 * Data for the DIMSE suites: a slice of the real CT, two small synthetic studies made from it with dcmtk's
 * dcmodify (new UIDs, names and dates, so wildcard and date-range matching have something to tell apart),
 * and the PS3.5 Annex H Japanese examples.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import dicomParser from 'dicom-parser';
import type { DicomJsonDataset, PersonNameValue } from '../../../common/dicom/dicomJson';
import { getString } from '../../../common/dicom/dicomJson';
import { DimseNodeSettings } from '../../../electron/services/settings/settings';
import { dicomFilesIn, evenlySpaced, realCtDir, repoRoot, sharedDataDir } from '../../support/data';
import { readDicomFile, type DicomFileInfo } from '../../support/dicomFiles';

const run = promisify(execFile);

export function uid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

/** `n` slices spread over the real CT series (one study, one series). */
export async function realCtSlices(n: number): Promise<DicomFileInfo[]> {
  return Promise.all(evenlySpaced(dicomFilesIn(realCtDir()), n).map((f) => readDicomFile(f)));
}

export interface SyntheticStudy {
  studyUid: string;
  seriesUid: string;
  patientName: string;
  patientId: string;
  studyDate: string;
  accession: string;
  files: DicomFileInfo[];
}

/** Copies of CT slices rewritten into a new study (new study/series/instance UIDs, patient, date). */
export async function syntheticStudy(
  dir: string,
  sources: readonly string[],
  fields: { patientName: string; patientId: string; studyDate: string; accession: string },
): Promise<SyntheticStudy> {
  const studyUid = uid();
  const seriesUid = uid();
  const files: string[] = [];
  for (const [i, src] of sources.entries()) {
    const file = path.join(dir, `${fields.patientId}-${i}.dcm`);
    copyFileSync(src, file);
    const sop = uid();
    const set = {
      '(0010,0010)': fields.patientName,
      '(0010,0020)': fields.patientId,
      '(0008,0020)': fields.studyDate,
      '(0008,0050)': fields.accession,
      '(0020,000d)': studyUid,
      '(0020,000e)': seriesUid,
      '(0008,0018)': sop,
      '(0020,0013)': String(i + 1),
    };
    // -nb: no .bak copy; -i inserts or modifies (dcmodify keeps the meta header's SOP Instance UID in step).
    await run('dcmodify', ['-nb', ...Object.entries(set).flatMap(([tag, value]) => ['-i', `${tag}=${value}`]), file]);
    files.push(file);
  }
  return { studyUid, seriesUid, ...fields, files: await Promise.all(files.map((f) => readDicomFile(f))) };
}

export interface JapaneseExample {
  file: string;
  patientId: string;
  charset: string;
  name: PersonNameValue;
  /**
   * Whether Orthanc 1.10 keeps the name when it transcodes to UTF-8. It does not for IR 13 + IR 87: it answers
   * the ASCII bytes between the escape sequences (";3ED^B@O:"), a loss on its side, visible in its own answer.
   */
  orthancKeepsIt: boolean;
}

/**
 * The PS3.5 Annex H examples (ISO 2022 IR 87, and IR 13 + IR 87): the project's copy in test/fixtures/charsets
 * (from pydicom, MIT; see its MANIFEST.txt), else ../shared/data; none when neither is there.
 */
export function japaneseExamples(): JapaneseExample[] {
  const committed = path.join(repoRoot, 'test/fixtures/charsets');
  const dir = existsSync(path.join(committed, 'chrH31.dcm')) ? committed : sharedDataDir('japanese_charsets');
  if (!dir) return [];
  const all: JapaneseExample[] = [
    { file: path.join(dir, 'chrH31.dcm'), patientId: 'H31EXAMPLE', charset: '\\ISO 2022 IR 87', orthancKeepsIt: true, name: { Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' } },
    { file: path.join(dir, 'chrH32.dcm'), patientId: 'H32EXAMPLE', charset: 'ISO 2022 IR 13\\ISO 2022 IR 87', orthancKeepsIt: false, name: { Alphabetic: 'ﾔﾏﾀﾞ^ﾀﾛｳ', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' } },
  ];
  return all.filter((e) => existsSync(e.file));
}

export function nodeSettings(over: Partial<DimseNodeSettings> & Pick<DimseNodeSettings, 'id' | 'port' | 'calledAeTitle'>): DimseNodeSettings {
  return DimseNodeSettings.parse({ kind: 'dimse', name: `Test ${over.id}`, host: '127.0.0.1', connectTimeoutMs: 5000, timeoutMs: 30000, ...over });
}

/** The Pixel Data value bytes of a Part 10 file, read with dicom-parser (independent of our code). */
export function pixelDataOf(part10: Uint8Array): Uint8Array {
  const ds = dicomParser.parseDicom(part10);
  const pixel = ds.elements['x7fe00010'];
  if (!pixel) throw new Error('no Pixel Data');
  return part10.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length);
}

/** One string attribute of a file, read with dicom-parser ('x00200011' style tag). */
export async function tagOf(file: string, tag: string): Promise<string> {
  return (dicomParser.parseDicom(new Uint8Array(await readFile(file))).string(tag) ?? '').trim();
}

export function str(ds: DicomJsonDataset | undefined, tag: string): string {
  return ds ? (getString(ds, tag) ?? '').trim() : '';
}
