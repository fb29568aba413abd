/**
 * A phantom radiotherapy set (issue #17, DVH/dose review): CT, RTSTRUCT, RTPLAN and RTDOSE sharing one study and
 * one Frame of Reference, written with dcmjs as Part 10 files, plus the analytic truth they were made from.
 *
 * Geometry (patient coordinates, mm, LPS):
 * - CT: 48 × 48 pixels of 2 mm, 40 slices 2.5 mm apart at z = −48.75 + 2.5k (centred on 0), Image Position
 *   (−47, −47, z); a water cylinder (0 HU) of radius 40 mm along z in air (−1000 HU); stored = HU + 1024, signed.
 * - ROIs, one contour per CT plane:
 *   1 "Sphere" (PTV): centre 0, R 15; planes |z| < 15, circles of radius √(R² − z²), 64 points counter-clockwise.
 *   2 "Box": x, y ∈ [−10, 10]; planes z = −8.75 … 8.75.
 *   3 "Small": sphere R 6 at (20, 0, 0) (lens-sized: only 4 planes, a test for partial-volume handling).
 *   4 "Ring": planes |z| ≤ 5, an outer circle (R 20) and an inner one (R 10) as two contours of one ROI. Both are
 *     counter-clockwise on purpose: the standard's rule is XOR of nested contours, so a reader that fills by
 *     winding number (nonzero) would wrongly fill the hole.
 * - Dose: D(r) = 60 Gy · exp(−r²/2σ²), σ = 20 mm, r from the origin; 40 × 40 × 34 voxels of 3 mm, grid centred on
 *   the origin and then moved by `doseOffsetMm` (default +1.1, −0.7, +0.9: never on the CT grid, so a reader that
 *   ignores either grid's origin or resamples wrongly is caught).
 *
 * Volume convention (truth.rois[].volumeCc and the DVHs in the RTDOSE): the spheres are the analytic solids
 * (4/3 πR³); Box and Ring are the solids their planar contours stand for when each plane covers one CT slice
 * thickness (2.5 mm) centred on it: Box z ∈ [−10, 10] (8 planes → 8 cc), Ring z ∈ [−5, 5] (4 planes, π(20² − 10²)
 * × 10 mm). A contour-based volume (end planes capped) differs for the spheres: that difference is the point of a
 * tolerance in the reader's tests, not an error here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';

interface DcmjsData {
  DicomDict: new (meta: unknown) => { dict: unknown; write(): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(ds: unknown): unknown };
}
const { DicomDict, DicomMetaDictionary } = (dcmjs as unknown as { data: DcmjsData }).data;

export interface RtPhantomOptions {
  /** Dose grid shift from the origin-centred grid, mm; default [1.1, −0.7, 0.9]. */
  doseOffsetMm?: [number, number, number];
  /** Grid Frame Offset Vector: 'relative' (first 0, the default) or 'absolute' (z positions). */
  frameOffsets?: 'relative' | 'absolute';
  /** Also write a BEAM dose: 2 Gy in x, y, z ∈ [−12, 12], 0 outside, for beam 1. */
  boxFieldDose?: boolean;
}

export interface RtPhantom {
  dir: string;
  files: { ct: string[]; rtstruct: string; rtdose: string; rtplan: string; boxDose?: string };
  truth: {
    sigmaMm: number;
    peakGy: number;
    prescriptionGy: number;
    /** Analytic Gaussian, Gy. */
    doseAt(p: readonly [number, number, number]): number;
    /** Analytic volumes, cc (see the volume convention at the top of this file). */
    rois: { number: number; name: string; color: [number, number, number]; volumeCc: number }[];
    /** Analytic cumulative DVH of ROI 1: volume receiving ≥ doseGy, cc. */
    sphereCumulativeCc(doseGy: number): number;
    /** Centre of the first voxel, voxel size and voxel counts (columns, rows, frames). */
    doseGrid: { origin: [number, number, number]; spacing: [number, number, number]; size: [number, number, number] };
  };
}

