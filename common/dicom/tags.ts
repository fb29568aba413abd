/**
 * The DICOM attributes Dokuei reads by keyword, with their tags as DICOM JSON keys (PS3.18 F.2).
 * One table so that QIDO filtering, metadata and the UI agree on spelling.
 */
export const Tag = {
  SpecificCharacterSet: '00080005',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  SeriesDate: '00080021',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  ReferringPhysicianName: '00080090',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  RetrieveURL: '00081190',
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  BodyPartExamined: '00180015',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  FrameOfReferenceUID: '00200052',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  SamplesPerPixel: '00280002',
  PhotometricInterpretation: '00280004',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  PixelSpacing: '00280030',
  BitsAllocated: '00280100',
  BitsStored: '00280101',
  HighBit: '00280102',
  PixelRepresentation: '00280103',
  WindowCenter: '00281050',
  WindowWidth: '00281051',
  RescaleIntercept: '00281052',
  RescaleSlope: '00281053',
  ImageType: '00080008',
  SliceThickness: '00180050',
  SpacingBetweenSlices: '00180088',
  PerFrameFunctionalGroupsSequence: '52009230',
  SharedFunctionalGroupsSequence: '52009229',
  FrameContentSequence: '00209111',
  PlanePositionSequence: '00209113',
  PlaneOrientationSequence: '00209116',
  PixelMeasuresSequence: '00289110',
  PixelValueTransformationSequence: '00289145',
  TransferSyntaxUID: '00020010',
  PixelData: '7FE00010',
  // PET SUV inputs (common/suv): series, patient, acquisition and the Radiopharmaceutical Information Sequence item.
  SeriesTime: '00080031',
  AcquisitionDate: '00080022',
  AcquisitionTime: '00080032',
  AcquisitionDateTime: '0008002A',
  Manufacturer: '00080070',
  PatientSize: '00101020',
  PatientWeight: '00101030',
  ActualFrameDuration: '00181242',
  RadiopharmaceuticalStartTime: '00181072',
  RadionuclideTotalDose: '00181074',
  RadionuclideHalfLife: '00181075',
  RadiopharmaceuticalStartDateTime: '00181078',
  CorrectedImage: '00280051',
  RadiopharmaceuticalInformationSequence: '00540016',
  Units: '00541001',
  DecayCorrection: '00541102',
  SUVType: '00541006',
  FrameReferenceTime: '00541300',
  DecayFactor: '00541321',
} as const;

export type TagKeyword = keyof typeof Tag;
export type TagKey = (typeof Tag)[TagKeyword];

const keywordByTag = new Map<string, TagKeyword>(
  (Object.entries(Tag) as [TagKeyword, string][]).map(([k, v]) => [v, k]),
);

/** Resolve a QIDO query key given as a keyword ("PatientID") or a tag ("00100020") to the tag. */
export function resolveTag(keyOrTag: string): string | undefined {
  if (/^[0-9A-Fa-f]{8}$/.test(keyOrTag)) return keyOrTag.toUpperCase();
  return (Tag as Record<string, string>)[keyOrTag];
}

export function keywordOf(tag: string): TagKeyword | undefined {
  return keywordByTag.get(tag.toUpperCase());
}
