/**
 * The bad-input corpus of issue 16: files a hospital disk, a broken transfer or a hostile sender can hand us, made
 * here from a fixed seed so `npm test` needs nothing outside the repository (pydicom's malformed files in
 * ../shared/data/pydicom_testfiles_bad_rt join them when that folder is present). Each entry says which ways of
 * reading it must refuse it: `read` (inspect cannot read it, or reads the header and says why the pixels cannot be),
 * `store` (import and STOW must refuse it). A file where refusing is not required (a byte flip inside the pixels
 * leaves a valid image) only has to fail clearly if it fails at all.
 *
 * The elements are written by hand (explicit VR little endian unless said otherwise) so that lengths, nesting and
 * values can be wrong in exactly the way each case needs; no DICOM library would write these.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { sharedDataDir } from './data';
import { encapsulatedMr, nativeMr } from './incompleteInstances';
import { mulberry32 } from '../../common/registration/random';
import { concat } from './part10Writer';

export interface BadInput {
  /** A file name (unique in the corpus, safe on every file system). */
  name: string;
  bytes: Uint8Array;
  /** Which readings must refuse the file: `read` inspect (error or pixel error), `store` import and STOW. */
  refuse: { read: boolean; store: boolean };
  /** Where the case comes from, for the figures and failure messages. */
  family: string;
}

// ---------------------------------------------------------------------------------------------------------
// A seeded generator (mulberry32): the same corpus on every machine and every run.

/** mulberry32, the registration's sampler: same seed, same corpus (seed 0 is not used here). */
export const seededRandom: (seed: number) => () => number = mulberry32;

function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Hand-written elements

const enc = new TextEncoder();
const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UT', 'UN', 'UC', 'UR', 'SV', 'UV']);
const UNDEFINED = 0xffffffff;


function padded(vr: string, s: string): Uint8Array {
  return enc.encode(s.length % 2 ? s + (vr === 'UI' ? '\0' : ' ') : s);
}

function u16(v: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, true);
  return b;
}

/** One explicit VR little endian element; `length` overrides the true value length (a lie on purpose). */
function el(tag: number, vr: string, value: Uint8Array | string, length?: number): Uint8Array {
  const bytes = typeof value === 'string' ? padded(vr, value) : value;
  const long = LONG_VRS.has(vr);
  const head = new DataView(new ArrayBuffer(long ? 12 : 8));
  head.setUint16(0, tag >>> 16, true);
  head.setUint16(2, tag & 0xffff, true);
  head.setUint8(4, vr.charCodeAt(0));
  head.setUint8(5, vr.charCodeAt(1));
  if (long) head.setUint32(8, length ?? bytes.length, true);
  else head.setUint16(6, length ?? bytes.length, true);
  return concat([new Uint8Array(head.buffer), bytes]);
}

/** An item (FFFE,E000), delimiter (FFFE,E00D) or sequence delimiter (FFFE,E0DD): tag and 4-byte length, no VR. */
function itemTag(element: number, length: number): Uint8Array {
  const h = new DataView(new ArrayBuffer(8));
  h.setUint16(0, 0xfffe, true);
  h.setUint16(2, element, true);
  h.setUint32(4, length, true);
  return new Uint8Array(h.buffer);
}
const item = (content: Uint8Array) => concat([itemTag(0xe000, content.length), content]);
const openItem = (content: Uint8Array) => concat([itemTag(0xe000, UNDEFINED), content]);
const ITEM_END = itemTag(0xe00d, 0);
const SEQ_END = itemTag(0xe0dd, 0);
/** A sequence of defined length holding the given items. */
const seq = (tag: number, items: Uint8Array) => el(tag, 'SQ', items);
/** A sequence of undefined length (the caller closes it, or not). */
const openSeq = (tag: number) => el(tag, 'SQ', new Uint8Array(0), UNDEFINED);

