/**
 * A classic DICOM peer with our stack: dcmtk's storescu sends a real CT slice to Orthanc over DIMSE
 * (C-STORE), and the gateway, with that Orthanc as its node, then lists the study and serves its pixels.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import type { EncryptedArchive } from '../../electron/services/archive/encryptedArchive';
import { createGateway, type Gateway } from '../../electron/services/gateway/gateway';
import { DicomwebUpstream } from '../../electron/services/pacs/upstream';
import { dicomFilesIn, evenlySpaced, realCtDir } from '../support/data';
import { expectSameBytes, readDicomFile, type DicomFileInfo } from '../support/dicomFiles';
import { FRAMES_ACCEPT, multipartParts, stringValue } from '../support/dicomweb';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';
import { makeTempDir, removeDir } from '../support/tempDir';
import { openTestArchive } from '../support/testArchive';

const run = promisify(execFile);

async function qido(gateway: Gateway, pathAndQuery: string): Promise<DicomJsonDataset[]> {
  const res = await gateway(new Request(`http://127.0.0.1:1/dicomweb${pathAndQuery}`, { headers: { Accept: 'application/dicom+json' } }));
  const text = await res.text();
  if (res.status !== 200) throw new Error(`QIDO ${pathAndQuery}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as DicomJsonDataset[];
}

describe('dcmtk storescu → Orthanc → gateway', () => {
  let orthanc: OrthancInstance | undefined;
  let storeDir: string | undefined;
  let store: EncryptedArchive | undefined;
  let gateway: Gateway;
  let file: DicomFileInfo;

  beforeAll(async () => {
    file = await readDicomFile(evenlySpaced(dicomFilesIn(realCtDir()), 3)[1]!);
    orthanc = await startOrthanc({ name: 'TestPACS', aet: 'ORTHANC' });
    storeDir = await makeTempDir('dokuei-dcmtk-store-');
    store = await openTestArchive(storeDir);
    gateway = createGateway({
      store,
      upstreams: [new DicomwebUpstream({ name: 'TestPACS', baseUrl: orthanc.dicomwebUrl, timeoutMs: 15000 })],
      basePath: '/dicomweb',
    });
  }, 120_000);

  afterAll(async () => {
    await orthanc?.stop();
    await store?.close();
    await removeDir(storeDir);
  }, 60_000);

  it('echoscu reaches the Orthanc DICOM port', async () => {
    await run('echoscu', ['-aet', 'DOKUEI', '-aec', orthanc!.aet, '127.0.0.1', String(orthanc!.dicomPort)], { timeout: 30000 });
  });

  it('the study is not there before the C-STORE', async () => {
    expect(await qido(gateway, '/studies')).toEqual([]);
  });

  it('after storescu, the gateway lists the study, its instance, and serves its pixel data', async () => {
    try {
      await run('storescu', ['-aet', 'DOKUEI', '-aec', orthanc!.aet, '127.0.0.1', String(orthanc!.dicomPort), file.path], { timeout: 60000 });
    } catch (err) {
      const e = err as Error & { stderr?: string; stdout?: string };
      throw new Error(`storescu failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}\nOrthanc:\n${orthanc!.logTail()}`, { cause: err });
    }
    const studies = await qido(gateway, `/studies?PatientID=${encodeURIComponent(file.patientId)}`);
    expect(studies.map((d) => stringValue(d, Tag.StudyInstanceUID))).toEqual([file.study]);
    expect(stringValue(studies[0], Tag.NumberOfStudyRelatedInstances)).toBe('1');
    const instances = await qido(gateway, `/studies/${file.study}/series/${file.series}/instances`);
    expect(instances.map((d) => stringValue(d, Tag.SOPInstanceUID))).toEqual([file.sop]);

    const res = await gateway(
      new Request(`http://127.0.0.1:1/dicomweb/studies/${file.study}/series/${file.series}/instances/${file.sop}/frames/1`, {
        headers: { Accept: FRAMES_ACCEPT },
      }),
    );
    const parts = await multipartParts(res, 'frame of the C-STOREd instance');
    expect(parts).toHaveLength(1);
    expectSameBytes(parts[0]!.body, file.pixelData, 'frame of the C-STOREd instance vs the file');
  });
});
