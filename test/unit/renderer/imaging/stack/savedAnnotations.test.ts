/**
 * Cornerstone annotations ↔ the saved measurement model (renderer/imaging/stack/savedAnnotations.ts, issue #19):
 * units as UCUM and back, the tracking UID an annotation keeps across saves, each tool's points in the SR's order
 * and back to the handles cornerstone draws, and the saved form of an annotation as the save request checks it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { savedMeasurementSchema, type SavedImageRef } from '../../../../../common/sr/savedMeasurements';
import { MEASUREMENT_TOOLS, type MeasurementTool } from '../../../../../renderer/imaging/stack/measurements';
import {
  handlesOfSaved,
  savedOfAnnotation,
  savedPointsOf,
  trackingUidOf,
  ucumOf,
  unitOfUcum,
  type ImagePoint,
} from '../../../../../renderer/imaging/stack/savedAnnotations';

const DICOM_UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
const IMAGE: SavedImageRef = { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.826.0.1.3680043.9.7777.19.3.1', seriesInstanceUid: '1.2.826.0.1.3680043.9.7777.19.2' };
const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

/** A coordinate on an image (pixels, sub-pixel). */
const coord = fc.double({ min: -512, max: 4096, noNaN: true });
const point: fc.Arbitrary<ImagePoint> = fc.tuple(coord, coord);
const points = (n: number) => fc.array(point, { minLength: n, maxLength: n });
const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);

describe('ucumOf / unitOfUcum', () => {
  it('writes the units cornerstone reports as UCUM and reads them back as the reader saw them', () => {
    const shown: [string, string][] = [
      ['mm', 'mm'],
      ['mm²', 'mm2'],
      ['cm²', 'cm2'],
      ['HU', "[hnsf'U]"],
      ['px', '{pixels}'],
      ['px²', '{pixels2}'],
      ['°', 'deg'],
      ['SUVbw', '{SUVbw}g/ml'],
    ];
    for (const [unit, ucum] of shown) {
      expect(ucumOf(unit)).toBe(ucum);
      expect(unitOfUcum(ucum)).toBe(unit);
    }
    // Other spellings of the same unit are written the same way.
    expect(ucumOf('mm2')).toBe('mm2');
    expect(ucumOf('deg')).toBe('deg');
    expect(ucumOf('SUV')).toBe('{SUVbw}g/ml');
    // No unit: UCUM's "1", which a reader shows as none.
    expect(ucumOf(undefined)).toBe('1');
    expect(ucumOf('')).toBe('1');
    expect(unitOfUcum('1')).toBeUndefined();
    expect(unitOfUcum(undefined)).toBeUndefined();
  });

  it('keeps any other unit word as a UCUM annotation, and gives the word back', () => {
    const known = new Set(['', 'mm', 'mm²', 'mm2', 'cm²', 'HU', 'px', 'px²', '°', 'deg', 'SUV', 'SUVbw', 'pixels', 'pixels2', '1']);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }).filter((u) => !known.has(u) && !known.has(u.replace(/[{}]/g, ''))),
        (unit) => {
          const ucum = ucumOf(unit);
          // One annotation: braces only at the ends, so a UCUM parser reads it whole.
          expect(ucum).toMatch(/^\{[^{}]*\}$/);
          expect(unitOfUcum(ucum)).toBe(unit.replace(/[{}]/g, ''));
        },
      ),
    );
    expect(unitOfUcum('mm')).toBe('mm');
  });
});

