/**
 * A NEMA-IEC-like body phantom as one PET/CT study (issue #7): a CT series and a PET series that share the study
 * and the Frame of Reference, written with dcmjs as Part 10 files, plus the truth they were made from.
 *
 * Geometry (patient coordinates, mm, LPS: +x patient left, +y posterior, +z head; supine, head first):
 * - Body: the IEC body cross-section — anterior half a semicircle of radius 147 mm centred on (0, 0), posterior part
 *   (0 < y ≤ 77) a rectangle with corners rounded by circles of radius 77 mm centred on (±70, 0) — filled with water,
 *   from z = 0 to z = 180, inside a 3 mm PMMA wall (end plates too). Flat side down on the table.
 * - Lung insert: cylinder of radius 25 mm on the axis (x = y = 0), the full length; CT −800 HU, no activity.
 * - Six spheres, inner diameters 10, 13, 17, 22, 28, 37 mm, centres in the plane z = 110 on a circle of radius
 *   57.2 mm around the axis, at 0°, 60°, … 300° (angle from +x towards +y), 1 mm PMMA walls on the CT only.
 * - Table: a slab 10 mm thick, 5 mm below the phantom (85 ≤ y ≤ 95), |x| ≤ 200, the whole scan length, CT only.
 *
 * CT (defaults): 128 × 128, 2.5 mm pixels, 64 slices 3 mm apart from z = −6; HU: air −1000, water 0 (sphere
 * contents too), lung −800, PMMA 120, table 100; stored = HU + 1024 (Rescale Intercept −1024), 12 bits.
 * PET (defaults): 128 × 128, 3 mm pixels, 48 slices 4 mm apart from z = −6; all six spheres hot at 4:1 to the
 * background (5300 Bq/ml, the NEMA NU 2 background, 21200 Bq/ml in the spheres), lung and outside 0.
 * Values are activity concentrations decay-corrected to the series start (Units BQML, Decay Correction START),
 * stored as signed 16 bits with a Rescale Slope per slice (slice maximum / 32000, so slices with a sphere have
 * another slope than the others) and intercept 0. A voxel is a sphere voxel when its centre is inside the sphere:
 * with no blur (the default) every voxel of a sphere holds exactly the sphere's concentration (stored 32000 ×
 * 0.6625 = 21200, background 8000 × 0.6625 or 32000 × 0.165625 = 5300), so SUVmax = SUVmean = the truth for all
 * six spheres. `psfFwhmMm` > 0 blurs the PET with a 3D Gaussian first (partial volume: small spheres lose SUVmax).
 *
 * SUV inputs: 70 kg, 1.75 m, male (a typical adult, so that every SUV type is defined), 370 MBq F-18 FDG injected
 * at 09:00:00, PET series (the reference time) at 10:00:00, half-life 6586.2 s, one 600 s static frame.
 * SUVbw = C · W[g] / (D · 2^(−Δt/T½)), Δt = series − injection = 3600 s.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';

interface DcmjsData {
  DicomDict: new (meta: unknown) => { dict: unknown; write(): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(ds: unknown): unknown };
}
const { DicomDict, DicomMetaDictionary } = (dcmjs as unknown as { data: DcmjsData }).data;

export interface PhantomGrid {
  rows: number;
  columns: number;
  /** mm, row and column spacing. */
  pixelSpacing: number;
  slices: number;
  /** mm between slice centres; also the Slice Thickness. */
  sliceSpacing: number;
  /** z of the first slice, mm. */
  firstZ: number;
}

export interface PetCtPhantomOptions {
  /** UID root (digits and dots, ≤ 40 characters) for study, series, instances and the frame of reference. */
  uidRoot?: string;
  ct?: Partial<PhantomGrid>;
  pet?: Partial<PhantomGrid>;
  /** Background activity concentration at the series start, Bq/ml. */
  backgroundBqml?: number;
  /** Sphere : background activity concentration. */
  sphereToBackground?: number;
  /** 3D Gaussian blur of the PET, FWHM in mm; 0 (default) for none. */
  psfFwhmMm?: number;
  weightKg?: number;
  /** m, as Patient's Size. */
  heightM?: number;
  sex?: 'M' | 'F' | 'O';
  /** Injected activity at the injection time, Bq. */
  doseBq?: number;
  halfLifeS?: number;
  /** DICOM DT of the injection (also written as Start Time). */
  injectionDateTime?: string;
  /** PET Series Date/Time = Acquisition Date/Time, DICOM DA and TM. */
  petDate?: string;
  petTime?: string;
  /** CT Series/Acquisition Time (same date). */
  ctTime?: string;
  frameDurationS?: number;
}

