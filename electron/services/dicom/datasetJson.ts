/**
 * DICOM datasets → DICOM JSON (PS3.18 Annex F): our own reader.
 *
 * Why not dcmjs, which read our metadata before: it throws on a multi-valued Specific Character Set ("Using
 * multiple character sets is not supported"), knows no ISO 2022 escape sequences and ignores a sequence item's own
 * (0008,0005), so a Japanese hospital's studies (ISO 2022 IR 87/13/159 names) would not open at all. Text here goes
 * through common/dicom/charset.ts. dcmjs still lends its data dictionary for implicit VR.
 *
 * Why not dicom-parser for the element walk: it reads OV, SV and UV with a 2-byte length (the Extended Offset Table
 * (7FE0,0001) is OV and sits just before encapsulated pixel data, so it would lose its place there) and it
 * discards private sequences in implicit VR. The walk below is small and tested against the odd files of
 * ../shared/data/pydicom_testfiles_bad_rt.
 *
 * Two passes: the walk records where each value lies (views, never copies), then the conversion decodes values,
 * once each dataset's character set is known, whatever the order of its elements.
 */
import { constants as zlibConstants, inflateRawSync, inflateSync } from 'node:zlib';
import dcmjs from 'dcmjs';
import { decodeDicomText, decodePersonName, trimPadding } from '../../../common/dicom/charset';
import type { DicomJsonDataset, DicomJsonElement, DicomJsonValue } from '../../../common/dicom/dicomJson';
import { userSentence } from './readErrors';