describe('trackingUidOf', () => {
  it('turns a UUID into a valid DICOM UID under 2.25 (at most 64 characters), the same every time', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        const uid = trackingUidOf(uuid);
        expect(uid).toMatch(/^2\.25\.(0|[1-9][0-9]*)$/);
        expect(uid).toMatch(DICOM_UID);
        expect(uid!.length).toBeLessThanOrEqual(64);
        expect(trackingUidOf(uuid)).toBe(uid);
        // The decimal is the UUID's 128-bit value (PS3.5 B.2).
        expect(BigInt(uid!.slice('2.25.'.length))).toBe(BigInt(`0x${uuid.replace(/-/g, '')}`));
        // Upper-case hex is the same UUID.
        expect(trackingUidOf(uuid.toUpperCase())).toBe(uid);
      }),
    );
  });

  it('gives different annotations different UIDs', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 2, maxLength: 30, selector: (u) => u.toLowerCase() }), (uuids) => {
        expect(new Set(uuids.map(trackingUidOf)).size).toBe(uuids.length);
      }),
    );
  });

  it('keeps a UID an annotation already has (drawn again from an SR)', () => {
    expect(trackingUidOf('2.25.101')).toBe('2.25.101');
    expect(trackingUidOf('1.2.826.0.1.3680043.9.7777.19.3.1')).toBe('1.2.826.0.1.3680043.9.7777.19.3.1');
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), (parts) => {
        const uid = parts.join('.');
        fc.pre(uid.length <= 64);
        expect(trackingUidOf(uid)).toBe(uid);
      }),
    );
  });

  it('gives no UID for what is neither a UUID nor a valid UID', () => {
    for (const junk of ['', 'abc', 'annotation-1', '1..2', '1.02.3', '.1.2', '1.2.', ' 1.2', `1.${'2'.repeat(70)}`, '0f8fad5b-d9cb-469f-a165-70867728950', '0f8fad5b-d9cb-469f-a165-70867728950e1', 'gf8fad5b-d9cb-469f-a165-70867728950e']) {
      expect(trackingUidOf(junk), junk).toBeUndefined();
    }
  });
});

describe('savedPointsOf / handlesOfSaved', () => {
  it('Length, Angle and Probe keep their points in the same order both ways', () => {
    const cases: [MeasurementTool, number][] = [
      ['Length', 2],
      ['Angle', 3],
      ['Probe', 1],
    ];
    for (const [tool, n] of cases) {
      fc.assert(
        fc.property(points(n), (handles) => {
          const saved = savedPointsOf(tool, handles);
          expect(saved).toEqual(handles);
          expect(handlesOfSaved(tool, saved!)).toEqual(handles);
        }),
      );
    }
  });

  it('Ellipse: an axis-aligned ellipse (cornerstone\'s [upper, lower, left, right]) is saved major axis first and drawn again with the same handles', () => {
    const centre = fc.double({ min: 0, max: 4096, noNaN: true });
    const radius = fc.double({ min: 0.5, max: 2048, noNaN: true });
    fc.assert(
      fc.property(centre, centre, radius, radius, (cx, cy, rx, ry) => {
        // Rows grow downwards: the upper handle has the smaller row (cornerstone's stats need that order).
        const handles: ImagePoint[] = [
          [cx, cy - ry],
          [cx, cy + ry],
          [cx - rx, cy],
          [cx + rx, cy],
        ];
        const saved = savedPointsOf('EllipticalROI', handles)!;
        expect(saved).toHaveLength(4);
        // DICOM ELLIPSE: the major axis' ends, then the minor axis' ends.
        expect(dist(saved[0]!, saved[1]!)).toBeGreaterThanOrEqual(dist(saved[2]!, saved[3]!));
        expect(new Set(saved.map((p) => p.join()))).toEqual(new Set(handles.map((p) => p.join())));
        expect(handlesOfSaved('EllipticalROI', saved)).toEqual(handles);
      }),
    );
  });

  it('Ellipse: either axis order in an SR draws the same handles', () => {
    const bottom: ImagePoint = [50, 70];
    const top: ImagePoint = [50, 30];
    const left: ImagePoint = [40, 50];
    const right: ImagePoint = [60, 50];
    const want = [top, bottom, left, right];
    expect(handlesOfSaved('EllipticalROI', [top, bottom, left, right])).toEqual(want);
    expect(handlesOfSaved('EllipticalROI', [right, left, bottom, top])).toEqual(want);
    expect(handlesOfSaved('EllipticalROI', [top, bottom, right, left])).toEqual(want);
  });

  it('Rectangle: saved going round the rectangle, drawn again with the same corners in cornerstone\'s order', () => {
    fc.assert(
      fc.property(points(4), (handles) => {
        const saved = savedPointsOf('RectangleROI', handles)!;
        expect(handlesOfSaved('RectangleROI', saved)).toEqual(handles);
        // A closed POLYLINE from an SR repeats its first point.
        expect(handlesOfSaved('RectangleROI', [...saved, saved[0]!])).toEqual(handles);
      }),
    );
    const x0 = fc.double({ min: 0, max: 2000, noNaN: true });
    const size = fc.double({ min: 0.5, max: 2000, noNaN: true });
    fc.assert(
      fc.property(x0, x0, size, size, (x, y, w, h) => {
        // cornerstone: p0/p3 and p1/p2 are diagonal.
        const handles: ImagePoint[] = [
          [x, y],
          [x + w, y],
          [x, y + h],
          [x + w, y + h],
        ];
        const saved = savedPointsOf('RectangleROI', handles)!;
        // Each side of the saved polygon is an edge of the rectangle (one coordinate changes), never a diagonal.
        for (let i = 0; i < 4; i++) {
          const a = saved[i]!;
          const b = saved[(i + 1) % 4]!;
          expect([a[0] === b[0], a[1] === b[1]].filter(Boolean)).toHaveLength(1);
        }
      }),
    );
  });

  it('refuses handles it cannot save: too few, or not finite', () => {
    const need: Record<MeasurementTool, number> = { Length: 2, Angle: 3, Probe: 1, EllipticalROI: 4, RectangleROI: 4 };
    for (const tool of MEASUREMENT_TOOLS) {
      const ok: ImagePoint[] = Array.from({ length: need[tool] }, (_, i) => [10 + i * 7, 20 + i * 3]);
      expect(savedPointsOf(tool, ok), tool).toBeDefined();
      expect(savedPointsOf(tool, ok.slice(1)), tool).toBeUndefined();
      for (const bad of [NaN, Infinity, -Infinity]) {
        expect(savedPointsOf(tool, ok.map((p, i) => (i === ok.length - 1 ? [p[0], bad] : p))), `${tool} ${bad}`).toBeUndefined();
        expect(savedPointsOf(tool, ok.map((p, i) => (i === 0 ? [bad, p[1]] : p))), `${tool} ${bad}`).toBeUndefined();
      }
      expect(handlesOfSaved(tool, ok.slice(1)), tool).toBeUndefined();
    }
    // The 3D tools are not drawn on a stack.
    expect(handlesOfSaved('SphereROI', [[0, 0, 0], [0, 0, 5]])).toBeUndefined();
    expect(handlesOfSaved('CurvedPath', [[0, 0, 0], [1, 2, 3]])).toBeUndefined();
  });
});

