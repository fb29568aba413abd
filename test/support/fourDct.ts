/**
 * A synthetic respiratory-correlated CT (4DCT, issue #17), written with dcmjs as Part 10 files, plus the truth it
 * was made from: n phases of the same table positions, a dense sphere moving superior–inferior with breathing.
 *
 * Geometry (patient coordinates, mm, LPS):
 * - 48 × 48 pixels of 2 mm, Image Position (−47, −47, z); `slices` slices 2.5 mm apart, centred on z = 0.
 * - A soft-tissue cylinder (0 HU, radius 40 mm, along z) in air (−1000 HU); a sphere of radius 8 mm at +400 HU
 *   centred on (0, 0, z_c(p)), z_c(p) = A/2 · (1 − cos(2π p/n)) − A/2: at 0 % (end-inhale, by convention) it
 *   is A/2 below the volume's centre, at 50 % A/2 above it. The volume is centred on z = 0, so no further offset is
 *   needed: the options are checked so that the sphere never leaves the volume.
 * - A voxel belongs to the sphere when its centre is inside (no partial volume): the truth is exact.
 *
 * Layouts, as scanners export them:
 * - 'one-series': all phases in one series (one Series Instance UID), each image with Temporal Position Identifier
 *   (0020,0100) = phase + 1, Number of Temporal Positions (0020,0105) = n and Trigger Time (0018,1060) over a 4 s
 *   cycle. The legacy CT Image IOD has no respiratory attribute: Nominal Percentage of Respiratory Phase
 *   (0020,9245) belongs to the enhanced objects' Frame Content macro (and Nominal Percentage of Cardiac Phase is
 *   cardiac), so the phase's percentage is written only in Image Comments ("Respiratory phase 30%"). The temporal
 *   attributes are standard but outside the CT IOD: dciodvfy may warn about them, never errs.
 * - 'series-per-phase': one series per phase described "4DCT 30%" (as Varian, GE and Philips often export it), no
 *   temporal attributes, no Image Comments: the description is all that says which phase a series is.
 * Both share one study and one Frame of Reference.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeDcmjs } from './dcmjsWrite';

export interface FourDctOptions {
  /** Number of phases, evenly spaced over the cycle (default 10: 0 %, 10 %, … 90 %). */
  phases?: number;
  /** Slices per phase (default 32). */
  slices?: number;
  /** Peak-to-peak motion of the sphere along z, mm (default 10). */
  amplitudeMm?: number;
  layout?: 'one-series' | 'series-per-phase';
}

export interface FourDctPhaseTruth {
  /** 0-based phase index (= Temporal Position Identifier − 1 in 'one-series'). */
  index: number;
  /** Nominal percentage of the respiratory cycle: 100 · index / phases. */
  percent: number;
  /** z of the sphere's centre in this phase, mm. */
  sphereCentreZ: number;
  /** Trigger Time written in 'one-series' (ms into the 4 s cycle). */
  triggerTimeMs: number;
  seriesUid: string;
  /** The phase's files, in slice order (ascending z). */
  files: string[];
}

export interface FourDct {
  dir: string;
  /** Every file written. */
  files: string[];
  truth: {
    layout: 'one-series' | 'series-per-phase';
    phaseCount: number;
    amplitudeMm: number;
    phases: FourDctPhaseTruth[];
    /** One UID ('one-series') or one per phase ('series-per-phase'). */
    seriesUids: string[];
    studyUid: string;
    frameOfReferenceUid: string;
    /** z of every slice, ascending (the same in every phase). */
    sliceZ: number[];
    sliceSpacingMm: number;
    pixelSpacingMm: number;
    sphere: { radiusMm: number; hu: number };
    bodyHu: number;
    airHu: number;
  };
}