export interface PhantomSphere {
  /** Inner diameter, mm. */
  diameterMm: number;
  radiusMm: number;
  /** Centre in patient coordinates, mm. */
  centre: [number, number, number];
  /** Activity concentration at the series start (what the image holds), Bq/ml. */
  activityBqml: number;
  suvBw: number;
}

export interface PetCtPhantomTruth {
  description: string;
  studyInstanceUid: string;
  frameOfReferenceUid: string;
  ct: { seriesInstanceUid: string; grid: PhantomGrid; hu: Record<'air' | 'water' | 'lung' | 'pmma' | 'table', number> };
  pet: { seriesInstanceUid: string; grid: PhantomGrid; psfFwhmMm: number; units: 'BQML'; decayCorrection: 'START' };
  patient: { weightKg: number; heightM: number; sex: 'M' | 'F' | 'O' };
  radiopharmaceutical: {
    name: string;
    nuclide: string;
    doseBq: number;
    halfLifeS: number;
    injectionDateTime: string;
    /** The time the image values are decay-corrected to (the PET Series Date/Time). */
    referenceDateTime: string;
    /** Reference − injection, s. */
    elapsedS: number;
    /** Dose decayed to the reference time, Bq. */
    decayedDoseBq: number;
  };
  /** SUVbw factor: SUVbw = Bq/ml × this (g/Bq... i.e. W[g] / decayed dose). */
  suvBwFactor: number;
  sphereToBackground: number;
  background: { activityBqml: number; suvBw: number };
  lung: { radiusMm: number; activityBqml: number };
  spheres: PhantomSphere[];
}

export interface PetCtPhantom {
  ctFiles: string[];
  petFiles: string[];
  truth: PetCtPhantomTruth;
}

export const SPHERE_DIAMETERS_MM = [10, 13, 17, 22, 28, 37] as const;
const SPHERE_RING_RADIUS_MM = 57.2;
const SPHERE_PLANE_Z = 110;
const BODY_LENGTH_MM = 180;
const BODY_WALL_MM = 3;
const SPHERE_WALL_MM = 1;
const LUNG_RADIUS_MM = 25;
const HU = { air: -1000, water: 0, lung: -800, pmma: 120, table: 100 } as const;
/** The phantom's cross-section is centred on y = −35 (−147 … 77): the images are centred there. */
const FOV_CENTRE_Y = -35;

const DEFAULT_CT: PhantomGrid = { rows: 128, columns: 128, pixelSpacing: 2.5, slices: 64, sliceSpacing: 3, firstZ: -6 };
const DEFAULT_PET: PhantomGrid = { rows: 128, columns: 128, pixelSpacing: 3, slices: 48, sliceSpacing: 4, firstZ: -6 };

/** Inside the IEC body cross-section grown by `grow` mm (0: the water's boundary). */
function inBody(x: number, y: number, grow: number): boolean {
  if (y <= 0) return Math.hypot(x, y) <= 147 + grow;
  const r = 77 + grow;
  if (y > r) return false;
  return Math.abs(x) <= 70 + Math.sqrt(r * r - y * y);
}

/** A DS value of at most 16 characters that reads back as exactly the number returned. */
export function dsNumber(v: number): number {
  for (let p = 15; p >= 1; p--) {
    const n = Number(v.toPrecision(p));
    if (String(n).length <= 16) return n;
  }
  return v;
}

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4 + 0;

/** "20240115090000" → seconds on a day-free axis (enough for differences within a few days). */
function dtSeconds(dt: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?$/.exec(dt);
  if (!m) throw new Error(`not a DICOM DT with seconds: ${dt}`);
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return ms / 1000 + (m[7] ? Number(m[7]) : 0);
}

function isoOf(dt: string): string {
  return `${dt.slice(0, 4)}-${dt.slice(4, 6)}-${dt.slice(6, 8)}T${dt.slice(8, 10)}:${dt.slice(10, 12)}:${dt.slice(12, 14)}`;
}

