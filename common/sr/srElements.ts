/**
 * Total accessors over the attributes of SR content items (PS3.3 C.17.3, C.18), for contentTree.ts.
 *
 * An SR arrives as DICOM JSON from our own reader, from a PACS's WADO-RS metadata, or from a test; any of them may
 * be damaged. Every accessor here returns a value, `undefined` (absent) or a `Problem` (present but unreadable:
 * wrong VR, a Value that is not a list, an item that is not a dataset), and never throws, whatever the input.
 * The DICOM JSON helpers of common/dicom are used once an element's shape has been checked.
 */
import { formatPersonName, getNumbers, getString, type DicomJsonDataset, type DicomJsonElement, type PersonNameValue } from '../dicom/dicomJson';

/** The SR attributes this folder reads, as DICOM JSON keys. */
export const SrTag = {
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  ContentDate: '00080023',
  ContentTime: '00080033',
  CodeValue: '00080100',
  CodingSchemeDesignator: '00080102',
  CodingSchemeVersion: '00080103',
  CodeMeaning: '00080104',
  MappingResource: '00080105',
  LongCodeValue: '00080119',
  URNCodeValue: '00080120',
  ReferencedSOPClassUID: '00081150',
  ReferencedSOPInstanceUID: '00081155',
  ReferencedFrameNumber: '00081160',
  ReferencedSOPSequence: '00081199',
  MeasurementUnitsCodeSequence: '004008EA',
  ReferencedWaveformChannels: '0040A0B0',
  RelationshipType: '0040A010',
  VerifyingOrganization: '0040A027',
  VerificationDateTime: '0040A030',
  ObservationDateTime: '0040A032',
  ValueType: '0040A040',
  ConceptNameCodeSequence: '0040A043',
  ContinuityOfContent: '0040A050',
  VerifyingObserverSequence: '0040A073',
  VerifyingObserverName: '0040A075',
  DateTime: '0040A120',
  Date: '0040A121',
  Time: '0040A122',
  PersonName: '0040A123',
  UID: '0040A124',
  TemporalRangeType: '0040A130',
  ReferencedSamplePositions: '0040A132',
  ReferencedTimeOffsets: '0040A138',
  ReferencedDateTime: '0040A13A',
  TextValue: '0040A160',
  FloatingPointValue: '0040A161',
  RationalNumeratorValue: '0040A162',
  RationalDenominatorValue: '0040A163',
  ConceptCodeSequence: '0040A168',
  MeasuredValueSequence: '0040A300',
  NumericValueQualifierCodeSequence: '0040A301',
  NumericValue: '0040A30A',
  CompletionFlag: '0040A491',
  CompletionFlagDescription: '0040A492',
  VerificationFlag: '0040A493',
  PreliminaryFlag: '0040A496',
  ContentTemplateSequence: '0040A504',
  ContentSequence: '0040A730',
  TemplateIdentifier: '0040DB00',
  ReferencedContentItemIdentifier: '0040DB73',
  PixelOriginInterpretation: '00480301',
  ReferencedSegmentNumber: '0062000B',
  GraphicData: '00700022',
  GraphicType: '00700023',
  FiducialUID: '0070031A',
  ReferencedFrameOfReferenceUID: '30060024',
} as const;

/** Something present but unreadable, in words a user can be shown. */
export interface Problem {
  problem: string;
}

export function isProblem(x: unknown): x is Problem {
  return typeof x === 'object' && x !== null && 'problem' in x && typeof (x as Problem).problem === 'string';
}

/** A coded concept (PS3.3 8.8): scheme + value, and the meaning to show. */
export interface SrCode {
  /** Code Value, or the Long Code Value / URN Code Value when that is what the item carries. */
  value: string;
  /** Coding Scheme Designator: DCM, SCT, UCUM, SRT… */
  scheme: string;
  /** Code Meaning as written (the code value when the meaning is missing). */
  meaning: string;
  schemeVersion?: string;
}

