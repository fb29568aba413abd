/** Reference pixel values computed from the DICOM files themselves (dicom-parser), for pixel assertions. */
import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';

export interface DecodedSlice {
  sopInstanceUid: string;
  rows: number;
  columns: number;
  /** Modality values (after Rescale Slope/Intercept), row-major. */
  values: Float64Array;
}

/**
 * RLE Lossless (PS3.5 Annex G), one frame, 8 or 16 bits grayscale: an independent reference decoder (the header's
 * segment offsets, PackBits per segment, most significant byte first), so tests need not trust the product's.
 */
function decodeRleFrame(frame: Uint8Array, pixels: number, bytesPerSample: number): Uint8Array {
  const header = new DataView(frame.buffer, frame.byteOffset, 64);
  const segments = header.getUint32(0, true);
  if (segments !== bytesPerSample) throw new Error(`RLE frame has ${segments} segments, expected ${bytesPerSample}`);
  const out = new Uint8Array(pixels * bytesPerSample);
  for (let s = 0; s < segments; s++) {
    const start = header.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? header.getUint32(8 + 4 * s, true) : frame.length;
    // Segment s holds byte s of each sample, most significant first; samples are stored little endian here.
    const lane = bytesPerSample - 1 - s;
    let i = start;
    let p = 0;
    while (i < end && p < pixels) {
      const n = (frame[i]! << 24) >> 24;
      i++;
      if (n >= 0) {
        for (let k = 0; k <= n && p < pixels; k++) out[p++ * bytesPerSample + lane] = frame[i++]!;
      } else if (n !== -128) {
        const v = frame[i++]!;
        for (let k = 0; k < 1 - n && p < pixels; k++) out[p++ * bytesPerSample + lane] = v;
      }
    }
  }
  return out;
}

/** The first fragment of an encapsulated Pixel Data element (after the Basic Offset Table item). */
function firstFragment(bytes: Uint8Array, dataOffset: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  let at = dataOffset;
  const botLength = view.getUint32(at + 4, true);
  at += 8 + botLength;
  const length = view.getUint32(at + 4, true);
  return bytes.subarray(at + 8, at + 8 + length);
}

const RLE_LOSSLESS = '1.2.840.10008.1.2.5';

/** The stored samples of a native (little endian) or RLE Lossless grayscale file's first frame, as little-endian bytes. */
export function storedSampleBytes(file: string): { bytes: Uint8Array; rows: number; columns: number; bitsAllocated: number; signed: boolean; slope: number; intercept: number; sopInstanceUid: string } {
  const bytes = new Uint8Array(readFileSync(file));
  const ds = dicomParser.parseDicom(bytes);
  const rows = ds.uint16('x00280010')!;
  const columns = ds.uint16('x00280011')!;
  const bitsAllocated = ds.uint16('x00280100')!;
  const el = ds.elements['x7fe00010']!;
  const sample =
    ds.string('x00020010')?.trim() === RLE_LOSSLESS
      ? decodeRleFrame(firstFragment(bytes, el.dataOffset), rows * columns, bitsAllocated === 8 ? 1 : 2)
      : bytes.subarray(el.dataOffset, el.dataOffset + el.length);
  return {
    bytes: sample,
    rows,
    columns,
    bitsAllocated,
    signed: ds.uint16('x00280103') === 1,
    slope: ds.floatString('x00281053') ?? 1,
    intercept: ds.floatString('x00281052') ?? 0,
    sopInstanceUid: ds.string('x00080018')!.trim(),
  };
}

/** Native (uncompressed, little endian) or RLE Lossless grayscale files: what the demo and the real CT are. */
export function decodeNativeSlice(file: string): DecodedSlice {
  const { bytes, rows, columns, bitsAllocated, signed, slope, intercept, sopInstanceUid } = storedSampleBytes(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(rows * columns);
  for (let i = 0; i < values.length; i++) {
    const raw = bitsAllocated === 8 ? view.getUint8(i) : signed ? view.getInt16(i * 2, true) : view.getUint16(i * 2, true);
    values[i] = raw * slope + intercept;
  }
  return { sopInstanceUid, rows, columns, values };
}

/** Linear VOI as cornerstone applies it to a [lower, upper] range, to 0..255. */
export function windowed(value: number, lower: number, upper: number): number {
  const t = (value - lower) / (upper - lower);
  return Math.round(Math.min(1, Math.max(0, t)) * 255);
}

/** The range of windowed values in the 3×3 neighbourhood of (column, row): what interpolation can show. */
export function expectedDisplayRange(slice: DecodedSlice, column: number, row: number, lower: number, upper: number): [number, number] {
  let lo = 255;
  let hi = 0;
  const c0 = Math.round(column);
  const r0 = Math.round(row);
  for (let r = r0 - 1; r <= r0 + 1; r++) {
    for (let c = c0 - 1; c <= c0 + 1; c++) {
      if (r < 0 || c < 0 || r >= slice.rows || c >= slice.columns) continue;
      const w = windowed(slice.values[r * slice.columns + c]!, lower, upper);
      lo = Math.min(lo, w);
      hi = Math.max(hi, w);
    }
  }
  return [lo, hi];
}

/** SOP Instance UID → file, for the files in a folder. */
export function indexBySopInstanceUid(files: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const f of files) {
    const ds = dicomParser.parseDicom(new Uint8Array(readFileSync(f)));
    const uid = ds.string('x00080018')?.trim();
    if (uid) map.set(uid, f);
  }
  return map;
}
