/**
 * Curved MPR (issue #19) in Chromium, on a generated CT of a contrast-filled helical vessel of known radius (2.5 mm
 * around a helix of radius 12 mm rising 3 mm per radian over 1.5 turns, in 0.5 mm voxels):
 * - the Curved MPR button puts the planes in path mode: a real click on the axial plane adds a point on that plane
 *   (and the crosshairs stay where they were), Backspace removes it;
 * - the helix's centreline, clicked every 30° (placed through the test hook, to the micrometre), and Enter make the
 *   path; the straightened CPR shows the vessel as a straight band of its known diameter, within one output pixel,
 *   centred on the path, in every row along its whole length; the stretched CPR follows it too;
 * - the path length shown equals the helix's length within 1 %;
 * - moving the mouse along the CPR moves the cross-section, which shows the vessel as a disc at the centre;
 * - the path is drawn over the planes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getString } from '../../common/dicom/dicomJson';
import { savedFromSr } from '../../common/sr/savedFromSr';
import { currentReports, DOKUEI_MEASUREMENTS_SERIES } from '../../common/sr/studyDocuments';
import { writeDcmjs } from '../support/dcmjsWrite';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { brightRun, helixControlPoints, helixLength, helixPoint, tubeVolume, type Helix } from '../unit/common/cpr/phantoms';
import type { CprHook } from '../../renderer/features/cpr';

/** The page's Curved MPR hook (renderer/features/cpr's useCurvedMpr). */
type CprWindow = { __dokueiCpr: CprHook };

/** The vessel: its radius (mm), its contrast and the tissue around it (HU). */
const RADIUS_MM = 2.5;
const VESSEL_HU = 400;
const TISSUE_HU = 40;
/** Half-way between the two: the band's edge. */
const EDGE_HU = (VESSEL_HU + TISSUE_HU) / 2;
const HELIX: Helix = { R: 12, c: 3, turns: 1.5, z0: -14 };
/** 96 × 96 pixels × 81 slices of 0.5 mm, centred on the patient origin: the helix and its vessel fit with 7 mm to spare. */
const GRID = { dims: [96, 96, 81] as [number, number, number], spacing: [0.5, 0.5, 0.5] as const };
const UID_ROOT = '2.25.1732050807568877293527.19';

interface CprImage {
  kind: 'straightened' | 'stretched';
  width: number;
  height: number;
  values: number[];
  mmPerPixel: number;
  lengthMm: number;
  centreColumn: number | undefined;
  centreColumns: number[];
  rowArcLengthsMm: number[];
}

interface CprState {
  mode: 'off' | 'drawing' | 'done';
  status: string;
  points: [number, number, number][];
  lengthMm: number | undefined;
  error: string | undefined;
  cursorMm: number | undefined;
}

/** The helical vessel as a CT series, one Part 10 file per axial slice (ascending z). */
function writeHelixSeries(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const volume = tubeVolume({ dims: GRID.dims, spacing: GRID.spacing }, (t) => helixPoint(HELIX, t), 0, 2 * Math.PI * HELIX.turns, RADIUS_MM, 1);
  const [nx, ny, nz] = GRID.dims;
  const files: string[] = [];
  for (let k = 0; k < nz; k++) {
    const pixels = new Uint16Array(nx * ny);
    for (let q = 0; q < nx * ny; q++) pixels[q] = (volume.data[k * nx * ny + q] ? VESSEL_HU : TISSUE_HU) + 1024;
    const z = volume.origin[2] + k * GRID.spacing[2];
    const ds = {
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      SOPInstanceUID: `${UID_ROOT}.4.${k + 1}`,
      StudyInstanceUID: `${UID_ROOT}.1`,
      SeriesInstanceUID: `${UID_ROOT}.2`,
      FrameOfReferenceUID: `${UID_ROOT}.3`,
      Modality: 'CT',
      PatientName: 'PHANTOM^HELICAL VESSEL',
      PatientID: 'DOKUEI-CPR-HELIX',
      StudyDate: '20260301',
      StudyTime: '100000',
      StudyDescription: 'CPR phantom: helical vessel (synthetic)',
      SeriesNumber: '1',
      SeriesDescription: 'Helical vessel r 2.5 mm',
      InstanceNumber: String(k + 1),
      Rows: ny,
      Columns: nx,
      BitsAllocated: 16,
      BitsStored: 16,
      HighBit: 15,
      PixelRepresentation: 0,
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      ImagePositionPatient: [volume.origin[0], volume.origin[1], Number(z.toFixed(4))],
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      PixelSpacing: [GRID.spacing[1], GRID.spacing[0]],
      SliceThickness: GRID.spacing[2],
      RescaleIntercept: -1024,
      RescaleSlope: 1,
      RescaleType: 'HU',
      WindowCenter: 200,
      WindowWidth: 800,
      PixelData: pixels.buffer,
      _vrMap: { PixelData: 'OW' },
    };
    const file = path.join(dir, `slice${String(k + 1).padStart(3, '0')}.dcm`);
    writeFileSync(file, writeDcmjs(ds));
    files.push(file);
  }
  return files;
}

