/**
 * Merging and per-node outcomes of a federated search. The nodes here are in-process PacsNode doubles
 * (their protocols are tested against real peers in test/integration): what is tested is the fan-out.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import { datePresetRange, StudyQuery, studyQueryToFilters } from '../../../../../common/dicom/studyQuery';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { federatedStudySearch } from '../../../../../electron/services/pacs/federatedSearch';
import { PacsError, type PacsNode, type PacsQuery } from '../../../../../electron/services/pacs/pacsNode';
import { NodeSettings } from '../../../../../electron/services/settings/settings';
import { demoCtDir, dicomFilesIn } from '../../../../support/data';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';

const study = (uid: string, patientId: string, date: string, extra: DicomJsonDataset = {}): DicomJsonDataset => ({
  '0020000D': { vr: 'UI', Value: [uid] },
  '00100020': { vr: 'LO', Value: [patientId] },
  '00080020': { vr: 'DA', Value: [date] },
  ...extra,
});

function node(id: string, role: 'onsite' | 'offsite', priority: number, behaviour: (q: PacsQuery, signal?: AbortSignal) => Promise<DicomJsonDataset[]>, timeoutMs = 2000) {
  const settings = NodeSettings.parse({ id, name: `${id} PACS`, role, priority, kind: 'dicomweb', url: `http://127.0.0.1:9/${id}`, timeoutMs, slowMs: 500 });
  const calls: PacsQuery[] = [];
  const n: PacsNode = {
    settings,
    echo: async () => 1,
    find: (q, signal) => (calls.push(q), behaviour(q, signal)),
    retrieve: async () => ({ completed: 0, failed: 0, bytes: 0 }),
  };
  return { node: n, calls };
}

describe('federated study search', () => {
  let dir: string;
  let store: EncryptedArchive;
  let demoUid: string;
  beforeAll(async () => {
    dir = await makeTempDir();
    store = await openTestArchive(dir);
    for (const f of dicomFilesIn(demoCtDir()).slice(0, 2)) await store.put(new Uint8Array(readFileSync(f)));
    demoUid = store.studies()[0]!['0020000D']!.Value![0] as string;
  });
  afterAll(async () => {
    await store?.close();
    await removeDir(dir);
  });

  it('merges by Study Instance UID and says where each study is', async () => {
    const onsite = node('onsite', 'onsite', 10, async () => [study('1.2.1', 'P1', '20250102'), study(demoUid, 'LIDC-IDRI-0314', '20000101')]);
    const offsite = node('offsite', 'offsite', 20, async () => [
      study('1.2.1', 'P1', '20250102', { '00081030': { vr: 'LO', Value: ['CT CHEST'] } }),
      study('1.2.9', 'P9', '20010101'),
    ]);
    const r = await federatedStudySearch([offsite.node, onsite.node], store, StudyQuery.parse({}));
    expect(r.studies.map((s) => s.studyInstanceUid)).toEqual(['1.2.1', '1.2.9', demoUid]);
    const s1 = r.studies[0]!;
    expect(s1.locations).toEqual(['onsite', 'offsite']);
    expect(s1.availability).toEqual({ local: false, onsite: true, offsite: true, other: false });
    expect(s1.studyDescription).toBe('CT CHEST'); // filled in from the node that had it
    const demo = r.studies.find((s) => s.studyInstanceUid === demoUid)!;
    expect(demo.locations).toEqual(['local', 'onsite']);
    expect(demo.localInstances).toBe(2);
    expect(r.nodes.map((n) => [n.nodeId, n.state, n.count])).toEqual([
      ['local', 'ok', 1],
      ['onsite', 'ok', 2],
      ['offsite', 'ok', 2],
    ]);
  });

  it('takes each name group from the first node that has it (a Latin-1 node answers "^" for kanji)', async () => {
    const pn = (Alphabetic: string, Ideographic: string, Phonetic: string): DicomJsonDataset => ({ '00100010': { vr: 'PN', Value: [{ Alphabetic, Ideographic, Phonetic }] } });
    const latin1 = node('latin1', 'onsite', 1, async () => [study('1.2.7', 'H31', '20240101', pn('Yamada^Tarou', '^', '^'))]);
    const full = node('full', 'offsite', 2, async () => [study('1.2.7', 'H31', '20240101', pn('', '山田^太郎', 'やまだ^たろう'))]);
    const r = await federatedStudySearch([latin1.node, full.node], store, StudyQuery.parse({ patientId: 'H31' }));
    expect(r.studies[0]!.patientName).toEqual({ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' });
    expect(r.studies[0]!.patientNameText).toBe('Yamada Tarou (山田 太郎)');
  });

  it('passes the same DICOM filters to every node and matches them locally', async () => {
    const a = node('a', 'onsite', 1, async () => []);
    const q = StudyQuery.parse({ patientId: 'LIDC*', studyDateFrom: '19990101', studyDateTo: '20001231', modality: 'CT' });
    const r = await federatedStudySearch([a.node], store, q);
    expect(a.calls[0]).toMatchObject({ level: 'STUDY', filters: { PatientID: 'LIDC*', StudyDate: '19990101-20001231', ModalitiesInStudy: 'CT' } });
    expect(r.studies.map((s) => s.studyInstanceUid)).toEqual([demoUid]);
    const none = await federatedStudySearch([], store, StudyQuery.parse({ modality: 'MR' }));
    expect(none.studies).toEqual([]);
  });

  it('a node that is down or hangs never delays the others past its own timeout, and says why', async () => {
    const good = node('good', 'onsite', 1, async () => [study('1.2.5', 'P5', '20250101')]);
    const down = node('down', 'offsite', 2, async () => {
      throw new PacsError('unreachable', 'down', 'down PACS is unreachable: connect ECONNREFUSED 127.0.0.1:9');
    });
    // Ignores its abort signal entirely: only the deadline can end it.
    const hung = node('hung', 'offsite', 3, () => new Promise<DicomJsonDataset[]>(() => {}), 300);
    const broken = node('broken', 'offsite', 4, async () => {
      throw new PacsError('protocol', 'broken', 'broken PACS sent a reply that is not JSON');
    });
    const r = await federatedStudySearch([good.node, down.node, hung.node, broken.node], store, StudyQuery.parse({ patientId: 'P5' }));
    expect(r.studies.map((s) => s.studyInstanceUid)).toEqual(['1.2.5']);
    const byId = Object.fromEntries(r.nodes.map((n) => [n.nodeId, n]));
    expect(byId.good).toMatchObject({ state: 'ok', count: 1 });
    expect(byId.down).toMatchObject({ state: 'unreachable', error: expect.stringContaining('ECONNREFUSED') });
    expect(byId.hung).toMatchObject({ state: 'unreachable', error: 'hung PACS did not answer within 300 ms' });
    expect(byId.broken).toMatchObject({ state: 'error', error: expect.stringContaining('not JSON') });
  });

  it('marks a node that answered after its slow threshold as slow', async () => {
    let t = 0;
    const slow = node('slow', 'offsite', 1, async () => {
      t += 900;
      return [];
    });
    const r = await federatedStudySearch([slow.node], store, StudyQuery.parse({}), { now: () => t });
    expect(r.nodes.find((n) => n.nodeId === 'slow')).toMatchObject({ state: 'slow', ms: 900 });
  });
});

describe('study query', () => {
  it('turns quick date filters into local-calendar ranges', () => {
    const now = new Date(2026, 0, 3, 1, 30); // 3 Jan 2026, 01:30 local
    expect(datePresetRange('today', now)).toEqual({ from: '20260103', to: '20260103' });
    expect(datePresetRange('yesterday', now)).toEqual({ from: '20260102', to: '20260102' });
    expect(datePresetRange('last7days', now)).toEqual({ from: '20251228', to: '20260103' });
  });

  it('builds DICOM filters and refuses text that would break a C-FIND identifier', () => {
    expect(studyQueryToFilters({ patientName: ' 山田* ', studyDateFrom: '20240101' })).toEqual({ PatientName: '山田*', StudyDate: '20240101-' });
    expect(studyQueryToFilters({ studyDateFrom: '20240101', studyDateTo: '20240101' })).toEqual({ StudyDate: '20240101' });
    expect(StudyQuery.safeParse({ patientId: 'A\\B' }).success).toBe(false);
    expect(StudyQuery.safeParse({ studyDateFrom: '2024-01-01' }).success).toBe(false);
    expect(StudyQuery.safeParse({ modality: 'ct' }).success).toBe(false);
  });
});

describe('person-name filters for nodes', () => {
  it('sends a Japanese name to the groups after the first, and Latin names as typed', async () => {
    const { nodeFilters } = await import('../../../../../common/dicom/studyQuery');
    expect(nodeFilters({ PatientName: '山田*' })).toEqual({ PatientName: '*=山田*' });
    expect(nodeFilters({ PatientName: 'やまだ*', PatientID: 'P1' })).toEqual({ PatientName: '*=やまだ*', PatientID: 'P1' });
    expect(nodeFilters({ PatientName: 'YAMADA*' })).toEqual({ PatientName: 'YAMADA*' });
    expect(nodeFilters({ PatientName: 'Yamada^Tarou=山田^太郎' })).toEqual({ PatientName: 'Yamada^Tarou=山田^太郎' });
    expect(nodeFilters({ PatientID: '123' })).toEqual({ PatientID: '123' });
  });
});