/** Position of the first voxel of slice k (images centred on x = 0, y = FOV_CENTRE_Y). */
function slicePosition(g: PhantomGrid, k: number): [number, number, number] {
  return [
    dsNumber(-((g.columns - 1) * g.pixelSpacing) / 2),
    dsNumber(FOV_CENTRE_Y - ((g.rows - 1) * g.pixelSpacing) / 2),
    dsNumber(g.firstZ + k * g.sliceSpacing),
  ];
}

/** The truth alone (no files): geometry, concentrations and expected SUVbw. */
export function petCtPhantomTruth(o: PetCtPhantomOptions = {}): PetCtPhantomTruth {
  const uidRoot = o.uidRoot ?? '2.25.271828182845904523536028747135';
  const ctGrid = { ...DEFAULT_CT, ...o.ct };
  const petGrid = { ...DEFAULT_PET, ...o.pet };
  const weightKg = o.weightKg ?? 70;
  const heightM = o.heightM ?? 1.75;
  const sex = o.sex ?? 'M';
  const doseBq = o.doseBq ?? 370e6;
  const halfLifeS = o.halfLifeS ?? 6586.2;
  const injectionDateTime = o.injectionDateTime ?? '20240115090000';
  const petDate = o.petDate ?? '20240115';
  const petTime = o.petTime ?? '100000';
  const background = o.backgroundBqml ?? 5300;
  const ratio = o.sphereToBackground ?? 4;
  const referenceDateTime = `${petDate}${petTime}`;
  const elapsedS = dtSeconds(referenceDateTime) - dtSeconds(injectionDateTime);
  const decayedDoseBq = doseBq * Math.pow(2, -elapsedS / halfLifeS);
  const suvBwFactor = (weightKg * 1000) / decayedDoseBq;
  const spheres: PhantomSphere[] = SPHERE_DIAMETERS_MM.map((d, i) => {
    const a = (i * Math.PI) / 3;
    const activity = background * ratio;
    return {
      diameterMm: d,
      radiusMm: d / 2,
      // Rounded to 0.1 µm so that truth.json reads well (cos 90° is not 0 in floating point).
      centre: [round4(SPHERE_RING_RADIUS_MM * Math.cos(a)), round4(SPHERE_RING_RADIUS_MM * Math.sin(a)), SPHERE_PLANE_Z],
      activityBqml: activity,
      suvBw: activity * suvBwFactor,
    };
  });
  return {
    description:
      'NEMA-IEC-like body phantom: water body 0 HU with a lung insert (−800 HU, cold) and six spheres (10–37 mm, ' +
      `water on CT) all hot at ${ratio}:1 to the background in the PET; no PET blur unless psfFwhmMm > 0`,
    studyInstanceUid: `${uidRoot}.1`,
    frameOfReferenceUid: `${uidRoot}.2`,
    ct: { seriesInstanceUid: `${uidRoot}.3`, grid: ctGrid, hu: { ...HU } },
    pet: { seriesInstanceUid: `${uidRoot}.4`, grid: petGrid, psfFwhmMm: o.psfFwhmMm ?? 0, units: 'BQML', decayCorrection: 'START' },
    patient: { weightKg, heightM, sex },
    radiopharmaceutical: {
      name: 'Fluorodeoxyglucose F^18^',
      nuclide: '^18^Fluorine',
      doseBq,
      halfLifeS,
      injectionDateTime: isoOf(injectionDateTime),
      referenceDateTime: isoOf(referenceDateTime),
      elapsedS,
      decayedDoseBq,
    },
    suvBwFactor,
    sphereToBackground: ratio,
    background: { activityBqml: background, suvBw: background * suvBwFactor },
    lung: { radiusMm: LUNG_RADIUS_MM, activityBqml: 0 },
    spheres,
  };
}

function sphereAt(truth: PetCtPhantomTruth, x: number, y: number, z: number, grow: number): PhantomSphere | undefined {
  for (const s of truth.spheres) {
    const [cx, cy, cz] = s.centre;
    if (Math.hypot(x - cx, y - cy, z - cz) <= s.radiusMm + grow) return s;
  }
  return undefined;
}

