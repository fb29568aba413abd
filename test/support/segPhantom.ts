/**
 * A DICOM SEG (BINARY, one segment) over an axial CT series, written with dcmjs, with the truth it was made from: a
 * sphere of `radiusMm` at `centre` (patient mm, LPS), a voxel inside when its centre is (no partial volume). One frame
 * per CT slice the sphere touches, each placed by its Plane Position and by its source CT image's SOP Instance UID,
 * in the CT's study and frame of reference. For SEG outlines over a CT's stack, MPR and fused planes (issue #17).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getNumbers, getString } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import { part10ToDicomJson } from '../../electron/services/dicom/datasetJson';
import { writeDcmjs } from './dcmjsWrite';

type Vec3 = [number, number, number];

export interface SegPhantom {
  file: string;
  seriesUid: string;
  truth: { centre: Vec3; radiusMm: number; voxels: number; label: string };
}

const SEG_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
const CT_CLASS = '1.2.840.10008.5.1.4.1.1.2';
const code = (value: string, scheme: string, meaning: string) => [{ CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning }];

/** Writes `dir/seg.dcm`: the sphere on the grid of the axial CT `ctFiles` (one frame per slice it touches). */
export function writeSphereSeg(ctFiles: readonly string[], dir: string, uidRoot: string, centre: Vec3, radiusMm: number): SegPhantom {
  const slices = ctFiles
    .map((f) => part10ToDicomJson(new Uint8Array(readFileSync(f))).dataset)
    .map((ds) => ({ ds, ipp: getNumbers(ds, Tag.ImagePositionPatient, 3)! as Vec3 }))
    .sort((a, b) => a.ipp[2] - b.ipp[2]);
  const first = slices[0]!.ds;
  const rows = Number(first[Tag.Rows]!.Value![0]);
  const columns = Number(first[Tag.Columns]!.Value![0]);
  const [rowSpacing, columnSpacing] = getNumbers(first, Tag.PixelSpacing, 2)!;
  const iop = getNumbers(first, Tag.ImageOrientationPatient, 6)!;
  if (iop.join(',') !== '1,0,0,0,1,0') throw new Error('writeSphereSeg needs an axial CT (Image Orientation 1\\0\\0\\0\\1\\0)');
  const frames: { ipp: Vec3; sop: string; bits: Uint8Array }[] = [];
  let voxels = 0;
  for (const { ds, ipp } of slices) {
    const bits = new Uint8Array(rows * columns);
    let any = false;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const x = ipp[0] + c * columnSpacing!;
        const y = ipp[1] + r * rowSpacing!;
        if ((x - centre[0]) ** 2 + (y - centre[1]) ** 2 + (ipp[2] - centre[2]) ** 2 <= radiusMm ** 2) {
          bits[r * columns + c] = 1;
          any = true;
          voxels++;
        }
      }
    }
    if (any) frames.push({ ipp, sop: getString(ds, Tag.SOPInstanceUID)!, bits });
  }
  // BINARY frames packed one after another, least significant bit first (PS3.5 8.1.1).
  const pixels = rows * columns;
  const packed = new Uint8Array(Math.ceil((frames.length * pixels) / 8) + (Math.ceil((frames.length * pixels) / 8) % 2));
  frames.forEach((f, k) => {
    for (let p = 0; p < pixels; p++) if (f.bits[p]) packed[(k * pixels + p) >> 3]! |= 1 << ((k * pixels + p) & 7);
  });
  const seriesUid = `${uidRoot}.1`;
  const ctSeries = getString(first, Tag.SeriesInstanceUID)!;
  const label = 'Lesion';
  const bytes = writeDcmjs({
    SpecificCharacterSet: 'ISO_IR 100',
    SOPClassUID: SEG_CLASS,
    SOPInstanceUID: `${uidRoot}.2`,
    StudyInstanceUID: getString(first, Tag.StudyInstanceUID),
    SeriesInstanceUID: seriesUid,
    FrameOfReferenceUID: getString(first, Tag.FrameOfReferenceUID),
    PatientName: getString(first, Tag.PatientName) ?? '',
    PatientID: getString(first, Tag.PatientID) ?? '',
    PatientBirthDate: '',
    PatientSex: 'O',
    StudyDate: getString(first, Tag.StudyDate) ?? '',
    StudyTime: '090000',
    StudyID: '',
    AccessionNumber: getString(first, Tag.AccessionNumber) ?? '',
    ReferringPhysicianName: '',
    Modality: 'SEG',
    SeriesNumber: '90',
    InstanceNumber: '1',
    SeriesDescription: 'Sphere segmentation (synthetic)',
    Manufacturer: 'Dokuei test phantom',
    ManufacturerModelName: 'segPhantom.ts',
    DeviceSerialNumber: '1',
    SoftwareVersions: '1',
    ContentDate: '20240501',
    ContentTime: '090000',
    ContentLabel: 'SPHERE',
    ContentDescription: 'A sphere',
    ContentCreatorName: '',
    ImageType: ['DERIVED', 'PRIMARY'],
    SegmentationType: 'BINARY',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: rows,
    Columns: columns,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    NumberOfFrames: String(frames.length),
    PositionReferenceIndicator: '',
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: `${uidRoot}.3` }],
    DimensionIndexSequence: [
      { DimensionOrganizationUID: `${uidRoot}.3`, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'Segment' },
      { DimensionOrganizationUID: `${uidRoot}.3`, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'Position' },
    ],
    SegmentSequence: [
      {
        SegmentNumber: 1,
        SegmentLabel: label,
        SegmentAlgorithmType: 'MANUAL',
        SegmentedPropertyCategoryCodeSequence: code('49755003', 'SCT', 'Morphologically Altered Structure'),
        SegmentedPropertyTypeCodeSequence: code('4147007', 'SCT', 'Mass'),
      },
    ],
    ReferencedSeriesSequence: [
      { SeriesInstanceUID: ctSeries, ReferencedInstanceSequence: frames.map((f) => ({ ReferencedSOPClassUID: CT_CLASS, ReferencedSOPInstanceUID: f.sop })) },
    ],
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: iop }],
        PixelMeasuresSequence: [{ PixelSpacing: [rowSpacing, columnSpacing], SliceThickness: Math.abs((slices[1]?.ipp[2] ?? 1) - slices[0]!.ipp[2]) }],
        SegmentIdentificationSequence: [{ ReferencedSegmentNumber: 1 }],
      },
    ],
    PerFrameFunctionalGroupsSequence: frames.map((f, k) => ({
      FrameContentSequence: [{ DimensionIndexValues: [1, k + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: f.ipp }],
      DerivationImageSequence: [
        {
          DerivationCodeSequence: code('113076', 'DCM', 'Segmentation'),
          SourceImageSequence: [{ ReferencedSOPClassUID: CT_CLASS, ReferencedSOPInstanceUID: f.sop, PurposeOfReferenceCodeSequence: code('121322', 'DCM', 'Source image for image processing operation') }],
        },
      ],
    })),
    PixelData: packed.buffer,
    _vrMap: { PixelData: 'OB' },
  });
  const file = path.join(dir, 'seg.dcm');
  writeFileSync(file, bytes);
  return { file, seriesUid, truth: { centre, radiusMm, voxels, label } };
}
