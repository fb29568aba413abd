/**
 * Reading real Part 10 files the independent way (dicom-parser directly, not our part10 module), so tests
 * compare what travelled through Orthanc and the gateway with what is in the file.
 */
import { promises as fs } from 'node:fs';
import dicomParser from 'dicom-parser';

export interface DicomFileInfo {
  path: string;
  study: string;
  series: string;
  sop: string;
  instanceNumber: number;
  patientId: string;
  studyDate: string;
  modality: string;
  rows: number;
  columns: number;
  bitsAllocated: number;
  transferSyntax: string;
  /** The Pixel Data element's value bytes, as stored in the file. */
  pixelData: Uint8Array;
}

export async function readDicomFile(file: string): Promise<DicomFileInfo> {
  return parseDicomBytes(new Uint8Array(await fs.readFile(file)), file);
}

/** The same from bytes in memory (e.g. read back from the encrypted archive); `file` names them in errors. */
export function parseDicomBytes(bytes: Uint8Array, file: string): DicomFileInfo {
  const ds = dicomParser.parseDicom(bytes);
  const str = (tag: string) => (ds.string(tag) ?? '').trim();
  const pixel = ds.elements['x7fe00010'];
  if (!pixel) throw new Error(`${file} has no Pixel Data element`);
  if (pixel.encapsulatedPixelData) throw new Error(`${file} has encapsulated pixel data; these helpers expect native`);
  return {
    path: file,
    study: str('x0020000d'),
    series: str('x0020000e'),
    sop: str('x00080018'),
    instanceNumber: ds.intString('x00200013') ?? NaN,
    patientId: str('x00100020'),
    studyDate: str('x00080020'),
    modality: str('x00080060'),
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    bitsAllocated: ds.uint16('x00280100') ?? 0,
    transferSyntax: str('x00020010'),
    pixelData: bytes.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length),
  };
}

/** Throws with the first differing offset (never dumps megabytes into the test report). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.byteLength !== expected.byteLength) {
    throw new Error(`${what}: ${actual.byteLength} bytes, expected ${expected.byteLength}`);
  }
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))) return;
  let i = 0;
  while (actual[i] === expected[i]) i++;
  throw new Error(`${what}: bytes differ first at offset ${i} (${actual[i]} vs ${expected[i]})`);
}
