/**
 * Whether an instance is complete: every byte its pixel data needs is there. Checked on every put into the
 * archive (import, retrieve, STOW, C-STORE), so a file truncated in transit or on disk is refused with the
 * reason instead of being stored and served as if whole (and then shadowing the intact copy).
 *
 * "Complete" means:
 *   - native pixel data holds at least Rows × Columns × Samples per Pixel × Bits Allocated × Number of Frames
 *     bits, and the element's value lies wholly inside the file;
 *   - encapsulated pixel data has every item whole, its sequence delimiter, at least one fragment per frame,
 *     and a Basic Offset Table (when present) with one entry per frame, each pointing at a fragment.
 * A dataset without any pixel data element is not judged here (see checkCompleteness).
 * Everything before the pixel data is already walked by the header reader (datasetJson.ts), which throws on
 * any element truncated; an instance without an image (SR, RT structure sets) is complete when it reads.
 */
import { createHash } from 'node:crypto';
import { getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { locatePixelData, type PixelDataLocation } from './datasetJson';
import { isNativeTransferSyntax, Part10Error } from './part10';

export type Completeness = { complete: true } | { complete: false; reason: string };

/** Refused because the pixel data is not all there; the message starts with "Incomplete instance". */
export class IncompleteInstanceError extends Part10Error {
  constructor(readonly reason: string) {
    super(`Incomplete instance: ${reason}`);
    this.name = 'IncompleteInstanceError';
  }
}

const UNDEFINED_LENGTH = 0xffffffff;
const FLOAT_PIXEL_DATA = 0x7fe00008;
const DOUBLE_PIXEL_DATA = 0x7fe00009;
const NumberOfFrames = '00280008';
const SamplesPerPixel = '00280002';
const BitsAllocated = '00280100';
const PhotometricInterpretation = '00280004';

const bytesText = (n: number) => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;

function intOf(ds: DicomJsonDataset, tag: string): number | undefined {
  const v = getString(ds, tag);
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Why the Image Pixel module describes no image pixel data can hold, or undefined when it could be real. */
function impossiblePixelDescription(ds: DicomJsonDataset, pixelTag: number): string | undefined {
  // An IS value that is no number ("many", "1e309") reads as no value (datasetJson.ts): present, but unreadable.
  // Number of Frames is type 1 where present, so an empty one is as unreadable.
  const frames = ds[NumberOfFrames]?.Value?.[0];
  const frameCount = typeof frames === 'number' ? frames : typeof frames === 'string' && /^\s*\+?\d+\s*$/.test(frames) ? Number(frames) : NaN;
  if (ds[NumberOfFrames] && !(Number.isSafeInteger(frameCount) && frameCount >= 1)) {
    return `Number of Frames is ${typeof frames === 'number' || typeof frames === 'string' ? `"${String(frames).slice(0, 32)}"` : 'unreadable'}, not a whole number of frames (1 or more)`;
  }
  const rows = intOf(ds, Tag.Rows);
  const columns = intOf(ds, Tag.Columns);
  if (rows === 0 || columns === 0) return `the image has ${rows} rows × ${columns} columns: no pixel at all`;
  // Pixel Data (7FE0,0010) samples are 1 bit or whole bytes, at most 64 bits (PS3.5 8.1.1); the float forms fix their own.
  const bits = intOf(ds, BitsAllocated);
  if (pixelTag !== FLOAT_PIXEL_DATA && pixelTag !== DOUBLE_PIXEL_DATA && bits !== undefined && !(bits === 1 || (bits >= 8 && bits <= 64 && bits % 8 === 0))) {
    return `Bits Allocated is ${bits}: pixel data samples are 1 bit or 8, 16, 32 or 64 bits`;
  }
  return undefined;
}

/** The completeness of a Part 10 instance whose header (`dataset`, from readPart10Header) was already read. */
export function checkCompleteness(bytes: Uint8Array, dataset: DicomJsonDataset): Completeness {
  let loc: PixelDataLocation;
  try {
    loc = locatePixelData(bytes);
  } catch (err) {
    return { complete: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const rows = intOf(dataset, Tag.Rows);
  const columns = intOf(dataset, Tag.Columns);
  // No pixel data element at all: nothing to check. (Datasets with Rows but no pixels exist, e.g. the pixel-less
  // charset test files of DICOM's own samples, and Pixel Data is optional with a Pixel Data Provider URL.)
  if (loc.pixelDataAt === undefined) return { complete: true };
  const { data, little } = loc;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const at = loc.pixelDataAt;
  if (data.byteLength - at < 8) {
    // A few bytes after the last element: odd padding, or the start of a pixel data header cut short.
    const group = data.byteLength - at >= 2 ? view.getUint16(at, little) : 0;
    return group === 0x7fe0 ? { complete: false, reason: 'the file is truncated inside the pixel data header' } : { complete: true };
  }
  const tag = ((view.getUint16(at, little) << 16) | view.getUint16(at + 2, little)) >>> 0;
  // Issue 16's bad-input corpus: with Number of Frames "many", "0" or "1e309", Rows 0 or Bits Allocated 0 or 7, the
  // size below was NaN or 0 and every such file passed as complete. A pixel description no image can have means
  // completeness cannot be judged: refused, with what is wrong.
  const impossible = impossiblePixelDescription(dataset, tag);
  if (impossible) return { complete: false, reason: impossible };
  // Pixel data is OB/OW/OF/OD: in explicit VR a 4-byte length after 2 reserved bytes.
  const explicitHere = loc.explicit && data[at + 4]! >= 0x41 && data[at + 4]! <= 0x5a;
  const headerLength = explicitHere ? 12 : 8;
  if (at + headerLength > data.byteLength) return { complete: false, reason: 'the file is truncated inside the pixel data header' };
  const length = view.getUint32(at + headerLength - 4, little);
  const valueStart = at + headerLength;
  // A compressed (or unknown) transfer syntax over native pixel data: the frames would be served as something
  // they are not (extractFrames treats a defined-length value as native whatever the syntax says).
  if (length !== UNDEFINED_LENGTH && !isNativeTransferSyntax(loc.transferSyntaxUid)) {
    return { complete: false, reason: `the pixel data is not encapsulated, as its transfer syntax (${loc.transferSyntaxUid}) requires` };
  }
  if (length === UNDEFINED_LENGTH) return checkFragments(view, valueStart, little, Math.max(1, intOf(dataset, NumberOfFrames) ?? 1));

  const available = data.byteLength - valueStart;
  if (available < length) {
    return { complete: false, reason: `the file is truncated: the pixel data announces ${bytesText(length)} but only ${bytesText(available)} follow` };
  }
  if (rows === undefined || columns === undefined) return { complete: true };
  const frames = Math.max(1, intOf(dataset, NumberOfFrames) ?? 1);
  const samples = intOf(dataset, SamplesPerPixel) ?? 1;
  const bits = tag === FLOAT_PIXEL_DATA ? 32 : tag === DOUBLE_PIXEL_DATA ? 64 : (intOf(dataset, BitsAllocated) ?? 16);
  // YBR_FULL_422 keeps one Cb and one Cr per two pixels: 2 samples stored per pixel (PS3.3 C.7.6.3.1.2).
  const photometric = (getString(dataset, PhotometricInterpretation) ?? '').trim();
  const storedSamples = photometric === 'YBR_FULL_422' && samples === 3 ? 2 : samples;
  const needed = Math.ceil((rows * columns * storedSamples * bits * frames) / 8);
  if (!Number.isSafeInteger(needed)) return { complete: false, reason: `rows × columns × frames × bits (${rows} × ${columns} × ${frames} × ${bits}) is not a size any file can hold` };
  if (length < needed) {
    return {
      complete: false,
      reason: `the pixel data holds ${bytesText(length)} of the ${bytesText(needed)} that ${rows} rows × ${columns} columns × ${frames} frame${frames === 1 ? '' : 's'} × ${storedSamples * bits} bits need`,
    };
  }
  return { complete: true };
}

/** Encapsulated pixel data (PS3.5 A.4): Basic Offset Table item, fragment items, sequence delimiter. */
function checkFragments(view: DataView, start: number, little: boolean, frames: number): Completeness {
  const end = view.byteLength;
  const fragmentStarts: number[] = [];
  let offsetTable: number[] | undefined;
  let pos = start;
  for (;;) {
    if (pos + 8 > end) {
      return { complete: false, reason: `the file is truncated: the compressed pixel data ends after ${fragmentStarts.length} fragment${fragmentStarts.length === 1 ? '' : 's'}, without its end marker` };
    }
    const group = view.getUint16(pos, little);
    const element = view.getUint16(pos + 2, little);
    const length = view.getUint32(pos + 4, little);
    if (group === 0xfffe && element === 0xe0dd) break;
    if (group !== 0xfffe || element !== 0xe000 || length === UNDEFINED_LENGTH) {
      return { complete: false, reason: `the compressed pixel data is damaged: no fragment where one should start (byte ${pos})` };
    }
    if (pos + 8 + length > end) {
      return { complete: false, reason: `the file is truncated: fragment ${fragmentStarts.length + 1} of the compressed pixel data announces ${bytesText(length)} but only ${bytesText(end - pos - 8)} follow` };
    }
    if (offsetTable === undefined) {
      offsetTable = [];
      for (let i = 0; i + 4 <= length; i += 4) offsetTable.push(view.getUint32(pos + 8 + i, little));
    } else fragmentStarts.push(pos);
    pos += 8 + length;
  }
  if (fragmentStarts.length < frames) {
    return { complete: false, reason: `the compressed pixel data has ${fragmentStarts.length} fragment${fragmentStarts.length === 1 ? '' : 's'} for ${frames} frames` };
  }
  if (offsetTable && offsetTable.length > 0) {
    const first = fragmentStarts[0]!;
    const starts = new Set(fragmentStarts.map((p) => p - first));
    if (offsetTable.length !== frames) {
      return { complete: false, reason: `the compressed pixel data's offset table lists ${offsetTable.length} frames, not ${frames}` };
    }
    const missing = offsetTable.findIndex((o) => !starts.has(o));
    if (missing >= 0) return { complete: false, reason: `frame ${missing + 1} of the compressed pixel data is missing (its offset points at no fragment)` };
  }
  return { complete: true };
}

/** Throws IncompleteInstanceError when the instance is not complete. */
export function assertComplete(bytes: Uint8Array, dataset: DicomJsonDataset): void {
  const c = checkCompleteness(bytes, dataset);
  if (!c.complete) throw new IncompleteInstanceError(c.reason);
}

/**
 * The content hash that tells copies of one SOP Instance apart: SHA-256 of everything after the file meta
 * group. The meta group is left out because it says who wrote the file (Implementation Class UID, Source AE
 * Title), which differs between an import and a retrieve of the very same instance.
 */
export function contentHash(bytes: Uint8Array): string {
  let pos = 132;
  if (bytes.byteLength >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (pos + 8 <= bytes.byteLength && view.getUint16(pos, true) === 0x0002) {
      const long = ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV'].includes(String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!));
      if (long && pos + 12 > bytes.byteLength) break;
      pos += long ? 12 + view.getUint32(pos + 8, true) : 8 + view.getUint16(pos + 6, true);
    }
  } else pos = 0;
  return createHash('sha256').update(bytes.subarray(Math.min(pos, bytes.byteLength))).digest('hex');
}
