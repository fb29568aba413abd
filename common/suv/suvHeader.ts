/**
 * The SUV inputs of one PET instance, read from its DICOM JSON dataset (PS3.18 Annex F).
 *
 * Total over any input: a dataset that is not an object, an element whose Value is not an array, a number where a
 * string belongs, a private element that came through as UN bytes (InlineBinary, as our Part 10 reader gives
 * Philips' and GE's private elements of an implicit VR file) — each reads as "absent" or as what it can be read as,
 * never as an exception. Nothing is judged here (plausibility is computeSuv's); values are as the header has them.
 */
import type { DicomJsonDataset, DicomJsonElement } from '../dicom/dicomJson';
import { Tag } from '../dicom/tags';
import { combineDateTime, parseDicomDateTime } from './dicomTime';

export interface SuvHeader {
  sopInstanceUid?: string;
  seriesInstanceUid?: string;
  /** Units (0054,1001), upper-cased and trimmed. */
  units?: string;
  /** SUV Type (0054,1006) as written (DICOM: BW, LBM, BSA, IBW; in practice also LBMJAMES128, LBMJANMA); only for GML. */
  suvType?: string;
  /** Decay Correction (0054,1102): START, ADMIN, NONE. */
  decayCorrection?: string;
  /** Corrected Image (0028,0051), upper-cased; undefined when the element is absent. */
  correctedImage?: string[];
  seriesDate?: string;
  seriesTime?: string;
  /** Series Date + Series Time on the wall-clock axis (see dicomTime.ts). */
  seriesDateTime?: number;
  /** Acquisition DateTime (0008,002A), else Acquisition Date (or the series date) + Acquisition Time. */
  acquisitionDateTime?: number;
  /** Frame Reference Time (0054,1300), ms. */
  frameReferenceTimeMs?: number;
  /** Actual Frame Duration (0018,1242), ms. */
  actualFrameDurationMs?: number;
  /** Patient's Weight (0010,1030) as written (kg by the standard). */
  weight?: number;
  /** Patient's Size (0010,1020) as written (m by the standard). */
  size?: number;
  /** Patient's Sex (0010,0040), upper-cased; '' when present but empty. */
  sex?: string;
  /** Radionuclide Total Dose (0018,1074) as written (Bq by the standard). */
  dose?: number;
  /** Radionuclide Half Life (0018,1075), s. */
  halfLife?: number;
  /** Radiopharmaceutical Start DateTime (0018,1078). */
  injectionDateTime?: number;
  /** Radiopharmaceutical Start Time (0018,1072) as written (a TM; its day is not in the header). */
  injectionTimeText?: string;
  /** Philips (7053,1000) SUV Scale Factor. */
  philipsSuvScaleFactor?: number;
  /** Philips (7053,1009) Activity Concentration Scale Factor. */
  philipsActivityScaleFactor?: number;
  /** GE (0009,100D) scan date/time (GEMS_PETD_01). */
  gePrivateScanDateTime?: number;
  rescaleSlope?: number;
  rescaleIntercept?: number;
}

const PHILIPS_CREATOR = 'PHILIPS PET PRIVATE GROUP';
const GE_CREATOR = 'GEMS_PETD_01';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function element(ds: unknown, tag: string): DicomJsonElement | undefined {
  if (!isObject(ds)) return undefined;
  const el = ds[tag];
  return isObject(el) ? (el as unknown as DicomJsonElement) : undefined;
}

/** The element's values; InlineBinary (an UN element) decoded as the ASCII text a DS/DT/LO value would be. */
function values(ds: unknown, tag: string): unknown[] {
  const el = element(ds, tag);
  if (!el) return [];
  if (Array.isArray(el.Value)) return el.Value;
  if (typeof el.InlineBinary === 'string') {
    const text = decodeBase64Ascii(el.InlineBinary);
    if (text === undefined) return [];
    return text.replace(/[\0 ]+$/, '').split('\\');
  }
  return [];
}

