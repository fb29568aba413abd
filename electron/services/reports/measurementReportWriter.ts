/**
 * The viewer's measurements as a DICOM Comprehensive 3D SR (SOP Class 1.2.840.10008.5.1.4.1.1.88.34, PS3.3 A.35.13)
 * holding a TID 1500 Imaging Measurement Report (issue #19), written with dcmjs like rwvm.ts and
 * spatialRegistration.ts. The content is laid out the way dcmjs's Cornerstone3D adapter writes and reads it, so that
 * OHIF/cornerstone viewers (MeasurementReport.generateToolState) draw Length, EllipticalROI and Probe again, and our
 * own reader (common/sr/tid1500.ts) reads every tool back:
 *
 *   CONTAINER (126000, DCM) "Imaging Measurement Report", template 1500 DCMR
 *     HAS CONCEPT MOD  CODE (121049) Language of Content … → en/ja (RFC5646), with Country of Language (121046)
 *     HAS OBS CONTEXT  CODE (121005) Observer Type → (121006) Person; PNAME (121008) Person Observer Name
 *     HAS CONCEPT MOD  CODE (121058) Procedure reported → (363679005, SCT) Imaging procedure
 *     CONTAINS         CONTAINER (111028) Image Library
 *                        CONTAINS CONTAINER (126200) Image Library Group, one per series
 *                          HAS ACQ CONTEXT UIDREF (112227) Frame of Reference UID, when known (TID 1602)
 *                          CONTAINS IMAGE, one per referenced instance
 *     CONTAINS         CONTAINER (126010) Imaging Measurements
 *                        CONTAINS CONTAINER (125007) Measurement Group, one per measurement (TID 1501):
 *                          HAS OBS CONTEXT TEXT (112039) Tracking Identifier "Cornerstone3DTools@^0.1.0:<Tool>"
 *                                          (cornerstone's tools) or "Dokuei@1:<Tool>" (SphereROI, EllipseROI3D,
 *                                          CurvedPath)
 *                          HAS OBS CONTEXT UIDREF (112040) Tracking Unique Identifier
 *                          CONTAINS CODE (121071) Finding → (CS3DTEXT, 99dcmjs, <label>), when labelled
 *                          CONTAINS NUM …, the first one with the geometry:
 *                            INFERRED FROM SCOORD (image pixels) → SELECTED FROM IMAGE, or SCOORD3D (mm)
 *
 * Why each choice:
 * - The first NUM is always the tool's own quantity (Length: length, Angle: angle, EllipticalROI/RectangleROI: area,
 *   SphereROI: volume, EllipseROI3D: area, CurvedPath: length) and carries the region, because dcmjs's readers take the first NUM's
 *   value as that quantity and its SCOORD as the drawing. When the viewer has no such value (no calibration, or no
 *   value at all) the NUM is written without one: an empty Measured Value Sequence with the Numeric Value Qualifier
 *   (114007, DCM) "Measurement not attempted" (PS3.3 C.18.1.1, a valid NUM). The geometry is then still where every
 *   reader looks, and dcmjs does not stumble over a group without a NUM (its reader throws on one).
 * - Probe: as dcmjs writes it, a NUM (111010, DCM) "Center" = 0 with unit "1" carries the POINT; the probed value(s)
 *   follow as NUMs of their own.
 * - A free-text label is the finding (121071) coded (CS3DTEXT, 99dcmjs, label), what dcmjs 0.52 writes and reads;
 *   its legacy code CORNERSTONEFREETEXT is longer than an SH allows (16), which dciodvfy reports as an error. The
 *   private scheme is declared in the Coding Scheme Identification Sequence, as dcmjs does.
 * - Units are UCUM (mm, mm2, deg, [hnsf'U], {SUVbw}g/ml, 1…); a unit longer than 16 characters goes into Long Code
 *   Value (0008,0119), since Code Value is an SH.
 * - SUV statistics: concept SUVbw (126401, DCM; or the SUV type the unit names) with a Derivation (121401, DCM)
 *   concept modifier — Maximum, Mean or Peak Value Within ROI (126031, DCM) — as TID 1419/1411 put them.
 *   A probe's plain value: Attenuation Coefficient (112031, DCM) for HU, the SUV concept for SUV, else Quantity
 *   (246205007, SCT).
 * - Values are DS (≤ 16 characters); where that loses precision the exact double also goes in Floating Point Value
 *   (0040,A161), which readers prefer.
 * - SphereROI (centre and a point on the surface) is a SCOORD3D ELLIPSOID of three equal orthogonal axes; the first
 *   axis runs from the point opposite the surface point to the surface point itself, so the centre is the middle of
 *   the first axis and the surface point its second end (common/sr/tid1500.ts `ellipsoidAsSphere`). An ELLIPSOID,
 *   rather than a POINT with a radius NUM, keeps the sphere one region any SCOORD3D reader can draw.
 * - EllipseROI3D (the PET/CT layout's ellipse, in the plane it was drawn in): a SCOORD3D ELLIPSE, the major axis first.
 * - CurvedPath: SCOORD3D POLYLINE of its points. All three carry Referenced Frame of Reference UID (PS3.3 C.18.9).
 *
 * Modules (PS3.3 A.35.13): Patient and General Study copied from a header of the study (its decoded strings, written
 * as UTF-8 with Specific Character Set ISO_IR 192 when any text is not ASCII, e.g. a Japanese name read from ISO 2022
 * IR 87), SR Document Series (Modality SR, empty Referenced Performed Procedure Step Sequence), General Equipment
 * and Enhanced General Equipment, SR Document General (Instance Number, COMPLETE, UNVERIFIED, Content Date/Time,
 * empty Performed Procedure Code Sequence, Current Requested Procedure Evidence Sequence of every referenced image,
 * Predecessor Documents Sequence when given), SR Document Content, SOP Common.
 */
