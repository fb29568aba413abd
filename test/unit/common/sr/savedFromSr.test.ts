/**
 * TID 1500 SRs read back as the viewer's saved model (common/sr/savedFromSr.ts, issue #19): what Dokuei wrote
 * (electron/services/reports/measurementReportWriter.ts) comes back as it was saved, so reopening a study draws the
 * same measurements and does not save a new version; what OHIF wrote through dcmjs's Cornerstone3D adapter comes
 * back at its coordinates; what cannot be drawn is skipped with a reason; and whatever an SR holds, every
 * measurement returned is one the save request accepts (a bad one would make every later save fail).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { savedFromSr } from '../../../../common/sr/savedFromSr';
import { savedMeasurementSchema, type SavedMeasurement, type SavedValue } from '../../../../common/sr/savedMeasurements';
import { part10ToDicomJson } from '../../../../electron/services/dicom/datasetJson';
import { writeKeyObjectSelection } from '../../../../electron/services/reports/keyObjectWriter';
import { writeMeasurementReport, type MeasurementReportInput } from '../../../../electron/services/reports/measurementReportWriter';
import { narrativeSr } from '../../../support/reportFixtures';
import { cornerstone3dReport, cs3dAnnotation, CT_IMAGE, ENHANCED_CT_IMAGE, sopUid, STUDY_UID, viaPart10 } from './srFixtures';

const ROOT = '1.2.826.0.1.3680043.9.7777.1920';
const SERIES = `${ROOT}.2`;
const FRAME_OF_REFERENCE = `${ROOT}.3`;
const sop = (n: number) => `${ROOT}.4.${n}`;
const ctImage = (n: number) => ({ sopClassUid: CT_IMAGE, sopInstanceUid: sop(n), seriesInstanceUid: SERIES });

const HEADER: DicomJsonDataset = {
  '00080016': { vr: 'UI', Value: [CT_IMAGE] },
  '00080018': { vr: 'UI', Value: [sop(1)] },
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Test^Saved' }] },
  '00100020': { vr: 'LO', Value: ['SR-1920'] },
  '0020000D': { vr: 'UI', Value: [`${ROOT}.1`] },
  '0020000E': { vr: 'UI', Value: [SERIES] },
};

/** One measurement of every tool the viewer saves, each with the values its tool computes. */
const MEASUREMENTS: SavedMeasurement[] = [
  { trackingUid: '2.25.1001', tool: 'Length', label: 'nodule A', image: ctImage(1), points: [[10.25, 20.5], [30.5, 40.25]], values: [{ quantity: 'length', value: 12.345678901234567, unit: 'mm' }] },
  { trackingUid: '2.25.1002', tool: 'Angle', image: ctImage(1), points: [[10, 20], [30, 40], [50, 20]], values: [{ quantity: 'angle', value: 90, unit: 'deg' }] },
  {
    trackingUid: '2.25.1003',
    tool: 'EllipticalROI',
    label: 'liver',
    image: ctImage(2),
    points: [[50.1, 30.3], [50.1, 70.7], [40.2, 50.5], [60.4, 50.5]],
    values: [
      { quantity: 'area', value: 314.159, unit: 'mm2' },
      { quantity: 'mean', value: -40.5, unit: "[hnsf'U]" },
      { quantity: 'stdDev', value: 12.25, unit: "[hnsf'U]" },
      { quantity: 'min', value: -100, unit: "[hnsf'U]" },
      { quantity: 'max', value: 30, unit: "[hnsf'U]" },
    ],
  },
  {
    trackingUid: '2.25.1004',
    tool: 'RectangleROI',
    image: { ...ctImage(3), sopClassUid: ENHANCED_CT_IMAGE, frame: 7 },
    points: [[10, 10], [30.5, 10], [30.5, 25.25], [10, 25.25]],
    values: [{ quantity: 'area', value: 300, unit: 'mm2' }, { quantity: 'mean', value: 2.5, unit: "[hnsf'U]" }],
  },
  { trackingUid: '2.25.1005', tool: 'Probe', image: ctImage(1), points: [[7.5, 8.25]], values: [{ quantity: 'value', value: 42, unit: "[hnsf'U]" }] },
  {
    trackingUid: '2.25.1006',
    tool: 'SphereROI',
    frameOfReferenceUid: FRAME_OF_REFERENCE,
    points: [[-12.5, 30.25, 101.125], [-2.5, 34.25, 95.125]],
    values: [
      { quantity: 'volume', value: 4188.79, unit: 'mm3' },
      { quantity: 'suvMax', value: 7.5, unit: '{SUVbw}g/ml' },
      { quantity: 'suvMean', value: 3.25, unit: '{SUVbw}g/ml' },
      { quantity: 'suvPeak', value: 5.5, unit: '{SUVbw}g/ml' },
    ],
  },
  { trackingUid: '2.25.1007', tool: 'CurvedPath', label: 'aorta', frameOfReferenceUid: FRAME_OF_REFERENCE, points: [[1, 2, 3], [4, 6, 3], [5, 9, 10.5], [6, 12, 20]], values: [{ quantity: 'length', value: 27.75, unit: 'mm' }] },
];

