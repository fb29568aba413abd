/**
 * The fusion view of the real MR of ../shared (mr_brain_siemens_trio: 3D T1 'moco' and axial 'AX FSE' T2 of one
 * session), as the fusion e2e files open it, and what they read back from it.
 */
import type { Page } from 'playwright-core';

/** Waits until the fusion view has (re)built its planes. */
export function waitForFusionReady(page: Page): Promise<void> {
  return page.locator('[data-testid="fusion"][data-state="ready"]').waitFor({ timeout: 120000 });
}

/** In 1×2, the base series (by UID) in cell 0 and the overlay in cell 1, then Fusion (overlay over base), ready. Stays on the study shown. */
export async function fuseSeries(page: Page, baseSeriesUid: string, overlaySeriesUid: string): Promise<void> {
  await page.getByRole('button', { name: '1×2', exact: true }).click();
  await page.locator('[data-cell="0"]').click();
  await page.locator(`li[data-series-uid="${baseSeriesUid}"]`).click();
  await page.locator('[data-cell="0"] .viewport[data-state="ready"]').waitFor({ timeout: 60000 });
  await page.locator('[data-cell="1"]').click({ position: { x: 50, y: 100 } });
  await page.locator(`li[data-series-uid="${overlaySeriesUid}"]`).click();
  await page.locator('[data-cell="1"] .viewport[data-state="ready"]').waitFor({ timeout: 60000 });
  await page.getByRole('button', { name: 'Fusion', exact: true }).click();
  await waitForFusionReady(page);
}

/** First study of the list in 1×2: the T1 in cell 0, the T2 in cell 1, then Fusion (T2 over T1), ready. */
export async function openMrFusion(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('tr[data-study-uid]').first().click();
  await page.getByRole('button', { name: '1×2' }).click();
  await page.locator('[data-cell="0"]').click();
  await page.locator('li[data-series-uid]', { hasText: 'moco' }).click();
  await page.locator('[data-cell="0"] .viewport[data-state="ready"]').waitFor({ timeout: 60000 });
  await page.locator('[data-cell="1"]').click({ position: { x: 50, y: 100 } });
  await page.locator('li[data-series-uid]', { hasText: 'AX FSE' }).click();
  await page.locator('[data-cell="1"] .viewport[data-state="ready"]').waitFor({ timeout: 60000 });
  await page.getByRole('button', { name: 'Fusion' }).click();
  await waitForFusionReady(page);
}

/** The ids of the volumes the page holds, sorted (the same ids after a change: it was made in place). */
export function loadedVolumeIds(page: Page): Promise<string[]> {
  return page.evaluate(() => ((window as unknown as { __dokueiVolumes?: { list(): { volumeId: string }[] } }).__dokueiVolumes?.list() ?? []).map((v) => v.volumeId).sort());
}
