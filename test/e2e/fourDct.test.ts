/**
 * A 4DCT in the viewer (issue #17), on the synthetic 4DCT of test/support/fourDct.ts (ten phases in one series, a
 * sphere moving 10 mm head–feet): the MPR layout opens it as its phases instead of refusing it; stepping the cine
 * phase by phase shows the sphere, in the coronal plane's real pixels, at each phase's known z (within one slice);
 * the MIP over phases spans the whole motion and the average lies between; Play advances the phases by itself; the
 * overlay names the phase; the phases hold 2 bytes a voxel.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../support/png';
import { openSeries, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { writeFourDct, type FourDct } from '../support/fourDct';

interface SphereRows {
  /** z (mm) of the topmost and bottommost slice with sphere pixels, and the pixel-weighted centre. */
  top: number;
  bottom: number;
  centre: number;
  /** The brightest grey (the least of R, G, B) of each slice's screen rows, by slice z. */
  brightest: Map<number, number>;
}

/** A pixel brighter than this in every channel is the sphere (+400 HU: white at W 400 L 40; the body is grey ~100). */
const WHITE = 200;

/**
 * The sphere's extent along z in the coronal plane, read from a screenshot of the page at the canvas: the canvas
 * says where it drew the plane (data-rect) and its size in plane pixels (data-plane-size: columns × slices, the
 * head at the top), so each screen row maps to a slice of the phantom.
 */
async function sphereInCoronal(page: Page, fourDct: FourDct, shot?: string): Promise<SphereRows | undefined> {
  const canvas = page.locator('[data-axis="row"] canvas');
  const box = (await canvas.boundingBox())!;
  const [rx, ry, rw, rh] = ((await canvas.getAttribute('data-rect')) ?? '').split(',').map(Number) as [number, number, number, number];
  const [, slices] = ((await canvas.getAttribute('data-plane-size')) ?? '').split(',').map(Number) as [number, number];
  const png = decodePng(await page.screenshot(shot ? { path: path.join(shotsDir, shot) } : {}));
  const { sliceZ } = fourDct.truth;
  let weighted = 0;
  let total = 0;
  let top = -Infinity;
  let bottom = Infinity;
  const brightest = new Map<number, number>();
  for (let y = Math.ceil(box.y + ry); y < box.y + ry + rh; y++) {
    const row = Math.min(slices - 1, Math.floor(((y + 0.5 - box.y - ry) / rh) * slices));
    const z = sliceZ[slices - 1 - row]!;
    let count = 0;
    // The middle 60 % of the image's width: the sphere is on the axis, and the plane's corner overlays (white text)
    // stay out of the count even when the image fills the cell's height.
    for (let x = Math.ceil(box.x + rx + 0.2 * rw); x < box.x + rx + 0.8 * rw; x++) {
      const i = (y * png.width + x) * png.channels;
      const grey = Math.min(png.pixels[i]!, png.pixels[i + 1]!, png.pixels[i + 2]!);
      if (grey > WHITE) count++;
      brightest.set(z, Math.max(brightest.get(z) ?? 0, grey));
    }
    if (count === 0) continue;
    weighted += z * count;
    total += count;
    top = Math.max(top, z);
    bottom = Math.min(bottom, z);
  }
  return total === 0 ? undefined : { top, bottom, centre: weighted / total, brightest };
}

/** Steps through every phase with → from the first, checking the sphere's centre in the coronal plane at each. */
async function checkEveryPhase(page: Page, fourDct: FourDct, shotPrefix: string): Promise<void> {
  const pane = page.getByTestId('phases-layout');
  await pane.focus();
  for (const phase of fourDct.truth.phases) {
    await expect.poll(() => pane.getAttribute('data-phase')).toBe(String(phase.index));
    const overlay = page.getByTestId('phase-overlay-row');
    expect(await overlay.textContent()).toContain(`Phase ${phase.percent} % (${phase.index + 1} of 10)`);
    const found = await sphereInCoronal(page, fourDct, phase.index === 5 ? `${shotPrefix}-phase50.png` : undefined);
    expect(found, `phase ${phase.percent} %: sphere visible`).toBeDefined();
    expect(Math.abs(found!.centre - phase.sphereCentreZ), `phase ${phase.percent} %: centre ${found!.centre} vs ${phase.sphereCentreZ}`).toBeLessThanOrEqual(fourDct.truth.sliceSpacingMm);
    await page.keyboard.press('ArrowRight');
  }
  // → past the last phase wraps to the first.
  await expect.poll(() => pane.getAttribute('data-phase')).toBe('0');
}

