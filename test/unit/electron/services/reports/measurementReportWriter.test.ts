/**
 * The TID 1500 measurement report writer (electron/services/reports/measurementReportWriter.ts, issue #19): every
 * tool the viewer saves, written and read back by our reader (part10ToDicomJson + common/sr) to the same tracking
 * UIDs, tools, points, values and units; read by dcmjs's own Cornerstone3D adapter to the same Length, EllipticalROI
 * and Probe; a Japanese patient name (ISO 2022 IR 87 in the source) kept; predecessors in (0040,A360).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { getString, type DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import { ellipsoidAsSphere, readMeasurementReport, readSrContentTree, type SrMeasurement, type SrMeasuredValue } from '../../../../../common/sr';
import type { SavedMeasurement, SavedQuantity, SavedValue } from '../../../../../common/sr/savedMeasurements';
import { part10ToDicomJson } from '../../../../../electron/services/dicom/datasetJson';
import {
  COMPREHENSIVE_3D_SR_SOP_CLASS,
  ReportWriteError,
  sphereEllipsoidPoints,
  writeMeasurementReport,
  type MeasurementReportInput,
} from '../../../../../electron/services/reports/measurementReportWriter';
import { repoRoot } from '../../../../support/data';
import { dcm } from '../../../common/sr/srFixtures';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const ENHANCED_CT = '1.2.840.10008.5.1.4.1.1.2.1';
const ROOT = '1.2.826.0.1.3680043.9.7777.1919';
const STUDY = `${ROOT}.1`;
const SERIES = `${ROOT}.2`;
const FRAME_OF_REFERENCE = `${ROOT}.3`;
const sop = (n: number) => `${ROOT}.4.${n}`;
const ctImage = (n: number) => ({ sopClassUid: CT, sopInstanceUid: sop(n), seriesInstanceUid: SERIES });

const HEADER: DicomJsonDataset = {
  '00080016': { vr: 'UI', Value: [CT] },
  '00080018': { vr: 'UI', Value: [sop(1)] },
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Test^Measurements' }] },
  '00100020': { vr: 'LO', Value: ['SR-1919'] },
  '00100030': { vr: 'DA', Value: ['19700101'] },
  '00100040': { vr: 'CS', Value: ['F'] },
  '0020000D': { vr: 'UI', Value: [STUDY] },
  '0020000E': { vr: 'UI', Value: [SERIES] },
  '00080020': { vr: 'DA', Value: ['20240301'] },
  '00080030': { vr: 'TM', Value: ['101500'] },
  '00200010': { vr: 'SH', Value: ['S1'] },
  '00080050': { vr: 'SH', Value: ['ACC-1'] },
};

const MEASUREMENTS: SavedMeasurement[] = [
  // 12.345678901234567 needs more than a DS's 16 characters: the Floating Point Value keeps it.
  { trackingUid: '2.25.101', tool: 'Length', label: 'nodule A', image: ctImage(1), points: [[10.25, 20.5], [30.5, 40.25]], values: [{ quantity: 'length', value: 12.345678901234567, unit: 'mm' }] },
  { trackingUid: '2.25.102', tool: 'Angle', image: ctImage(1), points: [[10, 20], [30, 40], [50, 20]], values: [{ quantity: 'angle', value: 90, unit: 'deg' }] },
  {
    trackingUid: '2.25.103',
    tool: 'EllipticalROI',
    image: ctImage(2),
    // Major axis vertical (along the columns), as cornerstone's top/bottom/left/right handles give it.
    points: [[50, 30], [50, 70], [40, 50], [60, 50]],
    values: [
      { quantity: 'mean', value: -40.5, unit: "[hnsf'U]" },
      { quantity: 'area', value: 314.159, unit: 'mm2' },
      { quantity: 'stdDev', value: 12.25, unit: "[hnsf'U]" },
      { quantity: 'min', value: -100, unit: "[hnsf'U]" },
      { quantity: 'max', value: 30, unit: "[hnsf'U]" },
    ],
  },
  { trackingUid: '2.25.104', tool: 'RectangleROI', image: { ...ctImage(3), sopClassUid: ENHANCED_CT, frame: 7 }, points: [[10, 10], [30, 10], [30, 25], [10, 25]], values: [{ quantity: 'area', value: 300, unit: 'mm2' }, { quantity: 'mean', value: 2.5, unit: '1' }] },
  { trackingUid: '2.25.105', tool: 'Probe', image: ctImage(1), points: [[7.5, 8.25]], values: [{ quantity: 'value', value: 42, unit: "[hnsf'U]" }] },
  {
    trackingUid: '2.25.106',
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
  { trackingUid: '2.25.107', tool: 'CurvedPath', frameOfReferenceUid: FRAME_OF_REFERENCE, points: [[1, 2, 3], [4, 6, 3], [5, 9, 10.5], [6, 12, 20]], values: [{ quantity: 'length', value: 27.75, unit: 'mm' }] },
  {
    trackingUid: '2.25.108',
    tool: 'EllipseROI3D',
    frameOfReferenceUid: FRAME_OF_REFERENCE,
    // An axial ellipse of the PET/CT layout: semi-axes 8 mm (y) and 5 mm (x), the longer first.
    points: [[10, -28, 101.5], [10, -12, 101.5], [5, -20, 101.5], [15, -20, 101.5]],
    values: [
      { quantity: 'suvMax', value: 4.25, unit: '{SUVbw}g/ml' },
      { quantity: 'suvMean', value: 2.5, unit: '{SUVbw}g/ml' },
      { quantity: 'area', value: 125.66, unit: 'mm2' },
    ],
  },
];

const NOW = new Date(2024, 2, 1, 14, 30, 5);
const input = (over: Partial<MeasurementReportInput> = {}): MeasurementReportInput => ({
  header: HEADER,
  measurements: MEASUREMENTS,
  images: [
    { ...ctImage(1), frameOfReferenceUid: FRAME_OF_REFERENCE },
    { ...ctImage(2), frameOfReferenceUid: FRAME_OF_REFERENCE },
    { ...ctImage(3), sopClassUid: ENHANCED_CT, frameOfReferenceUid: FRAME_OF_REFERENCE },
  ],
  sopInstanceUid: `${ROOT}.9.1`,
  seriesInstanceUid: `${ROOT}.9`,
  instanceNumber: 3,
  seriesDescription: 'Dokuei measurements',
  observerName: 'Yamada^Hanako',
  now: NOW,
  ...over,
});

const TOOLS = ['Length', 'Angle', 'EllipticalROI', 'RectangleROI', 'Probe'];
/** The SR's quantities as the saved model names them (SUV statistics by their unit), as savedFromSr.ts maps them. */
function savedQuantity(v: SrMeasuredValue): SavedQuantity | undefined {
  const suv = /SUV/.test(v.unit?.value ?? '');
  const map: Partial<Record<SrMeasuredValue['quantity'], SavedQuantity>> = suv ? { max: 'suvMax', mean: 'suvMean', peak: 'suvPeak', value: 'value' } : { length: 'length', angle: 'angle', area: 'area', volume: 'volume', mean: 'mean', max: 'max', min: 'min', stdDev: 'stdDev', value: 'value' };
  return map[v.quantity];
}
const valuesOf = (m: SrMeasurement): SavedValue[] =>
  m.values.filter((v) => v.value !== undefined && v.quantity !== 'center').map((v) => ({ quantity: savedQuantity(v)!, value: v.value!, unit: v.unit!.value }));