const input = (measurements: readonly SavedMeasurement[] = MEASUREMENTS, over: Partial<MeasurementReportInput> = {}): MeasurementReportInput => ({
  header: HEADER,
  measurements,
  images: [
    { ...ctImage(1), frameOfReferenceUid: FRAME_OF_REFERENCE },
    { ...ctImage(2), frameOfReferenceUid: FRAME_OF_REFERENCE },
    { ...ctImage(3), sopClassUid: ENHANCED_CT_IMAGE, frameOfReferenceUid: FRAME_OF_REFERENCE },
  ],
  sopInstanceUid: `${ROOT}.9.1`,
  seriesInstanceUid: `${ROOT}.9`,
  instanceNumber: 1,
  seriesDescription: 'Dokuei measurements',
  now: new Date(2024, 2, 1, 14, 30, 5),
  ...over,
});
const written = (measurements?: readonly SavedMeasurement[]) => part10ToDicomJson(writeMeasurementReport(input(measurements))).dataset;

const byQuantity = (a: SavedValue, b: SavedValue) => a.quantity.localeCompare(b.quantity);

/** Graphic Data is FL: float32 precision. */
function expectPointsClose(actual: readonly (readonly number[])[], expected: readonly (readonly number[])[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((p, i) => {
    expect(p.length, what).toBe(expected[i]!.length);
    p.forEach((x, k) => expect(Math.abs(x - expected[i]![k]!), `${what} point ${i}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected[i]![k]!))));
  });
}

// ---------------------------------------------------------------------------------------------------------
// DICOM JSON surgery: the content items of a written SR

const CONTENT = '0040A730';
const items = (ds: DicomJsonDataset, tag = CONTENT): DicomJsonDataset[] => (ds[tag]?.Value ?? []) as DicomJsonDataset[];
const conceptOf = (item: DicomJsonDataset) => (items(item, '0040A043')[0]?.['00080100']?.Value?.[0] as string | undefined) ?? '';
const valueType = (item: DicomJsonDataset) => item['0040A040']?.Value?.[0] as string | undefined;

/** The Measurement Group containers (125007) of a report, in order. */
function groups(ds: DicomJsonDataset): DicomJsonDataset[] {
  const out: DicomJsonDataset[] = [];
  const walk = (node: DicomJsonDataset) => {
    for (const child of items(node)) {
      if (valueType(child) === 'CONTAINER' && conceptOf(child) === '125007') out.push(child);
      else walk(child);
    }
  };
  walk(ds);
  return out;
}

/** Removes, below `node`, every item for which `drop` says so. */
function removeItems(node: DicomJsonDataset, drop: (item: DicomJsonDataset) => boolean): void {
  const el = node[CONTENT];
  if (!el?.Value) return;
  el.Value = (el.Value as DicomJsonDataset[]).filter((c) => !drop(c));
  for (const c of el.Value as DicomJsonDataset[]) removeItems(c, drop);
}

/** Every element of the dataset, nested ones included: where it is, to change it. */
function elementsOf(ds: DicomJsonDataset): { holder: DicomJsonDataset; tag: string }[] {
  const out: { holder: DicomJsonDataset; tag: string }[] = [];
  const walk = (d: DicomJsonDataset) => {
    for (const [tag, el] of Object.entries(d)) {
      out.push({ holder: d, tag });
      if (el.vr === 'SQ') for (const v of el.Value ?? []) if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as DicomJsonDataset);
    }
  };
  walk(ds);
  return out;
}

// ---------------------------------------------------------------------------------------------------------

describe('savedFromSr: a report Dokuei wrote comes back as it was saved', () => {
  const back = savedFromSr(written());

  it('gives every measurement, none skipped, with its tracking UID, tool and label', () => {
    expect(back.skipped).toEqual([]);
    expect(back.measurements.map((m) => [m.trackingUid, m.tool, m.label])).toEqual(MEASUREMENTS.map((m) => [m.trackingUid, m.tool, m.label]));
  });

  it('puts each 2D measurement on its image and frame, and each 3D one in its frame of reference', () => {
    back.measurements.forEach((m, i) => {
      const want = MEASUREMENTS[i]!;
      if (want.image) {
        expect(m.image, want.tool).toMatchObject({ sopInstanceUid: want.image.sopInstanceUid, sopClassUid: want.image.sopClassUid });
        expect(m.image!.frame, want.tool).toBe(want.image.frame);
        expect(m.frameOfReferenceUid).toBeUndefined();
      } else {
        expect(m.image, want.tool).toBeUndefined();
        expect(m.frameOfReferenceUid, want.tool).toBe(FRAME_OF_REFERENCE);
      }
    });
  });

  it('gives the points as saved, in the saved order (a rectangle\'s 4 corners, a sphere\'s centre and surface point)', () => {
    back.measurements.forEach((m, i) => expectPointsClose(m.points, MEASUREMENTS[i]!.points, m.tool));
  });

  it('gives the values with their UCUM units, SUV statistics included', () => {
    back.measurements.forEach((m, i) => expect([...m.values].sort(byQuantity), m.tool).toEqual([...MEASUREMENTS[i]!.values].sort(byQuantity)));
  });

  it('gives what the save request accepts, so the next version can be saved with them', () => {
    for (const m of back.measurements) expect(savedMeasurementSchema.safeParse(m).success, m.tool).toBe(true);
  });

  it('saved again from what it read, gives the same again (no drift from version to version)', () => {
    const again = savedFromSr(written(back.measurements));
    expect(again.skipped).toEqual([]);
    again.measurements.forEach((m, i) => {
      expect({ ...m, points: [] }).toEqual({ ...back.measurements[i]!, points: [] });
      expectPointsClose(m.points, back.measurements[i]!.points, m.tool);
    });
  });

  it('keeps a measurement without values (its image not drawn yet) with its geometry', () => {
    const bare: SavedMeasurement[] = [
      { trackingUid: '2.25.2001', tool: 'Length', image: ctImage(1), points: [[1, 2], [3, 4]], values: [] },
      { trackingUid: '2.25.2002', tool: 'Probe', image: ctImage(2), points: [[5.5, 6.5]], values: [] },
    ];
    const r = savedFromSr(written(bare));
    expect(r.skipped).toEqual([]);
    expect(r.measurements.map((m) => [m.trackingUid, m.tool, m.points, m.values])).toEqual(bare.map((m) => [m.trackingUid, m.tool, m.points, []]));
  });
});

describe('savedFromSr: a report OHIF wrote through dcmjs\'s Cornerstone3D adapter', () => {
  const ct = { imageId: 'wadors:ct/1', sopInstanceUid: sopUid(1) };
  const enhanced = { imageId: 'wadors:ect/3', sopInstanceUid: sopUid(2), sopClassUid: ENHANCED_CT_IMAGE, frame: 3 };
  const ds = viaPart10(
    cornerstone3dReport([ct, enhanced], {
      [ct.imageId]: {
        Length: { data: [cs3dAnnotation(ct.imageId, [[10.25, 20.5, 0], [40.75, 60, 0]], { length: 50.5 })] },
        Probe: { data: [cs3dAnnotation(ct.imageId, [[7.5, 8.25, 0]])] },
      },
      [enhanced.imageId]: {
        EllipticalROI: { data: [cs3dAnnotation(enhanced.imageId, [[50, 30, 0], [50, 70, 0], [40, 50, 0], [60, 50, 0]], { area: 314.25, mean: 42.5, stdDev: 7.25, max: 80, min: -3 })] },
      },
    }),
  );
  const back = savedFromSr(ds);

  it('gives the Length, Probe and EllipticalROI at the written coordinates, on their images', () => {
    expect(back.skipped).toEqual([]);
    expect(back.measurements.map((m) => m.tool)).toEqual(['Length', 'Probe', 'EllipticalROI']);
    const [length, probe, ellipse] = back.measurements;
    expect(length).toMatchObject({ points: [[10.25, 20.5], [40.75, 60]], image: { sopInstanceUid: sopUid(1), sopClassUid: CT_IMAGE } });
    expect(length!.image!.frame).toBeUndefined();
    expect(probe).toMatchObject({ points: [[7.5, 8.25]], image: { sopInstanceUid: sopUid(1) } });
    expect(ellipse).toMatchObject({ points: [[50, 30], [50, 70], [40, 50], [60, 50]], image: { sopInstanceUid: sopUid(2), sopClassUid: ENHANCED_CT_IMAGE, frame: 3 } });
  });

  it('keeps the adapter\'s tracking UIDs (each its own) and the values it wrote', () => {
    for (const m of back.measurements) expect(m.trackingUid).toMatch(/^2\.25\.[1-9][0-9]*$/);
    expect(new Set(back.measurements.map((m) => m.trackingUid)).size).toBe(3);
    expect(back.measurements[0]!.values).toEqual([{ quantity: 'length', value: 50.5, unit: 'mm' }]);
    // dcmjs 0.52 writes the statistics without units (UCUM "1").
    const statistics: SavedValue[] = [
      { quantity: 'area', value: 314.25, unit: '1' },
      { quantity: 'mean', value: 42.5, unit: '1' },
      { quantity: 'stdDev', value: 7.25, unit: '1' },
      { quantity: 'max', value: 80, unit: '1' },
      { quantity: 'min', value: -3, unit: '1' },
    ];
    expect([...back.measurements[2]!.values].sort(byQuantity)).toEqual(statistics.sort(byQuantity));
  });

  it('does not take the adapter\'s placeholder "Center" of a probe (always 0) for the probed value', () => {
    expect(back.measurements[1]!.values.filter((v) => v.quantity === 'value' && v.value === 0 && v.unit === '1')).toEqual([]);
  });
});

describe('savedFromSr: what cannot be drawn is skipped with a reason, never thrown', () => {
  it('skips a measurement without a tracking UID', () => {
    const ds = written(MEASUREMENTS.slice(0, 2));
    removeItems(groups(ds)[0]!, (item) => conceptOf(item) === '112040');
    const r = savedFromSr(ds);
    expect(r.measurements.map((m) => m.trackingUid)).toEqual(['2.25.1002']);
    expect(r.skipped).toEqual([{ reason: expect.stringMatching(/tracking UID/) }]);
  });

  it('skips a measurement whose tracking UID the save request would refuse, naming it', () => {
    for (const bad of ['1..2', '1.2.', '.1.2', `2.25.${'9'.repeat(70)}`]) {
      const ds = written(MEASUREMENTS.slice(0, 2));
      const uidItem = items(groups(ds)[0]!).find((item) => conceptOf(item) === '112040')!;
      uidItem['0040A124'] = { vr: 'UI', Value: [bad] };
      const r = savedFromSr(ds);
      expect(r.measurements.map((m) => m.trackingUid), bad).toEqual(['2.25.1002']);
      expect(r.skipped, bad).toHaveLength(1);
      expect(r.skipped[0]!.reason, bad).toEqual(expect.any(String));
      for (const m of r.measurements) expect(savedMeasurementSchema.safeParse(m).success).toBe(true);
    }
  });

  it('skips a measurement on an image whose UID the save request would refuse', () => {
    const ds = written(MEASUREMENTS.slice(0, 1));
    const walk = (d: DicomJsonDataset) => {
      for (const el of Object.values(d)) if (el.vr === 'SQ') for (const v of (el.Value ?? []) as DicomJsonDataset[]) walk(v);
      if (d['00081155']) d['00081155'] = { vr: 'UI', Value: ['not-a-uid'] };
    };
    walk(ds);
    const r = savedFromSr(ds);
    expect(r.measurements).toEqual([]);
    expect(r.skipped).toEqual([{ trackingUid: '2.25.1001', reason: expect.any(String) }]);
  });

  it('skips a 2D measurement without the image it is drawn on', () => {
    const ds = written(MEASUREMENTS.slice(0, 2));
    // The SCOORD's SELECTED FROM image, and the image library's, are gone.
    removeItems(ds, (item) => valueType(item) === 'IMAGE');
    const r = savedFromSr(ds);
    expect(r.measurements).toEqual([]);
    expect(r.skipped).toEqual([
      { trackingUid: '2.25.1001', reason: expect.any(String) },
      { trackingUid: '2.25.1002', reason: expect.any(String) },
    ]);
  });

  it('gives nothing for an SR that is not a TID 1500 report, a key object selection, or no SR at all', () => {
    const study = { StudyInstanceUID: STUDY_UID, PatientName: 'Test^SR', PatientID: 'SR-19' };
    const ref = { studyInstanceUid: STUDY_UID, seriesInstanceUid: SERIES, sopClassUid: CT_IMAGE, sopInstanceUid: sop(1) };
    const narrative = part10ToDicomJson(narrativeSr(study, { series: `${ROOT}.7`, sop: `${ROOT}.7.1` }, ref)).dataset;
    expect(savedFromSr(narrative)).toEqual({ measurements: [], skipped: [] });
    const ko = part10ToDicomJson(writeKeyObjectSelection({ header: HEADER, title: 'ofInterest', images: [ctImage(1)], sopInstanceUid: `${ROOT}.8.1`, seriesInstanceUid: `${ROOT}.8`, instanceNumber: 1 })).dataset;
    expect(savedFromSr(ko)).toEqual({ measurements: [], skipped: [] });
    expect(savedFromSr({})).toEqual({ measurements: [], skipped: [] });
    expect(savedFromSr(HEADER)).toEqual({ measurements: [], skipped: [] });
  });

  it('whatever an element of the SR is changed to, never throws and gives only measurements the save request accepts', () => {
    const source = written();
    const count = elementsOf(source).length;
    const junk = fc.oneof(
      fc.constant(undefined),
      fc.constant([]),
      fc.array(fc.oneof(fc.string({ maxLength: 80 }), fc.double(), fc.integer(), fc.constant(null), fc.constantFrom('1..2', '1.2.', '-1', '0', '1e400', 'NaN', ' ', 'ELLIPSE', 'POLYLINE', '2.25.1')), { maxLength: 5 }),
      fc.array(fc.double(), { minLength: 1, maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: count - 1 }), junk), { minLength: 1, maxLength: 6 }), (changes) => {
        const ds = structuredClone(source);
        const all = elementsOf(ds);
        for (const [at, value] of changes) {
          const { holder, tag } = all[at]!;
          if (value === undefined) delete holder[tag];
          else holder[tag] = { ...holder[tag]!, Value: value as never };
        }
        const r = savedFromSr(ds);
        for (const m of r.measurements) {
          const parsed = savedMeasurementSchema.safeParse(m);
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        }
        for (const s of r.skipped) expect(s.reason).toEqual(expect.any(String));
      }),
      { numRuns: 300 },
    );
  });
});