describe('4DCT phases in the viewer', () => {
  let s: E2eSession;
  let fourDct: FourDct;
  let perPhase: FourDct;

  beforeAll(async () => {
    s = await startE2eSession({
      prefix: 'dokuei-e2e-4dct-',
      files: async (dataDir) => {
        fourDct = await writeFourDct(path.join(dataDir, '4dct'), { layout: 'one-series' });
        perPhase = await writeFourDct(path.join(dataDir, '4dct-series'), { layout: 'series-per-phase' });
        return [...fourDct.files, ...perPhase.files];
      },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('opens the series as ten phases and shows the sphere at each phase’s position, the MIP spanning the motion', async () => {
    const { page, host } = s;
    const { truth } = fourDct;
    await openSeries(page, host.url, truth.seriesUids[0]!, false, truth.studyUid);
    await page.getByRole('button', { name: 'MPR 1+3' }).click();
    const pane = page.getByTestId('phases-layout');
    await expect.poll(() => pane.getAttribute('data-state'), { timeout: 120000 }).toBe('ready');
    expect(await page.getByTestId('volume-refusal').count()).toBe(0);

    // Memory: one Int16 volume per phase, nothing else.
    const memory = page.getByTestId('phases-memory');
    expect(await memory.getAttribute('data-bytes-per-voxel')).toBe('2');
    expect(Number(await memory.getAttribute('data-total-bytes'))).toBe(10 * 48 * 48 * 32 * 2);
    expect(await memory.textContent()).toContain('10 phases · 48 × 48 × 32 · 2 bytes/voxel');

    // Without the reference lines, so that every screen row shows the image alone.
    await page.getByRole('checkbox', { name: 'Reference lines' }).uncheck();
    // The cine, a phase at a time (→), at the fixed position through the middle of the volume.
    await checkEveryPhase(page, fourDct, 'e2e-4dct');

    // The sphere's extent in one phase vs the MIP over phases: the MIP reaches from the lowest phase's bottom to the
    // highest phase's top (the whole motion plus the sphere), within a slice at each end.
    const r = truth.sphere.radiusMm;
    const centres = truth.phases.map((p) => p.sphereCentreZ);
    const single = (await sphereInCoronal(page, fourDct))!;
    await page.getByLabel('Show', { exact: true }).selectOption('mip');
    await expect.poll(() => page.getByTestId('phase-overlay-row').textContent()).toContain('MIP over 10 phases');
    const mip = (await sphereInCoronal(page, fourDct, 'e2e-4dct-mip.png'))!;
    expect(Math.abs(mip.top - (Math.max(...centres) + r)), `MIP top ${mip.top}`).toBeLessThanOrEqual(truth.sliceSpacingMm);
    expect(Math.abs(mip.bottom - (Math.min(...centres) - r)), `MIP bottom ${mip.bottom}`).toBeLessThanOrEqual(truth.sliceSpacingMm);
    expect(mip.top - mip.bottom).toBeGreaterThanOrEqual(single.top - single.bottom + truth.amplitudeMm - 2 * truth.sliceSpacingMm);
    // The average: the sphere smeared along the motion. Where every phase has it (|z| ≤ r − A/2) it stays as white as
    // in the MIP; at the MIP's ends, reached by one or two phases only, it is a grey well below white.
    await page.getByLabel('Show', { exact: true }).selectOption('average');
    await expect.poll(() => page.getByTestId('phase-overlay-row').textContent()).toContain('Average over 10 phases');
    const average = (await sphereInCoronal(page, fourDct, 'e2e-4dct-average.png'))!;
    const zAlways = truth.sliceZ.find((z) => Math.abs(z) <= r - truth.amplitudeMm / 2)!;
    expect(average.brightest.get(zAlways)).toBeGreaterThan(240);
    for (const end of [mip.top, mip.bottom]) {
      expect(mip.brightest.get(end), `MIP at z ${end}`).toBeGreaterThan(WHITE);
      expect(average.brightest.get(end)!, `average at z ${end}`).toBeLessThan(mip.brightest.get(end)! - 40);
    }

    // Play runs the cine by itself (back to single phases); Pause stops it.
    await page.getByRole('button', { name: 'Play' }).click();
    const seen = new Set<string>();
    await expect.poll(async () => {
      seen.add((await pane.getAttribute('data-phase')) ?? '');
      return seen.size;
    }, { timeout: 20000, interval: 50 }).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('phase-overlay-row').textContent()).toMatch(/Phase \d+ % \(\d+ of 10\)/);
    await page.getByRole('button', { name: 'Pause' }).click();
    const stopped = await pane.getAttribute('data-phase');
    await page.waitForTimeout(800);
    expect(await pane.getAttribute('data-phase')).toBe(stopped);
    expect(s.pageErrors).toEqual([]);
  });

  it('offers the phases of a 4DCT exported one series per phase, and shows each at its position', async () => {
    const { page, host } = s;
    const { truth } = perPhase;
    // Open the 30 % series: on its own it is one volume, shown in MPR as usual, with the offer of all ten phases.
    await openSeries(page, host.url, truth.phases[3]!.seriesUid, false, truth.studyUid);
    await page.getByRole('button', { name: 'MPR 1+3' }).click();
    const offer = page.getByTestId('study-phases');
    await expect.poll(() => offer.textContent(), { timeout: 60000 }).toContain('the study holds 10 phase series');
    await offer.getByRole('button', { name: 'Open the 10 phases' }).click();
    const pane = page.getByTestId('phases-layout');
    await expect.poll(() => pane.getAttribute('data-state'), { timeout: 120000 }).toBe('ready');
    await page.getByRole('checkbox', { name: 'Reference lines' }).uncheck();
    await checkEveryPhase(page, perPhase, 'e2e-4dct-series');
    // Back to the series opened, as one volume.
    await page.getByRole('button', { name: 'Back to one series' }).click();
    await expect.poll(() => page.getByTestId('mpr-layout').count(), { timeout: 30000 }).toBe(1);
    expect(s.pageErrors).toEqual([]);
  });
});
