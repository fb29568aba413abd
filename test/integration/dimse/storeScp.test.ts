/**
 * Our C-STORE SCP as other DICOM software sees it, driven by dcmtk's storescu and echoscu: only configured
 * nodes may associate, only under our AE title, and an instance no retrieve is waiting for is refused.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreScp, dimsePeerAeTitles } from '../../../electron/services/pacs/dimse/storeScp';
import { MemorySettingsStore } from '../../../electron/services/settings/settings';
import type { DicomFileInfo } from '../../support/dicomFiles';
import { realCtSlices } from './fixtures';

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

describe('StoreScp', () => {
  const log: string[] = [];
  let scp: StoreScp;
  let file: DicomFileInfo;

  beforeAll(async () => {
    file = (await realCtSlices(1))[0]!;
    // The allowed callers come from the settings' DIMSE nodes, as the app wires it.
    const settings = new MemorySettingsStore({
      nodes: [
        { kind: 'dimse', id: 'pacs1', name: 'PACS 1', host: '127.0.0.1', port: 104, calledAeTitle: 'PACS1' },
        { kind: 'dimse', id: 'off', name: 'Disabled', host: '127.0.0.1', port: 104, calledAeTitle: 'OFFLINE', enabled: false },
        { kind: 'dicomweb', id: 'web', name: 'Web', url: 'http://127.0.0.1:8042/dicom-web' },
      ],
      localScp: { aeTitle: 'DOKUEI', port: 0 },
    });
    scp = new StoreScp({ settings: settings.get().localScp, allowedCallingAeTitles: () => dimsePeerAeTitles(settings.get().nodes), log: (m) => log.push(m) });
    await scp.start();
  });

  afterAll(async () => {
    await scp?.stop();
  });

  beforeEach(() => {
    log.length = 0;
  });

  const storescu = (callingAe: string, calledAe = 'DOKUEI') => dcmtk('storescu', ['-v', '-aet', callingAe, '-aec', calledAe, '127.0.0.1', String(scp.port), file.path]);

  it('listens on the port the kernel picked', () => {
    expect(scp.port).toBeGreaterThan(0);
  });

  it('fails to start, saying why, when its port is taken', async () => {
    const second = new StoreScp({ settings: { aeTitle: 'DOKUEI2', port: scp.port }, allowedCallingAeTitles: () => [] });
    await expect(second.start()).rejects.toThrow(new RegExp(`DOKUEI2 cannot listen on port ${scp.port}: .*EADDRINUSE`));
  });

  it('refuses an association from an unknown calling AE title, and logs it', async () => {
    const outcome = await storescu('UNKNOWN');
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/Calling AE Title Not Recognized/i);
    expect(log.some((l) => l.includes('"UNKNOWN"') && l.includes('not a configured DIMSE node'))).toBe(true);
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
      studyInstanceUid: file.study,
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
    const stop = scp.expectMove({ peerAeTitle: 'PACS1', originatorAeTitle: 'DOKUEI', messageId: 65001, studyInstanceUid: file.study, accept: async () => 0xc000 });
    try {
      const outcome = await storescu('PACS1');
      expect(outcome.ok).toBe(false);
      expect(outcome.output).toMatch(/Received Store Response \(Error: CannotUnderstand\)/i);
    } finally {
      stop();
    }
  });
});
