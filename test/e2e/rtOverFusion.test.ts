/**
 * RT structures and dose over a fusion (issue #17): the phantom RT set's planning CT fused with a second series of its
 * frame of reference. On the fused axial, sagittal and coronal planes the Sphere's cut and the 95/80/50 % isodose
 * lines lie at their analytic radii (within 3 mm: a dose-grid voxel), the beam axes are drawn on the axial plane
 * through the isocentre, and the dose under the pointer equals the analytic dose there.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDicomFile } from '../support/dicomFiles';
import { writeSeriesCopy } from '../support/derivedSeries';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { fuseSeries } from '../support/fusionPage';
import { writeRtPhantom, type RtPhantom } from '../support/rtPhantom';

const COPY_ROOT = '2.25.1732050807568877293527.17.9';

/** A path's points on a fused plane (canvas px of its base layer) → patient mm → distance from (0, 0, 0). */
function radii(page: Page, plane: string, selector: string): Promise<number[]> {
  return page.evaluate(
    ([pl, sel]) => {
      const path = document.querySelector(`.fusion-cell[aria-label="Fusion ${pl}"] [data-testid="rt-plane-layer"] ${sel}`);
      const nums = [...(path?.getAttribute('d') ?? '').matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
      const views = (window as unknown as { __dokueiFusionViews: Record<string, { canvasToWorld(p: string, x: number, y: number): number[] }> }).__dokueiFusionViews['Fusion']!;
      const out: number[] = [];
      for (let i = 0; i < nums.length; i += 2) {
        const w = views.canvasToWorld(pl!, nums[i]!, nums[i + 1]!);
        out.push(Math.hypot(w[0]!, w[1]!, w[2]!));
      }
      return out;
    },
    [plane, selector] as const,
  );
}

describe('RT over a fusion', () => {
  let s: E2eSession;
  let phantom: RtPhantom;
  let ctSeries: string;

  beforeAll(async () => {
    s = await startE2eSession({
      prefix: 'dokuei-e2e-rtfusion-',
      files: async (dataDir) => {
        phantom = await writeRtPhantom(path.join(dataDir, 'phantom'));
        ctSeries = (await readDicomFile(phantom.files.ct[0]!)).series;
        const copy = writeSeriesCopy(phantom.files.ct, path.join(dataDir, 'copy'), COPY_ROOT, 'Second series of the planning frame');
        return [...phantom.files.ct, ...copy, phantom.files.rtstruct, phantom.files.rtplan, phantom.files.rtdose];
      },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('draws the structures, isodose lines and beams on the fused planes where they are, with the dose at the pointer', async () => {
    const { page, host } = s;
    await page.goto(host.url);
    await page.locator('tr[data-study-uid]').first().click();
    await fuseSeries(page, ctSeries, `${COPY_ROOT}.2`);

    const { sigmaMm, peakGy } = phantom.truth;
    const level = (gy: number) => Math.sqrt(2 * sigmaMm ** 2 * Math.log(peakGy / gy));
    for (const plane of ['axial', 'sagittal', 'coronal']) {
      for (const gy of [47.5, 40, 25]) {
        const sel = `path[data-gy="${gy.toFixed(3)}"]`;
        await expect.poll(async () => (await radii(page, plane, sel)).length, { timeout: 60000 }).toBeGreaterThan(20);
        const r = await radii(page, plane, sel);
        const worst = Math.max(...r.map((x) => Math.abs(x - level(gy))));
        expect(worst, `${plane}: ${gy} Gy line, worst radius error ${worst.toFixed(2)} mm of ${level(gy).toFixed(2)}`).toBeLessThan(3);
      }
      const sphere = await radii(page, plane, 'path[data-roi="1"]');
      expect(sphere.length, `${plane}: the Sphere is cut`).toBeGreaterThan(20);
      expect(Math.max(...sphere.map((x) => Math.abs(x - 15))), `${plane}: Sphere outline`).toBeLessThan(3);
    }
    // The three beams (couch 0°) lie in the axial plane through the isocentre.
    await expect.poll(() => page.locator('.fusion-cell[aria-label="Fusion axial"] [data-beam-axis]').count(), { timeout: 30000 }).toBe(3);

    // The dose under the pointer on the fused axial plane, against the analytic dose where the plane shows it.
    const cell = page.locator('.fusion-cell[aria-label="Fusion axial"]');
    const box = (await cell.boundingBox())!;
    const [px, py] = [box.width / 2 + 25, box.height / 2 + 10];
    await page.mouse.move(box.x + px, box.y + py);
    const readout = cell.getByTestId('mpr-dose-at-cursor');
    await expect.poll(() => readout.getAttribute('data-gy'), { timeout: 10000 }).not.toBeNull();
    const gy = Number(await readout.getAttribute('data-gy'));
    const world = await page.evaluate(([x, y]) => (window as unknown as { __dokueiFusionViews: Record<string, { canvasToWorld(p: string, x: number, y: number): number[] }> }).__dokueiFusionViews['Fusion']!.canvasToWorld('axial', x!, y!), [px, py] as const);
    expect(Math.abs(gy - phantom.truth.doseAt(world as [number, number, number])) / peakGy).toBeLessThan(0.01);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-rt-fusion.png') });
    expect(s.pageErrors).toEqual([]);
  });
});
