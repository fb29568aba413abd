/**
 * The Key Object Selection writer (electron/services/reports/keyObjectWriter.ts, issue #19): the title code from
 * KEY_IMAGE_TITLES, the description, every key image (a frame of a multi-frame image by its number) in the content
 * and in the evidence, the header's patient and study; no document without an image. The rejection note that unmarks
 * a title's last key image (IHE IOCM): its CID 7011 title, the rejected documents as COMPOSITE items and evidence.
 */
import { describe, expect, it } from 'vitest';
import { getString, type DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import { readSrContentTree, type SrNode } from '../../../../../common/sr';
import { KEY_IMAGE_TITLE_IDS, KEY_IMAGE_TITLES } from '../../../../../common/sr/savedMeasurements';
import { part10ToDicomJson } from '../../../../../electron/services/dicom/datasetJson';
import {
  KEY_OBJECT_SELECTION_SOP_CLASS,
  NoKeyImagesError,
  REJECTED_FOR_QUALITY_REASONS,
  writeKeyObjectSelection,
  writeRejectionNote,
  type KeyObjectInput,
  type RejectionNoteInput,
} from '../../../../../electron/services/reports/keyObjectWriter';
import { ReportWriteError } from '../../../../../electron/services/reports/measurementReportWriter';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const ENHANCED_CT = '1.2.840.10008.5.1.4.1.1.2.1';
const ROOT = '1.2.826.0.1.3680043.9.7777.1920';
const STUDY = `${ROOT}.1`;
const PRIOR_STUDY = `${ROOT}.10`;
const sop = (n: number) => `${ROOT}.4.${n}`;

const HEADER: DicomJsonDataset = {
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Test^Key' }] },
  '00100020': { vr: 'LO', Value: ['KO-1920'] },
  '0020000D': { vr: 'UI', Value: [STUDY] },
  '00080050': { vr: 'SH', Value: ['ACC-2'] },
};

const input = (over: Partial<KeyObjectInput> = {}): KeyObjectInput => ({
  header: HEADER,
  title: 'forTeaching',
  description: 'Typical ground-glass nodule',
  images: [
    { sopClassUid: CT, sopInstanceUid: sop(1), seriesInstanceUid: `${ROOT}.2` },
    { sopClassUid: ENHANCED_CT, sopInstanceUid: sop(2), seriesInstanceUid: `${ROOT}.3`, frame: 12 },
    { sopClassUid: ENHANCED_CT, sopInstanceUid: sop(2), seriesInstanceUid: `${ROOT}.3`, frame: 40 },
    { sopClassUid: CT, sopInstanceUid: sop(3), seriesInstanceUid: `${ROOT}.11`, studyInstanceUid: PRIOR_STUDY },
  ],
  sopInstanceUid: `${ROOT}.9.1`,
  seriesInstanceUid: `${ROOT}.9`,
  instanceNumber: 2,
  seriesDescription: 'Dokuei key images',
  now: new Date(2024, 5, 2, 9, 8, 7),
  ...over,
});

const read = (i: KeyObjectInput) => {
  const json = part10ToDicomJson(writeKeyObjectSelection(i)).dataset;
  return { json, doc: readSrContentTree(json) };
};
const images = (root: SrNode) => root.children.filter((c) => c.kind === 'image');

describe('writeKeyObjectSelection', () => {
  const { json, doc } = read(input());

  it('is a Key Object Selection document (KO) in the header\'s study, titled and templated TID 2010', () => {
    expect(getString(json, '00080016')).toBe(KEY_OBJECT_SELECTION_SOP_CLASS);
    expect(getString(json, '00080060')).toBe('KO');
    expect(getString(json, '0020000D')).toBe(STUDY);
    expect(getString(json, '00100020')).toBe('KO-1920');
    expect(getString(json, '00200013')).toBe('2');
    expect(getString(json, '00080023')).toBe('20240602');
    expect(getString(json, '00080033')).toBe('090807');
    expect(doc.title).toEqual({ value: '113004', scheme: 'DCM', meaning: 'For Teaching' });
    expect(doc.root).toMatchObject({ kind: 'container', template: { id: '2010', mappingResource: 'DCMR' } });
    expect(doc.invalidCount).toBe(0);
  });

  it('gives each title its CID 7010 code', () => {
    for (const title of KEY_IMAGE_TITLE_IDS) {
      const t = KEY_IMAGE_TITLES[title];
      expect(read(input({ title })).doc.title).toEqual({ value: t.value, scheme: t.scheme, meaning: t.meaning });
    }
  });

  it('holds the description and every key image, a frame of a multi-frame image by its number', () => {
    expect(doc.root.children.find((c) => c.kind === 'text')).toMatchObject({ relationship: 'CONTAINS', concept: { value: '113012', scheme: 'DCM' }, text: 'Typical ground-glass nodule' });
    expect(images(doc.root).map((n) => (n.kind === 'image' ? [n.relationship, n.image] : []))).toEqual([
      ['CONTAINS', { sopClassUid: CT, sopInstanceUid: sop(1) }],
      ['CONTAINS', { sopClassUid: ENHANCED_CT, sopInstanceUid: sop(2), frames: [12] }],
      ['CONTAINS', { sopClassUid: ENHANCED_CT, sopInstanceUid: sop(2), frames: [40] }],
      ['CONTAINS', { sopClassUid: CT, sopInstanceUid: sop(3) }],
    ]);
  });

  it('lists every key image in the Current Requested Procedure Evidence Sequence, by study and series, each once', () => {
    const evidence = (json['0040A375']!.Value as DicomJsonDataset[]).map((s) => [
      getString(s, '0020000D'),
      (s['00081115']!.Value as DicomJsonDataset[]).map((se) => [getString(se, '0020000E'), (se['00081199']!.Value as DicomJsonDataset[]).map((i) => getString(i, '00081155'))]),
    ]);
    expect(evidence).toEqual([
      [STUDY, [[`${ROOT}.2`, [sop(1)]], [`${ROOT}.3`, [sop(2)]]]],
      [PRIOR_STUDY, [[`${ROOT}.11`, [sop(3)]]]],
    ]);
  });

  it('leaves out what is not given, and names the observer when it is', () => {
    const bare = read(input({ description: '  ', observerName: undefined })).doc.root;
    expect(bare.children.some((c) => c.kind === 'text' || c.kind === 'pname')).toBe(false);
    const named = read(input({ observerName: 'Yamada^Hanako', language: 'ja', description: '教育用' }));
    expect(named.doc.root.children.find((c) => c.kind === 'pname')).toMatchObject({ relationship: 'HAS OBS CONTEXT', concept: { value: '121008' } });
    expect(named.doc.root.children.find((c) => c.kind === 'code')).toMatchObject({ concept: { value: '121049' }, code: { value: 'ja', scheme: 'RFC5646' } });
    expect(named.doc.root.children.find((c) => c.kind === 'text')).toMatchObject({ text: '教育用' });
    expect(named.json['00080005']!.Value).toEqual(['ISO_IR 192']);
  });

  it('refuses a selection without images, and an image without its UIDs', () => {
    expect(() => writeKeyObjectSelection(input({ images: [] }))).toThrow(NoKeyImagesError);
    expect(() => writeKeyObjectSelection(input({ images: [] }))).toThrow(ReportWriteError);
    expect(() => writeKeyObjectSelection(input({ images: [{ sopClassUid: CT, sopInstanceUid: sop(1), seriesInstanceUid: '' }] }))).toThrow(ReportWriteError);
    expect(() => writeKeyObjectSelection(input({ images: [{ sopClassUid: CT, sopInstanceUid: sop(1), seriesInstanceUid: `${ROOT}.2`, frame: 0 }] }))).toThrow(ReportWriteError);
  });
});

describe('writeRejectionNote', () => {
  const rejected = [
    { sopClassUid: KEY_OBJECT_SELECTION_SOP_CLASS, sopInstanceUid: `${ROOT}.9.1`, seriesInstanceUid: `${ROOT}.9` },
    { sopClassUid: KEY_OBJECT_SELECTION_SOP_CLASS, sopInstanceUid: `${ROOT}.9.2`, seriesInstanceUid: `${ROOT}.9` },
  ];
  const note = (over: Partial<RejectionNoteInput> = {}) => {
    const { images: _images, title: _title, description: _description, ...frame } = input();
    return part10ToDicomJson(writeRejectionNote({ ...frame, sopInstanceUid: `${ROOT}.9.3`, rejected, description: 'Key images unmarked: For Teaching', ...over })).dataset;
  };

  it('is a KO titled "Rejected for Quality Reasons" (CID 7011) whose COMPOSITE items are the rejected documents, all in its evidence', () => {
    const json = note();
    const doc = readSrContentTree(json);
    expect(getString(json, '00080016')).toBe(KEY_OBJECT_SELECTION_SOP_CLASS);
    expect(getString(json, '00080060')).toBe('KO');
    expect(getString(json, '0020000D')).toBe(STUDY);
    expect(doc.title).toEqual({ value: REJECTED_FOR_QUALITY_REASONS.value, scheme: 'DCM', meaning: 'Rejected for Quality Reasons' });
    expect(doc.root.children.filter((c) => c.kind === 'composite').map((c) => c.kind === 'composite' && [c.relationship, c.ref.sopClassUid, c.ref.sopInstanceUid])).toEqual(
      rejected.map((r) => ['CONTAINS', KEY_OBJECT_SELECTION_SOP_CLASS, r.sopInstanceUid]),
    );
    expect(doc.root.children.some((c) => c.kind === 'image')).toBe(false);
    expect(doc.root.children.find((c) => c.kind === 'text')).toMatchObject({ text: 'Key images unmarked: For Teaching' });
    const evidence = (json['0040A375']!.Value as DicomJsonDataset[]).flatMap((s) => (s['00081115']!.Value as DicomJsonDataset[]).flatMap((se) => (se['00081199']!.Value as DicomJsonDataset[]).map((i) => getString(i, '00081155'))));
    expect(evidence).toEqual(rejected.map((r) => r.sopInstanceUid));
  });

  it('refuses a note that rejects nothing, or a document without its UIDs', () => {
    expect(() => note({ rejected: [] })).toThrow(ReportWriteError);
    expect(() => note({ rejected: [{ ...rejected[0]!, seriesInstanceUid: '' }] })).toThrow(ReportWriteError);
  });
});