const byQuantity = (a: SavedValue, b: SavedValue) => a.quantity.localeCompare(b.quantity);

function expectPointsClose(actual: readonly (readonly number[])[], expected: readonly (readonly number[])[]): void {
  expect(actual.length).toBe(expected.length);
  // Graphic Data is FL: float32 precision.
  actual.forEach((p, i) => p.forEach((x, k) => expect(x).toBeCloseTo(expected[i]![k]!, 4)));
}

const bytes = writeMeasurementReport(input());
const json = part10ToDicomJson(bytes).dataset;
const doc = readSrContentTree(json);
const report = readMeasurementReport(doc);
if (report.kind !== 'measurement-report') throw new Error(report.reason);

describe('writeMeasurementReport: the document', () => {
  it('is a Comprehensive 3D SR of a TID 1500 report, in the header\'s study, unverified and complete', () => {
    expect(getString(json, '00080016')).toBe(COMPREHENSIVE_3D_SR_SOP_CLASS);
    expect(getString(json, '00080060')).toBe('SR');
    expect(getString(json, '0020000D')).toBe(STUDY);
    expect(getString(json, '0020000E')).toBe(`${ROOT}.9`);
    expect(getString(json, '00200013')).toBe('3');
    expect(getString(json, '0008103E')).toBe('Dokuei measurements');
    expect(getString(json, '00100020')).toBe('SR-1919');
    expect(json['00100010']!.Value).toEqual([{ Alphabetic: 'Test^Measurements' }]);
    expect(getString(json, '00080023')).toBe('20240301');
    expect(getString(json, '00080033')).toBe('143005');
    // Only ASCII: the default repertoire.
    expect(json['00080005']).toBeUndefined();
    expect(doc).toMatchObject({ title: { value: '126000', scheme: 'DCM' }, completion: 'COMPLETE', verification: 'UNVERIFIED', root: { kind: 'container', template: { id: '1500', mappingResource: 'DCMR' } } });
    expect(doc.invalidCount).toBe(0);
    expect(json['00081111']).toEqual({ vr: 'SQ' }); // Referenced Performed Procedure Step Sequence, empty
    expect(json['0040A372']).toEqual({ vr: 'SQ' }); // Performed Procedure Code Sequence, empty
  });

  it('names the observer, the procedure and the image library; the evidence lists every image by study and series', () => {
    expect(report.observers).toEqual(['Yamada Hanako']);
    expect(report.procedures).toEqual([expect.objectContaining({ value: '363679005', scheme: 'SCT' })]);
    expect(report.imageLibrary.map((i) => [i.sopClassUid, i.sopInstanceUid])).toEqual([[CT, sop(1)], [CT, sop(2)], [ENHANCED_CT, sop(3)]]);
    const evidence = json['0040A375']!.Value as DicomJsonDataset[];
    expect(evidence).toHaveLength(1);
    expect(getString(evidence[0]!, '0020000D')).toBe(STUDY);
    const series = evidence[0]!['00081115']!.Value as DicomJsonDataset[];
    expect(series.map((s) => getString(s, '0020000E'))).toEqual([SERIES]);
    const sops = series[0]!['00081199']!.Value as DicomJsonDataset[];
    expect(sops.map((s) => [getString(s, '00081150'), getString(s, '00081155')])).toEqual([[CT, sop(1)], [CT, sop(2)], [ENHANCED_CT, sop(3)]]);
    expect(json['0040A360']).toBeUndefined();
  });
});

