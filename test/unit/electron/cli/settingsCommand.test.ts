/**
 * `dokuei settings export|import` (issue #18): one workstation's settings set up the next. The export holds no secret
 * (only the references, listed for the new machine); an import is validated and migrated before anything is written
 * (a settings shape from before node ids, a bare settings.json, a file with a password typed into it: dropped); a bad
 * file changes nothing. Then the real command, two data folders: export from one, import into the other, the
 * settings.json written, no password in it, the change in the audit trail.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSettings, secretRefsOf, settingsCommand, settingsFromFile, SETTINGS_EXPORT_FORMAT } from '../../../../electron/cli/settingsCommand';
import { MemorySettingsStore, type SettingsInput } from '../../../../electron/services/settings/settings';
import { repoRoot } from '../../../support/data';
import { testArchiveEnv } from '../../../support/testArchive';
import { makeTempDir, removeDir } from '../../../support/tempDir';

const run = promisify(execFile);

const SETTINGS: SettingsInput = {
  nodes: [
    { id: 'onsite', name: 'On-site PACS', kind: 'dicomweb', role: 'onsite', priority: 1, url: 'https://pacs.hospital.example/dicom-web', auth: { type: 'basic', username: 'reader', secretRef: 'node:onsite:password' }, tls: { clientCertFile: '/etc/dokuei/client.pem', clientKeySecretRef: 'node:onsite:tls-key' } },
    { id: 'archive', name: 'Off-site archive', kind: 'dimse', role: 'offsite', priority: 2, calledAeTitle: 'ARCHIVE', host: '10.0.0.9', port: 104, retrieve: 'C-GET' },
  ],
  archive: { quotaGb: 200 },
};

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('dokuei-settings-');
});
afterAll(() => removeDir(dir));

const io = () => {
  const lines: string[] = [];
  const errs: string[] = [];
  return { lines, errs, io: { out: (l: string) => lines.push(l), err: (t: string) => errs.push(t) } };
};

describe('settings export and import', () => {
  it('exports the settings with the secret references to set, never a secret', () => {
    const settings = new MemorySettingsStore(SETTINGS).get();
    expect(secretRefsOf(settings)).toEqual(['node:onsite:password', 'node:onsite:tls-key']);
    const exported = exportSettings(settings, new Date('2026-12-06T10:00:00Z'));
    expect(exported).toMatchObject({ format: SETTINGS_EXPORT_FORMAT, version: 1, exportedAt: '2026-12-06T10:00:00.000Z', secretRefs: ['node:onsite:password', 'node:onsite:tls-key'] });
    expect(exported.settings.nodes.map((n) => n.id)).toEqual(['onsite', 'archive']);
  });

  it('round-trips through a file into another store', async () => {
    const file = path.join(dir, 'roundtrip.json');
    const from = new MemorySettingsStore(SETTINGS);
    const a = io();
    expect((await settingsCommand(from, ['export', file], false, a.io)).code).toBe(0);
    expect(a.errs.join('')).toContain('node:onsite:password');
    const to = new MemorySettingsStore({});
    const b = io();
    const result = await settingsCommand(to, ['import', file], false, b.io);
    expect(result.code).toBe(0);
    expect(to.get()).toEqual(from.get());
    expect(b.lines.join('\n')).toContain('2 nodes (On-site PACS, Off-site archive)');
  });

  it('migrates earlier shapes: nodes without ids (the first settings), a bare settings.json', () => {
    const foundation = { nodes: [{ name: 'Orthanc main', kind: 'dicomweb', role: 'onsite', priority: 1, url: 'http://127.0.0.1:8042/dicom-web' }] };
    expect(settingsFromFile(foundation, 'old.json').nodes[0]!.id).toBe('Orthanc-main');
    expect(settingsFromFile({ format: SETTINGS_EXPORT_FORMAT, version: 1, settings: foundation }, 'wrapped.json').nodes[0]!.id).toBe('Orthanc-main');
  });

  it('never takes a secret typed into the file, and a bad file changes nothing', async () => {
    const withPassword = { ...SETTINGS, nodes: [{ ...SETTINGS.nodes![0]!, auth: { type: 'basic', username: 'reader', secretRef: 'node:onsite:password', password: 'hunter2' } }] };
    const taken = settingsFromFile(withPassword, 'typed.json');
    expect(JSON.stringify(taken)).not.toContain('hunter2');

    const store = new MemorySettingsStore(SETTINGS);
    const before = store.get();
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ nodes: [{ id: 'x', name: 'X', kind: 'dimse', role: 'onsite', priority: 1, calledAeTitle: 'X', host: 'h', port: 'not a port' }] }));
    await expect(settingsCommand(store, ['import', bad], false, io().io)).rejects.toThrow(/nodes\.0\.port/);
    const notJson = path.join(dir, 'notjson.json');
    writeFileSync(notJson, 'nodes: []');
    await expect(settingsCommand(store, ['import', notJson], false, io().io)).rejects.toThrow(/could not be read as a settings file/);
    expect(store.get()).toEqual(before);
    await expect(settingsCommand(store, ['publish'], false, io().io)).rejects.toThrow(/unknown settings command/);
  });

  it('sets up a second workstation from the first one’s export (the real command), recorded in its audit trail', async () => {
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    const dokuei = (args: string[]) => run(process.execPath, [path.join(repoRoot, 'bin/dokuei.mjs'), ...args], { env: { ...process.env, ...testArchiveEnv }, timeout: 60000 });
    // The first workstation's settings, as its settings window (or a person) saved them.
    new (await import('../../../../electron/services/settings/settings')).ConfSettingsStore(first).set(SETTINGS);
    const file = path.join(dir, 'workstation.json');
    const exported = await dokuei(['settings', 'export', file, '--data-dir', first, '--json']);
    expect(JSON.parse(exported.stdout)).toEqual({ file, secretRefs: ['node:onsite:password', 'node:onsite:tls-key'] });
    const imported = await dokuei(['settings', 'import', file, '--data-dir', second, '--json']);
    expect(JSON.parse(imported.stdout)).toMatchObject({ nodes: ['onsite', 'archive'] });
    const written = readFileSync(path.join(second, 'settings.json'), 'utf8');
    expect(JSON.parse(written).nodes).toHaveLength(2);
    expect(written).not.toMatch(/password"\s*:/i);
    // Nodes changed, with credentials and a client certificate: a Security Alert (110113) of type Security Configuration.
    const audit = JSON.parse((await dokuei(['audit', 'ls', '--data-dir', second, '--json'])).stdout) as { eventId: string; eventType: string }[];
    expect(audit).toEqual([expect.objectContaining({ eventId: '110113', eventType: 'Security Configuration' })]);
    // Without the data folder's key the trail cannot be written, so nothing is imported.
    const third = path.join(dir, 'third');
    const { DOKUEI_ARCHIVE_KEY: _key, ...noKey } = { ...process.env, ...testArchiveEnv };
    const refused = await run(process.execPath, [path.join(repoRoot, 'bin/dokuei.mjs'), 'settings', 'import', file, '--data-dir', third], { env: noKey, timeout: 60000 }).then(
      () => 0,
      (e: { code: number }) => e.code,
    );
    expect(refused).not.toBe(0);
    expect(existsSync(path.join(third, 'settings.json'))).toBe(false);
  });
});
