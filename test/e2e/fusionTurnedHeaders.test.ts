/**
 * Fusion of a CT with a copy of itself labelled feet-first (Patient Position FFS) whose position and orientation
 * headers are the head-first ones turned 180° about the vertical axis (issue #14): Register in the viewer finds the
 * turn, shows the warning on screen, and the transform is that turn. Runs on the committed demo CT (an evenly spaced
 * copy), no ../shared needed.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { rotationFromVector, volumeCentre } from '../../common/registration';
import { loadSeriesVolume } from '../../electron/services/registration/loadSeriesVolume';
import { importPaths } from '../../electron/services/store/importPaths';
import { demoCtDir, dicomFilesIn } from '../support/data';
import { writeEvenlySpacedCopy } from '../support/derivedSeries';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { waitForFusionReady } from '../support/fusionPage';
import { makeTempDir, removeDir } from '../support/tempDir';
import { writeTurnedCopy } from '../support/turnedSeries';

/** Grey-level spread of one layer's axial canvas (0: blank). */
function axialStddev(page: Page, layer: string): Promise<number> {
  return page.evaluate((l) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-layer="${l}"][data-plane="axial"] canvas`);
    const data = canvas && canvas.width > 0 && canvas.height > 0 ? canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data : undefined;
    if (!data) return 0;
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i < data.length; i += 4) {
      sum += data[i]!;
      sum2 += data[i]! * data[i]!;
    }
    const n = data.length / 4;
    return Math.sqrt(Math.max(0, sum2 / n - (sum / n) ** 2));
  }, layer);
}

type FusionHook = { __dokueiFusion?: { transform(): number[][] | undefined; state(): string } };

describe('fusion: registration of a series whose headers are turned (FFS written, head-first vectors)', () => {
  let session: E2eSession;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = await makeTempDir('dokuei-e2e-turned-');
    session = await startE2eSession({ prefix: 'dokuei-e2e-fusion-turned-', errorStacks: true });
    page = session.page;
    const evenDir = path.join(dir, 'even');
    const demo = dicomFilesIn(demoCtDir());
    writeEvenlySpacedCopy(demo, evenDir, '2.25.1414011', 2.5);
    const centre = volumeCentre((await loadSeriesVolume(evenDir)).volume);
    writeTurnedCopy(dicomFilesIn(evenDir), path.join(dir, 'turned'), '2.25.1414012', { rotation: rotationFromVector([0, 0, Math.PI]), centre, shift: [5, -7, 3] }, 'Demo CT, FFS turned', { PatientPosition: 'FFS' });
    const r = await importPaths(session.host.services.store, [dir]);
    expect(r.imported).toBe(demo.length * 2);
  });

  afterAll(async () => {
    await session?.close();
    await removeDir(dir);
  });

  it('finds the 180° turn, shows the warning and applies the turn', async () => {
    const { host, pageErrors } = session;
    await page.goto(host.url);
    await page.locator('tr[data-study-uid]').first().click();
    await page.getByRole('button', { name: '1×2' }).click();
    await page.locator('[data-cell="0"]').click();
    await page.locator('li[data-series-uid]', { hasText: 'evenly spaced' }).click();
    await page.locator('[data-cell="0"] .viewport[data-state="ready"]').waitFor({ timeout: 60000 });
    await page.locator('[data-cell="1"]').click({ position: { x: 50, y: 100 } });
    await page.locator('li[data-series-uid]', { hasText: 'FFS turned' }).click();
    await page.locator('[data-cell="1"] .viewport[data-state="ready"]').waitFor({ timeout: 60000 });
    await page.getByRole('button', { name: 'Fusion' }).click();
    await waitForFusionReady(page);

    await page.getByRole('button', { name: 'Register' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as FusionHook).__dokueiFusion?.state()), { timeout: 180000 }).toMatch(/done|failed/);
    expect(await page.locator('[data-testid="registration-status"]').textContent()).toMatch(/Registered in/);
    const warning = page.locator('[data-testid="registration-warning"]');
    await expect.poll(() => warning.count()).toBeGreaterThan(0);
    expect(await warning.first().getAttribute('title')).toMatch(/orientation headers disagree with the image: turned 180° about the patient's vertical/);
    expect(await warning.first().isVisible()).toBe(true);
    // moving → fixed undoes the turn: x and y reversed, z kept.
    const m = (await page.evaluate(() => (window as unknown as FusionHook).__dokueiFusion?.transform()))!;
    expect(m[0]![0]!).toBeCloseTo(-1, 1);
    expect(m[1]![1]!).toBeCloseTo(-1, 1);
    expect(m[2]![2]!).toBeCloseTo(1, 1);
    await waitForFusionReady(page);
    // The warning sits over the planes, which still show both series (the warning must not collapse them).
    for (const layer of ['base', 'overlay']) await expect.poll(() => axialStddev(page, layer), { timeout: 60000, message: `${layer} layer blank` }).toBeGreaterThan(5);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-fusion-turned-headers.png') });
    expect(pageErrors).toEqual([]);
  });
});
