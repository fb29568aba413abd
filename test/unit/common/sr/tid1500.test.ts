import { describe, expect, it, vi } from 'vitest';
import type { DicomJsonDataset, DicomJsonElement } from '../../../../common/dicom/dicomJson';
import { readSrContentTree } from '../../../../common/sr/contentTree';
import { readMeasurementReport, srMeasurements, type SrMeasurement } from '../../../../common/sr/tid1500';
import {
  code,
  cornerstone3dReport,
  cornerstoneLegacyReport,
  cs3dAnnotation,
  CT_IMAGE,
  dcm,
  dcmjsSrPlanarRoiReport,
  ENHANCED_CT_IMAGE,
  sopUid,
  tid300Report,
  viaDenaturalize,
  viaPart10,
} from './srFixtures';

function report(ds: DicomJsonDataset) {
  const r = readMeasurementReport(readSrContentTree(ds));
  if (r.kind !== 'measurement-report') throw new Error(r.reason);
  return r;
}
/** A value of the measurement by quantity: [value, UCUM code, unit meaning]. */
const valueOf = (m: SrMeasurement, q: string) => {
  const v = m.values.find((x) => x.quantity === q);
  return v && [v.value, v.unit?.value, v.unit?.meaning];
};
/** Float32 as SCOORD Graphic Data (FL) stores it. */
const fl = (pts: number[][]) => pts.map((p) => p.map(Math.fround));

// --- what OHIF wrote through dcmjs's Cornerstone3D adapter ----------------------------------------------------