function str(ds: unknown, tag: string): string | undefined {
  const v = values(ds, tag)[0];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function num(ds: unknown, tag: string): number | undefined {
  const v = values(ds, tag)[0];
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function item(ds: unknown, tag: string): DicomJsonDataset | undefined {
  const v = values(ds, tag)[0];
  return isObject(v) ? (v as DicomJsonDataset) : undefined;
}

/**
 * The DICOM JSON key of a private element: the block its creator reserved in the group ((gggg,0010)…(gggg,00FF)),
 * or block 10 when the group has no creator element at all (a header exported without them).
 */
export function privateTagKey(ds: unknown, group: string, creator: string, elementByte: string): string | undefined {
  let anyCreator = false;
  for (let block = 0x10; block <= 0xff; block++) {
    const b = block.toString(16).toUpperCase().padStart(2, '0');
    const c = str(ds, `${group}00${b}`);
    if (c === undefined) continue;
    anyCreator = true;
    if (c.toUpperCase() === creator) return `${group}${b}${elementByte}`;
  }
  return anyCreator ? undefined : `${group}10${elementByte}`;
}

export function readSuvHeader(ds: unknown): SuvHeader {
  const h: SuvHeader = {};
  h.sopInstanceUid = str(ds, Tag.SOPInstanceUID);
  h.seriesInstanceUid = str(ds, Tag.SeriesInstanceUID);
  h.units = str(ds, Tag.Units)?.toUpperCase();
  h.suvType = str(ds, Tag.SUVType)?.toUpperCase();
  h.decayCorrection = str(ds, Tag.DecayCorrection)?.toUpperCase();
  if (element(ds, Tag.CorrectedImage)) {
    h.correctedImage = values(ds, Tag.CorrectedImage)
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.trim().toUpperCase());
  }
  h.seriesDate = str(ds, Tag.SeriesDate);
  h.seriesTime = str(ds, Tag.SeriesTime);
  h.seriesDateTime = combineDateTime(h.seriesDate, h.seriesTime);
  h.acquisitionDateTime =
    parseDicomDateTime(str(ds, Tag.AcquisitionDateTime)) ??
    combineDateTime(str(ds, Tag.AcquisitionDate) ?? h.seriesDate, str(ds, Tag.AcquisitionTime));
  h.frameReferenceTimeMs = num(ds, Tag.FrameReferenceTime);
  h.actualFrameDurationMs = num(ds, Tag.ActualFrameDuration);
  h.weight = num(ds, Tag.PatientWeight);
  h.size = num(ds, Tag.PatientSize);
  h.sex = element(ds, Tag.PatientSex) ? (str(ds, Tag.PatientSex) ?? '').toUpperCase() : undefined;
  const radio = item(ds, Tag.RadiopharmaceuticalInformationSequence);
  h.dose = num(radio, Tag.RadionuclideTotalDose);
  h.halfLife = num(radio, Tag.RadionuclideHalfLife);
  h.injectionDateTime = parseDicomDateTime(str(radio, Tag.RadiopharmaceuticalStartDateTime));
  h.injectionTimeText = str(radio, Tag.RadiopharmaceuticalStartTime);
  const suvKey = privateTagKey(ds, '7053', PHILIPS_CREATOR, '00');
  const acKey = privateTagKey(ds, '7053', PHILIPS_CREATOR, '09');
  h.philipsSuvScaleFactor = suvKey ? num(ds, suvKey) : undefined;
  h.philipsActivityScaleFactor = acKey ? num(ds, acKey) : undefined;
  const geKey = privateTagKey(ds, '0009', GE_CREATOR, '0D');
  h.gePrivateScanDateTime = geKey ? parseDicomDateTime(str(ds, geKey)) : undefined;
  h.rescaleSlope = num(ds, Tag.RescaleSlope);
  h.rescaleIntercept = num(ds, Tag.RescaleIntercept);
  return h;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 → ASCII text (no atob: common/ has no DOM or Node globals); undefined when it is not base64. */
function decodeBase64Ascii(b64: string): string | undefined {
  const s = b64.replace(/=+$/, '');
  if (s.length > 4096 || /[^A-Za-z0-9+/]/.test(s)) return undefined;
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const ch of s) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 0xff);
    }
  }
  return out;
}
