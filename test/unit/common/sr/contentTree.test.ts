import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset, DicomJsonElement } from '../../../../common/dicom/dicomJson';
import { findSrNode, readSrContentTree, SR_RELATIONSHIPS, walkSrTree, type SrDocument, type SrNode } from '../../../../common/sr/contentTree';
import { readMeasurementReport } from '../../../../common/sr/tid1500';
import { part10ToDicomJson } from '../../../../electron/services/dicom/datasetJson';
import { sharedDataDir } from '../../../support/data';
import { cornerstone3dReport, cs3dAnnotation, sopUid, viaDenaturalize, viaPart10 } from './srFixtures';

// --- DICOM JSON by hand --------------------------------------------------------------------------------------

const cs = (v: string): DicomJsonElement => ({ vr: 'CS', Value: [v] });
const sq = (...items: unknown[]): DicomJsonElement => ({ vr: 'SQ', Value: items as DicomJsonDataset[] });
const codeItem = (value: string, scheme: string, meaning: string): DicomJsonDataset => ({ '00080100': { vr: 'SH', Value: [value] }, '00080102': { vr: 'SH', Value: [scheme] }, '00080104': { vr: 'LO', Value: [meaning] } });
const concept = (meaning: string, value = '99', scheme = '99TEST') => ({ '0040A043': sq(codeItem(value, scheme, meaning)) });
const item = (rel: string, vt: string, fields: DicomJsonDataset = {}, children?: unknown[]): DicomJsonDataset => ({
  '0040A010': cs(rel),
  '0040A040': cs(vt),
  ...fields,
  ...(children ? { '0040A730': sq(...children) } : {}),
});
const root = (children: unknown[], extra: DicomJsonDataset = {}): DicomJsonDataset => ({
  '0040A040': cs('CONTAINER'),
  ...concept('Report'),
  '0040A050': cs('SEPARATE'),
  '0040A730': sq(...children),
  ...extra,
});
const imageRef = (uid: string, frames?: number[]): DicomJsonDataset => ({
  '00081199': sq({ '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] }, '00081155': { vr: 'UI', Value: [uid] }, ...(frames ? { '00081160': { vr: 'IS', Value: frames } } : {}) }),
});
const scoord = (type: string, data: number[], children?: unknown[]) => item('INFERRED FROM', 'SCOORD', { '00700023': cs(type), '00700022': { vr: 'FL', Value: data } }, children);

function nodes(doc: SrDocument): SrNode[] {
  const out: SrNode[] = [];
  walkSrTree(doc.root, (n) => out.push(n));
  return out;
}
const child = (doc: SrDocument, id: string): SrNode => {
  const n = findSrNode(doc.root, id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};

// --- a real SR: OFFIS's test document (pydicom test files) --------------------------------------------------

describe('readSrContentTree: a real SR with every value type (OFFIS test document)', () => {
  const dir = sharedDataDir('pydicom_testfiles_bad_rt');
  it.skipIf(!dir)('reads title, flags, observers and one node of each kind, with relationships and concept names', () => {
    const { dataset } = part10ToDicomJson(new Uint8Array(readFileSync(path.join(dir!, 'test-SR.dcm'))));
    const doc = readSrContentTree(dataset);
    expect(doc.title).toEqual({ value: '1111', scheme: 'TEST', meaning: 'Diagnosis' });
    expect(doc).toMatchObject({ completion: 'COMPLETE', completionDescription: 'This document is completed!', verification: 'VERIFIED', invalidCount: 0, nodeCount: 29 });
    expect(doc.verifyingObservers).toEqual([
      { name: 'Riesmeier Jörg', organization: 'OFFIS e.V.', dateTime: '20010213184746' },
      { name: 'Observer Verifying', organization: 'Organisation', dateTime: '20010213184746' },
    ]);
    expect(child(doc, '1.1')).toMatchObject({ kind: 'uidref', relationship: 'HAS OBS CONTEXT', uid: '1.2.3.4.5', concept: { meaning: 'Some UID' } });
    expect(child(doc, '1.2')).toMatchObject({ kind: 'container', continuity: 'CONTINUOUS' });
    expect(child(doc, '1.2.1')).toMatchObject({ kind: 'text', text: 'A mass of', concept: { meaning: 'Text Code' } });
    expect(child(doc, '1.2.1.1')).toMatchObject({ kind: 'code', relationship: 'HAS CONCEPT MOD', code: { value: '2222', scheme: '99_OFFIS_DCMTK', meaning: 'Sample Code 1' } });
    expect(child(doc, '1.2.2')).toMatchObject({ kind: 'num', value: 3, unit: { value: 'cm', meaning: 'Length Unit' }, concept: { meaning: 'Diameter' } });
    expect(child(doc, '1.3.2')).toMatchObject({ kind: 'scoord', relationship: 'HAS PROPERTIES', graphicType: 'CIRCLE', points: [[0, 0], [255, 255]] });
    expect(child(doc, '1.3.3')).toMatchObject({ kind: 'tcoord', temporalRangeType: 'SEGMENT', timeOffsets: [1, 2.5] });
    expect(child(doc, '1.3.3.1')).toMatchObject({ kind: 'reference', relationship: 'SELECTED FROM', target: '1.3.2', targetFound: true, loop: false });
    expect(child(doc, '1.4')).toMatchObject({ kind: 'composite', ref: { sopInstanceUid: '9.8.7.6', sopClassUid: '1.2.840.10008.5.1.4.1.1.88.11' } });
    expect(child(doc, '1.4.1')).toMatchObject({ kind: 'date', relationship: 'HAS ACQ CONTEXT', date: '20001206' });
    expect(child(doc, '1.4.2')).toMatchObject({ kind: 'time', time: '120000' });
    expect(child(doc, '1.4.3')).toMatchObject({ kind: 'datetime', dateTime: '20001206120000' });
    expect(child(doc, '1.5')).toMatchObject({ kind: 'image', image: { sopInstanceUid: '1.2.3.4.5.0', frames: [5, 2], presentationState: { sopInstanceUid: '1.2.3.5.6.7' } } });
    expect(child(doc, '1.5.1.1.1')).toMatchObject({ kind: 'reference', relationship: 'INFERRED FROM', target: '1.2.2.1', targetFound: true });
    expect(child(doc, '1.5.2.2')).toMatchObject({ kind: 'waveform', channels: [5, 3, 2, 0] });
    expect(readMeasurementReport(doc).kind).toBe('not-a-measurement-report');
  });
});

// --- a TID 1500 report written by dcmjs's Cornerstone3D adapter ----------------------------------------------

describe('readSrContentTree: a TID 1500 report written by dcmjs (Cornerstone3D adapter)', () => {
  const img = 'wadors:ct/1';
  const written = cornerstone3dReport([{ imageId: img, sopInstanceUid: sopUid(1) }], {
    [img]: {
      Length: { data: [cs3dAnnotation(img, [[10.25, 20.5, 0], [40.75, 60, 0]], { length: 50.5 })] },
      EllipticalROI: { data: [cs3dAnnotation(img, [[50, 30, 0], [50, 70, 0], [40, 50, 0], [60, 50, 0]], { area: 314.25, mean: 42.5, stdDev: 7.25 })] },
    },
  });

  it('has the report title, template, flags and the headings, texts, codes, numbers and units it was written with', () => {
    const doc = readSrContentTree(viaPart10(written));
    expect(doc.title).toEqual({ value: '126000', scheme: 'DCM', meaning: 'Imaging Measurement Report' });
    expect(doc.root).toMatchObject({ kind: 'container', continuity: 'SEPARATE', template: { id: '1500', mappingResource: 'DCMR' } });
    expect(doc).toMatchObject({ completion: 'COMPLETE', verification: 'UNVERIFIED', invalidCount: 0 });
    const all = nodes(doc);
    const headings = all.filter((n) => n.kind === 'container').map((n) => n.concept?.meaning);
    expect(headings).toEqual(['Imaging Measurement Report', 'Image Library', 'Image Library Group', 'Imaging Measurements', 'Measurement Group', 'Measurement Group']);
    expect(all.filter((n) => n.kind === 'text').map((n) => n.kind === 'text' && n.text)).toEqual(['Cornerstone3DTools@^0.1.0:Length', 'Cornerstone3DTools@^0.1.0:EllipticalROI']);
    expect(all.find((n) => n.kind === 'code')).toMatchObject({ relationship: 'HAS CONCEPT MOD', concept: { meaning: 'Language of Content Item and Descendants' }, code: { value: 'en', scheme: 'RFC5646', meaning: 'English' } });
    expect(all.find((n) => n.kind === 'pname')).toMatchObject({ relationship: 'HAS OBS CONTEXT', text: 'unknown unknown' });
    const nums = all.filter((n) => n.kind === 'num').map((n) => n.kind === 'num' && [n.concept?.meaning, n.value, n.unit?.value, n.unit?.scheme]);
    expect(nums).toEqual([
      ['Length', 50.5, 'mm', 'UCUM'],
      ['Area', 314.25, '1', 'UCUM'],
      ['Mean', 42.5, '1', 'UCUM'],
      ['Standard Deviation', 7.25, '1', 'UCUM'],
    ]);
    const line = all.find((n) => n.kind === 'scoord');
    expect(line).toMatchObject({ relationship: 'INFERRED FROM', graphicType: 'POLYLINE', points: [[10.25, 20.5], [40.75, 60]], image: { sopInstanceUid: sopUid(1), sopClassUid: '1.2.840.10008.5.1.4.1.1.2' } });
    expect(line?.children[0]).toMatchObject({ kind: 'image', relationship: 'SELECTED FROM' });
    for (const n of all) if (n.relationship !== undefined) expect(SR_RELATIONSHIPS).toContain(n.relationship);
  });

  it('reads the same tree from dcmjs\'s own DICOM JSON as from the Part 10 file read by our reader', () => {
    expect(readSrContentTree(viaDenaturalize(written))).toEqual(readSrContentTree(viaPart10(written)));
  });
});

// --- references, damage, limits ------------------------------------------------------------------------------

describe('readSrContentTree: references', () => {
  const ref = (rel: string, ids: number[]) => ({ '0040A010': cs(rel), '0040DB73': { vr: 'UL', Value: ids } });

  it('keeps by-reference items as references: found, missing, or looping back to an ancestor; never expanded', () => {
    const doc = readSrContentTree(
      root([
        item('CONTAINS', 'IMAGE', imageRef('1.2.3.9', [2])),
        item('CONTAINS', 'CONTAINER', { '0040A050': cs('SEPARATE') }, [
          scoord('POINT', [5, 6], [ref('SELECTED FROM', [1, 1])]),
          ref('INFERRED FROM', [1, 2]), // its own parent: a loop
          ref('INFERRED FROM', [1, 7, 3]), // no such item
        ]),
      ]),
    );
    expect(doc.invalidCount).toBe(0);
    expect(child(doc, '1.2.1')).toMatchObject({ kind: 'scoord', image: { sopInstanceUid: '1.2.3.9', frames: [2] } });
    expect(child(doc, '1.2.1.1')).toMatchObject({ kind: 'reference', target: '1.1', targetFound: true, loop: false, children: [] });
    expect(child(doc, '1.2.2')).toMatchObject({ kind: 'reference', target: '1.2', targetFound: true, loop: true, children: [] });
    expect(child(doc, '1.2.3')).toMatchObject({ kind: 'reference', target: '1.7.3', targetFound: false });
  });
});

describe('readSrContentTree: malformed input becomes invalid nodes with a reason, the rest stays readable', () => {
  it.each([
    ['no Value Type', { '0040A010': cs('CONTAINS') }, /no Value Type/],
    ['an unknown Value Type', item('CONTAINS', 'SPREADSHEET'), /Unknown Value Type "SPREADSHEET"/],
    ['a Value Type with the wrong VR', { '0040A010': cs('CONTAINS'), '0040A040': { vr: 'LO', Value: ['TEXT'] } }, /Value Type has VR LO, not CS/],
    ['a TEXT without Text Value', item('CONTAINS', 'TEXT'), /without Text Value/],
    ['a CODE without Concept Code', item('CONTAINS', 'CODE'), /without Concept Code/],
    ['an IMAGE without Referenced SOP Sequence', item('CONTAINS', 'IMAGE'), /without Referenced SOP Sequence/],
    ['an IMAGE whose reference has no instance UID', item('CONTAINS', 'IMAGE', { '00081199': sq({}) }), /without Referenced SOP Instance UID/],
    ['an ELLIPSE of three points', scoord('ELLIPSE', [0, 0, 1, 1, 2, 2]), /ELLIPSE takes 4 points; Graphic Data holds 3/],
    ['Graphic Data of an odd count', scoord('POLYLINE', [0, 0, 1]), /not a whole number of 2D points/],
    ['Graphic Data that is not numbers', item('CONTAINS', 'SCOORD', { '00700023': cs('POINT'), '00700022': { vr: 'FL', Value: ['x', 'y'] } }), /not a number/],
    ['a Graphic Type SCOORD has not', scoord('POLYGON', [0, 0, 1, 1, 2, 2]), /"POLYGON" is not one a SCOORD may have/],
    ['a Measured Value Sequence with the wrong VR', item('CONTAINS', 'NUM', { '0040A300': { vr: 'DS', Value: ['1'] } }), /Measured Value Sequence has VR DS, not SQ/],
    ['a Measured Value Sequence without a number', item('CONTAINS', 'NUM', { '0040A300': sq({}) }), /no Numeric Value/],
    ['a sequence item that is not a dataset', 'just text', /item 2 of Content Sequence is not a dataset/],
    ['a Referenced Content Item Identifier of zeros', { '0040A010': cs('CONTAINS'), '0040DB73': { vr: 'UL', Value: [0] } }, /positive whole numbers/],
  ])('%s', (_what, bad, reason) => {
    const doc = readSrContentTree(root([item('CONTAINS', 'TEXT', { '0040A160': { vr: 'UT', Value: ['before'] } }), bad]));
    expect(child(doc, '1.1')).toMatchObject({ kind: 'text', text: 'before' });
    const n = child(doc, '1.2');
    expect(n.kind).toBe('invalid');
    expect(n.kind === 'invalid' && n.reason).toMatch(reason);
    expect(doc.invalidCount).toBe(1);
  });

  it('keeps the children of an item it could not read, and its relationship and concept', () => {
    const doc = readSrContentTree(root([{ '0040A010': cs('CONTAINS'), ...concept('Findings'), '0040A730': sq(item('CONTAINS', 'TEXT', { '0040A160': { vr: 'UT', Value: ['kept'] } })) }]));
    expect(child(doc, '1.1')).toMatchObject({ kind: 'invalid', relationship: 'CONTAINS', concept: { meaning: 'Findings' } });
    expect(child(doc, '1.1.1')).toMatchObject({ kind: 'text', text: 'kept' });
  });

  it('shows a Content Sequence of the wrong VR as one invalid child', () => {
    const doc = readSrContentTree(root([item('CONTAINS', 'CONTAINER', { '0040A050': cs('SEPARATE'), '0040A730': { vr: 'LO', Value: ['x'] } })]));
    expect(child(doc, '1.1').kind).toBe('container');
    expect(child(doc, '1.1.1')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/Content Sequence has VR LO, not SQ/) });
  });

  it('says so when the root is not a CONTAINER, or the input not a dataset', () => {
    const notContainer = readSrContentTree({ '0040A040': cs('TEXT'), '0040A160': { vr: 'UT', Value: ['x'] } });
    expect(notContainer.root).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/root is a TEXT, not a CONTAINER/) });
    expect(readSrContentTree(null as unknown as DicomJsonDataset).root).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/not a DICOM JSON dataset/) });
    expect(readSrContentTree([] as unknown as DicomJsonDataset).root.kind).toBe('invalid');
  });

  it('stops at 64 levels of nesting, without throwing, however deep the input goes', () => {
    let deepest: DicomJsonDataset = item('CONTAINS', 'TEXT', { '0040A160': { vr: 'UT', Value: ['bottom'] } });
    for (let i = 0; i < 5000; i++) deepest = item('CONTAINS', 'CONTAINER', { '0040A050': cs('SEPARATE') }, [deepest]);
    const doc = readSrContentTree(root([deepest]));
    const all = nodes(doc);
    const invalid = all.filter((n) => n.kind === 'invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ reason: expect.stringMatching(/deeper than 64 levels/), children: [] });
    expect(invalid[0]!.id.split('.')).toHaveLength(65);
    expect(Math.max(...all.filter((n) => n.kind !== 'invalid').map((n) => n.id.split('.').length))).toBe(64);
  });

  it('reads an item that contains itself once, and marks the cycle', () => {
    const loop: DicomJsonDataset = item('CONTAINS', 'CONTAINER', { '0040A050': cs('SEPARATE') });
    loop['0040A730'] = sq(loop);
    const doc = readSrContentTree(root([loop]));
    expect(child(doc, '1.1').kind).toBe('container');
    expect(child(doc, '1.1.1')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/contains itself/) });
  });

  it('stops after maxNodes items', () => {
    const many = Array.from({ length: 50 }, () => item('CONTAINS', 'TEXT', { '0040A160': { vr: 'UT', Value: ['t'] } }));
    const doc = readSrContentTree(root(many), { maxNodes: 10 });
    expect(doc.nodeCount).toBeLessThanOrEqual(12);
    expect(nodes(doc).at(-1)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/more than 10 content items/) });
  });
});