import dcmjs from 'dcmjs';
import { getString, type DicomJsonDataset, type DicomJsonElement } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { savedMeasurementSchema, type SavedMeasurement, type SavedQuantity, type SavedTool, type SavedValue } from '../../../common/sr/savedMeasurements';
import { DOKUEI_IMPLEMENTATION_CLASS_UID, DOKUEI_IMPLEMENTATION_VERSION } from '../pacs/dimse/part10Writer';
import { formatDs } from '../registration/spatialRegistration';
import { QUANTITY_CONCEPT, SUV_TYPE_CODES } from '../suv/rwvm';
import { VERSION } from '../version';

interface DcmjsWriter {
  DicomDict: new (meta: unknown) => { dict: Record<string, unknown>; write(): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(ds: unknown): Record<string, unknown> };
}
const { DicomDict, DicomMetaDictionary } = (dcmjs as unknown as { data: DcmjsWriter }).data;

export const COMPREHENSIVE_3D_SR_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.88.34';
/** dcmjs's tracking identifier prefix for cornerstone3D tools (CORNERSTONE_3D_TAG). */
export const CORNERSTONE_3D_TAG = 'Cornerstone3DTools@^0.1.0';
/** Ours, for the tools dcmjs has no adapter for: its readers skip them rather than misdraw them. */
export const DOKUEI_TRACKING_TAG = 'Dokuei@1';

/** A request the writers cannot turn into a valid document. */
export class ReportWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportWriteError';
  }
}

/** One referenced instance, as the archive knows it. */
export interface ReportImage {
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  /** Default: the header's study. */
  studyInstanceUid?: string;
  /** 1-based frame of a multi-frame image (the key image's frame; measurements carry their own). */
  frame?: number;
  /** Written as the Image Library Group's Frame of Reference UID descriptor. */
  frameOfReferenceUid?: string;
}

/** An SR whose content this one includes (Predecessor Documents Sequence, 0040,A360). */
export interface ReportPredecessor {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
}

/** What every document of ours needs besides its content. */
export interface ReportDocumentInput {
  /** A header (DICOM JSON) of an image of the study: the patient and study attributes are copied from it. */
  header: DicomJsonDataset;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  instanceNumber: number;
  /** Default 9101 (measurement reports) / 9102 (key objects). */
  seriesNumber?: number;
  seriesDescription?: string;
  /** Person Observer Name, "Family^Given" (groups "A=I=P" allowed). Measurement reports default to "unknown^unknown". */
  observerName?: string;
  /** Language of the content (labels, descriptions). Default 'en'. */
  language?: 'en' | 'ja';
  /** Content, series and instance creation date/time; default now. */
  now?: Date;
}

export interface MeasurementReportInput extends ReportDocumentInput {
  measurements: readonly SavedMeasurement[];
  /**
   * The instances the measurements are on (SOP class, series, frame of reference), and any other image the report
   * should list. A measurement's image missing its SOP class or series is completed from here.
   */
  images?: readonly ReportImage[];
  predecessors?: readonly ReportPredecessor[];
}

// ---------------------------------------------------------------------------------------------------------
// Codes and content items (dcmjs's naturalized form)

export interface CodeItem {
  CodeValue?: string;
  LongCodeValue?: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}
export type Item = Record<string, unknown>;

/** A code; a value longer than an SH (16) goes into Long Code Value (PS3.3 8.8). */
export function codeItem(value: string, scheme: string, meaning: string): CodeItem {
  return value.length > 16 ? { LongCodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning } : { CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning };
}
const dcm = (value: string, meaning: string) => codeItem(value, 'DCM', meaning);
const sct = (value: string, meaning: string) => codeItem(value, 'SCT', meaning);

