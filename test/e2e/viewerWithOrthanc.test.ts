/**
 * End to end as a reader meets it: Orthanc holds the real CT, the browser host fronts it, Chromium
 * (SwiftShader WebGL2) runs the renderer. Find the patient, open the series, and check the pixels.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dicomFilesIn, realCtDir } from '../support/data';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';
import { decodeNativeSlice, expectedDisplayRange, indexBySopInstanceUid } from '../support/pixels';
import { probeViewportCenter, waitForRenderedImage } from '../support/viewerPage';

const PATIENT_ID = 'LIDC-IDRI-0314';

describe('study browser and stack viewer against Orthanc', () => {
  let orthanc: OrthancInstance;
  let session: E2eSession;
  let page: Page;
  const ctFiles = dicomFilesIn(realCtDir());

  beforeAll(async () => {
    orthanc = await startOrthanc();
    await orthanc.uploadDir(realCtDir());
    session = await startE2eSession({
      prefix: 'dokuei-e2e-',
      nodes: [{ name: 'On-site PACS', kind: 'dicomweb', url: orthanc.dicomwebUrl }],
      viewport: { width: 1280, height: 760 },
    });
    page = session.page;
  });

  afterAll(async () => {
    await session?.close();
    await orthanc?.stop();
  });

  it('lists the patient from the PACS, opens the series and shows the real image', async () => {
    const { host, pageErrors } = session;
    await page.goto(host.url);

    const row = page.locator('tr[data-study-uid]', { hasText: PATIENT_ID });
    await row.waitFor({ timeout: 60000 });
    expect(await row.textContent()).toContain('2000-01-01');
    // The local store is empty: the study can only have come from Orthanc through the gateway.
    expect(host.services.store.counts().instances).toBe(0);

    await row.click();
    const series = page.locator('li[data-series-uid]').first();
    await series.waitFor({ timeout: 60000 });
    expect(await series.textContent()).toContain(`${ctFiles.length} img`);
    // The thumbnail is rendered by Orthanc and passed through the gateway.
    await expect.poll(() => series.locator('img').count(), { timeout: 30000 }).toBe(1);
    await series.click();

    const stats = await waitForRenderedImage(page);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-viewer-orthanc.png') });
    // A CT slice: mostly dark air around a bright body, so many grey levels and high contrast.
    expect(stats.width).toBeGreaterThan(200);
    expect(stats.distinct).toBeGreaterThan(64);
    expect(stats.stddev).toBeGreaterThan(30);

    // The centre pixel on screen must be the stored value under the current window.
    const probe = await probeViewportCenter(page);
    const sop = /\/instances\/([0-9.]+)\/frames\//.exec(probe.imageId)?.[1];
    expect(sop).toBeDefined();
    const file = indexBySopInstanceUid(ctFiles).get(sop!);
    expect(file, `instance ${sop} is one of the uploaded files`).toBeDefined();
    const slice = decodeNativeSlice(file!);
    expect(probe.column).toBeGreaterThan(0);
    expect(probe.column).toBeLessThan(slice.columns);
    const [lo, hi] = expectedDisplayRange(slice, probe.column, probe.row, probe.lower, probe.upper);
    expect(probe.displayed).toBeGreaterThanOrEqual(lo - 3);
    expect(probe.displayed).toBeLessThanOrEqual(hi + 3);

    // The overlays say what is shown: slice counter and the header's window (CT: W 2000 L -450).
    await expect.poll(() => page.locator('[data-testid="overlay-slice"]').textContent()).toMatch(new RegExp(`/ ${ctFiles.length}$`));
    expect(await page.locator('[data-testid="overlay-voi"]').textContent()).toContain('W 2000');
    expect(pageErrors).toEqual([]);
  });

  it('scrolls with the keyboard and the image changes', async () => {
    const before = await page.locator('[data-testid="overlay-slice"]').textContent();
    await page.locator('.viewport').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('[data-testid="overlay-slice"]').textContent(), { timeout: 60000 }).not.toBe(before);
    const stats = await waitForRenderedImage(page);
    expect(stats.stddev).toBeGreaterThan(30);
  });
});
