/**
 * The real breast RT Structure Set (../shared/data/rt_dicompyler_breast; skipped without it) over a CT stack in its
 * frame of reference (test/support/rtBreast.ts: one synthetic slice per contour plane): every ROI's contours drawn
 * where their points say, in the colour the file stores (screenshot pixels at contour vertices, on the first,
 * middle and last plane of each ROI), and each ROI's volume in the list within 2 % of a plain rasterisation.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPlanes } from '../../common/rt/structureSet';
import { decodePng } from '../support/png';
import { openSeries, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { breastSetDir, rasterVolumeCc, writeBreastStack, type BreastStack } from '../support/rtBreast';
import { hookCall } from '../support/viewerPage';

const src = breastSetDir();

describe.skipIf(!src)('breast RT structures over the images', () => {
  let s: E2eSession;
  let stack: BreastStack;

  beforeAll(async () => {
    s = await startE2eSession({
      prefix: 'dokuei-e2e-rt-breast-',
      viewport: { width: 1500, height: 1000 },
      files: (dataDir) => {
        stack = writeBreastStack(src!, path.join(dataDir, 'breast'));
        return [...stack.ctFiles, stack.rtss];
      },
    });
  }, 180000);
  afterAll(async () => {
    await s?.close();
  });

  it('draws every ROI on its planes in its stored colour; the list shows its volume', async () => {
    const { page, host } = s;
    await openSeries(page, host.url, '2.25.83024718430298174530827340271');
    const list = page.getByRole('region', { name: 'Structures' });
    await expect.poll(() => list.locator('li[data-roi]').count(), { timeout: 60000 }).toBe(10);
    const canvas = page.locator('.viewport[aria-label="Main viewport"] canvas').first();
    const shown = async () => {
      const pos = (await page.getByTestId('overlay-position').textContent()) ?? '';
      return Number(/Pos (-?\d+(?:\.\d+)?)/.exec(pos)?.[1]);
    };
    let checked = 0;
    for (const roi of stack.structureSet.rois) {
      const { planes } = closedPlanes(roi);
      if (!planes.length) continue;
      // The list: the volume against the test's rasterisation.
      const li = list.locator(`li[data-roi="${roi.number}"]`);
      await expect.poll(() => li.locator('.roi-volume').getAttribute('data-volume-cc'), { timeout: 60000 }).not.toBeNull();
      const v = Number(await li.locator('.roi-volume').getAttribute('data-volume-cc'));
      const raster = rasterVolumeCc(planes, roi.name === 'BODY' ? 1 : 0.5);
      expect(Math.abs(v / raster - 1), `${roi.name}: ${v} vs ${raster.toFixed(3)} cm³`).toBeLessThan(0.02);

      // Go: the slice nearest the structure's centre, which holds contours (a slice at every contour plane).
      await li.getByRole('button', { name: `Go to ${roi.name}` }).click();
      await page.waitForTimeout(300);
      const z = await shown();
      const plane = planes.reduce((a, b) => (Math.abs(b.z - z) < Math.abs(a.z - z) ? b : a));
      expect(Math.abs(plane.z - z), `${roi.name}: a contour plane is shown`).toBeLessThan(0.1);
      await expect.poll(() => page.locator(`[data-testid="structure-layer"] g[data-roi="${roi.number}"]`).count()).toBe(1);
      const box = (await canvas.boundingBox())!;
      const shot = decodePng(await page.screenshot({ path: path.join(shotsDir, `e2e-rt-breast-${roi.number}.png`) }));
      const colour = roi.color ?? [255, 255, 0];
      // Up to 24 vertices spread over the plane's contours.
      const vertices: [number, number][] = [];
      for (const poly of plane.polygons) for (let k = 0; k < poly.length; k += 2) vertices.push([poly[k]!, poly[k + 1]!]);
      const step = Math.max(1, Math.floor(vertices.length / 24));
      let hits = 0;
      let tried = 0;
      for (let k = 0; k < vertices.length; k += step) {
        const [x, y] = vertices[k]!;
        const col = (x - stack.origin[0]) / stack.spacing;
        const row = (y - stack.origin[1]) / stack.spacing;
        const at = await hookCall<[number, number] | undefined>(page, 'imageToCanvas', col + 0.5, row + 0.5);
        if (!at) continue;
        tried++;
        let best = Infinity;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const i = (Math.round(box.y + at[1] + dy) * shot.width + Math.round(box.x + at[0] + dx)) * shot.channels;
            best = Math.min(best, Math.max(Math.abs(shot.pixels[i]! - colour[0]), Math.abs(shot.pixels[i + 1]! - colour[1]), Math.abs(shot.pixels[i + 2]! - colour[2])));
          }
        if (best < 70) hits++;
      }
      // Other structures drawn over the same place (the BODY outline along the breast's skin) may hide a few.
      expect(hits / tried, `${roi.name} on z = ${plane.z}: ${hits} of ${tried} vertices in its colour`).toBeGreaterThanOrEqual(0.75);
      checked++;
    }
    expect(checked).toBe(9);
    expect(s.pageErrors).toEqual([]);
  }, 240000);
});
