/**
 * The series metadata as cornerstone's WADO-RS loader can use it. Its metadata provider reads the palette colour
 * LUT data (0028,1201/1202/1203) from `Value` only, but in DICOM JSON these OW elements travel as InlineBinary
 * (or BulkDataURI): given as they are, a PALETTE COLOR image fails with "The image does not have a complete
 * color palette". This returns a copy with each inline palette LUT decoded to `Value` numbers, the way the
 * loader's own wadouri path reads them (8-bit entries when the data holds one byte per entry, else 16-bit words).
 */
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';

const PALETTES: [descriptor: string, data: string][] = [
  ['00281101', '00281201'],
  ['00281102', '00281202'],
  ['00281103', '00281203'],
];

function base64Bytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Inline palette LUT data as `Value`; the same object when there is nothing to convert. */
export function loaderMetadata(ds: DicomJsonDataset): DicomJsonDataset {
  let out: DicomJsonDataset | undefined;
  for (const [descriptorTag, dataTag] of PALETTES) {
    const el = ds[dataTag];
    if (!el || el.Value !== undefined || typeof el.InlineBinary !== 'string') continue;
    const entries = Number(ds[descriptorTag]?.Value?.[0] ?? 0) || 65536;
    const bytes = base64Bytes(el.InlineBinary);
    let values: number[];
    if (bytes.length === entries) values = Array.from(bytes);
    else {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      values = Array.from({ length: Math.min(entries, bytes.length >> 1) }, (_, i) => view.getUint16(i * 2, true));
    }
    out ??= { ...ds };
    out[dataTag] = { vr: el.vr, Value: values };
  }
  return out ?? ds;
}