describe('writeMeasurementReport: read back by common/sr', () => {
  it('gives one measurement per saved one, with its tracking UID, tool and label', () => {
    expect(report.measurements.map((m) => m.trackingUid)).toEqual(MEASUREMENTS.map((m) => m.trackingUid));
    expect(report.measurements.map((m) => m.toolHint)).toEqual(MEASUREMENTS.map((m) => m.tool));
    expect(report.measurements.map((m) => m.trackingIdentifier)).toEqual(MEASUREMENTS.map((m) => `${TOOLS.includes(m.tool) ? 'Cornerstone3DTools@^0.1.0' : 'Dokuei@1'}:${m.tool}`));
    expect(report.measurements[0]!).toMatchObject({ label: 'nodule A', finding: { value: 'CS3DTEXT', scheme: '99dcmjs', meaning: 'nodule A' } });
    expect(report.measurements.slice(1).every((m) => m.label === undefined)).toBe(true);
    for (const m of report.measurements) expect(m.warnings).toEqual([]);
  });

  it('gives the same values and UCUM units', () => {
    report.measurements.forEach((m, i) => {
      expect(valuesOf(m).sort(byQuantity), MEASUREMENTS[i]!.tool).toEqual([...MEASUREMENTS[i]!.values].sort(byQuantity));
      for (const v of m.values) expect(v.unit?.scheme).toBe('UCUM');
    });
    // More precise than a DS: the exact double from Floating Point Value, the DS as written beside it.
    expect(report.measurements[0]!.values[0]).toMatchObject({ value: 12.345678901234567, valueText: '12.3456789012346' });
  });

  it('draws the 2D tools on their images with their points and shapes', () => {
    const [length, angle, ellipse, rectangle, probe] = report.measurements;
    expect(length).toMatchObject({ shape: 'length', image: { sopInstanceUid: sop(1), sopClassUid: CT }, graphics: [{ graphicType: 'POLYLINE', dimension: 2 }] });
    expectPointsClose(length!.graphics[0]!.points, MEASUREMENTS[0]!.points);
    expect(angle).toMatchObject({ shape: 'angle', graphics: [{ graphicType: 'POLYLINE' }] });
    expectPointsClose(angle!.graphics[0]!.points, MEASUREMENTS[1]!.points);
    expect(ellipse).toMatchObject({ shape: 'ellipse', image: { sopInstanceUid: sop(2) }, graphics: [{ graphicType: 'ELLIPSE' }] });
    expectPointsClose(ellipse!.graphics[0]!.points, MEASUREMENTS[2]!.points);
    // Every value of the ellipse is of its one region.
    expect(ellipse!.values.every((v) => v.graphics.length === 1 && v.graphics[0] === 0)).toBe(true);
    expect(rectangle).toMatchObject({ shape: 'rectangle', image: { sopInstanceUid: sop(3), sopClassUid: ENHANCED_CT, frames: [7] }, graphics: [{ graphicType: 'POLYLINE', closed: true }] });
    expectPointsClose(rectangle!.graphics[0]!.points, [...MEASUREMENTS[3]!.points, MEASUREMENTS[3]!.points[0]!]);
    expect(probe).toMatchObject({ shape: 'point', graphics: [{ graphicType: 'POINT', points: [[7.5, 8.25]] }] });
    // dcmjs's way: a Center NUM of 0 carries the point; the probed value follows.
    expect(probe!.values.map((v) => [v.quantity, v.value])).toEqual([['center', 0], ['value', 42]]);
  });

  it('places the 3D tools in their frame of reference: the sphere as an ELLIPSOID, the path as a POLYLINE', () => {
    const sphere = report.measurements[5]!;
    expect(sphere).toMatchObject({ shape: 'ellipsoid', frameOfReferenceUid: FRAME_OF_REFERENCE, graphics: [{ dimension: 3, graphicType: 'ELLIPSOID' }] });
    const back = ellipsoidAsSphere(sphere.graphics[0]!.points);
    expect(back).toBeDefined();
    expectPointsClose([back!.centre, back!.surface], MEASUREMENTS[5]!.points);
    // SUV statistics: the SUVbw concept with a Derivation modifier.
    expect(sphere.values.find((v) => v.quantity === 'peak')).toMatchObject({ concept: { value: '126401', scheme: 'DCM' }, derivation: { value: '126031', scheme: 'DCM' }, unit: { value: '{SUVbw}g/ml' } });
    const path3d = report.measurements[6]!;
    expect(path3d).toMatchObject({ frameOfReferenceUid: FRAME_OF_REFERENCE, graphics: [{ dimension: 3, graphicType: 'POLYLINE' }] });
    expectPointsClose(path3d.graphics[0]!.points, MEASUREMENTS[6]!.points);
  });

  it('places the PET/CT ellipse in its frame of reference as an ELLIPSE, the longer axis first whatever the order given', () => {
    const ellipse = report.measurements[7]!;
    expect(ellipse).toMatchObject({ shape: 'ellipse', toolHint: 'EllipseROI3D', frameOfReferenceUid: FRAME_OF_REFERENCE, graphics: [{ dimension: 3, graphicType: 'ELLIPSE' }] });
    expectPointsClose(ellipse.graphics[0]!.points, MEASUREMENTS[7]!.points);
    // Its first NUM is the area and carries the region.
    expect(ellipse.values[0]).toMatchObject({ quantity: 'area', value: 125.66 });
    const [a0, a1, b0, b1] = MEASUREMENTS[7]!.points;
    const minorFirst = { ...MEASUREMENTS[7]!, points: [b0!, b1!, a0!, a1!] };
    const again = readMeasurementReport(readSrContentTree(part10ToDicomJson(writeMeasurementReport(input({ measurements: [minorFirst] }))).dataset));
    if (again.kind !== 'measurement-report') throw new Error(again.reason);
    expectPointsClose(again.measurements[0]!.graphics[0]!.points, MEASUREMENTS[7]!.points);
  });

  it('keeps the geometry of a measurement without values, under a NUM that says it was not measured', () => {
    const bare: SavedMeasurement[] = [
      { trackingUid: '2.25.201', tool: 'Length', image: ctImage(1), points: [[1, 2], [3, 4]], values: [] },
      { trackingUid: '2.25.202', tool: 'SphereROI', frameOfReferenceUid: FRAME_OF_REFERENCE, points: [[0, 0, 0], [0, 0, 5]], values: [] },
      // A value but not the tool's own: the area NUM still comes first, with the region.
      { trackingUid: '2.25.203', tool: 'EllipticalROI', image: ctImage(2), points: [[50, 30], [50, 70], [40, 50], [60, 50]], values: [{ quantity: 'mean', value: 3, unit: "[hnsf'U]" }] },
    ];
    const r = readMeasurementReport(readSrContentTree(part10ToDicomJson(writeMeasurementReport(input({ measurements: bare }))).dataset));
    if (r.kind !== 'measurement-report') throw new Error(r.reason);
    const [length, sphere, ellipse] = r.measurements;
    expect(length).toMatchObject({ shape: 'length', warnings: [], values: [{ quantity: 'length', qualifier: { value: '114007', scheme: 'DCM' }, graphics: [0] }] });
    expect(length!.values[0]!.value).toBeUndefined();
    expect(valuesOf(length!)).toEqual([]);
    expectPointsClose(length!.graphics[0]!.points, bare[0]!.points);
    expect(sphere).toMatchObject({ shape: 'ellipsoid', values: [{ quantity: 'volume', qualifier: { value: '114007' } }] });
    expect(ellipse!.values.map((v) => [v.quantity, v.value])).toEqual([['area', undefined], ['mean', 3]]);
  });

  it('writes an empty report (every measurement deleted) that is still a TID 1500 report', () => {
    const r = readMeasurementReport(readSrContentTree(part10ToDicomJson(writeMeasurementReport(input({ measurements: [], images: [] }))).dataset));
    expect(r).toMatchObject({ kind: 'measurement-report', measurements: [], imageLibrary: [] });
  });
});

