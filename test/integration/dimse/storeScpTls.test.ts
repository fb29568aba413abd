/**
 * Our C-STORE SCP with DICOM TLS required (localScp.tls), driven by dcmtk's storescu: a caller with a
 * certificate from the configured CA stores over TLS; a plain TCP caller and a caller with a certificate from
 * another CA are refused before any association.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreScp } from '../../../electron/services/pacs/dimse/storeScp';
import type { DicomFileInfo } from '../../support/dicomFiles';
import { makeTestPki, type KeyPair, type TestPki } from '../../support/tls';
import { realCtSlices } from './fixtures';

const run = promisify(execFile);

async function storescu(port: number, file: string, tls: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run('storescu', ['-v', ...tls, '-aet', 'PACS1', '-aec', 'DOKUEI', '127.0.0.1', String(port), file], { timeout: 30000 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('StoreScp with DICOM TLS required', () => {
  const log: string[] = [];
  let startLog: string[] = [];
  let pki: TestPki;
  let scp: StoreScp;
  let file: DicomFileInfo;
  const withCert = (pair: KeyPair) => ['+tls', pair.keyFile, pair.certFile, '+cf', pki.caFile];

  beforeAll(async () => {
    file = (await realCtSlices(1))[0]!;
    pki = await makeTestPki();
    scp = new StoreScp({
      settings: { aeTitle: 'DOKUEI', port: 0, tls: { certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.caFile } },
      peers: () => [{ name: 'PACS 1', aeTitle: 'PACS1', host: '127.0.0.1' }],
      log: (m) => log.push(m),
    });
    await scp.start();
    startLog = [...log];
  }, 60_000);

  afterAll(async () => {
    await scp?.stop();
    await pki?.remove();
  });

  beforeEach(() => {
    log.length = 0;
  });

  it('says in the log that it accepts TLS only, with client certificates', () => {
    expect(startLog).toContain(`C-STORE SCP DOKUEI:${scp.port}: listening on 127.0.0.1 port ${scp.port} (DICOM TLS only, client certificate required)`);
  });

  it('stores an awaited instance from a caller with a certificate from the configured CA', async () => {
    const received: Uint8Array[] = [];
    const stop = scp.expectMove({
      peerAeTitle: 'PACS1',
      originatorAeTitle: 'DOKUEI',
      messageId: 1,
      scope: { studyInstanceUid: file.study },
      accept: async (part10) => {
        received.push(part10);
        return 0;
      },
    });
    try {
      const outcome = await storescu(scp.port, file.path, withCert(pki.client));
      expect(outcome.ok, outcome.output).toBe(true);
    } finally {
      stop();
    }
    expect(received).toHaveLength(1);
  });

  it('refuses a plain TCP caller, even a configured node, and logs why', async () => {
    const outcome = await storescu(scp.port, file.path, []);
    expect(outcome.ok).toBe(false);
    expect(outcome.output).not.toMatch(/Association Accepted/i);
    expect(log.some((l) => l.includes('refused a connection from 127.0.0.1: its TLS handshake failed') && l.includes('DICOM TLS only'))).toBe(true);
  });

  it('refuses a caller whose certificate another CA signed', async () => {
    const outcome = await storescu(scp.port, file.path, withCert(pki.foreignClient));
    expect(outcome.ok).toBe(false);
    expect(outcome.output).not.toMatch(/Association Accepted/i);
  });

  it('fails to start, naming the file, when its certificate cannot be read', async () => {
    const broken = new StoreScp({ settings: { aeTitle: 'DOKUEI2', port: 0, tls: { certFile: '/nonexistent/scp.pem', keyFile: pki.server.keyFile } }, peers: () => [] });
    await expect(broken.start()).rejects.toThrow(/DOKUEI2 cannot read its TLS certificate \/nonexistent\/scp\.pem: .*ENOENT/);
  });
});
