/**
 * Series derived from a real native CT series with dcmjs, for layout tests:
 * - a "prior": the same images as an earlier study of the same patient (new UIDs, date, frame of reference);
 * - a coronal reformat in the same frame of reference (rows = slices), so reference lines have a real
 *   orthogonal image to be drawn on.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';

type Dataset = Record<string, unknown> & { _meta?: unknown; _vrMap?: Record<string, string> };
interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer): { dict: unknown; meta: unknown } };
  DicomMetaDictionary: { naturalizeDataset(d: unknown): Dataset; denaturalizeDataset(d: unknown): unknown };
  DicomDict: new (meta: unknown) => { dict: unknown; write(): ArrayBuffer };
}
const { DicomMessage, DicomMetaDictionary, DicomDict } = (dcmjs as unknown as { data: DcmjsData }).data;

function read(file: string): { ds: Dataset; meta: Dataset } {
  const bytes = readFileSync(file);
  const msg = DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { ds: DicomMetaDictionary.naturalizeDataset(msg.dict), meta: DicomMetaDictionary.naturalizeDataset(msg.meta) };
}

function write(file: string, ds: Dataset, meta: Dataset): void {
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset({ ...meta, MediaStorageSOPInstanceUID: ds.SOPInstanceUID }));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  writeFileSync(file, Buffer.from(dict.write()));
}

/** The series as an earlier study: new study/series/instance/frame-of-reference UIDs and the given date. */
export function writePriorCopy(files: readonly string[], dir: string, uidRoot: string, studyDate: string): string[] {
  mkdirSync(dir, { recursive: true });
  return files.map((f, i) => {
    const { ds, meta } = read(f);
    ds.StudyInstanceUID = `${uidRoot}.1`;
    ds.SeriesInstanceUID = `${uidRoot}.2`;
    ds.FrameOfReferenceUID = `${uidRoot}.3`;
    ds.SOPInstanceUID = `${uidRoot}.4.${i + 1}`;
    ds.StudyDate = studyDate;
    ds.SeriesDate = studyDate;
    ds.AccessionNumber = 'PRIOR';
    const out = path.join(dir, `prior${String(i + 1).padStart(4, '0')}.dcm`);
    write(out, ds, meta);
    return out;
  });
}

/**
 * A few coronal images reformatted from axial slices (evenly spaced, sorted by z): row r of the coronal
 * image at y is the axial slice r's row at y. Same study and frame of reference as the first axial file.
 */
export function writeCoronalReformat(files: readonly string[], dir: string, uidRoot: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const slices = files.map((f) => read(f)).sort((a, b) => (b.ds.ImagePositionPatient as number[])[2]! - (a.ds.ImagePositionPatient as number[])[2]!);
  const first = slices[0]!;
  const rows = first.ds.Rows as number;
  const columns = first.ds.Columns as number;
  const [rowSpacing, columnSpacing] = first.ds.PixelSpacing as number[];
  const ipp0 = first.ds.ImagePositionPatient as number[];
  const zTop = ipp0[2]!;
  const zs = slices.map((sl) => (sl.ds.ImagePositionPatient as number[])[2]!);
  // Resampled at 2 mm by nearest slice: the source slices need not be evenly spaced.
  const zStep = 2;
  const coronalRows = Math.floor((zTop - zs.at(-1)!) / zStep) + 1;
  const nearest = (z: number) => zs.reduce((best, v, i) => (Math.abs(v - z) < Math.abs(zs[best]! - z) ? i : best), 0);
  const pixels = slices.map((sl) => {
    const pd = sl.ds.PixelData as ArrayBuffer | ArrayBuffer[];
    return new Int16Array(Array.isArray(pd) ? pd[0]! : pd);
  });
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const row = Math.round(((k + 1) * rows) / (count + 1));
    const y = ipp0[1]! + row * rowSpacing!;
    const data = new Int16Array(coronalRows * columns);
    for (let r = 0; r < coronalRows; r++) data.set(pixels[nearest(zTop - r * zStep)]!.subarray(row * columns, (row + 1) * columns), r * columns);
    const ds: Dataset = {
      ...first.ds,
      SeriesInstanceUID: `${uidRoot}.2`,
      SOPInstanceUID: `${uidRoot}.4.${k + 1}`,
      SeriesNumber: 900,
      SeriesDescription: 'Coronal reformat',
      InstanceNumber: k + 1,
      Rows: coronalRows,
      Columns: columns,
      ImageOrientationPatient: [1, 0, 0, 0, 0, -1],
      ImagePositionPatient: [ipp0[0]!, Number(y.toFixed(4)), zTop],
      PixelSpacing: [zStep, columnSpacing!],
      SliceLocation: Number(y.toFixed(4)),
      PixelData: data.buffer,
    };
    const file = path.join(dir, `coronal${k + 1}.dcm`);
    write(file, ds, { ...first.meta });
    out.push(file);
  }
  return out;
}

/**
 * The slices re-positioned evenly along z (same pixels, same in-plane geometry; new series and instance UIDs):
 * a CT at a chosen spacing from the committed demo (64 real slices, 1 mm apart), for volume tests that
 * must run without ../shared. `extra`: attributes set on every slice after that (another study, body part …).
 */
export function writeEvenlySpacedCopy(files: readonly string[], dir: string, uidRoot: string, spacingMm: number, extra: Record<string, unknown> = {}): string[] {
  mkdirSync(dir, { recursive: true });
  const slices = files.map((f) => read(f)).sort((a, b) => (b.ds.ImagePositionPatient as number[])[2]! - (a.ds.ImagePositionPatient as number[])[2]!);
  const top = (slices[0]!.ds.ImagePositionPatient as number[])[2]!;
  return slices.map(({ ds, meta }, k) => {
    const ipp = ds.ImagePositionPatient as number[];
    const z = Number((top - k * spacingMm).toFixed(4));
    ds.ImagePositionPatient = [ipp[0]!, ipp[1]!, z];
    ds.SliceLocation = z;
    ds.SeriesInstanceUID = `${uidRoot}.2`;
    ds.SOPInstanceUID = `${uidRoot}.4.${k + 1}`;
    ds.SeriesDescription = 'Demo CT, evenly spaced copy';
    ds.InstanceNumber = k + 1;
    Object.assign(ds, extra);
    const out = path.join(dir, `even${String(k + 1).padStart(4, '0')}.dcm`);
    write(out, ds, meta);
    return out;
  });
}

/**
 * The series again as a second series of the same study and frame of reference (new series and instance UIDs, its
 * own description and number): what a fusion of two series sharing the planning CT's frame needs in a test.
 */
export function writeSeriesCopy(files: readonly string[], dir: string, uidRoot: string, description: string): string[] {
  mkdirSync(dir, { recursive: true });
  return files.map((f, i) => {
    const { ds, meta } = read(f);
    ds.SeriesInstanceUID = `${uidRoot}.2`;
    ds.SOPInstanceUID = `${uidRoot}.4.${i + 1}`;
    ds.SeriesDescription = description;
    ds.SeriesNumber = '77';
    const out = path.join(dir, `copy${String(i + 1).padStart(4, '0')}.dcm`);
    write(out, ds, meta);
    return out;
  });
}