const SIZE = 48;
const PIXEL = 2;
const FIRST_XY = -47;
const SPACING = 2.5;
const BODY_RADIUS = 40;
const SPHERE_RADIUS = 8;
const SPHERE_HU = 400;
const BODY_HU = 0;
const AIR_HU = -1000;
const CYCLE_MS = 4000;
/** The same digits as the other phantoms' roots, new branch: a 4DCT never shares a UID with another phantom. */
const UID_ROOT = '2.25.1732050807568877293527.17';
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';

/** Rounded to 0.1 µm so every DS stays well inside 16 characters and reads back as the number used for truth. */
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4 + 0;

/** The sphere's centre at phase p of n (see the file comment). */
export function sphereCentreZ(p: number, n: number, amplitudeMm: number): number {
  return r4((amplitudeMm / 2) * (1 - Math.cos((2 * Math.PI * p) / n)) - amplitudeMm / 2);
}

function slicePixels(z: number, centreZ: number): Int16Array {
  const pixels = new Int16Array(SIZE * SIZE);
  const dz = z - centreZ;
  for (let r = 0; r < SIZE; r++) {
    const y = FIRST_XY + r * PIXEL;
    for (let c = 0; c < SIZE; c++) {
      const x = FIRST_XY + c * PIXEL;
      const hu = x * x + y * y + dz * dz <= SPHERE_RADIUS ** 2 ? SPHERE_HU : Math.hypot(x, y) <= BODY_RADIUS ? BODY_HU : AIR_HU;
      // Stored = HU + 1024 (intercept −1024), as CT scanners store it.
      pixels[r * SIZE + c] = hu + 1024;
    }
  }
  return pixels;
}

