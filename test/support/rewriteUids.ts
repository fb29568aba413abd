/**
 * Copies of real DICOM files with other identities (Study/Series/SOP Instance UIDs, Series Description…) whose
 * pixel data stays byte for byte what it was: only top-level header elements are replaced or inserted, in the
 * file's own encoding (implicit/explicit VR, little/big endian; a deflated dataset is inflated, edited and
 * deflated again, which leaves the syntax and the samples as they were). Used where many files of a test set
 * share one SOP Instance UID (cornerstone's transfer-syntax samples), which a store keeps only once.
 *
 * Also: an HTJ2K lossless copy of a native grey image, encoded with the OpenJPH build cornerstone decodes with.
 */
import { createRequire } from 'node:module';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';

export interface NewElement {
  vr: 'UI' | 'LO' | 'IS' | 'CS' | 'SH' | 'DS';
  value: string;
}

/** Tag ('0020000D' style, upper or lower case) → new value. */
export type ElementEdits = Record<string, NewElement>;

export interface Identity {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  seriesDescription?: string;
  seriesNumber?: number;
  patientId?: string;
}

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
export const HTJ2K_LOSSLESS = '1.2.840.10008.1.2.4.201';

/** A UID under 2.25 from a text (stable across runs, so reruns replace rather than duplicate). */
export function uidFor(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const c of Buffer.from(text)) h = ((h ^ BigInt(c)) * 0x100000001b3n) & 0xffffffffffffffffffffffffn;
  return `2.25.${h}`;
}

function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position));
  const out = new Uint8Array(position + inflated.byteLength);
  out.set(bytes.subarray(0, position), 0);
  out.set(inflated, position);
  return out;
}

function padded(e: NewElement): Uint8Array {
  const text = Buffer.from(e.value, 'latin1');
  const out = new Uint8Array(text.length + (text.length % 2));
  out.set(text);
  if (text.length % 2) out[text.length] = e.vr === 'UI' ? 0 : 0x20;
  return out;
}

interface Splice {
  at: number;
  remove: number;
  insert: Uint8Array;
}

function applySplices(bytes: Uint8Array, splices: Splice[]): Uint8Array {
  const sorted = [...splices].sort((a, b) => a.at - b.at);
  const parts: Uint8Array[] = [];
  let pos = 0;
  for (const s of sorted) {
    if (s.at < pos) throw new Error('overlapping edits');
    parts.push(bytes.subarray(pos, s.at), s.insert);
    pos = s.at + s.remove;
  }
  parts.push(bytes.subarray(pos));
  return Buffer.concat(parts);
}

/** Element header + value in the given encoding (only short-length VRs: the ones NewElement allows). */
function encodeElement(tag: string, e: NewElement, explicit: boolean, little: boolean): Uint8Array {
  const value = padded(e);
  const head = new DataView(new ArrayBuffer(8));
  head.setUint16(0, parseInt(tag.slice(0, 4), 16), little);
  head.setUint16(2, parseInt(tag.slice(4, 8), 16), little);
  if (explicit) {
    head.setUint8(4, e.vr.charCodeAt(0));
    head.setUint8(5, e.vr.charCodeAt(1));
    head.setUint16(6, value.length, little);
  } else {
    head.setUint32(4, value.length, little);
  }
  return Buffer.concat([new Uint8Array(head.buffer), value]);
}

/** Splices replacing or inserting top-level elements of ds (all of one group range) in one encoding. */
function elementSplices(ds: dicomParser.DataSet, edits: ElementEdits, explicit: boolean, little: boolean, inRange: (tag: string) => boolean, insertAtEnd: number): Splice[] {
  const present = Object.keys(ds.elements)
    .map((k) => k.slice(1).toUpperCase())
    .filter(inRange)
    .sort();
  const splices: Splice[] = [];
  for (const [rawTag, e] of Object.entries(edits)) {
    const tag = rawTag.toUpperCase();
    const el = ds.elements[`x${tag.toLowerCase()}`];
    if (el) {
      if (explicit && el.vr && !['UI', 'LO', 'IS', 'CS', 'SH', 'DS'].includes(el.vr)) throw new Error(`${tag} has VR ${el.vr}`);
      const headerStart = el.dataOffset - 8;
      splices.push({ at: headerStart, remove: 8 + el.length, insert: encodeElement(tag, { vr: (el.vr as NewElement['vr']) ?? e.vr, value: e.value }, explicit, little) });
    } else {
      const next = present.find((t) => t > tag);
      const nextEl = next ? ds.elements[`x${next.toLowerCase()}`]! : undefined;
      // The header of the next element starts 8 (short VR / implicit) or 12 (long VR) bytes before its value.
      const longVr = explicit && nextEl?.vr !== undefined && ['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UT', 'UN', 'UC', 'UR', 'SV', 'UV'].includes(nextEl.vr);
      const at = nextEl ? nextEl.dataOffset - (longVr ? 12 : 8) : insertAtEnd;
      splices.push({ at, remove: 0, insert: encodeElement(tag, e, explicit, little) });
    }
  }
  return splices;
}