describe('TID 1500 written by dcmjs\'s Cornerstone3D adapter: length, ellipse ROI with statistics, probe', () => {
  const ct = { imageId: 'wadors:ct/1', sopInstanceUid: sopUid(1) };
  const enhanced = { imageId: 'wadors:ect/3', sopInstanceUid: sopUid(2), sopClassUid: ENHANCED_CT_IMAGE, frame: 3 };
  const written = cornerstone3dReport([ct, enhanced], {
    [ct.imageId]: {
      Length: { data: [cs3dAnnotation(ct.imageId, [[10.25, 20.5, 0], [40.75, 60, 0]], { length: 50.5 })] },
      Probe: { data: [cs3dAnnotation(ct.imageId, [[7.5, 8.25, 0]])] },
      ArrowAnnotate: { data: [{ metadata: { referencedImageId: ct.imageId }, data: { text: 'look here', handles: { points: [[100, 110, 0], [140, 150, 0]], arrowFirst: true } } }] },
    },
    [enhanced.imageId]: {
      // Cornerstone3D's ellipse handles: top, bottom, left, right.
      EllipticalROI: { data: [cs3dAnnotation(enhanced.imageId, [[50, 30, 0], [50, 70, 0], [40, 50, 0], [60, 50, 0]], { area: 314.25, mean: 42.5, stdDev: 7.25, max: 80, min: -3 })] },
    },
  });
  const read = report(viaPart10(written));

  it('gives one measurement per annotation, drawn as the tool that wrote it', () => {
    expect(read.measurements.map((m) => [m.shape, m.toolHint])).toEqual([
      ['length', 'Length'],
      ['point', 'Probe'],
      ['point', 'ArrowAnnotate'],
      ['ellipse', 'EllipticalROI'],
    ]);
    for (const m of read.measurements) {
      expect(m.trackingUid).toMatch(/^2\.25\.\d+$/);
      expect(m.warnings).toEqual([]);
    }
    expect(new Set(read.measurements.map((m) => m.trackingUid)).size).toBe(4);
    expect(read.imageLibrary.map((i) => i.sopInstanceUid)).toEqual([sopUid(1), sopUid(2)]);
    expect(read.observers).toEqual(['unknown unknown']);
  });

  it('reads the length back as written: value, unit, end points, image', () => {
    const [length] = read.measurements;
    expect(length!.trackingIdentifier).toBe('Cornerstone3DTools@^0.1.0:Length');
    expect(length!.values).toMatchObject([{ quantity: 'length', value: 50.5, unit: { value: 'mm', scheme: 'UCUM' }, concept: { value: '410668003', scheme: 'SCT', meaning: 'Length' }, graphics: [0] }]);
    expect(length!.graphics).toEqual([{ nodeId: expect.any(String), dimension: 2, graphicType: 'POLYLINE', points: [[10.25, 20.5], [40.75, 60]], closed: false, image: { sopInstanceUid: sopUid(1), sopClassUid: CT_IMAGE } }]);
    expect(length!.image).toEqual({ sopInstanceUid: sopUid(1), sopClassUid: CT_IMAGE });
  });

  it('reads the ellipse back: its axes, frame of a multi-frame image, and each statistic (units as the adapter writes them)', () => {
    const ellipse = read.measurements[3]!;
    expect(ellipse.graphics).toHaveLength(1);
    // Major axis first (top–bottom is the longer here), then the minor one, as TID 320 wants.
    expect(ellipse.graphics[0]).toMatchObject({ graphicType: 'ELLIPSE', closed: true, points: [[50, 30], [50, 70], [40, 50], [60, 50]], image: { sopInstanceUid: sopUid(2), sopClassUid: ENHANCED_CT_IMAGE, frames: [3] } });
    // dcmjs 0.52's Cornerstone3D adapter passes no units to TID 300: every statistic goes out as UCUM "1" ("px").
    expect(['area', 'max', 'min', 'mean', 'stdDev'].map((q) => valueOf(ellipse, q))).toEqual([
      [314.25, '1', 'px'],
      [80, '1', 'px'],
      [-3, '1', 'px'],
      [42.5, '1', 'px'],
      [7.25, '1', 'px'],
    ]);
    // The region is written under the Area only; the statistics are of the same region.
    for (const v of ellipse.values) expect(v.graphics).toEqual([0]);
  });

  it('reads the probe back as a point', () => {
    const probe = read.measurements[1]!;
    expect(probe.graphics).toMatchObject([{ graphicType: 'POINT', points: [[7.5, 8.25]], image: { sopInstanceUid: sopUid(1) } }]);
    expect(probe.values).toMatchObject([{ quantity: 'center', value: 0, unit: { value: '1' } }]);
  });

  it('reads the arrow as its tip with the label (dcmjs writes it as a POLYLINE of one point, the text as a CS3DTEXT finding)', () => {
    const arrow = read.measurements[2]!;
    expect(arrow).toMatchObject({ label: 'look here', finding: { value: 'CS3DTEXT', scheme: '99dcmjs', meaning: 'look here' }, graphics: [{ graphicType: 'POLYLINE', points: [[100, 110]] }] });
  });

  it('gives the same measurements from dcmjs\'s own DICOM JSON', () => {
    expect(report(viaDenaturalize(written)).measurements).toEqual(read.measurements);
  });

  it('agrees with dcmjs\'s own TID 1500 reader (generateToolState) on the same SR', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const json = viaPart10(written);
      const naturalized = dcm.data.DicomMetaDictionary.naturalizeDataset(json);
      const ids: Record<string, string> = { [sopUid(1)]: ct.imageId, [sopUid(2)]: enhanced.imageId };
      const metadata = { get: (type: string) => (type === 'imagePlaneModule' ? { frameOfReferenceUID: '1.2.3', columnCosines: [0, 1, 0] } : undefined) };
      const state = dcm.adapters.Cornerstone3D.MeasurementReport.generateToolState(naturalized, ids, (_id, p) => [p[0]!, p[1]!, 0], metadata);
      const ours = (i: number) => read.measurements[i]!.graphics[0]!.points.map((p) => [p[0], p[1], 0]);
      expect(state.Length![0]!.annotation.data.handles.points).toEqual(ours(0));
      expect(state.Probe![0]!.annotation.data.handles.points).toEqual(ours(1));
      expect(state.EllipticalROI![0]!.annotation.data.handles.points).toEqual(ours(3));
    } finally {
      log.mockRestore();
    }
  });
});

// --- TID 300 utilities with units (what @cornerstonejs/adapters, OHIF's current exporter, hand them) -------------

