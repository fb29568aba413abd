/**
 * Per-frame fingerprints of decoded pixel data for `dokuei inspect`: sha256, min and max of the stored values.
 *
 * What is hashed: each frame's decoded samples as the viewer's decoder returns them (codecs.ts), in the native
 * type the Image Pixel module declares (Bits Allocated 8/16/32 × Pixel Representation: Uint8/Int8, Uint16/Int16,
 * Uint32/Int32), little endian, before Rescale Slope/Intercept. So every lossless encoding of one image (native
 * little/big endian, deflate, RLE, JPEG lossless, JPEG-LS lossless, JPEG 2000 reversible, HTJ2K lossless) gives
 * the same hash. Colour images: the samples in the codec's order, with no colour conversion by Dokuei (native and
 * RLE: as stored, planar configuration kept; JPEG baseline: what libjpeg-turbo returns, i.e. RGB, interleaved).
 * So colour hashes are equal across encodings only where the codecs return the same colour space and layout.
 * Native YBR_FULL_422 is hashed as stored: two samples per pixel (Y Y Cb Cr per pair of pixels).
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { getNumber, getString, type DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { extractFrames, isNativeTransferSyntax } from '../part10';
import { decodeFrame, message, type LoaderImageFrame } from './codecs';

export type NativeArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface FrameSummary {
  sha256: string;
  /** Stored values, before rescale. */
  min: number;
  max: number;
  /** min/max through this frame's Rescale Slope/Intercept (per-frame functional groups for enhanced objects). */
  modalityMin: number;
  modalityMax: number;
}

export interface Rescale {
  slope: number;
  intercept: number;
}

export interface PixelModule extends LoaderImageFrame {
  numberOfFrames: number;
  /** The top-level Rescale Slope/Intercept (1/0 when absent); per frame, see frameRescales. */
  rescaleSlope: number;
  rescaleIntercept: number;
  /**
   * Each frame's Rescale Slope/Intercept: for enhanced multi-frame objects from the Pixel Value Transformation
   * Sequence (0028,9145) of that frame's Per-frame Functional Groups item, else of the Shared Functional Groups,
   * else the top-level attributes (PS3.3 C.7.6.16).
   */
  frameRescales: Rescale[];
}

const PlanarConfiguration = '00280006';
const LossyImageCompression = '00282110';
const SharedFunctionalGroups = '52009229';
const PerFrameFunctionalGroups = '52009230';
const PixelValueTransformation = '00289145';
const FrameVoiLut = '00289132';

function firstItem(ds: DicomJsonDataset | undefined, tag: string): DicomJsonDataset | undefined {
  const item = ds?.[tag]?.Value?.[0];
  return item && typeof item === 'object' ? (item as DicomJsonDataset) : undefined;
}

/**
 * The functional group macro `groupTag` that applies to frame `frameIndex` (0-based): the frame's own item in
 * the Per-frame Functional Groups Sequence, else the Shared Functional Groups Sequence (PS3.3 C.7.6.16), else
 * undefined (not an enhanced object, or the macro is absent).
 */
export function functionalGroup(dataset: DicomJsonDataset, frameIndex: number, groupTag: string): DicomJsonDataset | undefined {
  const perFrame = dataset[PerFrameFunctionalGroups]?.Value?.[frameIndex];
  const own = perFrame && typeof perFrame === 'object' ? firstItem(perFrame as DicomJsonDataset, groupTag) : undefined;
  return own ?? firstItem(firstItem(dataset, SharedFunctionalGroups), groupTag);
}

/** Rescale Slope/Intercept of one frame (0-based): functional groups first, then the top level, then 1/0. */
export function frameRescale(dataset: DicomJsonDataset, frameIndex: number): Rescale {
  const group = functionalGroup(dataset, frameIndex, PixelValueTransformation);
  const slope = (group && getNumber(group, Tag.RescaleSlope)) ?? getNumber(dataset, Tag.RescaleSlope) ?? 1;
  const intercept = (group && getNumber(group, Tag.RescaleIntercept)) ?? getNumber(dataset, Tag.RescaleIntercept) ?? 0;
  return { slope: Number.isFinite(slope) && slope !== 0 ? slope : 1, intercept: Number.isFinite(intercept) ? intercept : 0 };
}