// 20 mm: broad enough that trilinear interpolation on the 3 mm grid errs by well under 1 % of the peak (σ 12 mm: up to
// ~2 %), so the DVH tests measure the DVH, not the grid.
const SIGMA = 20;
const PEAK = 60;
const PRESCRIPTION = 50;
const CT = { size: 48, pixel: 2, slices: 40, spacing: 2.5, firstZ: -48.75, firstXY: -47, waterRadius: 40 };
const DOSE = { spacing: 3, size: [40, 40, 34] as [number, number, number] };
/** Dose Grid Scaling: 60 Gy is 6e6 stored, far below 2³²; the stored value is exact to ±5e-6 Gy. */
const DOSE_SCALING = 1e-5;
/** DVH bins of 0.1 Gy from 0 to the peak. */
const DVH_BIN = 0.1;
const SAMPLE = 0.25;
const UID_ROOT = '2.25.1732050807568877293527';
const SOP = {
  ct: '1.2.840.10008.5.1.4.1.1.2',
  dose: '1.2.840.10008.5.1.4.1.1.481.2',
  struct: '1.2.840.10008.5.1.4.1.1.481.3',
  plan: '1.2.840.10008.5.1.4.1.1.481.5',
  // RT Referenced Study Sequence names the study by this (retired) class, as treatment planning systems write it.
  study: '1.2.840.10008.3.1.2.3.1',
};

/** Rounded to 0.1 µm so every DS stays well inside 16 characters and reads back as the number used for truth. */
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4 + 0;
const doseAt = (p: readonly [number, number, number]): number => PEAK * Math.exp(-(p[0] ** 2 + p[1] ** 2 + p[2] ** 2) / (2 * SIGMA * SIGMA));
const ctZ = (k: number): number => CT.firstZ + CT.spacing * k;

interface RoiDef {
  number: number;
  name: string;
  color: [number, number, number];
  type: 'PTV' | 'ORGAN';
  volumeCc: number;
  /** Contours on CT plane k (closed polygons, points in mm). */
  contours(z: number): [number, number][][];
  /** Inside the solid the truth volume describes (used for the sampled DVHs). */
  inside(x: number, y: number, z: number): boolean;
  /** Bounding box of that solid, [min, max] per axis. */
  bounds: [[number, number], [number, number], [number, number]];
}

const circle = (cx: number, cy: number, r: number): [number, number][] =>
  Array.from({ length: 64 }, (_, i) => [cx + r * Math.cos((2 * Math.PI * i) / 64), cy + r * Math.sin((2 * Math.PI * i) / 64)]);

const ROIS: RoiDef[] = [
  {
    number: 1, name: 'Sphere', color: [255, 0, 0], type: 'PTV', volumeCc: ((4 / 3) * Math.PI * 15 ** 3) / 1000,
    contours: (z) => (Math.abs(z) < 15 ? [circle(0, 0, Math.sqrt(225 - z * z))] : []),
    inside: (x, y, z) => x * x + y * y + z * z <= 225,
    bounds: [[-15, 15], [-15, 15], [-15, 15]],
  },
  {
    number: 2, name: 'Box', color: [0, 255, 0], type: 'ORGAN', volumeCc: (20 * 20 * 20) / 1000,
    contours: (z) => (Math.abs(z) <= 8.75 ? [[[-10, -10], [10, -10], [10, 10], [-10, 10]]] : []),
    inside: (x, y, z) => Math.abs(x) <= 10 && Math.abs(y) <= 10 && Math.abs(z) <= 10,
    bounds: [[-10, 10], [-10, 10], [-10, 10]],
  },
  {
    number: 3, name: 'Small', color: [0, 0, 255], type: 'ORGAN', volumeCc: ((4 / 3) * Math.PI * 6 ** 3) / 1000,
    contours: (z) => (Math.abs(z) < 6 ? [circle(20, 0, Math.sqrt(36 - z * z))] : []),
    inside: (x, y, z) => (x - 20) ** 2 + y * y + z * z <= 36,
    bounds: [[14, 26], [-6, 6], [-6, 6]],
  },
  {
    number: 4, name: 'Ring', color: [255, 255, 0], type: 'ORGAN', volumeCc: (Math.PI * (20 ** 2 - 10 ** 2) * 10) / 1000,
    contours: (z) => (Math.abs(z) <= 5 ? [circle(0, 0, 20), circle(0, 0, 10)] : []),
    inside: (x, y, z) => Math.abs(z) <= 5 && x * x + y * y <= 400 && x * x + y * y >= 100,
    bounds: [[-20, 20], [-20, 20], [-5, 5]],
  },
];

