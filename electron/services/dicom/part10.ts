/**
 * Reading DICOM Part 10 files for the data plane: the dataset as DICOM JSON (via our own reader in
 * datasetJson.ts, which decodes every DICOM character set, ISO 2022 Japanese included) and the pixel data
 * frames (via dicom-parser, which exposes byte offsets and encapsulated fragments without decoding or copying them).
 */
import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { DicomDataError, part10ToDicomJson } from './datasetJson';
import { userSentence } from './readErrors';

export const TransferSyntax = {
  ImplicitLittle: '1.2.840.10008.1.2',
  ExplicitLittle: '1.2.840.10008.1.2.1',
  DeflatedExplicitLittle: '1.2.840.10008.1.2.1.99',
  ExplicitBig: '1.2.840.10008.1.2.2',
} as const;

const NATIVE_SYNTAXES = new Set<string>(Object.values(TransferSyntax));

export function isNativeTransferSyntax(ts: string): boolean {
  return NATIVE_SYNTAXES.has(ts);
}

export class Part10Error extends Error {
  constructor(
    message: string,
    /** The library's own message this one replaces (readErrors.ts): shown in `--json` outputs only. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'Part10Error';
  }
}

/** A Part10Error for a library's failure: a sentence for the user, the raw text as detail. */
function libraryError(err: unknown): Part10Error {
  if (err instanceof Part10Error) return err;
  // dicom-parser throws plain objects: { exception: 'dicomParser:…: buffer overrun', dataSet }.
  const exception = err && typeof err === 'object' && 'exception' in err ? (err as { exception: unknown }).exception : undefined;
  const raw = err instanceof Error ? err.message : exception !== undefined ? String(exception) : String(err);
  return new Part10Error(userSentence(raw), raw);
}

export interface Part10Header {
  transferSyntaxUid: string;
  /** The dataset without pixel data, as DICOM JSON (PixelData is left out; frames are served by the frames route). */
  dataset: DicomJsonDataset;
}

/** Parses everything up to the pixel data. Throws Part10Error with a reason a user can act on. */
export function readPart10Header(bytes: Uint8Array): Part10Header {
  try {
    return part10ToDicomJson(bytes);
  } catch (err) {
    if (err instanceof DicomDataError) throw new Part10Error(err.message, err.detail);
    throw libraryError(err);
  }
}

export interface ExtractedFrames {
  /** Transfer syntax of the returned bytes: native data is always returned as explicit VR little endian. */
  transferSyntaxUid: string;
  frames: Uint8Array[];
  /** How many frames the instance has. */
  numberOfFrames: number;
}

function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position));
  const out = new Uint8Array(position + inflated.byteLength);
  out.set(bytes.subarray(0, position), 0);
  out.set(inflated, position);
  return out;
}

/**
 * Returns the requested frames (1-based numbers) as stored: native pixel data sliced per frame
 * (byte-swapped to little endian when stored big endian), encapsulated data as the frame's fragments.
 */