describe('writeMeasurementReport: read by dcmjs\'s Cornerstone3D adapter (MeasurementReport.generateToolState)', () => {
  interface Annotation {
    description?: string;
    finding?: Record<string, unknown>[];
    annotation: { metadata: { label?: string; referencedImageId: string }; data: { handles: { points: number[][] }; cachedStats?: Record<string, { length?: number; area?: number }> } };
  }
  it('gives the same Length, EllipticalROI and Probe, and skips what it has no adapter for', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const naturalized = dcm.data.DicomMetaDictionary.naturalizeDataset(json);
      const ids: Record<string, string> = { [sop(1)]: 'ct:1', [sop(2)]: 'ct:2', [sop(3)]: 'ct:3' };
      // Image coordinates as world coordinates (z = 0), the columns along y: what the adapter's ellipse test needs.
      const metadata = { get: (type: string) => (type === 'imagePlaneModule' ? { frameOfReferenceUID: FRAME_OF_REFERENCE, columnCosines: [0, 1, 0] } : undefined) };
      const state = dcm.adapters.Cornerstone3D.MeasurementReport.generateToolState(naturalized, ids, (_id, p) => [p[0]!, p[1]!, 0], metadata) as unknown as Record<string, Annotation[]>;
      const ours = (i: number) => report.measurements[i]!.graphics[0]!.points.map((p) => [p[0], p[1], 0]);

      expect(state.Length).toHaveLength(1);
      const length = state.Length![0]!.annotation;
      expect(length.data.handles.points).toEqual(ours(0));
      expect(length.data.cachedStats!['imageId:ct:1']!.length).toBeCloseTo(MEASUREMENTS[0]!.values[0]!.value, 12);
      expect(length.metadata.referencedImageId).toBe('ct:1');
      // The label is the finding's meaning (dcmjs 0.52 compares the code with an undefined constant, so its
      // metadata.label stays empty; the description holds it).
      expect(state.Length![0]!.description).toBe('nodule A');
      expect(state.Length![0]!.finding).toMatchObject([{ CodeValue: 'CS3DTEXT', CodingSchemeDesignator: '99dcmjs', CodeMeaning: 'nodule A' }]);

      expect(state.EllipticalROI).toHaveLength(1);
      const ellipse = state.EllipticalROI![0]!.annotation;
      expect(ellipse.data.handles.points).toEqual(ours(2));
      expect(ellipse.data.cachedStats!['imageId:ct:2']!.area).toBe(314.159);

      expect(state.Probe).toHaveLength(1);
      expect(state.Probe![0]!.annotation.data.handles.points).toEqual(ours(4));
      expect(state.Probe![0]!.annotation.metadata.referencedImageId).toBe('ct:1');
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
  });
});