export const CODES = {
  report: dcm('126000', 'Imaging Measurement Report'),
  language: dcm('121049', 'Language of Content Item and Descendants'),
  country: dcm('121046', 'Country of Language'),
  observerType: dcm('121005', 'Observer Type'),
  person: dcm('121006', 'Person'),
  personObserverName: dcm('121008', 'Person Observer Name'),
  procedureReported: dcm('121058', 'Procedure reported'),
  imagingProcedure: sct('363679005', 'Imaging procedure'),
  imageLibrary: dcm('111028', 'Image Library'),
  imageLibraryGroup: dcm('126200', 'Image Library Group'),
  frameOfReferenceUid: dcm('112227', 'Frame of Reference UID'),
  imagingMeasurements: dcm('126010', 'Imaging Measurements'),
  measurementGroup: dcm('125007', 'Measurement Group'),
  trackingIdentifier: dcm('112039', 'Tracking Identifier'),
  trackingUid: dcm('112040', 'Tracking Unique Identifier'),
  finding: dcm('121071', 'Finding'),
  derivation: dcm('121401', 'Derivation'),
  center: dcm('111010', 'Center'),
  notAttempted: dcm('114007', 'Measurement not attempted'),
  peak: dcm('126031', 'Peak Value Within ROI'),
  attenuation: dcm('112031', 'Attenuation Coefficient'),
} as const;

/** dcmjs's free-text label code (CS3DTEXT in its private scheme). */
const FREE_TEXT = { value: 'CS3DTEXT', scheme: '99dcmjs' } as const;
const DCMJS_SCHEME = {
  CodingSchemeDesignator: '99dcmjs',
  CodingSchemeName: 'Codes used for dcmjs',
  CodingSchemeVersion: '0',
  CodingSchemeResponsibleOrganization: 'https://github.com/dcmjs-org/dcmjs',
};

const LANGUAGES = {
  en: { language: codeItem('en', 'RFC5646', 'English'), country: codeItem('US', 'ISO3166_1', 'United States') },
  ja: { language: codeItem('ja', 'RFC5646', 'Japanese'), country: codeItem('JP', 'ISO3166_1', 'Japan') },
} as const;

/** UCUM code meanings of the units the viewer writes; any other unit is its own meaning. */
const UNIT_MEANINGS: Readonly<Record<string, string>> = {
  mm: 'millimeter',
  mm2: 'square millimeter',
  mm3: 'cubic millimeter',
  cm2: 'square centimeter',
  cm3: 'cubic centimeter',
  ml: 'milliliter',
  deg: 'degree',
  "[hnsf'U]": 'Hounsfield unit',
  '1': 'no units',
  '%': 'Percent',
  'Bq/ml': 'Becquerels/milliliter',
};
export function ucum(unit: string): CodeItem {
  return codeItem(unit, 'UCUM', UNIT_MEANINGS[unit] ?? suvTypeOf(unit)?.explanation ?? unit);
}

/** The SUV type a unit names in braces ("{SUVlbm}g/ml", or CID 85's "g/ml{SUVlbm}"). */
function suvTypeOf(unit: string): (typeof SUV_TYPE_CODES)[keyof typeof SUV_TYPE_CODES] | undefined {
  return Object.values(SUV_TYPE_CODES).find((c) => unit.includes(`{${c.label}}`));
}

export const item = {
  container(rel: string | undefined, concept: CodeItem, children: readonly Item[]): Item {
    return { ...(rel ? { RelationshipType: rel } : {}), ValueType: 'CONTAINER', ConceptNameCodeSequence: [concept], ContinuityOfContent: 'SEPARATE', ...(children.length ? { ContentSequence: children } : {}) };
  },
  code(rel: string, concept: CodeItem, value: CodeItem, children: readonly Item[] = []): Item {
    return { RelationshipType: rel, ValueType: 'CODE', ConceptNameCodeSequence: [concept], ConceptCodeSequence: [value], ...(children.length ? { ContentSequence: children } : {}) };
  },
  text(rel: string, concept: CodeItem, text: string): Item {
    return { RelationshipType: rel, ValueType: 'TEXT', ConceptNameCodeSequence: [concept], TextValue: text };
  },
  uidref(rel: string, concept: CodeItem, uid: string): Item {
    return { RelationshipType: rel, ValueType: 'UIDREF', ConceptNameCodeSequence: [concept], UID: uid };
  },
  pname(rel: string, concept: CodeItem, name: string): Item {
    return { RelationshipType: rel, ValueType: 'PNAME', ConceptNameCodeSequence: [concept], PersonName: name };
  },
  /** An IMAGE item: the instance (and frame) as Referenced SOP Sequence. */
  image(rel: string, ref: { sopClassUid: string; sopInstanceUid: string; frame?: number | undefined }): Item {
    const sop: Item = { ReferencedSOPClassUID: ref.sopClassUid, ReferencedSOPInstanceUID: ref.sopInstanceUid };
    if (ref.frame !== undefined) sop.ReferencedFrameNumber = String(ref.frame);
    return { RelationshipType: rel, ValueType: 'IMAGE', ReferencedSOPSequence: [sop] };
  },
  /** A COMPOSITE item: any other instance (a document a rejection note rejects). */
  composite(rel: string, ref: { sopClassUid: string; sopInstanceUid: string }): Item {
    return { RelationshipType: rel, ValueType: 'COMPOSITE', ReferencedSOPSequence: [{ ReferencedSOPClassUID: ref.sopClassUid, ReferencedSOPInstanceUID: ref.sopInstanceUid }] };
  },
};

