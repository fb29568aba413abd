/**
 * The image gets the screen (issue #18): once a study is open the study list folds to a side strip (Ctrl+B brings
 * it back), a double-clicked cell fills the viewer, and full screen (F11) leaves only the images and their overlays.
 * On a 1920×1080 and a 2560×1440 screen and on a portrait reading monitor (1080×1920), the image canvases take at
 * least 85 % of the window's pixels in reading mode — measured here on the page, from the canvases' boxes.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { waitForRenderedImage } from '../support/viewerPage';

/** Fraction of the window covered by the viewer's visible canvases (clipped to the window; overlaps counted once per canvas). */
async function canvasShare(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window.innerWidth;
    const h = window.innerHeight;
    let area = 0;
    for (const c of Array.from(document.querySelectorAll<HTMLCanvasElement>('.viewer canvas'))) {
      const r = c.getBoundingClientRect();
      const style = getComputedStyle(c);
      if (style.visibility === 'hidden' || style.display === 'none' || r.width === 0 || r.height === 0) continue;
      const x = Math.max(0, Math.min(w, r.right) - Math.max(0, r.left));
      const y = Math.max(0, Math.min(h, r.bottom) - Math.max(0, r.top));
      area += x * y;
    }
    return area / (w * h);
  });
}

const SCREENS = [
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '2560x1440', width: 2560, height: 1440 },
  { name: 'portrait 1080x1920', width: 1080, height: 1920 },
];

describe('reading mode', () => {
  let s: E2eSession;

  beforeAll(async () => {
    s = await startE2eSession({ prefix: 'dokuei-e2e-reading-', seedDemo: true, viewport: { width: 1920, height: 1080 } });
  }, 120000);
  afterAll(async () => {
    await s?.close();
  });

  const openDemo = async (page: Page) => {
    // From a blank page: the host URL carries its token in the fragment, so going to it again from itself would
    // be a same-document navigation keeping the previous test's state.
    await page.goto('about:blank');
    await page.goto(s.host.url);
    const row = page.locator('tr[data-study-uid]').first();
    await row.waitFor({ timeout: 60000 });
    await row.click();
    await page.keyboard.press('Enter');
    await waitForRenderedImage(page);
  };

  for (const screen of SCREENS) {
    it(`gives the image ≥ 85 % of a ${screen.name} screen once a study is open`, async () => {
      const page = await (await s.browser.newContext({ viewport: { width: screen.width, height: screen.height } })).newPage();
      await openDemo(page);
      // The study list has folded to its strip by itself; the study's series stay there, to switch series.
      await page.locator('[data-testid="study-strip"]').waitFor({ timeout: 30000 });
      expect(await page.locator('tr[data-study-uid]').first().isVisible()).toBe(false);
      expect(await page.locator('li[data-series-uid]').first().isVisible()).toBe(true);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(shotsDir, `e2e-reading-${screen.width}x${screen.height}.png`) });
      await expect.poll(() => canvasShare(page), { timeout: 30000 }).toBeGreaterThanOrEqual(0.85);
      if (screen.width >= 1920) {
        // The layout bar shares the header's row: one row of bars above the image's own toolbar.
        const header = (await page.locator('.app-header').boundingBox())!;
        const bar = (await page.locator('.layout-bar').boundingBox())!;
        expect(bar.y).toBeGreaterThanOrEqual(header.y);
        expect(bar.y + bar.height).toBeLessThanOrEqual(header.y + header.height + 1);
        expect(header.height).toBeLessThan(50);
      }
      await page.context().close();
    });
  }

  it('brings the study list back with one key and folds it again, keeping the image', async () => {
    const page = s.page;
    await openDemo(page);
    await page.locator('[data-testid="study-strip"]').waitFor({ timeout: 30000 });
    const reading = await canvasShare(page);
    await page.keyboard.press('Control+b');
    await page.locator('tr[data-study-uid]').first().waitFor();
    await expect.poll(() => canvasShare(page)).toBeLessThan(reading * 0.8);
    await page.keyboard.press('Control+b');
    await page.locator('[data-testid="study-strip"]').waitFor();
    await expect.poll(() => canvasShare(page)).toBeGreaterThanOrEqual(0.85);
    // The strip's button does the same, for the mouse.
    await page.locator('[data-testid="study-strip"] button').first().click();
    await page.locator('tr[data-study-uid]').first().waitFor();
    expect(s.pageErrors).toEqual([]);
  });

  it('maximises a cell on double-click and restores the layout on the next', async () => {
    const page = s.page;
    await openDemo(page);
    await page.keyboard.press('Alt+3'); // 2×2
    await page.locator('.cell[data-cell="3"]').waitFor();
    const cell = page.locator('.cell[data-cell="0"]');
    const before = (await cell.boundingBox())!;
    await cell.dblclick();
    await expect.poll(async () => (await cell.boundingBox())!.width).toBeGreaterThan(before.width * 1.8);
    expect(await page.locator('.cell[data-cell="1"]').isVisible()).toBe(false);
    await cell.dblclick();
    await expect.poll(async () => (await cell.boundingBox())!.width).toBeLessThan(before.width * 1.1);
    expect(await page.locator('.cell[data-cell="1"]').isVisible()).toBe(true);
  });

  it('full screen (F11) hides every bar; the overlays stay; Esc comes back', async () => {
    const page = s.page;
    await openDemo(page);
    await page.keyboard.press('F11');
    await page.locator('.app[data-fullscreen="true"]').waitFor();
    for (const chrome of ['.app-header', '.status', '.layout-bar', '.stack-toolbar', '[data-testid="study-strip"]']) {
      expect(await page.locator(chrome).first().isVisible(), chrome).toBe(false);
    }
    expect(await page.locator('[data-testid="overlay-slice"]').first().isVisible()).toBe(true);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-reading-fullscreen.png') });
    await expect.poll(() => canvasShare(page)).toBeGreaterThanOrEqual(0.97);
    await page.keyboard.press('Escape');
    await page.locator('.app[data-fullscreen="false"]').waitFor();
    expect(await page.locator('.app-header').isVisible()).toBe(true);
  });
});
