/**
 * The dicompyler-core breast set (../shared/data/rt_dicompyler_breast: one CT slice, an RT Structure Set of 10 ROIs
 * whose contours span the whole stack, an RT Plan; BSD-3-Clause-style, see its MANIFEST) made viewable for tests:
 * a synthetic CT stack written in its frame of reference — one 256 × 256 slice (twice the pixel spacing of the real
 * slice, the same field of view) at every plane the structures are drawn on, plus the real slice's plane — so every
 * ROI's contours can be checked on the images they lie on. And a plain rasterisation of a structure's volume for
 * comparisons with the viewer and the DVH engine.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getNumbers, getString } from '../../common/dicom/dicomJson';
import { closedPlanes, parseStructureSet, type ContourPlane, type StructureSet } from '../../common/rt/structureSet';
import { part10ToDicomJson } from '../../electron/services/dicom/datasetJson';
import { sharedDataDir } from './data';
import { writeDcmjs } from './dcmjsWrite';

export function breastSetDir(): string | undefined {
  const dir = sharedDataDir('rt_dicompyler_breast');
  return dir ? path.join(dir, 'example_data') : undefined;
}

export interface BreastStack {
  ctFiles: string[];
  rtss: string;
  structureSet: StructureSet;
  /** The synthetic CT's geometry: first pixel centre, spacing (mm), size. */
  origin: [number, number, number];
  spacing: number;
  size: number;
  planeZs: number[];
}

const SIZE = 256;

export function writeBreastStack(src: string, dir: string): BreastStack {
  mkdirSync(dir, { recursive: true });
  const ct = part10ToDicomJson(new Uint8Array(readFileSync(path.join(src, 'ct.0.dcm')))).dataset;
  const rtss = path.join(src, 'rtss.dcm');
  const structureSet = parseStructureSet(part10ToDicomJson(new Uint8Array(readFileSync(rtss))).dataset);
  const ipp = getNumbers(ct, '00200032', 3)!;
  const ps = getNumbers(ct, '00280030', 2)!;
  const realSize = 512;
  const spacing = (ps[0]! * realSize) / SIZE;
  // The same field of view: the first pixel's corner stays where the real slice's is.
  const origin: [number, number, number] = [ipp[0]! - ps[0]! / 2 + spacing / 2, ipp[1]! - ps[1]! / 2 + spacing / 2, ipp[2]!];
  const zs = new Set<number>([Math.round(ipp[2]! * 100) / 100]);
  for (const roi of structureSet.rois) for (const p of closedPlanes(roi).planes) zs.add(Math.round(p.z * 100) / 100);
  const planeZs = [...zs].sort((a, b) => a - b);
  const series = '2.25.83024718430298174530827340271';
  // A water disc (0 HU, radius 200 mm) in air (−1000 HU): an image with structure, as a CT has.
  const pixels = new Int16Array(SIZE * SIZE);
  for (let r = 0; r < SIZE; r++)
    for (let c = 0; c < SIZE; c++) pixels[r * SIZE + c] = Math.hypot(c - SIZE / 2, r - SIZE / 2) * spacing <= 200 ? 1024 : 24;
  const ctFiles = planeZs.map((z, k) => {
    const file = path.join(dir, `ct${String(k + 1).padStart(3, '0')}.dcm`);
    writeFileSync(
      file,
      writeDcmjs({
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
        SOPInstanceUID: `${series}.${k + 1}`,
        StudyInstanceUID: getString(ct, '0020000D'),
        SeriesInstanceUID: series,
        FrameOfReferenceUID: getString(ct, '00200052'),
        PatientName: 'BREAST^RT',
        PatientID: getString(ct, '00100020') ?? '123456',
        StudyDate: getString(ct, '00080020') ?? '20090101',
        StudyTime: '120000',
        Modality: 'CT',
        SeriesNumber: '90',
        InstanceNumber: String(k + 1),
        SeriesDescription: 'Synthetic CT stack for the structures',
        ImagePositionPatient: [origin[0], origin[1], z],
        ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
        PixelSpacing: [spacing, spacing],
        SliceThickness: 3,
        Rows: SIZE,
        Columns: SIZE,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        BitsAllocated: 16,
        BitsStored: 16,
        HighBit: 15,
        PixelRepresentation: 1,
        RescaleIntercept: -1024,
        RescaleSlope: 1,
        WindowCenter: 40,
        WindowWidth: 400,
        PixelData: pixels.buffer,
        _vrMap: { PixelData: 'OW' },
      }),
    );
    return file;
  });
  return { ctFiles, rtss, structureSet, origin, spacing, size: SIZE, planeZs };
}

/**
 * A structure's volume (cm³) by plain scanline rasterisation on a `cellMm` grid: each contour plane filled over its
 * slab (halfway to its neighbours, half a spacing beyond the ends), cells counted whose centres are inside an odd
 * number of the plane's contours. Written here, apart from common/rt, as the test's own yardstick.
 */
export function rasterVolumeCc(planes: readonly ContourPlane[], cellMm = 0.5): number {
  if (!planes.length) return 0;
  const zs = planes.map((p) => p.z);
  const gaps = zs.slice(1).map((z, i) => z - zs[i]!).sort((a, b) => a - b);
  const spacing = gaps.length ? gaps[Math.floor(gaps.length / 2)]! : 3;
  let mm3 = 0;
  planes.forEach((plane, i) => {
    const below = i > 0 && zs[i]! - zs[i - 1]! <= 1.5 * spacing ? (zs[i]! - zs[i - 1]!) / 2 : spacing / 2;
    const above = i + 1 < zs.length && zs[i + 1]! - zs[i]! <= 1.5 * spacing ? (zs[i + 1]! - zs[i]!) / 2 : spacing / 2;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const p of plane.polygons) {
      for (let k = 1; k < p.length; k += 2) {
        y0 = Math.min(y0, p[k]!);
        y1 = Math.max(y1, p[k]!);
      }
    }
    let cells = 0;
    for (let y = Math.floor(y0 / cellMm) * cellMm + cellMm / 2; y < y1; y += cellMm) {
      const xs: number[] = [];
      for (const p of plane.polygons) {
        const n = p.length / 2;
        for (let a = 0, b = n - 1; a < n; b = a++) {
          const ya = p[a * 2 + 1]!;
          const yb = p[b * 2 + 1]!;
          if (ya > y !== yb > y) xs.push(p[a * 2]! + ((y - ya) / (yb - ya)) * (p[b * 2]! - p[a * 2]!));
        }
      }
      xs.sort((a, b) => a - b);
      for (let s = 0; s + 1 < xs.length; s += 2) cells += Math.max(0, Math.round((xs[s + 1]! - xs[s]!) / cellMm));
    }
    mm3 += cells * cellMm * cellMm * (below + above);
  });
  return mm3 / 1000;
}
