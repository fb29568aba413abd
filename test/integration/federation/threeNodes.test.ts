/**
 * The hospital's set-up with real peers: an on-site PACS over DICOMweb (Orthanc), an off-site archive over
 * DIMSE with C-MOVE (a second Orthanc), and a dcmtk dcmqrscp over DIMSE with C-GET, wired by the same
 * createServices every host uses. One search returns the union with where each study is; a retrieve by
 * C-MOVE lands in the local store through our SCP; with a node stopped, the others still answer and the
 * dead node is reported with its reason — in the services and in the `dokuei` CLI.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudyQuery } from '../../../common/dicom/studyQuery';
import type { Services } from '../../../electron/services/app/createServices';
import type { SettingsInput } from '../../../electron/services/settings/settings';
import { demoCtDir, dicomFilesIn, repoRoot } from '../../support/data';
import { startDcmqrscp, type DcmqrscpInstance } from '../../support/dcmqrscp';
import { freePort } from '../../support/freePort';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { testArchiveEnv } from '../../support/testArchive';
import { createTestServices } from '../../support/testServices';

const run = promisify(execFile);
const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.265704884949271879044145982159';
const JP = path.join(repoRoot, 'test/fixtures/charsets/chrH31.dcm');
const ctx = { windowId: 'test', emit: () => {} };

describe('federated search and retrieve over three real nodes', () => {
  let onsite: OrthancInstance;
  let offsite: OrthancInstance;
  let dcmqr: DcmqrscpInstance;
  let services: Services;
  let dataDir: string;
  let settings: SettingsInput;
  const ct = dicomFilesIn(demoCtDir());

  beforeAll(async () => {
    const scpPort = await freePort();
    onsite = await startOrthanc({ name: 'Onsite', extraConfig: { DefaultEncoding: 'Utf8' } });
    offsite = await startOrthanc({ name: 'Offsite', aet: 'OFFSITE', modalities: { DOKUEI: ['DOKUEI', '127.0.0.1', scpPort] } });
    dcmqr = await startDcmqrscp({ aet: 'DCMQR' });
    for (const f of ct.slice(0, 10)) await onsite.upload(f);
    await offsite.uploadDir(demoCtDir());
    await offsite.upload(JP);
    await dcmqr.store([JP, ...ct.slice(0, 5)]);
    settings = {
      localScp: { aeTitle: 'DOKUEI', port: scpPort },
      nodes: [
        { id: 'onsite', name: 'On-site PACS', role: 'onsite', priority: 10, kind: 'dicomweb', url: onsite.dicomwebUrl, connectTimeoutMs: 1000, timeoutMs: 4000 },
        { id: 'offsite', name: 'Off-site archive', role: 'offsite', priority: 20, kind: 'dimse', host: '127.0.0.1', port: offsite.dicomPort, calledAeTitle: 'OFFSITE', retrieve: 'C-MOVE', timeoutMs: 8000 },
        { id: 'dcmqr', name: 'Research PACS', role: 'other', priority: 30, kind: 'dimse', host: '127.0.0.1', port: dcmqr.port, calledAeTitle: 'DCMQR', retrieve: 'C-GET', timeoutMs: 8000 },
      ],
    };
    dataDir = await makeTempDir('dokuei-fed-');
    services = await createTestServices(dataDir, settings);
  });

  afterAll(async () => {
    await services?.close();
    await onsite?.stop();
    await offsite?.stop();
    await dcmqr?.stop();
    await removeDir(dataDir);
  });

  it('returns the union, merged by Study Instance UID, with where each study is', async () => {
    const r = await services.handlers.studies.search(StudyQuery.parse({}), ctx);
    expect(r.nodes.map((n) => [n.nodeId, n.state])).toEqual([
      ['local', 'ok'],
      ['onsite', expect.stringMatching(/ok|slow/)],
      ['offsite', expect.stringMatching(/ok|slow/)],
      ['dcmqr', expect.stringMatching(/ok|slow/)],
    ]);
    const ctStudy = r.studies.find((s) => s.studyInstanceUid === CT_STUDY)!;
    expect(ctStudy.locations).toEqual(['onsite', 'offsite', 'dcmqr']);
    expect(ctStudy.availability).toEqual({ local: false, onsite: true, offsite: true, other: true });
    expect(ctStudy.numberOfInstances).toBe(64); // the most complete holder wins
    const jp = r.studies.find((s) => s.patientId === 'H31EXAMPLE')!;
    expect(jp.locations).toEqual(['offsite', 'dcmqr']);
    // dcmqrscp returns the stored ISO 2022 IR 87 bytes: decoded exactly.
    expect(jp.patientName).toEqual({ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' });
    expect(r.studies).toHaveLength(2);
  });

  it('filters on every node alike', async () => {
    const r = await services.handlers.studies.search(StudyQuery.parse({ patientId: 'LIDC*' }), ctx);
    expect(r.studies.map((s) => s.studyInstanceUid)).toEqual([CT_STUDY]);
    const byName = await services.handlers.studies.search(StudyQuery.parse({ patientName: 'YAMADA*' }), ctx);
    expect(byName.studies.map((s) => s.patientId)).toEqual(['H31EXAMPLE']);
  });

  it('a C-FIND by a Japanese name matches on Orthanc (kanji and kana)', async () => {
    for (const name of ['山田*', 'やまだ*']) {
      const r = await services.handlers.studies.search(StudyQuery.parse({ patientName: name }), ctx);
      expect(r.studies.map((s) => s.patientId), name).toEqual(['H31EXAMPLE']);
      // The off-site archive is Orthanc over DIMSE: it matched the ideographic/phonetic group.
      expect(r.studies[0]!.locations, name).toContain('offsite');
    }
    const nobody = await services.handlers.studies.search(StudyQuery.parse({ patientName: '田中*' }), ctx);
    expect(nobody.studies).toEqual([]);
  });

  it('retrieves from the off-site archive by C-MOVE into the local store through our SCP', async () => {
    const job = await services.handlers.retrieve.start({ studyInstanceUid: CT_STUDY, nodeId: 'offsite' }, ctx);
    const done = await services.jobs.wait(job.jobId);
    expect(done).toMatchObject({ state: 'done', completed: 64, failed: 0, nodeId: 'offsite' });
    expect(services.store.counts().instances).toBe(64);
    const r = await services.handlers.studies.search(StudyQuery.parse({ patientId: 'LIDC*' }), ctx);
    expect(r.studies[0]!.availability.local).toBe(true);
    expect(r.studies[0]!.localInstances).toBe(64);
  });

  it('with the on-site PACS stopped, the others answer and it is reported unreachable with the reason', async () => {
    await onsite.stop();
    const r = await services.handlers.studies.search(StudyQuery.parse({}), ctx);
    const dead = r.nodes.find((n) => n.nodeId === 'onsite')!;
    expect(dead.state).toBe('unreachable');
    expect(dead.error).toMatch(/On-site PACS.*(cannot reach|refused|unreachable)/i);
    expect(r.nodes.filter((n) => n.nodeId !== 'onsite').every((n) => n.state === 'ok' || n.state === 'slow')).toBe(true);
    expect(r.studies.map((s) => s.patientId).sort()).toEqual(['H31EXAMPLE', 'LIDC-IDRI-0314']);
    expect(r.studies.find((s) => s.studyInstanceUid === CT_STUDY)!.locations).toEqual(['local', 'offsite', 'dcmqr']);
  });

  it('the CLI shows the same: results from the live nodes, the dead one unreachable (exit 3)', async () => {
    const cliDir = await makeTempDir('dokuei-cli-fed-');
    try {
      writeFileSync(path.join(cliDir, 'settings.json'), JSON.stringify({ ...settings, localScp: { aeTitle: 'DOKUEI', port: 0 } }));
      const cli = (args: string[]) =>
        run(process.execPath, [path.join(repoRoot, 'bin/dokuei.mjs'), ...args, '--data-dir', cliDir], { timeout: 60000, env: { ...process.env, ...testArchiveEnv } }).then(
          (r) => ({ code: 0, ...r }),
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
      const q = await cli(['query', '--json']);
      expect(q.code).toBe(3);
      const result = JSON.parse(q.stdout) as { studies: { patientId: string }[]; nodes: { nodeId: string; state: string; error?: string }[] };
      expect(result.studies.map((s) => s.patientId).sort()).toEqual(['H31EXAMPLE', 'LIDC-IDRI-0314']);
      expect(result.nodes.find((n) => n.nodeId === 'onsite')).toMatchObject({ state: 'unreachable', error: expect.stringContaining('On-site PACS') });
      const text = await cli(['query', '--patient-id', 'H31*']);
      expect(text.stdout).toContain('Yamada^Tarou = 山田^太郎');
      expect(text.stdout).toMatch(/On-site PACS: unreachable/);
      const echo = await cli(['nodes', 'echo', 'dcmqr']);
      expect(echo.code).toBe(0);
      expect(echo.stdout).toMatch(/Research PACS: ok \(\d+ ms\)/);
      const deadEcho = await cli(['nodes', 'echo', 'onsite', '--json']);
      expect(deadEcho.code).toBe(1);
      expect(JSON.parse(deadEcho.stdout)).toMatchObject({ nodeId: 'onsite', ok: false, error: expect.stringContaining('On-site PACS') });
      const list = JSON.parse((await cli(['nodes', 'list', '--json'])).stdout) as { id: string; retrieve: string }[];
      expect(list.map((n) => [n.id, n.retrieve])).toEqual([
        ['onsite', 'WADO-RS'],
        ['offsite', 'C-MOVE'],
        ['dcmqr', 'C-GET'],
      ]);
      const got = await cli(['retrieve', CT_STUDY, '--node', 'dcmqr', '--json']);
      expect(got.code).toBe(0);
      expect(JSON.parse(got.stdout)).toMatchObject({ state: 'done', completed: 5, nodeId: 'dcmqr' });
    } finally {
      await removeDir(cliDir);
    }
  });
});
