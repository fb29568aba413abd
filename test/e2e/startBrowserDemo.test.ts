/**
 * A newcomer's first run: `npm run start:browser` on a fresh data folder, no settings at all, shows the
 * bundled demo study. Runs the real npm script and opens the URL it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { repoRoot } from '../support/data';
import { makeTempDir, removeDir } from '../support/tempDir';
import { waitForRenderedImage } from '../support/viewerPage';

describe('npm run start:browser on a fresh install', () => {
  let child: ChildProcess | undefined;
  let browser: Browser;
  let home: string;
  let output = '';

  beforeAll(async () => {
    home = await makeTempDir('dokuei-home-');
    // A fresh user: empty HOME and XDG folders, so no settings and no data from earlier runs. The first start
    // chooses the data folder's passphrase: asked in a terminal, here (no terminal) from DOKUEI_PASSPHRASE.
    child = spawn('npm', ['run', 'start:browser'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        XDG_DATA_HOME: path.join(home, '.local/share'),
        DOKUEI_DATA_DIR: '',
        DOKUEI_ARCHIVE_KEY: '',
        DOKUEI_PASSPHRASE: 'a newcomer passphrase',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await removeDir(home);
  });

  it('prints a URL that shows the demo study without configuration', async () => {
    const deadline = Date.now() + 120000;
    let url: string | undefined;
    while (!url && Date.now() < deadline) {
      url = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(output)?.[1];
      if (child?.exitCode !== null) throw new Error(`start:browser exited early:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(url, output).toBeDefined();
    expect(output).toContain('loaded the demo study (64 images)');

    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await page.goto(url!);
    await expect.poll(() => page.locator('header').textContent(), { timeout: 30000 }).toContain('Local archive only');
    const row = page.locator('tr[data-study-uid]', { hasText: 'LIDC-IDRI-0314' });
    await row.waitFor({ timeout: 60000 });
    await row.press('Enter');
    const series = page.locator('li[data-series-uid]').first();
    await series.waitFor({ timeout: 60000 });
    // The thumbnail is rendered by the gateway from the local store.
    await expect.poll(() => series.locator('img').count(), { timeout: 30000 }).toBe(1);
    await series.press('Enter');
    const stats = await waitForRenderedImage(page);
    mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'e2e-demo.png') });
    expect(stats.distinct).toBeGreaterThan(64);
    expect(await page.locator('[data-testid="overlay-slice"]').textContent()).toMatch(/\/ 64$/);
    // The demo is a contiguous block (64 slices, 1 mm apart): MPR 1+3 and 3D open as they are, with no resampling
    // notice and no refusal.
    await page.getByRole('button', { name: 'MPR 1+3' }).click();
    await page.locator('.mpr[data-state="ready"]').waitFor({ timeout: 120000 });
    expect(await page.locator('[data-testid="volume-refusal"]').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="volume-progress"]').textContent(), { timeout: 180000, interval: 1000 }).toMatch(/^\d+ slices$/);
    expect((await page.locator('[data-testid="volume-notices"]').allTextContents()).join(' ')).not.toMatch(/spacing varies|resampled/);
    const nonBlack = (plane: string) =>
      page.evaluate((p) => {
        const canvas = document.querySelector<HTMLCanvasElement>(`[data-plane="${p}"] canvas`);
        const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        if (!data) return 0;
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 48) n++;
        return n / (data.length / 4);
      }, plane);
    for (const plane of ['sagittal', '3d']) await expect.poll(() => nonBlack(plane), { timeout: 120000, interval: 1000, message: `${plane} stays black` }).toBeGreaterThan(0.05);
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'e2e-demo-mpr.png') });
    // Without the token the same server gives nothing away.
    const denied = await fetch(new URL('/dicomweb/studies', url!).toString());
    expect(denied.status).toBe(401);
  });
});