const T = {
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  Modality: 0x00080060,
  ReferencedImageSequence: 0x00081140,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  InstanceNumber: 0x00200013,
  SamplesPerPixel: 0x00280002,
  Photometric: 0x00280004,
  NumberOfFrames: 0x00280008,
  Rows: 0x00280010,
  Columns: 0x00280011,
  BitsAllocated: 0x00280100,
  BitsStored: 0x00280101,
  HighBit: 0x00280102,
  PixelRepresentation: 0x00280103,
  PixelData: 0x7fe00010,
} as const;

export const BAD_STUDY = '1.2.826.0.1.3680043.9.7777.1616.1';
export const BAD_SERIES = '1.2.826.0.1.3680043.9.7777.1616.2';
const SOP_ROOT = '1.2.826.0.1.3680043.9.7777.1616.3';
const MR_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const TS = {
  implicit: '1.2.840.10008.1.2',
  explicit: '1.2.840.10008.1.2.1',
  deflate: '1.2.840.10008.1.2.1.99',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegLossless: '1.2.840.10008.1.2.4.70',
  jpegLs: '1.2.840.10008.1.2.4.80',
  j2k: '1.2.840.10008.1.2.4.90',
  htj2k: '1.2.840.10008.1.2.4.201',
  rle: '1.2.840.10008.1.2.5',
} as const;

/** The preamble, "DICM" and the file meta group; `ts` null leaves the Transfer Syntax UID out. */
function fileMeta(sop: string, ts: string | null, sopClass = MR_STORAGE): Uint8Array {
  const els = [el(0x00020001, 'OB', new Uint8Array([0, 1])), el(0x00020002, 'UI', sopClass), el(0x00020003, 'UI', sop)];
  if (ts !== null) els.push(el(0x00020010, 'UI', ts));
  const meta = concat(els);
  const groupLength = el(0x00020000, 'UL', new Uint8Array(new Uint32Array([meta.length]).buffer));
  return concat([new Uint8Array(128), enc.encode('DICM'), groupLength, meta]);
}

interface ImageSpec {
  sop: string;
  study?: string;
  series?: string;
  rows?: number;
  columns?: number;
  /** The Number of Frames text, or undefined for none (one frame). */
  frames?: string;
  bitsAllocated?: number;
  bitsStored?: number;
  /** Elements put between the patient module and the image pixel module (sequences, lies). */
  extra?: Uint8Array;
  /** The Pixel Data element whole (header included); default: native, exactly the size the header announces. */
  pixelData?: Uint8Array;
}

/** The dataset of a small MR image (64 × 64 16-bit by default), elements in tag order. */
function imageDataset(s: ImageSpec): Uint8Array {
  const rows = s.rows ?? 64;
  const columns = s.columns ?? 64;
  const bits = s.bitsAllocated ?? 16;
  const frames = Number(s.frames ?? 1);
  const size = Number.isSafeInteger(rows * columns * frames * bits) ? Math.ceil((rows * columns * frames * bits) / 8) : 0;
  const pixels = s.pixelData ?? el(T.PixelData, bits > 8 ? 'OW' : 'OB', new Uint8Array(size + (size % 2)).map((_, i) => (i * 7) & 0xff));
  return concat([
    el(T.SOPClassUID, 'UI', MR_STORAGE),
    el(T.SOPInstanceUID, 'UI', s.sop),
    el(T.Modality, 'CS', 'MR'),
    ...(s.extra ? [s.extra] : []),
    el(T.PatientName, 'PN', 'Bad^Input'),
    el(T.PatientID, 'LO', 'BAD-16'),
    el(T.StudyInstanceUID, 'UI', s.study ?? BAD_STUDY),
    el(T.SeriesInstanceUID, 'UI', s.series ?? BAD_SERIES),
    el(T.InstanceNumber, 'IS', '1'),
    el(T.SamplesPerPixel, 'US', u16(1)),
    el(T.Photometric, 'CS', 'MONOCHROME2'),
    ...(s.frames !== undefined ? [el(T.NumberOfFrames, 'IS', s.frames)] : []),
    el(T.Rows, 'US', u16(rows)),
    el(T.Columns, 'US', u16(columns)),
    el(T.BitsAllocated, 'US', u16(bits)),
    el(T.BitsStored, 'US', u16(s.bitsStored ?? bits)),
    el(T.HighBit, 'US', u16(Math.max(0, (s.bitsStored ?? bits) - 1))),
    el(T.PixelRepresentation, 'US', u16(0)),
    pixels,
  ]);
}

