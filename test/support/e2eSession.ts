/**
 * One browser-host session for an e2e test file: a temp data dir, the browser host serving the built renderer over
 * a store holding the given files, Chromium with one page whose errors are collected, and `test-results/` for
 * screenshots. Every e2e file used to repeat these twenty lines; this is the one copy.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startBrowserHost, type BrowserHost, type BrowserHostOptions } from '../../electron/browser-host/server';
import { MemorySettingsStore, type SettingsStore } from '../../electron/services/settings/settings';
import { importPaths } from '../../electron/services/store/importPaths';
import { launchChromium } from './chromium';
import { repoRoot } from './data';
import { ensureRendererBuilt } from './renderer';
import { makeTempDir, removeDir } from './tempDir';
import { waitForRenderedImage } from './viewerPage';
import { testKeySources } from './testArchive';

export const shotsDir = path.join(repoRoot, 'test-results');

export interface E2eSession {
  dataDir: string;
  host: BrowserHost;
  browser: Browser;
  page: Page;
  /** Uncaught errors of the page, in order (tests assert it stays empty). */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface E2eSessionOptions {
  /** Temp dir prefix, e.g. 'dokuei-e2e-suv-'. */
  prefix: string;
  /** Files imported into the local store before the page opens; each must import (but see `skipNotDicom`). */
  files?: (dataDir: string) => string[] | Promise<string[]>;
  /** A fixture folder may hold files that are not DICOM (a MANIFEST.txt): let them fail to import (default false). */
  skipNotDicom?: boolean;
  /** PACS nodes in the settings (none: local archive only). */
  nodes?: unknown[];
  viewport?: { width: number; height: number };
  /** The browser's language (e.g. 'ja-JP'): navigator.language and the Accept-Language the page sees. */
  locale?: string;
  /** Seed the demo CT into an empty store when there are no nodes (default false). Ignored with `settings`. */
  seedDemo?: boolean;
  /** The test's own settings store instead of the in-memory one made from `nodes` and `seedDemo`. */
  settings?: SettingsStore | ((dataDir: string) => SettingsStore);
  /** More browser-host options: a secret store (default: the encrypted file in dataDir), the demo folder, key sources (default: the test key). */
  hostOptions?: Pick<BrowserHostOptions, 'secrets' | 'demoDir' | 'keySources'>;
  /** Record each page error with its stack, not just its message. */
  errorStacks?: boolean;
}

export async function startE2eSession(options: E2eSessionOptions): Promise<E2eSession> {
  const rendererDir = ensureRendererBuilt();
  const dataDir = await makeTempDir(options.prefix);
  let host: BrowserHost | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await host?.close();
    await removeDir(dataDir);
  };
  try {
    const files = (await options.files?.(dataDir)) ?? [];
    const settings =
      typeof options.settings === 'function'
        ? options.settings(dataDir)
        : (options.settings ?? new MemorySettingsStore({ nodes: options.nodes ?? [], seedDemo: options.seedDemo ?? false }));
    // The test key as DOKUEI_ARCHIVE_KEY would give it (the folder gets its custody.json, as a user's does),
    // unless the test brings its own key sources.
    host = await startBrowserHost({ keySources: testKeySources(), ...options.hostOptions, dataDir, settings, rendererDir, log: () => {} });
    if (files.length > 0) {
      const imported = await importPaths(host.services.store, files);
      const failed = options.skipNotDicom ? imported.failed.filter((f) => !/^Not a DICOM Part 10 file/.test(f.reason)) : imported.failed;
      if (failed.length > 0) throw new Error(`Fixture files did not import: ${JSON.stringify(failed)}`);
    }
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 }, ...(options.locale ? { locale: options.locale } : {}) });
    // The host's URL carries its token in the fragment, so a goto to the URL the page is on would be a same-document
    // navigation that keeps the app's state (an open study, the study list folded in reading mode). Tests mean a
    // fresh start: such a goto passes by about:blank.
    const gotoPage = page.goto.bind(page);
    // (The page drops the token from its address once read, so the URLs are compared without their fragments.)
    const withoutFragment = (u: string) => u.replace(/#.*$/, '');
    page.goto = async (url, gotoOptions) => {
      if (withoutFragment(page.url()) === withoutFragment(url)) await gotoPage('about:blank');
      return gotoPage(url, gotoOptions);
    };
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(options.errorStacks ? `${e.message}\n${e.stack ?? ''}` : e.message));
    mkdirSync(shotsDir, { recursive: true });
    return { dataDir, host, browser, page, pageErrors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** From the study list (first study) to the series shown in the main viewport with a rendered image. */
export async function openSeries(page: Page, url: string, seriesInstanceUid: string, reload = false, studyInstanceUid?: string): Promise<void> {
  if (reload) await page.reload();
  else await page.goto(url);
  // The first study, or the one named (a store with several studies of one patient).
  const row = studyInstanceUid ? page.locator(`tr[data-study-uid="${studyInstanceUid}"]`) : page.locator('tr[data-study-uid]').first();
  await row.waitFor({ timeout: 60000 });
  await row.click();
  const series = page.locator(`li[data-series-uid="${seriesInstanceUid}"]`);
  await series.waitFor({ timeout: 60000 });
  await series.click();
  await waitForRenderedImage(page);
}

/** From the study list to a study opened with Enter (hung by its protocol): the first row, or the first holding `hasText`. */
export async function openStudyByEnter(page: Page, url: string, hasText?: string): Promise<void> {
  await page.goto(url);
  const row = hasText === undefined ? page.locator('tr[data-study-uid]').first() : page.locator('tr[data-study-uid]', { hasText });
  await row.waitFor({ timeout: 60000 });
  await row.click();
  await page.keyboard.press('Enter');
}
