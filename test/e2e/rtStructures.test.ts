/**
 * RT structures and dose over the CT in a stack cell (issue #17), on the phantom RT set (test/support/rtPhantom.ts):
 * every ROI's contours drawn where their points say, in the colours the RT Structure Set stores (screenshot pixels at
 * the contour vertices), the structure list with each ROI's volume, visibility and "Go" to a structure; isodose lines
 * at their analytic radii on a dose grid offset from the CT by a fraction of a voxel, the colour wash, the dose under
 * the cursor and the plan's prescription and beams.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../support/png';
import { readDicomFile } from '../support/dicomFiles';
import { openSeries, openStudyByEnter, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { writeRtPhantom, type RtPhantom } from '../support/rtPhantom';
import { hookCall } from '../support/viewerPage';
import { dvhCommand, type DvhLine } from '../../electron/cli/dvhCommand';

describe('RT structures over the images', () => {
  let s: E2eSession;
  let phantom: RtPhantom;
  let ctSeries: string;

  beforeAll(async () => {
    s = await startE2eSession({
      prefix: 'dokuei-e2e-rt-',
      files: async (dataDir) => {
        phantom = await writeRtPhantom(path.join(dataDir, 'phantom'));
        ctSeries = (await readDicomFile(phantom.files.ct[0]!)).series;
        return [...phantom.files.ct, phantom.files.rtstruct, phantom.files.rtplan, phantom.files.rtdose];
      },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('draws every ROI where its points are, in its stored colour, and lists each with its volume', async () => {
    const { page, host } = s;
    await openSeries(page, host.url, ctSeries);
    const list = page.getByRole('region', { name: 'Structures' });
    await expect.poll(() => list.locator('li[data-roi]').count(), { timeout: 30000 }).toBe(4);
    // Go to the Sphere: the slice through its centre (z = ±1.25 mm), where all four ROIs have contours.
    await page.getByRole('button', { name: 'Go to Sphere' }).click();
    await expect.poll(async () => page.locator('[data-testid="structure-layer"] g[data-roi]').count(), { timeout: 30000 }).toBe(4);

    // The contour vertices of each ROI on this plane, from the RT Structure Set's own geometry (the phantom's truth),
    // mapped to page pixels through the viewport (image pixel → canvas), then read off a screenshot.
    const canvasBox = (await page.locator('.viewport[aria-label="Main viewport"] canvas').first().boundingBox())!;
    // The slice shown: "Pos 1.25 mm" or "Pos -1.25 mm" (both hold every ROI; the circles' radii depend only on |z|).
    const pos = (await page.getByTestId('overlay-position').textContent()) ?? '';
    expect(Math.abs(Math.abs(Number(/Pos (-?\d+(?:\.\d+)?)/.exec(pos)?.[1])) - 1.25)).toBeLessThan(0.1); // shown to 0.1 mm
    const z0 = 1.25;
    const shot = decodePng(await page.screenshot({ path: path.join(shotsDir, 'e2e-rt-structures.png') }));
    const colourAt = (x: number, y: number) => {
      const i = (Math.round(y) * shot.width + Math.round(x)) * shot.channels;
      return [shot.pixels[i]!, shot.pixels[i + 1]!, shot.pixels[i + 2]!] as const;
    };
    const vertices: Record<string, [number, number][]> = {
      Sphere: circle(0, 0, Math.sqrt(225 - z0 * z0), 16),
      Small: circle(20, 0, Math.sqrt(36 - z0 * z0), 8),
      // Corners and points along the edges (not where the Ring's inner circle, drawn after it, crosses them).
      Box: [[-10, -10], [10, -10], [10, 10], [-10, 10], [5, -10], [10, 5], [-5, 10], [-10, -5]],
      Ring: [...circle(0, 0, 20, 12)],
    };
    const expected: Record<string, [number, number, number]> = { Sphere: [255, 0, 0], Box: [0, 255, 0], Small: [0, 0, 255], Ring: [255, 255, 0] };
    for (const [name, pts] of Object.entries(vertices)) {
      let hits = 0;
      for (const [x, y] of pts) {
        // CT pixel (column, row) of (x, y) mm: first pixel centre at (−47, −47), 2 mm pixels; +0.5: the viewport counts from the corner.
        const at = await hookCall<[number, number] | undefined>(page, 'imageToCanvas', (x + 47) / 2 + 0.5, (y + 47) / 2 + 0.5);
        expect(at).toBeDefined();
        const [er, eg, eb] = expected[name]!;
        // The outline is 2 px wide in the ROI's colour: the best-matching pixel within 1 px of the vertex (a vertex
        // falls between pixels; anti-aliasing and the translucent fills blend the edge ones).
        let best = Infinity;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const [r, g, b] = colourAt(canvasBox.x + at![0] + dx, canvasBox.y + at![1] + dy);
            best = Math.min(best, Math.max(Math.abs(r - er), Math.abs(g - eg), Math.abs(b - eb)));
          }
        if (best < 70) hits++;
      }
      expect(hits / pts.length, `${name}: ${hits} of ${pts.length} vertices in its colour`).toBeGreaterThanOrEqual(0.9);
    }

    // Volumes in the list (the DVH's convention) against the phantom's truth: within 2 %.
    for (const roi of phantom.truth.rois) {
      const li = list.locator(`li[data-roi="${roi.number}"]`);
      await expect.poll(() => li.locator('.roi-volume').getAttribute('data-volume-cc'), { timeout: 30000 }).not.toBeNull();
      const v = Number(await li.locator('.roi-volume').getAttribute('data-volume-cc'));
      expect(Math.abs(v / roi.volumeCc - 1), `${roi.name} ${v} cm³ vs ${roi.volumeCc}`).toBeLessThan(roi.name === 'Small' ? 0.025 : 0.02);
    }

    // Hiding a structure removes its outline; showing it brings it back.
    await page.getByRole('checkbox', { name: 'Show Sphere' }).uncheck();
    await expect.poll(() => page.locator('[data-testid="structure-layer"] g[data-roi="1"]').count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Show Sphere' }).check();
    await expect.poll(() => page.locator('[data-testid="structure-layer"] g[data-roi="1"]').count()).toBe(1);
    expect(s.pageErrors).toEqual([]);
  });

  it('draws isodose lines at the analytic radii, the wash, the dose under the cursor, and the plan', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Go to Sphere' }).click();
    const panel = page.getByRole('region', { name: 'Dose' });
    // The reference is the plan's prescription (50 Gy): 95 % = 47.5 Gy, 80 % = 40 Gy, 50 % = 25 Gy.
    await expect.poll(() => panel.getByRole('list', { name: 'Isodose legend' }).textContent(), { timeout: 30000 }).toContain('95 %  47.5 Gy');
    await expect.poll(() => page.locator('[data-testid="dose-lines"] path').count(), { timeout: 30000 }).toBe(6);
    await expect.poll(() => panel.getByTestId('plan-summary').textContent()).toContain('Prescription 50 Gy in 25 fractions');
    expect(await panel.locator('li[data-beam]').allTextContents()).toEqual([expect.stringContaining('G0'), expect.stringContaining('G120'), expect.stringContaining('G240')]);
    expect(await panel.locator('li[data-beam="2"]').textContent()).toContain('gantry 120.0° · coll 0.0° · couch 0.0° · 110.0 MU');

    // The isocentre (0, 0, 0) lies half a slice from this plane: its mark and the three beam axes (gantry 0°, 120°,
    // 240°, couch 0°: in the axial plane) are drawn; white pixels along each axis, 30 and 38 mm from the isocentre
    // towards the source (head-first supine: the source of gantry θ is at (sin θ, −cos θ, 0)).
    await expect.poll(() => page.locator('[data-testid="beam-layer"] [data-beam-axis]').count(), { timeout: 30000 }).toBe(3);
    expect(await page.locator('[data-testid="beam-layer"] [data-isocentre]').count()).toBe(1);
    {
      const box = (await page.locator('.viewport[aria-label="Main viewport"] canvas').first().boundingBox())!;
      const beamShot = decodePng(await page.screenshot({ path: path.join(shotsDir, 'e2e-rt-beams.png') }));
      for (const gantry of [0, 120, 240]) {
        const t = (gantry * Math.PI) / 180;
        for (const d of [30, 38]) {
          const [x, y] = [Math.sin(t) * d, -Math.cos(t) * d];
          const c = (await hookCall<[number, number]>(page, 'imageToCanvas', (x + 47) / 2 + 0.5, (y + 47) / 2 + 0.5))!;
          let best = 0;
          for (let dy = -1; dy <= 1; dy++)
            for (let dx = -1; dx <= 1; dx++) {
              const i = (Math.round(box.y + c[1] + dy) * beamShot.width + Math.round(box.x + c[0] + dx)) * beamShot.channels;
              best = Math.max(best, Math.min(beamShot.pixels[i]!, beamShot.pixels[i + 1]!, beamShot.pixels[i + 2]!));
            }
          expect(best, `gantry ${gantry}°, ${d} mm from the isocentre: white`).toBeGreaterThan(215);
        }
      }
    }

    // Each line's points (image pixel coordinates, 2 mm pixels from −47 mm) at the radius where the analytic
    // Gaussian has that dose on this plane (z = ±1.25 mm): within one dose-grid voxel (3 mm).
    const z = 1.25;
    for (const [gy, label] of [[47.5, '95 %'], [40, '80 %'], [25, '50 %']] as const) {
      const d = (await page.locator(`[data-testid="dose-lines"] path[data-gy="${gy.toFixed(3)}"]`).getAttribute('d')) ?? '';
      const nums = [...d.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
      expect(nums.length, label).toBeGreaterThan(40);
      const expected = Math.sqrt(2 * phantom.truth.sigmaMm ** 2 * Math.log(phantom.truth.peakGy / gy) - z * z);
      let worst = 0;
      for (let i = 0; i < nums.length; i += 2) worst = Math.max(worst, Math.abs(Math.hypot(-47 + 2 * nums[i]!, -47 + 2 * nums[i + 1]!) - expected));
      expect(worst, `${label}: worst radius error ${worst.toFixed(2)} mm of ${expected.toFixed(2)} mm`).toBeLessThan(3);
    }
    // And on the screen: the 95 % line (orange) where it crosses the −x axis.
    const canvasBox = (await page.locator('.viewport[aria-label="Main viewport"] canvas').first().boundingBox())!;
    const r95 = Math.sqrt(2 * phantom.truth.sigmaMm ** 2 * Math.log(60 / 47.5) - z * z);
    const at = (await hookCall<[number, number]>(page, 'imageToCanvas', (-r95 + 47) / 2 + 0.5, 47 / 2 + 0.5))!;
    const shot = decodePng(await page.screenshot({ path: path.join(shotsDir, 'e2e-rt-isodose.png') }));
    let best = Infinity;
    for (let dy = -2; dy <= 2; dy++)
      for (let dx = -2; dx <= 2; dx++) {
        const i = (Math.round(canvasBox.y + at[1] + dy) * shot.width + Math.round(canvasBox.x + at[0] + dx)) * shot.channels;
        best = Math.min(best, Math.max(Math.abs(shot.pixels[i]! - 255), Math.abs(shot.pixels[i + 1]! - 0x90), shot.pixels[i + 2]!));
      }
    expect(best, 'the 95 % line in orange on the screen').toBeLessThan(70);

    // The dose under the cursor at (−10, 0) mm equals the analytic dose there (trilinear on the 3 mm grid: < 1 %).
    const p = (await hookCall<[number, number]>(page, 'imageToCanvas', 37 / 2 + 0.5, 47 / 2 + 0.5))!;
    await page.mouse.move(canvasBox.x + p[0], canvasBox.y + p[1]);
    await expect.poll(() => page.getByTestId('dose-at-cursor').getAttribute('data-gy')).not.toBeNull();
    const cursorGy = Number(await page.getByTestId('dose-at-cursor').getAttribute('data-gy'));
    expect(Math.abs(cursorGy - phantom.truth.doseAt([-10, 0, z])) / phantom.truth.peakGy).toBeLessThan(0.01);

    // The DVH panel computes with the CLI's engine: the same numbers as `dokuei dvh --json` on the files.
    await page.getByRole('button', { name: 'Compute DVH' }).click();
    const dvhRows = page.getByRole('region', { name: 'DVH' }).locator('tr[data-roi][data-volume-cc]');
    await expect.poll(() => dvhRows.count(), { timeout: 60000 }).toBe(4);
    const out: string[] = [];
    await dvhCommand([phantom.files.rtdose, phantom.files.rtstruct], {}, true, { out: (t) => out.push(t), err: () => undefined, isTty: false });
    const cli = JSON.parse(out.join('')) as Extract<DvhLine, { volumeCc: number }>[];
    for (const line of cli) {
      const row = page.getByRole('region', { name: 'DVH' }).locator(`tr[data-roi="${line.roiNumber}"]`);
      expect(Number(await row.getAttribute('data-volume-cc')), line.structure).toBeCloseTo(line.volumeCc, 3);
      expect(Number(await row.getAttribute('data-d95')), line.structure).toBeCloseTo(line.D['95'], 3);
      expect(Number(await row.getAttribute('data-mean')), line.structure).toBeCloseTo(line.meanGy, 3);
    }
    expect(await page.getByRole('img', { name: /Cumulative DVH/ }).locator('g[data-roi] path').count()).toBe(8); // computed + stored, per ROI

    // The wash: red at the peak, nothing far from it.
    await panel.getByRole('checkbox', { name: 'Colour wash' }).check();
    await expect.poll(() => page.getByTestId('dose-wash').count()).toBe(1);
    await page.waitForTimeout(300);
    const washed = decodePng(await page.screenshot({ path: path.join(shotsDir, 'e2e-rt-wash.png') }));
    // (−6, −6) mm: 54.8 Gy, above the 50 Gy reference (red); off the isocentre mark and the beam axes.
    const c = (await hookCall<[number, number]>(page, 'imageToCanvas', 41 / 2 + 0.5, 41 / 2 + 0.5))!;
    const i = (Math.round(canvasBox.y + c[1]) * washed.width + Math.round(canvasBox.x + c[0])) * washed.channels;
    expect(washed.pixels[i]!, 'red near the peak').toBeGreaterThan(washed.pixels[i + 2]! + 60);
    // At (−46, 0) mm the dose is 4.3 Gy, under 10 % of the reference (5 Gy): no wash, the CT shows as it is (grey).
    const far = (await hookCall<[number, number]>(page, 'imageToCanvas', 1 / 2 + 0.5, 47 / 2 + 0.5))!;
    const j = (Math.round(canvasBox.y + far[1]) * washed.width + Math.round(canvasBox.x + far[0])) * washed.channels;
    expect(Math.abs(washed.pixels[j]! - washed.pixels[j + 2]!), 'grey far from the peak').toBeLessThan(12);
    expect(s.pageErrors).toEqual([]);
  });

  it('MPR: isodose lines and structures cut by sagittal and oblique planes, at their analytic radii', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'MPR 1+3', exact: true }).click();
    await page.locator('.mpr[data-state="ready"]').waitFor({ timeout: 120000 });
    // A path's points (canvas px of its plane) → patient mm through the plane's own probe → distance from the
    // Gaussian's centre (0, 0, 0), where every plane here passes (the volume's centre).
    const radii = (plane: string, selector: string) =>
      page.evaluate(
        ([pl, sel]) => {
          const path = document.querySelector(`[data-plane="${pl}"] [data-testid="rt-plane-layer"] ${sel}`);
          const nums = [...(path?.getAttribute('d') ?? '').matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
          const hook = (window as unknown as { __dokueiViewports: Record<string, { probeAt(x: number, y: number): { world: number[] } | undefined }> }).__dokueiViewports[`MPR ${pl}`]!;
          const out: number[] = [];
          for (let i = 0; i < nums.length; i += 2) {
            const w = hook.probeAt(nums[i]!, nums[i + 1]!)?.world;
            if (w) out.push(Math.hypot(w[0]!, w[1]!, w[2]!));
          }
          return out;
        },
        [plane, selector] as const,
      );
    const level = (gy: number) => Math.sqrt(2 * phantom.truth.sigmaMm ** 2 * Math.log(phantom.truth.peakGy / gy));
    const check = async (plane: string, what: string) => {
      // The lines are drawn again after the planes move or resize (the RT panels open beside them once the dose is
      // read): a line read in between is the last frame's; the one on screen once it settles is the one checked.
      const settledWorst = async (selector: string, radius: number) => {
        let worst = Infinity;
        await expect
          .poll(
            async () => {
              const r = await radii(plane, selector);
              worst = r.length > 20 ? Math.max(...r.map((x) => Math.abs(x - radius))) : Infinity;
              return worst;
            },
            { timeout: 30000 },
          )
          .toBeLessThan(3)
          .catch(() => undefined);
        return worst;
      };
      for (const gy of [47.5, 40, 25]) {
        const worst = await settledWorst(`path[data-gy="${gy.toFixed(3)}"]`, level(gy));
        expect(worst, `${what} ${plane}: ${gy} Gy line, worst radius error ${worst.toFixed(2)} mm of ${level(gy).toFixed(2)}`).toBeLessThan(3);
      }
      // The Sphere (R 15 mm, drawn on 2.5 mm planes, extruded with end caps): its cut within one plane spacing.
      expect(await settledWorst('path[data-roi="1"]', 15), `${what} ${plane}: Sphere outline`).toBeLessThan(3);
    };
    await check('sagittal', 'straight');
    await check('coronal', 'straight');
    // Beam axes: all three (couch 0°) lie in the axial plane through the isocentre; the gantry 0° one also in the
    // sagittal plane x = 0.
    await expect.poll(() => page.locator('[data-plane="axial"] [data-testid="rt-plane-layer"] [data-beam-axis]').count(), { timeout: 30000 }).toBe(3);
    await expect.poll(() => page.locator('[data-plane="sagittal"] [data-testid="rt-plane-layer"] [data-beam-axis="1"]').count()).toBe(1);
    // The dose under the pointer on the axial MPR plane equals the analytic dose at the point the plane shows there.
    const axialBox = (await page.locator('[data-plane="axial"]').boundingBox())!;
    const px = axialBox.width / 2 + 25;
    const py = axialBox.height / 2 + 10;
    await page.mouse.move(axialBox.x + px, axialBox.y + py);
    await expect.poll(() => page.getByTestId('mpr-dose-at-cursor').getAttribute('data-gy'), { timeout: 10000 }).not.toBeNull();
    const mprGy = Number(await page.getByTestId('mpr-dose-at-cursor').getAttribute('data-gy'));
    const world = await page.evaluate(([x, y]) => (window as unknown as { __dokueiViewports: Record<string, { probeAt(x: number, y: number): { world: number[] } | undefined }> }).__dokueiViewports['MPR axial']!.probeAt(x!, y!)?.world, [px, py] as const);
    expect(world).toBeDefined();
    expect(Math.abs(mprGy - phantom.truth.doseAt(world as [number, number, number])) / phantom.truth.peakGy).toBeLessThan(0.01);
    await page.getByLabel('Oblique angle (degrees)').fill('30');
    await page.waitForTimeout(500);
    await check('sagittal', 'oblique 30°');
    await page.screenshot({ path: path.join(shotsDir, 'e2e-rt-mpr.png') });
    await page.getByLabel('Oblique angle (degrees)').fill('0');

    // The Dose panel over MPR: levels typed in Gy replace the default ones on every plane, at their analytic radius;
    // the colour wash fills the planes (red at the prescription and above, blue at 10 % of it, nothing below).
    const panel = page.getByRole('complementary', { name: 'RT' });
    // Its structure list: hiding the Sphere removes its cut from the planes; Go to Small slides the sagittal plane
    // (through x = 0, clear of Small: a 6 mm sphere at (20, 0, 0)) to Small's centre, where its cut is a 6 mm circle.
    const sagittalRoi = (n: number) => page.locator(`[data-plane="sagittal"] [data-testid="rt-plane-layer"] path[data-roi="${n}"]`);
    await panel.getByRole('checkbox', { name: 'Show Sphere' }).uncheck();
    await expect.poll(() => sagittalRoi(1).count()).toBe(0);
    await panel.getByRole('checkbox', { name: 'Show Sphere' }).check();
    await expect.poll(() => sagittalRoi(1).count()).toBe(1);
    expect(((await sagittalRoi(3).getAttribute('d')) ?? '').length).toBe(0);
    await panel.getByRole('button', { name: 'Go to Small' }).click();
    await expect.poll(async () => ((await sagittalRoi(3).getAttribute('d')) ?? '').length, { timeout: 30000 }).toBeGreaterThan(20);
    {
      const pts = await page.evaluate(() => {
        const d = document.querySelector('[data-plane="sagittal"] [data-testid="rt-plane-layer"] path[data-roi="3"]')?.getAttribute('d') ?? '';
        const nums = [...d.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
        const hook = (window as unknown as { __dokueiViewports: Record<string, { probeAt(x: number, y: number): { world: number[] } | undefined }> }).__dokueiViewports['MPR sagittal']!;
        const out: number[][] = [];
        for (let i = 0; i < nums.length; i += 2) out.push(hook.probeAt(nums[i]!, nums[i + 1]!)?.world ?? []);
        return out;
      });
      for (const w of pts) {
        expect(Math.abs(w[0]! - 20), 'the sagittal plane is at Small (x = 20 mm)').toBeLessThan(1.5);
        expect(Math.abs(Math.hypot(w[0]! - 20, w[1]!, w[2]!) - 6)).toBeLessThan(3);
      }
    }
    await panel.getByLabel('Level unit').selectOption('gy');
    await panel.getByLabel('Isodose levels').fill('30');
    await expect.poll(() => page.locator('[data-plane="sagittal"] [data-testid="rt-plane-layer"] path[data-gy]').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-gy'))), { timeout: 30000 }).toEqual(['30.000']);
    const r30 = await radii('coronal', 'path[data-gy="30.000"]');
    expect(Math.max(...r30.map((x) => Math.abs(x - level(30)))), 'coronal: the typed 30 Gy line').toBeLessThan(3);
    await panel.getByRole('checkbox', { name: 'Colour wash' }).check();
    const washAt = (fx: number, fy: number) =>
      page.evaluate(([x, y]) => {
        const c = document.querySelector<HTMLCanvasElement>('[data-plane="axial"] [data-testid="rt-plane-wash"]');
        if (!c || c.width === 0) return undefined;
        return Array.from(c.getContext('2d')!.getImageData(Math.floor(c.width * x!), Math.floor(c.height * y!), 1, 1).data);
      }, [fx, fy] as const);
    // The plane's centre (the dose peak, 60 Gy, above the 50 Gy prescription): red; a corner (air, far outside): none.
    await expect.poll(() => washAt(0.5, 0.5), { timeout: 30000 }).toEqual([255, 0, 0, 110]);
    expect((await washAt(0.02, 0.02))?.[3]).toBe(0);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-rt-mpr-wash.png') });

    // The choice is the study's: the stack cell's Dose panel shows the same levels and wash; put the defaults back there.
    await page.getByRole('button', { name: '1×1', exact: true }).click();
    await page.locator('.viewport[data-state="ready"]').first().waitFor({ timeout: 60000 });
    const stackPanel = page.getByRole('region', { name: 'Dose' });
    await expect.poll(() => stackPanel.getByRole('list', { name: 'Isodose legend' }).textContent(), { timeout: 30000 }).toBe('30 Gy');
    expect(await stackPanel.getByRole('checkbox', { name: 'Colour wash' }).isChecked()).toBe(true);
    await stackPanel.getByRole('checkbox', { name: 'Colour wash' }).uncheck();
    await stackPanel.getByLabel('Level unit').selectOption('percent');
    await stackPanel.getByLabel('Isodose levels').fill('107, 100, 95, 80, 50, 30');
    await expect.poll(() => stackPanel.getByRole('list', { name: 'Isodose legend' }).textContent()).toContain('95 %  47.5 Gy');
    expect(s.pageErrors).toEqual([]);
  });

  it('draws nothing on a slice no contour lies on', async () => {
    const { page } = s;
    // Far below the structures (the phantom's contours span z −13.75…13.75 mm): End goes to the last slice.
    await page.locator('.viewport[aria-label="Main viewport"]').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('[data-testid="structure-layer"] g[data-roi]').count(), { timeout: 10000 }).toBe(0);
    expect(s.pageErrors).toEqual([]);
  });
});


describe('RT review hanging protocol', () => {
  let s: E2eSession;
  beforeAll(async () => {
    s = await startE2eSession({
      prefix: 'dokuei-e2e-rt-hang-',
      files: async (dataDir) => {
        const p = await writeRtPhantom(path.join(dataDir, 'phantom'));
        return [...p.files.ct, p.files.rtstruct, p.files.rtplan, p.files.rtdose];
      },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('Enter on a study with a plan and a dose opens the planning CT in MPR 1+3 with the structures, dose, plan and DVH panels', async () => {
    const { page, host } = s;
    await openStudyByEnter(page, host.url);
    await expect.poll(() => page.locator('.workspace').getAttribute('data-layout'), { timeout: 30000 }).toBe('mpr1+3');
    await page.locator('.mpr[data-state="ready"]').waitFor({ timeout: 120000 });
    const side = page.getByRole('complementary', { name: 'RT' });
    for (const name of ['Structures', 'Dose', 'DVH']) await expect.poll(() => side.getByRole('region', { name }).count(), { timeout: 30000 }).toBe(1);
    await expect.poll(() => side.getByTestId('plan-summary').textContent()).toContain('Prescription 50 Gy in 25 fractions');
    for (const p of ['axial', 'sagittal', 'coronal']) {
      await expect.poll(() => page.locator(`[data-plane="${p}"] [data-testid="rt-plane-layer"] path[data-gy][d^="M"]`).count(), { timeout: 30000 }).toBeGreaterThan(0);
      await expect.poll(() => page.locator(`[data-plane="${p}"] [data-testid="rt-plane-layer"] path[data-roi][d^="M"]`).count(), { timeout: 30000 }).toBeGreaterThan(0);
    }
    await page.screenshot({ path: path.join(shotsDir, 'e2e-rt-review-mpr.png') });
    // The panels fold away and come back.
    await side.getByRole('button', { name: 'Hide RT panels ›' }).click();
    expect(await page.getByRole('complementary', { name: 'RT' }).count()).toBe(0);
    await page.getByRole('button', { name: '‹ RT' }).click();
    await expect.poll(() => page.getByRole('complementary', { name: 'RT' }).count()).toBe(1);
    expect(s.pageErrors).toEqual([]);
  });
});

function circle(cx: number, cy: number, r: number, n: number): [number, number][] {
  // The phantom draws 64-point circles starting at angle 0: every (64/n)-th of its vertices.
  return Array.from({ length: n }, (_, i) => [cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n)] as [number, number]);
}
