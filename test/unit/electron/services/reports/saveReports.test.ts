/**
 * Measurements and key images saved into a real (encrypted) archive as new versions of the viewer's documents:
 * one series per study and kind, numbered on, each SR naming what it includes as predecessors, the archive's
 * headers (not the request) giving patient, series and SOP class; a study not in the archive is refused; every
 * save is audited. Data: the PET/CT phantom's CT.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPersonName, getString, type DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import type { SeriesInstanceUid, StudyInstanceUid } from '../../../../../common/dicom/uid';
import { Tag } from '../../../../../common/dicom/tags';
import { savedFromSr } from '../../../../../common/sr/savedFromSr';
import type { SavedMeasurement } from '../../../../../common/sr/savedMeasurements';
import { currentKeyObjects, DOKUEI_KEY_IMAGES_SERIES, DOKUEI_MEASUREMENTS_SERIES, predecessorsOf, readKeyObject } from '../../../../../common/sr/studyDocuments';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { recordCsvExport, ReportNotLocalError, saveKeyImages, saveMeasurements } from '../../../../../electron/services/reports/saveReports';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { openTestAudit, outcomeDescription, type TestAudit } from '../../../../support/auditTrail';
import { writePetCtPhantom, type PetCtPhantom } from '../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

let dir: string;
let audit: TestAudit;
let store: EncryptedArchive;
let phantom: PetCtPhantom;
let ctSops: string[];

beforeAll(async () => {
  dir = await makeTempDir('dokuei-reports-save-');
  audit = await openTestAudit(path.join(dir, 'data'));
  phantom = writePetCtPhantom(path.join(dir, 'phantom'), { ct: { rows: 8, columns: 8, slices: 2 }, pet: { rows: 8, columns: 8, slices: 2 } });
  store = await openTestArchive(path.join(dir, 'archive'));
  expect((await importPaths(store, phantom.ctFiles)).failed).toEqual([]);
  const st = phantom.truth.studyInstanceUid as StudyInstanceUid;
  ctSops = (store.instances(st, phantom.truth.ct.seriesInstanceUid as SeriesInstanceUid) ?? []).map((d) => getString(d, Tag.SOPInstanceUID)!.trim());
});
afterAll(async () => {
  await store.close();
  await audit.log.close();
  await removeDir(dir);
});

const length = (uid: string, sop: string, mm: number): SavedMeasurement => ({
  trackingUid: uid,
  tool: 'Length',
  // The viewer does not need to know the SOP class or series: the archive's headers fill them in.
  image: { sopInstanceUid: sop },
  points: [
    [1.5, 2.5],
    [6.5, 2.5],
  ],
  values: [{ quantity: 'length', value: mm, unit: 'mm' }],
});

const readSaved = async (series: string, sop: string) => {
  const st = phantom.truth.studyInstanceUid as StudyInstanceUid;
  const ds = store.instanceMetadata(st, series as SeriesInstanceUid, sop as never);
  expect(ds).toBeDefined();
  return ds!;
};

describe('saveMeasurements', () => {
  it('writes versions into one series, each naming the one before it, with the archive’s series and SOP class', async () => {
    const st = phantom.truth.studyInstanceUid;
    const first = await saveMeasurements(store, { studyInstanceUid: st, measurements: [length('2.25.1001', ctSops[0]!, 12.5)], predecessors: [] }, { audit: audit.sink });
    const second = await saveMeasurements(
      store,
      { studyInstanceUid: st, measurements: [length('2.25.1001', ctSops[0]!, 12.5), length('2.25.1002', ctSops[1]!, 3)], predecessors: [first.sopInstanceUid] },
      { audit: audit.sink },
    );
    expect(second.seriesInstanceUid).toBe(first.seriesInstanceUid);
    expect(second.sopInstanceUid).not.toBe(first.sopInstanceUid);

    const ds = await readSaved(second.seriesInstanceUid, second.sopInstanceUid);
    expect(getString(ds, '0008103E')).toBe(DOKUEI_MEASUREMENTS_SERIES);
    expect(getString(ds, Tag.Modality)).toBe('SR');
    expect(getString(ds, '00200013')).toBe('2');
    expect(getString(ds, Tag.PatientID)).toBe(getString(store.instances(st as StudyInstanceUid)![0]!, Tag.PatientID));
    expect(predecessorsOf(ds)).toEqual([first.sopInstanceUid]);
    const { measurements } = savedFromSr(ds);
    expect(measurements.map((m) => [m.trackingUid, m.tool, m.image?.sopInstanceUid, m.values[0]?.value])).toEqual([
      ['2.25.1001', 'Length', ctSops[0], 12.5],
      ['2.25.1002', 'Length', ctSops[1], 3],
    ]);
    expect(measurements[0]!.image?.sopClassUid).toBe('1.2.840.10008.5.1.4.1.1.2');

    const records = await audit.records();
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(outcomeDescription(records.at(-1)!.xml)).toBe('Measurements saved (2)');
  });

  it('saves an empty version (every measurement deleted)', async () => {
    const saved = await saveMeasurements(store, { studyInstanceUid: phantom.truth.studyInstanceUid, measurements: [], predecessors: [] });
    expect(savedFromSr(await readSaved(saved.seriesInstanceUid, saved.sopInstanceUid)).measurements).toEqual([]);
  });

  it('refuses a study or an image the archive does not hold', async () => {
    await expect(saveMeasurements(store, { studyInstanceUid: '1.2.3.4.5', measurements: [], predecessors: [] })).rejects.toBeInstanceOf(ReportNotLocalError);
    await expect(saveMeasurements(store, { studyInstanceUid: phantom.truth.studyInstanceUid, measurements: [length('2.25.9', '1.2.3.999', 1)], predecessors: [] })).rejects.toThrow(/not in the local archive/);
  });
});

describe('saveKeyImages', () => {
  it('writes a KO per title, versions in one series, readable back with its images', async () => {
    const st = phantom.truth.studyInstanceUid;
    const a = await saveKeyImages(store, { studyInstanceUid: st, title: 'forSurgery', images: [{ sopInstanceUid: ctSops[1]! }] }, { audit: audit.sink });
    const b = await saveKeyImages(store, { studyInstanceUid: st, title: 'forSurgery', images: [{ sopInstanceUid: ctSops[1]! }, { sopInstanceUid: ctSops[0]! }] });
    expect(b.seriesInstanceUid).toBe(a.seriesInstanceUid);
    const ko = readKeyObject(await readSaved(b.seriesInstanceUid, b.sopInstanceUid));
    expect(ko).toMatchObject({ titleId: 'forSurgery', dokuei: true });
    expect(ko!.images.map((i) => [i.sopInstanceUid, i.seriesInstanceUid])).toEqual([
      [ctSops[1], phantom.truth.ct.seriesInstanceUid],
      [ctSops[0], phantom.truth.ct.seriesInstanceUid],
    ]);
    expect(getString(await readSaved(b.seriesInstanceUid, b.sopInstanceUid), '0008103E')).toBe(DOKUEI_KEY_IMAGES_SERIES);
  });

  it('unmarking a title\'s last key image writes a rejection note of its saved versions: reopened, the title has none; audited', async () => {
    const st = phantom.truth.studyInstanceUid;
    const current = () => {
      const docs = (store.instances(st as StudyInstanceUid) ?? []).flatMap((ds) => readKeyObject(ds) ?? []);
      return currentKeyObjects(docs).filter((d) => d.titleId === 'forConference').map((d) => d.images.map((i) => i.sopInstanceUid));
    };
    await expect(saveKeyImages(store, { studyInstanceUid: st, title: 'forConference', images: [] })).rejects.toThrow(/no saved key images under "For Conference"/);
    const a = await saveKeyImages(store, { studyInstanceUid: st, title: 'forConference', images: [{ sopInstanceUid: ctSops[0]! }] });
    const b = await saveKeyImages(store, { studyInstanceUid: st, title: 'forConference', images: [{ sopInstanceUid: ctSops[1]! }] });
    expect(current()).toEqual([[ctSops[1]]]);
    const before = (await audit.records()).length;
    const note = await saveKeyImages(store, { studyInstanceUid: st, title: 'forConference', images: [] }, { audit: audit.sink });
    expect(note.seriesInstanceUid).toBe(a.seriesInstanceUid);
    const read = readKeyObject(await readSaved(note.seriesInstanceUid, note.sopInstanceUid))!;
    // The versions the title still showed (the newest; the older one was already replaced) are rejected.
    expect(read.rejects).toEqual([b.sopInstanceUid]);
    expect(current()).toEqual([]);
    expect((await audit.records()).slice(before).map((r) => outcomeDescription(r.xml))).toEqual([expect.stringMatching(/Key images unmarked \(For Conference\)/)]);
    // The other titles keep theirs; marking again makes the title current again.
    expect(currentKeyObjects((store.instances(st as StudyInstanceUid) ?? []).flatMap((ds) => readKeyObject(ds) ?? [])).some((d) => d.titleId === 'forSurgery')).toBe(true);
    await expect(saveKeyImages(store, { studyInstanceUid: st, title: 'forConference', images: [] })).rejects.toThrow(/no saved key images/);
    await saveKeyImages(store, { studyInstanceUid: st, title: 'forConference', images: [{ sopInstanceUid: ctSops[0]! }] });
    expect(current()).toEqual([[ctSops[0]]]);
  });
});

describe('the observer', () => {
  /** The Person Observer Name (121008) of a document's observer context, as read back from the archive. */
  const observerOf = (ds: DicomJsonDataset) => {
    const items = (ds['0040A730']?.Value ?? []) as DicomJsonDataset[];
    const pn = items.find((i) => getString((i['0040A043']?.Value?.[0] ?? {}) as DicomJsonDataset, '00080100') === '121008');
    const name = pn ? getPersonName(pn, '0040A123') : undefined;
    return name ? [name.Alphabetic ?? '', name.Ideographic ?? '', name.Phonetic ?? ''].join('=').replace(/=+$/, '') : undefined;
  };

  it('names who saved as the Person Observer of the SR, the KO and the rejection note (a Japanese name too)', async () => {
    const st = phantom.truth.studyInstanceUid;
    const sr = await saveMeasurements(store, { studyInstanceUid: st, measurements: [length('2.25.2001', ctSops[0]!, 4)], predecessors: [] }, { observer: 'dr.sato' });
    expect(observerOf(await readSaved(sr.seriesInstanceUid, sr.sopInstanceUid))).toBe('dr.sato');
    const ko = await saveKeyImages(store, { studyInstanceUid: st, title: 'forTeaching', images: [{ sopInstanceUid: ctSops[0]! }] }, { observer: 'Sato^Hanako=佐藤^花子' });
    expect(observerOf(await readSaved(ko.seriesInstanceUid, ko.sopInstanceUid))).toBe('Sato^Hanako=佐藤^花子');
    const note = await saveKeyImages(store, { studyInstanceUid: st, title: 'forTeaching', images: [] }, { observer: 'HOSP\\sato' });
    expect(observerOf(await readSaved(note.seriesInstanceUid, note.sopInstanceUid))).toBe('HOSPsato');
    // Not told: the SR says it does not know (TID 1001 needs a name), the KO leaves the observer out.
    const anonymous = await saveMeasurements(store, { studyInstanceUid: st, measurements: [], predecessors: [] });
    expect(observerOf(await readSaved(anonymous.seriesInstanceUid, anonymous.sopInstanceUid))).toBe('unknown^unknown');
  });
});

describe('recordCsvExport', () => {
  it('records an Export naming the file, the study and its patient; nothing to record in without an audit trail', async () => {
    const st = phantom.truth.studyInstanceUid;
    const before = (await audit.records()).length;
    expect(recordCsvExport(store, { studyInstanceUid: st, fileName: `measurements-${st}.csv`, rows: 7 }, { audit: audit.sink })).toBe(true);
    const [record, ...more] = (await audit.records()).slice(before);
    expect(more).toEqual([]);
    expect(record).toMatchObject({ eventId: '110106', studyUids: [st], patientIds: ['DOKUEI-PETCT-PHANTOM'] });
    expect(outcomeDescription(record!.xml)).toBe('Measurements exported as CSV (7 rows)');
    expect(record!.xml).toContain(`download:measurements-${st}.csv`);
    expect(recordCsvExport(store, { studyInstanceUid: st, fileName: 'x.csv', rows: 1 })).toBe(false);
  });
});