function imageFile(s: ImageSpec, ts: string | null = TS.explicit): Uint8Array {
  return concat([fileMeta(s.sop, ts), imageDataset(s)]);
}

/** Encapsulated pixel data: an empty Basic Offset Table and the given fragments; `close` false leaves out the delimiter. */
function encapsulated(fragments: readonly Uint8Array[], close = true): Uint8Array {
  return concat([el(T.PixelData, 'OB', new Uint8Array(0), UNDEFINED), item(new Uint8Array(0)), ...fragments.map(item), ...(close ? [SEQ_END] : [])]);
}

/** Where an element's tag first occurs in the file after the meta group (explicit VR LE). */
function findTag(bytes: Uint8Array, tag: number, from = 132): number {
  const g = tag >>> 16;
  const e = tag & 0xffff;
  for (let i = from; i + 4 <= bytes.length; i++) {
    if (bytes[i] === (g & 0xff) && bytes[i + 1] === g >> 8 && bytes[i + 2] === (e & 0xff) && bytes[i + 3] === e >> 8) return i;
  }
  throw new Error(`tag ${tag.toString(16)} not in the file`);
}

// ---------------------------------------------------------------------------------------------------------
// The corpus

const both = { read: true, store: true } as const;
const storeOnly = { read: false, store: true } as const;
const neither = { read: false, store: false } as const;

/** Compressed frames whose fragments are all there: the store keeps them (it does not decode); reading refuses. */
const readOnly = { read: true, store: false } as const;