/** Window Center/Width of one frame (0-based; the first value when several): Frame VOI LUT macro first, then the top level. */
export function frameWindow(dataset: DicomJsonDataset, frameIndex: number): { center: number; width: number } | undefined {
  const group = functionalGroup(dataset, frameIndex, FrameVoiLut);
  const center = (group && getNumber(group, Tag.WindowCenter)) ?? getNumber(dataset, Tag.WindowCenter);
  const width = (group && getNumber(group, Tag.WindowWidth)) ?? getNumber(dataset, Tag.WindowWidth);
  return center !== undefined && width !== undefined && Number.isFinite(center) && Number.isFinite(width) && width > 0 ? { center, width } : undefined;
}

/**
 * Transfer syntaxes whose pixel data is the original, bit for bit (unless the dataset says it was lossy
 * compressed before: Lossy Image Compression "01"). JPEG 2000 (.91), HTJ2K (.203) and JPEG-LS near-lossless
 * (.81) may or may not be lossy, so they are never taken as the lossless reference.
 */
const LOSSLESS_SYNTAXES = new Set([
  '1.2.840.10008.1.2', // implicit VR little endian
  '1.2.840.10008.1.2.1', // explicit VR little endian
  '1.2.840.10008.1.2.1.98', // encapsulated uncompressed
  '1.2.840.10008.1.2.1.99', // deflated explicit VR little endian
  '1.2.840.10008.1.2.2', // explicit VR big endian
  '1.2.840.10008.1.2.5', // RLE lossless
  '1.2.840.10008.1.2.4.57', // JPEG lossless, process 14
  '1.2.840.10008.1.2.4.70', // JPEG lossless, process 14 SV1
  '1.2.840.10008.1.2.4.80', // JPEG-LS lossless
  '1.2.840.10008.1.2.4.90', // JPEG 2000 lossless only
  '1.2.840.10008.1.2.4.201', // HTJ2K lossless
  '1.2.840.10008.1.2.4.202', // HTJ2K lossless RPCL
]);

/** Whether this dataset's pixel data is known to be the original values (see LOSSLESS_SYNTAXES). */
export function isLosslessPixelData(transferSyntaxUid: string, dataset: DicomJsonDataset): boolean {
  return LOSSLESS_SYNTAXES.has(transferSyntaxUid) && getString(dataset, LossyImageCompression)?.trim() !== '01';
}

/** The Image Pixel module from the header, or why the frames cannot be described. */
export function pixelModuleOf(dataset: DicomJsonDataset): PixelModule | string {
  if (!dataset[Tag.Rows] || !dataset[Tag.Columns]) return 'No image: the dataset has no Rows/Columns';
  const rows = getNumber(dataset, Tag.Rows) ?? 0;
  const columns = getNumber(dataset, Tag.Columns) ?? 0;
  const bitsAllocated = getNumber(dataset, Tag.BitsAllocated) ?? 0;
  const samplesPerPixel = getNumber(dataset, Tag.SamplesPerPixel) ?? 1;
  if (rows <= 0 || columns <= 0 || samplesPerPixel <= 0) return `Invalid image size ${rows}×${columns}×${samplesPerPixel}`;
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) return `Bits Allocated ${bitsAllocated} is not supported (8, 16 or 32)`;
  const pixelRepresentation = getNumber(dataset, Tag.PixelRepresentation) ?? 0;
  const numberOfFrames = Math.max(1, Math.trunc(getNumber(dataset, Tag.NumberOfFrames) ?? 1));
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored: getNumber(dataset, Tag.BitsStored) ?? bitsAllocated,
    pixelRepresentation: pixelRepresentation === 1 ? 1 : 0,
    photometricInterpretation: getString(dataset, Tag.PhotometricInterpretation)?.trim() ?? 'MONOCHROME2',
    planarConfiguration: getNumber(dataset, PlanarConfiguration) ?? 0,
    numberOfFrames,
    rescaleSlope: getNumber(dataset, Tag.RescaleSlope) ?? 1,
    rescaleIntercept: getNumber(dataset, Tag.RescaleIntercept) ?? 0,
    frameRescales: Array.from({ length: numberOfFrames }, (_, i) => frameRescale(dataset, i)),
  };
}

