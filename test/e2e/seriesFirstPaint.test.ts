/**
 * A cached study opens at once: the real CT (the 275-slice LIDC CT when ../shared is here, else the committed
 * 64-slice demo block, contiguous 1 mm slices) opened in MPR 1+3 from the local archive shows its centre slice before a tenth of the volume has
 * arrived. The progress counter is read in the page at the axial view's first paint (cornerstone's
 * IMAGE_RENDERED, caught in the capture phase before anything else runs), together with what that paint shows:
 * real anatomy (grey levels spread), not a blank canvas. The volume then arrives whole by the series stream
 * (one Retrieve Series request, no per-frame request) and the views show it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { demoCtDir, dicomFilesIn, sharedDataDir } from '../support/data';
import { writeEvenlySpacedCopy } from '../support/derivedSeries';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { makeTempDir, removeDir } from '../support/tempDir';

interface FirstPaint {
  loaded: number;
  total: number;
  stddev: number;
  nonBlackFraction: number;
}

describe('a cached series opens on its centre slice before the volume has arrived', () => {
  let session: E2eSession;
  let page: Page;
  let copyDir: string | undefined;
  let files: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const shared = sharedDataDir('ct_chest_lidc0314');
    if (shared) files = dicomFilesIn(shared);
    else {
      copyDir = await makeTempDir('dokuei-e2e-first-paint-ct-');
      files = writeEvenlySpacedCopy(dicomFilesIn(demoCtDir()), copyDir, '1.2.826.0.1.3680043.10.1234.91', 1);
    }
    session = await startE2eSession({ prefix: 'dokuei-e2e-first-paint-', files: () => files, viewport: { width: 1280, height: 760 } });
    page = session.page;
    page.on('request', (r) => requests.push(r.url()));
  });
  afterAll(async () => {
    await session?.close();
    await removeDir(copyDir);
  });

  it('paints the centre slice with < 10 % of the slices in, then streams the rest in one request', async () => {
    await page.goto(session.host.url);
    const row = page.locator('tr[data-study-uid]').first();
    await row.waitFor({ timeout: 60000 });
    await row.click();
    const series = page.locator('li[data-series-uid]').first();
    await series.waitFor({ timeout: 60000 });
    // The layout first, so that opening the series builds the volume directly.
    await page.getByRole('button', { name: 'MPR 1+3' }).click();
    await page.evaluate(() => {
      const w = window as unknown as { __firstPaint?: unknown; __dokueiVolumes?: { list(): { loadedSlices: number; dimensions: number[] }[] } };
      const onRendered = (e: Event) => {
        const cell = (e.target as HTMLElement | null)?.closest?.('[data-plane="axial"]');
        if (!cell || w.__firstPaint) return;
        const v = w.__dokueiVolumes?.list()[0];
        const canvas = cell.querySelector('canvas');
        const ctx = canvas?.getContext('2d');
        if (!v || !canvas || !ctx) return;
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let sum = 0;
        let sum2 = 0;
        let nonBlack = 0;
        const n = data.length / 4;
        for (let i = 0; i < data.length; i += 4) {
          const g = (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
          sum += g;
          sum2 += g * g;
          if (g > 16) nonBlack++;
        }
        const mean = sum / n;
        w.__firstPaint = { loaded: v.loadedSlices, total: v.dimensions[2], stddev: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), nonBlackFraction: nonBlack / n };
        document.removeEventListener('CORNERSTONE_IMAGE_RENDERED', onRendered, true);
      };
      document.addEventListener('CORNERSTONE_IMAGE_RENDERED', onRendered, true);
    });
    const before = requests.length;
    await series.click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __firstPaint?: FirstPaint }).__firstPaint), { timeout: 120000, interval: 100 })
      .toBeDefined();
    const first = (await page.evaluate(() => (window as unknown as { __firstPaint: FirstPaint }).__firstPaint))!;
    expect(first.total).toBe(files.length);
    // The centre slice, painted while fewer than a tenth of the slices had arrived…
    expect(first.loaded, JSON.stringify(first)).toBeLessThan(first.total / 10);
    // …and it is anatomy (a chest: body and lungs spread the grey levels), not an empty canvas.
    expect(first.stddev, JSON.stringify(first)).toBeGreaterThan(20);
    expect(first.nonBlackFraction, JSON.stringify(first)).toBeGreaterThan(0.1);

    await expect.poll(() => page.locator('[data-testid="volume-progress"]').textContent(), { timeout: 180000, interval: 500 }).toMatch(/^\d+ slices$/);
    await page.screenshot({ path: path.join(shotsDir, 'series-first-paint-loaded.png') });
    const report = await page.evaluate(() => (window as unknown as { __dokueiVolumes: { list(): { loadedSlices: number }[] } }).__dokueiVolumes.list()[0]);
    expect(report?.loadedSlices).toBe(files.length);
    // The pixel data came as one series stream plus the centre slice on its own, not a request per slice.
    const pixelRequests = requests.slice(before).filter((u) => /\/series\/[0-9.]+(\/instances\/[0-9.]+\/frames\/\d+)?$/.test(new URL(u).pathname));
    const seriesStreams = pixelRequests.filter((u) => /\/series\/[0-9.]+$/.test(new URL(u).pathname));
    expect(seriesStreams).toHaveLength(1);
    expect(pixelRequests.length).toBeLessThanOrEqual(2);
    expect(session.pageErrors).toEqual([]);
  });
});