/**
 * Replaces (or inserts) top-level dataset elements and File Meta elements, keeping every other byte, the pixel
 * data included. File Meta Information Group Length is recomputed.
 */
export function editElements(bytes: Uint8Array, dataset: ElementEdits, meta: ElementEdits = {}): Uint8Array {
  const ds = dicomParser.parseDicom(bytes, { inflater } as dicomParser.ParseDicomOptions);
  const full: Uint8Array = ds.byteArray;
  const ts = (ds.string('x00020010') ?? '').replace(/\0/g, '').trim();
  const groupLengthEl = ds.elements['x00020000'];
  if (!groupLengthEl) throw new Error('no File Meta Information Group Length');
  const metaEnd = groupLengthEl.dataOffset + 4 + ds.uint32('x00020000')!;
  const explicit = ts !== IMPLICIT_LE;
  const little = ts !== EXPLICIT_BE;

  const metaBytes = applySplices(full.subarray(0, metaEnd), elementSplices(ds, meta, true, true, (t) => t.startsWith('0002'), metaEnd));
  new DataView(metaBytes.buffer, metaBytes.byteOffset).setUint32(groupLengthEl.dataOffset, metaBytes.length - (groupLengthEl.dataOffset + 4), true);

  const body = applySplices(
    full,
    elementSplices(ds, dataset, explicit, little, (t) => !t.startsWith('0002'), full.length),
  ).subarray(metaEnd); // the splices are all past metaEnd
  return Buffer.concat([metaBytes, ts === DEFLATED ? deflateRawSync(body) : body]);
}

/** A copy with another identity (and Series Description / Number / Patient ID when given). */
export function rewriteIdentity(bytes: Uint8Array, id: Identity): Uint8Array {
  const dataset: ElementEdits = {
    '0020000D': { vr: 'UI', value: id.studyInstanceUid },
    '0020000E': { vr: 'UI', value: id.seriesInstanceUid },
    '00080018': { vr: 'UI', value: id.sopInstanceUid },
  };
  if (id.seriesDescription !== undefined) dataset['0008103E'] = { vr: 'LO', value: id.seriesDescription };
  if (id.seriesNumber !== undefined) dataset['00200011'] = { vr: 'IS', value: String(id.seriesNumber) };
  if (id.patientId !== undefined) dataset['00100020'] = { vr: 'LO', value: id.patientId };
  return editElements(bytes, dataset, { '00020003': { vr: 'UI', value: id.sopInstanceUid } });
}

interface OpenJph {
  HTJ2KEncoder: new () => {
    getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean; isUsingColorTransform: boolean }): Uint8Array;
    setQuality(lossless: boolean, quantizationStep: number): void;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
    delete?(): void;
  };
}

/**
 * An HTJ2K lossless (1.2.840.10008.1.2.4.201) copy of a native explicit VR little endian grey 16-bit file:
 * the samples encoded by OpenJPH (@cornerstonejs/codec-openjph, the decoder the viewer uses), one fragment,
 * empty Basic Offset Table.
 */
export async function htj2kLosslessCopy(bytes: Uint8Array): Promise<Uint8Array> {
  const ds = dicomParser.parseDicom(bytes);
  const ts = (ds.string('x00020010') ?? '').replace(/\0/g, '').trim();
  if (ts !== '1.2.840.10008.1.2.1') throw new Error(`expected explicit VR little endian, got ${ts}`);
  const rows = ds.uint16('x00280010')!;
  const columns = ds.uint16('x00280011')!;
  const bits = ds.uint16('x00280100')!;
  const bitsStored = ds.uint16('x00280101') ?? bits;
  const signed = ds.uint16('x00280103') === 1;
  if (bits !== 16 || (ds.uint16('x00280002') ?? 1) !== 1) throw new Error('only 16-bit grey images');
  const pixel = ds.elements['x7fe00010']!;
  const factory = createRequire(import.meta.url)('@cornerstonejs/codec-openjph') as () => Promise<OpenJph>;
  const codec = await factory();
  const encoder = new codec.HTJ2KEncoder();
  const input = encoder.getDecodedBuffer({ width: columns, height: rows, bitsPerSample: bitsStored, componentCount: 1, isSigned: signed, isUsingColorTransform: false });
  input.set(bytes.subarray(pixel.dataOffset, pixel.dataOffset + rows * columns * 2));
  encoder.setQuality(true, 0);
  encoder.encode();
  const stream = Uint8Array.from(encoder.getEncodedBuffer());
  encoder.delete?.();

  const item = (length: number) => {
    const v = new DataView(new ArrayBuffer(8));
    v.setUint16(0, 0xfffe, true);
    v.setUint16(2, 0xe000, true);
    v.setUint32(4, length, true);
    return new Uint8Array(v.buffer);
  };
  const fragment = new Uint8Array(stream.length + (stream.length % 2));
  fragment.set(stream);
  const header = new Uint8Array([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  const delimiter = new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  const encapsulated = Buffer.concat([bytes.subarray(0, pixel.dataOffset - 12), header, item(0), item(fragment.length), fragment, delimiter]);
  return editElements(encapsulated, {}, { '00020010': { vr: 'UI', value: HTJ2K_LOSSLESS } });
}
