/**
 * A hand-made PET header whose SUV factors are easy to work out by hand:
 * 80 kg, 1.80 m, male; 400 MBq injected at 08:30:00, series and acquisition at 10:00:00 on 2024-01-15, so 5400 s
 * pass, and the half-life is 5400 s (one half-life: the dose at the reference time is exactly 200 MBq).
 * BQML, decay correction START, attenuation and decay corrected. SUVbw factor = 80000 g / 200e6 Bq = 4.0e-4.
 * `petHeader({ PatientWeight: undefined })` removes an element; other values replace it.
 */
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { vendorToDicomJson, type VendorInstance } from './vendorMetadata';

export interface PetHeaderPatch extends Partial<Record<keyof VendorInstance, unknown>> {
  SUVType?: string;
  RescaleSlope?: number;
  RescaleIntercept?: number;
  SeriesInstanceUID?: string;
  AcquisitionDateTime?: string;
}

export const BASE: VendorInstance = {
  SeriesDate: '20240115',
  SeriesTime: '100000',
  AcquisitionDate: '20240115',
  AcquisitionTime: '100000',
  PatientSex: 'M',
  PatientSize: 1.8,
  PatientWeight: 80,
  FrameReferenceTime: 0,
  ActualFrameDuration: 300000,
  DecayCorrection: 'START',
  Units: 'BQML',
  RadionuclideTotalDose: 400e6,
  RadionuclideHalfLife: 5400,
  RadiopharmaceuticalStartDateTime: '20240115083000',
  CorrectedImage: ['NORM', 'ATTN', 'SCAT', 'DECY'],
};

export function petHeader(patch: PetHeaderPatch = {}, index = 0): DicomJsonDataset {
  const merged: Record<string, unknown> = { ...BASE };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  const ds = vendorToDicomJson(merged as VendorInstance, index);
  const extra: [string, string, string, unknown][] = [
    ['SUVType', '00541006', 'CS', patch.SUVType],
    ['RescaleSlope', '00281053', 'DS', patch.RescaleSlope],
    ['RescaleIntercept', '00281052', 'DS', patch.RescaleIntercept],
    ['SeriesInstanceUID', '0020000E', 'UI', patch.SeriesInstanceUID],
    ['AcquisitionDateTime', '0008002A', 'DT', patch.AcquisitionDateTime],
  ];
  for (const [, tag, vr, v] of extra) if (v !== undefined) ds[tag] = { vr, Value: [v as string | number] };
  return ds;
}
