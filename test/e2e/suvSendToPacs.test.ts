/**
 * The SUV panel's "Also send to PACS" (issue #7: the corrected mapping "optionally sent to the PACS with STOW-RS"):
 * the PET/CT phantom in the local store, a real Orthanc configured as a DICOMweb node; a weight correction saved with
 * the node chosen says it was sent, and the RWVM instance is then in Orthanc; a correction saved without it is not.
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server';
import { MemorySettingsStore } from '../../electron/services/settings/settings';
import { importPaths } from '../../electron/services/store/importPaths';
import { RWVM_SOP_CLASS_UID } from '../../electron/services/suv/rwvm';
import { launchChromium } from '../support/chromium';
import { repoRoot } from '../support/data';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';
import { writePetCtPhantom, type PetCtPhantomTruth } from '../support/petCtPhantom';
import { ensureRendererBuilt } from '../support/renderer';
import { makeTempDir, removeDir } from '../support/tempDir';
import { waitForRenderedImage } from '../support/viewerPage';

const shotsDir = path.join(repoRoot, 'test-results');

describe('SUV panel: Also send to PACS (phantom PET, real Orthanc)', () => {
  let dataDir: string;
  let host: BrowserHost;
  let orthanc: OrthancInstance;
  let browser: Browser;
  let page: Page;
  let truth: PetCtPhantomTruth;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    dataDir = await makeTempDir('dokuei-e2e-suv-send-');
    const phantom = writePetCtPhantom(path.join(dataDir, 'phantom'), { weightKg: 66.2, ct: { rows: 32, columns: 32, slices: 4 }, pet: { rows: 32, columns: 32, slices: 6 } });
    truth = phantom.truth;
    orthanc = await startOrthanc({ name: 'TestPACS' });
    const nodes = [{ id: 'pacs', name: 'TestPACS', kind: 'dicomweb', url: orthanc.dicomwebUrl }];
    host = await startBrowserHost({ dataDir, settings: new MemorySettingsStore({ nodes, seedDemo: false }), rendererDir, log: () => {} });
    expect((await importPaths(host.services.store, [...phantom.ctFiles, ...phantom.petFiles])).failed).toEqual([]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    mkdirSync(shotsDir, { recursive: true });
  }, 240000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await orthanc?.stop();
    if (dataDir) await removeDir(dataDir);
  });

  async function rwvmInOrthanc(): Promise<number> {
    const res = await fetch(`${orthanc.dicomwebUrl}/instances?00080016=${RWVM_SOP_CLASS_UID}`, { headers: { Accept: 'application/dicom+json' } });
    return res.status === 204 ? 0 : ((await res.json()) as unknown[]).length;
  }

  async function correctWeight(value: string, reason: string, sendTo: string): Promise<string> {
    await page.getByRole('button', { name: 'Correct weight' }).click();
    await page.getByLabel('New value').fill(value);
    await page.getByLabel('Reason').fill(reason);
    await page.getByLabel('Also send to PACS').selectOption({ label: sendTo });
    await page.getByRole('button', { name: 'Save correction' }).click();
    await expect.poll(() => page.getByTestId('suv-message').textContent().catch(() => ''), { timeout: 30000 }).toMatch(new RegExp(`^Saved: Weight ${value}`));
    return (await page.getByTestId('suv-message').textContent()) ?? '';
  }

  it('a correction saved with TestPACS chosen reaches Orthanc; one saved with No stays local', async () => {
    await page.goto(host.url);
    await page.locator('tr[data-study-uid]').first().click();
    await page.locator(`li[data-series-uid="${truth.pet.seriesInstanceUid}"]`).click();
    await waitForRenderedImage(page);
    await page.getByRole('button', { name: 'SUV…' }).click();
    await page.locator('[data-testid="suv-panel"]').waitFor();
    expect(await rwvmInOrthanc()).toBe(0);

    expect(await correctWeight('70', 'Weighed again', 'TestPACS')).toMatch(/ Sent 1 instance to TestPACS\.$/);
    expect(await rwvmInOrthanc()).toBe(1);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-suv-send-to-pacs.png') });

    expect(await correctWeight('71', 'Scale recalibrated', 'No')).not.toMatch(/Sent/);
    expect(await rwvmInOrthanc()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
