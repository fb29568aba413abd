/**
 * Dokuei as a reader uses it, for the bench: the browser host (services + renderer bundle) in front of
 * Orthanc, Chromium opening the study and showing the series as a volume in "MPR 1+3".
 * Timings are taken in the page: a 10 ms poller over `window.__dokueiVolumes.list()`
 * (renderer/imaging/volume/volumeMemory.ts) records when the first slice is in and when all are.
 */
import { randomBytes } from 'node:crypto';
import { EnvKeyProvider } from '../../electron/services/archive/keyProvider';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server';
import { MemorySettingsStore } from '../../electron/services/settings/settings';
import type { VolumeMemoryReport } from '../../renderer/imaging/volume/volumeMemory';
import { ensureRendererBuilt } from '../../test/support/renderer';
import { makeTempDir, removeDir } from '../../test/support/tempDir';

/** The renderer's per-volume report, one definition for the viewer, its tests and the bench. */
export type DokueiVolumeReport = VolumeMemoryReport;

export interface DokueiLoad {
  /** ms from the click that opens the series (MPR layout already chosen) to the first slice in / all slices in. */
  firstImageMs: number;
  fullVolumeMs: number;
  curve: [number, number][];
  report: DokueiVolumeReport;
}

export async function startDokuei(nodes: { name: string; url: string }[]): Promise<{ host: BrowserHost; dataDir: string; close(): Promise<void> }> {
  const rendererDir = ensureRendererBuilt();
  const dataDir = await makeTempDir('dokuei-bench-host-');
  const host = await startBrowserHost({
    dataDir,
    settings: new MemorySettingsStore({ nodes: nodes.map((n) => ({ name: n.name, kind: 'dicomweb' as const, url: n.url })), seedDemo: false }),
    rendererDir,
    // A fresh key per bench folder (a temp folder, deleted at close): no passphrase to ask for.
    keyProvider: new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') }),
    log: () => {},
  });
  return {
    host,
    dataDir,
    close: async () => {
      await host.close();
      await removeDir(dataDir);
    },
  };
}

/** Opens the app in a fresh context, chooses MPR 1+3, opens the series and waits until the volume is whole. */
export async function dokueiLoad(browser: Browser, host: BrowserHost, patientId: string, timeoutMs = 240000): Promise<{ load: DokueiLoad; context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  const row = page.locator('tr[data-study-uid]', { hasText: patientId });
  await row.waitFor({ timeout: 60000 });
  await row.click();
  const series = page.locator('li[data-series-uid]').first();
  await series.waitFor({ timeout: 60000 });
  // The layout first, so that opening the series builds the volume directly (no stack load before it).
  const mpr = page.locator('button', { hasText: 'MPR 1+3' });
  await mpr.click();
  await page.evaluate(() => {
    const w = window as unknown as { __benchVol?: { t0: number; first?: number; full?: number; curve: [number, number][] }; __dokueiVolumes?: { list(): { loadedSlices: number; firstImageMs?: number; fullVolumeMs?: number; dimensions: number[] }[] } };
    const s = (w.__benchVol = { t0: performance.now(), curve: [] as [number, number][] } as NonNullable<typeof w.__benchVol>);
    document.addEventListener(
      'click',
      () => {
        s.t0 = performance.now();
      },
      { capture: true, once: true },
    );
    const timer = setInterval(() => {
      const v = w.__dokueiVolumes?.list()[0];
      if (!v) return;
      const t = performance.now() - s.t0;
      const last = s.curve[s.curve.length - 1];
      if (!last || last[1] !== v.loadedSlices) s.curve.push([t, v.loadedSlices]);
      if (s.first === undefined && v.firstImageMs !== undefined) s.first = t;
      if (s.full === undefined && v.fullVolumeMs !== undefined) {
        s.full = t;
        clearInterval(timer);
      }
    }, 10);
  });
  await series.click();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await page.evaluate(() => (window as unknown as { __benchVol: { full?: number } }).__benchVol.full);
    if (s !== undefined) break;
    if (Date.now() > deadline) throw new Error(`Dokuei did not load the volume within ${timeoutMs} ms; page errors: ${errors.join('; ')}`);
    await page.waitForTimeout(100);
  }
  const load = await page.evaluate(() => {
    const w = window as unknown as {
      __benchVol: { t0: number; first: number; full: number; curve: [number, number][] };
      __dokueiVolumes: { list(): { firstImageAt?: number; fullVolumeAt?: number }[] };
    };
    const report = w.__dokueiVolumes.list()[0];
    const { t0, first, full } = w.__benchVol;
    // The moments the viewer recorded (as the baseline page records its IMAGE_LOADED), not when the 10 ms poller
    // next ran: a poller tick waits behind whatever holds the main thread (building the views, compiling shaders).
    // (No named inner functions here: tsx would wrap them in a helper the page does not have.)
    return {
      firstImageMs: report?.firstImageAt === undefined ? first : report.firstImageAt - t0,
      fullVolumeMs: report?.fullVolumeAt === undefined ? full : report.fullVolumeAt - t0,
      curve: w.__benchVol.curve,
      report,
    };
  });
  return { load: load as DokueiLoad, context, page };
}
