/**
 * Audit forwarding to a syslog-over-TLS receiver the test starts (RFC 5425 on 127.0.0.1, certificates from a
 * throwaway CA): records arrive in order as RFC 5424 messages carrying the records' XML; with the receiver down
 * they wait in the log (the cursor stays), and arrive in order, once each, when it is back; a new forwarder
 * resumes from the stored cursor; a receiver the configured CA did not sign gets nothing, and the error says why.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { studyOpened, type AuditContext } from '../../../common/audit/builders';
import type { AuditRecord } from '../../../common/audit/chain';
import { createServices } from '../../../electron/services/app/createServices';
import { AuditLog } from '../../../electron/services/audit/auditLog';
import { readForwardingState } from '../../../electron/services/audit/forwarding/forwardingState';
import { SyslogTlsForwarder, type SyslogTlsForwarderOptions } from '../../../electron/services/audit/forwarding/syslogTlsForwarder';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { AuditForwardingSettings, MemorySettingsStore } from '../../../electron/services/settings/settings';
import { startSyslogTlsReceiver, type SyslogReceiver } from '../../support/syslogReceiver';
import { testKeyProvider } from '../../support/testArchive';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { makeTestPki, type TestPki } from '../../support/tls';

const ctx: AuditContext = { application: 'dokuei@test', host: 'ws1', user: { id: 'reader' } };
// Short delays so a test sees several retries; the production defaults are seconds.
const FAST = { pollMs: 25, retryMinMs: 25, retryMaxMs: 150, standbyMs: 50 } as const;

let pki: TestPki;
let root: string;
const receivers: SyslogReceiver[] = [];
const forwarders: SyslogTlsForwarder[] = [];
const logs: AuditLog[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
  root = await makeTempDir('dokuei-syslog-');
});
afterEach(async () => {
  await Promise.all(forwarders.splice(0).map((f) => f.stop()));
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
  await Promise.all(logs.splice(0).map((l) => l.close()));
});
afterAll(async () => {
  await pki?.remove();
  await removeDir(root);
});

async function openLog(name: string): Promise<AuditLog> {
  const log = await AuditLog.open(path.join(root, name), { keyProvider: testKeyProvider(), context: ctx });
  logs.push(log);
  return log;
}

async function receiver(options: Parameters<typeof startSyslogTlsReceiver>[0]): Promise<SyslogReceiver> {
  const r = await startSyslogTlsReceiver(options);
  receivers.push(r);
  return r;
}

function forward(log: AuditLog, settings: Record<string, unknown>, messages: string[] = []): SyslogTlsForwarder {
  const options: SyslogTlsForwarderOptions = { source: log, settings: AuditForwardingSettings.parse({ enabled: true, host: '127.0.0.1', caFile: pki.caFile, ...settings }), ...FAST, log: (m) => messages.push(m) };
  const f = SyslogTlsForwarder.start(options);
  forwarders.push(f);
  return f;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let seq = 0;
async function append(log: AuditLog, n: number): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    seq++;
    out.push(await log.append(studyOpened(ctx, { study: { uid: `1.2.392.200036.${seq}` }, patient: { id: `PID-${seq}`, name: `山田^太郎${seq}=ヤマダ^タロウ` } })));
  }
  return out;
}

/** Messages received so far, as the XML they carry. */
const received = (r: SyslogReceiver) => r.messages.map((m) => m.text);

