import { describe, expect, it } from 'vitest';
import { CprError } from '../../../../common/cpr/cprError';
import { curvePath, pointAt } from '../../../../common/cpr/curvePath';
import { crossSection, straightenedCpr, stretchedCpr } from '../../../../common/cpr/reformat';
import type { Vec3, Volume } from '../../../../common/registration/types';
import { brightRun, centredGrid, helixControlPoints, helixLength, helixPoint, imageRow, tubeVolume, type Helix } from './phantoms';

// A helical vessel: radius r = 2.5 mm around a helix of radius 12 mm rising 3 mm per radian over 1.5 turns, in a
// 96³ volume of 0.5 mm voxels centred on the origin. The reader clicks on its centreline every 30°.
const r = 2.5;
const helix: Helix = { R: 12, c: 3, turns: 1.5, z0: -14 };
const helixVolume = tubeVolume(centredGrid(96, 0.5), (t) => helixPoint(helix, t), 0, 2 * Math.PI * helix.turns, r);
const helixPath = curvePath(helixControlPoints(helix, 30), { stepMm: 0.5 });
const up: Vec3 = [0, 0, 1];

/** Rows whose arc length is at least `marginMm` from both ends of the path (the tube's rounded ends lie there). */
const interiorRows = (height: number, pixelMm: number, lengthMm: number, marginMm: number) =>
  Array.from({ length: height }, (_, row) => row).filter((row) => row * pixelMm >= marginMm && row * pixelMm <= lengthMm - marginMm);

const sameOrBothNaN = (a: number, b: number, tolerance: number) => (Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) <= tolerance);

describe('straightenedCpr', () => {
  const pixelMm = 0.5;
  const image = straightenedCpr(helixVolume, helixPath, { widthMm: 20, pixelMm, up });

  it('has one row per pixel of arc length along the whole path, whose length is the helix length (within 1 %)', () => {
    expect(Math.abs(image.lengthMm / helixLength(helix) - 1)).toBeLessThan(0.01);
    expect(image.height).toBe(Math.floor(image.lengthMm / pixelMm) + 1);
    expect(image.width).toBe(41);
    expect(image.centreColumn).toBe(20);
    expect(image.pixels).toHaveLength(image.width * image.height);
  });

  it('shows the helical vessel as a straight band of its diameter, centred on the centre column, in every row', () => {
    const rows = interiorRows(image.height, pixelMm, image.lengthMm, r + 2);
    expect(rows.length).toBeGreaterThan(200);
    for (const row of rows) {
      const values = imageRow(image, row);
      const run = brightRun(values, image.centreColumn);
      expect(run, `row ${row}`).toBeDefined();
      expect(Math.abs(run!.width * pixelMm - 2 * r), `row ${row}`).toBeLessThanOrEqual(pixelMm);
      expect(Math.abs(run!.middle - image.centreColumn), `row ${row}`).toBeLessThanOrEqual(1);
      // And nothing else bright across the row: the vessel is not smeared sideways.
      for (let c = 0; c < image.width; c++) {
        if (Math.abs(c - image.centreColumn) * pixelMm > r + 1) expect(values[c], `row ${row} column ${c}`).toBeLessThan(500);
      }
    }
  });

  it('combines a slab across the path (along the binormal) by maximum or mean', () => {
    const thick = { widthMm: 20, pixelMm, up, thicknessMm: 10 };
    const mip = straightenedCpr(helixVolume, helixPath, { ...thick, slabMode: 'mip' });
    const mean = straightenedCpr(helixVolume, helixPath, { ...thick, slabMode: 'mean' });
    for (const row of interiorRows(image.height, pixelMm, image.lengthMm, r + 2)) {
      const centre = row * image.width + image.centreColumn;
      // The slab crosses the 5 mm vessel over half its 10 mm: all of it bright in the MIP, about half in the mean.
      expect(mip.pixels[centre]).toBeGreaterThan(950);
      expect(mean.pixels[centre]).toBeGreaterThan(400);
      expect(mean.pixels[centre]).toBeLessThan(650);
      expect(Math.abs(brightRun(imageRow(mip, row), mip.centreColumn)!.width * pixelMm - 2 * r)).toBeLessThanOrEqual(pixelMm);
    }
  });

  it('leaves pixels outside the volume NaN, or gives them the padding asked for', () => {
    const wide = straightenedCpr(helixVolume, helixPath, { widthMm: 60, pixelMm, up });
    const padded = straightenedCpr(helixVolume, helixPath, { widthMm: 60, pixelMm, up, padding: -1024 });
    let outside = 0;
    wide.pixels.forEach((v, q) => {
      if (Number.isNaN(v)) {
        outside++;
        expect(padded.pixels[q]).toBe(-1024);
      } else {
        expect(padded.pixels[q]).toBe(v);
      }
    });
    expect(outside).toBeGreaterThan(100);
  });

  it('samples the volume in patient coordinates, whatever the order and sense of its voxel axes', () => {
    // The same tube on the same voxel centres, stored with axes permuted and one flipped (i → −y, j → z, k → x).
    const tube = (t: number): Vec3 => [4 * Math.sin(t / 6), t, 3 * Math.cos(t / 9)];
    const grid = centredGrid(48, 0.75);
    const plain = tubeVolume(grid, tube, -15, 15, 2);
    const permuted = tubeVolume({ ...grid, direction: [0, 0, 1, -1, 0, 0, 0, 1, 0] }, tube, -15, 15, 2);
    const path = curvePath([-12, -6, 0, 6, 12].map(tube));
    const a = straightenedCpr(plain, path, { widthMm: 16, up: [1, 0, 0] });
    const b = straightenedCpr(permuted, path, { widthMm: 16, up: [1, 0, 0] });
    expect(b.width).toBe(a.width);
    a.pixels.forEach((v, q) => expect(sameOrBothNaN(v, b.pixels[q]!, 1e-2)).toBe(true));
    expect(a.pixels.filter((v) => v > 500).length).toBeGreaterThan(300);
  });
});

