/**
 * What the browser suites (dataPlane, memory, rendering) share in one invocation: an Orthanc holding the CT,
 * Chromium, the baseline page server, and — once loaded — a baseline page and a Dokuei page each holding the
 * whole volume (the data plane suite hands over its last loads; the others load once if it did not run).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BrowserHost } from '../../electron/browser-host/server';
import { readDicomFile } from '../../test/support/dicomFiles';
import { startOrthanc, type OrthancInstance } from '../../test/support/orthanc';
import { baselineLoad, buildBaselinePage, chromiumVersion, launchBenchChromium, startBaselineServer, webglRenderer, type BaselineLoad } from './browser';
import { benchCt, type CtData } from './data';
import { dokueiLoad, startDokuei, type DokueiLoad } from './dokuei';
import type { SuiteContext } from './types';

export const PATIENT_ID = 'LIDC-IDRI-0314';

export interface ViewerEnv {
  ct: CtData;
  study: string;
  series: string;
  orthanc: OrthancInstance;
  browser: Browser;
  baselineUrl: string;
  closeBaselineServer(): Promise<void>;
}

export function viewerEnv(ctx: SuiteContext): Promise<ViewerEnv> {
  return ctx.shared(
    'viewer-env',
    async () => {
      const ct = benchCt();
      const first = await readDicomFile(ct.files[0]!);
      const orthanc = await startOrthanc({ name: 'BenchPACS' });
      try {
        await orthanc.uploadDir(ct.dir);
        const server = await startBaselineServer(buildBaselinePage(), orthanc.baseUrl);
        const browser = await launchBenchChromium(ctx.options.gpu);
        const page = await browser.newPage();
        ctx.machine.webglRenderer = await webglRenderer(page);
        ctx.machine.chromium = chromiumVersion();
        await page.close();
        return { ct, study: first.study, series: first.series, orthanc, browser, baselineUrl: server.url, closeBaselineServer: server.close };
      } catch (err) {
        await orthanc.stop();
        throw err;
      }
    },
    async (env) => {
      await env.browser.close().catch(() => undefined);
      await env.closeBaselineServer();
      await env.orthanc.stop();
    },
  );
}

export interface LoadedPage<L> {
  load: L;
  context: BrowserContext;
  page: Page;
}
export interface LoadedViewers {
  baseline: LoadedPage<BaselineLoad>;
  dokuei: LoadedPage<DokueiLoad> & { host: BrowserHost; close(): Promise<void> };
}

/** The two loaded pages; `provided` (from the data plane suite) wins when it comes first. */
export function loadedViewers(ctx: SuiteContext, provided?: () => Promise<LoadedViewers>): Promise<LoadedViewers> {
  return ctx.shared(
    'loaded-viewers',
    provided ??
      (async () => {
        const env = await viewerEnv(ctx);
        const baseline = await baselineLoad(env.browser, env.baselineUrl, env.study, env.series);
        const session = await startDokuei([{ name: 'On-site PACS', url: env.orthanc.dicomwebUrl }]);
        const d = await dokueiLoad(env.browser, session.host, PATIENT_ID);
        return { baseline, dokuei: { ...d, host: session.host, close: session.close } };
      }),
    async (v) => {
      await v.baseline.context.close().catch(() => undefined);
      await v.dokuei.context.close().catch(() => undefined);
      await v.dokuei.close();
    },
  );
}