function ctHu(truth: PetCtPhantomTruth, x: number, y: number, z: number): number {
  const inLength = z >= 0 && z <= BODY_LENGTH_MM;
  if (inLength && inBody(x, y, 0)) {
    if (sphereAt(truth, x, y, z, 0)) return HU.water;
    if (sphereAt(truth, x, y, z, SPHERE_WALL_MM)) return HU.pmma;
    if (Math.hypot(x, y) <= LUNG_RADIUS_MM) return HU.lung;
    return HU.water;
  }
  if (z >= -BODY_WALL_MM && z <= BODY_LENGTH_MM + BODY_WALL_MM && inBody(x, y, BODY_WALL_MM)) return HU.pmma;
  if (y >= 85 && y <= 95 && Math.abs(x) <= 200) return HU.table;
  return HU.air;
}

function petBqml(truth: PetCtPhantomTruth, x: number, y: number, z: number): number {
  if (!(z >= 0 && z <= BODY_LENGTH_MM) || !inBody(x, y, 0)) return 0;
  const s = sphereAt(truth, x, y, z, 0);
  if (s) return s.activityBqml;
  if (Math.hypot(x, y) <= LUNG_RADIUS_MM) return truth.lung.activityBqml;
  return truth.background.activityBqml;
}

/** Separable 3D Gaussian blur in place (volume[k][r*cols+c]); edges clamp. */
function gaussianBlur(volume: Float64Array[], g: PhantomGrid, fwhmMm: number): void {
  const sigma = fwhmMm / (2 * Math.sqrt(2 * Math.LN2));
  const kernel = (step: number): number[] => {
    const s = sigma / step;
    const half = Math.max(1, Math.ceil(3 * s));
    const k: number[] = [];
    for (let i = -half; i <= half; i++) k.push(Math.exp(-(i * i) / (2 * s * s)));
    const sum = k.reduce((a, b) => a + b, 0);
    return k.map((v) => v / sum);
  };
  const pass = (n: number, get: (i: number) => number, set: (i: number, v: number) => void, k: number[]): void => {
    const half = (k.length - 1) / 2;
    const line = new Float64Array(n);
    for (let i = 0; i < n; i++) line[i] = get(i);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < k.length; j++) acc += k[j]! * line[Math.min(n - 1, Math.max(0, i + j - half))]!;
      set(i, acc);
    }
  };
  const kxy = kernel(g.pixelSpacing);
  const kz = kernel(g.sliceSpacing);
  for (const slice of volume) {
    for (let r = 0; r < g.rows; r++) pass(g.columns, (c) => slice[r * g.columns + c]!, (c, v) => (slice[r * g.columns + c] = v), kxy);
    for (let c = 0; c < g.columns; c++) pass(g.rows, (r) => slice[r * g.columns + c]!, (r, v) => (slice[r * g.columns + c] = v), kxy);
  }
  for (let p = 0; p < g.rows * g.columns; p++) pass(g.slices, (k) => volume[k]![p]!, (k, v) => (volume[k]![p] = v), kz);
}

function writePart10(file: string, ds: Record<string, unknown>, implementationUid: string): void {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID,
    MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: implementationUid,
    ImplementationVersionName: 'DOKUEI_PHANTOM',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  writeFileSync(file, Buffer.from(dict.write()));
}

const code = (CodeValue: string, CodingSchemeDesignator: string, CodeMeaning: string): Record<string, string> => ({
  CodeValue,
  CodingSchemeDesignator,
  CodeMeaning,
});

/**
 * Writes the study under `dir`: CT/ and PT/ (one Part 10 file per slice, explicit VR little endian) and
 * truth.json; returns the file paths (slice order, z ascending) and the truth.
 */
