/**
 * Synthetic CT series written with dcmjs, for volume tests that need a shape no real data set has
 * (e.g. more slices than the GPU's 3D texture limit). The content is a bright sphere in air, so every
 * plane through the centre shows a disc: structure a pixel check can find.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';

interface DcmjsData {
  DicomDict: new (meta: unknown) => { dict: unknown; write(): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(ds: unknown): unknown };
}
const { DicomDict, DicomMetaDictionary } = (dcmjs as unknown as { data: DcmjsData }).data;

export interface SyntheticSeriesOptions {
  slices: number;
  rows: number;
  columns: number;
  /** mm, in-plane and between slices. */
  pixelSpacing: number;
  sliceSpacing: number;
  patientId: string;
  /** UID root for study/series/instances (digits and dots). */
  uidRoot: string;
  /** Slice positions along z, mm (then `slices` and `sliceSpacing` are ignored for placement): uneven series. */
  positions?: readonly number[];
  /** Where the sphere's centre lies along z, mm (default: halfway between the first and last slice). */
  sphereCentreZ?: number;
  /** The sphere's radius, mm (default: 40 % of the smallest extent). */
  radiusMm?: number;
  /**
   * Gantry tilt, degrees: each slice's position moves by −z·tan(tilt) in y (axial orientation kept), a sheared
   * stack as tilted CT acquisitions give; the sphere stays a sphere in patient space.
   */
  tiltDeg?: number;
}

/** HU inside the sphere and outside it. */
export const SPHERE_HU = 1000;
export const AIR_HU = -1000;

/** Writes the series as one Part 10 file per slice; returns the file paths in slice order. */
export function writeSyntheticSphereSeries(dir: string, o: SyntheticSeriesOptions): string[] {
  mkdirSync(dir, { recursive: true });
  const studyUid = `${o.uidRoot}.1`;
  const seriesUid = `${o.uidRoot}.2`;
  const forUid = `${o.uidRoot}.3`;
  const cx = (o.columns - 1) / 2;
  const cy = (o.rows - 1) / 2;
  const zs = o.positions ?? Array.from({ length: o.slices }, (_, k) => k * o.sliceSpacing);
  const extentZ = zs[zs.length - 1]! - zs[0]! + (o.positions ? 0 : o.sliceSpacing);
  const centreZ = o.sphereCentreZ ?? (zs[0]! + zs[zs.length - 1]!) / 2;
  // A sphere in mm, radius 40 % of the smallest extent unless given.
  const radius = o.radiusMm ?? 0.4 * Math.min(o.columns * o.pixelSpacing, o.rows * o.pixelSpacing, extentZ);
  const files: string[] = [];
  const shearPerMm = Math.tan(((o.tiltDeg ?? 0) * Math.PI) / 180);
  for (let k = 0; k < zs.length; k++) {
    const pixels = new Int16Array(o.rows * o.columns);
    const dz = zs[k]! - centreZ;
    // How far this slice's rows are moved in y (mm) by the tilt: the sphere is computed in patient space.
    const yShift = -zs[k]! * shearPerMm;
    for (let r = 0; r < o.rows; r++) {
      for (let c = 0; c < o.columns; c++) {
        const d = Math.hypot((c - cx) * o.pixelSpacing, yShift + (r - cy) * o.pixelSpacing, dz);
        // Stored = HU + 1024 (intercept −1024), as CT scanners store it.
        pixels[r * o.columns + c] = (d <= radius ? SPHERE_HU : AIR_HU) + 1024;
      }
    }
    const sop = `${o.uidRoot}.4.${k + 1}`;
    const ds = {
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      SOPInstanceUID: sop,
      StudyInstanceUID: studyUid,
      SeriesInstanceUID: seriesUid,
      FrameOfReferenceUID: forUid,
      Modality: 'CT',
      PatientName: 'SYNTHETIC^SPHERE',
      PatientID: o.patientId,
      StudyDate: '20260101',
      StudyTime: '120000',
      SeriesNumber: '1',
      InstanceNumber: String(k + 1),
      SeriesDescription: `Synthetic sphere ${zs.length} slices${o.positions ? ' uneven' : ''}${o.tiltDeg ? ` tilted ${o.tiltDeg}` : ''}`,
      Rows: o.rows,
      Columns: o.columns,
      BitsAllocated: 16,
      BitsStored: 12,
      HighBit: 11,
      PixelRepresentation: 0,
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      // DS values hold at most 16 characters: round away binary noise such as 0.30000000000000004.
      ImagePositionPatient: [-(o.columns * o.pixelSpacing) / 2, Number((-(o.rows * o.pixelSpacing) / 2 + yShift).toFixed(4)), Number(zs[k]!.toFixed(4))],
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      PixelSpacing: [o.pixelSpacing, o.pixelSpacing],
      SliceThickness: o.sliceSpacing,
      RescaleSlope: 1,
      RescaleIntercept: -1024,
      WindowCenter: 0,
      WindowWidth: 2000,
      PixelData: new Uint16Array(pixels.buffer).buffer,
      _vrMap: { PixelData: 'OW' },
    };
    const meta = {
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: ds.SOPClassUID,
      MediaStorageSOPInstanceUID: sop,
      TransferSyntaxUID: '1.2.840.10008.1.2.1',
      ImplementationClassUID: `${o.uidRoot}.9`,
    };
    const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
    const file = path.join(dir, `slice${String(k + 1).padStart(5, '0')}.dcm`);
    writeFileSync(file, Buffer.from(dict.write()));
    files.push(file);
  }
  return files;
}