/** Observer context (TID 1002/1003): a person, by name. */
export function observerItems(name: string): Item[] {
  return [item.code('HAS OBS CONTEXT', CODES.observerType, CODES.person), item.pname('HAS OBS CONTEXT', CODES.personObserverName, name)];
}

/** Language of content (TID 1204); the country as dcmjs writes it, where the IOD allows a CODE to have a child. */
export function languageItem(language: 'en' | 'ja' = 'en', withCountry = true): Item {
  const l = LANGUAGES[language];
  return item.code('HAS CONCEPT MOD', CODES.language, l.language, withCountry ? [item.code('HAS CONCEPT MOD', CODES.country, l.country)] : []);
}

// ---------------------------------------------------------------------------------------------------------
// Document frame shared with the Key Object Selection writer

const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
export function checkUid(what: string, uid: string | undefined): string {
  if (!uid || uid.length > 64 || !UID_PATTERN.test(uid)) throw new ReportWriteError(`${what} is not a valid UID: "${uid ?? ''}"`);
  return uid;
}

/** Date and time in DICOM DA/TM form (local time, as the rest of the services write them). */
export function dicomDateTime(d: Date): { date: string; time: string } {
  const two = (n: number) => String(n).padStart(2, '0');
  return { date: `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}`, time: `${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}` };
}

/** Patient (C.7.1.1) and General Study (C.7.2.1) attributes copied from the header: keyword, VR, whether type 2. */
const COPIED: readonly (readonly [tag: string, vr: string, type2: boolean])[] = [
  [Tag.PatientName, 'PN', true],
  [Tag.PatientID, 'LO', true],
  ['00100021', 'LO', false], // Issuer of Patient ID
  ['00100030', 'DA', true], // Patient's Birth Date
  ['00100040', 'CS', true], // Patient's Sex
  [Tag.StudyInstanceUID, 'UI', true],
  ['00080020', 'DA', true], // Study Date
  ['00080030', 'TM', true], // Study Time
  ['00080090', 'PN', true], // Referring Physician's Name
  ['00200010', 'SH', true], // Study ID
  ['00080050', 'SH', true], // Accession Number
  ['00081030', 'LO', false], // Study Description
];

/** The header's element as it is written: its values (strings trimmed of padding), or empty when type 2. */
function copiedElement(header: DicomJsonDataset, tag: string, vr: string, type2: boolean): DicomJsonElement | undefined {
  const el = header[tag];
  const values = (el?.Value ?? []).filter((v) => v !== null && v !== undefined).map((v) => (typeof v === 'string' ? v.trim() : v));
  if (values.length === 0 || (values.length === 1 && values[0] === '')) return type2 ? { vr, Value: [] } : undefined;
  return { vr, Value: values };
}

export interface DocumentFrame {
  /** SOP Class of the document. */
  sopClassUid: string;
  modality: 'SR' | 'KO';
  defaultSeriesNumber: number;
  /** Naturalized attributes of the document's own modules (content, SR Document General or Key Object Document…). */
  attributes: Item;
}