/** The generated cases (no file outside the repository); deterministic for a given seed. */
export function generatedBadInputs(seed = 16): BadInput[] {
  const rand = seededRandom(seed);
  const out: BadInput[] = [];
  let n = 0;
  const sop = () => `${SOP_ROOT}.${++n}`;
  const add = (family: string, name: string, bytes: Uint8Array, refuse: BadInput['refuse']) => out.push({ name: `${family}-${name}.dcm`, bytes, refuse, family });

  // Truncated at 24 offsets spread over the whole file: preamble, meta, header, pixel data (native), and 12 in an
  // RLE file (fragments, their items, the delimiter). Each offset drawn within its twenty-fourth of the file.
  const native = nativeMr({ sop: sop() });
  for (let i = 0; i < 24; i++) {
    const at = Math.floor(((i + rand()) / 24) * (native.length - 1)) + 1;
    add('truncated', `native-${String(at).padStart(5, '0')}`, native.slice(0, at), both);
  }
  const rle = encapsulatedMr({ sop: sop(), frames: 3 });
  for (let i = 0; i < 12; i++) {
    const at = Math.floor(((i + rand()) / 12) * (rle.length - 1)) + 1;
    add('truncated', `rle-${String(at).padStart(5, '0')}`, rle.slice(0, at), both);
  }

  // Wrong value lengths: odd, too long by a little, running past the end, on text, numbers, UIDs and the pixels.
  const lengthLies: [string, number, number][] = [
    ['patientname-past-end', T.PatientName, 0xfff0],
    ['patientname-plus-2', T.PatientName, -2],
    ['rows-odd', T.Rows, 3],
    ['rows-zero', T.Rows, 0],
    ['rows-long', T.Rows, 6],
    ['sopuid-past-end', T.SOPInstanceUID, 0xfffe],
    ['studyuid-odd', T.StudyInstanceUID, 7],
    ['bitsallocated-one', T.BitsAllocated, 1],
    ['pixeldata-past-end', T.PixelData, 0x7ffffff0],
    ['pixeldata-short', T.PixelData, 100],
    ['pixeldata-odd', T.PixelData, 8191],
    ['modality-past-end', T.Modality, 0x8000],
  ];
  for (const [name, tag, lie] of lengthLies) {
    const bytes = imageFile({ sop: sop() });
    const at = findTag(bytes, tag);
    const long = tag === T.PixelData;
    const view = new DataView(bytes.buffer);
    const trueLength = long ? view.getUint32(at + 8, true) : view.getUint16(at + 6, true);
    const length = lie < 0 ? trueLength - lie : lie;
    if (long) view.setUint32(at + 8, length, true);
    else view.setUint16(at + 6, length, true);
    add('vr-length', name, bytes, both);
  }
  // A VR that is not one (two bytes of garbage where the VR belongs): the walk cannot know the header size.
  for (const vr of ['\u0000\u0000', 'ZZ', 'ob']) {
    const bytes = imageFile({ sop: sop() });
    const at = findTag(bytes, T.PatientID);
    bytes[at + 4] = vr.charCodeAt(0);
    bytes[at + 5] = vr.charCodeAt(1);
    add('vr-length', `bad-vr-${Buffer.from(vr, 'latin1').toString('hex')}`, bytes, neither);
  }

  // Undefined-length items and sequences never closed: the file ends (or the pixel data starts) inside them.
  const refItem = concat([el(0x00081150, 'UI', MR_STORAGE), el(0x00081155, 'UI', `${SOP_ROOT}.999`)]);
  add('unclosed', 'item-at-end', concat([fileMeta(sop(), TS.explicit), el(T.SOPClassUID, 'UI', MR_STORAGE), el(T.SOPInstanceUID, 'UI', `${SOP_ROOT}.${n}`), openSeq(T.ReferencedImageSequence), openItem(refItem)]), both);
  add('unclosed', 'sequence-at-end', concat([fileMeta(sop(), TS.explicit), el(T.SOPClassUID, 'UI', MR_STORAGE), el(T.SOPInstanceUID, 'UI', `${SOP_ROOT}.${n}`), openSeq(T.ReferencedImageSequence), openItem(refItem), ITEM_END]), both);
  add('unclosed', 'item-swallows-image', imageFile({ sop: sop(), extra: concat([openSeq(T.ReferencedImageSequence), openItem(refItem)]) }), both);
  add('unclosed', 'sequence-swallows-image', imageFile({ sop: sop(), extra: concat([openSeq(T.ReferencedImageSequence), openItem(refItem), ITEM_END]) }), both);
  add('unclosed', 'item-delimiter-without-item', imageFile({ sop: sop(), extra: concat([openSeq(T.ReferencedImageSequence), ITEM_END, ITEM_END]) }), neither);
  add('unclosed', 'pixel-fragments-no-delimiter', imageFile({ sop: sop(), pixelData: encapsulated([randomBytes(rand, 200)], false) }, TS.rle), both);
  add('unclosed', 'pixel-fragment-undefined-length', imageFile({ sop: sop(), pixelData: concat([el(T.PixelData, 'OB', new Uint8Array(0), UNDEFINED), item(new Uint8Array(0)), itemTag(0xe000, UNDEFINED), randomBytes(rand, 64)]) }, TS.rle), both);
  add('unclosed', 'defined-item-longer-than-sequence', imageFile({ sop: sop(), extra: el(T.ReferencedImageSequence, 'SQ', concat([itemTag(0xe000, 400), refItem]), 8 + refItem.length) }), both);

  // Sequences nested 1000 deep (defined and undefined lengths), and just past what a real SR needs.
  const nested = (depth: number, defined: boolean): Uint8Array => {
    let inner = el(0x0040a160, 'UT', 'leaf');
    for (let d = 0; d < depth; d++) inner = defined ? seq(0x0040a730, item(inner)) : concat([openSeq(0x0040a730), openItem(inner), ITEM_END, SEQ_END]);
    return inner;
  };
  add('nested', '1000-defined', imageFile({ sop: sop(), extra: nested(1000, true) }), both);
  add('nested', '1000-undefined', imageFile({ sop: sop(), extra: nested(1000, false) }), both);
  add('nested', '1000-undefined-unclosed', concat([fileMeta(sop(), TS.explicit), el(T.SOPClassUID, 'UI', MR_STORAGE), ...Array.from({ length: 1000 }, () => concat([openSeq(0x0040a730), itemTag(0xe000, UNDEFINED)]))]), both);
  add('nested', '100-defined', imageFile({ sop: sop(), extra: nested(100, true) }), both);

  // Rows × columns × frames that overflow what any buffer (or a 32-bit count) can hold; the pixel data is small.
  const overflow: [string, number, number, string | undefined, number][] = [
    ['max-rows-cols', 65535, 65535, undefined, 16],
    ['max-rows-cols-frames', 65535, 65535, '2147483647', 16],
    ['frames-2e9', 512, 512, '2000000000', 16],
    ['frames-1e12', 64, 64, '1000000000000', 16],
    ['frames-1e309', 64, 64, '1e309', 16],
    ['frames-negative', 64, 64, '-5', 16],
    ['frames-zero', 64, 64, '0', 16],
    ['frames-nan', 64, 64, 'many', 16],
    ['rows-zero', 0, 64, undefined, 16],
    ['frames-32bit-wrap', 65535, 65535, '1025', 32],
  ];
  for (const [name, rows, columns, frames, bits] of overflow) {
    add('overflow', name, imageFile({ sop: sop(), rows, columns, ...(frames === undefined ? {} : { frames }), bitsAllocated: bits, pixelData: el(T.PixelData, 'OW', randomBytes(rand, 8192)) }), both);
  }

  // Bits Allocated 0, 7 and 64 (and 12 and 33), native and RLE.
  for (const bits of [0, 7, 64, 12, 33]) {
    add('bits', `native-${bits}`, imageFile({ sop: sop(), bitsAllocated: bits, pixelData: el(T.PixelData, 'OW', randomBytes(rand, 8192)) }), both);
    add('bits', `rle-${bits}`, imageFile({ sop: sop(), bitsAllocated: bits, pixelData: encapsulated([randomBytes(rand, 256)]) }, TS.rle), bits === 64 ? readOnly : both);
  }

  // Unknown or missing transfer syntax.
  const syntaxes: [string, string | null][] = [
    ['missing', null],
    ['unknown', '1.2.3.4.5.6.7'],
    ['empty', ''],
    ['words', 'explicit little endian'],
    ['path', '../../etc/passwd'],
    ['retired-big-endian-like', '1.2.840.10008.1.2.2.99'],
    ['private', '1.2.826.0.1.3680043.9.7777.99'],
  ];
  for (const [name, ts] of syntaxes) add('syntax', name, imageFile({ sop: sop() }, ts), both);
  // A deflated transfer syntax over bytes that do not inflate, and one whose dataset inflates to garbage.
  add('syntax', 'deflate-not-deflated', imageFile({ sop: sop() }, TS.deflate), both);
  add('syntax', 'deflate-garbage', concat([fileMeta(sop(), TS.deflate), new Uint8Array(deflateRawSync(randomBytes(rand, 4096)))]), both);

  // Garbage where the compressed frames should be, in each codec we decode; plus RLE headers that lie.
  for (const [codec, ts] of [['jpeg', TS.jpegBaseline], ['jpeg-lossless', TS.jpegLossless], ['jpeg-ls', TS.jpegLs], ['j2k', TS.j2k], ['htj2k', TS.htj2k], ['rle', TS.rle]] as const) {
    add('garbage-frames', `${codec}-random`, imageFile({ sop: sop(), pixelData: encapsulated([randomBytes(rand, 512)]) }, ts), readOnly);
    add('garbage-frames', `${codec}-empty-fragment`, imageFile({ sop: sop(), pixelData: encapsulated([new Uint8Array(0)]) }, ts), readOnly);
  }
  // JPEG markers with nothing sensible after them, and a J2K codestream header cut short.
  add('garbage-frames', 'jpeg-soi-eoi', imageFile({ sop: sop(), pixelData: encapsulated([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])]) }, TS.jpegBaseline), readOnly);
  add('garbage-frames', 'jpeg-sof-lies', imageFile({ sop: sop(), pixelData: encapsulated([new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01, 0x11, 0x00, 0xff, 0xd9, 0x00])]) }, TS.jpegBaseline), readOnly);
  add('garbage-frames', 'j2k-siz-cut', imageFile({ sop: sop(), pixelData: encapsulated([new Uint8Array([0xff, 0x4f, 0xff, 0x51, 0x00, 0x29, 0x00, 0x00])]) }, TS.j2k), readOnly);
  const rleHeader = (segments: number, offsets: number[]) => {
    const h = new DataView(new ArrayBuffer(64));
    h.setUint32(0, segments, true);
    offsets.forEach((o, i) => h.setUint32(4 + i * 4, o, true));
    return new Uint8Array(h.buffer);
  };
  add('garbage-frames', 'rle-15-segments', imageFile({ sop: sop(), pixelData: encapsulated([concat([rleHeader(15, [64]), randomBytes(rand, 64)])]) }, TS.rle), readOnly);
  add('garbage-frames', 'rle-offset-past-end', imageFile({ sop: sop(), pixelData: encapsulated([concat([rleHeader(2, [64, 100000]), randomBytes(rand, 64)])]) }, TS.rle), readOnly);
  add('garbage-frames', 'rle-zero-segments', imageFile({ sop: sop(), pixelData: encapsulated([rleHeader(0, [])]) }, TS.rle), readOnly);
  add('garbage-frames', 'rle-offset-backwards', imageFile({ sop: sop(), pixelData: encapsulated([concat([rleHeader(2, [200, 64]), randomBytes(rand, 200)])]) }, TS.rle), readOnly);
  add('garbage-frames', 'native-announced-as-jpeg', imageFile({ sop: sop() }, TS.jpegBaseline), both);

  // UIDs that would climb out of a folder, or that no UID can be: the header reads, the store refuses.
  const uids: [string, Partial<Pick<ImageSpec, 'sop' | 'study' | 'series'>>][] = [
    ['sop-dotdot', { sop: '../../../../tmp/dokuei-escape' }],
    ['sop-dotdot-digits', { sop: '1.2.840/../../1' }],
    ['sop-200-digits', { sop: '1.'.repeat(99) + '12' }],
    ['study-dotdot', { study: '../..' }],
    ['study-200-digits', { study: `1.2.${'9'.repeat(196)}` }],
    ['series-dotdot', { series: '..' }],
    ['series-slash', { series: '1.2.3/4' }],
    ['sop-empty', { sop: '' }],
    ['sop-nul', { sop: '1.2.3\u00004' }],
  ];
  for (const [name, u] of uids) add('uid', name, imageFile({ sop: sop(), ...u }), storeOnly);
  // A backslash separates values: this UID's first value, "1.2", is the one read, and it is a safe one.
  add('uid', 'sop-backslash', imageFile({ sop: '1.2\\..\\..\\3' }), neither);

  // Files that are not DICOM at all.
  const notDicom: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['text', enc.encode('Patient list\nYAMADA^Tarou 1970-01-01\n')],
    ['png', concat([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(rand, 200)])],
    ['pdf', enc.encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n')],
    ['zip', concat([new Uint8Array([0x50, 0x4b, 0x03, 0x04]), randomBytes(rand, 300)])],
    ['json', enc.encode('{"00100010":{"vr":"PN","Value":[{"Alphabetic":"Json^Not^Part10"}]}}')],
    ['random-1k', randomBytes(rand, 1024)],
    ['random-64k', randomBytes(rand, 65536)],
    ['preamble-only', new Uint8Array(128)],
    ['dicm-only', concat([new Uint8Array(128), enc.encode('DICM')])],
    ['dicm-at-zero', concat([enc.encode('DICM'), imageDataset({ sop: sop() })])],
    ['elf', concat([new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(rand, 500)])],
  ];
  for (const [name, bytes] of notDicom) add('not-dicom', name, bytes, both);
  // A dataset without preamble or meta (what some old modalities write): not a Part 10 file.
  add('not-dicom', 'raw-dataset', imageDataset({ sop: sop() }), both);

  // Random damage to a valid file: 1 to 8 bytes overwritten anywhere. Many such files are still valid images
  // (a byte in the pixels), so nothing must refuse them; whatever does must say why clearly.
  for (let i = 0; i < 40; i++) {
    const bytes = i % 2 ? encapsulatedMr({ sop: sop(), frames: 2 }) : nativeMr({ sop: sop() });
    const flips = 1 + Math.floor(rand() * 8);
    // Most of them in the first 600 bytes, where the structure is; a byte flip in pixels reads fine.
    for (let f = 0; f < flips; f++) bytes[Math.floor(rand() * Math.min(bytes.length, i % 4 === 3 ? bytes.length : 600))] = Math.floor(rand() * 256);
    add('flipped', String(i).padStart(2, '0'), bytes, neither);
  }
  return out;
}