describe('crossSection', () => {
  it('shows the vessel at mid-path as a disc of its radius, centred on the path', () => {
    const pixelMm = 0.25;
    const section = crossSection(helixVolume, helixPath, helixPath.lengthMm / 2, { sizeMm: 16, pixelMm, up });
    expect(section.width).toBe(65);
    expect(section.height).toBe(65);
    expect(section.centre).toBe(32);
    let area = 0;
    let sx = 0;
    let sy = 0;
    for (let j = 0; j < section.height; j++) {
      for (let i = 0; i < section.width; i++) {
        if (!(section.pixels[j * section.width + i]! >= 500)) continue;
        // Only the vessel at the centre (another coil of the helix could enter a larger section).
        if (Math.hypot(i - section.centre, j - section.centre) * pixelMm > 2 * r) continue;
        area += pixelMm * pixelMm;
        sx += i;
        sy += j;
      }
    }
    // An oblique cut would show an ellipse of larger area; a plane perpendicular to the vessel, the disc πr².
    expect(Math.abs(area / (Math.PI * r * r) - 1)).toBeLessThan(0.1);
    const n = area / (pixelMm * pixelMm);
    expect(Math.hypot(sx / n - section.centre, sy / n - section.centre)).toBeLessThan(1);
    expect(section.frame.position).toEqual(pointAt(helixPath, helixPath.lengthMm / 2));
  });

  it('runs its columns along the same normal as the straightened CPR at that arc length', () => {
    const pixelMm = 0.5;
    const cpr = straightenedCpr(helixVolume, helixPath, { widthMm: 20, pixelMm, up });
    for (const row of [37, 111, 180]) {
      const section = crossSection(helixVolume, helixPath, row * pixelMm, { sizeMm: 20, pixelMm, up });
      const middle = imageRow(section, section.centre);
      imageRow(cpr, row).forEach((v, c) => expect(sameOrBothNaN(v, middle[c]!, 1e-3)).toBe(true));
    }
  });
});

