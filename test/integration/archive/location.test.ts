/** The archive location setting: saved for the next start (nothing moved), used at start-up, bad folders refused. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../common/ipc/errors';
import { createServices } from '../../../electron/services/app/createServices';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { MemorySettingsStore } from '../../../electron/services/settings/settings';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { testKeyProvider } from '../../support/testArchive';

const ctx = { windowId: 't', emit: () => {} };
const open = (dataDir: string, settings: MemorySettingsStore) =>
  createServices({ dataDir, settings, secrets: new MemorySecretStore(), keyProvider: testKeyProvider(), host: 'cli', version: 't', dataPlaneBaseUrl: '', gatewayBasePath: '', seedDemo: false });

describe('archive location', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('dokuei-location-');
  });
  afterAll(() => removeDir(dir));

  it('is saved for the next start, and the next start uses it', async () => {
    const settings = new MemorySettingsStore({ seedDemo: false });
    const first = await open(dir, settings);
    expect(first.store.root).toBe(path.join(dir, 'archive'));
    const target = path.join(dir, 'elsewhere', 'archive');
    const r = await first.handlers.archive.setLocation({ dir: target }, ctx);
    expect(r).toEqual({ current: path.join(dir, 'archive'), next: target, restartRequired: true });
    expect(settings.get().archive?.dir).toBe(target);
    await expect(first.handlers.archive.setLocation({ dir: 'relative/path' }, ctx)).rejects.toMatchObject({ code: ErrorCode.InvalidRequest, message: expect.stringContaining('absolute path') });
    const aFile = path.join(dir, 'a-file');
    writeFileSync(aFile, 'x');
    await expect(first.handlers.archive.setLocation({ dir: path.join(aFile, 'archive') }, ctx)).rejects.toMatchObject({ code: ErrorCode.InvalidRequest, message: expect.stringContaining('cannot be used') });
    expect(settings.get().archive?.dir).toBe(target); // refused changes are not saved
    await first.close();

    const second = await open(dir, settings);
    expect(second.store.root).toBe(target);
    const back = await second.handlers.archive.setLocation({ dir: null }, ctx);
    expect(back).toEqual({ current: target, next: path.join(dir, 'archive'), restartRequired: true });
    await second.close();
  });
});