/** The whole document as Part 10 bytes (explicit VR little endian): common modules, the content, then dcmjs. */
export function writeDocument(input: ReportDocumentInput, frame: DocumentFrame): Uint8Array {
  const studyUid = checkUid('Study Instance UID of the header', getString(input.header, Tag.StudyInstanceUID)?.trim());
  const sop = checkUid('SOP Instance UID', input.sopInstanceUid);
  checkUid('Series Instance UID', input.seriesInstanceUid);
  if (!Number.isInteger(input.instanceNumber) || input.instanceNumber < 0) throw new ReportWriteError(`Instance Number must be a whole number: ${input.instanceNumber}`);
  const when = dicomDateTime(input.now ?? new Date());
  const ds: Item = {
    // SOP Common
    SOPClassUID: frame.sopClassUid,
    SOPInstanceUID: sop,
    InstanceCreationDate: when.date,
    InstanceCreationTime: when.time,
    // SR Document Series / Key Object Document Series
    Modality: frame.modality,
    SeriesInstanceUID: input.seriesInstanceUid,
    SeriesNumber: String(input.seriesNumber ?? frame.defaultSeriesNumber),
    SeriesDate: when.date,
    SeriesTime: when.time,
    ...(input.seriesDescription ? { SeriesDescription: input.seriesDescription.slice(0, 64) } : {}),
    ReferencedPerformedProcedureStepSequence: [],
    // General Equipment and Enhanced General Equipment (type 1 there: model, serial, software)
    Manufacturer: 'Dokuei',
    ManufacturerModelName: 'Dokuei',
    DeviceSerialNumber: 'DOKUEI',
    SoftwareVersions: VERSION,
    // SR Document General / Key Object Document
    InstanceNumber: String(input.instanceNumber),
    ContentDate: when.date,
    ContentTime: when.time,
    ...frame.attributes,
  };
  const dict = new DicomDict(
    DicomMetaDictionary.denaturalizeDataset({
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: frame.sopClassUid,
      MediaStorageSOPInstanceUID: sop,
      TransferSyntaxUID: '1.2.840.10008.1.2.1',
      ImplementationClassUID: DOKUEI_IMPLEMENTATION_CLASS_UID,
      ImplementationVersionName: DOKUEI_IMPLEMENTATION_VERSION,
    }),
  );
  const elements = DicomMetaDictionary.denaturalizeDataset(ds);
  // Patient and study as DICOM JSON straight from the header: person names keep their three groups.
  for (const [tag, vr, type2] of COPIED) {
    const el = copiedElement(input.header, tag, vr, type2);
    if (el) elements[tag] = el;
  }
  elements[Tag.StudyInstanceUID] = { vr: 'UI', Value: [studyUid] };
  // The strings are JavaScript's (decoded from whatever the source used): UTF-8 says them all.
  if (/[^ -~]/.test(JSON.stringify(elements))) elements['00080005'] = { vr: 'CS', Value: ['ISO_IR 192'] };
  dict.dict = elements;
  return new Uint8Array(dict.write());
}

export interface InstanceRef {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
}

/** A Hierarchical SOP Instance Reference sequence (PS3.3 C.17.2.1): study → series → instances, each once. */
export function hierarchicalReferences(refs: readonly InstanceRef[]): Item[] {
  const studies = new Map<string, Map<string, Map<string, string>>>();
  for (const r of refs) {
    let series = studies.get(r.studyInstanceUid);
    if (!series) studies.set(r.studyInstanceUid, (series = new Map()));
    let sops = series.get(r.seriesInstanceUid);
    if (!sops) series.set(r.seriesInstanceUid, (sops = new Map()));
    sops.set(r.sopInstanceUid, r.sopClassUid);
  }
  return [...studies].map(([study, series]) => ({
    StudyInstanceUID: study,
    ReferencedSeriesSequence: [...series].map(([uid, sops]) => ({
      SeriesInstanceUID: uid,
      ReferencedSOPSequence: [...sops].map(([sop, cls]) => ({ ReferencedSOPClassUID: cls, ReferencedSOPInstanceUID: sop })),
    })),
  }));
}

/** An image reference with every UID checked and its study filled in. */
export function checkedImage(image: ReportImage, studyUid: string): InstanceRef & { frame?: number } {
  const out = {
    studyInstanceUid: checkUid('Study Instance UID of an image', image.studyInstanceUid ?? studyUid),
    seriesInstanceUid: checkUid(`Series Instance UID of image ${image.sopInstanceUid}`, image.seriesInstanceUid),
    sopClassUid: checkUid(`SOP Class UID of image ${image.sopInstanceUid}`, image.sopClassUid),
    sopInstanceUid: checkUid('SOP Instance UID of an image', image.sopInstanceUid),
  };
  if (image.frame !== undefined && !(Number.isInteger(image.frame) && image.frame >= 1)) throw new ReportWriteError(`Frame ${image.frame} of image ${image.sopInstanceUid} is not a 1-based frame number`);
  return image.frame !== undefined ? { ...out, frame: image.frame } : out;
}

// ---------------------------------------------------------------------------------------------------------
// Measurements