describe('stretchedCpr', () => {
  it('on a straight vessel across the fixed direction is the straightened CPR, oriented the same way', () => {
    // A tube along z with a marker ball 6 mm along +y from its middle: the image must put the marker on the same
    // side in both reformations.
    const tube = tubeVolume(centredGrid(64, 0.5), (t) => [0, 0, t], -14, 14, 2);
    const q = (i: number, j: number, k: number) => i + 64 * (j + 64 * k);
    for (let k = 0; k < 64; k++) {
      for (let j = 0; j < 64; j++) {
        for (let i = 0; i < 64; i++) {
          const p = [(i - 31.5) * 0.5, (j - 31.5) * 0.5, (k - 31.5) * 0.5];
          if (Math.hypot(p[0]!, p[1]! - 6, p[2]!) <= 1.5) tube.data[q(i, j, k)] = 2000;
        }
      }
    }
    const path = curvePath([
      [0, 0, -12],
      [0, 0, 0],
      [0, 0, 12],
    ]);
    const options = { widthMm: 20, pixelMm: 0.5, up: [0, 1, 0] as Vec3 };
    const straight = straightenedCpr(tube, path, options);
    const stretched = stretchedCpr(tube, path, options);
    expect([stretched.width, stretched.height]).toEqual([straight.width, straight.height]);
    stretched.pixels.forEach((v, k) => expect(sameOrBothNaN(v, straight.pixels[k]!, 1e-3)).toBe(true));
    const middleRow = 24; // arc length 12 mm: z = 0
    expect(stretched.pixels[middleRow * stretched.width + straight.centreColumn + 12]).toBeGreaterThan(1500);
    expect(stretched.pixels[middleRow * stretched.width + straight.centreColumn - 12]).toBeLessThan(500);
    expect(Array.from(stretched.centreColumns).every((c) => Math.abs(c - straight.centreColumn) < 1e-9)).toBe(true);
  });

  it('is the straightened CPR for a path drawn on a plane, with up the plane normal (a dental arch on an axial slice)', () => {
    const arch = [-20, -13, -6, 0, 6, 13, 20].map((x): Vec3 => [x, 0.04 * x * x - 10, 1.3]);
    const path = curvePath(arch);
    const options = { widthMm: 24, pixelMm: 0.5, up, thicknessMm: 3 };
    const straight = straightenedCpr(helixVolume, path, options);
    const stretched = stretchedCpr(helixVolume, path, options);
    expect([stretched.width, stretched.height]).toEqual([straight.width, straight.height]);
    expect(stretched.projectedLengthMm).toBeCloseTo(path.lengthMm, 6);
    stretched.pixels.forEach((v, k) => expect(sameOrBothNaN(v, straight.pixels[k]!, 0.5)).toBe(true));
    // The arch crosses the helical vessel: the comparison is not between two empty images.
    expect(straight.pixels.filter((v) => v > 500).length).toBeGreaterThan(50);
  });

  it('on the helix, with up along its axis, unrolls the cylinder: the rows span the length across up, the traced path the full length', () => {
    const pixelMm = 0.5;
    const image = stretchedCpr(helixVolume, helixPath, { widthMm: 10, pixelMm, up });
    const aroundAxis = 2 * Math.PI * helix.R * helix.turns;
    expect(Math.abs(image.projectedLengthMm / aroundAxis - 1)).toBeLessThan(0.01);
    expect(image.height).toBe(Math.floor(image.projectedLengthMm / pixelMm) + 1);
    expect(image.lengthMm).toBe(helixPath.lengthMm);
    // Length preservation (Kanitsar): the path traced through the image is as long as the vessel.
    let traced = 0;
    for (let row = 1; row < image.height; row++) traced += Math.hypot(pixelMm, (image.centreColumns[row]! - image.centreColumns[row - 1]!) * pixelMm);
    expect(Math.abs(traced / helixLength(helix) - 1)).toBeLessThan(0.01);
    // The vessel rises steadily along the image (c mm per radian of the way round) and is crossed, along up, over
    // 2r·√(R² + c²)/R.
    const slope = (image.centreColumns[image.height - 1]! - image.centreColumns[0]!) / (image.height - 1);
    expect(slope).toBeCloseTo(helix.c / helix.R, 2);
    const crossing = (2 * r * Math.hypot(helix.R, helix.c)) / helix.R;
    for (const row of interiorRows(image.height, pixelMm, image.projectedLengthMm, r + 2)) {
      const run = brightRun(imageRow(image, row), image.centreColumns[row]!);
      expect(run, `row ${row}`).toBeDefined();
      expect(Math.abs(run!.middle - image.centreColumns[row]!), `row ${row}`).toBeLessThanOrEqual(1);
      expect(Math.abs(run!.width * pixelMm - crossing), `row ${row}`).toBeLessThanOrEqual(pixelMm);
    }
  });
});

describe('reformat options', () => {
  it('refuses options that cannot make an image, saying which', () => {
    const along: Vec3[] = [
      [0, 0, -10],
      [0, 0, 10],
    ];
    const cases: [() => unknown, RegExp][] = [
      [() => straightenedCpr(helixVolume, helixPath, { pixelMm: 0 }), /pixel size must be a positive/],
      [() => straightenedCpr(helixVolume, helixPath, { widthMm: Number.NaN }), /width must be a non-negative/],
      [() => straightenedCpr(helixVolume, helixPath, { thicknessMm: -1 }), /slab thickness/],
      [() => straightenedCpr(helixVolume, helixPath, { slabMode: 'max' as 'mip' }), /slab mode/],
      [() => straightenedCpr(helixVolume, helixPath, { up: [0, 0, 0] }), /up direction/],
      [() => straightenedCpr(helixVolume, helixPath, { pixelMm: 0.001, widthMm: 1000 }), /larger pixel size/],
      [() => stretchedCpr(helixVolume, curvePath(along), { up }), /runs along the stretched CPR's fixed direction/],
      [() => crossSection(helixVolume, helixPath, Number.NaN), /arc length/],
      [() => straightenedCpr({ ...helixVolume, data: new Float32Array(3) } as Volume, helixPath), /volume holds 3 voxels/],
    ];
    for (const [f, message] of cases) {
      let error: unknown;
      try {
        f();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CprError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
