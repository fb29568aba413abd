import { describe, expect, it } from 'vitest';
import { computeCpr, computeCrossSection, cprPixelMm, DEFAULT_SETTINGS, MAX_COLUMNS, MAX_ROWS, rowOfArcLength } from '../../../../../../renderer/features/cpr/model/cprCompute';
import type { PathPoint } from '../../../../../../renderer/features/cpr/model/curvedPath';
import { brightRun, centredGrid, helixControlPoints, helixLength, helixPoint, imageRow, tubeVolume, type Helix } from '../../../../common/cpr/phantoms';

// The unit tests' helical vessel (test/unit/common/cpr): radius 2.5 mm in 0.5 mm voxels.
const r = 2.5;
const helix: Helix = { R: 12, c: 3, turns: 1.5, z0: -14 };
const volume = tubeVolume(centredGrid(96, 0.5), (t) => helixPoint(helix, t), 0, 2 * Math.PI * helix.turns, r);
const points = helixControlPoints(helix, 30) as PathPoint[];

describe('the CPR panel computations', () => {
  it('shows the helical tube as a straight band of its diameter in the straightened CPR', () => {
    const result = computeCpr(volume, points, DEFAULT_SETTINGS);
    const { image } = result;
    expect(image.kind).toBe('straightened');
    if (image.kind !== 'straightened') return;
    expect(image.pixelMm).toBe(0.5);
    expect(Math.abs(result.path.lengthMm / helixLength(helix) - 1)).toBeLessThan(0.01);
    expect(result.rowArcLengthsMm).toHaveLength(image.height);
    let checked = 0;
    for (let row = 0; row < image.height; row++) {
      const s = result.rowArcLengthsMm[row]!;
      if (s < r + 2 || s > result.path.lengthMm - r - 2) continue;
      const run = brightRun(imageRow(image, row), image.centreColumn);
      expect(run, `row ${row}`).toBeDefined();
      expect(Math.abs(run!.width * image.pixelMm - 2 * r), `row ${row}`).toBeLessThanOrEqual(image.pixelMm);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('gives the stretched CPR with its row arc lengths, and a cross-section showing the tube as a disc', () => {
    const result = computeCpr(volume, points, { ...DEFAULT_SETTINGS, kind: 'stretched', thicknessMm: 3, slabMode: 'mean' });
    expect(result.image.kind).toBe('stretched');
    expect(result.rowArcLengthsMm[0]).toBe(0);
    const cross = computeCrossSection(volume, result, result.path.lengthMm / 2);
    expect(cross.arcLengthMm).toBeCloseTo(result.path.lengthMm / 2, 9);
    const centre = cross.pixels[cross.centre * cross.width + cross.centre]!;
    expect(centre).toBeGreaterThan(900);
    // The disc's area ≈ πr².
    let bright = 0;
    for (const v of cross.pixels) if (v >= 500) bright++;
    expect(Math.abs((bright * cross.pixelMm ** 2) / (Math.PI * r * r) - 1)).toBeLessThan(0.15);
  });

  it('keeps the output bounded: coarser pixels on a long path, never finer than the voxels', () => {
    expect(cprPixelMm({ spacing: [0.5, 0.5, 1] }, 100, 40)).toBe(0.5);
    expect(cprPixelMm({ spacing: [0.5, 0.5, 1] }, 2000, 40)).toBeCloseTo(2000 / (MAX_ROWS - 1), 9);
    expect(cprPixelMm({ spacing: [0.2, 0.2, 0.2] }, 10, 200)).toBeCloseTo(200 / (MAX_COLUMNS - 1), 9);
  });

  it('finds the row nearest an arc length', () => {
    const rows = [0, 0.5, 1, 1.5, 2];
    expect(rowOfArcLength(rows, 0.74)).toBe(1);
    expect(rowOfArcLength(rows, 0.76)).toBe(2);
    expect(rowOfArcLength(rows, -3)).toBe(0);
    expect(rowOfArcLength(rows, 99)).toBe(4);
  });

  it('says why with fewer than 2 points', () => {
    expect(() => computeCpr(volume, [[0, 0, 0]], DEFAULT_SETTINGS)).toThrow(/at least 2 points/);
  });
});
