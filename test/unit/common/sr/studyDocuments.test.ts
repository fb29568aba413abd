/**
 * The study's measurement reports and key object documents as the viewer finds them on reopening
 * (common/sr/studyDocuments.ts, issue #19): the current reports are those no other report names as predecessor
 * (so a deletion lasts, and another viewer's report is not lost), oldest first; a Key Object Selection document
 * reads back with its title, description, images, their series and frames; of the viewer's own KOs the newest per
 * title is current, and every other writer's is shown.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import type { SavedMeasurement } from '../../../../common/sr/savedMeasurements';
import {
  currentKeyObjects,
  currentReports,
  DOKUEI_KEY_IMAGES_SERIES,
  DOKUEI_MEASUREMENTS_SERIES,
  isDokueiDocument,
  predecessorsOf,
  readKeyObject,
  type KeyImageDocument,
} from '../../../../common/sr/studyDocuments';
import { part10ToDicomJson } from '../../../../electron/services/dicom/datasetJson';
import { KEY_OBJECT_SELECTION_SOP_CLASS, writeKeyObjectSelection, writeRejectionNote, type KeyObjectInput } from '../../../../electron/services/reports/keyObjectWriter';
import { COMPREHENSIVE_3D_SR_SOP_CLASS, writeMeasurementReport } from '../../../../electron/services/reports/measurementReportWriter';
import { CT_IMAGE, ENHANCED_CT_IMAGE } from './srFixtures';

const ROOT = '1.2.826.0.1.3680043.9.7777.1921';
const STUDY = `${ROOT}.1`;
const CT_SERIES = `${ROOT}.2`;
const ENHANCED_SERIES = `${ROOT}.3`;
const sop = (n: number) => `${ROOT}.4.${n}`;
const ctImage = (n: number) => ({ sopClassUid: CT_IMAGE, sopInstanceUid: sop(n), seriesInstanceUid: CT_SERIES });
const enhancedImage = (frame?: number) => ({ sopClassUid: ENHANCED_CT_IMAGE, sopInstanceUid: sop(100), seriesInstanceUid: ENHANCED_SERIES, ...(frame ? { frame } : {}) });

const HEADER: DicomJsonDataset = {
  '00080016': { vr: 'UI', Value: [CT_IMAGE] },
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Test^Documents' }] },
  '00100020': { vr: 'LO', Value: ['SR-1921'] },
  '0020000D': { vr: 'UI', Value: [STUDY] },
};

// ---------------------------------------------------------------------------------------------------------
// Documents by hand: only what versions are told by

const ui = (v: string) => ({ vr: 'UI', Value: [v] });
function doc(uid: string, o: { date?: string; time?: string; instance?: number; predecessors?: string[]; series?: string } = {}): { ds: DicomJsonDataset; uid: string } {
  const ds: DicomJsonDataset = {
    '00080016': ui(COMPREHENSIVE_3D_SR_SOP_CLASS),
    '00080018': ui(uid),
    '00080060': { vr: 'CS', Value: ['SR'] },
    '0020000D': ui(STUDY),
    '0020000E': ui(o.series ?? `${ROOT}.9`),
    ...(o.date ? { '00080023': { vr: 'DA', Value: [o.date] } } : {}),
    ...(o.time ? { '00080033': { vr: 'TM', Value: [o.time] } } : {}),
    ...(o.instance !== undefined ? { '00200013': { vr: 'IS', Value: [o.instance] } } : {}),
  };
  if (o.predecessors?.length) {
    ds['0040A360'] = {
      vr: 'SQ',
      Value: [{ '0020000D': ui(STUDY), '00081115': { vr: 'SQ', Value: [{ '0020000E': ui(`${ROOT}.9`), '00081199': { vr: 'SQ', Value: o.predecessors.map((p) => ({ '00081150': ui(COMPREHENSIVE_3D_SR_SOP_CLASS), '00081155': ui(p) })) } }] } }],
    };
  }
  return { ds, uid };
}
const uids = (list: readonly { uid: string }[]) => list.map((d) => d.uid);

// ---------------------------------------------------------------------------------------------------------
// Documents as the viewer writes them

const length = (uid: string, mm: number): SavedMeasurement => ({ trackingUid: uid, tool: 'Length', image: ctImage(1), points: [[1, 2], [mm, 2]], values: [{ quantity: 'length', value: mm, unit: 'mm' }] });
function report(n: number, at: Date, measurements: SavedMeasurement[], predecessors: string[] = [], seriesDescription = DOKUEI_MEASUREMENTS_SERIES) {
  const bytes = writeMeasurementReport({
    header: HEADER,
    measurements,
    images: [ctImage(1)],
    predecessors: predecessors.map((p) => ({ studyInstanceUid: STUDY, seriesInstanceUid: `${ROOT}.9`, sopClassUid: COMPREHENSIVE_3D_SR_SOP_CLASS, sopInstanceUid: p })),
    sopInstanceUid: `${ROOT}.9.${n}`,
    seriesInstanceUid: `${ROOT}.9`,
    instanceNumber: n,
    seriesDescription,
    now: at,
  });
  return { ds: part10ToDicomJson(bytes).dataset, uid: `${ROOT}.9.${n}` };
}
function keyObject(n: number, over: Partial<KeyObjectInput> = {}): DicomJsonDataset {
  return part10ToDicomJson(
    writeKeyObjectSelection({
      header: HEADER,
      title: 'forTeaching',
      images: [ctImage(1)],
      sopInstanceUid: `${ROOT}.8.${n}`,
      seriesInstanceUid: `${ROOT}.8`,
      instanceNumber: n,
      seriesDescription: DOKUEI_KEY_IMAGES_SERIES,
      now: new Date(2024, 2, 1, 10, 0, 0),
      ...over,
    }),
  ).dataset;
}

/** The viewer's rejection note of its own KOs (`${ROOT}.8.n`). */
function rejectionNote(n: number, rejected: string[], now = new Date(2024, 2, 1, 10, 30, 0)): DicomJsonDataset {
  return part10ToDicomJson(
    writeRejectionNote({
      header: HEADER,
      rejected: rejected.map((uid) => ({ sopClassUid: KEY_OBJECT_SELECTION_SOP_CLASS, sopInstanceUid: uid, seriesInstanceUid: `${ROOT}.8` })),
      description: 'Key images unmarked: For Teaching',
      sopInstanceUid: `${ROOT}.8.${n}`,
      seriesInstanceUid: `${ROOT}.8`,
      instanceNumber: n,
      seriesDescription: DOKUEI_KEY_IMAGES_SERIES,
      now,
    }),
  ).dataset;
}

