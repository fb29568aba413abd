/** Dose grids and structures built in memory for the common/rt tests (DICOM JSON, as the readers take it). */
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import type { ContourPlane } from '../../common/rt/structureSet';

export interface GridSpec {
  origin: [number, number, number];
  spacing: [number, number, number];
  size: [number, number, number];
  /** Gy at a point; stored as round(value / scaling). */
  dose: (p: [number, number, number]) => number;
  scaling?: number;
  absoluteOffsets?: boolean;
  units?: string;
}

/** An axial RT Dose dataset and its stored values (32-bit unsigned, frames one after another). */
export function doseDataset(spec: GridSpec): { ds: DicomJsonDataset; stored: Uint32Array } {
  const [nx, ny, nz] = spec.size;
  const scaling = spec.scaling ?? 1e-5;
  const stored = new Uint32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p: [number, number, number] = [spec.origin[0] + i * spec.spacing[0], spec.origin[1] + j * spec.spacing[1], spec.origin[2] + k * spec.spacing[2]];
        stored[k * nx * ny + j * nx + i] = Math.round(spec.dose(p) / scaling);
      }
  const offsets = Array.from({ length: nz }, (_, k) => (spec.absoluteOffsets ? spec.origin[2] + k * spec.spacing[2] : k * spec.spacing[2]));
  const ds: DicomJsonDataset = {
    '00080060': { vr: 'CS', Value: ['RTDOSE'] },
    '00280010': { vr: 'US', Value: [ny] },
    '00280011': { vr: 'US', Value: [nx] },
    '00280008': { vr: 'IS', Value: [nz] },
    '00200032': { vr: 'DS', Value: [...spec.origin] },
    '00200037': { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] },
    '00280030': { vr: 'DS', Value: [spec.spacing[1], spec.spacing[0]] },
    '30040002': { vr: 'CS', Value: [spec.units ?? 'GY'] },
    '3004000C': { vr: 'DS', Value: offsets },
    '3004000E': { vr: 'DS', Value: [scaling] },
  };
  return { ds, stored };
}

/** A regular polygon approximating a circle (counter-clockwise), as x, y pairs. */
export function circle(cx: number, cy: number, r: number, n = 128): Float64Array {
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[i * 2] = cx + r * Math.cos((2 * Math.PI * i) / n);
    out[i * 2 + 1] = cy + r * Math.sin((2 * Math.PI * i) / n);
  }
  return out;
}

export function rect(x0: number, y0: number, x1: number, y1: number): Float64Array {
  return Float64Array.from([x0, y0, x1, y0, x1, y1, x0, y1]);
}

/** Area of a regular n-gon of circumradius r. */
export function polygonAreaOfCircle(r: number, n = 128): number {
  return (n / 2) * r * r * Math.sin((2 * Math.PI) / n);
}

/** A sphere drawn as planning systems draw it: one circle per plane at z0 + k·gap inside it. */
export function spherePlanes(c: [number, number, number], r: number, planeZs: readonly number[]): ContourPlane[] {
  return planeZs.filter((z) => Math.abs(z - c[2]) < r).map((z) => ({ z, polygons: [circle(c[0], c[1], Math.sqrt(r * r - (z - c[2]) ** 2))] }));
}
