/**
 * 4DCT phases as volumes (issue #17): the grid read from a phase's images, the memory a 10-phase 512 × 512 × 150
 * 4DCT takes (2 bytes a voxel, inside the budget, no decimation) and the in-plane decimation when it would not fit;
 * planes laid out head-up whatever the slice order; MIP, average and MinIP over phases per pixel; and the inverse
 * of the plane layout (a property: every voxel maps back to where extractPlane put it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import {
  extractPlane, phaseGrid, planePixelToVoxel, planeCount, projectPlanes, putSlice, voxelToPatient, type PhaseGrid, type PlaneAxis,
} from '../../../../common/volume/phaseVolumes';

function slices(n: number, o: { rows?: number; columns?: number; z0?: number; dz?: number; gaps?: number[] } = {}): DicomJsonDataset[] {
  let z = o.z0 ?? -10;
  return Array.from({ length: n }, (_, k) => {
    if (k > 0) z += o.gaps?.[k - 1] ?? o.dz ?? 2.5;
    return {
      [Tag.Rows]: { vr: 'US', Value: [o.rows ?? 4] },
      [Tag.Columns]: { vr: 'US', Value: [o.columns ?? 3] },
      [Tag.PixelSpacing]: { vr: 'DS', Value: [0.8, 0.7] },
      [Tag.ImageOrientationPatient]: { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] },
      [Tag.ImagePositionPatient]: { vr: 'DS', Value: [-5, -6, z] },
    };
  });
}

const GiB = 1024 ** 3;

function gridOf(datasets: DicomJsonDataset[], phases = 1, budget = GiB): PhaseGrid {
  const r = phaseGrid(datasets, phases, budget);
  if (typeof r === 'string') throw new Error(r);
  return r.grid;
}

/** A volume whose voxel (c, r, k) holds 100k + 10r + c: each plane's layout can be read off its values. */
function coded(grid: PhaseGrid): Int16Array {
  const v = new Int16Array(grid.columns * grid.rows * grid.slices);
  for (let k = 0; k < grid.slices; k++) for (let r = 0; r < grid.rows; r++) for (let c = 0; c < grid.columns; c++) v[(k * grid.rows + r) * grid.columns + c] = 100 * k + 10 * r + c;
  return v;
}

describe('phaseGrid', () => {
  it('reads the grid: sizes, spacing (column, row, slice), origin and directions', () => {
    const r = phaseGrid(slices(5), 10, GiB);
    if (typeof r === 'string') throw new Error(r);
    expect(r.grid).toMatchObject({ columns: 3, rows: 4, slices: 5, origin: [-5, -6, -10], rowDirection: [1, 0, 0], columnDirection: [0, 1, 0], sliceDirection: [0, 0, 1], decimation: 1 });
    // Pixel Spacing is row spacing \ column spacing: across a row the step is the second value.
    expect(r.grid.spacing[0]).toBeCloseTo(0.7);
    expect(r.grid.spacing[1]).toBeCloseTo(0.8);
    expect(r.grid.spacing[2]).toBeCloseTo(2.5);
    expect(r.memory).toEqual({ bytesPerVoxel: 2, voxelsPerPhase: 60, totalBytes: 1200, budgetBytes: GiB });
    expect(r.warnings).toEqual([]);
  });

  it('holds a 10-phase 512 × 512 × 150 4DCT at 2 bytes a voxel (786 MB) in the 2 GiB budget, every pixel kept', () => {
    const r = phaseGrid(slices(150, { rows: 512, columns: 512 }), 10, 2 * GiB);
    if (typeof r === 'string') throw new Error(r);
    expect(r.memory.bytesPerVoxel).toBe(2);
    expect(r.memory.totalBytes).toBe(10 * 512 * 512 * 150 * 2);
    expect(r.grid.decimation).toBe(1);
  });

  it('keeps every second pixel when the phases would not fit, and says so', () => {
    const r = phaseGrid(slices(150, { rows: 512, columns: 512 }), 10, 500 * 2 ** 20);
    if (typeof r === 'string') throw new Error(r);
    expect(r.grid).toMatchObject({ columns: 256, rows: 256, decimation: 2 });
    expect(r.grid.spacing[0]).toBeCloseTo(1.4);
    expect(r.memory.totalBytes).toBeLessThanOrEqual(500 * 2 ** 20);
    expect(r.warnings.join(' ')).toContain('Every second pixel');
  });

  it('refuses what cannot be a grid, with the reason', () => {
    expect(phaseGrid(slices(1), 2, GiB)).toMatch(/at least two slices/);
    expect(phaseGrid(slices(3, { dz: 0 }), 2, GiB)).toMatch(/same position/);
    const odd = slices(3);
    odd[1]![Tag.Rows] = { vr: 'US', Value: [5] };
    expect(phaseGrid(odd, 2, GiB)).toMatch(/differ in size/);
    expect(phaseGrid(slices(3), 2, 10)).toMatch(/cannot fit/);
  });

  it('warns when slices are unevenly spaced', () => {
    const r = phaseGrid(slices(4, { gaps: [2.5, 5, 2.5] }), 2, GiB);
    expect(typeof r !== 'string' && r.warnings.join(' ')).toMatch(/unevenly spaced/);
  });
});

