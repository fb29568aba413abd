/**
 * calculate-suv's test metadata (InstanceMetadata: keyword → value, Philips private values grouped) as the DICOM
 * JSON our engine reads, so that the vendor headers of ../shared/data/suv_vendor_metadata_json and the committed
 * fixture can be fed to computeSuv and to calculate-suv alike.
 */
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';

export interface VendorInstance {
  SeriesDate?: string;
  SeriesTime?: string;
  PatientSex?: string;
  PatientSize?: number;
  PatientWeight?: number;
  AcquisitionDate?: string;
  AcquisitionTime?: string;
  FrameReferenceTime?: number;
  DecayCorrection?: string;
  Units?: string;
  RadionuclideTotalDose?: number;
  RadionuclideHalfLife?: number;
  RadiopharmaceuticalStartTime?: string;
  RadiopharmaceuticalStartDateTime?: string;
  CorrectedImage?: string[];
  ActualFrameDuration?: number;
  PhilipsPETPrivateGroup?: { SUVScaleFactor?: string | number; ActivityConcentrationScaleFactor?: string | number };
  GEPrivatePostInjectionDateTime?: string;
}

export function vendorToDicomJson(m: VendorInstance, index = 0): DicomJsonDataset {
  const ds: DicomJsonDataset = { '00080018': { vr: 'UI', Value: [`2.25.${1000 + index}`] } };
  const put = (tag: string, vr: string, v: string | number | string[] | undefined) => {
    if (v === undefined) return;
    ds[tag] = { vr, Value: Array.isArray(v) ? v : [v] };
  };
  put('00080021', 'DA', m.SeriesDate);
  put('00080031', 'TM', m.SeriesTime);
  put('00080022', 'DA', m.AcquisitionDate);
  put('00080032', 'TM', m.AcquisitionTime);
  put('00100040', 'CS', m.PatientSex);
  put('00101020', 'DS', m.PatientSize);
  put('00101030', 'DS', m.PatientWeight);
  put('00541300', 'DS', m.FrameReferenceTime);
  put('00181242', 'IS', m.ActualFrameDuration);
  put('00541102', 'CS', m.DecayCorrection);
  put('00541001', 'CS', m.Units);
  put('00280051', 'CS', m.CorrectedImage);
  const radio: DicomJsonDataset = {};
  if (m.RadionuclideTotalDose !== undefined) radio['00181074'] = { vr: 'DS', Value: [m.RadionuclideTotalDose] };
  if (m.RadionuclideHalfLife !== undefined) radio['00181075'] = { vr: 'DS', Value: [m.RadionuclideHalfLife] };
  if (m.RadiopharmaceuticalStartTime !== undefined) radio['00181072'] = { vr: 'TM', Value: [m.RadiopharmaceuticalStartTime] };
  if (m.RadiopharmaceuticalStartDateTime !== undefined) radio['00181078'] = { vr: 'DT', Value: [m.RadiopharmaceuticalStartDateTime] };
  ds['00540016'] = { vr: 'SQ', Value: [radio] };
  const ph = m.PhilipsPETPrivateGroup ?? {};
  if (ph.SUVScaleFactor !== undefined || ph.ActivityConcentrationScaleFactor !== undefined) {
    ds['70530010'] = { vr: 'LO', Value: ['Philips PET Private Group'] };
    if (ph.SUVScaleFactor !== undefined) ds['70531000'] = { vr: 'DS', Value: [Number(ph.SUVScaleFactor)] };
    if (ph.ActivityConcentrationScaleFactor !== undefined) ds['70531009'] = { vr: 'DS', Value: [Number(ph.ActivityConcentrationScaleFactor)] };
  }
  if (m.GEPrivatePostInjectionDateTime !== undefined) {
    ds['00090010'] = { vr: 'LO', Value: ['GEMS_PETD_01'] };
    ds['0009100D'] = { vr: 'DT', Value: [m.GEPrivatePostInjectionDateTime] };
  }
  return ds;
}