const TOOL_LAYOUT: Readonly<Record<SavedTool, { primary: SavedQuantity | 'center'; points: [min: number, max: number]; dims: 2 | 3; cornerstone: boolean }>> = {
  Length: { primary: 'length', points: [2, 2], dims: 2, cornerstone: true },
  Angle: { primary: 'angle', points: [3, 3], dims: 2, cornerstone: true },
  EllipticalROI: { primary: 'area', points: [4, 4], dims: 2, cornerstone: true },
  RectangleROI: { primary: 'area', points: [4, 4], dims: 2, cornerstone: true },
  Probe: { primary: 'center', points: [1, 1], dims: 2, cornerstone: true },
  SphereROI: { primary: 'volume', points: [2, 2], dims: 3, cornerstone: false },
  EllipseROI3D: { primary: 'area', points: [4, 4], dims: 3, cornerstone: false },
  CurvedPath: { primary: 'length', points: [2, 4096], dims: 3, cornerstone: false },
};

const PLAIN_CONCEPTS: Readonly<Partial<Record<SavedQuantity, CodeItem>>> = {
  length: sct('410668003', 'Length'),
  // SNOMED CT's meaning of 285285000; dcmjs writes every cornerstone angle with it ("a CobbAngle labelled Angle").
  angle: sct('285285000', 'Cobb angle'),
  area: sct('42798000', 'Area'),
  volume: sct('118565006', 'Volume'),
  mean: sct('373098007', 'Mean'),
  max: sct('56851009', 'Maximum'),
  min: sct('255605001', 'Minimum'),
  stdDev: sct('386136009', 'Standard Deviation'),
};
const SUV_DERIVATIONS: Readonly<Partial<Record<SavedQuantity, CodeItem>>> = {
  suvMax: PLAIN_CONCEPTS.max!,
  suvMean: PLAIN_CONCEPTS.mean!,
  suvPeak: CODES.peak,
};

/** The SUV concept (CID 7180) of the SUV type a unit names ("{SUVlbm}g/ml" → SUVlbm); SUVbw when it names none. */
function suvConcept(unit: string): CodeItem {
  const type = suvTypeOf(unit) ?? SUV_TYPE_CODES.bw;
  return codeItem(type.quantity.CodeValue, type.quantity.CodingSchemeDesignator, type.quantity.CodeMeaning);
}

/** Concept name and Derivation modifier of a saved value. */
function conceptOf(v: SavedValue): { concept: CodeItem; derivation?: CodeItem } {
  const plain = PLAIN_CONCEPTS[v.quantity];
  if (plain) return { concept: plain };
  const derivation = SUV_DERIVATIONS[v.quantity];
  if (derivation) return { concept: suvConcept(v.unit), derivation };
  // 'value': what a probe reads at its point.
  if (v.unit === "[hnsf'U]") return { concept: CODES.attenuation };
  if (/SUV/i.test(v.unit)) return { concept: suvConcept(v.unit) };
  return { concept: codeItem(QUANTITY_CONCEPT.CodeValue, QUANTITY_CONCEPT.CodingSchemeDesignator, QUANTITY_CONCEPT.CodeMeaning) };
}

function numItem(concept: CodeItem, measured: { value: number; unit: string } | undefined, children: readonly Item[]): Item {
  const out: Item = { RelationshipType: 'CONTAINS', ValueType: 'NUM', ConceptNameCodeSequence: [concept] };
  if (measured) {
    const ds = formatDs(measured.value);
    out.MeasuredValueSequence = [
      {
        MeasurementUnitsCodeSequence: [ucum(measured.unit)],
        NumericValue: ds,
        // The exact value where 16 characters of DS lose some of it (readers take it over the DS).
        ...(Number(ds) !== measured.value ? { FloatingPointValue: measured.value } : {}),
      },
    ];
  } else {
    out.MeasuredValueSequence = [];
    out.NumericValueQualifierCodeSequence = [CODES.notAttempted];
  }
  if (children.length) out.ContentSequence = children;
  return out;
}

