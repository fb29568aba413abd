import { describe, expect, it } from 'vitest';
import type { Roi } from '../../../../../../common/rt/structureSet';
import { structureCentre, structuresOnPlane, toPixel, type PlaneGeometry } from '../../../../../../renderer/features/rt/model/structuresOnPlane';

// An axial 48×48 image, 2 mm pixels, first pixel centre at (-47, -47), at z = 1.25.
const axial: PlaneGeometry = { origin: [-47, -47, 1.25], rowDirection: [1, 0, 0], columnDirection: [0, 1, 0], normal: [0, 0, 1], rowSpacing: 2, columnSpacing: 2 };
const square = (z: number): Roi['contours'][number] => ({ type: 'CLOSED_PLANAR', points: Float64Array.from([-10, -10, z, 10, -10, z, 10, 10, z, -10, 10, z]) });

describe('structuresOnPlane', () => {
  it('puts a contour on the image whose plane it lies on, in that image’s pixel coordinates', () => {
    const rois: Roi[] = [{ number: 1, name: 'Box', contours: [square(1.25), square(3.75)] }];
    const on = structuresOnPlane(rois, axial, 1.25);
    expect(on).toHaveLength(1);
    expect(on[0]!.contours).toHaveLength(1);
    // (-10, -10) mm is 37 mm from the first pixel centre: column and row 18.5.
    expect(on[0]!.contours[0]!.pixels.slice(0, 4)).toEqual([18.5, 18.5, 28.5, 18.5]);
  });

  it('draws nothing from a plane half a slice or more away, and keeps points and open contours', () => {
    const rois: Roi[] = [
      { number: 1, name: 'Box', contours: [square(3.75)] },
      { number: 2, name: 'Marker', contours: [{ type: 'POINT', points: Float64Array.from([0, 0, 1.3]) }, { type: 'OPEN_PLANAR', points: Float64Array.from([0, 0, 1.25, 4, 0, 1.25]) }] },
    ];
    const on = structuresOnPlane(rois, axial, 1.25);
    expect(on.map((r) => r.roiNumber)).toEqual([2]);
    expect(on[0]!.contours.map((c) => c.type)).toEqual(['POINT', 'OPEN_PLANAR']);
  });

  it('follows the image’s orientation (a coronal image: rows run down the patient)', () => {
    const coronal: PlaneGeometry = { origin: [-47, 0, 47], rowDirection: [1, 0, 0], columnDirection: [0, 0, -1], normal: [0, 1, 0], rowSpacing: 2, columnSpacing: 2 };
    const p = toPixel(coronal, [3, 0.2, 7]);
    expect(p).toEqual({ column: 25, row: 20, off: 0.2 });
  });

  it('finds the centre of a structure to jump to', () => {
    expect(structureCentre({ number: 1, name: 'Box', contours: [square(0), square(5)] })).toEqual([0, 0, 2.5]);
    expect(structureCentre({ number: 1, name: 'Empty', contours: [] })).toBeUndefined();
  });
});
