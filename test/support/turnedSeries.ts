/**
 * A copy of a DICOM series whose position and orientation headers are turned in patient space (Image Position and
 * Image Orientation (Patient) rewritten; pixels untouched; new series and instance UIDs): the anatomy the headers
 * describe is turned by that rotation, as when a CT labelled feet-first keeps head-first orientation vectors, so the
 * header pose is wrong by exactly that turn. For registration tests of starts far from the headers.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';

type Dataset = Record<string, unknown>;
interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer): { dict: unknown; meta: unknown } };
  DicomMetaDictionary: { naturalizeDataset(d: unknown): Dataset; denaturalizeDataset(d: unknown): unknown };
  DicomDict: new (meta: unknown) => { dict: unknown; write(): ArrayBuffer };
}
const { DicomMessage, DicomMetaDictionary, DicomDict } = (dcmjs as unknown as { data: DcmjsData }).data;

/** p ↦ R·(p − centre) + centre + shift, R row-major 3×3 (patient mm, LPS). */
export interface HeaderTurn {
  rotation: ArrayLike<number>;
  centre: readonly [number, number, number];
  shift?: readonly [number, number, number];
}

const turnVector = (R: ArrayLike<number>, v: readonly number[]) => [0, 1, 2].map((r) => R[r * 3]! * v[0]! + R[r * 3 + 1]! * v[1]! + R[r * 3 + 2]! * v[2]!);
const ds = (x: number) => Number(x.toFixed(6));

/** Writes the turned copy of `files` into `dir`; returns the new files. */
export function writeTurnedCopy(files: readonly string[], dir: string, uidRoot: string, turn: HeaderTurn, description = 'turned header copy', extra: Record<string, unknown> = {}): string[] {
  mkdirSync(dir, { recursive: true });
  const shift = turn.shift ?? [0, 0, 0];
  return files.map((file, k) => {
    const bytes = readFileSync(file);
    const msg = DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const data = DicomMetaDictionary.naturalizeDataset(msg.dict);
    const meta = DicomMetaDictionary.naturalizeDataset(msg.meta);
    const ipp = (data.ImagePositionPatient as number[]).map(Number);
    const iop = (data.ImageOrientationPatient as number[]).map(Number);
    const p = turnVector(turn.rotation, ipp.map((x, a) => x - turn.centre[a]!));
    data.ImagePositionPatient = p.map((x, a) => ds(x + turn.centre[a]! + shift[a]!));
    data.ImageOrientationPatient = [...turnVector(turn.rotation, iop.slice(0, 3)), ...turnVector(turn.rotation, iop.slice(3, 6))].map(ds);
    data.SeriesInstanceUID = `${uidRoot}.2`;
    data.SOPInstanceUID = `${uidRoot}.4.${k + 1}`;
    data.SeriesDescription = description;
    delete data.SliceLocation; // along the old normal: no longer meaningful
    Object.assign(data, extra);
    const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset({ ...meta, MediaStorageSOPInstanceUID: data.SOPInstanceUID }));
    dict.dict = DicomMetaDictionary.denaturalizeDataset(data);
    const out = path.join(dir, `turned${String(k + 1).padStart(4, '0')}.dcm`);
    writeFileSync(out, Buffer.from(dict.write()));
    return out;
  });
}
