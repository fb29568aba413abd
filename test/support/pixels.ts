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

/** Native (uncompressed, little endian) grayscale files only: what the demo and the real CT are. */
export function decodeNativeSlice(file: string): DecodedSlice {
  const bytes = new Uint8Array(readFileSync(file));
  const ds = dicomParser.parseDicom(bytes);
  const rows = ds.uint16('x00280010')!;
  const columns = ds.uint16('x00280011')!;
  const bits = ds.uint16('x00280100')!;
  const signed = ds.uint16('x00280103') === 1;
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  const el = ds.elements['x7fe00010']!;
  const view = new DataView(bytes.buffer, bytes.byteOffset + el.dataOffset, el.length);
  const values = new Float64Array(rows * columns);
  for (let i = 0; i < values.length; i++) {
    const raw = bits === 8 ? view.getUint8(i) : signed ? view.getInt16(i * 2, true) : view.getUint16(i * 2, true);
    values[i] = raw * slope + intercept;
  }
  return { sopInstanceUid: ds.string('x00080018')!.trim(), rows, columns, values };
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
