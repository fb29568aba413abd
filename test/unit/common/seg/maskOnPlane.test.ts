import { describe, expect, it } from 'vitest';
import { maskOnPlane } from '../../../../common/seg/maskOnPlane';

describe('maskOnPlane', () => {
  // A 20×20×10 grid of 2 mm voxels, first voxel centre (−19, −19, −9). The segment: voxels i, j 8…11 and k 4…7,
  // i.e. the box x, y ∈ [−4, 4) and z ∈ [−2, 6) mm.
  const mask = new Uint8Array(20 * 20 * 10);
  for (let k = 4; k < 8; k++) for (let j = 8; j < 12; j++) for (let i = 8; i < 12; i++) mask[(k * 20 + j) * 20 + i] = 1;
  const grid = { dims: [20, 20, 10] as [number, number, number], spacing: [2, 2, 2] as [number, number, number], origin: [-19, -19, -9] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

  it('a sagittal plane through the segment shows it where its voxels are, and nothing elsewhere', () => {
    // The plane x = 0: columns along +y from y = −20, rows along −z from z = 10, 1 mm pixels.
    const m = maskOnPlane(mask, grid, { origin: [0, -20, 10], rowDirection: [0, 1, 0], columnDirection: [0, 0, -1], rowSpacing: 1, columnSpacing: 1, rows: 21, columns: 41 });
    const at = (y: number, z: number) => m[(10 - z) * 41 + (y + 20)]!;
    for (const [y, z] of [[0, 2], [-3, 0], [3, 5], [-3, -1]] as const) expect(at(y, z), `(${y}, ${z})`).toBe(1);
    for (const [y, z] of [[-6, 2], [6, 2], [0, -4], [0, 7]] as const) expect(at(y, z), `(${y}, ${z})`).toBe(0);
    // The count: 8 mm × 8 mm of the plane, sampled every 1 mm (nearest voxel): 8 × 8 pixels.
    expect(m.reduce((a, b) => a + b, 0)).toBe(64);
  });

  it('nothing outside the volume', () => {
    const m = maskOnPlane(mask, grid, { origin: [0, -20, 40], rowDirection: [0, 1, 0], columnDirection: [0, 0, -1], rowSpacing: 1, columnSpacing: 1, rows: 5, columns: 41 });
    expect(m.every((v) => v === 0)).toBe(true);
  });
});