/** Analytic cumulative DVH of the Sphere: the dose falls with r, so V(≥d) is the ball of radius min(R, r(d)). */
function sphereCumulativeCc(d: number): number {
  if (d > PEAK) return 0;
  if (d <= 0) return ROIS[0]!.volumeCc;
  const r = Math.min(15, SIGMA * Math.sqrt(2 * Math.log(PEAK / d)));
  return ((4 / 3) * Math.PI * r ** 3) / 1000;
}

interface Dvh { cumulativeCc: number[]; min: number; max: number; mean: number }
const binCount = Math.round(PEAK / DVH_BIN);

function sphereDvh(): Dvh {
  const R = 15;
  // Mean over the ball: (3/R³) ∫₀ᴿ D(r) r² dr, by Simpson's rule (2000 intervals: far below DS precision).
  const n = 2000;
  let acc = 0;
  for (let i = 0; i <= n; i++) {
    const r = (R * i) / n;
    acc += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * doseAt([r, 0, 0]) * r * r;
  }
  const mean = ((3 / R ** 3) * acc * (R / n)) / 3;
  return { cumulativeCc: Array.from({ length: binCount }, (_, b) => sphereCumulativeCc(b * DVH_BIN)), min: doseAt([R, 0, 0]), max: PEAK, mean };
}

/**
 * The other ROIs have no closed form: the dose at the centres of 0.25 mm cells inside the solid. The histogram is
 * scaled to the analytic volume, so the sampling error lies only in the shape of the curve, not in its V(≥0).
 */