/** The decoded samples in the native type of (bitsAllocated, pixelRepresentation). */
export function toNative(values: ArrayLike<number>, bitsAllocated: number, pixelRepresentation: number): NativeArray {
  const signed = pixelRepresentation === 1;
  if (bitsAllocated === 8) return signed ? Int8Array.from(values) : Uint8Array.from(values);
  if (bitsAllocated === 16) return signed ? Int16Array.from(values) : Uint16Array.from(values);
  if (bitsAllocated === 32) return signed ? Int32Array.from(values) : Uint32Array.from(values);
  throw new Error(`Bits Allocated ${bitsAllocated} is not supported`);
}

/** The little-endian bytes of a native array (a copy, byte-swapped, only on a big-endian machine). */
export function littleEndianBytes(values: NativeArray): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const width = values.BYTES_PER_ELEMENT;
  if (width === 1 || endianness() === 'LE') return bytes;
  const out = new Uint8Array(bytes.byteLength);
  for (let i = 0; i < bytes.byteLength; i += width) for (let b = 0; b < width; b++) out[i + b] = bytes[i + width - 1 - b]!;
  return out;
}

export function summarizeFrame(values: NativeArray, rescale: Rescale = { slope: 1, intercept: 0 }): FrameSummary {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const sha256 = createHash('sha256').update(littleEndianBytes(values)).digest('hex');
  if (values.length === 0) return { sha256, min: 0, max: 0, modalityMin: rescale.intercept, modalityMax: rescale.intercept };
  // Rescale factors are decimal strings: rounding to 1e-6 hides float noise (e.g. 2.0002442 × v − 4047).
  const a = roundMicro(min * rescale.slope + rescale.intercept);
  const b = roundMicro(max * rescale.slope + rescale.intercept);
  return { sha256, min, max, modalityMin: Math.min(a, b), modalityMax: Math.max(a, b) };
}

function roundMicro(v: number): number {
  return Math.round(v * 1e6) / 1e6 + 0; // + 0: no -0
}

const RLE_LOSSLESS = '1.2.840.10008.1.2.5';

/** What is wrong with an RLE frame's 64-byte header (PS3.5 G.5), or undefined: segment count and offsets. */
export function rleHeaderProblem(frame: Uint8Array, pixel: Pick<PixelModule, 'samplesPerPixel' | 'bitsAllocated'>): string | undefined {
  const damaged = 'The RLE compressed data is damaged';
  if (frame.byteLength < 64) return `${damaged}: the frame is shorter than its header`;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const needed = pixel.samplesPerPixel * Math.ceil(pixel.bitsAllocated / 8);
  if (segments !== needed) return `${damaged}: its header lists ${segments} segments where ${needed} are needed`;
  let previous = 63;
  for (let s = 0; s < segments; s++) {
    const offset = view.getUint32(4 + s * 4, true);
    if (offset <= previous || offset >= frame.byteLength) return `${damaged}: segment ${s + 1} starts outside the frame`;
    previous = offset;
  }
  return undefined;
}

/**
 * Every frame of the file, decoded, one at a time (so a 1000-frame file is never all in memory).
 * Throws with a reason a user can act on: no pixel data, truncated, unsupported transfer syntax, codec error.
 */
export async function* decodedFrames(bytes: Uint8Array, pixel: PixelModule, frameNumbers?: readonly number[]): AsyncGenerator<NativeArray> {
  for await (const { values } of decodedSamples(bytes, pixel, frameNumbers)) yield toNative(values, pixel.bitsAllocated, pixel.pixelRepresentation);
}

/**
 * The frames (1-based numbers; all by default) as the decoder returns them, with the transfer syntax they were
 * decoded from (colour layout depends on it, see the file comment), checked for length: rows × columns × samples,
 * or rows × columns × 2 for native YBR_FULL_422 (one Cb and one Cr per two pixels).
 */