describe('putSlice', () => {
  it('stores a slice, rounded and clamped to Int16, decimated as the grid says', () => {
    const grid = gridOf(slices(2, { rows: 4, columns: 4 }));
    const vol = new Int16Array(32);
    putSlice(vol, grid, 1, [1.4, 2.6, 40000, -40000, ...Array.from({ length: 12 }, (_, i) => i)]);
    expect([...vol.subarray(16, 20)]).toEqual([1, 3, 32767, -32768]);
    const half = { ...grid, columns: 2, rows: 2, decimation: 2 };
    const small = new Int16Array(8);
    putSlice(small, half, 0, Array.from({ length: 16 }, (_, i) => i));
    expect([...small.subarray(0, 4)]).toEqual([0, 2, 8, 10]);
    expect(() => putSlice(small, half, 0, [1, 2])).toThrow(/fewer than/);
  });
});

describe('extractPlane', () => {
  const grid = gridOf(slices(5));
  const vol = coded(grid);

  it('gives a slice as acquired', () => {
    const p = extractPlane(vol, grid, 'slice', 2);
    expect([p.width, p.height]).toEqual([3, 4]);
    expect(p.data[0]).toBe(200);
    expect(p.data[1 * 3 + 2]).toBe(212);
  });

  it('gives a row (coronal) and a column (sagittal) plane with the head at the top', () => {
    const row = extractPlane(vol, grid, 'row', 1);
    expect([row.width, row.height]).toEqual([3, 5]);
    // Top line: the last slice (highest z), its row 1.
    expect([...row.data.subarray(0, 3)]).toEqual([410, 411, 412]);
    expect([...row.data.subarray(12, 15)]).toEqual([10, 11, 12]);
    expect(row.pixelMm[0]).toBeCloseTo(0.7);
    expect(row.pixelMm[1]).toBeCloseTo(2.5);
    const col = extractPlane(vol, grid, 'column', 2);
    expect([col.width, col.height]).toEqual([4, 5]);
    expect([...col.data.subarray(0, 4)]).toEqual([402, 412, 422, 432]);
    expect(col.pixelMm[0]).toBeCloseTo(0.8);
  });

  it('keeps the head at the top when the slices run from head to feet', () => {
    const down = gridOf(slices(5, { z0: 10, dz: -2.5 }));
    expect(down.sliceDirection[2]).toBe(-1);
    const row = extractPlane(coded(down), down, 'row', 0);
    // Slice 0 is the highest z: it is on top.
    expect([...row.data.subarray(0, 3)]).toEqual([0, 1, 2]);
  });

  it('refuses a plane outside the grid', () => {
    expect(() => extractPlane(vol, grid, 'row', 4)).toThrow(/outside 0…3/);
  });

  it('maps every display pixel back to the voxel it shows (property)', () => {
    const axes: PlaneAxis[] = ['slice', 'row', 'column'];
    fc.assert(
      fc.property(fc.constantFrom(...axes), fc.nat(), fc.nat(), fc.nat(), fc.boolean(), (axis, i, x, y, downwards) => {
        const g = downwards ? gridOf(slices(5, { z0: 10, dz: -2.5 })) : grid;
        const v = coded(g);
        const index = i % planeCount(g, axis);
        const p = extractPlane(v, g, axis, index);
        const px = x % p.width;
        const py = y % p.height;
        const [c, r, k] = planePixelToVoxel(g, axis, index, px, py);
        expect(p.data[py * p.width + px]).toBe(100 * k + 10 * r + c);
      }),
    );
  });
});

describe('projectPlanes', () => {
  const plane = (values: number[]) => ({ width: 2, height: 1, pixelMm: [1, 1] as [number, number], data: Int16Array.from(values) });
  it('takes the maximum, the rounded mean and the minimum over phases, pixel by pixel', () => {
    const planes = [plane([0, -1000]), plane([400, -1000]), plane([100, -999])];
    expect([...projectPlanes(planes, 'mip').data]).toEqual([400, -999]);
    expect([...projectPlanes(planes, 'average').data]).toEqual([167, -1000]);
    expect([...projectPlanes(planes, 'minip').data]).toEqual([0, -1000]);
  });
  it('refuses planes of different sizes, and none', () => {
    expect(() => projectPlanes([plane([1, 2]), { ...plane([1, 2]), width: 1, height: 2 }], 'mip')).toThrow(/different sizes/);
    expect(() => projectPlanes([], 'mip')).toThrow(/No planes/);
  });
});

describe('voxelToPatient', () => {
  it('places voxels by origin, directions and spacing', () => {
    const grid = gridOf(slices(5));
    const p = voxelToPatient(grid, 2, 3, 4);
    expect(p[0]).toBeCloseTo(-5 + 2 * 0.7);
    expect(p[1]).toBeCloseTo(-6 + 3 * 0.8);
    expect(p[2]).toBeCloseTo(0);
  });
});
