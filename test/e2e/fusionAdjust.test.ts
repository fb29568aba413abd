/**
 * Manual adjustment with mouse and keys, and saved registrations applied when fusing (issue #8), in the viewer on
 * the real MR of ../shared (3D T1 base, axial T2 overlay): Shift+drag in the axial plane previews the move on the
 * overlay layer and then moves the overlay by the dragged millimetres along the patient's x; undo restores; an arrow
 * key nudges 1 mm; "Save registration" with "Also send to" stores the transform locally and in a real Orthanc, and
 * opening the fusion again starts from it, with a note saying so.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sharedDataDir } from '../support/data';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { loadedVolumeIds, openMrFusion, waitForFusionReady } from '../support/fusionPage';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';

const mrDir = sharedDataDir('mr_brain_siemens_trio');

type Gesture = { kind: string; delta?: number[]; px?: { dx: number; dy: number }; mmPerPx?: number };
type Camera = { parallelScale: number; focalPoint: number[]; position: number[]; viewPlaneNormal: number[] };
type FusionHook = {
  __dokueiFusion?: { transform(): number[][] | undefined; lastGesture(): Gesture | undefined; note(): string };
  __dokueiFusionViews?: Record<string, { camera(layer: 'base' | 'overlay', plane: string): Camera }>;
};

const transformOf = (page: Page) => page.evaluate(() => (window as unknown as FusionHook).__dokueiFusion?.transform());
const cameraOf = (page: Page, layer: 'base' | 'overlay') =>
  page.evaluate((l) => (window as unknown as FusionHook).__dokueiFusionViews!['Fusion']!.camera(l, 'axial'), layer);
/** The axial overlay canvas, red channel, row by row (device pixels). */
const overlayGrey = (page: Page) =>
  page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-layer="overlay"][data-plane="axial"] canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return { width: c.width, height: c.height, grey: Array.from({ length: c.width * c.height }, (_, i) => d[4 * i]!) };
  });
/** The overlay canvas once two reads a few frames apart agree (renders are queued for the next frame). */
async function settledGrey(page: Page): Promise<Awaited<ReturnType<typeof overlayGrey>>> {
  let last = await overlayGrey(page);
  for (;;) {
    await page.evaluate(() => new Promise((r) => setTimeout(r, 150)));
    const now = await overlayGrey(page);
    if (now.grey.every((g, i) => g === last.grey[i])) return now;
    last = now;
  }
}
/** The horizontal shift (device px, −max…max) that best maps `before` onto `after`, by mean absolute difference in the middle. */
function bestShift(before: { width: number; height: number; grey: number[] }, after: { grey: number[] }, max: number): { shift: number; error: number; unshifted: number } {
  const { width, height } = before;
  const errorAt = (s: number) => {
    let sum = 0;
    let n = 0;
    for (let y = Math.floor(height * 0.2); y < height * 0.8; y++)
      for (let x = Math.floor(width * 0.2); x < width * 0.8; x++) {
        sum += Math.abs(after.grey[y * width + x]! - before.grey[y * width + x - s]!);
        n++;
      }
    return sum / n;
  };
  let best = { shift: 0, error: Infinity };
  for (let s = -max; s <= max; s++) {
    const e = errorAt(s);
    if (e < best.error) best = { shift: s, error: e };
  }
  return { ...best, unshifted: errorAt(0) };
}