describe('TID 1500 written with dcmjs\'s TID 300 utilities, units and findings included', () => {
  const ref = (n: number) => ({ ReferencedSOPClassUID: CT_IMAGE, ReferencedSOPInstanceUID: sopUid(n) });
  const pts = (xy: number[][]) => xy.map(([x, y, z]) => ({ x, y, ...(z === undefined ? {} : { z }) }));
  const lung = { CodeValue: '39607008', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Lung structure' };
  const label = { CodeValue: 'CS3DTEXT', CodingSchemeDesignator: '99dcmjs', CodeMeaning: 'nodule A' };
  const written = tid300Report([
    { kind: 'Ellipse', props: { points: pts([[100.3, 80], [100.3, 120.7], [90, 100], [110, 100]]), area: 1256.6, areaUnit: 'mm2', mean: -612.4, stdDev: 88.1, modalityUnit: 'HU', ReferencedSOPSequence: ref(1), trackingIdentifierTextValue: 'Dokuei:EllipticalROI', finding: label, findingSites: [lung] } },
    { kind: 'Point', props: { points: [{ x: -12.5, y: 30.25, z: 101.125 }], use3DSpatialCoordinates: true, ReferencedFrameOfReferenceUID: '1.2.826.0.1.3680043.9.7777.19.4', ReferencedSOPSequence: ref(1), trackingIdentifierTextValue: 'Dokuei:Probe' } },
    { kind: 'Polyline', props: { points: pts([[10, 10], [30, 10], [30, 25], [10, 25], [10, 10]]), area: 300, perimeter: 70, ReferencedSOPSequence: ref(2) } },
    { kind: 'Circle', props: { points: pts([[64, 64], [74, 64]]), radius: 10, radiusUnit: 'mm', area: 314.2, ReferencedSOPSequence: ref(2) } },
    { kind: 'CobbAngle', props: { point1: { x: 10, y: 10 }, point2: { x: 50, y: 20 }, point3: { x: 10, y: 60 }, point4: { x: 50, y: 40 }, rAngle: 27.5, ReferencedSOPSequence: ref(2) } },
    { kind: 'Bidirectional', props: { longAxis: { point1: { x: 10, y: 50 }, point2: { x: 90, y: 50 } }, shortAxis: { point1: { x: 50, y: 30 }, point2: { x: 50, y: 70 } }, longAxisLength: 80, shortAxisLength: 40, unit: 'mm', ReferencedSOPSequence: ref(2) } },
  ]);
  const read = report(viaPart10(written));
  const [ellipse, probe3d, rect, circle, cobb, bidi] = read.measurements;

  it('reads shapes, finding, finding site and the free-text label', () => {
    expect(read.measurements.map((m) => m.shape)).toEqual(['ellipse', 'point', 'rectangle', 'circle', 'cobbAngle', 'bidirectional']);
    expect(ellipse).toMatchObject({ trackingIdentifier: 'Dokuei:EllipticalROI', label: 'nodule A', finding: { value: 'CS3DTEXT', scheme: '99dcmjs' }, findingSites: [{ value: '39607008', scheme: 'SCT', meaning: 'Lung structure' }] });
    expect(ellipse!.toolHint).toBeUndefined(); // not the "<tool>@<version>:<name>" form
  });

  it('reads values with their UCUM units, and coordinates as stored (FL)', () => {
    expect(['area', 'mean', 'stdDev'].map((q) => valueOf(ellipse!, q))).toEqual([
      [1256.6, 'mm2', 'mm2'],
      [-612.4, "[hnsf'U]", 'Hounsfield unit'],
      [88.1, "[hnsf'U]", 'Hounsfield unit'],
    ]);
    expect(ellipse!.graphics[0]!.points).toEqual(fl([[100.3, 80], [100.3, 120.7], [90, 100], [110, 100]]));
    expect(ellipse!.image).toEqual({ sopInstanceUid: sopUid(1), sopClassUid: CT_IMAGE });
    expect(valueOf(circle!, 'radius')).toEqual([10, 'mm', 'mm']);
    expect(valueOf(rect!, 'perimeter')).toEqual([70, 'mm', 'mm']);
    expect(valueOf(cobb!, 'angle')?.slice(0, 2)).toEqual([27.5, 'deg']);
    expect(valueOf(bidi!, 'longAxis')).toEqual([80, 'mm', 'mm']);
    expect(valueOf(bidi!, 'shortAxis')).toEqual([40, 'mm', 'mm']);
  });

  it('reads a SCOORD3D point in its frame of reference', () => {
    expect(probe3d!.graphics).toEqual([{ nodeId: expect.any(String), dimension: 3, graphicType: 'POINT', points: [[-12.5, 30.25, 101.125]], closed: false, frameOfReferenceUid: '1.2.826.0.1.3680043.9.7777.19.4' }]);
    expect(probe3d!.frameOfReferenceUid).toBe('1.2.826.0.1.3680043.9.7777.19.4');
    expect(probe3d!.image).toBeUndefined();
  });

  it('reads a closed polyline as a rectangle, a circle, a Cobb angle and both axes of a bidirectional', () => {
    expect(rect!.graphics[0]).toMatchObject({ graphicType: 'POLYLINE', closed: true, points: [[10, 10], [30, 10], [30, 25], [10, 25], [10, 10]], image: { sopInstanceUid: sopUid(2) } });
    expect(circle!.graphics[0]).toMatchObject({ graphicType: 'CIRCLE', points: [[64, 64], [74, 64]] });
    expect(cobb!.graphics[0]!.points).toEqual([[10, 10], [50, 20], [10, 60], [50, 40]]);
    expect(bidi!.graphics.map((g) => g.points)).toEqual([[[10, 50], [90, 50]], [[50, 30], [50, 70]]]);
    expect(bidi!.values.map((v) => v.graphics)).toEqual([[0], [1]]);
  });
});

// --- the legacy cornerstoneTools 4 adapter ---------------------------------------------------------------------

describe('TID 1500 written by dcmjs\'s legacy Cornerstone adapter: angle and rectangle', () => {
  it('reads an angle written as p1 p2 p2 p3 as an angle, and a four-corner polyline with an area as a rectangle', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined); // the adapter logs its arguments
    const img = { imageId: 'wadors:ct/5', sopInstanceUid: sopUid(5) };
    const written = cornerstoneLegacyReport([img], {
      [img.imageId]: {
        Angle: { data: [{ handles: { start: { x: 10, y: 10 }, middle: { x: 20, y: 20 }, end: { x: 30, y: 10 } }, rAngle: 90 }] },
        RectangleRoi: { data: [{ handles: { start: { x: 5, y: 5 }, end: { x: 25, y: 15 } }, cachedStats: { area: 200, perimeter: 60 } }] },
      },
    });
    log.mockRestore();
    const [angle, rect] = report(viaPart10(written)).measurements;
    expect(angle).toMatchObject({ shape: 'angle', toolHint: 'Angle', graphics: [{ points: [[10, 10], [20, 20], [20, 20], [30, 10]] }] });
    expect(valueOf(angle!, 'angle')?.slice(0, 2)).toEqual([90, 'deg']);
    expect(rect).toMatchObject({ shape: 'rectangle', toolHint: 'RectangleRoi', graphics: [{ closed: false, points: [[5, 5], [5, 15], [25, 15], [25, 5]] }] });
    expect(valueOf(rect!, 'area')).toEqual([200, 'mm2', 'mm2']);
  });
});