describe('savedOfAnnotation', () => {
  it('saves an ellipse\'s statistics with UCUM units: HU as [hnsf\'U], mm² as mm2', () => {
    const s = savedOfAnnotation({
      annotationUid: UUID,
      tool: 'EllipticalROI',
      label: '  liver lesion  ',
      image: IMAGE,
      handles: [[50, 70], [50, 30], [40, 50], [60, 50]],
      stats: { area: 314.2, areaUnit: 'mm²', mean: 34.2, stdDev: 12, min: -10, max: 80, valueUnit: 'HU' },
    });
    expect(s).toEqual({
      trackingUid: trackingUidOf(UUID),
      tool: 'EllipticalROI',
      label: 'liver lesion',
      image: IMAGE,
      points: [[50, 70], [50, 30], [40, 50], [60, 50]],
      values: [
        { quantity: 'area', value: 314.2, unit: 'mm2' },
        { quantity: 'mean', value: 34.2, unit: "[hnsf'U]" },
        { quantity: 'stdDev', value: 12, unit: "[hnsf'U]" },
        { quantity: 'min', value: -10, unit: "[hnsf'U]" },
        { quantity: 'max', value: 80, unit: "[hnsf'U]" },
      ],
    });
    expect(savedMeasurementSchema.safeParse(s).success).toBe(true);
  });

  it('saves each tool\'s own value: length in mm, angle in degrees, a probe\'s pixel value, a rectangle\'s area', () => {
    const of = (tool: MeasurementTool, handles: ImagePoint[], stats: Parameters<typeof savedOfAnnotation>[0]['stats']) => savedOfAnnotation({ annotationUid: UUID, tool, image: IMAGE, handles, stats })?.values;
    expect(of('Length', [[1, 2], [3, 4]], { length: 12.5 })).toEqual([{ quantity: 'length', value: 12.5, unit: 'mm' }]);
    expect(of('Length', [[1, 2], [3, 4]], { length: 40, lengthUnit: 'px' })).toEqual([{ quantity: 'length', value: 40, unit: '{pixels}' }]);
    expect(of('Angle', [[1, 2], [3, 4], [5, 2]], { angle: 90 })).toEqual([{ quantity: 'angle', value: 90, unit: 'deg' }]);
    expect(of('Probe', [[7.5, 8.5]], { value: -1000, valueUnit: 'HU' })).toEqual([{ quantity: 'value', value: -1000, unit: "[hnsf'U]" }]);
    expect(of('Probe', [[7.5, 8.5]], { value: 3.2, valueUnit: 'SUV' })).toEqual([{ quantity: 'value', value: 3.2, unit: '{SUVbw}g/ml' }]);
    expect(of('RectangleROI', [[0, 0], [4, 0], [0, 3], [4, 3]], { area: 12, mean: 5 })).toEqual([
      { quantity: 'area', value: 12, unit: 'mm2' },
      { quantity: 'mean', value: 5, unit: '1' },
    ]);
  });

  it('leaves out statistics the tool has not computed (not drawn yet, or NaN off the image)', () => {
    const s = savedOfAnnotation({ annotationUid: UUID, tool: 'RectangleROI', image: IMAGE, handles: [[0, 0], [4, 0], [0, 3], [4, 3]], stats: { area: 12, areaUnit: 'mm²', mean: NaN, stdDev: Infinity, valueUnit: 'HU' } });
    expect(s?.values).toEqual([{ quantity: 'area', value: 12, unit: 'mm2' }]);
    const bare = savedOfAnnotation({ annotationUid: UUID, tool: 'Length', image: IMAGE, handles: [[1, 2], [3, 4]], stats: {} });
    expect(bare).toMatchObject({ points: [[1, 2], [3, 4]], values: [] });
  });

  it('refuses an annotation it cannot save: handles with NaN, too few handles, an id that is no UID', () => {
    const base = { annotationUid: UUID, tool: 'Length' as const, image: IMAGE, stats: { length: 1 } };
    expect(savedOfAnnotation({ ...base, handles: [[1, 2], [NaN, 4]] })).toBeUndefined();
    expect(savedOfAnnotation({ ...base, handles: [[1, 2]] })).toBeUndefined();
    expect(savedOfAnnotation({ ...base, annotationUid: 'not a uid', handles: [[1, 2], [3, 4]] })).toBeUndefined();
    expect(savedOfAnnotation({ ...base, annotationUid: '2.25.77', handles: [[1, 2], [3, 4]] })?.trackingUid).toBe('2.25.77');
  });

  it('gives what the save request accepts, for any annotation it saves (label trimmed to 64 characters)', () => {
    const stat = fc.option(fc.double(), { nil: undefined });
    const unit = fc.option(fc.constantFrom('mm', 'mm²', 'px', 'px²', 'HU', 'SUV', 'SUVbw', 'raw', 'MBq/mL', ''), { nil: undefined });
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.constantFrom(...MEASUREMENT_TOOLS),
        fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
        points(4),
        fc.record({ length: stat, angle: stat, mean: stat, stdDev: stat, min: stat, max: stat, area: stat, value: stat, lengthUnit: unit, areaUnit: unit, valueUnit: unit }),
        (uuid, tool, label, handles, stats) => {
          const s = savedOfAnnotation({ annotationUid: uuid, tool, ...(label !== undefined ? { label } : {}), image: IMAGE, handles, stats: Object.fromEntries(Object.entries(stats).filter(([, v]) => v !== undefined)) });
          expect(s).toBeDefined();
          const parsed = savedMeasurementSchema.safeParse(s);
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
          expect(s!.label).toBe(label?.trim() ? label.trim().slice(0, 64) : undefined);
          expect(s!.values.every((v) => Number.isFinite(v.value))).toBe(true);
        },
      ),
    );
  });
});
