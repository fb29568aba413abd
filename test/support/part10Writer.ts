/**
 * A small, independent Part 10 writer for tests: one image in explicit/implicit VR little endian, explicit big
 * endian, deflated, or RLE lossless (our own encoder, replicate and literal runs), so the pixel tests need no
 * file outside the repository.
 */
import { deflateRawSync } from 'node:zlib';

export const TS = {
  implicit: '1.2.840.10008.1.2',
  explicit: '1.2.840.10008.1.2.1',
  deflate: '1.2.840.10008.1.2.1.99',
  big: '1.2.840.10008.1.2.2',
  rle: '1.2.840.10008.1.2.5',
} as const;

export type Samples = Uint8Array | Int8Array | Uint16Array | Int16Array;

export interface TestImage {
  sopInstanceUid: string;
  rows: number;
  columns: number;
  bitsAllocated: 8 | 16;
  bitsStored?: number;
  signed: boolean;
  /** One array per frame, rows × columns samples each (grayscale). */
  frames: Samples[];
  rescale?: { slope: number; intercept: number };
  /** Marks the image as a lossy derivative of this SOP Instance UID (Lossy Image Compression 01 + Source Image Sequence). */
  derivedFrom?: string;
}

interface El {
  tag: number;
  vr: string;
  value: Uint8Array;
  items?: El[][];
}

const enc = new TextEncoder();
const LONG_VRS = new Set(['OB', 'OW', 'SQ', 'UN', 'UT', 'UC', 'UR']);

function text(vr: string, s: string): Uint8Array {
  const b = enc.encode(s.length % 2 ? s + (vr === 'UI' ? '\0' : ' ') : s);
  return b;
}
function us(v: number, little: boolean): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, little);
  return b;
}

function frameBytes(frame: Samples, little: boolean): Uint8Array {
  if (frame.BYTES_PER_ELEMENT === 1) return new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength).slice();
  const out = new Uint8Array(frame.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < frame.length; i++) dv.setUint16(i * 2, frame[i]! & 0xffff, little);
  return out;
}

/** PackBits-style RLE of one segment: replicate runs of 3 or more, literal runs otherwise; even length. */
function rleSegment(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let run = 1;
    while (i + run < bytes.length && run < 128 && bytes[i + run] === bytes[i]) run++;
    if (run >= 3) {
      out.push(257 - run, bytes[i]!);
      i += run;
      continue;
    }
    let lit = 0;
    while (i + lit < bytes.length && lit < 128) {
      if (i + lit + 2 < bytes.length && bytes[i + lit] === bytes[i + lit + 1] && bytes[i + lit] === bytes[i + lit + 2]) break;
      lit++;
    }
    out.push(lit - 1, ...bytes.subarray(i, i + lit));
    i += lit;
  }
  if (out.length % 2) out.push(0x80); // a no-op control byte
  return out;
}

/**
 * One RLE frame (PS3.5 Annex G): one segment per byte of each sample. `frame` holds samplesPerPixel samples per
 * pixel, interleaved (R G B R G B …) unless `planar` (all R, then all G, then all B).
 */
export function rleFrame(frame: Samples, samplesPerPixel = 1, planar = false): Uint8Array {
  const width = frame.BYTES_PER_ELEMENT;
  const le = frameBytes(frame, true);
  const pixels = Math.floor(frame.length / samplesPerPixel);
  const segments: number[][] = [];
  for (let k = 0; k < samplesPerPixel; k++) {
    for (let b = width - 1; b >= 0; b--) {
      // Segment order: sample by sample, most significant byte first.
      const seg = new Uint8Array(pixels);
      for (let i = 0; i < pixels; i++) seg[i] = le[(planar ? k * pixels + i : i * samplesPerPixel + k) * width + b]!;
      segments.push(rleSegment(seg));
    }
  }
  const header = new Uint8Array(64);
  const dv = new DataView(header.buffer);
  dv.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((s, k) => {
    dv.setUint32(4 + k * 4, offset, true);
    offset += s.length;
  });
  const out = new Uint8Array(offset);
  out.set(header, 0);
  let at = 64;
  for (const s of segments) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

function writeElements(els: El[], explicit: boolean, little: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const el of els) {
    const h = new DataView(new ArrayBuffer(12));
    h.setUint16(0, el.tag >>> 16, little);
    h.setUint16(2, el.tag & 0xffff, little);
    const body = el.items
      ? concat(el.items.flatMap((item) => {
          const inner = writeElements(item, explicit, little);
          const ih = new DataView(new ArrayBuffer(8));
          ih.setUint16(0, 0xfffe, little);
          ih.setUint16(2, 0xe000, little);
          ih.setUint32(4, inner.length, little);
          return [new Uint8Array(ih.buffer), inner];
        }))
      : el.value;
    if (!explicit) {
      h.setUint32(4, body.length, little);
      parts.push(new Uint8Array(h.buffer, 0, 8));
    } else if (LONG_VRS.has(el.vr)) {
      h.setUint8(4, el.vr.charCodeAt(0));
      h.setUint8(5, el.vr.charCodeAt(1));
      h.setUint32(8, body.length, little);
      parts.push(new Uint8Array(h.buffer, 0, 12));
    } else {
      h.setUint8(4, el.vr.charCodeAt(0));
      h.setUint8(5, el.vr.charCodeAt(1));
      h.setUint16(6, body.length, little);
      parts.push(new Uint8Array(h.buffer, 0, 8));
    }
    parts.push(body);
  }
  return concat(parts);
}

