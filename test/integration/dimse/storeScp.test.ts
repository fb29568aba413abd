/**
 * Our C-STORE SCP as other DICOM software sees it, driven by dcmtk's storescu and echoscu: it listens on one
 * address, only configured nodes calling from their own host may associate, only under our AE title, and an
 * instance no retrieve is waiting for, or outside the retrieve in progress, is refused and reported.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, CStoreRequest, Dataset, type DimseResponse } from '../../../electron/services/pacs/dimse/dimseLib';
import { dimsePeers } from '../../../electron/services/pacs/dimse/scpPeers';
import { StoreScp, type ScpSecurityAlert } from '../../../electron/services/pacs/dimse/storeScp';
import { MemorySettingsStore } from '../../../electron/services/settings/settings';
import type { DicomFileInfo } from '../../support/dicomFiles';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { realCtSlices, syntheticStudy, uid, type SyntheticStudy } from './fixtures';

const run = promisify(execFile);

interface Outcome {
  ok: boolean;
  output: string;
}

async function dcmtk(tool: string, args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(tool, args, { timeout: 30000 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * A C-STORE that quotes a C-MOVE's originator fields, as a PACS does for the move's sub-operations (and as
 * someone aiming at a running move would): dcmtk's storescu cannot set them, dcmjs-dimse can. The instance is a
 * minimal CT header with the given UIDs. Resolves with the status our SCP answered.
 */
function cStoreQuotingMove(port: number, callingAe: string, uids: { study: string; series: string; sop: string }, move: { originatorAe: string; messageId: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const dataset = new Dataset(
      { SOPClassUID: '1.2.840.10008.5.1.4.1.1.2', SOPInstanceUID: uids.sop, StudyInstanceUID: uids.study, SeriesInstanceUID: uids.series, PatientID: 'MOVE-TEST', Modality: 'CT' },
      '1.2.840.10008.1.2',
    );
    const request = new CStoreRequest(dataset);
    request.getCommandDataset().setElement('MoveOriginatorApplicationEntityTitle', move.originatorAe);
    // A US element: the library's typings say string, its encoder wants the number.
    request.getCommandDataset().setElement('MoveOriginatorMessageID', move.messageId as unknown as string);
    request.on('response', (response: DimseResponse) => resolve(response.getStatus()));
    client.addRequest(request);
    client.on('associationRejected', () => reject(new Error('association rejected')));
    client.on('networkError', (err: Error) => reject(err));
    client.send('127.0.0.1', port, callingAe, 'DOKUEI');
  });
}