const cprState = (page: Page) => page.evaluate(() => (window as unknown as CprWindow).__dokueiCpr.state() as unknown as CprState);
const cprImage = (page: Page) => page.evaluate(() => (window as unknown as CprWindow).__dokueiCpr.image() as unknown as CprImage | undefined);

/** Every interior row's band (the vessel's rounded ends excluded): its width (mm) and its middle's offset from the path (px). */
function bands(image: CprImage): { row: number; widthMm: number | undefined; offsetPx: number; strayMm: number | undefined }[] {
  const out: { row: number; widthMm: number | undefined; offsetPx: number; strayMm: number | undefined }[] = [];
  for (let row = 0; row < image.height; row++) {
    const s = image.rowArcLengthsMm[row]!;
    if (s < RADIUS_MM + 2 || s > image.lengthMm - RADIUS_MM - 2) continue;
    const values = image.values.slice(row * image.width, (row + 1) * image.width);
    const centre = image.centreColumns[row]!;
    const run = brightRun(values, centre, EDGE_HU);
    // Anything bright beside the band within 10 mm of the path would be the vessel smeared sideways (the helix's
    // next turn lies 16 mm away or more).
    let strayMm: number | undefined;
    for (let c = 0; c < image.width; c++) {
      const offMm = Math.abs(c - centre) * image.mmPerPixel;
      if (offMm > RADIUS_MM + 1 && offMm <= 10 && values[c]! >= EDGE_HU) strayMm = offMm;
    }
    out.push({ row, widthMm: run ? run.width * image.mmPerPixel : undefined, offsetPx: run ? run.middle - centre : Number.NaN, strayMm });
  }
  return out;
}