describe('syslog-TLS audit forwarding', () => {
  it('delivers records in order; with the receiver down they queue, and arrive in order, once each, when it is back; a new forwarder resumes from the cursor', async () => {
    const log = await openLog('queue');
    const repo = await receiver({ pair: pki.server });
    const messages: string[] = [];
    let fw = forward(log, { port: repo.port }, messages);

    const first = await append(log, 3);
    await repo.waitFor(3);
    expect(received(repo)).toEqual(first.map((r) => r.xml));
    expect(repo.messages[0]).toMatchObject({ facility: 10, severity: 5, appName: 'dokuei', msgId: 'IHE+RFC-3881', timestamp: first[0]!.time });
    await until('the cursor is stored', async () => {
      const s = await readForwardingState(log.dir);
      return s.kind === 'ok' && s.state.cursor.index === 2;
    });

    // The repository goes down: records wait in the log, the cursor stays, one message says so.
    await repo.stop();
    await until('the forwarder notices', () => fw.status().state !== 'connected');
    const second = await append(log, 3);
    await until('the repository is unreachable', () => fw.status().state === 'unreachable');
    await until('a few retries', () => fw.status().queued === 3);
    await new Promise((r) => setTimeout(r, 400)); // several retries at 25–150 ms
    expect(fw.status()).toMatchObject({ state: 'unreachable', cursor: 2, queued: 3, lastError: expect.stringMatching(/refused the connection/) });
    const stored = await readForwardingState(log.dir);
    expect(stored.kind === 'ok' && stored.state.cursor.index).toBe(2);
    expect(stored.kind === 'ok' && stored.state.lastError).toMatch(/127\.0\.0\.1:\d+ refused the connection/);
    expect(messages.filter((m) => /refused the connection/.test(m))).toHaveLength(1);
    expect(repo.messages).toHaveLength(3);

    // Back on the same port: the queue arrives in order, and nothing twice.
    await repo.start();
    await repo.waitFor(6);
    await until('the cursor moves on', () => fw.status().cursor === 5);
    expect(received(repo)).toEqual([...first, ...second].map((r) => r.xml));
    expect(messages.some((m) => /resumed/.test(m))).toBe(true);

    // Stopped, two more records, a new forwarder: it starts at the cursor.
    await fw.stop();
    const third = await append(log, 2);
    fw = forward(log, { port: repo.port });
    await repo.waitFor(8);
    await until('the new forwarder is idle again', () => fw.status().cursor === 7 && fw.status().queued === 0);
    await fw.flush(2000);
    expect(received(repo)).toEqual([...first, ...second, ...third].map((r) => r.xml));
    expect(repo.errors).toEqual([]);
  });

  it('has one forwarder per log: a second one stands by and takes over when the first stops', async () => {
    const log = await openLog('standby');
    const repo = await receiver({ pair: pki.server });
    const a = forward(log, { port: repo.port });
    await append(log, 1);
    await repo.waitFor(1);
    const b = forward(log, { port: repo.port });
    await until('the second stands by', () => b.status().state === 'standby');
    await append(log, 1);
    await repo.waitFor(2);
    await a.stop();
    const last = await append(log, 1);
    await repo.waitFor(3);
    await until('the second has delivered it', () => b.status().cursor === 2);
    expect(repo.messages.map((m) => m.text)).toHaveLength(3);
    expect(repo.messages[2]!.text).toBe(last[0]!.xml);
  });

  it('refuses a receiver whose certificate the configured CA did not sign, sends nothing and says why', async () => {
    const log = await openLog('untrusted');
    const rogue = await receiver({ pair: pki.foreignClient });
    const messages: string[] = [];
    const fw = forward(log, { port: rogue.port }, messages);
    await append(log, 2);
    await until('the forwarder gives up on both', () => fw.status().state === 'unreachable' && fw.status().queued === 2);
    expect(fw.status()).toMatchObject({ cursor: null, queued: 2 });
    expect(fw.status().lastError).toBe(
      `The audit repository 127.0.0.1:${rogue.port} is not trusted: its certificate is not signed by the CA in audit.forwarding.caFile (${pki.caFile}) (UNABLE_TO_VERIFY_LEAF_SIGNATURE); nothing was sent`,
    );
    expect(messages).toHaveLength(1);
    expect(rogue.messages).toEqual([]);
  });

  it('refuses a certificate for another host name, naming the setting to fix', async () => {
    const log = await openLog('wrong-host');
    const other = await receiver({ pair: pki.wrongHost });
    const fw = forward(log, { port: other.port });
    await append(log, 1);
    await until('refused', () => fw.status().state === 'unreachable');
    expect(fw.status().lastError).toMatch(/certificate is not for 127\.0\.0\.1 \(set audit\.forwarding\.serverName/);
    expect(other.messages).toEqual([]);
  });

  it('mutual TLS: presents the client certificate a repository requires; without one, nothing counts as delivered', async () => {
    const log = await openLog('mtls');
    const repo = await receiver({ pair: pki.server, clientCaFile: pki.caFile });
    const without = forward(log, { port: repo.port });
    const records = await append(log, 2);
    await until('refused', () => without.status().state === 'unreachable' && without.status().queued === 2);
    expect(without.status()).toMatchObject({ cursor: null, queued: 2, lastError: expect.stringMatching(/client certificate/) });
    await without.stop();
    expect(repo.messages).toEqual([]);

    const withCert = forward(log, { port: repo.port, certFile: pki.client.certFile, keyFile: pki.client.keyFile });
    await repo.waitFor(2);
    await until('delivered', () => withCert.status().cursor === 1);
    expect(received(repo)).toEqual(records.map((r) => r.xml));
    expect(repo.clientSubjects).toContain('client');
  });

  it('steps over a record altered on disk (naming it in the log) and still forwards the ones after it', async () => {
    const log = await openLog('altered');
    const records = await append(log, 3);
    const { frames } = await log.readFrom(0);
    const bytes = await fs.readFile(log.file);
    bytes[frames[1]!.start + 40]! ^= 0x01; // inside the second record's ciphertext: it fails authentication
    await fs.writeFile(log.file, bytes);
    const repo = await receiver({ pair: pki.server });
    const messages: string[] = [];
    const fw = forward(log, { port: repo.port }, messages);
    await repo.waitFor(2);
    await until('the cursor is past all three', () => fw.status().cursor === 2);
    expect(received(repo)).toEqual([records[0]!.xml, records[2]!.xml]);
    expect(messages).toContain("Audit forwarding: 1 record(s) could not be read (altered: run 'dokuei audit verify') and were not forwarded: after record 0");
  });

  it('a log replaced under the cursor (emptied and started again) is forwarded from its first record, not skipped', async () => {
    const log = await openLog('replaced');
    const repo = await receiver({ pair: pki.server });
    const messages: string[] = [];
    const first = forward(log, { port: repo.port }, messages);
    await append(log, 2);
    await repo.waitFor(2);
    await until('delivered', () => first.status().cursor === 1);
    await first.stop();
    await log.close();
    await fs.rm(log.file);
    await fs.rm(path.join(log.dir, 'head.enc'));
    const fresh = await openLog('replaced');
    const next = await append(fresh, 1); // index 0 again
    const second = forward(fresh, { port: repo.port }, messages);
    await repo.waitFor(3);
    await until('delivered', () => second.status().cursor === 0);
    expect(repo.messages[2]!.text).toBe(next[0]!.xml);
    expect(messages.some((m) => /no longer holds record 1 or any later one .*starts again from its first record/.test(m))).toBe(true);
  });

  it("the app's services forward when the settings enable it, from Application Start to Application Stop", async () => {
    const repo = await receiver({ pair: pki.server });
    const dataDir = path.join(root, 'services');
    const settings = new MemorySettingsStore({ seedDemo: false, audit: { forwarding: { enabled: true, host: '127.0.0.1', port: repo.port, caFile: pki.caFile } } });
    const services = await createServices({ dataDir, settings, secrets: new MemorySecretStore(), keyProvider: testKeyProvider(), host: 'cli', version: 't', dataPlaneBaseUrl: '', gatewayBasePath: '', seedDemo: false });
    expect(services.auditForwarding?.status().target).toBe(`127.0.0.1:${repo.port}`);
    await repo.waitFor(1);
    expect(repo.messages[0]!.text).toMatch(/<EventTypeCode csd-code="110120"/); // Application Start
    await services.close(); // waits a moment for the repository to take Application Stop
    expect(repo.messages.map((m) => /csd-code="(11012[01])"/.exec(m.text!)?.[1])).toEqual(['110120', '110121']);
    const stored = await readForwardingState(path.join(dataDir, 'audit'));
    expect(stored.kind === 'ok' && stored.state.cursor.index).toBe(1);
  });
});