describe('currentReports', () => {
  it('keeps the last of a chain of versions (A ← B ← C gives C) and a report from elsewhere no version names', () => {
    const a = report(1, new Date(2024, 2, 1, 10, 0, 0), [length('2.25.1', 10)]);
    const b = report(2, new Date(2024, 2, 1, 10, 5, 0), [length('2.25.1', 12)], [a.uid]);
    const c = report(3, new Date(2024, 2, 1, 10, 9, 0), [], [b.uid]);
    // Another viewer's report, written before the chain ended and never drawn into it.
    const d = report(4, new Date(2024, 2, 1, 10, 7, 0), [length('2.25.9', 5)], [], 'Measurements');
    expect(predecessorsOf(c.ds)).toEqual([b.uid]);
    // Whatever order the archive lists them in.
    for (const order of [[a, b, c, d], [d, c, b, a], [c, a, d, b]]) expect(uids(currentReports(order))).toEqual([d.uid, c.uid]);
    // The chain's last version deleted every measurement: still it, not an earlier version, is current.
    expect(uids(currentReports([a, b, c]))).toEqual([c.uid]);
    // A report the viewer drew into its version is no longer current on its own.
    const e = report(5, new Date(2024, 2, 1, 11, 0, 0), [length('2.25.9', 5)], [c.uid, d.uid]);
    expect(uids(currentReports([a, b, c, d, e]))).toEqual([e.uid]);
  });

  it('keeps two versions made from the same one (two readers at once): neither is lost', () => {
    const a = doc('1.1', { date: '20240301', time: '100000' });
    const b = doc('1.2', { date: '20240301', time: '100500', predecessors: ['1.1'] });
    const c = doc('1.3', { date: '20240301', time: '100400', predecessors: ['1.1'] });
    expect(uids(currentReports([a, b, c]))).toEqual(['1.3', '1.2']);
  });

  it('orders the current reports oldest first by Content Date and Time, then Instance Number', () => {
    const list = [
      doc('2.1', { date: '20240302', time: '080000' }),
      doc('2.2', { date: '20240301', time: '235959' }),
      doc('2.3', { date: '20240301', time: '120000', instance: 10 }),
      doc('2.4', { date: '20240301', time: '120000', instance: 9 }),
      doc('2.5', { date: '20240301', time: '12' }),
    ];
    expect(uids(currentReports(list))).toEqual(['2.5', '2.4', '2.3', '2.2', '2.1']);
  });

  it('orders times of any precision by the time they say (HHMM, HHMMSS, HHMMSS.FFFFFF)', () => {
    const list = [
      doc('3.1', { date: '20240301', time: '093000.5' }),
      doc('3.2', { date: '20240301', time: '093000' }),
      doc('3.3', { date: '20240301', time: '0930' }),
      doc('3.4', { date: '20240301', time: '093001' }),
      doc('3.5', { date: '20240301', time: '093000.25' }),
      doc('3.6', { date: '20240301', time: '09:31:00' }),
    ];
    const got = uids(currentReports(list));
    // 09:30 and 09:30:00 say the same time (their order is the instance number's, here none).
    expect(got.slice(0, 2).sort()).toEqual(['3.2', '3.3']);
    expect(got.slice(2)).toEqual(['3.5', '3.1', '3.4', '3.6']);
  });

  it('for any documents and predecessors: exactly those no other document names, oldest first', () => {
    const arb = fc
      .uniqueArray(fc.integer({ min: 0, max: 86399 }), { minLength: 1, maxLength: 12 })
      .chain((seconds) => fc.tuple(fc.constant(seconds), fc.array(fc.array(fc.nat({ max: seconds.length + 2 }), { maxLength: 4 }), { minLength: seconds.length, maxLength: seconds.length })));
    fc.assert(
      fc.property(arb, ([seconds, named]) => {
        const hhmmss = (s: number) => [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join('');
        // Predecessor indices past the list are documents the study does not hold (any more).
        const docs = seconds.map((s, i) => doc(`5.${i}`, { date: '20240301', time: hhmmss(s), predecessors: named[i]!.filter((k) => k !== i).map((k) => `5.${k}`) }));
        const replaced = new Set(docs.flatMap((d) => predecessorsOf(d.ds)));
        const want = docs
          .map((d, i) => ({ uid: d.uid, at: seconds[i]! }))
          .filter((d) => !replaced.has(d.uid))
          .sort((x, y) => x.at - y.at)
          .map((d) => d.uid);
        expect(uids(currentReports(docs))).toEqual(want);
        expect(uids(currentReports([...docs].reverse()))).toEqual(want);
      }),
    );
  });

  it('gives nothing for no documents', () => {
    expect(currentReports([])).toEqual([]);
  });
});

describe('readKeyObject', () => {
  const ds = keyObject(1, {
    title: 'forTeaching',
    description: 'Tumour board, 3 March',
    images: [ctImage(1), enhancedImage(3), enhancedImage(5), ctImage(2)],
  });

  it('reads the title (the viewer\'s id for it), the description, and that the viewer wrote it', () => {
    const ko = readKeyObject(ds)!;
    expect(ko).toMatchObject({ sopInstanceUid: `${ROOT}.8.1`, seriesInstanceUid: `${ROOT}.8`, title: { value: '113004', scheme: 'DCM', meaning: 'For Teaching' }, titleId: 'forTeaching', description: 'Tumour board, 3 March', dokuei: true });
    expect(isDokueiDocument(ds)).toBe(true);
  });

  it('reads the images in order, each with its series from the evidence, a multi-frame image once per frame', () => {
    expect(readKeyObject(ds)!.images).toEqual([
      { sopInstanceUid: sop(1), sopClassUid: CT_IMAGE, seriesInstanceUid: CT_SERIES },
      { sopInstanceUid: sop(100), sopClassUid: ENHANCED_CT_IMAGE, seriesInstanceUid: ENHANCED_SERIES, frame: 3 },
      { sopInstanceUid: sop(100), sopClassUid: ENHANCED_CT_IMAGE, seriesInstanceUid: ENHANCED_SERIES, frame: 5 },
      { sopInstanceUid: sop(2), sopClassUid: CT_IMAGE, seriesInstanceUid: CT_SERIES },
    ]);
  });

  it('reads each title the viewer offers back to its id', () => {
    for (const title of ['ofInterest', 'forSurgery', 'forTeaching', 'forReferringProvider', 'forConference', 'forTherapy', 'forResearch'] as const) {
      expect(readKeyObject(keyObject(2, { title }))?.titleId, title).toBe(title);
    }
  });

  it('reads another writer\'s document: its title even when the viewer offers none like it, not as the viewer\'s', () => {
    const other = keyObject(3, { seriesDescription: 'Key images', description: undefined });
    const concept = (other['0040A043']!.Value as DicomJsonDataset[])[0]!;
    concept['00080100'] = { vr: 'SH', Value: ['113013'] };
    concept['00080104'] = { vr: 'LO', Value: ['Best In Set'] };
    const ko = readKeyObject(other)!;
    expect(ko).toMatchObject({ title: { value: '113013', meaning: 'Best In Set' }, dokuei: false, images: [{ sopInstanceUid: sop(1), seriesInstanceUid: CT_SERIES }] });
    expect(ko.titleId).toBeUndefined();
    expect(ko.description).toBeUndefined();
    expect(ko.rejects).toBeUndefined();
  });

  it('reads a rejection note (IHE IOCM, CID 7011 title) as the documents it rejects, never as key images', () => {
    const note = readKeyObject(rejectionNote(20, [`${ROOT}.8.1`, `${ROOT}.8.2`]))!;
    expect(note).toMatchObject({ title: { value: '113001', scheme: 'DCM', meaning: 'Rejected for Quality Reasons' }, dokuei: true, images: [], rejects: [`${ROOT}.8.1`, `${ROOT}.8.2`] });
    expect(note.titleId).toBeUndefined();
    // Another writer's note titled by another CID 7011 code, rejecting an image: the same.
    const other = keyObject(21, { seriesDescription: 'IOCM' });
    const concept = (other['0040A043']!.Value as DicomJsonDataset[])[0]!;
    concept['00080100'] = { vr: 'SH', Value: ['113037'] };
    concept['00080104'] = { vr: 'LO', Value: ['Rejected for Patient Safety Reasons'] };
    expect(readKeyObject(other)).toMatchObject({ images: [], rejects: [sop(1)], dokuei: false });
  });

  it('gives undefined for what is not a key object selection', () => {
    expect(readKeyObject(report(1, new Date(2024, 2, 1), [length('2.25.1', 3)]).ds)).toBeUndefined();
    expect(readKeyObject(HEADER)).toBeUndefined();
    expect(readKeyObject({})).toBeUndefined();
    // A KO without the UIDs that name it cannot be listed.
    const nameless = structuredClone(ds);
    delete nameless['00080018'];
    expect(readKeyObject(nameless)).toBeUndefined();
  });

  it('whatever an element of a KO is changed to, never throws; an image it gives has a SOP Instance UID', () => {
    const all = (d: DicomJsonDataset): { holder: DicomJsonDataset; tag: string }[] =>
      Object.entries(d).flatMap(([tag, el]) => [{ holder: d, tag }, ...(el.vr === 'SQ' ? ((el.Value ?? []) as DicomJsonDataset[]).filter((v) => v && typeof v === 'object').flatMap(all) : [])]);
    const count = all(ds).length;
    const junk = fc.oneof(fc.constant(undefined), fc.constant([]), fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.double(), fc.integer(), fc.constant(null)), { maxLength: 3 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: count - 1 }), junk), { minLength: 1, maxLength: 5 }), (changes) => {
        const copy = structuredClone(ds);
        const at = all(copy);
        for (const [i, value] of changes) {
          const { holder, tag } = at[i]!;
          if (value === undefined) delete holder[tag];
          else holder[tag] = { ...holder[tag]!, Value: value as never };
        }
        const ko = readKeyObject(copy);
        for (const im of ko?.images ?? []) expect(im.sopInstanceUid).toEqual(expect.any(String));
      }),
      { numRuns: 200 },
    );
  });
});

