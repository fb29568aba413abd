/**
 * Auditable SUV recalculation end to end (issue #7 acceptance): the PET/CT phantom with the weight typed wrong at
 * the scanner (66.2 kg) in the local store; the PET series in the stack viewer; an ellipse ROI in a hot sphere
 * read SUVbw = Bq/ml × factor; the weight corrected to 70 kg with a reason in the SUV panel
 * scales every SUV readout by 70/66.2 at once; after a reload the correction (with who/when/why) and the SUV stay;
 * the encrypted corrections history has the line (and no plaintext file of it is on disk); the RWVM instance is in the study and passes dciodvfy (when installed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { getString } from '../../common/dicom/dicomJson';
import type { SeriesInstanceUid, SopInstanceUid, StudyInstanceUid } from '../../common/dicom/uid';
import { testKeyProvider } from '../support/testArchive';
import { SuvCorrections } from '../../electron/services/suv/corrections';
import { RWVM_SOP_CLASS_UID } from '../../electron/services/suv/rwvm';
import { dciodvfy } from '../integration/suv/dciodvfy';
import { writePetCtPhantom, type PetCtPhantomTruth } from '../support/petCtPhantom';
import { openSeries, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { canvasBox, dragOnCanvas, hookCall } from '../support/viewerPage';

const RATIO = 70 / 66.2;

interface HookMeasurement {
  uid: string;
  tool: string;
  stats: { value?: number; mean?: number; max?: number };
}

function hasDciodvfy(): boolean {
  try {
    execFileSync('which', ['dciodvfy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** "SUVbw 4.12" or "SUVbw mean 4.10, max 4.12" → the numbers. */
const suvNumbers = (text: string | null): number[] => [...(text ?? '').matchAll(/(\d+\.\d+)/g)].map((m) => Number(m[1]));