describe('readSrContentTree: values', () => {
  it('reads NUM values, units and qualifiers; prefers the Floating Point Value; warns what is odd', () => {
    const mv = (fields: DicomJsonDataset) => ({ '0040A300': sq(fields) });
    const mm = { '004008EA': sq(codeItem('mm', 'UCUM', 'millimeter')) };
    const doc = readSrContentTree(
      root([
        item('CONTAINS', 'NUM', { ...concept('Diameter'), ...mv({ '0040A30A': { vr: 'DS', Value: ['12.3 '] }, ...mm }) }),
        item('CONTAINS', 'NUM', { ...mv({ '0040A30A': { vr: 'DS', Value: [0.1] }, '0040A161': { vr: 'FD', Value: [0.1000000001] }, ...mm }) }),
        item('CONTAINS', 'NUM', { '0040A301': sq(codeItem('114006', 'DCM', 'Measurement failure')) }),
        item('CONTAINS', 'NUM', { ...mv({ '0040A30A': { vr: 'DS', Value: [7] } }) }),
        item('X-RELATION', 'UIDREF', { '0040A124': { vr: 'UI', Value: ['1.2.3'] } }),
        item('CONTAINS', 'SCOORD3D', { '00700023': cs('POINT'), '00700022': { vr: 'FD', Value: [1, 2, 3] } }),
      ]),
    );
    expect(child(doc, '1.1')).toMatchObject({ kind: 'num', value: 12.3, valueText: '12.3', unit: { value: 'mm', scheme: 'UCUM', meaning: 'millimeter' } });
    expect(child(doc, '1.2')).toMatchObject({ kind: 'num', value: 0.1000000001 });
    expect(child(doc, '1.3')).toMatchObject({ kind: 'num', qualifier: { meaning: 'Measurement failure' } });
    expect(child(doc, '1.3')).not.toHaveProperty('value');
    expect(child(doc, '1.4').warnings).toEqual(['A numeric value without Measurement Units']);
    expect(child(doc, '1.5')).toMatchObject({ kind: 'uidref', relationship: 'X-RELATION', warnings: [expect.stringMatching(/not one the standard defines/)] });
    expect(child(doc, '1.6')).toMatchObject({ kind: 'scoord3d', points: [[1, 2, 3]], warnings: [expect.stringMatching(/without Referenced Frame of Reference UID/)] });
    expect(doc.invalidCount).toBe(0);
  });
});

