/**
 * SUV as a DICOM Real World Value Mapping instance (issue #7): the (possibly corrected) SUV factors of a PET
 * series written as one RWVM Storage instance (SOP Class 1.2.840.10008.5.1.4.1.1.67, PS3.3 A.46) with dcmjs, in a
 * new series of the PET's study, so that the correction can be stored in the local archive and sent to the PACS.
 * Voxels are never rewritten: the mapping is the whole correction.
 *
 * Structure (PS3.3 A.46 RWVM IOD; C.7.6.16.2.11.1 Real World Value Mapping Item Macro):
 *   Referenced Image Real World Value Mapping Sequence (0040,9094), one item per distinct mapping:
 *     Real World Value Mapping Sequence (0040,9096), one item:
 *       Real World Value First/Last Value Mapped (0040,9216)/(0040,9211): the whole stored range (SS −32768…32767
 *         for signed pixels, US 0…65535 for unsigned)
 *       Real World Value Slope (0040,9225) = Rescale Slope × SUV factor, Intercept (0040,9224) = Rescale Intercept ×
 *         SUV factor — the mapping is from STORED values (PS3.3 C.7.6.16.2.11.1), the SUV factor (common/suv) from
 *         values after the modality rescale; with no rescale given (slope 1, intercept 0) the slope is the factor
 *       LUT Explanation (0028,3003) "Standardized Uptake Value body weight" …, LUT Label (0040,9210) "SUVbw" …
 *       Measurement Units Code Sequence (0040,08EA): UCUM "g/ml" ("cm2/ml" for SUVbsa); or, with
 *         `unitsStyle: 'cid85'`, the SUV-specific units of CID 85 ("g/ml{SUVbw}", …)
 *       Quantity Definition Sequence (0040,9220): CODE item, concept name (246205007, SCT, "Quantity"), value from
 *         CID 7180: (126401, DCM, "SUVbw"), 126402 SUVlbm, 126406 SUVlbm(James128), 126405 SUVlbm(Janma),
 *         126403 SUVbsa, 126404 SUVibw
 *     Referenced Image Sequence (0008,1140): Referenced SOP Class/Instance UID of each PET image it applies to
 *   Common Instance Reference: Referenced Series Sequence (0008,1115) → the PET series and all its instances.
 *   Content Identification: Content Label "SUVBW"…, Content Description (≤ 64 characters) a summary of the
 *   corrections, Content Creator's Name the user of the latest correction, Content Date/Time the time of writing.
 * Provenance in full (every correction: input, old → new, who, when, why) as JSON in the private element
 * (0011,1001) UT of creator "DOKUEI SUV" (0011,0010), since no standard attribute of this IOD holds free text
 * longer than 64 characters.
 */
import { randomUUID } from 'node:crypto';
import dcmjs from 'dcmjs';
import type { PersonNameValue } from '../../../common/dicom/dicomJson';
import type { SuvType } from '../../../common/suv';

interface DcmjsWriter {
  DicomDict: new (meta: unknown) => { dict: Record<string, unknown>; write(): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(ds: unknown): Record<string, unknown> };
}
const { DicomDict, DicomMetaDictionary } = (dcmjs as unknown as { data: DcmjsWriter }).data;

export const RWVM_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.67';
export const PET_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.128';
/** Private creator of the provenance element (0011,1001). */
export const RWVM_PRIVATE_CREATOR = 'DOKUEI SUV';
export const RWVM_PROVENANCE_TAG = '00111001';
const IMPLEMENTATION_CLASS_UID = '2.25.229746402536612812474738512376911839101';

export class RwvmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RwvmError';
  }
}