describe('Curved MPR on a helical vessel', () => {
  let session: E2eSession;
  let page: Page;

  /** The study list, the helix series, MPR 1+3 with the whole volume in. */
  async function openHelixMpr(): Promise<void> {
    await page.goto(session.host.url);
    const row = page.locator('tr[data-study-uid]').first();
    await row.waitFor({ timeout: 60000 });
    await row.click();
    const series = page.locator(`li[data-series-uid="${UID_ROOT}.2"]`);
    await series.waitFor({ timeout: 60000 });
    await series.click();
    await page.getByRole('button', { name: 'MPR 1+3' }).click();
    await page.locator('.mpr[data-state="ready"]').waitFor({ timeout: 120000 });
    // The whole volume is in when the progress line turns into "N slices" (expect.poll is for tests, not hooks).
    await page.waitForFunction(() => /^\d+ slices$/.test(document.querySelector('[data-testid="volume-progress"]')?.textContent ?? ''), undefined, { timeout: 120000, polling: 500 });
  }

  beforeAll(async () => {
    session = await startE2eSession({ prefix: 'dokuei-e2e-cpr-', files: (dataDir) => writeHelixSeries(path.join(dataDir, 'helix')), viewport: { width: 1400, height: 860 } });
    page = session.page;
    await openHelixMpr();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('adds a point where the reader clicks on a plane, without moving the crosshairs, and Backspace removes it', async () => {
    // The views built before the CPR panel opens are the ones after it: the panel must not rebuild them (the volume
    // uploaded again, the crosshairs lost).
    await page.locator('.mpr').evaluate((el) => el.setAttribute('data-test-built', 'before-cpr'));
    const axialCentre = () =>
      page.evaluate(() => {
        const b = document.querySelector('[data-plane="axial"]')!.getBoundingClientRect();
        const hook = (window as unknown as { __dokueiViewports?: Record<string, { probeAt(x: number, y: number): { world: number[] } | undefined }> }).__dokueiViewports?.['MPR axial'];
        return hook?.probeAt(b.width / 2, b.height / 2)?.world;
      });
    const centreBefore = (await axialCentre())!;
    // Software WebGL renders the 3D view once the volume is whole: seconds in which the page takes no click.
    await page.getByRole('button', { name: 'Curved MPR' }).click({ timeout: 120000 });
    await expect.poll(async () => (await cprState(page)).mode).toBe('drawing');
    await expect(page.getByTestId('cpr-panel').isVisible()).resolves.toBe(true);
    expect(await page.locator('.mpr[data-test-built="before-cpr"][data-state="ready"]').count()).toBe(1);
    const axial = page.locator('[data-plane="axial"]');
    await page.locator('.cpr-path-layer[data-cpr-plane="axial"]').waitFor();
    // The panel takes its width from the planes, and the views keep their centre: click once the axial view has
    // been resized to its new box (software WebGL holds the frame that resizes it for a while after the layout; a
    // click before that lands where the old size puts it).
    await expect
      .poll(async () => {
        const c = await axialCentre();
        return c ? Math.hypot(c[0]! - centreBefore[0]!, c[1]! - centreBefore[1]!) : Infinity;
      }, { timeout: 30000, interval: 250 })
      .toBeLessThan(0.5);
    const box = (await axial.first().boundingBox())!;
    const probeCentre = () =>
      page.evaluate(() => {
        const hook = (window as unknown as { __dokueiViewports?: Record<string, { probeAt(x: number, y: number): { world: number[] } | undefined }> }).__dokueiViewports?.['MPR sagittal'];
        return hook?.probeAt(10, 10)?.world;
      });
    const sagittalBefore = await probeCentre();
    const at = { x: box.x + box.width * 0.6, y: box.y + box.height * 0.4 };
    await page.mouse.click(at.x, at.y);
    await expect.poll(async () => (await cprState(page)).points.length).toBe(1);
    const [clicked] = (await cprState(page)).points;
    // On the axial plane shown (the middle slice, z = 0), right of and above the centre (patient left, anterior).
    expect(Math.abs(clicked![2])).toBeLessThanOrEqual(0.5);
    expect(clicked![0]).toBeGreaterThan(0);
    expect(clicked![1]).toBeLessThan(0);
    // The crosshairs did not take the click: the sagittal plane did not move.
    expect(await probeCentre()).toEqual(sagittalBefore);
    await expect(page.locator('.cpr-path-layer[data-cpr-plane="axial"] circle').count()).resolves.toBe(1);
    await page.keyboard.press('Backspace');
    await expect.poll(async () => (await cprState(page)).points.length).toBe(0);
  });

  it('shows the helical vessel as a straight band of its diameter along its whole length, and its length within 1 %', async () => {
    const points = helixControlPoints(HELIX, 30);
    await page.evaluate((pts) => {
      for (const p of pts) (window as unknown as CprWindow).__dokueiCpr.addPoint(p as [number, number, number]);
    }, points as [number, number, number][]);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await cprState(page)).mode).toBe('done');
    await expect.poll(async () => (await cprState(page)).status, { timeout: 60000, interval: 250 }).toBe('ready');

    const truth = helixLength(HELIX);
    const state = await cprState(page);
    expect(state.points).toHaveLength(points.length);
    expect(Math.abs(state.lengthMm! / truth - 1)).toBeLessThan(0.01);
    // What the reader reads: "Path length 116.6 mm".
    const shown = Number(/Path length ([\d.]+) mm/.exec((await page.getByTestId('cpr-length').textContent()) ?? '')?.[1]);
    expect(Math.abs(shown / truth - 1)).toBeLessThan(0.01);

    const image = (await cprImage(page))!;
    expect(image.kind).toBe('straightened');
    expect(image.mmPerPixel).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(image.values).toHaveLength(image.width * image.height);
    expect(Math.abs(image.lengthMm / truth - 1)).toBeLessThan(0.01);
    // One row per pixel of arc length, from one end of the path to the other.
    expect(image.rowArcLengthsMm[image.height - 1]).toBeGreaterThan(image.lengthMm - image.mmPerPixel);
    const rows = bands(image);
    expect(rows.length).toBeGreaterThan(200);
    for (const b of rows) {
      expect(b.widthMm, `row ${b.row}: no band at the path`).toBeDefined();
      expect(Math.abs(b.widthMm! - 2 * RADIUS_MM), `row ${b.row}: band ${b.widthMm} mm wide`).toBeLessThanOrEqual(image.mmPerPixel);
      expect(Math.abs(b.offsetPx), `row ${b.row}: band off the path`).toBeLessThanOrEqual(1);
      expect(b.strayMm, `row ${b.row}: bright ${b.strayMm} mm beside the path`).toBeUndefined();
    }

    // The path over the planes: its curve and its points.
    await expect(page.locator('.cpr-path-layer[data-cpr-plane="axial"] polyline').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('.cpr-path-layer[data-cpr-plane="coronal"] polyline').count()).resolves.toBeGreaterThan(0);
  });

  it('moves the cross-section with the mouse along the CPR, and shows the vessel as a disc there', async () => {
    const canvas = page.getByTestId('cpr-image');
    const box = (await canvas.boundingBox())!;
    const image = (await cprImage(page))!;
    // The image is drawn with square pixels, centred in its box: its top and bottom are where the box's aspect allows.
    const scale = Math.min(box.width / (image.width * image.mmPerPixel), box.height / (image.height * image.mmPerPixel));
    const top = box.y + (box.height - image.height * image.mmPerPixel * scale) / 2;
    const atMm = async (mm: number) => {
      await page.mouse.move(box.x + box.width / 2, top + (mm / image.mmPerPixel + 0.5) * image.mmPerPixel * scale);
      await expect.poll(async () => Math.abs(((await cprState(page)).cursorMm ?? -99) - mm)).toBeLessThanOrEqual(image.mmPerPixel);
    };
    for (const mm of [30, image.lengthMm / 2]) {
      await atMm(mm);
      const cross = (await page.evaluate(() => (window as unknown as CprWindow).__dokueiCpr.crossSection()))!;
      expect(Math.abs(cross.arcLengthMm - mm)).toBeLessThanOrEqual(image.mmPerPixel);
      expect(cross.values[cross.centre * cross.width + cross.centre]).toBeGreaterThan(EDGE_HU);
      // The disc around the centre (the plane may cut the helix's other turn too, further out).
      let discPixels = 0;
      cross.values.forEach((v: number, q: number) => {
        const off = Math.hypot((q % cross.width) - cross.centre, Math.floor(q / cross.width) - cross.centre) * cross.mmPerPixel;
        if (v >= EDGE_HU && off <= RADIUS_MM + 2) discPixels++;
      });
      const discMm2 = discPixels * cross.mmPerPixel ** 2;
      expect(Math.abs(discMm2 / (Math.PI * RADIUS_MM ** 2) - 1)).toBeLessThan(0.2);
      await expect(page.locator('.cpr-panel .cpr-caption').textContent()).resolves.toMatch(/Cross-section at [\d.]+ mm/);
    }
    await page.screenshot({ path: path.join(shotsDir, 'curvedMpr-straightened.png') });
  });

  it('follows the vessel in the stretched CPR too', async () => {
    await page.getByRole('radio', { name: 'Stretched' }).check();
    await expect.poll(async () => (await cprImage(page))?.kind, { timeout: 60000 }).toBe('stretched');
    await expect.poll(async () => (await cprState(page)).status, { timeout: 60000 }).toBe('ready');
    const image = (await cprImage(page))!;
    let onVessel = 0;
    let rows = 0;
    for (let row = 0; row < image.height; row++) {
      const s = image.rowArcLengthsMm[row]!;
      if (s < RADIUS_MM + 2 || s > image.lengthMm - RADIUS_MM - 2) continue;
      rows++;
      if (image.values[row * image.width + Math.round(image.centreColumns[row]!)]! >= EDGE_HU) onVessel++;
    }
    expect(rows).toBeGreaterThan(100);
    expect(onVessel).toBe(rows);
    await page.screenshot({ path: path.join(shotsDir, 'curvedMpr-stretched.png') });
    expect(session.pageErrors).toEqual([]);
  });

  it('brings the saved path back when the series is opened again: Curved MPR opens on it, same points and length', async () => {
    const before = await cprState(page);
    expect(before.mode).toBe('done');
    // Saved with the study's measurements (a moment after Enter): the newest "Dokuei measurements" SR holds it.
    const store = session.host.services.store;
    const study = `${UID_ROOT}.1`;
    const savedPath = () => {
      const series = (store.series(study as never) ?? []).find((x) => getString(x, '0008103E')?.trim() === DOKUEI_MEASUREMENTS_SERIES);
      const docs = series ? (store.instances(study as never, getString(series, '0020000E')!.trim() as never) ?? []).map((ds) => ({ ds })) : [];
      return currentReports(docs).flatMap(({ ds }) => savedFromSr(ds).measurements).find((m) => m.tool === 'CurvedPath');
    };
    await expect.poll(() => savedPath()?.points.length, { timeout: 20000 }).toBe(before.points.length);

    await page.reload();
    await openHelixMpr();
    const toggle = page.getByRole('button', { name: 'Curved MPR' });
    await expect.poll(() => page.getByTestId('cpr-saved-path').count(), { timeout: 30000 }).toBe(1);
    await toggle.click({ timeout: 120000 });
    await expect.poll(async () => (await cprState(page)).mode).toBe('done');
    const after = await cprState(page);
    expect(after.points).toHaveLength(before.points.length);
    // The SR's SCOORD3D holds float32 coordinates: the same points to a micrometre.
    after.points.forEach((p, i) => p.forEach((v, k) => expect(Math.abs(v - before.points[i]![k]!)).toBeLessThan(1e-3)));
    expect(Math.abs(after.lengthMm! - before.lengthMm!)).toBeLessThan(1e-3);
    await expect.poll(async () => (await cprState(page)).status, { timeout: 60000, interval: 250 }).toBe('ready');
    expect(session.pageErrors).toEqual([]);
  });
});