describe('SUV recalculation in the stack viewer (PET/CT phantom, weight 66.2 → 70 kg)', () => {
  let session: E2eSession;
  let page: Page;
  let truth: PetCtPhantomTruth;
  /** The hottest point of the sphere slice, canvas CSS px. */
  let hot: [number, number];

  /** The corrections history as the app saved it, read (decrypted) with the key provider the browser host uses. */
  const savedHistory = () => new SuvCorrections({ dataDir: session.dataDir, store: session.host.services.store, keyProvider: testKeyProvider() }).history();

  /** Opens the PET at the sphere slice: first from the launch URL, then by reloading the page (a new page state). */
  async function openPetAtSphere(reload = false): Promise<void> {
    await openSeries(page, session.host.url, truth.pet.seriesInstanceUid, reload);
    // Scroll to the slice through the sphere centres (z = 110 mm).
    const z = truth.spheres[5]!.centre[2];
    const pos = async () => Number(/Pos (-?[\d.]+)/.exec((await page.locator('[data-testid="overlay-position"]').textContent()) ?? '')?.[1]);
    await page.locator('.viewport[aria-label="Main viewport"]').first().click({ position: { x: 5, y: 5 } }).catch(() => {});
    let before = await pos();
    for (let i = 0; i < 80 && Math.abs(before - z) > 1; i++) {
      await page.keyboard.press('ArrowDown');
      await expect.poll(pos, { timeout: 5000 }).not.toBe(before);
      const after = await pos();
      if (Math.abs(after - z) > Math.abs(before - z)) {
        // Wrong way: turn round.
        for (let j = 0; j < 80 && Math.abs((await pos()) - z) > 1; j++) {
          const p = await pos();
          await page.keyboard.press('ArrowUp');
          await expect.poll(pos, { timeout: 5000 }).not.toBe(p);
        }
        break;
      }
      before = after;
    }
    expect(Math.abs((await pos()) - z)).toBeLessThan(1);
  }

  /** The canvas point with the highest value (a grid of probes through the test hook). */
  async function hottestPoint(): Promise<[number, number]> {
    const box = await canvasBox(page);
    return page.evaluate(
      ([w, h]) => {
        const hook = (window as unknown as { __dokueiViewports: Record<string, { probeAt(x: number, y: number): { value: number } | undefined }> }).__dokueiViewports['Main viewport']!;
        let best: [number, number] = [0, 0];
        let max = -Infinity;
        for (let y = 2; y < h; y += 3) {
          for (let x = 2; x < w; x += 3) {
            const v = hook.probeAt(x, y)?.value;
            if (v !== undefined && v > max) {
              max = v;
              best = [x, y];
            }
          }
        }
        return best;
      },
      [box.width, box.height] as const,
    );
  }

  async function measure(): Promise<void> {
    await page.locator('.stack-toolbar button[title^="Ellipse ("]').first().click();
    await dragOnCanvas(page, [hot[0] - 6, hot[1] - 6], [hot[0] + 6, hot[1] + 6]);
    await expect.poll(async () => (await hookCall<HookMeasurement[]>(page, 'measurements')).find((m) => m.tool === 'EllipticalROI')?.stats.mean, { timeout: 15000 }).toBeDefined();
  }

  /** The ROI's SUV line once its stats have settled (cornerstone computes them throttled after the last drag step). */
  async function settledRoiSuv(): Promise<number[]> {
    let last = '';
    await expect
      .poll(
        async () => {
          const text = (await suvLine('EllipticalROI').textContent().catch(() => '')) ?? '';
          const stable = text !== '' && text === last;
          last = text;
          return stable;
        },
        { timeout: 20000, interval: 700 },
      )
      .toBe(true);
    return suvNumbers(last);
  }

  const suvLine = (tool: string) => page.locator(`[data-testid="measurement"][data-tool="${tool}"] [data-testid="measurement-suv"]`).first();
  const panelFactor = async () => Number(await page.locator('[data-testid="suv-factor"][data-type="bw"]').getAttribute('data-value'));

  beforeAll(async () => {
    session = await startE2eSession({
      prefix: 'dokuei-e2e-suv-',
      files: (dataDir) => {
        const phantom = writePetCtPhantom(path.join(dataDir, 'phantom'), { weightKg: 66.2 });
        truth = phantom.truth;
        return [...phantom.ctFiles, ...phantom.petFiles];
      },
    });
    page = session.page;
  }, 240000);

  afterAll(() => session?.close());

  let roiBefore: number[];
  let factorBefore: number;

  it('reads SUVbw = Bq/ml × factor in a hot sphere (ellipse ROI)', async () => {
    await openPetAtSphere();
    hot = await hottestPoint();
    await measure();
    await page.getByRole('button', { name: 'SUV…' }).click();
    await page.locator('[data-testid="suv-panel"]').waitFor();
    factorBefore = await panelFactor();
    // The header's factor: the generator's truth with 66.2 kg.
    expect(factorBefore).toBeCloseTo(truth.suvBwFactor, 12);
    roiBefore = await settledRoiSuv();
    expect(roiBefore.length).toBe(2);
    const [roi] = (await hookCall<HookMeasurement[]>(page, 'measurements')).filter((m) => m.tool === 'EllipticalROI');
    expect(roiBefore[0]).toBeCloseTo(roi!.stats.mean! * factorBefore, 2);
    expect(roiBefore[1]).toBeCloseTo(roi!.stats.max! * factorBefore, 2);
    // The sphere's truth (no blur: every sphere voxel holds the sphere's concentration; all six at 4:1).
    expect(Math.abs(roiBefore[1]! - truth.spheres[5]!.suvBw)).toBeLessThan(0.01);
    expect(await page.locator('[data-testid="overlay-suv"]').textContent()).toMatch(/SUVbw = Bq\/ml × /);
    expect(await page.locator('[data-testid="suv-input"][data-field="weight"] [data-testid="suv-input-value"]').textContent()).toBe('66.2 kg');
    expect(await page.locator('[data-testid="suv-input"][data-field="weight"] [data-testid="suv-input-source"]').textContent()).toBe('header (0010,1030)');
  });

  it('correcting the weight 66.2 → 70 with a reason scales every SUV readout by 70/66.2 at once', async () => {
    await page.getByRole('button', { name: 'Correct weight' }).click();
    await page.getByLabel('New value').fill('70');
    await page.getByLabel('Reason').fill('Weighed again on the ward scale');
    await page.getByRole('button', { name: 'Save correction' }).click();
    await expect.poll(() => page.locator('[data-testid="suv-input"][data-field="weight"]').getAttribute('data-corrected'), { timeout: 15000 }).toBe('true');
    expect(await panelFactor()).toBeCloseTo(factorBefore * RATIO, 12);
    // Readouts are rounded to 2 decimals: within half a unit of the last digit of both values.
    const roiAfter = suvNumbers(await suvLine('EllipticalROI').textContent());
    roiAfter.forEach((v, i) => expect(Math.abs(v - roiBefore[i]! * RATIO)).toBeLessThanOrEqual(0.005 + 0.005 * RATIO + 1e-9));
    const source = await page.locator('[data-testid="suv-input"][data-field="weight"] [data-testid="suv-input-source"]').textContent();
    expect(source).toMatch(/^corrected by .+ at \d{4}-\d\d-\d\d \d\d:\d\d UTC: 66\.2 → 70 \(Weighed again on the ward scale\)$/);
    await page.screenshot({ path: path.join(shotsDir, 'suv-recalculation.png') });
  });

  it('keeps the correction and the SUV after a reload; the encrypted history has the line', async () => {
    await openPetAtSphere(true);
    await page.getByRole('button', { name: 'SUV…' }).click();
    await expect.poll(() => page.locator('[data-testid="suv-input"][data-field="weight"] [data-testid="suv-input-value"]').textContent(), { timeout: 15000 }).toBe('70 kg');
    expect(await panelFactor()).toBeCloseTo(factorBefore * RATIO, 12);
    // The ellipse drawn before the reload is saved with the study (issue #19) and drawn again on its slice, its
    // statistics computed from that slice's pixels (not from the slice on screen while the stack moved to it).
    await expect
      .poll(async () => (await hookCall<HookMeasurement[]>(page, 'measurements')).filter((m) => m.tool === 'EllipticalROI').map((m) => m.stats.mean !== undefined), { timeout: 15000 })
      .toEqual([true]);
    const roiAgain = await settledRoiSuv();
    // The same place after the reload: its max is the sphere's, now × 70/66.2.
    expect(Math.abs(roiAgain[1]! - roiBefore[1]! * RATIO)).toBeLessThanOrEqual(0.005 + 0.005 * RATIO + 1e-9);

    const audit = await savedHistory();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ seriesInstanceUid: truth.pet.seriesInstanceUid, field: 'weight', oldValue: 66.2, newValue: 70, reason: 'Weighed again on the ward scale' });
    // Only the encrypted file (issue #15): no per-series JSON, no plaintext audit lines.
    expect(readdirSync(path.join(session.dataDir, 'suv')).sort()).toEqual(['corrections.enc', 'key.json', 'tmp']);
    expect(existsSync(path.join(session.dataDir, 'suv', 'audit.jsonl'))).toBe(false);
    expect(session.pageErrors).toEqual([]);
  });

  it('wrote the RWVM instance into the study, valid for dciodvfy', async () => {
    const store = session.host.services.store;
    const study = truth.studyInstanceUid as StudyInstanceUid;
    const rwvmSeries = store.series(study)!.filter((s) => getString(s, '00080060') === 'RWV');
    expect(rwvmSeries).toHaveLength(1);
    const seriesUid = getString(rwvmSeries[0]!, '0020000E') as SeriesInstanceUid;
    const [instance] = store.instances(study, seriesUid)!;
    expect(getString(instance!, '00080016')).toBe(RWVM_SOP_CLASS_UID);
    const [audit] = await savedHistory();
    expect(getString(instance!, '00080018')).toBe(audit!.rwvmSopInstanceUid);
    if (!hasDciodvfy()) return;
    const bytes = await store.readInstance(study, seriesUid, audit!.rwvmSopInstanceUid as SopInstanceUid);
    const file = path.join(session.dataDir, 'rwvm.dcm');
    writeFileSync(file, bytes!);
    const result = await dciodvfy(file);
    expect(result.errors, result.output).toEqual([]);
  });
});