export interface RwvmCode {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

interface SuvTypeCodes {
  label: string;
  explanation: string;
  quantity: RwvmCode;
  units: RwvmCode;
  cid85Units: RwvmCode;
}

const ucum = (value: string, meaning: string): RwvmCode => ({ CodeValue: value, CodingSchemeDesignator: 'UCUM', CodeMeaning: meaning });
const dcm = (value: string, meaning: string): RwvmCode => ({ CodeValue: value, CodingSchemeDesignator: 'DCM', CodeMeaning: meaning });
const GML = ucum('g/ml', 'g/ml');
const CM2ML = ucum('cm2/ml', 'cm2/ml');

/** Per SUV type: LUT label/explanation, CID 7180 quantity, UCUM units and CID 85 units. */
export const SUV_TYPE_CODES: Record<SuvType, SuvTypeCodes> = {
  bw: {
    label: 'SUVbw',
    explanation: 'Standardized Uptake Value body weight',
    quantity: dcm('126401', 'SUVbw'),
    units: GML,
    cid85Units: ucum('g/ml{SUVbw}', 'Standardized Uptake Value body weight'),
  },
  lbm: {
    label: 'SUVlbm',
    explanation: 'Standardized Uptake Value lean body mass (James)',
    quantity: dcm('126402', 'SUVlbm'),
    units: GML,
    cid85Units: ucum('g/ml{SUVlbm}', 'Standardized Uptake Value lean body mass (James)'),
  },
  lbmJames128: {
    label: 'SUVlbmJames128',
    explanation: 'Standardized Uptake Value lean body mass (James 128 multiplier)',
    quantity: dcm('126406', 'SUVlbm(James128)'),
    units: GML,
    cid85Units: ucum('g/ml{SUVlbm(James128)}', 'Standardized Uptake Value lean body mass (James 128 multiplier)'),
  },
  lbmJanma: {
    label: 'SUVlbmJanma',
    explanation: 'Standardized Uptake Value lean body mass (Janma)',
    quantity: dcm('126405', 'SUVlbm(Janma)'),
    units: GML,
    cid85Units: ucum('g/ml{SUVlbm(Janma)}', 'Standardized Uptake Value lean body mass (Janma)'),
  },
  bsa: {
    label: 'SUVbsa',
    explanation: 'Standardized Uptake Value body surface area',
    quantity: dcm('126403', 'SUVbsa'),
    units: CM2ML,
    cid85Units: ucum('cm2/ml{SUVbsa}', 'Standardized Uptake Value body surface area'),
  },
  ibw: {
    label: 'SUVibw',
    explanation: 'Standardized Uptake Value ideal body weight',
    quantity: dcm('126404', 'SUVibw'),
    units: GML,
    cid85Units: ucum('g/ml{SUVibw}', 'Standardized Uptake Value ideal body weight'),
  },
};

export const QUANTITY_CONCEPT: RwvmCode = { CodeValue: '246205007', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Quantity' };

/** One referenced PET image. */
export interface RwvmInstanceRef {
  sopInstanceUid: string;
  /** Default: PET Image Storage. */
  sopClassUid?: string;
  /** SUV per value after the modality rescale, for this instance; else the request's `factor`. */
  factor?: number;
  /** The instance's Rescale Slope/Intercept (default 1 and 0). */
  rescaleSlope?: number;
  rescaleIntercept?: number;
}

/** One correction of an SUV input, as the recalculation panel records it. */
export interface SuvCorrection {
  /** 'weight', 'height', 'sex', 'dose', 'injectionDateTime', 'halfLife', … */
  input: string;
  oldValue: string | number | null;
  newValue: string | number | null;
  /** Who made it. */
  user: string;
  /** When, ISO 8601. */
  at: string;
  reason: string;
}

export interface SuvRwvmRequest {
  patient: {
    /** "Family^Given" (groups "A=I=P"), or DICOM JSON's person name object. */
    name?: string | PersonNameValue;
    id?: string;
    birthDate?: string;
    sex?: string;
  };
  study: {
    studyInstanceUid: string;
    studyDate?: string;
    studyTime?: string;
    studyId?: string;
    accessionNumber?: string;
    referringPhysicianName?: string;
  };
  petSeries: {
    seriesInstanceUid: string;
    /** Accepted for the caller's bookkeeping; the RWVM IOD has no Frame of Reference module, so it is not written. */
    frameOfReferenceUid?: string;
    instances: RwvmInstanceRef[];
  };
  /** SUV per value after the modality rescale, for every instance without its own. */
  factor?: number;
  suvType: SuvType;
  /** Pixel Representation of the PET images (1 signed, the default; 0 unsigned): the stored range mapped. */
  pixelRepresentation?: 0 | 1;
  /** 'ucum' (default): UCUM g/ml or cm2/ml; 'cid85': CID 85 "g/ml{SUVbw}" etc. */
  unitsStyle?: 'ucum' | 'cid85';
  corrections?: SuvCorrection[];
  /** Content Creator's Name when there is no correction (default: the latest correction's user). */
  contentCreator?: string;
  /** Body Part Examined of the PET series (default WHOLEBODY). */
  bodyPartExamined?: string;
  /** UIDs of the new series and instance; generated (2.25 + UUID) when absent. */
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  seriesNumber?: number;
  /** Time of writing (Content/Instance Creation Date and Time); default now. */
  now?: Date;
}

/** 2.25.<UUID as a decimal integer> (PS3.5 B.2). */
export function uuidUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
function checkUid(what: string, uid: string): void {
  if (!(uid.length <= 64 && UID_PATTERN.test(uid))) throw new RwvmError(`${what} is not a valid UID: "${uid}"`);
}

function personName(name: string | PersonNameValue | undefined): string {
  if (name === undefined) return '';
  if (typeof name === 'string') return name;
  const groups = [name.Alphabetic ?? '', name.Ideographic ?? '', name.Phonetic ?? ''];
  while (groups.length && groups[groups.length - 1] === '') groups.pop();
  return groups.join('=');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
function dicomDate(d: Date): string {
  return `${d.getFullYear()}${pad2(d.getMonth() + 1)}${pad2(d.getDate())}`;
}
function dicomTime(d: Date): string {
  return `${pad2(d.getHours())}${pad2(d.getMinutes())}${pad2(d.getSeconds())}`;
}

/** At most `max` characters (a DICOM LO is 64), cut with an ellipsis. */
function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

function formatValue(v: string | number | null): string {
  return v === null ? 'none' : String(v);
}

/** "SUVbw; corrected weight 66.2->70, dose 368.08->368080000" (≤ 64 characters). */
export function correctionSummary(suvType: SuvType, corrections: readonly SuvCorrection[]): string {
  const label = SUV_TYPE_CODES[suvType].label;
  if (!corrections.length) return `${label} from the PET header`;
  const parts = corrections.map((c) => `${c.input} ${formatValue(c.oldValue)}->${formatValue(c.newValue)}`);
  return fit(`${label}; corrected ${parts.join(', ')}`, 64);
}

interface Mapping {
  slope: number;
  intercept: number;
  refs: { ReferencedSOPClassUID: string; ReferencedSOPInstanceUID: string }[];
}

/** The RWVM instance as a Part 10 file (explicit VR little endian). Throws RwvmError on an unusable request. */
export function writeSuvRwvm(req: SuvRwvmRequest): Uint8Array {
  const codes = SUV_TYPE_CODES[req.suvType];
  if (!codes) throw new RwvmError(`unknown SUV type "${String(req.suvType)}"`);
  checkUid('Study Instance UID', req.study.studyInstanceUid);
  checkUid('PET Series Instance UID', req.petSeries.seriesInstanceUid);
  if (!req.petSeries.instances.length) throw new RwvmError('no PET instance to reference');
  const seriesUid = req.seriesInstanceUid ?? uuidUid();
  const sopUid = req.sopInstanceUid ?? uuidUid();
  checkUid('RWVM Series Instance UID', seriesUid);
  checkUid('RWVM SOP Instance UID', sopUid);

  // Instances with the same stored → SUV mapping share one item.
  const mappings = new Map<string, Mapping>();
  for (const inst of req.petSeries.instances) {
    checkUid('Referenced SOP Instance UID', inst.sopInstanceUid);
    const factor = inst.factor ?? req.factor;
    if (factor === undefined || !Number.isFinite(factor) || factor <= 0) {
      throw new RwvmError(`no usable SUV factor for ${inst.sopInstanceUid}: ${String(factor)}`);
    }
    const rs = inst.rescaleSlope ?? 1;
    const ri = inst.rescaleIntercept ?? 0;
    if (!Number.isFinite(rs) || !Number.isFinite(ri)) throw new RwvmError(`rescale of ${inst.sopInstanceUid} is not a number`);
    const slope = rs * factor;
    const intercept = ri * factor + 0;
    const key = `${slope}/${intercept}`;
    let m = mappings.get(key);
    if (!m) mappings.set(key, (m = { slope, intercept, refs: [] }));
    m.refs.push({ ReferencedSOPClassUID: inst.sopClassUid ?? PET_SOP_CLASS_UID, ReferencedSOPInstanceUID: inst.sopInstanceUid });
  }

  const signed = (req.pixelRepresentation ?? 1) === 1;
  const vr = signed ? 'SS' : 'US';
  const corrections = req.corrections ?? [];
  const latest = corrections.length ? [...corrections].sort((a, b) => a.at.localeCompare(b.at))[corrections.length - 1] : undefined;
  const creator = latest?.user ?? req.contentCreator ?? '';
  const now = req.now ?? new Date();
  const units = req.unitsStyle === 'cid85' ? codes.cid85Units : codes.units;

  const ds = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: RWVM_SOP_CLASS_UID,
    SOPInstanceUID: sopUid,
    InstanceCreationDate: dicomDate(now),
    InstanceCreationTime: dicomTime(now),
    // Patient
    PatientName: personName(req.patient.name),
    PatientID: req.patient.id ?? '',
    PatientBirthDate: req.patient.birthDate ?? '',
    PatientSex: req.patient.sex ?? '',
    // General Study
    StudyInstanceUID: req.study.studyInstanceUid,
    StudyDate: req.study.studyDate ?? '',
    StudyTime: req.study.studyTime ?? '',
    ReferringPhysicianName: req.study.referringPhysicianName ?? '',
    StudyID: req.study.studyId ?? '',
    AccessionNumber: req.study.accessionNumber ?? '',
    // General Series + RWVM Series
    Modality: 'RWV',
    SeriesInstanceUID: seriesUid,
    SeriesNumber: String(req.seriesNumber ?? 9001),
    // Laterality (type 2C, paired body parts) is asked for by dciodvfy whenever Body Part Examined is absent.
    BodyPartExamined: req.bodyPartExamined ?? 'WHOLEBODY',
    SeriesDescription: fit(`${codes.label} mapping${corrections.length ? ' (corrected)' : ''}`, 64),
    SeriesDate: dicomDate(now),
    SeriesTime: dicomTime(now),
    // General Equipment
    Manufacturer: 'Dokuei',
    SoftwareVersions: 'dokuei',
    // RWVM (Content Identification)
    InstanceNumber: '1',
    ContentLabel: `SUV${req.suvType.toUpperCase()}`.slice(0, 16),
    ContentDescription: correctionSummary(req.suvType, corrections),
    ContentCreatorName: creator,
    ContentDate: dicomDate(now),
    ContentTime: dicomTime(now),
    ReferencedImageRealWorldValueMappingSequence: [...mappings.values()].map((m) => ({
      RealWorldValueMappingSequence: [
        {
          RealWorldValueFirstValueMapped: signed ? -32768 : 0,
          RealWorldValueLastValueMapped: signed ? 32767 : 65535,
          RealWorldValueSlope: m.slope,
          RealWorldValueIntercept: m.intercept,
          LUTExplanation: fit(`${codes.explanation}${corrections.length ? ' (corrected)' : ''}`, 64),
          LUTLabel: codes.label,
          MeasurementUnitsCodeSequence: [units],
          QuantityDefinitionSequence: [{ ValueType: 'CODE', ConceptNameCodeSequence: [QUANTITY_CONCEPT], ConceptCodeSequence: [codes.quantity] }],
          _vrMap: { RealWorldValueFirstValueMapped: vr, RealWorldValueLastValueMapped: vr },
        },
      ],
      ReferencedImageSequence: m.refs,
    })),
    // Common Instance Reference
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: req.petSeries.seriesInstanceUid,
        ReferencedInstanceSequence: req.petSeries.instances.map((i) => ({
          ReferencedSOPClassUID: i.sopClassUid ?? PET_SOP_CLASS_UID,
          ReferencedSOPInstanceUID: i.sopInstanceUid,
        })),
      },
    ],
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: RWVM_SOP_CLASS_UID,
    MediaStorageSOPInstanceUID: sopUid,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: 'DOKUEI',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  if (corrections.length) {
    dict.dict['00110010'] = { vr: 'LO', Value: [RWVM_PRIVATE_CREATOR] };
    dict.dict[RWVM_PROVENANCE_TAG] = { vr: 'UT', Value: [JSON.stringify({ suvType: req.suvType, corrections })] };
  }
  return new Uint8Array(dict.write());
}