// --- dcmjs.sr: the TID 1410 layout (region beside the values, Derivation modifiers) --------------------------------

describe('TID 1500 with a TID 1410 group built from dcmjs.sr content items (Comprehensive 3D SR)', () => {
  it('gives the region to each value and reads what each value is from its Derivation', () => {
    const polygon = [[0, 0, 5], [10, 0, 5], [10, 10, 5], [0, 10, 5], [0, 0, 5]];
    const written = dcmjsSrPlanarRoiReport({ polygon, frameOfReferenceUid: '1.2.3.4.5', mean: 40.5, area: 100, trackingId: 'lesion 1', trackingUid: '1.2.3.4.5.6.7' });
    expect(written.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.88.34');
    const r = report(viaPart10(written));
    expect(r.observers).toEqual(['Yamada Hanako']);
    expect(r.procedures).toEqual([{ value: '363679005', scheme: 'SCT', meaning: 'Imaging procedure' }]);
    const [m] = r.measurements;
    expect(m).toMatchObject({ shape: 'rectangle', trackingIdentifier: 'lesion 1', trackingUid: '1.2.3.4.5.6.7', finding: { value: '52988006', meaning: 'Lesion' }, frameOfReferenceUid: '1.2.3.4.5' });
    expect(m!.graphics).toEqual([{ nodeId: expect.any(String), dimension: 3, graphicType: 'POLYGON', points: polygon, closed: true, frameOfReferenceUid: '1.2.3.4.5', concept: { value: '111030', scheme: 'DCM', meaning: 'Image Region' } }]);
    expect(m!.values).toMatchObject([
      { quantity: 'mean', value: 40.5, concept: { meaning: 'Attenuation Coefficient' }, derivation: { value: '373098007', meaning: 'Mean' }, unit: { value: "[hnsf'U]" }, graphics: [0] },
      { quantity: 'area', value: 100, unit: { value: 'mm2' }, graphics: [0] },
    ]);
  });

  it('records where dcmjs 0.52\'s own TID 1501/1410 templates fail, which is why the group above is built by hand', () => {
    const T = dcm.sr.templates;
    const tracking = new T.TrackingIdentifier!({ uid: '1.2.3', identifier: 'x' });
    const region = new dcm.sr.contentItems.ImageRegion({ graphicType: 'POINT', graphicData: [1, 2], sourceImage: new dcm.sr.contentItems.SourceImageForRegion({ referencedSOPClassUID: CT_IMAGE, referencedSOPInstanceUID: sopUid(1) }) });
    // Measurement (TID 300) inverts its type check and refuses a TrackingIdentifier.
    expect(() => new T.Measurement!({ name: code('42798000', 'SCT', 'Area'), value: 1, unit: code('mm2', 'UCUM', 'mm2'), trackingIdentifier: tracking })).toThrow(/must have type TrackingIdentifier/);
    // The group templates filter the TrackingIdentifier (an Array subclass): filter() constructs one without options.
    expect(() => new T.PlanarROIMeasurementsAndQualitativeEvaluations!({ trackingIdentifier: tracking, referencedRegion: region })).toThrow(/Option 'uid' is required for TrackingIdentifier/);
  });
});

// --- recognition and damage ---------------------------------------------------------------------------------------

const cs = (v: string): DicomJsonElement => ({ vr: 'CS', Value: [v] });
const sq = (...items: DicomJsonDataset[]): DicomJsonElement => ({ vr: 'SQ', Value: items });
const codeItem = (value: string, scheme: string, meaning: string): DicomJsonDataset => ({ '00080100': { vr: 'SH', Value: [value] }, '00080102': { vr: 'SH', Value: [scheme] }, '00080104': { vr: 'LO', Value: [meaning] } });
const named = (rel: string, vt: string, c: DicomJsonDataset, fields: DicomJsonDataset = {}, children?: DicomJsonDataset[]): DicomJsonDataset => ({
  '0040A010': cs(rel),
  '0040A040': cs(vt),
  '0040A043': sq(c),
  ...fields,
  ...(children ? { '0040A730': sq(...children) } : {}),
});
const docOf = (title: DicomJsonDataset, children: DicomJsonDataset[], extra: DicomJsonDataset = {}): DicomJsonDataset => ({ '0040A040': cs('CONTAINER'), '0040A043': sq(title), '0040A050': cs('SEPARATE'), '0040A730': sq(...children), ...extra });
const GROUP = codeItem('125007', 'DCM', 'Measurement Group');
const image = (uid: string): DicomJsonDataset => ({ '0040A010': cs('SELECTED FROM'), '0040A040': cs('IMAGE'), '00081199': sq({ '00081150': { vr: 'UI', Value: [CT_IMAGE] }, '00081155': { vr: 'UI', Value: [uid] } }) });
const scoord = (type: string, data: number[], children: DicomJsonDataset[] = []): DicomJsonDataset => ({ '0040A010': cs('INFERRED FROM'), '0040A040': cs('SCOORD'), '00700023': cs(type), '00700022': { vr: 'FL', Value: data }, '0040A730': sq(...children) });
const numItem = (c: DicomJsonDataset, value: number, unit: string, children: DicomJsonDataset[] = []) =>
  named('CONTAINS', 'NUM', c, { '0040A300': sq({ '0040A30A': { vr: 'DS', Value: [value] }, '004008EA': sq(codeItem(unit, 'UCUM', unit)) }) }, children);

describe('readMeasurementReport: recognition and damaged groups', () => {
  it('reads a report by its template when the title is another one, and nothing from other documents', () => {
    const group = named('CONTAINS', 'CONTAINER', GROUP, { '0040A050': cs('SEPARATE') }, [numItem(codeItem('410668003', 'SCT', 'Length'), 5, 'mm', [scoord('POLYLINE', [0, 0, 3, 4], [image('1.2.3.4')])])]);
    const byTemplate = docOf(codeItem('18748-4', 'LN', 'Diagnostic imaging report'), [group], { '0040A504': sq({ '00080105': cs('DCMR'), '0040DB00': cs('1500') }) });
    expect(srMeasurements(byTemplate)).toMatchObject([{ shape: 'length', values: [{ quantity: 'length', value: 5 }], image: { sopInstanceUid: '1.2.3.4' } }]);
    const other = docOf(codeItem('18748-4', 'LN', 'Diagnostic imaging report'), [group]);
    expect(readMeasurementReport(readSrContentTree(other))).toEqual({ kind: 'not-a-measurement-report', reason: expect.stringMatching(/"Diagnostic imaging report", not an Imaging Measurement Report/) });
    expect(srMeasurements(other)).toEqual([]);
  });

  it('merges a region repeated under each value, follows a region included by reference, and says what it could not use', () => {
    const ellipse = [10, 20, 10, 40, 5, 30, 15, 30];
    const title = codeItem('126000', 'DCM', 'Imaging Measurement Report');
    const doc = docOf(title, [
      named('CONTAINS', 'CONTAINER', codeItem('126010', 'DCM', 'Imaging Measurements'), { '0040A050': cs('SEPARATE') }, [
        // 1.1.1: an older writer's ellipse, its region copied under each statistic
        named('CONTAINS', 'CONTAINER', GROUP, { '0040A050': cs('SEPARATE') }, [
          numItem(codeItem('373098007', 'SCT', 'Mean'), 12, "[hnsf'U]", [scoord('ELLIPSE', ellipse, [image('1.2.3.4')])]),
          numItem(codeItem('56851009', 'SCT', 'Maximum'), 40, "[hnsf'U]", [scoord('ELLIPSE', ellipse, [image('1.2.3.4')])]),
        ]),
        // 1.1.2: a value whose region is the one of group 1.1.1, by reference; a damaged SCOORD; an evaluation
        named('CONTAINS', 'CONTAINER', GROUP, { '0040A050': cs('SEPARATE') }, [
          numItem(codeItem('42798000', 'SCT', 'Area'), 100, 'mm2', [{ '0040A010': cs('INFERRED FROM'), '0040DB73': { vr: 'UL', Value: [1, 1, 1, 1, 1] } }]),
          scoord('ELLIPSE', [1, 2, 3]),
          named('CONTAINS', 'CODE', codeItem('RID5', 'RADLEX', 'Margin'), { '0040A168': sq(codeItem('RID5713', 'RADLEX', 'spiculated')) }),
        ]),
        // 1.1.3: nothing to draw; 1.1.4: a region on no image
        named('CONTAINS', 'CONTAINER', GROUP, { '0040A050': cs('SEPARATE') }, [numItem(codeItem('118565006', 'SCT', 'Volume'), 3, 'ml')]),
        named('CONTAINS', 'CONTAINER', GROUP, { '0040A050': cs('SEPARATE') }, [numItem(codeItem('410668003', 'SCT', 'Length'), 5, 'mm', [scoord('POLYLINE', [0, 0, 3, 4])])]),
      ]),
    ]);
    const [merged, byRef, bare, unplaced] = srMeasurements(doc);
    expect(merged!.graphics).toHaveLength(1);
    expect(merged!.values.map((v) => [v.quantity, v.graphics])).toEqual([['mean', [0]], ['max', [0]]]);
    expect(merged).toMatchObject({ shape: 'ellipse', image: { sopInstanceUid: '1.2.3.4' }, warnings: [] });
    expect(byRef).toMatchObject({ shape: 'ellipse', graphics: [{ nodeId: '1.1.1.1.1', points: [[10, 20], [10, 40], [5, 30], [15, 30]] }], values: [{ quantity: 'area', graphics: [0] }] });
    expect(byRef!.evaluations).toMatchObject([{ concept: { meaning: 'Margin' }, code: { meaning: 'spiculated' } }]);
    expect(byRef!.warnings).toEqual(['1 item of the group could not be read']);
    expect(bare).toMatchObject({ shape: 'none', values: [{ quantity: 'volume', value: 3 }], warnings: [expect.stringMatching(/nothing to draw/)] });
    expect(unplaced!.warnings).toEqual([expect.stringMatching(/names no image/)]);
  });
});
