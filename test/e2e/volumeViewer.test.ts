/**
 * Volumes as a reader meets them, in Chromium (SwiftShader WebGL2) from the local store:
 * - the real CT (275 slices when ../shared is present, else the committed 64-slice demo block) as stack, MPR 1+3
 *   and VR; the body lies where the files say on the sagittal plane; the probe reads the file's HU; the
 *   CPU holds the voxels in their native 16 bits;
 * - a synthetic series longer than the GPU's 3D texture limit is shown decimated, with the notice;
 * - the MR T2 with one missing slice (../shared) shows the warning, keeps every slice at its position,
 *   and an oblique MPR turned 30° still shows brain.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserHost } from '../../electron/browser-host/server';
import { importPaths } from '../../electron/services/store/importPaths';
import { demoCtDir, dicomFilesIn, sharedDataDir } from '../support/data';
import { writeEvenlySpacedCopy } from '../support/derivedSeries';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import type { VolumeMemoryReport as VolumeReport } from '../../renderer/imaging/volume/volumeMemory';
import { decodeNativeSlice } from '../support/pixels';
import { SPHERE_HU, writeSyntheticSphereSeries } from '../support/syntheticSeries';
import { makeTempDir, removeDir } from '../support/tempDir';
import { waitForRenderedImage } from '../support/viewerPage';

const PLANES = ['axial', 'sagittal', 'coronal', '3d'] as const;

interface Probe {
  value: number;
  world: [number, number, number];
  ijk: [number, number, number];
}

async function openSeriesInMpr(page: Page, host: BrowserHost, seriesText: string | RegExp, studyText?: string): Promise<VolumeReport> {
  await page.goto(host.url);
  const row = studyText ? page.locator('tr[data-study-uid]', { hasText: studyText }) : page.locator('tr[data-study-uid]').first();
  await row.waitFor({ timeout: 60000 });
  await row.click();
  const series = page.locator('li[data-series-uid]', { hasText: seriesText }).first();
  await series.waitFor({ timeout: 60000 });
  await series.click();
  await page.getByRole('button', { name: 'MPR 1+3' }).click();
  await page.locator('.mpr[data-state="ready"]').waitFor({ timeout: 120000 });
  // Wait for the whole volume: the progress line turns into "N slices".
  await expect.poll(() => page.locator('[data-testid="volume-progress"]').textContent(), { timeout: 180000, interval: 1000 }).toMatch(/^\d+ slices$/);
  for (const p of PLANES) await waitForStructuredCell(page, p);
  const reports = await page.evaluate(() => (window as unknown as { __dokueiVolumes?: { list(): unknown[] } }).__dokueiVolumes?.list() ?? []);
  expect(reports).toHaveLength(1);
  return reports[0] as VolumeReport;
}

/** Grey-level statistics of one MPR cell's canvas (what cornerstone drew). */
async function cellStats(page: Page, plane: string): Promise<{ width: number; height: number; stddev: number; nonBlack: number; row: number[] }> {
  return page.evaluate((p) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-plane="${p}"] canvas`);
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return { width: 0, height: 0, stddev: 0, nonBlack: 0, row: [] };
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    let sum2 = 0;
    let nonBlack = 0;
    const n = width * height;
    for (let i = 0; i < data.length; i += 4) {
      const v = (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
      sum += v;
      sum2 += v * v;
      if (v > 16) nonBlack++;
    }
    const mean = sum / n;
    const y = Math.floor(height / 2);
    const row: number[] = [];
    for (let x = 0; x < width; x++) row.push(data[(y * width + x) * 4]!);
    return { width, height, stddev: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), nonBlack: nonBlack / n, row };
  }, plane);
}

async function waitForStructuredCell(page: Page, plane: string): Promise<void> {
  await expect.poll(async () => (await cellStats(page, plane)).stddev, { timeout: 120000, interval: 500, message: `${plane} view stays blank` }).toBeGreaterThan(8);
}

async function probeAt(page: Page, plane: string, x: number, y: number): Promise<Probe | undefined> {
  return page.evaluate(
    ([p, px, py]) => {
      const hook = (window as unknown as { __dokueiViewports?: Record<string, { probeAt(x: number, y: number): unknown; canvasSize(): unknown }> }).__dokueiViewports?.[`MPR ${p}`];
      return hook?.probeAt(px as number, py as number) as never;
    },
    [plane, x, y] as const,
  );
}

async function canvasSize(page: Page, plane: string): Promise<{ width: number; height: number }> {
  return page.evaluate((p) => {
    const hook = (window as unknown as { __dokueiViewports?: Record<string, { canvasSize(): { width: number; height: number } }> }).__dokueiViewports?.[`MPR ${p}`];
    return hook!.canvasSize();
  }, plane);
}

interface SliceGeometry {
  file: string;
  ipp: [number, number, number];
  spacing: [number, number];
}

function sliceGeometry(file: string): SliceGeometry {
  const ds = dicomParser.parseDicom(new Uint8Array(readFileSync(file)), { untilTag: 'x7fe00010' });
  const num = (tag: string, i: number) => Number(ds.string(tag)!.split('\\')[i]);
  return { file, ipp: [num('x00200032', 0), num('x00200032', 1), num('x00200032', 2)], spacing: [num('x00280030', 0), num('x00280030', 1)] };
}

interface Grey {
  width: number;
  height: number;
  mean: number;
  grey: number[];
}

/** The 3D cell's canvas as grey levels (row-major). */
async function grey3d(page: Page): Promise<Grey> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-plane="3d"] canvas')!;
    const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const grey: number[] = [];
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) {
      const v = (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
      grey.push(v);
      sum += v;
    }
    return { width, height, mean: sum / Math.max(1, grey.length), grey };
  });
}

function signature(g: Grey): string {
  let h = 0;
  for (let i = 0; i < g.grey.length; i += 7) h = (h * 31 + Math.round(g.grey[i]!)) % 1_000_000_007;
  return `${g.width}x${g.height}:${h}`;
}

/**
 * The 3D cell once it shows something new (not `before`) and keeps showing it: the view renders coarse while its
 * camera moves and at full quality a moment later, and SwiftShader takes seconds per frame.
 */
async function settled3d(page: Page, before: string): Promise<Grey> {
  let last = '';
  let shown: Grey | undefined;
  await expect
    .poll(
      async () => {
        shown = await grey3d(page);
        const sig = signature(shown);
        const stable = sig === last && sig !== before;
        last = sig;
        return stable;
      },
      { timeout: 120000, interval: 2500, message: '3D view does not settle on a new picture' },
    )
    .toBe(true);
  return shown!;
}

function mirrorRows(g: Grey): number[] {
  const out: number[] = new Array<number>(g.grey.length);
  for (let y = 0; y < g.height; y++) for (let x = 0; x < g.width; x++) out[y * g.width + x] = g.grey[y * g.width + (g.width - 1 - x)]!;
  return out;
}

/**
 * How far `back` mirrored left–right is from `front`: mean absolute difference of 8×8-pixel block means, relative to
 * the mean brightness of the two (0: the same picture).
 */
function mirrorDifference(front: Grey, back: Grey): number {
  const b = mirrorRows(back);
  const block = 8;
  let diff = 0;
  let n = 0;
  for (let by = 0; by + block <= front.height; by += block) {
    for (let bx = 0; bx + block <= front.width; bx += block) {
      let f = 0;
      let m = 0;
      for (let y = by; y < by + block; y++) {
        for (let x = bx; x < bx + block; x++) {
          f += front.grey[y * front.width + x]!;
          m += b[y * front.width + x]!;
        }
      }
      diff += Math.abs(f - m) / (block * block);
      n++;
    }
  }
  const mean = (front.mean + back.mean) / 2;
  return diff / Math.max(1, n) / Math.max(1, mean);
}

describe('volumes: MPR 1+3 and 3D in Chromium', () => {
  let session: E2eSession;
  let host: BrowserHost;
  let page: Page;
  let pageErrors: string[];
  let synthDir: string;

  // Each test imports its own series (and checks the count).
  beforeAll(async () => {
    synthDir = await makeTempDir('dokuei-e2e-synth-');
    session = await startE2eSession({ prefix: 'dokuei-e2e-volume-', viewport: { width: 1200, height: 780 }, errorStacks: true });
    ({ host, page, pageErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
    await removeDir(synthDir);
  });

  it('shows the real CT as stack, MPR 1+3 and VR; the sagittal body extent and the probe match the files; CPU holds ≤ 2.1 bytes/voxel', async () => {
    // The full 275-slice CT when ../shared is there; otherwise the demo's contiguous 1 mm slices (a copy with its own
    // UIDs, one slice fewer: see below).
    const sharedCt = sharedDataDir('ct_chest_lidc0314');
    const ctDir = sharedCt ?? path.join(synthDir, 'demo-even');
    // An odd count puts the volume's centre, where the sagittal profile is read, on a slice rather than between two.
    const demo = dicomFilesIn(demoCtDir());
    if (!sharedCt) writeEvenlySpacedCopy(demo.length % 2 ? demo : demo.slice(0, -1), ctDir, '1.2.826.0.1.3680043.10.1234.83', 1);
    const files = dicomFilesIn(ctDir);
    const imported = await importPaths(host.services.store, [ctDir]);
    expect(imported.imported).toBe(files.length);

    await page.goto(host.url);
    await page.locator('tr[data-study-uid]').first().click();
    await page.locator('li[data-series-uid]').first().click();
    await waitForRenderedImage(page);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-volume-stack.png') });

    const report = await openSeriesInMpr(page, host, /img/);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-volume-mpr.png') });
    expect(report.dimensions).toEqual([512, 512, files.length]);
    expect(report.loadedSlices).toBe(files.length);
    // Native 16-bit voxels on the CPU, no float copy of the volume.
    expect(report.cpuDataType).toBe('Int16Array');
    expect(report.cpuBytesPerVoxel).toBeLessThanOrEqual(2.1);
    expect(report.cpuBytes).toBeLessThanOrEqual(2.1 * report.voxels);
    // SwiftShader has no EXT_texture_norm16: float textures, said on screen; a GPU with it gets 2-byte textures.
    expect(['norm16', 'float32']).toContain(report.textureFormat);
    expect(report.gpuTextureBytes).toBe(report.voxels * (report.textureFormat === 'norm16' ? 2 : 4));
    // The estimate shown before loading is what the volume really takes.
    const estimate = (await page.locator('[data-testid="volume-estimate"]').textContent()) ?? '';
    expect(estimate).toContain(`${Math.round(report.cpuBytes / 1024 ** 2)} MB CPU`);
    expect(estimate).toContain(`${Math.round(report.gpuTextureBytes / 1024 ** 2)} MB GPU (${report.textureFormat})`);
    if (report.textureFormat === 'float32') await expect.poll(() => page.locator('[data-testid="volume-notices"]').textContent()).toContain('EXT_texture_norm16');

    // VR: the 3D view shows a lit body, not an empty box.
    const vr = await cellStats(page, '3d');
    expect(vr.nonBlack).toBeGreaterThan(0.05);
    expect(vr.stddev).toBeGreaterThan(10);

    const geometries = files.map(sliceGeometry);
    const nearestSlice = (z: number) => geometries.reduce((a, b) => (Math.abs(b.ipp[2] - z) < Math.abs(a.ipp[2] - z) ? b : a));

    // Probe at the centre of the axial view: the HU the decoded file holds at that voxel.
    const axialSize = await canvasSize(page, 'axial');
    const probe = (await probeAt(page, 'axial', axialSize.width / 2 + 17, axialSize.height / 2 - 23))!;
    expect(probe).toBeDefined();
    const slice = nearestSlice(probe.world[2]);
    const decoded = decodeNativeSlice(slice.file);
    const column = Math.round((probe.world[0] - slice.ipp[0]) / slice.spacing[1]);
    const rowIdx = Math.round((probe.world[1] - slice.ipp[1]) / slice.spacing[0]);
    expect(Math.abs(probe.world[2] - slice.ipp[2])).toBeLessThan(0.6);
    expect(probe.value).toBe(decoded.values[rowIdx * decoded.columns + column]);

    // Sagittal: along the centre row (anterior ← → posterior at mid height), where the probe says body (HU > −400)
    // must be where the file at that height says body, within 4 mm.
    const sagSize = await canvasSize(page, 'sagittal');
    const samples: Probe[] = [];
    for (let x = 0; x <= sagSize.width; x++) {
      const p = await probeAt(page, 'sagittal', x, sagSize.height / 2);
      if (p && Number.isFinite(p.value)) samples.push({ ...p, ijk: [x, 0, 0] });
    }
    expect(samples.length).toBeGreaterThan(50);
    // The table lies behind the body: keep the longest run of body (HU > −400), the patient.
    const longestRun = <T,>(items: readonly T[], inside: (t: T, i: number) => boolean): T[] => {
      let best: T[] = [];
      let cur: T[] = [];
      items.forEach((t, i) => {
        if (inside(t, i)) cur.push(t);
        else cur = [];
        if (cur.length > best.length) best = [...cur];
      });
      return best;
    };
    const shown = longestRun(samples, (p) => p.value > -400);
    expect(shown.length).toBeGreaterThan(10);
    const shownFrom = Math.min(...shown.map((p) => p.world[1]));
    const shownTo = Math.max(...shown.map((p) => p.world[1]));
    const atHeight = nearestSlice(samples[0]!.world[2]);
    const mid = decodeNativeSlice(atHeight.file);
    const sagColumn = Math.round((samples[0]!.world[0] - atHeight.ipp[0]) / atHeight.spacing[1]);
    // What the file holds at the very points sampled on screen (same sampling on both sides, so a thin gap
    // between the back and the table is seen, or missed, by both alike).
    const fileAt = (p: Probe) => {
      const r = Math.round((p.world[1] - atHeight.ipp[1]) / atHeight.spacing[0]);
      return r >= 0 && r < mid.rows ? mid.values[r * mid.columns + sagColumn]! : -1000;
    };
    const expected = longestRun(samples, (p) => fileAt(p) > -400);
    const expectFrom = Math.min(...expected.map((p) => p.world[1]));
    const expectTo = Math.max(...expected.map((p) => p.world[1]));
    const mmPerPixel = Math.abs(samples.at(-1)!.world[1] - samples[0]!.world[1]) / Math.max(1, samples.length - 1);
    expect(Math.abs(shownFrom - expectFrom)).toBeLessThanOrEqual(1 + mmPerPixel);
    expect(Math.abs(shownTo - expectTo)).toBeLessThanOrEqual(1 + mmPerPixel);
    // And the pixels on screen agree: brighter inside the body than in the air in front of it.
    const sag = await cellStats(page, 'sagittal');
    const firstX = shown[0]!.ijk[0];
    const lastX = shown.at(-1)!.ijk[0];
    const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const air = meanOf(sag.row.slice(Math.max(0, firstX - 30), Math.max(0, firstX - 4)));
    const tissue = meanOf(sag.row.slice(firstX + 4, Math.min(lastX, firstX + 30)));
    expect(tissue).toBeGreaterThan(air + 20);

    // Slab MIP and a 30° oblique: still an image, and the slab is what was asked.
    await page.getByLabel('Slab mode').selectOption('mip');
    await page.getByLabel('Slab thickness (mm)').fill('20');
    await page.getByLabel('Oblique angle (degrees)').fill('30');
    await expect.poll(() => page.evaluate(() => (window as unknown as { __dokueiMpr: Record<string, { slabThicknessMm(): number }> }).__dokueiMpr.MPR!.slabThicknessMm())).toBeCloseTo(20, 0);
    await waitForStructuredCell(page, 'coronal');
    await page.screenshot({ path: path.join(shotsDir, 'e2e-volume-mpr-mip-oblique.png') });
    expect(pageErrors).toEqual([]);
  });

  it('3D MIP is a maximum intensity projection: seen from behind it is the mirror image of the front view (composite VR is not)', async () => {
    // Continues with the CT the first test left in MPR 1+3. A MIP does not depend on the ray's direction, so with the
    // parallel camera turned 180° about its view-up axis the picture is the front one mirrored left–right; a
    // composite rendering shows the surfaces nearest the eye (sternum and ribs in front, spine and scapulae behind).
    await page.locator('.mpr[data-state="ready"]').waitFor({ timeout: 60000 });
    const hook = () => page.evaluate(() => Object.keys((window as unknown as { __dokueiMpr: Record<string, unknown> }).__dokueiMpr));
    expect(await hook()).toContain('MPR');
    const turn = (deg: number) => page.evaluate((d) => (window as unknown as { __dokueiMpr: Record<string, { turn3d(deg: number): void }> }).__dokueiMpr.MPR!.turn3d(d), deg);

    const mip = await settled3d(page, '');
    const composite = { front: mip, back: mip };
    await page.getByLabel('3D MIP').check();
    const mipFront = await settled3d(page, signature(mip));
    await turn(180);
    const mipBack = await settled3d(page, signature(mipFront));
    await page.screenshot({ path: path.join(shotsDir, 'e2e-volume-3d-mip-back.png') });
    await turn(180);
    await settled3d(page, signature(mipBack));
    await page.getByLabel('3D MIP').uncheck();
    composite.front = await settled3d(page, signature(mipFront));
    await turn(180);
    composite.back = await settled3d(page, signature(composite.front));
    await page.screenshot({ path: path.join(shotsDir, 'e2e-volume-3d-vr-back.png') });
    await turn(180);

    const mipAsym = mirrorDifference(mipFront, mipBack);
    const vrAsym = mirrorDifference(composite.front, composite.back);
    expect(mipFront.mean, 'the MIP shows the body').toBeGreaterThan(20);
    expect(mipAsym, `MIP front vs mirrored back (VR: ${vrAsym.toFixed(3)})`).toBeLessThan(0.08);
    expect(vrAsym, `VR front vs mirrored back (MIP: ${mipAsym.toFixed(3)})`).toBeGreaterThan(Math.max(0.15, 3 * mipAsym));
    // And it is not the bone rendering with another transfer function: the two front views differ.
    expect(mirrorDifference(mipFront, { ...composite.front, grey: mirrorRows(composite.front) })).toBeGreaterThan(0.15);
    expect(pageErrors).toEqual([]);
  });

  it('shows a series longer than the 3D texture limit decimated, with the notice, not black', async () => {
    const limit = await page.evaluate(() => document.createElement('canvas').getContext('webgl2')!.getParameter(0x8073 /* MAX_3D_TEXTURE_SIZE */) as number);
    const slices = limit + 52;
    writeSyntheticSphereSeries(synthDir, { slices, rows: 24, columns: 24, pixelSpacing: 8, sliceSpacing: 0.1, patientId: 'SYNTH-TALL', uidRoot: '1.2.826.0.1.3680043.10.1234.77' });
    const imported = await importPaths(host.services.store, [synthDir]);
    expect(imported.imported).toBe(slices);

    const report = await openSeriesInMpr(page, host, /Synthetic sphere/, 'SYNTH-TALL');
    await page.screenshot({ path: path.join(shotsDir, 'e2e-volume-decimated.png') });
    expect(report.decimation[2]).toBeGreaterThanOrEqual(2);
    expect(report.dimensions[2]).toBeLessThanOrEqual(limit);
    const notices = await page.locator('[data-testid="volume-notices"]').textContent();
    expect(notices).toMatch(/texture limit|resolution/i);
    // The sphere is there in every plane: bright disc on air.
    for (const p of ['axial', 'sagittal', 'coronal'] as const) {
      const s = await cellStats(page, p);
      expect(s.stddev, `${p} shows the sphere`).toBeGreaterThan(20);
    }
    const size = await canvasSize(page, 'sagittal');
    const centre = (await probeAt(page, 'sagittal', size.width / 2, size.height / 2))!;
    expect(centre.value).toBe(SPHERE_HU);

    // Half-float textures only when the reader asks: the volume is rebuilt with 2-byte texels and still shows the sphere.
    expect(report.textureFormat).not.toBe('half-float');
    await page.getByLabel('Half-float textures').check();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __dokueiVolumes: { list(): { textureFormat: string }[] } }).__dokueiVolumes.list().map((r) => r.textureFormat)), { timeout: 120000 })
      .toEqual(['half-float']);
    const half = await page.evaluate(() => (window as unknown as { __dokueiVolumes: { list(): VolumeReport[] } }).__dokueiVolumes.list()[0]!);
    expect(half.gpuTextureBytes).toBe(half.voxels * 2);
    await page.locator('.mpr[data-state="ready"]').waitFor({ timeout: 120000 });
    await waitForStructuredCell(page, 'sagittal');
    await page.getByLabel('Half-float textures').uncheck();
  });

  it('resamples an unevenly spaced series (1 mm, then 3 mm) for MPR: the sphere sits at its true height on the sagittal plane, with the notice', async () => {
    // 31 slices 1 mm apart (z 0–30), then 20 slices 3 mm apart (z 33–90); a sphere of radius 20 mm centred at z 30.
    // Stretched over one spacing (90 mm / 50 gaps = 1.8 mm), the sphere would reach from z 18 to z 66 instead of 10–50.
    const positions = [...Array.from({ length: 31 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => 33 + 3 * i)];
    const dir = path.join(synthDir, 'uneven');
    writeSyntheticSphereSeries(dir, { slices: positions.length, rows: 64, columns: 64, pixelSpacing: 1, sliceSpacing: 1, positions, sphereCentreZ: 30, radiusMm: 20, patientId: 'SYNTH-UNEVEN', uidRoot: '1.2.826.0.1.3680043.10.1234.86' });
    expect((await importPaths(host.services.store, [dir])).imported).toBe(positions.length);

    const report = await openSeriesInMpr(page, host, /uneven/, 'SYNTH-UNEVEN');
    await page.screenshot({ path: path.join(shotsDir, 'e2e-volume-uneven.png') });
    // The median gap (1 mm) over 90 mm: 91 planes, two interpolated in each of the twenty 3 mm gaps.
    expect(report.dimensions[2]).toBe(91);
    expect(report.spacing[2]).toBeCloseTo(1, 3);
    expect(report.interpolatedSlots).toBe(40);
    expect(report.emptySlots).toEqual([]);
    await expect.poll(() => page.locator('[data-testid="volume-notices"]').textContent()).toMatch(/varies from 1 to 3 mm.*regular 1 mm grid/);

    // Down the middle of the sagittal view: where the probe reads sphere, in patient z.
    const size = await canvasSize(page, 'sagittal');
    const inside: number[] = [];
    for (let y = 0; y <= size.height; y += 1) {
      const p = await probeAt(page, 'sagittal', size.width / 2, y);
      if (p && p.value > 0) inside.push(p.world[2]);
    }
    expect(inside.length).toBeGreaterThan(10);
    // Within a 3 mm gap of the truth at the far end (interpolated there), within 1.5 mm on the 1 mm side.
    expect(Math.abs(Math.min(...inside) - 10)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(Math.max(...inside) - 50)).toBeLessThanOrEqual(3);
    // And the pixels agree: the sagittal cell shows the disc (bright on air).
    expect((await cellStats(page, 'sagittal')).stddev).toBeGreaterThan(20);
    expect(pageErrors).toEqual([]);
  });

  it('straightens a gantry-tilted (sheared) stack for MPR: the sphere is centred at the same place at every height on the sagittal plane', async () => {
    // 41 axial slices 1 mm apart, each moved −z·tan 20° in y; a sphere of radius 16 mm at z 20. Used sheared, the
    // sphere's centre would drift 0.36 mm per mm of height (±4.4 mm at ±12 mm).
    const dir = path.join(synthDir, 'tilted');
    const files = writeSyntheticSphereSeries(dir, { slices: 41, rows: 64, columns: 64, pixelSpacing: 1, sliceSpacing: 1, radiusMm: 16, tiltDeg: 20, patientId: 'SYNTH-TILT', uidRoot: '1.2.826.0.1.3680043.10.1234.87' });
    expect((await importPaths(host.services.store, [dir])).imported).toBe(files.length);

    const report = await openSeriesInMpr(page, host, /tilted/, 'SYNTH-TILT');
    await page.screenshot({ path: path.join(shotsDir, 'e2e-volume-tilted.png') });
    expect(report.dimensions[2]).toBe(41);
    expect(report.straightenedSlots).toBe(41);
    await expect.poll(() => page.locator('[data-testid="volume-notices"]').textContent()).toMatch(/tilted by 20\.0°.*moved back in its plane/);

    // Across the sagittal view (anterior ↔ posterior) at three heights: the middle of the sphere's chord in y.
    const size = await canvasSize(page, 'sagittal');
    const centreY = -0.5; // the sphere's centre: pixel (31.5, 31.5) of a 64 mm field starting at −32 mm
    const chordMiddles: { z: number; y: number }[] = [];
    for (const fy of [0.4, 0.5, 0.6]) {
      const ys: number[] = [];
      let z = Number.NaN;
      for (let x = 0; x <= size.width; x++) {
        const p = await probeAt(page, 'sagittal', x, size.height * fy);
        if (p && p.value > 0) {
          ys.push(p.world[1]);
          z = p.world[2];
        }
      }
      if (ys.length > 4) chordMiddles.push({ z, y: (Math.min(...ys) + Math.max(...ys)) / 2 });
    }
    expect(chordMiddles.length).toBe(3);
    // The heights probed are apart (else the check says nothing about drift).
    expect(Math.max(...chordMiddles.map((c) => c.z)) - Math.min(...chordMiddles.map((c) => c.z))).toBeGreaterThan(6);
    for (const c of chordMiddles) expect(Math.abs(c.y - centreY), `chord middle at z ${c.z.toFixed(1)}`).toBeLessThanOrEqual(1.5);
    expect(pageErrors).toEqual([]);
  });

  const mrDir = sharedDataDir('mr_brain_siemens_trio');
  it.skipIf(!mrDir)('MR T2 with one missing slice: warning, every slice at its position, oblique 30° still shows brain', async () => {
    const imported = await importPaths(host.services.store, [mrDir!]);
    expect(imported.imported).toBeGreaterThan(200);
    const report = await openSeriesInMpr(page, host, 'AX FSE T2', 'SpiralCSI');
    const notices = await page.locator('[data-testid="volume-notices"]').textContent();
    expect(notices).toContain('1 slice is missing');
    // 55 images + 1 empty slot, at the series' true spacing (2.50 mm), not stretched over 54 gaps.
    expect(report.dimensions[2]).toBe(56);
    expect(report.emptySlots).toHaveLength(1);
    expect(report.spacing[2]).toBeCloseTo(2.5, 1);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-volume-mr-t2.png') });

    const before = await page.evaluate(() => (window as unknown as { __dokueiMpr: Record<string, { viewPlaneNormal(p: string): number[] }> }).__dokueiMpr.MPR!.viewPlaneNormal('sagittal'));
    await page.getByLabel('Oblique angle (degrees)').fill('30');
    await expect
      .poll(async () => {
        const after = await page.evaluate(() => (window as unknown as { __dokueiMpr: Record<string, { viewPlaneNormal(p: string): number[] }> }).__dokueiMpr.MPR!.viewPlaneNormal('sagittal'));
        const dot = before.reduce((s, v, i) => s + v * after[i]!, 0);
        return (Math.acos(Math.min(1, Math.abs(dot))) * 180) / Math.PI;
      })
      .toBeCloseTo(30, 0);
    await waitForStructuredCell(page, 'sagittal');
    await page.screenshot({ path: path.join(shotsDir, 'e2e-volume-mr-oblique30.png') });
    // The oblique sagittal plane through the centre of the head cuts brain: tissue signal at its centre.
    const size = await canvasSize(page, 'sagittal');
    const centre = (await probeAt(page, 'sagittal', size.width / 2, size.height / 2))!;
    expect(centre.value).toBeGreaterThan(50);
    expect(pageErrors).toEqual([]);
  });
});
