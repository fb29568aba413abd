import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CprError } from '../../../../common/cpr/cprError';
import { trilinearSampler } from '../../../../common/cpr/trilinearSampler';
import type { Vec3, Volume } from '../../../../common/registration/types';

// An oblique, anisotropic grid: columns of the direction are the i, j, k axes (i along (0.6, 0.8, 0), j along
// (−0.8, 0.6, 0), k along −z: slices stacked from head to feet).
const direction = [0.6, -0.8, 0, 0.8, 0.6, 0, 0, 0, -1];
const spacing: Vec3 = [0.7, 1.1, 2.5];
const dims: [number, number, number] = [9, 7, 5];
const origin: Vec3 = [-3, 4, 10];
const patientOf = (i: number, j: number, k: number): Vec3 => [
  origin[0] + direction[0]! * spacing[0] * i + direction[1]! * spacing[1] * j + direction[2]! * spacing[2] * k,
  origin[1] + direction[3]! * spacing[0] * i + direction[4]! * spacing[1] * j + direction[5]! * spacing[2] * k,
  origin[2] + direction[6]! * spacing[0] * i + direction[7]! * spacing[1] * j + direction[8]! * spacing[2] * k,
];
// A field linear in patient x, y, z: trilinear interpolation reproduces it exactly wherever the grid is, so a
// misread direction, spacing or origin shows as a wrong value.
const field = (p: Vec3) => 100 + 3 * p[0] - 2 * p[1] + 5 * p[2];
function linearVolume(): Volume {
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) data[i + dims[0] * (j + dims[1] * k)] = field(patientOf(i, j, k));
  return { dims, spacing, origin, direction, data };
}

describe('trilinearSampler', () => {
  it('reproduces a linear field anywhere inside an oblique, anisotropic grid (fast-check)', () => {
    const sample = trilinearSampler(linearVolume());
    const unitInterval = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(unitInterval, unitInterval, unitInterval, (a, b, c) => {
        const p = patientOf(a * (dims[0] - 1), b * (dims[1] - 1), c * (dims[2] - 1));
        expect(sample(...p)).toBeCloseTo(field(p), 3);
      }),
    );
  });

  it('gives the padding (NaN unless told) just outside the first and last voxel centres, and the voxel value on them', () => {
    const v = linearVolume();
    const nan = trilinearSampler(v);
    const air = trilinearSampler(v, -1000);
    const corner = patientOf(dims[0] - 1, dims[1] - 1, dims[2] - 1);
    expect(nan(...corner)).toBeCloseTo(field(corner), 3);
    for (const outside of [patientOf(-0.01, 3, 2), patientOf(4, dims[1] - 0.99, 2), patientOf(4, 3, dims[2] - 0.9)]) {
      expect(nan(...outside)).toBeNaN();
      expect(air(...outside)).toBe(-1000);
    }
  });

  it('samples a single-slice volume on its plane only', () => {
    const data = Float32Array.from({ length: 4 }, (_, q) => q * 10);
    const sample = trilinearSampler({ dims: [2, 2, 1], spacing: [1, 1, 3], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data });
    expect(sample(0.5, 0.5, 0)).toBeCloseTo(15, 9);
    expect(sample(0.5, 0.5, 0.5)).toBeNaN();
  });

  it('refuses a volume whose geometry or voxel count is not usable', () => {
    const v = linearVolume();
    const bad: Volume[] = [
      { ...v, data: v.data.subarray(1) },
      { ...v, dims: [9, 7, 0] },
      { ...v, spacing: [0.7, 0, 2.5] },
      { ...v, direction: [1, 0, 0, 1, 0, 0, 0, 0, 1] },
      { ...v, direction: [1, 0, 0] },
    ];
    for (const volume of bad) expect(() => trilinearSampler(volume)).toThrow(CprError);
  });
});