/** @param frameNumbers 1-based frame numbers, or 'all' for every frame in order. */
export function extractFrames(bytes: Uint8Array, frameNumbers: number[] | 'all'): ExtractedFrames {
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, { inflater } as dicomParser.ParseDicomOptions);
  } catch (err) {
    throw libraryError(err);
  }
  const ts = (ds.string('x00020010') ?? '').trim();
  const pixel = ds.elements['x7fe00010'] ?? ds.elements['x7fe00008'] ?? ds.elements['x7fe00009'];
  if (!pixel) throw new Part10Error('Instance has no pixel data');
  const numberOfFrames = Math.max(1, ds.intString('x00280008') ?? 1);
  if (frameNumbers === 'all') frameNumbers = Array.from({ length: numberOfFrames }, (_, i) => i + 1);
  for (const f of frameNumbers) {
    if (f < 1 || f > numberOfFrames) throw new Part10Error(`Frame ${f} does not exist (instance has ${numberOfFrames})`);
  }
  if (pixel.encapsulatedPixelData) {
    const frames = frameNumbers.map((f) => {
      const index = f - 1;
      const fragments = pixel.fragments ?? [];
      if (numberOfFrames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixel, 0, fragments.length);
      if (pixel.basicOffsetTable && pixel.basicOffsetTable.length > 0) return dicomParser.readEncapsulatedImageFrame(ds, pixel, index);
      if (fragments.length === numberOfFrames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixel, index, 1);
      const table = dicomParser.createJPEGBasicOffsetTable(ds, pixel);
      return dicomParser.readEncapsulatedImageFrame(ds, pixel, index, table);
    });
    return { transferSyntaxUid: ts, frames, numberOfFrames };
  }
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const samples = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  // YBR_FULL_422 keeps one Cb and one Cr per two pixels: 2 samples per pixel stored, though Samples per Pixel is 3.
  const photometric = (ds.string('x00280004') ?? '').trim();
  const storedSamples = photometric === 'YBR_FULL_422' && samples === 3 ? 2 : samples;
  const frameBits = rows * columns * storedSamples * bitsAllocated;
  if (frameBits === 0) throw new Part10Error('Image has zero rows, columns or samples');
  if (bitsAllocated === 1 && numberOfFrames > 1) throw new Part10Error('Multi-frame 1-bit pixel data is not supported');
  const frameBytes = Math.ceil(frameBits / 8);
  let source: Uint8Array = ds.byteArray;
  let base = pixel.dataOffset;
  let end = pixel.dataOffset + pixel.length;
  if (ts === TransferSyntax.ExplicitBig && bitsAllocated === 8 && pixel.vr === 'OW') {
    // 8-bit samples in OW are 16-bit words to big endian: each pair of bytes is swapped (PS3.5 7.3, 8.1.1).
    source = swapBytes(ds.byteArray.subarray(pixel.dataOffset, Math.min(end, ds.byteArray.byteLength)), 2);
    base = 0;
    end = pixel.length;
  }
  const frames = frameNumbers.map((f) => {
    const start = base + (f - 1) * frameBytes;
    if (start + frameBytes > end || start + frameBytes > source.byteLength) {
      throw new Part10Error(`Pixel data is truncated: frame ${f} is incomplete`);
    }
    const frame = source.subarray(start, start + frameBytes);
    if (ts === TransferSyntax.ExplicitBig && bitsAllocated > 8) return swapBytes(frame, bitsAllocated / 8);
    return frame;
  });
  return { transferSyntaxUid: TransferSyntax.ExplicitLittle, frames, numberOfFrames };
}

function swapBytes(frame: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(frame.byteLength);
  for (let i = 0; i + width <= frame.byteLength; i += width) {
    for (let b = 0; b < width; b++) out[i + b] = frame[i + width - 1 - b]!;
  }
  return out;
}

/**
 * The raw bytes and the 16-bit words (in the file's byte order) of top-level binary elements, e.g. Palette
 * Color Lookup Table Data (0028,1201-1203), which DICOM JSON leaves out when large. Absent elements: undefined.
 */
export function readBinaryElements(bytes: Uint8Array, tags: readonly string[]): Record<string, { bytes: Uint8Array; words: Uint16Array } | undefined> {
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, { inflater } as dicomParser.ParseDicomOptions);
  } catch (err) {
    throw libraryError(err);
  }
  const out: Record<string, { bytes: Uint8Array; words: Uint16Array } | undefined> = {};
  for (const tag of tags) {
    const el = ds.elements[`x${tag.toLowerCase()}`];
    if (!el || el.length === undefined || el.length <= 0 || el.length === 0xffffffff) continue;
    const raw = ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
    const words = new Uint16Array(Math.floor(el.length / 2));
    for (let i = 0; i < words.length; i++) words[i] = ds.uint16(`x${tag.toLowerCase()}`, i) ?? 0;
    out[tag] = { bytes: raw, words };
  }
  return out;
}