describe('currentKeyObjects', () => {
  const read = (ds: DicomJsonDataset): KeyImageDocument => readKeyObject(ds)!;

  it('keeps the newest of the viewer\'s own per title, and every other writer\'s', () => {
    const teaching1 = read(keyObject(1, { title: 'forTeaching', now: new Date(2024, 2, 1, 10, 0, 0) }));
    const teaching2 = read(keyObject(2, { title: 'forTeaching', images: [ctImage(1), ctImage(2)], now: new Date(2024, 2, 1, 11, 0, 0) }));
    const interest = read(keyObject(3, { title: 'ofInterest', now: new Date(2024, 2, 1, 9, 0, 0) }));
    const foreign1 = read(keyObject(4, { title: 'forTeaching', seriesDescription: 'Key images', now: new Date(2024, 2, 1, 8, 0, 0) }));
    const foreign2 = read(keyObject(5, { title: 'forTeaching', seriesDescription: 'Key images', now: new Date(2024, 2, 1, 12, 0, 0) }));
    for (const order of [
      [teaching1, teaching2, interest, foreign1, foreign2],
      [foreign2, teaching2, foreign1, interest, teaching1],
    ]) {
      const current = currentKeyObjects(order);
      expect(current.map((d) => d.sopInstanceUid).sort()).toEqual([teaching2, interest, foreign1, foreign2].map((d) => d.sopInstanceUid).sort());
    }
  });

  it('shows nothing of a title whose newest version a note rejects (its last key image unmarked), not an older version; a later version shows again', () => {
    const v1 = read(keyObject(1, { title: 'forTeaching', now: new Date(2024, 2, 1, 10, 0, 0) }));
    const v2 = read(keyObject(2, { title: 'forTeaching', images: [ctImage(2)], now: new Date(2024, 2, 1, 10, 10, 0) }));
    const interest = read(keyObject(3, { title: 'ofInterest', now: new Date(2024, 2, 1, 10, 20, 0) }));
    const note = read(rejectionNote(4, [v1.sopInstanceUid, v2.sopInstanceUid], new Date(2024, 2, 1, 10, 30, 0)));
    for (const order of [[v1, v2, interest, note], [note, interest, v2, v1]]) {
      expect(currentKeyObjects(order).map((d) => d.sopInstanceUid)).toEqual([interest.sopInstanceUid]);
    }
    // Only the newest rejected: the title is still empty (the older version was replaced already).
    expect(currentKeyObjects([v1, v2, read(rejectionNote(5, [v2.sopInstanceUid]))]).map((d) => d.sopInstanceUid)).toEqual([]);
    // Marked again after the note: the new version is current.
    const v6 = read(keyObject(6, { title: 'forTeaching', images: [ctImage(3)], now: new Date(2024, 2, 1, 10, 40, 0) }));
    expect(currentKeyObjects([v1, v2, note, v6]).map((d) => d.sopInstanceUid)).toEqual([v6.sopInstanceUid]);
    // Another writer's KO that a note (anyone's) rejects is not shown either.
    const foreign = read(keyObject(7, { seriesDescription: 'Key images' }));
    expect(currentKeyObjects([foreign, read(rejectionNote(8, [foreign.sopInstanceUid]))])).toEqual([]);
  });

  it('tells versions saved in the same second apart by instance number (10 after 9)', () => {
    const at = new Date(2024, 2, 1, 10, 0, 0);
    const v9 = read(keyObject(9, { now: at }));
    const v10 = read(keyObject(10, { now: at }));
    expect(currentKeyObjects([v10, v9]).map((d) => d.sopInstanceUid)).toEqual([v10.sopInstanceUid]);
    expect(currentKeyObjects([v9, v10]).map((d) => d.sopInstanceUid)).toEqual([v10.sopInstanceUid]);
  });
});