/** Writes the 4DCT under `dir` (one file per image, a folder per phase) and returns its files and truth. */
export async function writeFourDct(dir: string, options: FourDctOptions = {}): Promise<FourDct> {
  const n = options.phases ?? 10;
  const slices = options.slices ?? 32;
  const amplitude = options.amplitudeMm ?? 10;
  const layout = options.layout ?? 'one-series';
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`phases must be an integer from 1 to 100, got ${n}`);
  if (!Number.isInteger(slices) || slices < 2) throw new Error(`slices must be an integer of at least 2, got ${slices}`);
  const halfExtent = ((slices - 1) * SPACING) / 2;
  // The sphere must stay whole inside the slices in every phase, or its brightest slice would be the volume's edge.
  if (!(amplitude >= 0) || amplitude / 2 + SPHERE_RADIUS > halfExtent) {
    throw new Error(`amplitudeMm ${amplitude} moves the ${SPHERE_RADIUS} mm sphere out of ${slices} slices (at most ${2 * (halfExtent - SPHERE_RADIUS)} mm)`);
  }
  const sliceZ = Array.from({ length: slices }, (_, k) => r4(-halfExtent + k * SPACING));
  // The layout is part of every UID: the two layouts of one phantom can sit in one store side by side.
  const root = `${UID_ROOT}.${layout === 'one-series' ? 1 : 2}.${n}.${slices}.${Math.round(amplitude * 1000)}`;
  const studyUid = `${root}.1`;
  const frameOfReferenceUid = `${root}.2`;
  const seriesUidOf = (p: number): string => (layout === 'one-series' ? `${root}.3` : `${root}.3.${p + 1}`);

  const common = {
    SpecificCharacterSet: 'ISO_IR 100',
    StudyInstanceUID: studyUid,
    PatientName: 'PHANTOM^4DCT SPHERE',
    PatientID: 'DOKUEI-4DCT-PHANTOM',
    PatientBirthDate: '',
    PatientSex: 'O',
    StudyDate: '20240501',
    StudyTime: '090000',
    StudyID: '4DCT1',
    AccessionNumber: '4DCT1',
    ReferringPhysicianName: '',
    StudyDescription: '4DCT phantom: sphere moving with breathing (synthetic)',
    Manufacturer: 'Dokuei test phantom',
    ManufacturerModelName: 'fourDct.ts',
    InstitutionName: 'Dokuei',
    OperatorsName: '',
    Modality: 'CT',
    PatientPosition: 'HFS',
    // An unpaired body part: otherwise General Series wants a Laterality.
    BodyPartExamined: 'CHEST',
    FrameOfReferenceUID: frameOfReferenceUid,
    PositionReferenceIndicator: '',
    SeriesDate: '20240501',
    AcquisitionDate: '20240501',
    ContentDate: '20240501',
    PatientOrientation: '',
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    PixelSpacing: [PIXEL, PIXEL],
    SliceThickness: SPACING,
    KVP: 120,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: SIZE,
    Columns: SIZE,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    RescaleIntercept: -1024,
    RescaleSlope: 1,
    RescaleType: 'HU',
    WindowCenter: 40,
    WindowWidth: 400,
    BurnedInAnnotation: 'NO',
  };

  const phases: FourDctPhaseTruth[] = [];
  const files: string[] = [];
  for (let p = 0; p < n; p++) {
    const percent = r4((100 * p) / n);
    const triggerTimeMs = r4((CYCLE_MS * p) / n);
    const centre = sphereCentreZ(p, n, amplitude);
    const seriesUid = seriesUidOf(p);
    const phaseDir = path.join(dir, `phase${String(percent).padStart(2, '0')}`);
    mkdirSync(phaseDir, { recursive: true });
    const phaseFiles: string[] = [];
    const series =
      layout === 'one-series'
        ? {
            SeriesInstanceUID: seriesUid, SeriesNumber: '1', SeriesDescription: '4DCT', SeriesTime: '090000',
            AcquisitionTime: '090000', ContentTime: '090000',
            TemporalPositionIdentifier: String(p + 1), NumberOfTemporalPositions: String(n), TriggerTime: triggerTimeMs,
            ImageComments: `Respiratory phase ${percent}%`,
          }
        : {
            SeriesInstanceUID: seriesUid, SeriesNumber: String(100 + p), SeriesDescription: `4DCT ${percent}%`,
            SeriesTime: '090000', AcquisitionTime: '090000', ContentTime: '090000',
          };
    for (let k = 0; k < slices; k++) {
      const z = sliceZ[k]!;
      const sop = `${root}.4.${p + 1}.${k + 1}`;
      const file = path.join(phaseDir, `CT${String(k + 1).padStart(4, '0')}.dcm`);
      const bytes = writeDcmjs({
        ...common,
        ...series,
        SOPClassUID: CT_IMAGE,
        SOPInstanceUID: sop,
        ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
        // One acquisition per phase: a reader that keys images by acquisition number still finds n of them.
        AcquisitionNumber: String(p + 1),
        // Unique within the series in 'one-series' (phase-major), per series otherwise.
        InstanceNumber: String(layout === 'one-series' ? p * slices + k + 1 : k + 1),
        ImagePositionPatient: [FIRST_XY, FIRST_XY, z],
        SliceLocation: z,
        PixelData: slicePixels(z, centre).buffer,
        _vrMap: { PixelData: 'OW' },
      });
      writeFileSync(file, bytes);
      phaseFiles.push(file);
    }
    files.push(...phaseFiles);
    phases.push({ index: p, percent, sphereCentreZ: centre, triggerTimeMs, seriesUid, files: phaseFiles });
  }
  return {
    dir,
    files,
    truth: {
      layout,
      phaseCount: n,
      amplitudeMm: amplitude,
      phases,
      seriesUids: [...new Set(phases.map((ph) => ph.seriesUid))],
      studyUid,
      frameOfReferenceUid,
      sliceZ,
      sliceSpacingMm: SPACING,
      pixelSpacingMm: PIXEL,
      sphere: { radiusMm: SPHERE_RADIUS, hu: SPHERE_HU },
      bodyHu: BODY_HU,
      airHu: AIR_HU,
    },
  };
}
