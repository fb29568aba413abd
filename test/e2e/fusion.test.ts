/**
 * Fusion with automatic rigid registration in the viewer (issue #8), on the real MR of ../shared
 * (3D T1 and axial T2 of one session): checkerboard of the T2 over the T1 before and after registration
 * (screenshots), registration in a worker lands within 3 mm / 3° of identity, and the other mixing modes
 * draw the overlay as they say.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sharedDataDir } from '../support/data';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { loadedVolumeIds, openMrFusion, waitForFusionReady } from '../support/fusionPage';

const mrDir = sharedDataDir('mr_brain_siemens_trio');

type FusionHook = { __dokueiFusion?: { transform(): number[][] | undefined; state(): string } };

async function layerStats(page: Page, layer: 'base' | 'overlay'): Promise<{ stddev: number }> {
  return page.evaluate((l) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-layer="${l}"][data-plane="axial"] canvas`);
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return { stddev: 0 };
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    let sum2 = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      sum += data[i]!;
      sum2 += data[i]! * data[i]!;
    }
    const mean = sum / n;
    return { stddev: Math.sqrt(Math.max(0, sum2 / n - mean * mean)) };
  }, layer);
}

describe.skipIf(!mrDir)('fusion with registration in the viewer (MR T1 + T2)', () => {
  let session: E2eSession;
  let page: Page;

  beforeAll(async () => {
    session = await startE2eSession({ prefix: 'dokuei-e2e-fusion-', files: () => [mrDir!], skipNotDicom: true, errorStacks: true });
    page = session.page;
  });

  afterAll(async () => {
    await session?.close();
  });

  it('shows the T2 over the T1 as a checkerboard, registers it in a worker, and shows the result', async () => {
    const { host, pageErrors } = session;
    await openMrFusion(page, host.url);
    await expect.poll(async () => (await layerStats(page, 'base')).stddev, { timeout: 60000 }).toBeGreaterThan(5);
    await expect.poll(async () => (await layerStats(page, 'overlay')).stddev, { timeout: 60000 }).toBeGreaterThan(5);

    // Checkerboard: the overlay is masked into tiles of the chosen size.
    await page.getByLabel('Fusion mode').selectOption('checkerboard');
    await page.getByLabel('Checkerboard tile (px)').fill('40');
    const mask = await page.locator('[data-layer="overlay"][data-plane="axial"]').evaluate((el) => getComputedStyle(el).maskImage || getComputedStyle(el).webkitMaskImage);
    expect(mask).toContain('repeating-conic-gradient');
    // Misregister by hand first (10 mm, 8°), as a reader adjusting the overlay would: the checkerboard shows it.
    await page.getByText('Adjust').click();
    await page.getByLabel('Shift x (mm)').fill('10');
    await page.getByLabel('Rotate about z (degrees)').fill('8');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(async () => {
      const t = await page.evaluate(() => (window as unknown as FusionHook).__dokueiFusion?.transform());
      return t ? Math.round(Math.hypot(t[0]![3]!, t[1]![3]!, t[2]![3]!)) : 0;
    }).toBeGreaterThan(5);
    await waitForFusionReady(page);
    await expect.poll(async () => (await layerStats(page, 'overlay')).stddev, { timeout: 60000 }).toBeGreaterThan(5);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-fusion-checkerboard-before.png') });

    // The registration result is applied in place, as manual changes are: the same volumes, a new overlay picture.
    const volumeIds = () => loadedVolumeIds(page);
    const overlayPixels = () => page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-layer="overlay"][data-plane="axial"] canvas')!;
      return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0)).join(',');
    });
    const idsBefore = await volumeIds();
    const pixelsBefore = await overlayPixels();
    await page.getByRole('button', { name: 'Register' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as FusionHook).__dokueiFusion?.state()), { timeout: 120000 }).toMatch(/done|failed/);
    expect(await page.locator('[data-testid="registration-status"]').textContent()).toMatch(/Registered in/);
    const m = (await page.evaluate(() => (window as unknown as FusionHook).__dokueiFusion?.transform()))!;
    // One session, one frame of reference: from the manual misregistration, the result comes back to within
    // 3 mm and 3° of identity.
    expect(Math.hypot(m[0]![3]!, m[1]![3]!, m[2]![3]!)).toBeLessThan(3);
    const angle = (Math.acos(Math.min(1, (m[0]![0]! + m[1]![1]! + m[2]![2]! - 1) / 2)) * 180) / Math.PI;
    expect(angle).toBeLessThan(3);
    await waitForFusionReady(page);
    await expect.poll(async () => (await layerStats(page, 'overlay')).stddev, { timeout: 60000 }).toBeGreaterThan(5);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-fusion-checkerboard-after.png') });
    expect(await volumeIds()).toEqual(idsBefore);
    expect(idsBefore.length).toBe(2);
    await expect.poll(overlayPixels).not.toBe(pixelsBefore);

    // Undo goes back to the manual transform, step by step.
    await page.getByRole('button', { name: 'Undo' }).click();
    const undone = (await page.evaluate(() => (window as unknown as FusionHook).__dokueiFusion?.transform()))!;
    expect(Math.hypot(undone[0]![3]!, undone[1]![3]!, undone[2]![3]!)).toBeGreaterThan(5);
    await waitForFusionReady(page);

    // Swipe clips the overlay at the edge; blend sets its opacity.
    await page.getByLabel('Fusion mode').selectOption('swipe');
    expect(await page.locator('[data-layer="overlay"][data-plane="axial"]').evaluate((el) => getComputedStyle(el).clipPath)).toContain('inset');
    await page.getByLabel('Fusion mode').selectOption('blend');
    await page.getByLabel('Overlay opacity').fill('30');
    expect(await page.locator('[data-layer="overlay"][data-plane="axial"]').evaluate((el) => Number(getComputedStyle(el).opacity))).toBeCloseTo(0.3, 2);
    expect(pageErrors).toEqual([]);
  });
});
