/**
 * DicomwebPacsNode against a real Orthanc holding a real CT (plus a second series made from some of its
 * slices): echo, QIDO at every level equal to what was uploaded, WADO-RS retrieve into the real local
 * store with every instance arriving and its pixel data byte for byte the source's, progress, and a
 * cancel that leaves only complete instances and no temp files.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { DicomwebPacsNode } from '../../../electron/services/pacs/dicomweb/dicomwebPacsNode';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { dicomFilesIn, evenlySpaced, realCtDir } from '../../support/data';
import { expectSameBytes, readDicomFile, type DicomFileInfo } from '../../support/dicomFiles';
import { stringValue } from '../../support/dicomweb';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { openTestArchive } from '../../support/testArchive';
import { expectMonotonicProgress, nodeSettings, pacsErrorOf, replaceUids, sibling, storeUnderTest } from './helpers';

const SUBSET = 24;
const DERIVED = 4;

describe('DicomwebPacsNode with a real Orthanc and a real CT', () => {
  let orthanc: OrthancInstance | undefined;
  let node: DicomwebPacsNode;
  let ct: DicomFileInfo[] = [];
  const derived: DicomFileInfo[] = [];
  let study = '';
  let ctSeries = '';
  let derivedSeries = '';
  const dirs: string[] = [];
  const bySop = new Map<string, DicomFileInfo>();

  beforeAll(async () => {
    ct = await Promise.all(evenlySpaced(dicomFilesIn(realCtDir()), SUBSET).map(readDicomFile));
    expect(ct).toHaveLength(SUBSET);
    study = ct[0]!.study;
    ctSeries = ct[0]!.series;
    expect(new Set(ct.map((f) => f.series))).toEqual(new Set([ctSeries]));

    // A second series of the same study: some slices with new Series and SOP Instance UIDs (same lengths,
    // so the files stay byte-identical elsewhere, pixel data included).
    const derivedDir = await makeTempDir('dokuei-dicomweb-derived-');
    dirs.push(derivedDir);
    derivedSeries = sibling(ctSeries, 1);
    const existing = new Set([study, ctSeries, ...ct.map((f) => f.sop)]);
    expect(existing.has(derivedSeries)).toBe(false);
    for (const [i, src] of ct.slice(0, DERIVED).entries()) {
      const sop = sibling(src.sop, 10 + i);
      expect(existing.has(sop)).toBe(false);
      const bytes = replaceUids(new Uint8Array(await fs.readFile(src.path)), new Map([[ctSeries, derivedSeries], [src.sop, sop]]));
      const file = path.join(derivedDir, `derived-${i}.dcm`);
      await fs.writeFile(file, bytes);
      derived.push(await readDicomFile(file));
    }
    expect(derived.map((d) => d.series)).toEqual(Array(DERIVED).fill(derivedSeries));
    for (const f of [...ct, ...derived]) bySop.set(f.sop, f);

    orthanc = await startOrthanc({ name: 'TestPACS' });
    for (const f of [...ct, ...derived]) await orthanc.upload(f.path);
    node = new DicomwebPacsNode(nodeSettings({ url: orthanc.dicomwebUrl, timeoutMs: 30000 }), { secrets: new MemorySecretStore() });
  }, 180_000);

  afterAll(async () => {
    await node?.close();
    await orthanc?.stop();
    for (const d of dirs) await removeDir(d);
  }, 60_000);

  /** Every stored file is one of the sources, with its pixel data byte for byte. */
  function expectSameAsSources(stored: DicomFileInfo[]): void {
    for (const s of stored) {
      const src = bySop.get(s.sop);
      expect(src, `stored ${s.sop} is not one of the uploaded instances`).toBeDefined();
      expect(s.series).toBe(src!.series);
      expectSameBytes(s.pixelData, src!.pixelData, `pixel data of ${s.sop}`);
    }
  }

  it('echoes with a round-trip time', async () => {
    const ms = await node.echo();
    expect(Number.isFinite(ms)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('finds the study by Patient ID, with the attributes the study browser shows', async () => {
    const studies = await node.find({ level: 'STUDY', filters: { PatientID: ct[0]!.patientId } });
    expect(studies.map((s) => stringValue(s, Tag.StudyInstanceUID))).toEqual([study]);
    const s = studies[0]!;
    expect(stringValue(s, Tag.PatientID)).toBe(ct[0]!.patientId);
    expect(stringValue(s, Tag.StudyDate)).toBe(ct[0]!.studyDate);
    expect(stringValue(s, Tag.NumberOfStudyRelatedSeries)).toBe('2');
    expect(stringValue(s, Tag.NumberOfStudyRelatedInstances)).toBe(String(SUBSET + DERIVED));
    expect(s[Tag.ModalitiesInStudy]?.Value).toEqual(['CT']);
    expect(await node.find({ level: 'STUDY', filters: { PatientID: 'NOBODY-HERE' } })).toEqual([]);
  });

  it('finds both series of the study with their instance counts', async () => {
    const series = await node.find({ level: 'SERIES', filters: {}, studyInstanceUid: study });
    const counts = Object.fromEntries(series.map((s: DicomJsonDataset) => [stringValue(s, Tag.SeriesInstanceUID), stringValue(s, Tag.NumberOfSeriesRelatedInstances)]));
    expect(counts).toEqual({ [ctSeries]: String(SUBSET), [derivedSeries]: String(DERIVED) });
    expect(series.every((s) => stringValue(s, Tag.Modality) === 'CT')).toBe(true);
  });

  it('finds exactly the uploaded instances of a series', async () => {
    const instances = await node.find({ level: 'IMAGE', filters: {}, studyInstanceUid: study, seriesInstanceUid: ctSeries });
    expect(instances.map((i) => stringValue(i, Tag.SOPInstanceUID)).sort()).toEqual(ct.map((f) => f.sop).sort());
    const numbers = new Map(instances.map((i) => [stringValue(i, Tag.SOPInstanceUID), stringValue(i, Tag.InstanceNumber)]));
    for (const f of ct) expect(numbers.get(f.sop)).toBe(String(f.instanceNumber));
    const limited = await node.find({ level: 'IMAGE', filters: {}, studyInstanceUid: study, seriesInstanceUid: ctSeries, limit: 5 });
    expect(limited).toHaveLength(5);
  });

  it('finds the patient (emulated from studies)', async () => {
    const patients = await node.find({ level: 'PATIENT', filters: { PatientID: ct[0]!.patientId } });
    expect(patients).toHaveLength(1);
    expect(stringValue(patients[0], Tag.PatientID)).toBe(ct[0]!.patientId);
    expect(stringValue(patients[0], '00201200')).toBe('1');
  });

  it('retrieves the study into the local store: every instance, pixel data byte for byte, monotonic progress', async () => {
    const target = await storeUnderTest(dirs);
    const result = await node.retrieve({ studyInstanceUid: study }, target.sink, { onProgress: target.onProgress });
    const total = SUBSET + DERIVED;
    expect(result).toMatchObject({ completed: total, failed: 0, total });
    expectMonotonicProgress(target.progress, result);
    expect(target.progress[0]).toMatchObject({ completed: 0, total });
    expect(result.bytes).toBeGreaterThan(total * 512 * 512 * 2);
    const stored = await target.storedFiles();
    expect(stored.map((s) => s.sop).sort()).toEqual([...bySop.keys()].sort());
    expectSameAsSources(stored);
    expect(target.store.counts()).toMatchObject({ studies: 1, series: 2, instances: total });
    expect(await target.tempLeftovers()).toEqual([]);
  });

  it('retrieves one series only', async () => {
    const target = await storeUnderTest(dirs);
    const result = await node.retrieve({ studyInstanceUid: study, seriesInstanceUid: derivedSeries }, target.sink, { onProgress: target.onProgress });
    expect(result).toMatchObject({ completed: DERIVED, failed: 0, total: DERIVED });
    expectMonotonicProgress(target.progress, result);
    const stored = await target.storedFiles();
    expect(stored.map((s) => s.sop).sort()).toEqual(derived.map((d) => d.sop).sort());
    expectSameAsSources(stored);
  });

  it('retrieves chosen instances, finding their series when not given', async () => {
    const target = await storeUnderTest(dirs);
    const chosen = [ct[3]!.sop, derived[1]!.sop];
    const result = await node.retrieve({ studyInstanceUid: study, sopInstanceUids: chosen }, target.sink);
    expect(result).toMatchObject({ completed: 2, failed: 0, total: 2 });
    const stored = await target.storedFiles();
    expect(stored.map((s) => s.sop).sort()).toEqual([...chosen].sort());
    expectSameAsSources(stored);
  });

  it('counts an instance the sink refuses as failed and goes on', async () => {
    const target = await storeUnderTest(dirs);
    let calls = 0;
    const result = await node.retrieve({ studyInstanceUid: study, seriesInstanceUid: derivedSeries }, async (bytes) => {
      if (calls++ === 1) throw new Error('disk full');
      await target.sink(bytes);
    });
    expect(result).toMatchObject({ completed: DERIVED - 1, failed: 1, total: DERIVED });
    expect(await target.storedFiles()).toHaveLength(DERIVED - 1);
  });

  it('cancels after the first few instances: only complete instances are stored, no temp leftovers', async () => {
    const target = await storeUnderTest(dirs);
    const controller = new AbortController();
    const stopAfter = 3;
    let stored = 0;
    const err = await pacsErrorOf(
      node.retrieve(
        { studyInstanceUid: study, seriesInstanceUid: ctSeries },
        async (bytes) => {
          await target.sink(bytes);
          if (++stored === stopAfter) controller.abort();
        },
        { signal: controller.signal, onProgress: target.onProgress },
      ),
    );
    expect(err.kind).toBe('cancelled');
    expect(err.nodeId).toBe('test-node');
    expect(err.message).toMatch(/^TestPACS: cancelled/);
    // The instance being stored when the user cancelled is finished; nothing after it is handed over.
    expect(stored).toBe(stopAfter);
    expect(target.progress[target.progress.length - 1]).toMatchObject({ completed: stopAfter, total: SUBSET });
    const files = await target.storedFiles();
    expect(files).toHaveLength(stopAfter);
    expectSameAsSources(files);
    expect(await target.tempLeftovers()).toEqual([]);
    // Reopening indexes exactly those files, none skipped as unreadable.
    const skipped: string[] = [];
    const reopened = await openTestArchive(target.root, { onSkip: (f) => skipped.push(f) });
    expect(skipped).toEqual([]);
    expect(reopened.counts().instances).toBe(stopAfter);
    await reopened.close();
    // The node is still usable afterwards (the cancelled connection was released).
    expect((await node.find({ level: 'SERIES', filters: {}, studyInstanceUid: study })).length).toBe(2);
  });

  it('says cancelled for a signal that fired before the retrieve started, and stores nothing', async () => {
    const target = await storeUnderTest(dirs);
    const err = await pacsErrorOf(node.retrieve({ studyInstanceUid: study }, target.sink, { signal: AbortSignal.abort() }));
    expect(err.kind).toBe('cancelled');
    expect(await target.storedFiles()).toEqual([]);
  });

  it('says not-found for a study the node does not have', async () => {
    const target = await storeUnderTest(dirs);
    const err = await pacsErrorOf(node.retrieve({ studyInstanceUid: '1.2.826.0.1.3680043.8.498.999999' }, target.sink));
    expect(err.kind).toBe('not-found');
    expect(err.message).toMatch(/^TestPACS: /);
  });
});