// --- the parsing boundary: anything goes in, a typed tree comes out --------------------------------------------

const VALUE_TYPES = ['CONTAINER', 'TEXT', 'CODE', 'NUM', 'DATE', 'TIME', 'DATETIME', 'PNAME', 'UIDREF', 'IMAGE', 'COMPOSITE', 'SCOORD', 'SCOORD3D', 'TCOORD', 'WAVEFORM'];
const KINDS = new Set(['container', 'text', 'code', 'num', 'date', 'time', 'datetime', 'pname', 'uidref', 'image', 'composite', 'scoord', 'scoord3d', 'tcoord', 'waveform', 'reference', 'invalid']);
const GRAPHIC_POINTS: Record<string, (n: number) => boolean> = { POINT: (n) => n === 1, MULTIPOINT: (n) => n >= 1, POLYLINE: (n) => n >= 1, POLYGON: (n) => n >= 3, CIRCLE: (n) => n === 2, ELLIPSE: (n) => n === 4, ELLIPSOID: (n) => n === 6 };

const anyScalar = fc.oneof(fc.string({ maxLength: 8 }), fc.double(), fc.integer(), fc.constant(null), fc.boolean());
const anyVr = fc.constantFrom('CS', 'SQ', 'UT', 'LO', 'FL', 'FD', 'DS', 'UI', 'PN', 'UL', 'IS', 'UN', 'XX');
const element = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    fc.record({ vr: anyVr, Value: fc.array(value, { maxLength: 6 }) }, { requiredKeys: [] }),
    value, // not even an element
  );
