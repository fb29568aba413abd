import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { closedPlanes, parseStructureSet, StructureSetError } from '../../../../common/rt/structureSet';

const contour = (type: string, points: number[]): DicomJsonDataset => ({
  '30060042': { vr: 'CS', Value: [type] },
  '30060046': { vr: 'IS', Value: [points.length / 3] },
  '30060050': { vr: 'DS', Value: points },
});
const structureSet = (contours: DicomJsonDataset[], extra: DicomJsonDataset = {}): DicomJsonDataset => ({
  '30060002': { vr: 'SH', Value: ['PLAN1'] },
  '30060020': { vr: 'SQ', Value: [{ '30060022': { vr: 'IS', Value: [3] }, '30060026': { vr: 'LO', Value: ['PTV '] }, '30060024': { vr: 'UI', Value: ['1.2.3'] } }] },
  '30060039': { vr: 'SQ', Value: [{ '30060084': { vr: 'IS', Value: [3] }, '3006002A': { vr: 'IS', Value: [255, 128, 0] }, '30060040': { vr: 'SQ', Value: contours } }] },
  '30060080': { vr: 'SQ', Value: [{ '30060084': { vr: 'IS', Value: [3] }, '300600A4': { vr: 'CS', Value: ['PTV'] } }] },
  ...extra,
});

describe('parseStructureSet', () => {
  it('joins name, colour, interpreted type and contours by ROI number', () => {
    const set = parseStructureSet(structureSet([contour('CLOSED_PLANAR', [0, 0, 5, 10, 0, 5, 10, 10, 5])]));
    expect(set.label).toBe('PLAN1');
    expect(set.rois).toHaveLength(1);
    const roi = set.rois[0]!;
    expect(roi).toMatchObject({ number: 3, name: 'PTV', color: [255, 128, 0], interpretedType: 'PTV', frameOfReferenceUid: '1.2.3' });
    expect(Array.from(roi.contours[0]!.points)).toEqual([0, 0, 5, 10, 0, 5, 10, 10, 5]);
    expect(set.warnings).toEqual([]);
  });

  it('keeps POINT and open contours apart from closed ones, and says what it left out', () => {
    const set = parseStructureSet(structureSet([contour('POINT', [1, 2, 3]), contour('OPEN_PLANAR', [0, 0, 0, 1, 1, 0]), contour('CIRCLE', [0, 0, 0]), contour('CLOSED_PLANAR', [0, 0, 0, 1])]));
    expect(set.rois[0]!.contours.map((c) => c.type)).toEqual(['POINT', 'OPEN_PLANAR']);
    expect(set.warnings.join(' ')).toMatch(/"CIRCLE".*left out/);
    expect(set.warnings.join(' ')).toMatch(/not x\\y\\z triplets/);
    expect(closedPlanes(set.rois[0]!).planes).toEqual([]);
  });

  it('groups closed contours by plane (holes stay with their outer contour) and refuses non-axial ones', () => {
    const square = (z: number, s: number) => [-s, -s, z, s, -s, z, s, s, z, -s, s, z];
    const set = parseStructureSet(structureSet([contour('CLOSED_PLANAR', square(2.5, 10)), contour('CLOSED_PLANAR', square(0, 10)), contour('CLOSED_PLANAR', square(0, 5)), contour('CLOSED_PLANAR', [0, 0, 0, 1, 0, 0, 1, 1, 3])]));
    const { planes, skipped } = closedPlanes(set.rois[0]!);
    expect(planes.map((p) => [p.z, p.polygons.length])).toEqual([[0, 2], [2.5, 1]]);
    expect(skipped.join(' ')).toMatch(/not on one axial plane/);
  });

  it('is not a structure set without structures', () => {
    expect(() => parseStructureSet({ '00080060': { vr: 'CS', Value: ['CT'] } })).toThrow(StructureSetError);
  });

  it('never throws on damaged contour data, only warns (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.integer()), { maxLength: 40 }), fc.constantFrom('CLOSED_PLANAR', 'POINT', '', 'X'), (points, type) => {
        const set = parseStructureSet(structureSet([contour(type, points)]));
        const { planes } = closedPlanes(set.rois[0]!);
        for (const p of planes) for (const poly of p.polygons) expect(poly.length % 2).toBe(0);
      }),
    );
  });
});
