/**
 * The stack viewer's reading tools as a reader uses them, on the committed demo CT (imported into the local
 * store by the browser host): presets by key, length and ellipse ROI by mouse (checked against the decoded
 * file), flip, cine, orientation letters, the measurement list and deleting from it.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoCtDir, dicomFilesIn } from '../support/data';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { decodeNativeSlice, indexBySopInstanceUid } from '../support/pixels';
import { canvasBox, canvasGrey, dragOnCanvas, hookCall, waitForRenderedImage } from '../support/viewerPage';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shotsDir, `e2e-stack-${name}.png`) });

interface HookMeasurement {
  uid: string;
  tool: string;
  imageId: string;
  text: string;
  stats: { length?: number; mean?: number; stdDev?: number; area?: number; valueUnit?: string };
  handles: [number, number][];
}

describe('stack viewer reading tools on the demo CT', () => {
  let session: E2eSession;
  let page: Page;
  const files = indexBySopInstanceUid(dicomFilesIn(demoCtDir()));
  const sliceOf = (imageId: string) => {
    const sop = /\/instances\/([0-9.]+)\/frames\//.exec(imageId)?.[1];
    const file = sop ? files.get(sop) : undefined;
    if (!file) throw new Error(`no demo file for ${imageId}`);
    return decodeNativeSlice(file);
  };
  /** Mean over the pixels whose centres lie in the ellipse spanned by the handles, from the decoded file. */
  const ellipseReference = (m: HookMeasurement) => {
    const slice = sliceOf(m.imageId);
    // Handles: the ends of the two axes of an axis-aligned ellipse (no rotation), image coordinates.
    const xs = m.handles.map((h) => h[0]);
    const ys = m.handles.map((h) => h[1]);
    const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
    const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
    const rx = (Math.max(...xs) - Math.min(...xs)) / 2;
    const ry = (Math.max(...ys) - Math.min(...ys)) / 2;
    let sum = 0;
    let n = 0;
    for (let r = Math.floor(cy - ry); r <= Math.ceil(cy + ry); r++) {
      for (let col = Math.floor(cx - rx); col <= Math.ceil(cx + rx); col++) {
        const dx = (col + 0.5 - cx) / rx;
        const dy = (r + 0.5 - cy) / ry;
        if (dx * dx + dy * dy > 1) continue;
        sum += slice.values[r * slice.columns + col]!;
        n++;
      }
    }
    // Pixel-centre sampling differs from cornerstone's only at the rim: a couple of HU at most.
    return { expectedMean: sum / n, rx, ry };
  };
  const voiText = () => page.locator('[data-testid="overlay-voi"]').textContent();
  const sliceText = () => page.locator('[data-testid="overlay-slice"]').textContent();

  beforeAll(async () => {
    // The demo CT, seeded by the host into the empty store.
    session = await startE2eSession({ prefix: 'dokuei-e2e-stack-', seedDemo: true, hostOptions: { demoDir: demoCtDir() }, viewport: { width: 1400, height: 860 } });
    page = session.page;
    await page.goto(session.host.url);
    const row = page.locator('tr[data-study-uid]', { hasText: 'LIDC-IDRI-0314' });
    await row.waitFor({ timeout: 60000 });
    await row.press('Enter');
    const series = page.locator('li[data-series-uid]').first();
    await series.waitFor({ timeout: 60000 });
    await series.press('Enter');
    await waitForRenderedImage(page);
  });

  afterAll(() => session?.close());

  it('shows orientation letters for an axial CT, scale bar, position and the header window', async () => {
    await shot(page, 'initial');
    const edge = (e: string) => page.locator(`[data-testid="orient-${e}"]`).textContent();
    expect([await edge('left'), await edge('top'), await edge('right'), await edge('bottom')]).toEqual(['R', 'A', 'L', 'P']);
    expect(await voiText()).toMatch(/W 2000\s+L -450/);
    expect(await page.locator('[data-testid="overlay-position"]').textContent()).toMatch(/Pos -?\d+(\.\d)? mm\s+Thk 1 mm/);
    const scale = page.locator('[data-testid="overlay-scale"] .scale-line');
    // The bar's length in CSS px times the displayed mm per px is the labelled length.
    const view = await hookCall<{ mmPerPx: number }>(page, 'viewState');
    const mm = Number(await page.locator('[data-testid="overlay-scale"]').getAttribute('data-mm'));
    const px = (await scale.boundingBox())!.width;
    expect(px * view.mmPerPx).toBeCloseTo(mm, 0);
  });

  it('applies the lung preset with key 2: overlay and pixels change', async () => {
    const before = await canvasGrey(page);
    await page.locator('.viewport').focus();
    await page.keyboard.press('2');
    await expect.poll(voiText).toMatch(/W 1500\s+L -600/);
    const voi = await hookCall<{ lower: number; upper: number }>(page, 'voiRange');
    // DICOM linear window (PS3.3 C.11.2.1.2.1): lower = c - 0.5 - (w - 1)/2, upper = c - 0.5 + (w - 1)/2.
    expect(voi.lower).toBeCloseTo(-1350, 3);
    expect(voi.upper).toBeCloseTo(149, 3);
    await expect.poll(async () => meanAbsDiff(before, await canvasGrey(page))).toBeGreaterThan(5);
    expect(await page.locator('button[title^="Lung"]').getAttribute('aria-pressed')).toBe('true');
    await shot(page, 'lung');
  });

  it('measures a length by mouse in mm from the pixel spacing (within 1 %)', async () => {
    await page.keyboard.press('l');
    expect(await page.locator('button[title="Length (L)"]').getAttribute('aria-pressed')).toBe('true');
    const box = await canvasBox(page);
    const a: [number, number] = [box.width * 0.3, box.height * 0.7];
    const b: [number, number] = [box.width * 0.7, box.height * 0.75];
    await dragOnCanvas(page, a, b);
    const list = page.locator('[data-testid="measurement"][data-tool="Length"]');
    await expect.poll(() => list.count()).toBe(1);
    // The stats of the last drag step are computed throttled: wait until they settle on the final handles.
    const relError = async () => {
      const [x] = await hookCall<HookMeasurement[]>(page, 'measurements');
      const [g0, g1] = x!.handles as [[number, number], [number, number]];
      const mm = Math.hypot(g1[0] - g0[0], g1[1] - g0[1]) * 0.78125;
      return Math.abs(x!.stats.length! - mm) / mm;
    };
    await expect.poll(relError, { timeout: 10000 }).toBeLessThan(0.01);
    const [m] = await hookCall<HookMeasurement[]>(page, 'measurements');
    const slice = sliceOf(m!.imageId);
    expect(slice.columns).toBe(512);
    const [h0, h1] = m!.handles as [[number, number], [number, number]];
    // The handles are where the mouse went down and up.
    const pa = await hookCall<{ column: number; row: number }>(page, 'canvasToImage', a[0], a[1]);
    expect(Math.hypot(pa.column - h0[0], pa.row - h0[1])).toBeLessThan(1.5);
    const expectedMm = Math.hypot(h1[0] - h0[0], h1[1] - h0[1]) * 0.78125;
    expect(expectedMm).toBeGreaterThan(100);
    expect(Math.abs(m!.stats.length! - expectedMm) / expectedMm).toBeLessThan(0.01);
    await expect.poll(() => list.first().textContent()).toMatch(/Length: \d+\.\d mm/);
  });

  it('an ellipse ROI has the mean HU of the decoded file over the same ellipse; probe reads the stored value', async () => {
    await page.keyboard.press('e');
    const box = await canvasBox(page);
    const c: [number, number] = [box.width * 0.5, box.height * 0.5];
    await dragOnCanvas(page, [c[0] - 60, c[1] - 40], [c[0] + 60, c[1] + 40]);
    const list = page.locator('[data-testid="measurement"][data-tool="EllipticalROI"]');
    await expect.poll(() => list.count()).toBe(1);
    await expect.poll(async () => (await hookCall<HookMeasurement[]>(page, 'measurements')).find((x) => x.tool === 'EllipticalROI')?.stats.mean).toBeDefined();
    // Stats of the last drag step are computed throttled: compare once they belong to the final handles.
    const check = async () => {
      const m = (await hookCall<HookMeasurement[]>(page, 'measurements')).find((x) => x.tool === 'EllipticalROI')!;
      return { m, ...ellipseReference(m) };
    };
    const excess = async () => {
      const { m, expectedMean } = await check();
      return Math.abs(m.stats.mean! - expectedMean) - Math.max(3, Math.abs(expectedMean) * 0.01);
    };
    await expect.poll(excess, { timeout: 10000 }).toBeLessThan(0);
    const { m, expectedMean, rx, ry } = await check();
    expect(rx).toBeGreaterThan(20);
    expect(m.stats.valueUnit).toBe('HU');
    expect(Math.abs(m.stats.mean! - expectedMean)).toBeLessThan(Math.max(3, Math.abs(expectedMean) * 0.01));
    expect(m.stats.area).toBeCloseTo(Math.PI * rx * ry * 0.78125 * 0.78125, -1);
    expect(await list.first().textContent()).toMatch(/mean .* HU, SD .*area .* mm²/);

    // probeAt gives the stored value of the pixel under a canvas point.
    const p = await hookCall<{ value: number; column: number; row: number; imageId: string }>(page, 'probeAt', c[0], c[1]);
    expect(p.value).toBe(sliceOf(p.imageId).values[p.row * 512 + p.column]);
    await shot(page, 'measurements');
  });

  it('deletes a measurement from the list', async () => {
    const rows = page.locator('[data-testid="measurement"]');
    const count = await rows.count();
    await page.locator('[data-testid="measurement"][data-tool="Length"] button').click();
    await expect.poll(() => rows.count()).toBe(count - 1);
    expect((await hookCall<HookMeasurement[]>(page, 'measurements')).some((x) => x.tool === 'Length')).toBe(false);
  });

  it('flip H mirrors the pixels and the orientation letters', async () => {
    await page.keyboard.press('w');
    await page.locator('.viewport').focus();
    const before = await canvasGrey(page);
    await page.keyboard.press('h');
    await expect.poll(() => page.locator('[data-testid="orient-left"]').textContent()).toBe('L');
    await expect.poll(async () => mirroredDiff(before, await canvasGrey(page))).toBeLessThan(3);
    const after = await canvasGrey(page);
    expect(meanAbsDiff(before, after)).toBeGreaterThan(10);
    await shot(page, 'flipped');
    const state = await hookCall<{ flipHorizontal: boolean; markers: unknown; iopMarkers: unknown }>(page, 'viewState');
    expect(state.flipHorizontal).toBe(true);
    expect(state.iopMarkers).toEqual(state.markers);
    // Rotation too: the IOP computation agrees with the camera.
    await page.keyboard.press('.');
    await expect.poll(async () => (await hookCall<{ rotation: number }>(page, 'viewState')).rotation).toBe(90);
    const rotated = await hookCall<{ markers: unknown; iopMarkers: unknown }>(page, 'viewState');
    expect(rotated.iopMarkers).toEqual(rotated.markers);
    await shot(page, 'flipped-rotated');
    await page.keyboard.press('r');
    await expect.poll(() => page.locator('[data-testid="orient-left"]').textContent()).toBe('R');
  });

  it('cine plays through the slices and loops, Space pauses', async () => {
    await page.locator('select[aria-label="Cine frames per second"]').selectOption('20');
    await page.locator('.viewport').focus();
    const seen = new Set<string>();
    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('.viewport').getAttribute('data-cine')).toBe('playing');
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline && seen.size < 6) {
      seen.add((await sliceText()) ?? '');
      await page.waitForTimeout(100);
    }
    expect(seen.size).toBeGreaterThanOrEqual(6);
    await shot(page, 'cine');
    await page.locator('.viewport').focus();
    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('.viewport').getAttribute('data-cine')).toBe('stopped');
    // A slice requested just before the pause may still arrive (its load was in flight): wait for the
    // image to settle, then it must stay put.
    let stopped = await sliceText();
    await expect
      .poll(async () => {
        const before = stopped;
        await page.waitForTimeout(300);
        stopped = await sliceText();
        return stopped === before;
      }, { timeout: 10000 })
      .toBe(true);
    await page.waitForTimeout(500);
    expect(await sliceText()).toBe(stopped);
    expect(session.pageErrors).toEqual([]);
  });

  it('follows a window resize: the canvas keeps one pixel per screen pixel (the picture is not stretched)', async () => {
    const canvasVsElement = () =>
      page.evaluate(() => {
        const el = document.querySelector<HTMLElement>('.viewport')!;
        const canvas = el.querySelector('canvas')!;
        return { canvas: canvas.width / devicePixelRatio, element: el.clientWidth };
      });
    const before = await canvasVsElement();
    expect(Math.abs(before.canvas - before.element)).toBeLessThanOrEqual(2);
    await page.setViewportSize({ width: 1100, height: 760 });
    await expect.poll(async () => (await canvasVsElement()).element, { timeout: 10000 }).toBeLessThan(before.element - 100);
    await expect.poll(async () => { const now = await canvasVsElement(); return Math.abs(now.canvas - now.element); }, { timeout: 10000 }).toBeLessThanOrEqual(2);
    await waitForRenderedImage(page);
    await page.setViewportSize({ width: 1400, height: 860 });
    expect(session.pageErrors).toEqual([]);
  });
});

function meanAbsDiff(a: { width: number; data: number[] }, b: { width: number; data: number[] }): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i]! - b.data[i]!);
  return s / a.data.length;
}

/** Mean difference between b and a mirrored left–right. */
function mirroredDiff(a: { width: number; data: number[] }, b: { width: number; data: number[] }): number {
  const w = a.width;
  const h = a.data.length / w;
  let s = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) s += Math.abs(b.data[y * w + x]! - a.data[y * w + (w - 1 - x)]!);
  return s / a.data.length;
}
