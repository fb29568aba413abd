import Conf from 'conf';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ElectronStoreSettings, type SettingsBackingStore } from '../../../electron/main/electronStoreSettings';
import { SettingsError } from '../../../electron/services/settings/settings';

const backing = (store: Record<string, unknown>): SettingsBackingStore => ({ store, path: '/home/u/.config/Dokuei/settings.json' });

describe('ElectronStoreSettings', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('fills in defaults for an empty store', () => {
    expect(new ElectronStoreSettings(backing({})).get()).toEqual({ nodes: [], seedDemo: true });
  });

  it('reads valid settings', () => {
    const s = new ElectronStoreSettings(
      backing({ seedDemo: false, nodes: [{ name: 'PACS', kind: 'dicomweb', url: 'https://pacs.example/dicom-web' }] }),
    ).get();
    expect(s.seedDemo).toBe(false);
    expect(s.nodes).toEqual([{ name: 'PACS', kind: 'dicomweb', url: 'https://pacs.example/dicom-web', timeoutMs: 15000, enabled: true }]);
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
    expect(b.store).toEqual({ nodes: [], seedDemo: false });
    expect(() => settings.set({ nodes: [], seedDemo: 'yes' } as never)).toThrow(SettingsError);
    expect(b.store).toEqual({ nodes: [], seedDemo: false });
  });

  it('round-trips through a real conf store (what electron-store extends)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dokuei-settings-'));
    dirs.push(dir);
    const conf = new Conf<Record<string, unknown>>({ projectName: 'dokuei-test', cwd: dir, configName: 'settings' });
    new ElectronStoreSettings(conf).set({ nodes: [], seedDemo: false });
    const reopened = new Conf<Record<string, unknown>>({ projectName: 'dokuei-test', cwd: dir, configName: 'settings' });
    expect(new ElectronStoreSettings(reopened).get()).toEqual({ nodes: [], seedDemo: false });
  });
});