const codeSeq = fc.oneof(
  fc.constant(sq(codeItem('125007', 'DCM', 'Measurement Group'))),
  fc.constant(sq(codeItem('126000', 'DCM', 'Imaging Measurement Report'))),
  element(fc.dictionary(fc.constantFrom('00080100', '00080102', '00080104'), element(anyScalar), { maxKeys: 3 })),
);
const contentItem = fc.letrec<{ item: unknown }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyScalar,
    fc.record(
      {
        '0040A010': fc.oneof(fc.constantFrom(...SR_RELATIONSHIPS).map(cs), element(anyScalar)),
        '0040A040': fc.oneof(fc.constantFrom(...VALUE_TYPES).map(cs), element(anyScalar)),
        '0040A043': codeSeq,
        '0040A168': codeSeq,
        '0040A160': element(anyScalar),
        '0040A124': element(anyScalar),
        '0040A123': element(fc.oneof(anyScalar, fc.record({ Alphabetic: fc.string() }))),
        '0040A121': element(anyScalar),
        '0040A050': fc.oneof(fc.constantFrom('SEPARATE', 'CONTINUOUS').map(cs), element(anyScalar)),
        '0040A300': fc.oneof(fc.constant(sq({ '0040A30A': { vr: 'DS', Value: ['1.5'] }, '004008EA': sq(codeItem('mm', 'UCUM', 'mm')) })), element(fc.dictionary(fc.constantFrom('0040A30A', '004008EA', '0040A161'), element(anyScalar), { maxKeys: 3 }))),
        '00081199': fc.oneof(fc.constant(imageRef('1.2.3')), element(fc.dictionary(fc.constantFrom('00081155', '00081160', '0062000B'), element(anyScalar), { maxKeys: 3 }))),
        '00700023': fc.oneof(fc.constantFrom('POINT', 'MULTIPOINT', 'POLYLINE', 'POLYGON', 'CIRCLE', 'ELLIPSE', 'ELLIPSOID').map(cs), element(anyScalar)),
        '00700022': element(fc.oneof(fc.double({ noNaN: false }), fc.integer(), fc.string({ maxLength: 3 }))),
        '0040A130': element(anyScalar),
        '0040A138': element(anyScalar),
        '0040DB73': element(fc.oneof(fc.integer({ min: -1, max: 4 }), anyScalar)),
        '0040A730': fc.oneof(fc.array(tie('item'), { maxLength: 4 }).map((items) => sq(...items)), element(anyScalar)),
      },
      { requiredKeys: [] },
    ),
  ),
}));

