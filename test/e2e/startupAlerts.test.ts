/**
 * Issue #16: damage in the archive's index journal is reported where the reader sees it, not only in a log. The
 * browser host is started on an archive holding part of the demo CT and a pinned study, stopped, one byte of a
 * journal frame flipped (as a failing disk would), and started again: the app shows the damage in a banner at
 * start (dismissable), the study is still listed and still pinned.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { getString } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server';
import type { EncryptedArchive } from '../../electron/services/archive/encryptedArchive';
import { MemorySecretStore } from '../../electron/services/secrets/secretStore';
import { MemorySettingsStore } from '../../electron/services/settings/settings';
import { importPaths } from '../../electron/services/store/importPaths';
import { launchChromium } from '../support/chromium';
import { demoCtDir, dicomFilesIn } from '../support/data';
import { shotsDir } from '../support/e2eSession';
import { flipJournalByte } from '../support/journalFrames';
import { ensureRendererBuilt } from '../support/renderer';
import { makeTempDir, removeDir } from '../support/tempDir';
import { testKeyProvider } from '../support/testArchive';

describe('start-up alerts: a damaged archive journal is shown in the app', () => {
  let dataDir: string;
  let browser: Browser;
  let host: BrowserHost | undefined;
  const rendererDir = ensureRendererBuilt();
  const start = () =>
    startBrowserHost({ dataDir, settings: new MemorySettingsStore({ nodes: [], seedDemo: false }), secrets: new MemorySecretStore(), keyProvider: testKeyProvider(), rendererDir, log: () => {} });

  beforeAll(async () => {
    dataDir = await makeTempDir('dokuei-e2e-alerts-');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await removeDir(dataDir);
  });

  it('says which frame was damaged, keeps the study and its pin, and the banner can be dismissed', async () => {
    host = await start();
    const files = dicomFilesIn(demoCtDir()).slice(0, 12);
    expect((await importPaths(host.services.store, files)).imported).toBe(12);
    const archive = () => host!.services.store as EncryptedArchive;
    const studyUid = getString(archive().studies()[0]!, Tag.StudyInstanceUID)!;
    expect(studyUid).toBeTruthy();
    await archive().pin(studyUid);
    await host.close();
    host = undefined;

    const frames = await flipJournalByte(path.join(dataDir, 'archive'), 5);
    expect(frames).toBeGreaterThan(8);

    host = await start();
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(host.url);
    const alert = page.locator('[data-testid="startup-alerts"]');
    await alert.waitFor({ timeout: 60000 });
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(/journal/i);
    expect(text).toMatch(/\b5\b/); // the frame, by number
    // The study is still there (records after the damage kept) and still pinned (the second copy of user state).
    await page.locator('tr[data-study-uid]').first().waitFor({ timeout: 60000 });
    expect(archive().isPinned(studyUid)).toBe(true);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-startup-alerts.png') });
    await page.locator('.banner.warn button[aria-label="Dismiss"]').click();
    await expect.poll(() => alert.count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