describe('StoreScp', () => {
  const log: string[] = [];
  const alerts: ScpSecurityAlert[] = [];
  let scp: StoreScp;
  let file: DicomFileInfo;
  let otherStudy: SyntheticStudy;
  let tmp: string;

  beforeAll(async () => {
    file = (await realCtSlices(1))[0]!;
    tmp = await makeTempDir('dokuei-scp-');
    otherStudy = await syntheticStudy(tmp, [file.path], { patientName: 'Other^Patient', patientId: 'OTHER1', studyDate: '20200101', accession: 'ACC-OTHER' });
    // The allowed callers come from the settings' DIMSE nodes, as the app wires it.
    const settings = new MemorySettingsStore({
      nodes: [
        { kind: 'dimse', id: 'pacs1', name: 'PACS 1', host: '127.0.0.1', port: 104, calledAeTitle: 'PACS1', retrieve: 'C-MOVE' },
        // dcmtk cannot choose its source address, so "a caller at the wrong address" is PACS2's AE title
        // sent from 127.0.0.1 while PACS2 is configured at 127.0.0.2: the same check.
        { kind: 'dimse', id: 'pacs2', name: 'PACS 2', host: '127.0.0.2', port: 104, calledAeTitle: 'PACS2' },
        { kind: 'dimse', id: 'off', name: 'Disabled', host: '127.0.0.1', port: 104, calledAeTitle: 'OFFLINE', enabled: false },
        { kind: 'dicomweb', id: 'web', name: 'Web', url: 'http://127.0.0.1:8042/dicom-web' },
      ],
      localScp: { aeTitle: 'DOKUEI', port: 0 },
    });
    scp = new StoreScp({
      settings: settings.get().localScp,
      peers: () => dimsePeers(settings.get().nodes),
      log: (m) => log.push(m),
      onSecurityAlert: (a) => alerts.push(a),
    });
    await scp.start();
  });

  afterAll(async () => {
    await scp?.stop();
    await removeDir(tmp);
  });

  beforeEach(() => {
    log.length = 0;
    alerts.length = 0;
  });

  const storescu = (callingAe: string, calledAe = 'DOKUEI', path = file.path) => dcmtk('storescu', ['-v', '-aet', callingAe, '-aec', calledAe, '127.0.0.1', String(scp.port), path]);

  it('listens on the port the kernel picked', () => {
    expect(scp.port).toBeGreaterThan(0);
  });

  it('listens only on the address that reaches the nodes (loopback here), not on every interface', async () => {
    expect(scp.address).toBe('127.0.0.1');
    const elsewhere = await dcmtk('echoscu', ['-aet', 'PACS2', '-aec', 'DOKUEI', '127.0.0.2', String(scp.port)]);
    expect(elsewhere.ok).toBe(false);
    expect(elsewhere.output).toMatch(/Connection refused/i);
  });

  it('fails to start, saying why, when its port is taken', async () => {
    const second = new StoreScp({ settings: { aeTitle: 'DOKUEI2', port: scp.port }, peers: () => [] });
    await expect(second.start()).rejects.toThrow(new RegExp(`DOKUEI2 cannot listen on 127\\.0\\.0\\.1 port ${scp.port}: .*EADDRINUSE.*change localScp\\.port`));
  });

  it('fails to start, saying why, when the bind address is not this computer’s', async () => {
    const second = new StoreScp({ settings: { aeTitle: 'DOKUEI2', port: 0, bindAddress: '192.0.2.1' }, peers: () => [] });
    await expect(second.start()).rejects.toThrow(/cannot listen on 192\.0\.2\.1 port 0: .*EADDRNOTAVAIL.*not an address of this computer/);
  });

  it('refuses an association from an unknown calling AE title, and logs and reports it', async () => {
    const outcome = await storescu('UNKNOWN');
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/Calling AE Title Not Recognized/i);
    expect(log.some((l) => l.includes('"UNKNOWN"') && l.includes('not a configured DIMSE node'))).toBe(true);
    expect(alerts).toEqual([{ kind: 'association-refused', callingAe: 'UNKNOWN', address: '127.0.0.1', reason: 'not a configured DIMSE node' }]);
  });

  it('refuses a configured AE title calling from another address than its node’s, and reports it', async () => {
    const outcome = await storescu('PACS2');
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/Calling AE Title Not Recognized/i);
    const reason = 'that AE title belongs to node "PACS 2" at 127.0.0.2, not to a caller at 127.0.0.1';
    expect(alerts).toEqual([{ kind: 'association-refused', callingAe: 'PACS2', address: '127.0.0.1', reason }]);
    expect(log).toContain(`C-STORE SCP DOKUEI:${scp.port}: refused association from calling AE "PACS2" at 127.0.0.1: ${reason}`);
  });

  it('refuses a disabled node too', async () => {
    const outcome = await storescu('OFFLINE');
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/Calling AE Title Not Recognized/i);
  });

  it('refuses a configured node that calls another AE title', async () => {
    const outcome = await storescu('PACS1', 'SOMEONE');
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/Called AE Title Not Recognized/i);
  });

  it('answers C-ECHO from a configured node', async () => {
    const outcome = await dcmtk('echoscu', ['-aet', 'PACS1', '-aec', 'DOKUEI', '127.0.0.1', String(scp.port)]);
    expect(outcome).toMatchObject({ ok: true });
  });

  it('accepts a configured node but refuses an instance no retrieve awaits', async () => {
    const outcome = await storescu('PACS1');
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/Received Store Response \(Refused: OutOfResources\)/i);
    expect(log.some((l) => l.includes(file.sop) && l.includes('no retrieve in progress'))).toBe(true);
  });

  it('hands an awaited instance to its receiver and answers with its status', async () => {
    const received: Uint8Array[] = [];
    const stop = scp.expectMove({
      peerAeTitle: 'PACS1',
      originatorAeTitle: 'DOKUEI',
      messageId: 65000,
      scope: { studyInstanceUid: file.study },
      accept: async (part10) => {
        received.push(part10);
        return 0;
      },
    });
    try {
      expect(await storescu('PACS1')).toMatchObject({ ok: true });
    } finally {
      stop();
    }
    expect(received).toHaveLength(1);
    // storescu sends no Move Originator fields: matched by the study UID, as Part 10 with our meta.
    expect(Buffer.from(received[0]!.subarray(128, 132)).toString('latin1')).toBe('DICM');
  });

  it('answers a failure status when the receiver cannot store the instance', async () => {
    const stop = scp.expectMove({ peerAeTitle: 'PACS1', originatorAeTitle: 'DOKUEI', messageId: 65001, scope: { studyInstanceUid: file.study }, accept: async () => 0xc000 });
    try {
      const outcome = await storescu('PACS1');
      expect(outcome.ok).toBe(false);
      expect(outcome.output).toMatch(/Received Store Response \(Error: CannotUnderstand\)/i);
    } finally {
      stop();
    }
  });
  it('refuses an instance of another study while a retrieve waits, and reports it; the awaited study still arrives', async () => {
    const received: Uint8Array[] = [];
    const stop = scp.expectMove({
      peerAeTitle: 'PACS1',
      originatorAeTitle: 'DOKUEI',
      messageId: 65002,
      scope: { studyInstanceUid: file.study, seriesInstanceUid: file.series },
      accept: async (part10) => {
        received.push(part10);
        return 0;
      },
    });
    try {
      const foreign = otherStudy.files[0]!;
      const outcome = await storescu('PACS1', 'DOKUEI', foreign.path);
      expect(outcome.ok).toBe(false);
      expect(outcome.output).toMatch(/Received Store Response \(Error: CannotUnderstand\)/i);
      expect(received).toHaveLength(0);
      expect(alerts).toEqual([
        {
          kind: 'instance-refused',
          callingAe: 'PACS1',
          address: '127.0.0.1',
          sopInstanceUid: foreign.sop,
          studyInstanceUid: otherStudy.studyUid,
          reason: `not part of the C-MOVE in progress: it belongs to study ${otherStudy.studyUid}, not ${file.study}, which the C-MOVE asked for`,
        },
      ]);
      expect(await storescu('PACS1')).toMatchObject({ ok: true });
      expect(received).toHaveLength(1);
    } finally {
      stop();
    }
  });
  it('refuses an instance of another study that quotes the running move\'s message ID', async () => {
    const received: Uint8Array[] = [];
    const move = { originatorAe: 'DOKUEI', messageId: 4242 };
    const stop = scp.expectMove({
      peerAeTitle: 'PACS1',
      originatorAeTitle: move.originatorAe,
      messageId: move.messageId,
      scope: { studyInstanceUid: file.study },
      accept: async (part10) => {
        received.push(part10);
        return 0;
      },
    });
    try {
      const foreign = { study: otherStudy.studyUid, series: otherStudy.seriesUid, sop: uid() };
      expect(await cStoreQuotingMove(scp.port, 'PACS1', foreign, move)).toBe(0xc000);
      expect(received).toHaveLength(0);
      expect(alerts).toEqual([expect.objectContaining({ kind: 'instance-refused', callingAe: 'PACS1', sopInstanceUid: foreign.sop, studyInstanceUid: otherStudy.studyUid })]);
      // The move's own instance, quoting the same fields, is taken.
      expect(await cStoreQuotingMove(scp.port, 'PACS1', { study: file.study, series: file.series, sop: uid() }, move)).toBe(0);
      expect(received).toHaveLength(1);
    } finally {
      stop();
    }
  });
});
