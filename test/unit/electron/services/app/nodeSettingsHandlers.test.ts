/**
 * The settings window's PACS page on the services side: typed secrets go to the secret store and never into
 * settings.json, invalid nodes are refused naming the field with nothing saved, removed nodes take their secrets
 * with them, and a save applies the nodes at once.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../../../common/ipc/contract';
import { createNodeSettingsHandlers, secretRefsOf } from '../../../../../electron/services/app/nodeSettingsHandlers';
import { MemorySecretStore } from '../../../../../electron/services/secrets/secretStore';
import { ConfSettingsStore, NodeSettings, type Settings } from '../../../../../electron/services/settings/settings';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { MemoryHttpsMemory } from '../../../../../electron/services/pacs/dicomweb/httpsMemory';

const node = (raw: Record<string, unknown>) => NodeSettings.parse(raw);
const ctx: CallContext = { windowId: 'w1', emit: () => {} };
const PASSWORD = 's3cret-パスワード';

describe('settings.nodes handlers', () => {
  let dir: string;
  let settings: ConfSettingsStore;
  let secrets: MemorySecretStore;
  let applied: Settings[];
  let handlers: ReturnType<typeof createNodeSettingsHandlers>;

  beforeEach(async () => {
    dir = await makeTempDir('dokuei-node-settings-');
    settings = new ConfSettingsStore(dir);
    secrets = new MemorySecretStore();
    applied = [];
    handlers = createNodeSettingsHandlers({
      settings,
      secrets,
      settingsFile: settings.path,
      httpsMemory: new MemoryHttpsMemory(),
      applyNodes: async (s) => {
        applied.push(s);
        return [];
      },
    });
  });
  afterEach(async () => removeDir(dir));

  const onsite = node({ id: 'onsite', name: 'On-site', kind: 'dicomweb', url: 'http://127.0.0.1:8042/dicom-web', role: 'onsite', auth: { type: 'basic', username: 'reader', secretRef: 'onsite-password' }, allowInsecureCredentials: true });

  it('stores a typed password in the secret store, never in settings.json, and applies the nodes', async () => {
    const state = await handlers['nodes.save']({ nodes: [onsite], secrets: { 'onsite-password': PASSWORD } }, ctx);
    const file = readFileSync(settings.path, 'utf8');
    expect(file).not.toContain(PASSWORD);
    expect(JSON.parse(file).nodes[0].auth).toEqual({ type: 'basic', username: 'reader', secretRef: 'onsite-password' });
    expect(secrets.get('onsite-password')).toBe(PASSWORD);
    expect(state.secretsStored).toEqual({ 'onsite-password': true });
    expect(state.settingsFile).toBe(settings.path);
    expect(applied.map((s) => s.nodes.map((n) => n.id))).toEqual([['onsite']]);
    // What a later visit to the window sees: the node, and that its password is stored (not the password).
    expect(JSON.stringify(await handlers['nodes.get']({}, ctx))).not.toContain(PASSWORD);
  });

  it('keeps the order given (the window’s reorder) and the local SCP’s AE title and port', async () => {
    const dimse = node({ id: 'dr', name: 'Off-site', kind: 'dimse', host: 'dr.example', port: 104, calledAeTitle: 'DRARCH', retrieve: 'C-MOVE', role: 'offsite' });
    await handlers['nodes.save']({ nodes: [onsite, dimse], localScp: { aeTitle: 'WS07', port: 11120 }, secrets: { 'onsite-password': PASSWORD } }, ctx);
    const state = await handlers['nodes.save']({ nodes: [dimse, onsite] }, ctx);
    expect(state.nodes.map((n) => n.id)).toEqual(['dr', 'onsite']);
    expect(state.localScp).toEqual({ aeTitle: 'WS07', port: 11120 });
    expect(secrets.get('onsite-password')).toBe(PASSWORD);
  });

  it('refuses a duplicate id naming it, and saves nothing (no secret left behind)', async () => {
    await expect(handlers['nodes.save']({ nodes: [onsite, { ...onsite, name: 'Again' }], secrets: { 'onsite-password': PASSWORD } }, ctx)).rejects.toThrow(/nodes\.1\.id: Duplicate node id "onsite"/);
    expect(secrets.get('onsite-password')).toBeUndefined();
    expect(settings.get().nodes).toEqual([]);
    expect(applied).toEqual([]);
  });

  it('refuses a secret no node names', async () => {
    await expect(handlers['nodes.save']({ nodes: [onsite], secrets: { 'someone-else': 'x' } }, ctx)).rejects.toThrow(/No node names the secret "someone-else"/);
    expect(settings.get().nodes).toEqual([]);
  });

  it('forgets the password of a removed node, and of a node whose sign-in was turned off', async () => {
    const other = node({ id: 'lab', name: 'Lab', kind: 'dicomweb', url: 'https://lab/dicom-web', auth: { type: 'bearer', secretRef: 'lab-token' } });
    await handlers['nodes.save']({ nodes: [onsite, other], secrets: { 'onsite-password': PASSWORD, 'lab-token': 'tok' } }, ctx);
    await handlers['nodes.save']({ nodes: [node({ ...other, auth: { type: 'none' } })] }, ctx);
    expect(secrets.get('onsite-password')).toBeUndefined();
    expect(secrets.get('lab-token')).toBeUndefined();
  });

  it('names every secret a node refers to', () => {
    expect(secretRefsOf(node({ id: 'a', name: 'A', kind: 'dicomweb', url: 'https://a/', auth: { type: 'bearer', secretRef: 't' }, tls: { clientCertFile: '/c.pem', clientKeySecretRef: 'k' } }))).toEqual(['t', 'k']);
    expect(secretRefsOf(node({ id: 'd', name: 'D', kind: 'dimse', host: 'h', port: 104, calledAeTitle: 'X' }))).toEqual([]);
  });

  describe('nodes.test', () => {
    let closed: Server;
    let closedPort: number;
    beforeEach(async () => {
      // A port that was just free: nothing listens there once the server closes.
      closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
      closedPort = (closed.address() as { port: number }).port;
      await new Promise<void>((r) => closed.close(() => r()));
    });

    it('a DICOMweb node on a port where nothing listens: the echo fails naming the address, no query is tried', async () => {
      const result = await handlers['nodes.test']({ node: node({ id: 'x', name: 'Wrong port', kind: 'dicomweb', url: `http://127.0.0.1:${closedPort}/dicom-web` }) }, ctx);
      expect(result.ok).toBe(false);
      expect(result.steps).toHaveLength(1);
      expect(result.steps[0]).toMatchObject({ step: 'echo', ok: false });
      expect(result.steps[0]!.message).toContain(`127.0.0.1:${closedPort}`);
    });

    it('a DIMSE node on a port where nothing listens: the C-ECHO fails naming host and port', async () => {
      const result = await handlers['nodes.test']({ node: node({ id: 'd', name: 'Wrong DIMSE', kind: 'dimse', host: '127.0.0.1', port: closedPort, calledAeTitle: 'NOBODY', connectTimeoutMs: 2000 }) }, ctx);
      expect(result.ok).toBe(false);
      expect(result.steps[0]!.message).toContain(String(closedPort));
    });
  });
});