/** pydicom's malformed and odd files (../shared/data/pydicom_testfiles_bad_rt), when this machine has them. */
export function pydicomBadInputs(): BadInput[] {
  const dir = sharedDataDir('pydicom_testfiles_bad_rt');
  if (!dir || !existsSync(dir)) return [];
  // Cut short inside the pixel data: nothing may store them as complete (the first finding).
  const truncated = new Set(['MR_truncated.dcm']);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .sort()
    .map((f) => ({
      name: `pydicom-${f}`,
      bytes: new Uint8Array(readFileSync(path.join(dir, f))),
      refuse: truncated.has(f) ? both : neither,
      family: 'pydicom',
    }));
}

/** The whole corpus: the generated cases and, when present, pydicom's files. */
export function badInputCorpus(seed = 16): BadInput[] {
  return [...generatedBadInputs(seed), ...pydicomBadInputs()];
}

/**
 * Whether a message is one a user can read: a sentence of ours, not a library's or the runtime's words
 * ("dicomParser:readFixedString: …", "Cannot read properties of undefined", a stack line, an object dump).
 */
export function isClearMessage(message: unknown): boolean {
  if (typeof message !== 'string') return false;
  const m = message.trim();
  if (m.length < 8 || m.length > 600) return false;
  if (!/^[A-Z0-9]/.test(m)) return false;
  return !/^\w+:\w+|dicomParser|buffer overrun|Uint\d+Array|Int\d+Array|Float\d+Array|Cannot read propert|is not a function|is not defined|undefined|\[object |NaN|\n\s+at |RangeError|TypeError|SyntaxError|Maximum call stack|ERR_[A-Z_]+|Invalid typed array|Array buffer allocation|offset is out of bounds/i.test(m);
}

/** Why a message is not clear, for a failing test's output. */
export function unclearMessages<T>(entries: readonly T[], message: (e: T) => unknown, name: (e: T) => string): string[] {
  return entries.filter((e) => !isClearMessage(message(e))).map((e) => `${name(e)}: ${JSON.stringify(message(e))}`);
}