function sampledDvh(roi: RoiDef): Dvh {
  const counts = new Float64Array(binCount + 1);
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = 0;
  const [bx, by, bz] = roi.bounds;
  for (let z = bz[0] + SAMPLE / 2; z < bz[1]; z += SAMPLE)
    for (let y = by[0] + SAMPLE / 2; y < by[1]; y += SAMPLE)
      for (let x = bx[0] + SAMPLE / 2; x < bx[1]; x += SAMPLE) {
        if (!roi.inside(x, y, z)) continue;
        const d = doseAt([x, y, z]);
        counts[Math.min(binCount, Math.floor(d / DVH_BIN))]! += 1;
        n++;
        sum += d;
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
  const cumulativeCc = new Array<number>(binCount);
  let above = counts[binCount]!;
  for (let b = binCount - 1; b >= 0; b--) {
    above += counts[b]!;
    cumulativeCc[b] = (above / n) * roi.volumeCc;
  }
  return { cumulativeCc, min, max, mean: sum / n };
}

function writePart10(file: string, ds: Record<string, unknown>): void {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID,
    MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: `${UID_ROOT}.9`,
    ImplementationVersionName: 'DOKUEI_RTPHANTOM',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  writeFileSync(file, Buffer.from(dict.write()));
}

const ref = (ReferencedSOPClassUID: string, ReferencedSOPInstanceUID: string): Record<string, string> => ({ ReferencedSOPClassUID, ReferencedSOPInstanceUID });

/** Writes CT/, RTSTRUCT.dcm, RTPLAN.dcm, RTDOSE.dcm (and RTDOSE_BOX.dcm) under `dir`. */
export async function writeRtPhantom(dir: string, options: RtPhantomOptions = {}): Promise<RtPhantom> {
  const offset = options.doseOffsetMm ?? [1.1, -0.7, 0.9];
  const absolute = options.frameOffsets === 'absolute';
  const study = `${UID_ROOT}.1`;
  const frame = `${UID_ROOT}.2`;
  const ctSeries = `${UID_ROOT}.3`;
  const structSeries = `${UID_ROOT}.4`;
  const structUid = `${structSeries}.1`;
  const planSeries = `${UID_ROOT}.5`;
  const planUid = `${planSeries}.1`;
  const doseSeries = `${UID_ROOT}.6`;
  // Each variant of the dose grid is another instance: two variants must not share a SOP Instance UID in a store.
  const variant = `${absolute ? 2 : 1}.${offset.map((o) => Math.round(o * 1000) + 1000000).join('.')}`;

  const common = {
    SpecificCharacterSet: 'ISO_IR 100',
    StudyInstanceUID: study,
    PatientName: 'PHANTOM^RT GAUSSIAN',
    PatientID: 'DOKUEI-RT-PHANTOM',
    PatientBirthDate: '',
    PatientSex: 'O',
    StudyDate: '20240401',
    StudyTime: '090000',
    StudyID: 'RTPH1',
    AccessionNumber: 'RTPH1',
    ReferringPhysicianName: '',
    StudyDescription: 'RT phantom: Gaussian dose on a water cylinder (synthetic)',
    Manufacturer: 'Dokuei test phantom',
    ManufacturerModelName: 'rtPhantom.ts',
    InstitutionName: 'Dokuei',
    OperatorsName: '',
  };
  const rtSeries = (modality: string, uid: string, number: string, description: string): Record<string, unknown> => ({
    Modality: modality, SeriesInstanceUID: uid, SeriesNumber: number, SeriesDescription: description, SeriesDate: '20240401', SeriesTime: '100000',
  });

  // ---- CT
  const ctDir = path.join(dir, 'CT');
  mkdirSync(ctDir, { recursive: true });
  const ctUids: string[] = [];
  const ctFiles: string[] = [];
  for (let k = 0; k < CT.slices; k++) {
    const z = ctZ(k);
    const pixels = new Int16Array(CT.size * CT.size);
    for (let r = 0; r < CT.size; r++)
      for (let c = 0; c < CT.size; c++) {
        const inWater = Math.hypot(CT.firstXY + c * CT.pixel, CT.firstXY + r * CT.pixel) <= CT.waterRadius;
        pixels[r * CT.size + c] = (inWater ? 0 : -1000) + 1024;
      }
    const uid = `${ctSeries}.${k + 1}`;
    ctUids.push(uid);
    const file = path.join(ctDir, `CT${String(k + 1).padStart(4, '0')}.dcm`);
    writePart10(file, {
      ...common, SOPClassUID: SOP.ct, SOPInstanceUID: uid, ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
      Modality: 'CT', SeriesInstanceUID: ctSeries, SeriesNumber: '1', SeriesDescription: 'CT water cylinder 2.5 mm', PatientPosition: 'HFS',
      // An unpaired body part: otherwise General Series wants a Laterality.
      BodyPartExamined: 'CHEST',
      FrameOfReferenceUID: frame, PositionReferenceIndicator: '', SeriesDate: '20240401', SeriesTime: '090000',
      AcquisitionDate: '20240401', AcquisitionTime: '090000', ContentDate: '20240401', ContentTime: '090000',
      AcquisitionNumber: '1', InstanceNumber: String(k + 1), PatientOrientation: '',
      ImagePositionPatient: [CT.firstXY, CT.firstXY, z], ImageOrientationPatient: [1, 0, 0, 0, 1, 0], SliceLocation: z,
      PixelSpacing: [CT.pixel, CT.pixel], SliceThickness: CT.spacing, KVP: 120,
      SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2', Rows: CT.size, Columns: CT.size,
      BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 1,
      RescaleIntercept: -1024, RescaleSlope: 1, RescaleType: 'HU', WindowCenter: 40, WindowWidth: 400, BurnedInAnnotation: 'NO',
      PixelData: pixels.buffer, _vrMap: { PixelData: 'OW' },
    });
    ctFiles.push(file);
  }

  // ---- RTSTRUCT
  const rtstruct = path.join(dir, 'RTSTRUCT.dcm');
  writePart10(rtstruct, {
    ...common, SOPClassUID: SOP.struct, SOPInstanceUID: structUid, ...rtSeries('RTSTRUCT', structSeries, '2', 'Phantom structures'),
    // The RT Structure Set IOD now carries the Frame of Reference module too (dciodvfy requires it).
    FrameOfReferenceUID: frame, PositionReferenceIndicator: '',
    InstanceNumber: '1', StructureSetLabel: 'PHANTOM', StructureSetName: 'Phantom ROIs', StructureSetDate: '20240401', StructureSetTime: '100000',
    ReferencedFrameOfReferenceSequence: [{
      FrameOfReferenceUID: frame,
      RTReferencedStudySequence: [{
        ...ref(SOP.study, study),
        RTReferencedSeriesSequence: [{ SeriesInstanceUID: ctSeries, ContourImageSequence: ctUids.map((u) => ref(SOP.ct, u)) }],
      }],
    }],
    StructureSetROISequence: ROIS.map((r) => ({ ROINumber: r.number, ReferencedFrameOfReferenceUID: frame, ROIName: r.name, ROIGenerationAlgorithm: 'MANUAL' })),
    ROIContourSequence: ROIS.map((r) => {
      const contours: Record<string, unknown>[] = [];
      for (let k = 0; k < CT.slices; k++)
        for (const poly of r.contours(ctZ(k)))
          contours.push({
            ContourNumber: contours.length + 1,
            ContourImageSequence: [ref(SOP.ct, ctUids[k]!)],
            ContourGeometricType: 'CLOSED_PLANAR',
            NumberOfContourPoints: poly.length,
            ContourData: poly.flatMap(([x, y]) => [r4(x), r4(y), ctZ(k)]),
          });
      return { ReferencedROINumber: r.number, ROIDisplayColor: r.color, ContourSequence: contours };
    }),
    RTROIObservationsSequence: ROIS.map((r) => ({ ObservationNumber: r.number, ReferencedROINumber: r.number, RTROIInterpretedType: r.type, ROIInterpreter: '' })),
    ApprovalStatus: 'UNAPPROVED',
  });

  // ---- RTPLAN: three static 6 MV photon beams on the isocentre, 25 fractions, 50 Gy to the Sphere.
  const rtplan = path.join(dir, 'RTPLAN.dcm');
  const beams = [
    { number: 1, name: 'G0', gantry: 0, mu: 100 },
    { number: 2, name: 'G120', gantry: 120, mu: 110 },
    { number: 3, name: 'G240', gantry: 240, mu: 120 },
  ];
  writePart10(rtplan, {
    ...common, SOPClassUID: SOP.plan, SOPInstanceUID: planUid, ...rtSeries('RTPLAN', planSeries, '3', 'Phantom plan'),
    FrameOfReferenceUID: frame, PositionReferenceIndicator: '', InstanceNumber: '1',
    RTPlanLabel: 'PHANTOM', RTPlanName: '3 field', RTPlanDate: '20240401', RTPlanTime: '100000', RTPlanGeometry: 'PATIENT',
    ReferencedStructureSetSequence: [ref(SOP.struct, structUid)],
    DoseReferenceSequence: [{
      DoseReferenceNumber: 1, DoseReferenceUID: `${planUid}.1`, DoseReferenceStructureType: 'VOLUME', ReferencedROINumber: 1,
      DoseReferenceDescription: 'PTV Sphere', DoseReferenceType: 'TARGET', TargetPrescriptionDose: PRESCRIPTION,
    }],
    FractionGroupSequence: [{
      FractionGroupNumber: 1, NumberOfFractionsPlanned: 25, NumberOfBeams: beams.length, NumberOfBrachyApplicationSetups: 0,
      ReferencedBeamSequence: beams.map((b) => ({ ReferencedBeamNumber: b.number, BeamMeterset: b.mu })),
    }],
    PatientSetupSequence: [{ PatientSetupNumber: 1, PatientPosition: 'HFS' }],
    BeamSequence: beams.map((b) => ({
      BeamNumber: b.number, BeamName: b.name, BeamType: 'STATIC', RadiationType: 'PHOTON', TreatmentMachineName: 'PHANTOM_LINAC',
      PrimaryDosimeterUnit: 'MU', SourceAxisDistance: 1000, ReferencedPatientSetupNumber: 1,
      BeamLimitingDeviceSequence: [{ RTBeamLimitingDeviceType: 'ASYMX', NumberOfLeafJawPairs: 1 }, { RTBeamLimitingDeviceType: 'ASYMY', NumberOfLeafJawPairs: 1 }],
      TreatmentDeliveryType: 'TREATMENT', NumberOfWedges: 0, NumberOfCompensators: 0, NumberOfBoli: 0, NumberOfBlocks: 0,
      FinalCumulativeMetersetWeight: 1, NumberOfControlPoints: 2,
      ControlPointSequence: [
        {
          ControlPointIndex: 0, NominalBeamEnergy: 6,
          BeamLimitingDevicePositionSequence: [{ RTBeamLimitingDeviceType: 'ASYMX', LeafJawPositions: [-20, 20] }, { RTBeamLimitingDeviceType: 'ASYMY', LeafJawPositions: [-20, 20] }],
          GantryAngle: b.gantry, GantryRotationDirection: 'NONE', BeamLimitingDeviceAngle: 0, BeamLimitingDeviceRotationDirection: 'NONE',
          PatientSupportAngle: 0, PatientSupportRotationDirection: 'NONE', TableTopEccentricAngle: 0, TableTopEccentricRotationDirection: 'NONE',
          TableTopVerticalPosition: 0, TableTopLongitudinalPosition: 0, TableTopLateralPosition: 0,
          IsocenterPosition: [0, 0, 0], CumulativeMetersetWeight: 0,
        },
        { ControlPointIndex: 1, CumulativeMetersetWeight: 1 },
      ],
    })),
    ApprovalStatus: 'UNAPPROVED',
  });

  // ---- RTDOSE
  const origin: [number, number, number] = [
    r4(-((DOSE.size[0] - 1) * DOSE.spacing) / 2 + offset[0]),
    r4(-((DOSE.size[1] - 1) * DOSE.spacing) / 2 + offset[1]),
    r4(-((DOSE.size[2] - 1) * DOSE.spacing) / 2 + offset[2]),
  ];
  const frameOffsets = Array.from({ length: DOSE.size[2] }, (_, k) => r4((absolute ? origin[2] : 0) + k * DOSE.spacing));
  const doseVolume = (at: (p: [number, number, number]) => number): ArrayBuffer => {
    const [nx, ny, nz] = DOSE.size;
    const v = new Uint32Array(nx * ny * nz);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          // Voxel centres at the positions as written (rounded DS), so doseAt() of a read-back centre matches.
          const p: [number, number, number] = [origin[0] + i * DOSE.spacing, origin[1] + j * DOSE.spacing, origin[2] + k * DOSE.spacing];
          v[(k * ny + j) * nx + i] = Math.round(at(p) / DOSE_SCALING);
        }
    return v.buffer;
  };
  const doseDataset = (uid: string, number: string, summation: 'PLAN' | 'BEAM', pixels: ArrayBuffer): Record<string, unknown> => ({
    ...common, SOPClassUID: SOP.dose, SOPInstanceUID: uid, ...rtSeries('RTDOSE', doseSeries, '4', 'Phantom dose'),
    FrameOfReferenceUID: frame, PositionReferenceIndicator: '', InstanceNumber: number, ContentDate: '20240401', ContentTime: '100000',
    ImagePositionPatient: origin, ImageOrientationPatient: [1, 0, 0, 0, 1, 0], PixelSpacing: [DOSE.spacing, DOSE.spacing], SliceThickness: DOSE.spacing,
    SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2', Rows: DOSE.size[1], Columns: DOSE.size[0],
    BitsAllocated: 32, BitsStored: 32, HighBit: 31, PixelRepresentation: 0,
    NumberOfFrames: DOSE.size[2], FrameIncrementPointer: 0x3004000c, GridFrameOffsetVector: frameOffsets,
    DoseUnits: 'GY', DoseType: 'PHYSICAL', DoseSummationType: summation, DoseGridScaling: DOSE_SCALING, TissueHeterogeneityCorrection: 'IMAGE',
    ReferencedRTPlanSequence: [{
      ...ref(SOP.plan, planUid),
      // BEAM dose: the standard requires naming the fraction group and the beam it is the dose of.
      ...(summation === 'BEAM' ? { ReferencedFractionGroupSequence: [{ ReferencedFractionGroupNumber: 1, ReferencedBeamSequence: [{ ReferencedBeamNumber: 1 }] }] } : {}),
    }],
    PixelData: pixels, _vrMap: { PixelData: 'OW' },
  });
  const dvhs = ROIS.map((r) => (r.number === 1 ? sphereDvh() : sampledDvh(r)));
  const rtdose = path.join(dir, 'RTDOSE.dcm');
  writePart10(rtdose, {
    ...doseDataset(`${doseSeries}.1.${variant}`, '1', 'PLAN', doseVolume(doseAt)),
    ReferencedStructureSetSequence: [ref(SOP.struct, structUid)],
    // Cumulative DVH: bin n spans [n·0.1, (n+1)·0.1) Gy and holds the volume receiving at least its lower edge.
    DVHSequence: ROIS.map((r, i) => ({
      DVHReferencedROISequence: [{ ReferencedROINumber: r.number, DVHROIContributionType: 'INCLUDED' }],
      DVHType: 'CUMULATIVE', DoseUnits: 'GY', DoseType: 'PHYSICAL', DVHDoseScaling: 1, DVHVolumeUnits: 'CM3',
      DVHNumberOfBins: binCount, DVHData: dvhs[i]!.cumulativeCc.flatMap((v) => [DVH_BIN, Math.round(v * 1e6) / 1e6]),
      DVHMinimumDose: r4(dvhs[i]!.min), DVHMaximumDose: r4(dvhs[i]!.max), DVHMeanDose: r4(dvhs[i]!.mean),
    })),
  });
  let boxDose: string | undefined;
  if (options.boxFieldDose) {
    boxDose = path.join(dir, 'RTDOSE_BOX.dcm');
    const inBox = (p: [number, number, number]): number => (p.every((c) => Math.abs(c) <= 12) ? 2 : 0);
    writePart10(boxDose, doseDataset(`${doseSeries}.2.${variant}`, '2', 'BEAM', doseVolume(inBox)));
  }

  return {
    dir,
    files: { ct: ctFiles, rtstruct, rtdose, rtplan, ...(boxDose ? { boxDose } : {}) },
    truth: {
      sigmaMm: SIGMA,
      peakGy: PEAK,
      prescriptionGy: PRESCRIPTION,
      doseAt,
      rois: ROIS.map((r) => ({ number: r.number, name: r.name, color: [...r.color], volumeCc: r.volumeCc })),
      sphereCumulativeCc,
      doseGrid: { origin, spacing: [DOSE.spacing, DOSE.spacing, DOSE.spacing], size: [...DOSE.size] },
    },
  };
}
