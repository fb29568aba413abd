/**
 * What a file is, without opening a viewer: `dokuei inspect` and the UI's file inspector. The JSON shape is an
 * interface other tools rely on: extend it, never rename fields (common/dicom/inspectResult.ts validates it).
 */
import { readRegularFile } from '../store/regularFile';
import { joinPersonNameGroups } from '../../../common/dicom/charset';
import { getString, getPersonName, type DicomJsonDataset, type PersonNameValue } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { checkCompleteness } from './completeness';
import { readPart10Header } from './part10';
import { describeFailure, userSentence } from './readErrors';
import { isLosslessPixelData, maxModalityDifference, pixelModuleOf, summarizeFrames } from './pixelDecode/frames';
import type { InspectResult } from '../../../common/dicom/inspectResult';

export type { InspectResult };

function collectPersonNames(ds: DicomJsonDataset, prefix: string, out: { path: string; value: string }[]): void {
  for (const [tag, el] of Object.entries(ds)) {
    const at = `${prefix}(${tag.slice(0, 4)},${tag.slice(4)})`;
    if (el.vr === 'PN') {
      for (const v of el.Value ?? []) if (v && typeof v === 'object') out.push({ path: at, value: joinPersonNameGroups(v as PersonNameValue) });
    } else if (el.vr === 'SQ') {
      (el.Value ?? []).forEach((item, i) => collectPersonNames(item as DicomJsonDataset, `${at}[${i + 1}].`, out));
    }
  }
}

const SourceImageSequence = '00082112';
const ReferencedSOPInstanceUID = '00081155';

/** The SOP Instance UIDs this image says it was derived from (a lossy re-encoding names its original). */
function sourceSopInstanceUids(ds: DicomJsonDataset): string[] {
  return (ds[SourceImageSequence]?.Value ?? []).flatMap((item) => {
    const uid = item && typeof item === 'object' ? getString(item as DicomJsonDataset, ReferencedSOPInstanceUID) : undefined;
    return uid ? [uid.trim()] : [];
  });
}

interface Inspected {
  result: InspectResult;
  sourceUids: string[];
}

/** One file, on its own: what it is and a fingerprint of each decoded frame (maxDifferenceFromLossless stays null). */
export async function inspectFile(file: string): Promise<InspectResult> {
  return (await inspectOne(file)).result;
}

/**
 * Several files, and for each one that is not lossless, its largest difference from a lossless file among them
 * holding the same image (see InspectResult.maxDifferenceFromLossless). Files are inspected one at a time.
 */
export async function inspectFiles(files: readonly string[]): Promise<InspectResult[]> {
  const all: Inspected[] = [];
  for (const f of files) all.push(await inspectOne(f));
  const sameShape = (a: InspectResult, b: InspectResult) =>
    a.rows === b.rows && a.columns === b.columns && a.numberOfFrames === b.numberOfFrames && a.frames?.length === b.frames?.length;
  const references = all.filter(({ result: r }) => r.lossless === true && r.frames !== null && r.sopInstanceUID);
  for (const entry of all) {
    const r = entry.result;
    if (r.lossless !== false || r.frames === null) continue;
    const ref = references.find(({ result: x }) => sameShape(x, r) && (x.sopInstanceUID === r.sopInstanceUID || entry.sourceUids.includes(x.sopInstanceUID!)));
    if (!ref) continue;
    try {
      const load = async (f: string) => {
        const bytes = new Uint8Array(await readRegularFile(f));
        const pixel = pixelModuleOf(readPart10Header(bytes).dataset);
        if (typeof pixel === 'string') throw new Error(pixel);
        return { bytes, pixel };
      };
      r.maxDifferenceFromLossless = await maxModalityDifference(await load(r.file), await load(ref.result.file));
      r.losslessReference = ref.result.file;
    } catch {
      // The files changed between the two reads, or do not line up after all: no comparison.
    }
  }
  return all.map((e) => e.result);
}