function checkNode(n: SrNode): void {
  expect(KINDS.has(n.kind)).toBe(true);
  expect(typeof n.id).toBe('string');
  expect(Array.isArray(n.children)).toBe(true);
  switch (n.kind) {
    case 'invalid':
      expect(typeof n.reason).toBe('string');
      expect(n.reason.length).toBeGreaterThan(0);
      break;
    case 'num':
      if (n.value !== undefined) expect(Number.isFinite(n.value)).toBe(true);
      break;
    case 'scoord':
    case 'scoord3d':
      expect(GRAPHIC_POINTS[n.graphicType]!(n.points.length)).toBe(true);
      for (const p of n.points) {
        expect(p).toHaveLength(n.kind === 'scoord' ? 2 : 3);
        for (const x of p) expect(Number.isFinite(x)).toBe(true);
      }
      break;
    case 'image':
      expect(typeof n.image.sopInstanceUid).toBe('string');
      for (const f of n.image.frames ?? []) expect(Number.isFinite(f)).toBe(true);
      break;
    case 'text':
      expect(typeof n.text).toBe('string');
      break;
    case 'code':
      expect(typeof n.code.value).toBe('string');
      expect(typeof n.code.meaning).toBe('string');
      break;
    case 'reference':
      expect(n.target).toMatch(/^\d+(\.\d+)*$/);
      break;
    default:
      break;
  }
  if (n.concept) expect(typeof n.concept.meaning).toBe('string');
}

describe('readSrContentTree at the parsing boundary (fast-check)', () => {
  it('never throws on arbitrary nested content, and every node is a typed node or invalid with a reason', () => {
    fc.assert(
      fc.property(fc.array(contentItem.item, { maxLength: 5 }), codeSeq, (items, title) => {
        const doc = readSrContentTree({ '0040A040': cs('CONTAINER'), '0040A043': title as DicomJsonElement, '0040A730': sq(...items) });
        let count = 0;
        walkSrTree(doc.root, (n) => {
          count++;
          checkNode(n);
        });
        expect(count).toBe(doc.nodeCount);
        const report = readMeasurementReport(doc); // the measurement reader must not throw either
        if (report.kind === 'measurement-report') for (const m of report.measurements) expect(Array.isArray(m.graphics)).toBe(true);
      }),
      { numRuns: Number(process.env.DOKUEI_FUZZ_RUNS ?? 300) },
    );
  });
});
