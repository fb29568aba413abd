import Conf from 'conf';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ElectronStoreSettings, type SettingsBackingStore } from '../../../../electron/main/electronStoreSettings';
import { SettingsError, type SettingsInput } from '../../../../electron/services/settings/settings';

const DEFAULT_SCP = { aeTitle: 'DOKUEI', port: 11112, enabled: true };

const backing = (store: Record<string, unknown>): SettingsBackingStore => ({ store, path: '/home/u/.config/Dokuei/settings.json' });

describe('ElectronStoreSettings', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('fills in defaults for an empty store', () => {
    expect(new ElectronStoreSettings(backing({})).get()).toEqual({ version: 1, nodes: [], localScp: DEFAULT_SCP, seedDemo: true });
  });

  it('reads valid settings', () => {
    const s = new ElectronStoreSettings(
      backing({ seedDemo: false, nodes: [{ name: 'PACS', kind: 'dicomweb', url: 'https://pacs.example/dicom-web' }] }),
    ).get();
    expect(s.seedDemo).toBe(false);
    // Nodes written before ids existed get one derived from the name; defaults are filled in.
    expect(s.nodes).toEqual([
      {
        id: 'PACS', name: 'PACS', kind: 'dicomweb', url: 'https://pacs.example/dicom-web', role: 'other', priority: 100, enabled: true,
        connectTimeoutMs: 5000, timeoutMs: 15000, slowMs: 3000, auth: { type: 'none' },
      },
    ]);
  });

  it('refuses invalid settings with an error naming the file', () => {
    const settings = new ElectronStoreSettings(backing({ nodes: [{ name: 'x', kind: 'dicomweb', url: 'ftp://pacs' }] }));
    expect(() => settings.get()).toThrow(SettingsError);
    expect(() => settings.get()).toThrow(/settings\.json/);
  });

  it('writes only valid settings', () => {
    const b = backing({});
    const settings = new ElectronStoreSettings(b);
    settings.set({ nodes: [], seedDemo: false });
    expect(b.store).toEqual({ version: 1, nodes: [], localScp: DEFAULT_SCP, seedDemo: false });
    expect(() => settings.set({ nodes: [], seedDemo: 'yes' } as never)).toThrow(SettingsError);
    const dup: SettingsInput = { nodes: [1, 2].map(() => ({ id: 'a', name: 'A', kind: 'dicomweb' as const, url: 'http://x/dicom-web' })) };
    expect(() => settings.set(dup)).toThrow(/Duplicate node id "a"/);
    expect(b.store).toEqual({ version: 1, nodes: [], localScp: DEFAULT_SCP, seedDemo: false });
  });

  it('round-trips through a real conf store (what electron-store extends)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dokuei-settings-'));
    dirs.push(dir);
    const conf = new Conf<Record<string, unknown>>({ projectName: 'dokuei-test', cwd: dir, configName: 'settings' });
    new ElectronStoreSettings(conf).set({ nodes: [], seedDemo: false });
    const reopened = new Conf<Record<string, unknown>>({ projectName: 'dokuei-test', cwd: dir, configName: 'settings' });
    expect(new ElectronStoreSettings(reopened).get()).toEqual({ version: 1, nodes: [], localScp: DEFAULT_SCP, seedDemo: false });
  });
});