/** The bytes are not a DICOM dataset we can read; the message says why, in words a user can act on. */
export class DicomDataError extends Error {
  constructor(
    message: string,
    /** The library's own message this one replaces (readErrors.ts): shown in `--json` outputs only. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'DicomDataError';
  }
}

const UNDEFINED_LENGTH = 0xffffffff;
/** Binary values up to this size travel inline (base64); larger ones are left out (PS3.18 would use a BulkDataURI). */
const INLINE_BINARY_LIMIT = 16 * 1024;
/** Real SR trees nest a few dozen levels at most; a deeper file is hostile or broken, and recursion has limits. */
const MAX_DEPTH = 64;
/** A deflated dataset may not inflate past this (a "zip bomb" must not take the process down). */
const MAX_INFLATED_BYTES = 1 << 30;

const TAG_SPECIFIC_CHARACTER_SET = 0x00080005;
const TAG_PIXEL_REPRESENTATION = 0x00280103;
const TAG_TRANSFER_SYNTAX_UID = 0x00020010;
/** Float Pixel Data, Double Float Pixel Data, Pixel Data: served by the frames route, never put into JSON. */
const PIXEL_DATA_TAGS = new Set([0x7fe00008, 0x7fe00009, 0x7fe00010]);
/** LUT descriptors are 'US or SS' in the dictionary but their first and third values are always unsigned. */
const LUT_DESCRIPTORS = new Set([0x00281101, 0x00281102, 0x00281103, 0x00283002]);

// ---------------------------------------------------------------------------------------------------------
// Transfer syntax

interface Syntax {
  explicit: boolean;
  little: boolean;
}

const EXPLICIT_LITTLE: Syntax = { explicit: true, little: true };
const IMPLICIT_LITTLE: Syntax = { explicit: false, little: true };

function syntaxOf(transferSyntaxUid: string): Syntax & { deflated: boolean } {
  switch (transferSyntaxUid) {
    case '1.2.840.10008.1.2':
      return { ...IMPLICIT_LITTLE, deflated: false };
    case '1.2.840.10008.1.2.2':
      return { explicit: true, little: false, deflated: false };
    case '1.2.840.10008.1.2.1.99': // Deflated Explicit VR Little Endian
    case '1.2.840.10008.1.2.4.95': // JPIP Referenced Deflate
      return { ...EXPLICIT_LITTLE, deflated: true };
    default: // every other transfer syntax encodes the dataset as explicit VR little endian
      return { ...EXPLICIT_LITTLE, deflated: false };
  }
}

function inflate(deflated: Uint8Array): Uint8Array {
  // Z_SYNC_FLUSH keeps what inflated before a cut-off stream: the metadata usually precedes the damage.
  const options = { maxOutputLength: MAX_INFLATED_BYTES, finishFlush: zlibConstants.Z_SYNC_FLUSH };
  try {
    const inflated = inflateRawSync(deflated, options);
    if (inflated.byteLength === 0 && deflated.byteLength > 0) throw new Error('nothing inflated');
    return inflated;
  } catch (raw) {
    try {
      return inflateSync(deflated, options); // some writers wrap the stream in a zlib header, against the standard
    } catch {
      throw new DicomDataError('The deflated dataset cannot be inflated: it is damaged or cut short', raw instanceof Error ? raw.message : String(raw));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Data dictionary (for implicit VR and for UN elements of known attributes)

/** VRs with a 2-byte length in explicit VR; all others (OB OD OF OL OV OW SQ SV UC UN UR UT UV, and any VR
 *  defined in future, PS3.5 7.1.2) have 2 reserved bytes and a 4-byte length. */
const SHORT_LENGTH_VRS = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM', 'UI', 'UL', 'US']);
const KNOWN_VRS = new Set([...SHORT_LENGTH_VRS, 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
const jsonKey = (tag: number) => tag.toString(16).toUpperCase().padStart(8, '0');
const tagName = (tag: number) => `(${hex4(tag >>> 16)},${hex4(tag & 0xffff)})`;

/** The VR of an attribute as the dictionary has it. dcmjs's context-dependent pseudo-VRs are settled here, except
 *  'xs' (US or SS), which waits for the dataset's Pixel Representation. */
function dictionaryVr(tag: number): string {
  const group = tag >>> 16;
  const element = tag & 0xffff;
  if (element === 0) return 'UL'; // group length
  if (group & 1) return element >= 0x10 && element <= 0xff ? 'LO' : 'UN'; // private creator, private data
  const vr = dcmjs.data.DicomMetaDictionary.dictionary[tagName(tag)]?.vr;
  switch (vr) {
    case undefined:
    case 'na':
      return 'UN';
    case 'ox': // OB or OW: implicit VR little endian always writes OW (PS3.5 A.1)
      return 'OW';
    case 'lt': // LUT Data, US or OW: the values read as numbers either way
      return 'US';
    case 'up': // an offset, UL
      return 'UL';
    default:
      return vr;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The walk: where every element's value lies.

interface RawElement {
  tag: number;
  vr: string;
  /** Byte order of the value: a UN value read by its dictionary VR is implicit little endian (CP-246). */
  little: boolean;
  value?: Uint8Array;
  items?: RawElement[][];
  /** Encapsulated fragments (undefined length): nothing of them goes into JSON. */
  fragments?: boolean;
}

const isUpper = (b: number | undefined) => b !== undefined && b >= 0x41 && b <= 0x5a;

class Walker {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly stopAtPixelData: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u16(pos: number, little: boolean): number {
    return this.view.getUint16(pos, little);
  }

  u32(pos: number, little: boolean): number {
    return this.view.getUint32(pos, little);
  }

  private truncated(pos: number, what: string): DicomDataError {
    return new DicomDataError(`The DICOM dataset is truncated: ${what} at byte ${pos} runs past the end of the data`);
  }

  /** An element header. An explicit VR dataset holding an element without a VR (a known writer fault) is read
   *  as implicit for that element, as DCMTK and pydicom do. */
  header(pos: number, tag: number, syntax: Syntax, end: number): { vr: string; length: number; valueStart: number; implicit: boolean } {
    if (syntax.explicit && isUpper(this.bytes[pos + 4]) && isUpper(this.bytes[pos + 5])) {
      const vr = String.fromCharCode(this.bytes[pos + 4]!, this.bytes[pos + 5]!);
      if (SHORT_LENGTH_VRS.has(vr)) return { vr, length: this.u16(pos + 6, syntax.little), valueStart: pos + 8, implicit: false };
      if (end - pos < 12) throw this.truncated(pos, `the header of ${tagName(tag)}`);
      return { vr, length: this.u32(pos + 8, syntax.little), valueStart: pos + 12, implicit: false };
    }
    return { vr: dictionaryVr(tag), length: this.u32(pos + 4, syntax.little), valueStart: pos + 8, implicit: true };
  }

  /** The elements from `start` to `end`; with `delimited`, up to the item delimitation item instead. */
  dataset(start: number, end: number, syntax: Syntax, depth: number, delimited: boolean): { elements: RawElement[]; next: number } {
    if (depth > MAX_DEPTH) throw new DicomDataError(`The DICOM dataset nests sequences deeper than ${MAX_DEPTH} levels`);
    const elements: RawElement[] = [];
    let pos = start;
    while (pos < end) {
      if (end - pos < 8) {
        if (depth === 0) break; // a few stray bytes after the last element (odd padding) hide nothing
        throw this.truncated(pos, 'an element header');
      }
      const group = this.u16(pos, syntax.little);
      const element = this.u16(pos + 2, syntax.little);
      const tag = ((group << 16) | element) >>> 0;
      if (group === 0xfffe) {
        if (element === 0xe00d && delimited) return { elements, next: pos + 8 };
        // A stray delimiter (some writers add one after a defined-length item) carries nothing: skip it.
        if (element === 0xe00d || element === 0xe0dd) {
          pos += 8;
          continue;
        }
        throw new DicomDataError(`The DICOM dataset has an item ${tagName(tag)} outside any sequence at byte ${pos}`);
      }
      if (depth === 0 && this.stopAtPixelData && PIXEL_DATA_TAGS.has(tag)) return { elements, next: pos };
      const h = this.header(pos, tag, syntax, end);
      if (h.length === UNDEFINED_LENGTH) {
        if (h.vr === 'SQ' || h.vr === 'UN' || h.implicit) {
          // In implicit VR only a sequence has an undefined length; a UN one is a sequence in implicit VR (CP-246).
          const inner = h.vr === 'UN' ? IMPLICIT_LITTLE : syntax;
          const seq = this.sequence(h.valueStart, end, inner, depth, true);
          elements.push({ tag, vr: 'SQ', little: inner.little, items: seq.items });
          pos = seq.next;
        } else {
          pos = this.skipFragments(h.valueStart, end, syntax, tag);
          elements.push({ tag, vr: h.vr, little: syntax.little, fragments: true });
        }
        continue;
      }
      const valueEnd = h.valueStart + h.length;
      if (valueEnd > end) throw this.truncated(pos, `the value of ${tagName(tag)} (${h.length} bytes)`);
      elements.push(this.definedLength(tag, h.vr, h.implicit, h.valueStart, valueEnd, syntax, depth));
      pos = valueEnd;
    }
    if (delimited) throw this.truncated(pos, 'an item without its delimitation item');
    return { elements, next: pos };
  }

  private definedLength(tag: number, vr: string, implicit: boolean, start: number, end: number, syntax: Syntax, depth: number): RawElement {
    const raw: RawElement = { tag, vr, little: syntax.little, value: this.bytes.subarray(start, end) };
    if (vr === 'SQ') return { tag, vr, little: syntax.little, items: this.sequence(start, end, syntax, depth, false).items };
    if (vr !== 'UN') return raw;
    // UN: a private sequence in implicit VR, or a known attribute that passed through a system not knowing it.
    const known = implicit ? 'UN' : dictionaryVr(tag);
    const inner = implicit ? syntax : IMPLICIT_LITTLE;
    const startsWithItem = end - start >= 8 && this.u16(start, inner.little) === 0xfffe && this.u16(start + 2, inner.little) === 0xe000;
    if (known === 'SQ' || (known === 'UN' && startsWithItem)) {
      try {
        return { tag, vr: 'SQ', little: inner.little, items: this.sequence(start, end, inner, depth, false).items };
      } catch (err) {
        if (!(err instanceof DicomDataError)) throw err;
        return raw; // not readable as items after all: keep the bytes, as UN
      }
    }
    return known === 'UN' ? raw : { ...raw, vr: known, little: true };
  }

  private sequence(start: number, end: number, syntax: Syntax, depth: number, delimited: boolean): { items: RawElement[][]; next: number } {
    const items: RawElement[][] = [];
    let pos = start;
    while (pos < end) {
      if (end - pos < 8) throw this.truncated(pos, 'an item header');
      const group = this.u16(pos, syntax.little);
      const element = this.u16(pos + 2, syntax.little);
      const length = this.u32(pos + 4, syntax.little);
      if (group === 0xfffe && element === 0xe0dd) {
        pos += 8;
        if (delimited) return { items, next: pos };
        continue;
      }
      if (group !== 0xfffe || element !== 0xe000) {
        throw new DicomDataError(`The DICOM dataset has ${tagName(((group << 16) | element) >>> 0)} where a sequence item should be, at byte ${pos}`);
      }
      if (length === UNDEFINED_LENGTH) {
        const item = this.dataset(pos + 8, end, syntax, depth + 1, true);
        items.push(item.elements);
        pos = item.next;
      } else {
        const itemEnd = pos + 8 + length;
        if (itemEnd > end) throw this.truncated(pos, `a sequence item (${length} bytes)`);
        items.push(this.dataset(pos + 8, itemEnd, syntax, depth + 1, false).elements);
        pos = itemEnd;
      }
    }
    if (delimited) throw this.truncated(pos, 'a sequence without its delimitation item');
    return { items, next: pos };
  }

  /** Skips encapsulated fragments (an icon image's compressed pixels, say) up to their sequence delimiter. */
  private skipFragments(start: number, end: number, syntax: Syntax, tag: number): number {
    let pos = start;
    while (end - pos >= 8) {
      const group = this.u16(pos, syntax.little);
      const element = this.u16(pos + 2, syntax.little);
      const length = this.u32(pos + 4, syntax.little);
      if (group !== 0xfffe) break;
      if (element === 0xe0dd) return pos + 8;
      if (element !== 0xe000 || length === UNDEFINED_LENGTH || pos + 8 + length > end) break;
      pos += 8 + length;
    }
    throw this.truncated(pos, `the fragments of ${tagName(tag)}`);
  }
}

/** An implicit VR dataset announced as explicit is read per element anyway (see Walker.header); the reverse, an
 *  explicit dataset announced as implicit, shows as a valid VR in the first element's header. */
function correctedSyntax(bytes: Uint8Array, start: number, syntax: Syntax): Syntax {
  if (syntax.explicit || bytes.length - start < 8) return syntax;
  const vr = String.fromCharCode(bytes[start + 4]!, bytes[start + 5]!);
  return KNOWN_VRS.has(vr) ? { ...syntax, explicit: true } : syntax;
}

// ---------------------------------------------------------------------------------------------------------
// Values (PS3.18 F.2)

/** VRs that (0008,0005) governs (PS3.5 6.1.2.3); all other text is in the default repertoire. */
const CHARSET_VRS = new Set(['SH', 'LO', 'UC', 'ST', 'LT', 'UT', 'PN']);
const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DT', 'LO', 'LT', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
/** One value that may contain '\'. */
const SINGLE_VALUED_VRS = new Set(['LT', 'ST', 'UT', 'UR']);
/** Leading spaces are significant in these (PS3.5 6.2): only trailing padding goes. */
const TRAILING_PADDING_ONLY = new Set(['LT', 'ST', 'UT', 'UC', 'UR']);
const BINARY_NUMBER_SIZE: Record<string, number> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, UV: 8, SV: 8 };
/** Word sizes of the binary VRs whose bytes swap with the transfer syntax's byte order. */
const WORD_SIZE: Record<string, number> = { OW: 2, OF: 4, OL: 4, OD: 8, OV: 8 };
/** DS and IS as PS3.5 spells them (IS is read leniently as any decimal: "1.0" is common and harmless). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** PS3.18 F.2.5 writes an empty value among others as null. */
type JsonValue = DicomJsonValue | null;

function withValues(vr: string, values: JsonValue[]): DicomJsonElement {
  if (values.every((v) => v === null)) return { vr };
  // DicomJsonValue (common/dicom/dicomJson.ts) does not list null yet; every reader there tolerates it.
  return { vr, Value: values as DicomJsonValue[] };
}

function texts(value: Uint8Array, vr: string, charsets: string[]): JsonValue[] {
  const text = decodeDicomText(value, CHARSET_VRS.has(vr) ? charsets : [], vr);
  const parts = SINGLE_VALUED_VRS.has(vr) ? [text] : text.split('\\');
  return parts.map((p) => trimPadding(p, !TRAILING_PADDING_ONLY.has(vr)) || null);
}

function decimals(value: Uint8Array, vr: string): JsonValue[] {
  return decodeDicomText(value, [], vr)
    .split('\\')
    .map((p) => {
      const s = trimPadding(p);
      const n = DECIMAL.test(s) ? Number(s) : NaN;
      return Number.isFinite(n) ? n : null; // PS3.18 has these as numbers; an unreadable one is no value at all
    });
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** 64-bit integers: a JSON number where exact, else the decimal string (a JavaScript number would round). */
const int64 = (v: bigint): number | string => (v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v.toString());
/** JSON has no NaN or Infinity. */
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function binaryNumbers(value: Uint8Array, vr: string, little: boolean): JsonValue[] {
  const size = BINARY_NUMBER_SIZE[vr]!;
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out: JsonValue[] = [];
  for (let o = 0; o + size <= value.byteLength; o += size) {
    switch (vr) {
      case 'US': out.push(view.getUint16(o, little)); break;
      case 'SS': out.push(view.getInt16(o, little)); break;
      case 'UL': out.push(view.getUint32(o, little)); break;
      case 'SL': out.push(view.getInt32(o, little)); break;
      case 'FL': out.push(finite(view.getFloat32(o, little))); break;
      case 'FD': out.push(finite(view.getFloat64(o, little))); break;
      case 'UV': out.push(int64(view.getBigUint64(o, little))); break;
      case 'SV': out.push(int64(view.getBigInt64(o, little))); break;
    }
  }
  return out;
}

function attributeTags(value: Uint8Array, little: boolean): JsonValue[] {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out: JsonValue[] = [];
  for (let o = 0; o + 4 <= value.byteLength; o += 4) out.push(hex4(view.getUint16(o, little)) + hex4(view.getUint16(o + 2, little)));
  return out;
}

/** InlineBinary is little endian whatever the dataset's byte order, like everything else in DICOM JSON. */
function inlineBinary(value: Uint8Array, vr: string, little: boolean): DicomJsonElement | undefined {
  if (value.byteLength > INLINE_BINARY_LIMIT) return undefined;
  const width = little ? 0 : (WORD_SIZE[vr] ?? 0);
  let le = value;
  if (width > 1) {
    le = new Uint8Array(value.byteLength);
    for (let i = 0; i + width <= value.byteLength; i += width) for (let b = 0; b < width; b++) le[i + b] = value[i + width - 1 - b]!;
  }
  return { vr, InlineBinary: Buffer.from(le.buffer, le.byteOffset, le.byteLength).toString('base64') };
}

function convertElement(el: RawElement, vr: string, charsets: string[]): DicomJsonElement | undefined {
  if (el.items) return el.items.length ? { vr: 'SQ', Value: el.items.map((item) => convertDataset(item, charsets)) } : { vr: 'SQ' };
  if (el.fragments) return undefined;
  const value = el.value;
  if (!value || value.byteLength === 0) return { vr };
  if (vr === 'PN') {
    return withValues(vr, decodePersonName(value, charsets).map((pn) => (Object.keys(pn).length ? pn : null)));
  }
  if (TEXT_VRS.has(vr)) return withValues(vr, texts(value, vr, charsets));
  if (vr === 'DS' || vr === 'IS') return withValues(vr, decimals(value, vr));
  if (vr === 'AT') return withValues(vr, attributeTags(value, el.little));
  if (BINARY_NUMBER_SIZE[vr]) return withValues(vr, binaryNumbers(value, vr, el.little));
  return inlineBinary(value, vr, el.little);
}

/** The character set a dataset's text is in: its own (0008,0005) (empty means the default repertoire), else the
 *  enclosing dataset's (PS3.5 6.1.2.5.4: a sequence item inherits unless it says otherwise). */
function charsetsOf(elements: RawElement[], inherited: string[]): string[] {
  const own = elements.find((e) => e.tag === TAG_SPECIFIC_CHARACTER_SET);
  if (!own) return inherited;
  if (!own.value || own.value.byteLength === 0) return [];
  // Keep an empty value 1: "\ISO 2022 IR 87" means "ASCII first, JIS X 0208 by escape".
  return decodeDicomText(own.value, [], 'CS').split('\\').map((t) => trimPadding(t));
}

function convertDataset(elements: RawElement[], inherited: string[]): DicomJsonDataset {
  const charsets = charsetsOf(elements, inherited);
  const pixelRepresentation = elements.find((e) => e.tag === TAG_PIXEL_REPRESENTATION);
  const signedPixels = pixelRepresentation?.value && pixelRepresentation.value.byteLength >= 2 && binaryNumbers(pixelRepresentation.value, 'US', pixelRepresentation.little)[0] === 1;
  const out: DicomJsonDataset = {};
  for (const el of elements) {
    // Group lengths describe the binary encoding only and are wrong as soon as anything is re-encoded.
    if ((el.tag & 0xffff) === 0 || PIXEL_DATA_TAGS.has(el.tag)) continue;
    const key = jsonKey(el.tag);
    if (out[key]) continue; // a repeated tag (a broken file): the first one counts
    const vr = el.vr === 'xs' ? (signedPixels && !LUT_DESCRIPTORS.has(el.tag) ? 'SS' : 'US') : el.vr;
    const json = convertElement(el, vr, charsets);
    if (json) out[key] = json;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Public surface

function walk(bytes: Uint8Array, start: number, syntax: Syntax): RawElement[] {
  return new Walker(bytes, true).dataset(start, bytes.byteLength, correctedSyntax(bytes, start, syntax), 0, false).elements;
}

function asDataError(err: unknown): DicomDataError {
  if (err instanceof DicomDataError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  return new DicomDataError(userSentence(raw, 'The DICOM dataset cannot be read'), raw);
}

/**
 * A bare dataset (no preamble, no file meta), e.g. a DIMSE C-FIND response identifier, as DICOM JSON.
 * `inheritedCharset` applies when the dataset has no (0008,0005) of its own. Pixel data is left out.
 * Throws DicomDataError.
 */
export function datasetToDicomJson(bytes: Uint8Array, transferSyntaxUid: string, inheritedCharset: string[] = []): DicomJsonDataset {
  try {
    const syntax = syntaxOf(trimPadding(transferSyntaxUid));
    const data = syntax.deflated ? inflate(bytes) : bytes;
    return convertDataset(walk(data, 0, syntax), inheritedCharset);
  } catch (err) {
    throw asDataError(err);
  }
}

/**
 * A Part 10 file as DICOM JSON, up to the pixel data (which is neither read nor copied, and has no key in the
 * result). The file meta group is not part of the result except the Transfer Syntax UID (0002,0010).
 * Throws DicomDataError.
 */
/** The file meta group: the Transfer Syntax UID and where the dataset starts. Throws DicomDataError. */
function readFileMeta(bytes: Uint8Array): { transferSyntaxUid: string; datasetStart: number } {
  if (bytes.byteLength < 132 || bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d) {
    throw new DicomDataError('Not a DICOM Part 10 file (no "DICM" preamble)');
  }
  // The meta group is explicit VR little endian. Its elements are read while the group is 0002 rather than by
  // the group length, which some writers leave out or get wrong.
  const walker = new Walker(bytes, true);
  let pos = 132;
  let transferSyntaxUid = '';
  while (bytes.byteLength - pos >= 8 && walker.u16(pos, true) === 0x0002) {
    const tag = ((0x0002 << 16) | walker.u16(pos + 2, true)) >>> 0;
    const h = walker.header(pos, tag, EXPLICIT_LITTLE, bytes.byteLength);
    const valueEnd = h.valueStart + h.length;
    if (h.length === UNDEFINED_LENGTH || valueEnd > bytes.byteLength) throw new DicomDataError(`The file meta information is truncated at ${tagName(tag)}`);
    if (tag === TAG_TRANSFER_SYNTAX_UID) transferSyntaxUid = trimPadding(decodeDicomText(bytes.subarray(h.valueStart, valueEnd), [], 'UI'));
    pos = valueEnd;
  }
  if (!transferSyntaxUid) throw new DicomDataError('File meta information has no Transfer Syntax UID');
  return { transferSyntaxUid, datasetStart: pos };
}

/** Where a Part 10 file's top-level pixel data element lies (completeness.ts reads it from there). */
export interface PixelDataLocation {
  transferSyntaxUid: string;
  /** The dataset's bytes: the file itself, or the inflated dataset of a deflated transfer syntax. */
  data: Uint8Array;
  /** Where the dataset starts in `data` (after the file meta group). */
  datasetStart: number;
  /** The position of the first top-level (7FE0,0008/0009/0010) element header, or of fewer than 8 bytes left
   *  after the last element (which may be a pixel data header cut short); undefined when the data ends there. */
  pixelDataAt: number | undefined;
  explicit: boolean;
  little: boolean;
}

/** Walks a Part 10 file up to its pixel data. Throws DicomDataError where the walk itself fails. */
export function locatePixelData(bytes: Uint8Array): PixelDataLocation {
  try {
    const { transferSyntaxUid, datasetStart } = readFileMeta(bytes);
    const syntax = syntaxOf(transferSyntaxUid);
    const data = syntax.deflated ? inflate(bytes.subarray(datasetStart)) : bytes;
    const start = syntax.deflated ? 0 : datasetStart;
    const corrected = correctedSyntax(data, start, syntax);
    const { next } = new Walker(data, true).dataset(start, data.byteLength, corrected, 0, false);
    // Fewer than 8 bytes left after the last element: no element, but maybe the start of one (a cut header).
    const pixelDataAt = next < data.byteLength ? next : undefined;
    return { transferSyntaxUid, data, datasetStart: start, pixelDataAt, explicit: corrected.explicit, little: corrected.little };
  } catch (err) {
    throw asDataError(err);
  }
}

export function part10ToDicomJson(bytes: Uint8Array): { transferSyntaxUid: string; dataset: DicomJsonDataset } {
  try {
    const { transferSyntaxUid, datasetStart: pos } = readFileMeta(bytes);
    const syntax = syntaxOf(transferSyntaxUid);
    const data = syntax.deflated ? inflate(bytes.subarray(pos)) : bytes;
    const elements = walk(data, syntax.deflated ? 0 : pos, syntax);
    // The file meta's Transfer Syntax UID is the one that holds, over any stray copy inside the dataset.
    const { [jsonKey(TAG_TRANSFER_SYNTAX_UID)]: _stray, ...rest } = convertDataset(elements, []);
    const dataset: DicomJsonDataset = { [jsonKey(TAG_TRANSFER_SYNTAX_UID)]: { vr: 'UI', Value: [transferSyntaxUid] }, ...rest };
    return { transferSyntaxUid, dataset };
  } catch (err) {
    throw asDataError(err);
  }
}