/** A dataset in the sense of a sequence item: an object that is neither null, an array nor a person name. */
export function isDataset(x: unknown): x is DicomJsonDataset {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Plain words for an attribute in messages. */
function nameOf(tag: string): string {
  for (const [k, v] of Object.entries(SrTag)) if (v === tag) return k.replace(/([a-z])([A-Z])/g, '$1 $2');
  return `(${tag.slice(0, 4)},${tag.slice(4)})`;
}

/**
 * The element at `tag`, when it is an object whose Value (if any) is a list and whose VR (if written) is one of
 * `vrs`. Absent: undefined. A VR is only checked when the element carries one: DICOM JSON requires it, but a
 * missing VR costs the reader nothing.
 */
export function element(ds: DicomJsonDataset, tag: string, vrs: readonly string[]): DicomJsonElement | undefined | Problem {
  const el: unknown = Object.prototype.hasOwnProperty.call(ds, tag) ? ds[tag] : undefined;
  if (el === undefined || el === null) return undefined;
  if (!isDataset(el)) return { problem: `${nameOf(tag)} is not a DICOM JSON element` };
  const vr = (el as { vr?: unknown }).vr;
  if (vr !== undefined && (typeof vr !== 'string' || !vrs.includes(vr))) return { problem: `${nameOf(tag)} has VR ${String(vr)}, not ${vrs.join(' or ')}` };
  const value = (el as { Value?: unknown }).Value;
  if (value !== undefined && !Array.isArray(value)) return { problem: `${nameOf(tag)} has a Value that is not a list` };
  return el as unknown as DicomJsonElement;
}

/** The items of a sequence; a damaged item is kept as a Problem in its place, so that numbering stays right. */
export function sequence(ds: DicomJsonDataset, tag: string): (DicomJsonDataset | Problem)[] | undefined | Problem {
  const el = element(ds, tag, ['SQ']);
  if (el === undefined || isProblem(el)) return el;
  return (el.Value ?? []).map((item, i) => (isDataset(item) && !isPersonName(item) ? item : { problem: `item ${i + 1} of ${nameOf(tag)} is not a dataset` }));
}

/** The first item of a sequence that must hold one; absent when the sequence is absent or empty. */
export function firstItem(ds: DicomJsonDataset, tag: string): DicomJsonDataset | undefined | Problem {
  const items = sequence(ds, tag);
  if (items === undefined || isProblem(items)) return items;
  return items[0];
}

function isPersonName(x: object): boolean {
  return 'Alphabetic' in x || 'Ideographic' in x || 'Phonetic' in x;
}

/**
 * A value as JSON would hold it. Objects that are not plain JSON (boxed strings and numbers; dcmjs's person names,
 * String objects whose toJSON gives a one-item list [{ Alphabetic }]) are taken by their JSON form, so a caller
 * handing us dcmjs's denaturalized output reads the same as one handing us parsed JSON.
 */
export function plain(x: unknown, depth = 0): unknown {
  if (typeof x !== 'object' || x === null) return x;
  if (x instanceof String || x instanceof Number) {
    const toJSON = (x as { toJSON?: unknown }).toJSON;
    if (typeof toJSON !== 'function' || depth > 1) return x.valueOf();
    let j: unknown;
    try {
      j = toJSON.call(x);
    } catch {
      return x.valueOf();
    }
    return plain(Array.isArray(j) && j.length === 1 ? j[0] : j, depth + 1);
  }
  return x;
}

const STRING_VRS = ['AE', 'AS', 'CS', 'DA', 'DT', 'LO', 'LT', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT'];

/** A single string value (trimmed of DICOM padding); undefined when absent or empty. */
export function text(ds: DicomJsonDataset, tag: string, vrs: readonly string[] = STRING_VRS): string | undefined | Problem {
  const el = element(ds, tag, vrs);
  if (el === undefined || isProblem(el)) return el;
  const first = plain(el.Value?.[0]);
  if (first === undefined || first === null) return undefined;
  if (typeof first !== 'string' && typeof first !== 'number') return { problem: `${nameOf(tag)} is not text` };
  const s = getString({ [tag]: { vr: el.vr, Value: [first] } }, tag)?.replace(/[\0 ]+$/, '').replace(/^ +/, '');
  return s === '' ? undefined : s;
}

/** A coded-string value, upper-cased for comparison (CS values are upper-case by definition). */
export function codeString(ds: DicomJsonDataset, tag: string): string | undefined | Problem {
  const s = text(ds, tag, ['CS']);
  return typeof s === 'string' ? s.toUpperCase() : s;
}

/** Every numeric value (IS, DS, US, UL, FL, FD, SL… as numbers or strings); a non-finite one is a Problem. */
export function numbers(ds: DicomJsonDataset, tag: string, vrs: readonly string[]): number[] | undefined | Problem {
  const el = element(ds, tag, vrs);
  if (el === undefined || isProblem(el)) return el;
  const raw = (el.Value ?? []).map(plain) as DicomJsonElement['Value'] & unknown[];
  if (raw.length === 0) return undefined;
  return getNumbers({ [tag]: { vr: el.vr, Value: raw } }, tag) ?? { problem: `${nameOf(tag)} holds a value that is not a number` };
}

/** A person name, both as stored and formatted for display. */
export function personName(ds: DicomJsonDataset, tag: string): { value: PersonNameValue; text: string } | undefined | Problem {
  const el = element(ds, tag, ['PN']);
  if (el === undefined || isProblem(el)) return el;
  const first = plain(el.Value?.[0]);
  if (first === undefined || first === null) return undefined;
  let value: PersonNameValue;
  if (typeof first === 'string') value = { Alphabetic: first };
  else if (isDataset(first) && isPersonName(first)) {
    const pn = first as Record<string, unknown>;
    value = {};
    for (const k of ['Alphabetic', 'Ideographic', 'Phonetic'] as const) if (typeof pn[k] === 'string') value[k] = pn[k] as string;
  } else return { problem: 'Person Name is not a person name' };
  return { value, text: formatPersonName(value) };
}

/** The coded concept of a code sequence's first item (Concept Name, Concept Code, Measurement Units…). */
export function code(ds: DicomJsonDataset, tag: string): SrCode | undefined | Problem {
  const item = firstItem(ds, tag);
  if (item === undefined || isProblem(item)) return item;
  return codeOfItem(item, nameOf(tag));
}

function codeOfItem(item: DicomJsonDataset, what = 'code'): SrCode | Problem {
  const parts = [SrTag.CodeValue, SrTag.LongCodeValue, SrTag.URNCodeValue, SrTag.CodingSchemeDesignator, SrTag.CodingSchemeVersion, SrTag.CodeMeaning].map((t) => text(item, t));
  const bad = parts.find(isProblem);
  if (bad) return { problem: `${what}: ${bad.problem}` };
  const [cv, longCv, urnCv, scheme, version, meaning] = parts as (string | undefined)[];
  const value = cv ?? longCv ?? urnCv;
  if (value === undefined) return { problem: `${what} has no code value` };
  const out: SrCode = { value, scheme: scheme ?? (urnCv !== undefined && cv === undefined && longCv === undefined ? 'URN' : ''), meaning: meaning ?? value };
  if (version !== undefined) out.schemeVersion = version;
  return out;
}

/** Whether `c` is the code `value` in `scheme` (or one of the legacy spellings given). */
export function isCode(c: SrCode | undefined, ...codes: readonly (readonly [scheme: string, value: string])[]): boolean {
  if (!c) return false;
  return codes.some(([scheme, value]) => c.value === value && c.scheme.toUpperCase() === scheme);
}