export function writePetCtPhantom(dir: string, o: PetCtPhantomOptions = {}): PetCtPhantom {
  const truth = petCtPhantomTruth(o);
  const uidRoot = truth.studyInstanceUid.replace(/\.1$/, '');
  const petDate = o.petDate ?? '20240115';
  const petTime = o.petTime ?? '100000';
  const ctTime = o.ctTime ?? '095500';
  const injection = o.injectionDateTime ?? '20240115090000';
  const frameDurationS = o.frameDurationS ?? 600;
  const lambda = Math.LN2 / truth.radiopharmaceutical.halfLifeS;
  // Decay correction START for one static frame starting at the series time: e^(λ·0) · λT / (1 − e^(−λT)).
  const decayFactor = dsNumber((lambda * frameDurationS) / -Math.expm1(-lambda * frameDurationS));
  // Frame Reference Time: from the series start to the frame's average count rate time, ms.
  const frameReferenceMs = dsNumber((Math.log((lambda * frameDurationS) / -Math.expm1(-lambda * frameDurationS)) / lambda) * 1000);

  const common = {
    SpecificCharacterSet: 'ISO_IR 100',
    StudyInstanceUID: truth.studyInstanceUid,
    FrameOfReferenceUID: truth.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    PatientName: 'PHANTOM^NEMA IEC',
    PatientID: 'DOKUEI-PETCT-PHANTOM',
    PatientBirthDate: '',
    PatientSex: truth.patient.sex,
    PatientAge: '040Y',
    PatientWeight: truth.patient.weightKg,
    PatientSize: truth.patient.heightM,
    StudyDate: petDate,
    StudyTime: ctTime,
    StudyID: 'PHANTOM1',
    AccessionNumber: 'PHANTOM1',
    ReferringPhysicianName: '',
    StudyDescription: 'PET/CT NEMA IEC body phantom (synthetic)',
    Manufacturer: 'Dokuei test phantom',
    ManufacturerModelName: 'petCtPhantom.ts',
    InstitutionName: 'Dokuei',
    BodyPartExamined: 'WHOLEBODY',
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BurnedInAnnotation: 'NO',
  };

  // ---- CT
  const ctDir = path.join(dir, 'CT');
  mkdirSync(ctDir, { recursive: true });
  const ctFiles: string[] = [];
  const cg = truth.ct.grid;
  for (let k = 0; k < cg.slices; k++) {
    const pos = slicePosition(cg, k);
    const pixels = new Uint16Array(cg.rows * cg.columns);
    for (let r = 0; r < cg.rows; r++) {
      const y = pos[1] + r * cg.pixelSpacing;
      for (let c = 0; c < cg.columns; c++) pixels[r * cg.columns + c] = ctHu(truth, pos[0] + c * cg.pixelSpacing, y, pos[2]) + 1024;
    }
    const sop = `${truth.ct.seriesInstanceUid}.${k + 1}`;
    const ds = {
      ...common,
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      SOPInstanceUID: sop,
      ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
      Modality: 'CT',
      SeriesInstanceUID: truth.ct.seriesInstanceUid,
      SeriesNumber: '2',
      SeriesDescription: 'CT phantom 3 mm',
      PatientPosition: 'HFS',
      SeriesDate: petDate,
      SeriesTime: ctTime,
      AcquisitionDate: petDate,
      AcquisitionTime: ctTime,
      ContentDate: petDate,
      ContentTime: ctTime,
      AcquisitionNumber: '1',
      InstanceNumber: String(k + 1),
      PatientOrientation: '',
      ImagePositionPatient: pos,
      SliceLocation: pos[2],
      PixelSpacing: [cg.pixelSpacing, cg.pixelSpacing],
      SliceThickness: cg.sliceSpacing,
      KVP: 120,
      Rows: cg.rows,
      Columns: cg.columns,
      BitsAllocated: 16,
      BitsStored: 12,
      HighBit: 11,
      PixelRepresentation: 0,
      RescaleIntercept: -1024,
      RescaleSlope: 1,
      RescaleType: 'HU',
      WindowCenter: 40,
      WindowWidth: 400,
      PixelData: pixels.buffer,
      _vrMap: { PixelData: 'OW' },
    };
    const file = path.join(ctDir, `CT${String(k + 1).padStart(4, '0')}.dcm`);
    writePart10(file, ds, `${uidRoot}.9`);
    ctFiles.push(file);
  }

  // ---- PET
  const pg = truth.pet.grid;
  const volume: Float64Array[] = [];
  for (let k = 0; k < pg.slices; k++) {
    const pos = slicePosition(pg, k);
    const slice = new Float64Array(pg.rows * pg.columns);
    for (let r = 0; r < pg.rows; r++) {
      const y = pos[1] + r * pg.pixelSpacing;
      for (let c = 0; c < pg.columns; c++) slice[r * pg.columns + c] = petBqml(truth, pos[0] + c * pg.pixelSpacing, y, pos[2]);
    }
    volume.push(slice);
  }
  if (truth.pet.psfFwhmMm > 0) gaussianBlur(volume, pg, truth.pet.psfFwhmMm);
  const petDir = path.join(dir, 'PT');
  mkdirSync(petDir, { recursive: true });
  const petFiles: string[] = [];
  for (let k = 0; k < pg.slices; k++) {
    const pos = slicePosition(pg, k);
    const slice = volume[k]!;
    let max = 0;
    for (const v of slice) if (v > max) max = v;
    const slope = max > 0 ? dsNumber(max / 32000) : 1;
    const pixels = new Int16Array(pg.rows * pg.columns);
    for (let i = 0; i < slice.length; i++) pixels[i] = Math.max(-32768, Math.min(32767, Math.round(slice[i]! / slope)));
    const sop = `${truth.pet.seriesInstanceUid}.${k + 1}`;
    const ds = {
      ...common,
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.128',
      SOPInstanceUID: sop,
      ImageType: ['ORIGINAL', 'PRIMARY'],
      Modality: 'PT',
      SeriesInstanceUID: truth.pet.seriesInstanceUid,
      SeriesNumber: '3',
      SeriesDescription: `PET phantom AC ${truth.pet.psfFwhmMm > 0 ? `FWHM ${truth.pet.psfFwhmMm} mm` : 'no blur'}`,
      SeriesDate: petDate,
      SeriesTime: petTime,
      AcquisitionDate: petDate,
      AcquisitionTime: petTime,
      ContentDate: petDate,
      ContentTime: petTime,
      AcquisitionNumber: '1',
      InstanceNumber: String(k + 1),
      PatientOrientation: '',
      ImagePositionPatient: pos,
      SliceLocation: pos[2],
      PixelSpacing: [pg.pixelSpacing, pg.pixelSpacing],
      SliceThickness: pg.sliceSpacing,
      Rows: pg.rows,
      Columns: pg.columns,
      BitsAllocated: 16,
      BitsStored: 16,
      HighBit: 15,
      PixelRepresentation: 1,
      RescaleIntercept: 0,
      RescaleSlope: slope,
      // PET Series
      Units: 'BQML',
      CountsSource: 'EMISSION',
      SeriesType: ['STATIC', 'IMAGE'],
      NumberOfSlices: pg.slices,
      CorrectedImage: ['NORM', 'DTIM', 'ATTN', 'SCAT', 'DECY', 'RAN'],
      RandomsCorrectionMethod: 'DLYD',
      AttenuationCorrectionMethod: 'CT-based',
      ScatterCorrectionMethod: 'model-based',
      DecayCorrection: 'START',
      ReconstructionMethod: 'OSEM',
      CollimatorType: 'NONE',
      // PET Isotope
      RadiopharmaceuticalInformationSequence: [
        {
          Radiopharmaceutical: 'Fluorodeoxyglucose',
          RadiopharmaceuticalRoute: 'Intravenous',
          RadiopharmaceuticalStartTime: injection.slice(8),
          RadiopharmaceuticalStartDateTime: injection,
          RadionuclideTotalDose: truth.radiopharmaceutical.doseBq,
          RadionuclideHalfLife: truth.radiopharmaceutical.halfLifeS,
          RadionuclidePositronFraction: 0.9673,
          RadionuclideCodeSequence: [code('77004003', 'SCT', '^18^Fluorine')],
          RadiopharmaceuticalCodeSequence: [code('35321007', 'SCT', 'Fluorodeoxyglucose F^18^')],
        },
      ],
      // NM/PET Patient Orientation (Patient Position (0018,5100) shall not be present with these)
      PatientOrientationCodeSequence: [{ ...code('102538003', 'SCT', 'recumbent'), PatientOrientationModifierCodeSequence: [code('40199007', 'SCT', 'supine')] }],
      PatientGantryRelationshipCodeSequence: [code('102540008', 'SCT', 'headfirst')],
      // PET Image
      FrameReferenceTime: frameReferenceMs,
      ActualFrameDuration: frameDurationS * 1000,
      ImageIndex: k + 1,
      DecayFactor: decayFactor,
      DoseCalibrationFactor: 1,
      SliceSensitivityFactor: 1,
      LossyImageCompression: '00',
      PixelData: new Uint16Array(pixels.buffer).buffer,
      _vrMap: { PixelData: 'OW' },
    };
    const file = path.join(petDir, `PT${String(k + 1).padStart(4, '0')}.dcm`);
    writePart10(file, ds, `${uidRoot}.9`);
    petFiles.push(file);
  }
  writeFileSync(path.join(dir, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  return { ctFiles, petFiles, truth };
}