async function inspectOne(file: string): Promise<Inspected> {
  const empty: InspectResult = {
    file, ok: false, error: null, transferSyntaxUID: null, sopClassUID: null, sopInstanceUID: null, studyInstanceUID: null,
    seriesInstanceUID: null, modality: null, patientName: null, patientNameGroups: null, patientId: null, rows: null, columns: null, numberOfFrames: null,
    bitsAllocated: null, pixelRepresentation: null, lossless: null, frames: null, framesError: null, errorDetail: null, maxDifferenceFromLossless: null, losslessReference: null, personNames: [],
  };
  let bytes: Uint8Array;
  try {
    // Only regular files: a FIFO or device is refused at once instead of blocking a read (regularFile.ts).
    bytes = await readRegularFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { result: { ...empty, error: code === 'ENOENT' ? 'No such file' : describeFailure(err).reason }, sourceUids: [] };
  }
  try {
    const { transferSyntaxUid, dataset } = readPart10Header(bytes);
    const name = getPersonName(dataset, Tag.PatientName);
    const num = (tag: string) => {
      const v = Number(getString(dataset, tag));
      return Number.isFinite(v) && getString(dataset, tag) !== undefined ? v : null;
    };
    const hasPixelData = Boolean(dataset[Tag.Rows]);
    const completeness = checkCompleteness(bytes, dataset);
    const pixels = !completeness.complete
      ? { frames: null, error: `Incomplete instance: ${completeness.reason}` }
      : hasPixelData
        ? await summarizeFrames(bytes, dataset)
        : { frames: null, error: 'No pixel data: the dataset has no image (Rows/Columns absent)' };
    // A decoder's own message is for --json only (errorDetail); the user reads a sentence.
    const framesFailure = pixels.error === null ? undefined : 'detail' in pixels && pixels.detail ? { reason: pixels.error, detail: pixels.detail } : readableFramesError(pixels.error);
    const result: InspectResult = {
      ...empty,
      ok: true,
      transferSyntaxUID: transferSyntaxUid,
      sopClassUID: getString(dataset, Tag.SOPClassUID) ?? null,
      sopInstanceUID: getString(dataset, Tag.SOPInstanceUID) ?? null,
      studyInstanceUID: getString(dataset, Tag.StudyInstanceUID) ?? null,
      seriesInstanceUID: getString(dataset, Tag.SeriesInstanceUID) ?? null,
      modality: getString(dataset, Tag.Modality) ?? null,
      patientName: joinPersonNameGroups(name),
      patientNameGroups: { alphabetic: name?.Alphabetic ?? null, ideographic: name?.Ideographic ?? null, phonetic: name?.Phonetic ?? null },
      patientId: getString(dataset, Tag.PatientID) ?? null,
      rows: num(Tag.Rows),
      columns: num(Tag.Columns),
      numberOfFrames: num(Tag.NumberOfFrames) ?? (dataset[Tag.Rows] ? 1 : null),
      bitsAllocated: num(Tag.BitsAllocated),
      pixelRepresentation: num(Tag.PixelRepresentation),
      lossless: hasPixelData ? isLosslessPixelData(transferSyntaxUid, dataset) : null,
      frames: pixels.frames,
      framesError: framesFailure?.reason ?? null,
      errorDetail: framesFailure?.detail ?? null,
      personNames: (() => {
        const names: { path: string; value: string }[] = [];
        collectPersonNames(dataset, '', names);
        return names;
      })(),
    };
    return { result, sourceUids: sourceSopInstanceUids(dataset) };
  } catch (err) {
    const failure = describeFailure(err);
    return { result: { ...empty, error: failure.reason, errorDetail: failure.detail ?? null }, sourceUids: [] };
  }
}

/** A frames error as a sentence: our own messages stay, a library's ("Frame 1: start offset of …") is replaced. */
function readableFramesError(text: string): { reason: string; detail?: string } {
  const frame = /^(Frame \d+): (.*)$/s.exec(text);
  const body = frame ? frame[2]! : text;
  const raw = /^\w+:\w+|multiple of|buffer overrun|Unreadable pixel data|\[object Object\]|Offset is outside|out of (range|bounds)|is not a function|undefined|unsupported pixel format/i.test(body);
  if (!raw) return { reason: text };
  const reason = userSentence(body.replace(/^Unreadable pixel data \(truncated or malformed file\): /, ''), 'The pixel data cannot be read: the file is damaged or cut short');
  return { reason: frame ? `${frame[1]}: ${reason}` : reason, detail: text };
}