export async function* decodedSamples(bytes: Uint8Array, pixel: PixelModule, frameNumbers?: readonly number[]): AsyncGenerator<{ values: ArrayLike<number>; transferSyntaxUid: string }> {
  const numbers = frameNumbers ? [...frameNumbers] : Array.from({ length: pixel.numberOfFrames }, (_, i) => i + 1);
  // A Part10Error: a sentence for the user, and dicom-parser's own words as its detail (part10.ts).
  const { transferSyntaxUid, frames } = extractFrames(bytes, numbers);
  const expected = pixel.rows * pixel.columns * pixel.samplesPerPixel;
  const half422 = pixel.photometricInterpretation === 'YBR_FULL_422' && pixel.samplesPerPixel === 3 && isNativeTransferSyntax(transferSyntaxUid) ? pixel.rows * pixel.columns * 2 : -1;
  for (let i = 0; i < frames.length; i++) {
    const n = numbers[i]!;
    let decoded: ArrayLike<number>;
    // The loader's RLE decoder reads whatever its header says, past the data or not, and returns zeros for what
    // it cannot find: a damaged RLE frame gave a fingerprint without a word (issue 16's corpus). Checked here.
    const rle = transferSyntaxUid === RLE_LOSSLESS ? rleHeaderProblem(frames[i]!, pixel) : undefined;
    if (rle) throw new Error(`Frame ${n}: ${rle}`);
    try {
      decoded = await decodeFrame(pixel, transferSyntaxUid, frames[i]!);
    } catch (err) {
      throw new Error(`Frame ${n}: ${message(err)}`, { cause: err });
    }
    if (decoded.length !== expected && decoded.length !== half422) {
      throw new Error(`Frame ${n}: decoded ${decoded.length} samples, expected ${expected} (${pixel.rows}×${pixel.columns}×${pixel.samplesPerPixel})`);
    }
    yield { values: decoded, transferSyntaxUid };
  }
}

/** `detail`: the raw library message behind `error` (which is a sentence), for --json outputs only. */
export type FramesOutcome = { frames: FrameSummary[]; error: null } | { frames: null; error: string; detail?: string };

/** The raw library message an error (or the error it wraps) carries as `detail` (part10.ts, readErrors.ts). */
function detailOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const detail = (e as { detail?: unknown }).detail;
    if (typeof detail === 'string' && detail) return detail;
  }
  return undefined;
}

/** sha256/min/max of every frame, or why they cannot be computed. Never throws. */
export async function summarizeFrames(bytes: Uint8Array, dataset: DicomJsonDataset): Promise<FramesOutcome> {
  const pixel = pixelModuleOf(dataset);
  if (typeof pixel === 'string') return { frames: null, error: pixel };
  try {
    const out: FrameSummary[] = [];
    for await (const frame of decodedFrames(bytes, pixel)) out.push(summarizeFrame(frame, pixel.frameRescales[out.length]));
    return { frames: out, error: null };
  } catch (err) {
    const detail = detailOf(err);
    return detail ? { frames: null, error: message(err), detail } : { frames: null, error: message(err) };
  }
}

/**
 * The largest absolute difference between two encodings of one image, over every sample of every frame, in
 * modality values (stored value × Rescale Slope + Rescale Intercept of each file), since a lossy re-encoding may
 * store the same values differently: the 12-bit JPEG versions of a signed 16-bit CT store unsigned values with
 * another slope and intercept. Throws when the two do not have the same number of frames and samples.
 */
export async function maxModalityDifference(a: { bytes: Uint8Array; pixel: PixelModule }, b: { bytes: Uint8Array; pixel: PixelModule }): Promise<number> {
  if (a.pixel.numberOfFrames !== b.pixel.numberOfFrames) throw new Error('Different numbers of frames');
  const framesB = decodedFrames(b.bytes, b.pixel);
  let max = 0;
  let f = 0;
  for await (const fa of decodedFrames(a.bytes, a.pixel)) {
    const next = await framesB.next();
    if (next.done) throw new Error('Different numbers of frames');
    const fb = next.value;
    if (fa.length !== fb.length) throw new Error('Different numbers of samples');
    // Each frame with its own rescale: an enhanced object may give every frame another slope and intercept.
    const ra = a.pixel.frameRescales[f] ?? { slope: a.pixel.rescaleSlope, intercept: a.pixel.rescaleIntercept };
    const rb = b.pixel.frameRescales[f] ?? { slope: b.pixel.rescaleSlope, intercept: b.pixel.rescaleIntercept };
    f++;
    for (let i = 0; i < fa.length; i++) {
      const d = Math.abs(fa[i]! * ra.slope + ra.intercept - (fb[i]! * rb.slope + rb.intercept));
      if (d > max) max = d;
    }
  }
  // Rescale factors are decimal strings: 1e-6 is far below any stored step and hides float noise.
  return roundMicro(max);
}