describe('writeMeasurementReport: character sets, predecessors, refusals', () => {
  it('keeps a Japanese patient name read from ISO 2022 IR 87, writing UTF-8 (ISO_IR 192)', () => {
    // PS3.5 H.3.1's fixture: Yamada^Tarou=山田^太郎=やまだ^たろう in \ISO 2022 IR 87.
    const header = part10ToDicomJson(new Uint8Array(readFileSync(path.join(repoRoot, 'test/fixtures/charsets/chrH31.dcm')))).dataset;
    const image = { sopClassUid: getString(header, '00080016')!, sopInstanceUid: getString(header, '00080018')!, seriesInstanceUid: getString(header, '0020000E')! };
    const m: SavedMeasurement = { trackingUid: '2.25.301', tool: 'Probe', label: '結節 A', image, points: [[1.5, 2.5]], values: [] };
    const back = part10ToDicomJson(writeMeasurementReport(input({ header, measurements: [m], images: [], observerName: 'Yamada^Hanako=山田^花子' }))).dataset;
    expect(back['00080005']!.Value).toEqual(['ISO_IR 192']);
    expect(back['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }] });
    expect(getString(back, '0020000D')).toBe(getString(header, '0020000D'));
    const r = readMeasurementReport(readSrContentTree(back));
    if (r.kind !== 'measurement-report') throw new Error(r.reason);
    expect(r.measurements[0]!.label).toBe('結節 A');
    expect(r.observers).toEqual(['Yamada Hanako (山田 花子)']);
  });

  it('names its predecessors in the Predecessor Documents Sequence (0040,A360), by study and series', () => {
    const predecessors = [
      { studyInstanceUid: STUDY, seriesInstanceUid: `${ROOT}.9`, sopClassUid: COMPREHENSIVE_3D_SR_SOP_CLASS, sopInstanceUid: `${ROOT}.9.0` },
      { studyInstanceUid: STUDY, seriesInstanceUid: `${ROOT}.8`, sopClassUid: '1.2.840.10008.5.1.4.1.1.88.22', sopInstanceUid: `${ROOT}.8.1` },
      { studyInstanceUid: STUDY, seriesInstanceUid: `${ROOT}.9`, sopClassUid: COMPREHENSIVE_3D_SR_SOP_CLASS, sopInstanceUid: `${ROOT}.9.2` },
    ];
    const back = part10ToDicomJson(writeMeasurementReport(input({ predecessors }))).dataset;
    const studies = back['0040A360']!.Value as DicomJsonDataset[];
    expect(studies.map((s) => getString(s, '0020000D'))).toEqual([STUDY]);
    const series = studies[0]!['00081115']!.Value as DicomJsonDataset[];
    const listed = series.map((s) => [getString(s, '0020000E'), (s['00081199']!.Value as DicomJsonDataset[]).map((i) => [getString(i, '00081150'), getString(i, '00081155')])]);
    expect(listed).toEqual([
      [`${ROOT}.9`, [[COMPREHENSIVE_3D_SR_SOP_CLASS, `${ROOT}.9.0`], [COMPREHENSIVE_3D_SR_SOP_CLASS, `${ROOT}.9.2`]]],
      [`${ROOT}.8`, [['1.2.840.10008.5.1.4.1.1.88.22', `${ROOT}.8.1`]]],
    ]);
  });

  it('takes an image\'s SOP class and series from `images` when the measurement lacks them', () => {
    const m: SavedMeasurement = { trackingUid: '2.25.401', tool: 'Length', image: { sopInstanceUid: sop(2) }, points: [[1, 2], [3, 4]], values: [] };
    const r = readMeasurementReport(readSrContentTree(part10ToDicomJson(writeMeasurementReport(input({ measurements: [m] }))).dataset));
    expect(r).toMatchObject({ measurements: [{ image: { sopInstanceUid: sop(2), sopClassUid: CT } }] });
  });

  it('refuses what it cannot write as a valid report', () => {
    const length = MEASUREMENTS[0]!;
    const refuse = (measurements: SavedMeasurement[], over: Partial<MeasurementReportInput> = {}) => expect(() => writeMeasurementReport(input({ measurements, ...over }))).toThrow(ReportWriteError);
    refuse([{ ...length, image: undefined }]);
    refuse([{ ...length, points: [[1, 2]] }]);
    refuse([{ ...length, points: [[1, 2, 3], [4, 5, 6]] }]);
    refuse([{ ...length, image: { sopInstanceUid: `${ROOT}.77` } }], { images: [] });
    refuse([{ ...MEASUREMENTS[6]!, frameOfReferenceUid: undefined }]);
    refuse([{ ...MEASUREMENTS[5]!, points: [[1, 2, 3], [1, 2, 3]] }]);
    refuse([{ ...length, trackingUid: 'not-a-uid' }]);
    refuse([], { header: { ...HEADER, '0020000D': { vr: 'UI', Value: [] } } });
  });

  it('writes a sphere as three equal orthogonal axes whose first ends on the surface point', () => {
    const pts = sphereEllipsoidPoints([1, 2, 3], [1, 2, 13]);
    expect(pts[1]).toEqual([1, 2, 13]);
    expect(pts[0]).toEqual([1, 2, -7]);
    expect(ellipsoidAsSphere(pts)).toEqual({ centre: [1, 2, 3], surface: [1, 2, 13] });
    expect(ellipsoidAsSphere([...pts.slice(0, 5), [0, 0, 0]])).toBeUndefined();
  });
});