/** The parts one after another in one new array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Encapsulated pixel data: undefined length, an empty Basic Offset Table, one fragment per frame. */
function encapsulated(fragments: Uint8Array[]): Uint8Array {
  const item = (bytes: Uint8Array, tag = 0xe000) => {
    const h = new DataView(new ArrayBuffer(8));
    h.setUint16(0, 0xfffe, true);
    h.setUint16(2, tag, true);
    h.setUint32(4, bytes.length, true);
    return [new Uint8Array(h.buffer), bytes];
  };
  const head = new DataView(new ArrayBuffer(12));
  head.setUint16(0, 0x7fe0, true);
  head.setUint16(2, 0x0010, true);
  head.setUint8(4, 0x4f); // 'O'
  head.setUint8(5, 0x42); // 'B'
  head.setUint32(8, 0xffffffff, true);
  return concat([new Uint8Array(head.buffer), ...item(new Uint8Array(0)), ...fragments.flatMap((f) => item(f)), ...item(new Uint8Array(0), 0xe0dd)]);
}

/** `announce`: the transfer syntax written in the meta header, when it should differ from the encoding used. */
export function writePart10(img: TestImage, ts: string, announce = ts): Uint8Array {
  const explicit = ts !== TS.implicit;
  const little = ts !== TS.big;
  const sopClass = '1.2.840.10008.5.1.4.1.1.7';
  const bits = img.bitsAllocated;
  const dataset: El[] = [
    { tag: 0x00080016, vr: 'UI', value: text('UI', sopClass) },
    { tag: 0x00080018, vr: 'UI', value: text('UI', img.sopInstanceUid) },
    { tag: 0x00080060, vr: 'CS', value: text('CS', 'OT') },
  ];
  if (img.derivedFrom) {
    dataset.push({ tag: 0x00082112, vr: 'SQ', value: new Uint8Array(0), items: [[
      { tag: 0x00081150, vr: 'UI', value: text('UI', sopClass) },
      { tag: 0x00081155, vr: 'UI', value: text('UI', img.derivedFrom) },
    ]] });
  }
  dataset.push(
    { tag: 0x00100010, vr: 'PN', value: text('PN', 'Test^Pixels') },
    { tag: 0x00280002, vr: 'US', value: us(1, little) },
    { tag: 0x00280004, vr: 'CS', value: text('CS', 'MONOCHROME2') },
  );
  if (img.frames.length > 1) dataset.push({ tag: 0x00280008, vr: 'IS', value: text('IS', String(img.frames.length)) });
  dataset.push(
    { tag: 0x00280010, vr: 'US', value: us(img.rows, little) },
    { tag: 0x00280011, vr: 'US', value: us(img.columns, little) },
    { tag: 0x00280100, vr: 'US', value: us(bits, little) },
    { tag: 0x00280101, vr: 'US', value: us(img.bitsStored ?? bits, little) },
    { tag: 0x00280102, vr: 'US', value: us((img.bitsStored ?? bits) - 1, little) },
    { tag: 0x00280103, vr: 'US', value: us(img.signed ? 1 : 0, little) },
  );
  if (img.rescale) {
    dataset.push(
      { tag: 0x00281052, vr: 'DS', value: text('DS', String(img.rescale.intercept)) },
      { tag: 0x00281053, vr: 'DS', value: text('DS', String(img.rescale.slope)) },
    );
  }
  if (img.derivedFrom) dataset.push({ tag: 0x00282110, vr: 'CS', value: text('CS', '01') });
  let body: Uint8Array;
  if (ts === TS.rle) {
    body = concat([writeElements(dataset, explicit, little), encapsulated(img.frames.map((f) => rleFrame(f)))]);
  } else {
    const pixels = concat(img.frames.map((f) => frameBytes(f, little)));
    const padded = pixels.length % 2 ? concat([pixels, new Uint8Array(1)]) : pixels;
    body = writeElements([...dataset, { tag: 0x7fe00010, vr: bits === 8 ? 'OB' : 'OW', value: padded }], explicit, little);
  }
  if (ts === TS.deflate) body = new Uint8Array(deflateRawSync(body));

  const metaEls: El[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: text('UI', sopClass) },
    { tag: 0x00020003, vr: 'UI', value: text('UI', img.sopInstanceUid) },
    { tag: 0x00020010, vr: 'UI', value: text('UI', announce) },
  ];
  const meta = writeElements(metaEls, true, true);
  const groupLength = writeElements([{ tag: 0x00020000, vr: 'UL', value: new Uint8Array(new Uint32Array([meta.length]).buffer) }], true, true);
  return concat([new Uint8Array(128), enc.encode('DICM'), groupLength, meta, body]);
}
