/**
 * A DICOM SEG of a CT outlined over the CT in every view (issue #17): a sphere segmentation (test/support/segPhantom.ts)
 * over the RT phantom's water-cylinder CT. In the stack cell, on the MPR planes and on the fused planes, every point
 * of the segment's outline lies on the sphere's surface (within one CT voxel, 2 mm, plus the outline's 2 px sampling).
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDicomFile } from '../support/dicomFiles';
import { writeSeriesCopy } from '../support/derivedSeries';
import { openSeries, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { fuseSeries } from '../support/fusionPage';
import { writeRtPhantom } from '../support/rtPhantom';
import { writeSphereSeg, type SegPhantom } from '../support/segPhantom';
import { hookCall } from '../support/viewerPage';

type Vec3 = [number, number, number];
const CENTRE: Vec3 = [6, -6, 0];
const RADIUS = 10;
/** One CT voxel (2 mm) and the outline's sampling (2 canvas px, under 1 mm here). */
const TOLERANCE_MM = 2.5;

/** The numbers of an SVG path's d attribute, as [x, y] pairs (canvas px). */
async function pathPoints(page: Page, selector: string): Promise<[number, number][]> {
  const d = (await page.locator(selector).first().getAttribute('d')) ?? '';
  const nums = [...d.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < nums.length; i += 2) out.push([nums[i]!, nums[i + 1]!]);
  return out;
}

const fromCentre = (w: readonly number[]) => Math.hypot(w[0]! - CENTRE[0], w[1]! - CENTRE[1], w[2]! - CENTRE[2]);

describe('SEG outlines over a CT in every view', () => {
  let s: E2eSession;
  let ctSeries: string;
  let seg: SegPhantom;
  const copyRoot = '2.25.1732050807568877293527.17.8';

  beforeAll(async () => {
    s = await startE2eSession({
      prefix: 'dokuei-e2e-seg-',
      files: async (dataDir) => {
        const phantom = await writeRtPhantom(path.join(dataDir, 'phantom'));
        ctSeries = (await readDicomFile(phantom.files.ct[0]!)).series;
        seg = writeSphereSeg(phantom.files.ct, path.join(dataDir, 'phantom'), '2.25.1732050807568877293527.17.7', CENTRE, RADIUS);
        const copy = writeSeriesCopy(phantom.files.ct, path.join(dataDir, 'copy'), copyRoot, 'Second series of the frame');
        return [...phantom.files.ct, seg.file, ...copy];
      },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('outlines the segment in the stack cell, on the MPR planes and on the fused planes, on the sphere', async () => {
    const { page, host } = s;
    await openSeries(page, host.url, ctSeries);
    // Stack: the slice shown (the middle of the CT), its outline through the viewport's own canvas → image mapping.
    const stackPath = '.stack-canvas [data-testid="seg-outline-layer"] path[data-segment="1"]';
    await expect.poll(async () => (await pathPoints(page, stackPath)).length, { timeout: 60000 }).toBeGreaterThan(20);
    const pos = Number(/Pos (-?\d+(?:\.\d+)?)/.exec((await page.getByTestId('overlay-position').textContent()) ?? '')?.[1]);
    for (const [x, y] of await pathPoints(page, stackPath)) {
      const at = await hookCall<{ column: number; row: number } | undefined>(page, 'canvasToImage', x, y);
      // Image coordinates count from the corner (0.5 = the first pixel's centre, at −47 mm); 2 mm pixels.
      const w = [-47 + (at!.column - 0.5) * 2, -47 + (at!.row - 0.5) * 2, pos];
      expect(Math.abs(fromCentre(w) - RADIUS), `stack point (${w.map((v) => v.toFixed(1)).join(', ')})`).toBeLessThan(TOLERANCE_MM);
    }
    await page.screenshot({ path: path.join(shotsDir, 'e2e-seg-stack.png') });

    // MPR: each plane's outline, through the plane's probe.
    await page.getByRole('button', { name: 'MPR 1+3', exact: true }).click();
    await page.locator('.mpr[data-state="ready"]').waitFor({ timeout: 120000 });
    for (const plane of ['axial', 'sagittal', 'coronal']) {
      const sel = `[data-plane="${plane}"] [data-testid="seg-outline-layer"] path[data-segment="1"]`;
      await expect.poll(async () => (await pathPoints(page, sel)).length, { timeout: 60000 }).toBeGreaterThan(20);
      const worlds = await page.evaluate(
        ([pl, pts]) => {
          const hook = (window as unknown as { __dokueiViewports: Record<string, { probeAt(x: number, y: number): { world: number[] } | undefined }> }).__dokueiViewports[`MPR ${pl}`]!;
          return (pts as [number, number][]).map(([x, y]) => hook.probeAt(x, y)?.world ?? []);
        },
        [plane, await pathPoints(page, sel)] as const,
      );
      for (const w of worlds) expect(Math.abs(fromCentre(w) - RADIUS), `MPR ${plane}: (${w.map((v) => v.toFixed(1)).join(', ')})`).toBeLessThan(TOLERANCE_MM);
    }
    await page.screenshot({ path: path.join(shotsDir, 'e2e-seg-mpr.png') });

    // Fusion of the CT (base) with a second series of its frame: the base's SEG on the fused planes.
    await fuseSeries(page, ctSeries, `${copyRoot}.2`);
    for (const plane of ['axial', 'coronal']) {
      const sel = `.fusion-cell[aria-label="Fusion ${plane}"] [data-testid="seg-outline-layer"] path[data-segment="1"]`;
      await expect.poll(async () => (await pathPoints(page, sel)).length, { timeout: 60000 }).toBeGreaterThan(20);
      const worlds = await page.evaluate(
        ([pl, pts]) => {
          const views = (window as unknown as { __dokueiFusionViews: Record<string, { canvasToWorld(p: string, x: number, y: number): number[] }> }).__dokueiFusionViews['Fusion']!;
          return (pts as [number, number][]).map(([x, y]) => views.canvasToWorld(pl as string, x, y));
        },
        [plane, await pathPoints(page, sel)] as const,
      );
      for (const w of worlds) expect(Math.abs(fromCentre(w) - RADIUS), `fusion ${plane}: (${w.map((v) => v.toFixed(1)).join(', ')})`).toBeLessThan(TOLERANCE_MM);
    }
    await page.screenshot({ path: path.join(shotsDir, 'e2e-seg-fusion.png') });
    expect(s.pageErrors).toEqual([]);
  });
});