describe.skipIf(!mrDir)('fusion: manual adjustment with mouse and keys, saved registrations applied (MR T1 + T2)', () => {
  let session: E2eSession;
  let host: E2eSession['host'];
  let page: Page;
  let pageErrors: string[];
  let orthanc: OrthancInstance;

  beforeAll(async () => {
    orthanc = await startOrthanc({ name: 'TestPACS' });
    const nodes = [{ id: 'pacs', name: 'TestPACS', kind: 'dicomweb', url: orthanc.dicomwebUrl }];
    session = await startE2eSession({ prefix: 'dokuei-e2e-fusion-adjust-', nodes, files: () => [mrDir!], skipNotDicom: true, errorStacks: true });
    ({ host, page, pageErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
    await orthanc?.stop();
  });

  it('Shift+drag moves the overlay by the dragged mm, undo restores, an arrow nudges 1 mm; a saved registration is applied on reopening', async () => {
    await openMrFusion(page, host.url);
    expect(await transformOf(page)).toBeUndefined();

    const axial = page.locator('[data-layer="base"][data-plane="axial"]');
    const box = (await axial.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.keyboard.down('Shift');
    await page.mouse.down();
    await page.mouse.move(cx + 60, cy, { steps: 6 });
    // The preview: the overlay layer follows the mouse with a CSS transform before anything is rebuilt.
    const preview = await page.locator('[data-layer="overlay"][data-plane="axial"]').evaluate((el) => (el as HTMLElement).style.transform);
    expect(preview).toBe('translate(60px, 0px)');
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(() => transformOf(page)).toBeDefined();
    const gesture = (await page.evaluate(() => (window as unknown as FusionHook).__dokueiFusion?.lastGesture()))!;
    expect(gesture.px).toEqual({ dx: 60, dy: 0 });
    // A 256 mm head in a few hundred pixels: well under 2 mm and over 0.1 mm per pixel.
    expect(gesture.mmPerPx).toBeGreaterThan(0.1);
    expect(gesture.mmPerPx).toBeLessThan(2);
    const moved = (await transformOf(page))!;
    // Axial: right on screen is the patient's +x (left); nothing along y or z, no rotation.
    expect(moved[0]![3]).toBeCloseTo(60 * gesture.mmPerPx!, 6);
    expect(Math.abs(moved[1]![3]!)).toBeLessThan(1e-9);
    expect(Math.abs(moved[2]![3]!)).toBeLessThan(1e-9);
    expect(moved[0]![0]).toBeCloseTo(1, 12);
    await waitForFusionReady(page);
    // The overlay is drawn in its new place and the preview goes (or the move would show twice).
    await expect.poll(() => page.locator('[data-layer="overlay"][data-plane="axial"]').evaluate((el) => (el as HTMLElement).style.transform)).toBe('');
    await page.screenshot({ path: path.join(shotsDir, 'e2e-fusion-shift-drag.png') });

    await page.getByRole('button', { name: 'Undo' }).click();
    expect(await transformOf(page)).toBeUndefined();
    await waitForFusionReady(page);

    // Zoom in (Ctrl+drag) and scroll a few slices (wheel): the reader's place, which a nudge must keep.
    const zoomStart = await cameraOf(page, 'base');
    await page.mouse.move(cx, cy);
    await page.keyboard.down('Control');
    await page.mouse.down();
    await page.mouse.move(cx, cy + 120, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.up('Control');
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 100);
    const placed = await cameraOf(page, 'base');
    expect(placed.parallelScale).toBeLessThan(zoomStart.parallelScale * 0.8);
    const along = (c: Camera) => c.focalPoint.reduce((sum, f, i) => sum + f * placed.viewPlaneNormal[i]!, 0);
    expect(Math.abs(along(placed) - along(zoomStart))).toBeGreaterThan(1);
    const before = await settledGrey(page);
    const idsBefore = await loadedVolumeIds(page);
    expect(idsBefore.length).toBe(2);

    await page.locator('[data-layer="base"][data-plane="axial"]').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => transformOf(page)).toBeDefined();
    const nudged = (await transformOf(page))!;
    expect(nudged.map((r) => r[3])).toEqual([1, 0, 0, 1]);
    await waitForFusionReady(page);
    // Moved in place: the same volumes, no camera change on either layer (zoom, pan, slice)…
    await expect.poll(async () => (await overlayGrey(page)).grey.some((g, i) => g !== before.grey[i])).toBe(true);
    expect(await loadedVolumeIds(page)).toEqual(idsBefore);
    for (const layer of ['base', 'overlay'] as const) {
      const now = await cameraOf(page, layer);
      expect(now.parallelScale).toBeCloseTo(placed.parallelScale, 9);
      expect(along(now)).toBeCloseTo(along(placed), 6);
      now.focalPoint.forEach((f, i) => expect(f).toBeCloseTo(placed.focalPoint[i]!, 6));
    }
    // …and the overlay's picture moved 1 mm to the right (patient +x), in the zoomed canvas's pixels.
    const after = await settledGrey(page);
    // The same canvas (a note appearing must not resize the planes, which would rescale the picture)…
    expect([after.width, after.height]).toEqual([before.width, before.height]);
    const pxPerMm = before.height / (2 * placed.parallelScale);
    expect(pxPerMm).toBeGreaterThan(2.5);
    const shift = bestShift(before, after, Math.ceil(pxPerMm * 3));
    expect(Math.abs(shift.shift - pxPerMm)).toBeLessThanOrEqual(1);
    expect(shift.error).toBeLessThan(shift.unshifted / 2);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-fusion-nudge-zoomed.png') });

    await page.getByLabel('Also send to').selectOption({ label: 'Also send to TestPACS' });
    await page.getByRole('button', { name: 'Save registration' }).click();
    await expect
      .poll(() => page.getByTestId('registration-save-status').textContent().catch(() => ''), { timeout: 30000 })
      .toBe('Registration saved to the local archive. Sent 1 instance to TestPACS.');
    const inPacs = await fetch(`${orthanc.dicomwebUrl}/instances?00080016=1.2.840.10008.5.1.4.1.1.66.1`, { headers: { Accept: 'application/dicom+json' } });
    expect(((await inPacs.json()) as unknown[]).length).toBe(1);

    // Open the same fusion again: it starts from the saved registration, says so, and undo goes back to identity.
    await openMrFusion(page, host.url);
    const reopened = (await transformOf(page))!;
    expect(reopened).toBeDefined();
    reopened.flat().forEach((x, i) => expect(x).toBeCloseTo(nudged.flat()[i]!, 6));
    expect(await page.getByTestId('registration-status').textContent()).toMatch(/^Registration from \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(AX FSE T2 to .*\) applied/);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-fusion-registration-applied.png') });
    await page.getByRole('button', { name: 'Undo' }).click();
    expect(await transformOf(page)).toBeUndefined();
    // The note is about the transform that was found: once it is undone, it goes.
    expect(await page.getByTestId('registration-status').textContent()).toBe('');
    await waitForFusionReady(page);

    // Ctrl+Shift+drag a quarter turn anticlockwise about the view centre (right of it → above it): the overlay turns
    // 90° about the axial normal, so the patient's +x goes to the screen's up, which is anterior (−y).
    const b2 = (await page.locator('[data-layer="base"][data-plane="axial"]').boundingBox())!;
    const [x0, y0] = [b2.x + b2.width / 2, b2.y + b2.height / 2];
    await page.mouse.move(x0 + 100, y0);
    await page.keyboard.down('Control');
    await page.keyboard.down('Shift');
    await page.mouse.down();
    await page.mouse.move(x0, y0 - 100, { steps: 8 });
    const rotatePreview = await page.locator('[data-layer="overlay"][data-plane="axial"]').evaluate((el) => (el as HTMLElement).style.transform);
    expect(Number(/^rotate\((-?[\d.]+)rad\)$/.exec(rotatePreview)?.[1])).toBeCloseTo(-Math.PI / 2, 1);
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.keyboard.up('Control');
    await expect.poll(() => transformOf(page)).toBeDefined();
    const turned = (await transformOf(page))!;
    await expect.poll(() => page.locator('[data-layer="overlay"][data-plane="axial"]').evaluate((el) => (el as HTMLElement).style.transform)).toBe('');
    // Mouse positions are whole pixels, the view centre need not be: within a pixel at 100 px (0.01 rad).
    expect(Math.abs(turned[0]![0]!)).toBeLessThan(0.015);
    expect(turned[1]![0]).toBeCloseTo(-1, 2);
    expect(turned[2]![2]).toBeCloseTo(1, 6);
    await waitForFusionReady(page);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-fusion-rotate-drag.png') });
    expect(pageErrors).toEqual([]);
  });
});