const sub = (a: readonly number[], b: readonly number[]) => a.map((x, i) => x - b[i]!);
const cross = (a: readonly number[], b: readonly number[]) => [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
const norm = (a: readonly number[]) => Math.hypot(...a);

/**
 * A sphere (centre, a point on its surface) as the 6 points of a SCOORD3D ELLIPSOID (PS3.3 C.18.9.1.2): three equal
 * orthogonal axes, the first from the point opposite the surface point to the surface point itself.
 */
export function sphereEllipsoidPoints(centre: readonly number[], surface: readonly number[]): number[][] {
  const v = sub(surface, centre);
  const r = norm(v);
  if (!(r > 0)) throw new ReportWriteError('A SphereROI needs a surface point apart from its centre');
  const u1 = v.map((x) => x / r);
  // Any direction not along the first axis gives the other two.
  const helper = Math.abs(u1[0]!) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const c2 = cross(u1, helper);
  const u2 = c2.map((x) => x / norm(c2));
  const u3 = cross(u1, u2);
  const at = (u: number[], s: number) => centre.map((x, i) => x + s * r * u[i]!);
  return [centre.map((x, i) => 2 * x - surface[i]!), [...surface], at(u2, -1), at(u2, 1), at(u3, -1), at(u3, 1)];
}

/** An ellipse's 4 points with the longer axis first, as an ELLIPSE must list them (PS3.3 C.18.9.1.2). */
export function majorAxisFirst(points: readonly (readonly number[])[]): number[][] {
  const [a0, a1, b0, b1] = points.map((p) => [...p]) as [number[], number[], number[], number[]];
  return norm(sub(a1, a0)) >= norm(sub(b1, b0)) ? [a0, a1, b0, b1] : [b0, b1, a0, a1];
}

interface ResolvedImage {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  frame?: number;
}

/** The region of a measurement: SCOORD on its image, or SCOORD3D in its frame of reference. */
function regionItem(m: SavedMeasurement, image: ResolvedImage | undefined): Item {
  const flat = (pts: readonly (readonly number[])[]) => pts.flat();
  if (TOOL_LAYOUT[m.tool].dims === 3) {
    const frameUid = checkUid(`Frame of reference of ${m.tool} ${m.trackingUid}`, m.frameOfReferenceUid);
    const [type, points] =
      m.tool === 'SphereROI' ? ['ELLIPSOID', sphereEllipsoidPoints(m.points[0]!, m.points[1]!)] : m.tool === 'EllipseROI3D' ? ['ELLIPSE', majorAxisFirst(m.points)] : ['POLYLINE', m.points];
    return { RelationshipType: 'INFERRED FROM', ValueType: 'SCOORD3D', GraphicType: type, GraphicData: flat(points), ReferencedFrameOfReferenceUID: frameUid };
  }
  if (!image) throw new ReportWriteError(`${m.tool} ${m.trackingUid} names no image it is drawn on`);
  const types: Record<string, string> = { Probe: 'POINT', EllipticalROI: 'ELLIPSE' };
  // A rectangle is a closed POLYLINE (2D SCOORD has no POLYGON): its first corner again at the end.
  const points = m.tool === 'RectangleROI' ? [...m.points, m.points[0]!] : m.points;
  return {
    RelationshipType: 'INFERRED FROM',
    ValueType: 'SCOORD',
    GraphicType: types[m.tool] ?? 'POLYLINE',
    GraphicData: flat(points),
    ContentSequence: [item.image('SELECTED FROM', image)],
  };
}

function checkMeasurement(m: SavedMeasurement): void {
  const parsed = savedMeasurementSchema.safeParse(m);
  if (!parsed.success) throw new ReportWriteError(`Measurement ${String(m.trackingUid)} is not one the viewer saves: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const layout = TOOL_LAYOUT[m.tool];
  const [min, max] = layout.points;
  if (m.points.length < min || m.points.length > max) throw new ReportWriteError(`${m.tool} ${m.trackingUid} has ${m.points.length} points; it takes ${min === max ? min : `${min} to ${max}`}`);
  if (m.points.some((p) => p.length !== layout.dims)) throw new ReportWriteError(`${m.tool} ${m.trackingUid} takes ${layout.dims}D points`);
}

function groupItem(m: SavedMeasurement, image: ResolvedImage | undefined): Item {
  const layout = TOOL_LAYOUT[m.tool];
  const children: Item[] = [
    item.text('HAS OBS CONTEXT', CODES.trackingIdentifier, `${layout.cornerstone ? CORNERSTONE_3D_TAG : DOKUEI_TRACKING_TAG}:${m.tool}`),
    item.uidref('HAS OBS CONTEXT', CODES.trackingUid, m.trackingUid),
  ];
  if (m.label) children.push(item.code('CONTAINS', CODES.finding, codeItem(FREE_TEXT.value, FREE_TEXT.scheme, m.label)));
  const region = regionItem(m, image);
  const nums: Item[] = [];
  const rest = [...m.values];
  if (layout.primary === 'center') nums.push(numItem(CODES.center, { value: 0, unit: '1' }, [region]));
  else {
    const i = rest.findIndex((v) => v.quantity === layout.primary);
    const primary = i >= 0 ? rest.splice(i, 1)[0] : undefined;
    nums.push(numItem(PLAIN_CONCEPTS[layout.primary]!, primary, [region]));
  }
  for (const v of rest) {
    const { concept, derivation } = conceptOf(v);
    nums.push(numItem(concept, v, derivation ? [item.code('HAS CONCEPT MOD', CODES.derivation, derivation)] : []));
  }
  return item.container('CONTAINS', CODES.measurementGroup, [...children, ...nums]);
}

/** The TID 1500 measurement report as a Comprehensive 3D SR, Part 10 bytes. Throws ReportWriteError on a bad request. */
export function writeMeasurementReport(input: MeasurementReportInput): Uint8Array {
  const studyUid = checkUid('Study Instance UID of the header', getString(input.header, Tag.StudyInstanceUID)?.trim());
  const known = new Map<string, ReportImage>();
  for (const im of input.images ?? []) if (!known.has(im.sopInstanceUid)) known.set(im.sopInstanceUid, im);

  // Every image the report names: the measurements', completed from `images`, then the other images given.
  const library = new Map<string, ResolvedImage & { frameOfReferenceUid?: string }>();
  const resolve = (m: SavedMeasurement): ResolvedImage | undefined => {
    if (!m.image) return undefined;
    const k = known.get(m.image.sopInstanceUid);
    const sopClassUid = m.image.sopClassUid ?? k?.sopClassUid;
    const seriesInstanceUid = m.image.seriesInstanceUid ?? k?.seriesInstanceUid;
    if (!sopClassUid || !seriesInstanceUid) throw new ReportWriteError(`Image ${m.image.sopInstanceUid} of ${m.tool} ${m.trackingUid} has no SOP class or series: pass it in images`);
    const image = checkedImage({ sopClassUid, seriesInstanceUid, sopInstanceUid: m.image.sopInstanceUid, ...(k?.studyInstanceUid ? { studyInstanceUid: k.studyInstanceUid } : {}), ...(m.image.frame ? { frame: m.image.frame } : {}) }, studyUid);
    const { frame: _frame, ...whole } = image;
    if (!library.has(image.sopInstanceUid)) library.set(image.sopInstanceUid, { ...whole, ...(k?.frameOfReferenceUid ? { frameOfReferenceUid: k.frameOfReferenceUid } : {}) });
    return image;
  };

  const groups = input.measurements.map((m) => {
    checkMeasurement(m);
    return groupItem(m, resolve(m));
  });
  for (const im of input.images ?? []) {
    if (library.has(im.sopInstanceUid)) continue;
    const { frame: _frame, ...whole } = checkedImage(im, studyUid);
    library.set(im.sopInstanceUid, { ...whole, ...(im.frameOfReferenceUid ? { frameOfReferenceUid: im.frameOfReferenceUid } : {}) });
  }

  // One Image Library Group per series, with its frame of reference when the images agree on one (TID 1600/1602).
  const bySeries = new Map<string, (ResolvedImage & { frameOfReferenceUid?: string })[]>();
  for (const im of library.values()) bySeries.set(im.seriesInstanceUid, [...(bySeries.get(im.seriesInstanceUid) ?? []), im]);
  const libraryGroups = [...bySeries.values()].map((images) => {
    const frames = new Set(images.map((i) => i.frameOfReferenceUid));
    const frameUid = frames.size === 1 ? [...frames][0] : undefined;
    return item.container('CONTAINS', CODES.imageLibraryGroup, [
      ...(frameUid ? [item.uidref('HAS ACQ CONTEXT', CODES.frameOfReferenceUid, checkUid('Frame of Reference UID of an image', frameUid))] : []),
      ...images.map((i) => item.image('CONTAINS', i)),
    ]);
  });

  const predecessors = (input.predecessors ?? []).map((p) => ({
    studyInstanceUid: checkUid('Study Instance UID of a predecessor', p.studyInstanceUid),
    seriesInstanceUid: checkUid('Series Instance UID of a predecessor', p.seriesInstanceUid),
    sopClassUid: checkUid('SOP Class UID of a predecessor', p.sopClassUid),
    sopInstanceUid: checkUid('SOP Instance UID of a predecessor', p.sopInstanceUid),
  }));
  const labelled = input.measurements.some((m) => m.label);

  const content = item.container(undefined, CODES.report, [
    languageItem(input.language),
    ...observerItems(input.observerName ?? 'unknown^unknown'),
    item.code('HAS CONCEPT MOD', CODES.procedureReported, CODES.imagingProcedure),
    item.container('CONTAINS', CODES.imageLibrary, libraryGroups),
    item.container('CONTAINS', CODES.imagingMeasurements, groups),
  ]);
  return writeDocument(input, {
    sopClassUid: COMPREHENSIVE_3D_SR_SOP_CLASS,
    modality: 'SR',
    defaultSeriesNumber: 9101,
    attributes: {
      ...(labelled ? { CodingSchemeIdentificationSequence: [DCMJS_SCHEME] } : {}),
      // SR Document General
      CompletionFlag: 'COMPLETE',
      VerificationFlag: 'UNVERIFIED',
      PerformedProcedureCodeSequence: [],
      ...(library.size ? { CurrentRequestedProcedureEvidenceSequence: hierarchicalReferences([...library.values()]) } : {}),
      ...(predecessors.length ? { PredecessorDocumentsSequence: hierarchicalReferences(predecessors) } : {}),
      // SR Document Content: the root
      ...content,
      ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1500' }],
    },
  });
}
