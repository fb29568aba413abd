/**
 * Layouts as a reader uses them, in Chromium with the committed demo CT (no ../shared needed):
 * - opening a study (Enter) hangs it by the matching protocol from resources/hanging-protocols;
 * - 1×2 with the axial series and a coronal reformat of it: the axial slice is a reference line on the
 *   coronal image, moving with the axial scroll, and linked scrolling follows in the patient's space;
 * - "Compare with prior" puts the patient's earlier study beside the current one, scrolling together.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import dcmjs from 'dcmjs';
import { chooseHangingProtocol, parseHangingProtocol, type HangingProtocol } from '../../common/viewer/hangingProtocols';
import { WL_PRESETS } from '../../common/viewer/shortcuts';
import { importPaths } from '../../electron/services/store/importPaths';
import { demoCtDir, dicomFilesIn, repoRoot } from '../support/data';
import { writeCoronalReformat, writeEvenlySpacedCopy, writePriorCopy } from '../support/derivedSeries';
import { openStudyByEnter, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { makeTempDir, removeDir } from '../support/tempDir';

function builtInProtocols(): HangingProtocol[] {
  const dir = path.join(repoRoot, 'resources', 'hanging-protocols');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => parseHangingProtocol(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))))
    .flatMap((r) => (r.ok ? [r.protocol] : []));
}

/**
 * The series as another study of the patient (new UIDs, date 2001-02-03) whose description does not say chest but
 * whose Body Part Examined does, so the CT chest protocol hangs it by its body part.
 */
function writeChestStudyCopy(files: readonly string[], dir: string, uidRoot: string): string[] {
  type Dataset = Record<string, unknown>;
  const { DicomMessage, DicomMetaDictionary, DicomDict } = (
    dcmjs as unknown as {
      data: {
        DicomMessage: { readFile(buffer: ArrayBuffer): { dict: unknown; meta: unknown } };
        DicomMetaDictionary: { naturalizeDataset(d: unknown): Dataset; denaturalizeDataset(d: unknown): unknown };
        DicomDict: new (meta: unknown) => { dict: unknown; write(): ArrayBuffer };
      };
    }
  ).data;
  mkdirSync(dir, { recursive: true });
  return files.map((f, i) => {
    const bytes = readFileSync(f);
    const msg = DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const ds = DicomMetaDictionary.naturalizeDataset(msg.dict);
    const meta = DicomMetaDictionary.naturalizeDataset(msg.meta);
    Object.assign(ds, { StudyInstanceUID: `${uidRoot}.1`, SeriesInstanceUID: `${uidRoot}.2`, SOPInstanceUID: `${uidRoot}.4.${i + 1}`, StudyDate: '20010203', SeriesDate: '20010203', StudyDescription: 'CT 2001', BodyPartExamined: 'CHEST' });
    const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset({ ...meta, MediaStorageSOPInstanceUID: ds.SOPInstanceUID }));
    dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
    const out = path.join(dir, `chest${String(i + 1).padStart(4, '0')}.dcm`);
    writeFileSync(out, Buffer.from(dict.write()));
    return out;
  });
}

async function sliceIndex(page: Page, cell: number): Promise<number> {
  const text = (await page.locator(`[data-cell="${cell}"] [data-testid="overlay-slice"]`).textContent()) ?? '';
  const m = /Im (\d+) \/ (\d+)/.exec(text);
  return m ? Number(m[1]) : NaN;
}

async function referenceLineY(page: Page, cell: number): Promise<{ y1: number; y2: number; x1: number; x2: number } | undefined> {
  return page.evaluate((c) => {
    const line = document.querySelector(`[data-cell="${c}"] [data-testid="reference-line"] line`);
    if (!line) return undefined;
    const n = (a: string) => Number(line.getAttribute(a));
    return { x1: n('x1'), y1: n('y1'), x2: n('x2'), y2: n('y2') };
  }, cell);
}

describe('layouts, hanging protocols, reference lines and priors', () => {
  let session: E2eSession;
  let host: E2eSession['host'];
  let page: Page;
  let pageErrors: string[];
  let derivedDir: string;
  const demoFiles = dicomFilesIn(demoCtDir());

  beforeAll(async () => {
    derivedDir = await makeTempDir('dokuei-e2e-derived-');
    session = await startE2eSession({ prefix: 'dokuei-e2e-layouts-', errorStacks: true });
    ({ host, page, pageErrors } = session);
    // Imported here rather than by the session, to check the count.
    const coronal = writeCoronalReformat(demoFiles, path.join(derivedDir, 'coronal'), '1.2.826.0.1.3680043.10.1234.81', 5);
    const prior = writePriorCopy(demoFiles, path.join(derivedDir, 'prior'), '1.2.826.0.1.3680043.10.1234.82', '19990301');
    const r = await importPaths(host.services.store, [...demoFiles, ...coronal, ...prior]);
    expect(r.imported).toBe(demoFiles.length * 2 + coronal.length);
  });

  afterAll(async () => {
    await session?.close();
    await removeDir(derivedDir);
  });

  it('opens a study with Enter in the layout its hanging protocol picks', async () => {
    await openStudyByEnter(page, host.url, '2000-01-01');
    // What the protocols say for this study (CT, no description, the demo's Body Part Examined CHEST), computed
    // here from the same JSON files.
    const series = [
      { seriesInstanceUid: 'a', modality: 'CT', seriesDescription: '', numberOfInstances: demoFiles.length, bodyPartExamined: 'CHEST' },
      { seriesInstanceUid: 'b', modality: 'CT', seriesDescription: 'Coronal reformat', numberOfInstances: 5, bodyPartExamined: 'CHEST' },
    ];
    const expected = chooseHangingProtocol({ modalities: ['CT'], description: '' }, series, builtInProtocols());
    await expect.poll(() => page.locator('.workspace').getAttribute('data-layout'), { timeout: 30000 }).toBe(expected.protocol.layout);
    if (expected.protocol.layout.startsWith('mpr')) {
      // The demo is a contiguous block: MPR opens it without resampling.
      await page.locator('.mpr[data-state="ready"]').waitFor({ timeout: 120000 });
      expect((await page.locator('[data-testid="volume-notices"]').allTextContents()).join(' ')).not.toContain('spacing varies');
    } else {
      await page.locator('.viewport[data-state="ready"]').first().waitFor({ timeout: 120000 });
    }
    await page.screenshot({ path: path.join(shotsDir, 'e2e-layout-hanging.png') });
  });

  it('draws the axial slice as a reference line on the coronal reformat, moving as the axial scrolls', async () => {
    await page.getByRole('button', { name: '1×2' }).click();
    await page.locator('[data-cell="0"]').click();
    await page.locator('li[data-series-uid]').filter({ hasNotText: 'Coronal' }).first().click();
    await page.locator('[data-cell="0"] .viewport[data-state="ready"]').waitFor({ timeout: 60000 });
    await page.locator('[data-cell="1"]').click({ position: { x: 100, y: 200 } });
    await page.locator('li[data-series-uid]', { hasText: 'Coronal' }).click();
    await page.locator('[data-cell="1"] .viewport[data-state="ready"]').waitFor({ timeout: 60000 });

    // Scroll the axial: its plane appears on the coronal as a horizontal line.
    await page.locator('[data-cell="0"] .viewport').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => referenceLineY(page, 1), { timeout: 30000 }).toBeDefined();
    const first = (await referenceLineY(page, 1))!;
    expect(Math.abs(first.y1 - first.y2)).toBeLessThan(1);
    expect(Math.abs(first.x2 - first.x1)).toBeGreaterThan(50);
    const before = await sliceIndex(page, 0);
    // 20 slices of the demo's 1 mm: 20 mm, a few pixels on the coronal reformat shown whole in its cell.
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => sliceIndex(page, 0)).toBe(before + 20);
    // Down the stack is towards the feet: the line moves down the coronal image.
    await expect.poll(async () => (await referenceLineY(page, 1))!.y1, { timeout: 30000 }).toBeGreaterThan(first.y1 + 2);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-layout-reference-line.png') });
    expect(pageErrors).toEqual([]);
  });

  it('compares with the prior side by side, scrolling together', async () => {
    await page.locator('[data-cell="0"]').click({ position: { x: 100, y: 200 } });
    await page.getByRole('button', { name: 'Compare with prior' }).click();
    await expect.poll(() => page.locator('[data-cell="1"] .pane-caption').textContent(), { timeout: 60000 }).toBe('Prior 1999-03-01');
    await page.locator('[data-cell="1"] .viewport[data-state="ready"]').waitFor({ timeout: 60000 });
    await page.locator('[data-cell="0"] .viewport[data-state="ready"]').waitFor({ timeout: 60000 });
    await page.locator('[data-cell="0"] .viewport').focus();
    const a0 = await sliceIndex(page, 0);
    const b0 = await sliceIndex(page, 1);
    // The axial stack was left near its end: scroll back up, which both stacks have room for.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
    await expect.poll(() => sliceIndex(page, 0)).toBe(a0 - 3);
    await expect.poll(() => sliceIndex(page, 1), { timeout: 30000 }).toBe(b0 - 3);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-layout-prior.png') });
    // Unlinked: the prior stays where it is.
    await page.getByLabel('Sync scroll').uncheck();
    await page.locator('[data-cell="0"] .viewport').focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => sliceIndex(page, 0)).toBe(a0 - 4);
    await page.waitForTimeout(500);
    expect(await sliceIndex(page, 1)).toBe(b0 - 3);
    expect(pageErrors).toEqual([]);
  });
  it("opens a CT of Body Part CHEST (description silent) with Enter in the CT chest protocol's window preset, not the image's own window", async () => {
    const chest = writeChestStudyCopy(demoFiles, path.join(derivedDir, 'chest'), '1.2.826.0.1.3680043.10.1234.84');
    expect((await importPaths(host.services.store, chest)).imported).toBe(chest.length);
    const protocols = builtInProtocols();
    const protocol = protocols.find((p) => p.id === 'ct-chest')!;
    // By its description alone the study would not be a chest CT: only the body part makes it one.
    const facts = { seriesInstanceUid: 'a', modality: 'CT', seriesDescription: '', numberOfInstances: chest.length };
    expect(chooseHangingProtocol({ modalities: ['CT'], description: 'CT 2001' }, [facts], protocols).protocol.id).not.toBe('ct-chest');
    expect(chooseHangingProtocol({ modalities: ['CT'], description: 'CT 2001' }, [{ ...facts, bodyPartExamined: 'CHEST' }], protocols).protocol.id).toBe('ct-chest');
    const preset = WL_PRESETS.find((p) => p.id === protocol.viewports[0]!.preset)!;
    expect(preset).toBeDefined();
    // The files' own window (W2000/L−450) is not the preset's, so the check below tells them apart.
    expect(preset.window).not.toBe(2000);

    await openStudyByEnter(page, host.url, '2001-02-03');
    await expect.poll(() => page.locator('.workspace').getAttribute('data-layout'), { timeout: 30000 }).toBe(protocol.layout);
    await page.locator('[data-cell="0"] .viewport[data-state="ready"]').waitFor({ timeout: 120000 });
    await expect.poll(() => page.locator('[data-cell="0"] [data-testid="overlay-voi"]').textContent(), { timeout: 30000 }).toBe(`W ${preset.window}  L ${preset.level}`);
    const range = await page.evaluate(() => (window as unknown as { __dokueiViewports: Record<string, { voiRange(): { lower: number; upper: number } }> }).__dokueiViewports['Main viewport']!.voiRange());
    // cornerstone's [lower, upper] of a DICOM linear window (PS3.3 C.11.2.1.2: upper = centre − 0.5 + (width − 1) / 2).
    expect(range.lower).toBeCloseTo(preset.level - preset.window / 2, 6);
    expect(range.upper).toBeCloseTo(preset.level - 0.5 + (preset.window - 1) / 2, 6);
    // Scrolling keeps it.
    await page.locator('[data-cell="0"] .viewport').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('[data-cell="0"] [data-testid="overlay-slice"]').textContent()).not.toBe(`Im ${Math.floor(demoFiles.length / 2) + 1} / ${demoFiles.length}`);
    expect(await page.locator('[data-cell="0"] [data-testid="overlay-voi"]').textContent()).toBe(`W ${preset.window}  L ${preset.level}`);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-layout-chest-preset.png') });
    expect(pageErrors).toEqual([]);
  });

  it("keeps the series the reader opened while the study's protocol was still being looked up (the late hanging is dropped)", async () => {
    // The chest copy of the previous test: its protocol would show the preset, the series opened by hand shows the
    // files' own window. The answer the protocol waits for (the study's series over IPC) is held back until the
    // reader has opened a series from the strip.
    const protocol = builtInProtocols().find((p) => p.id === 'ct-chest')!;
    const preset = WL_PRESETS.find((p) => p.id === protocol.viewports[0]!.preset)!;
    await page.goto(host.url);
    const row = page.locator('tr[data-study-uid]', { hasText: '2001-02-03' });
    await row.waitFor({ timeout: 60000 });
    await row.click();
    const strip = page.locator('li[data-series-uid]').first();
    await strip.waitFor({ timeout: 60000 });
    // From now on the only IPC request for the study's series is the protocol's: hold it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let heldAnswered!: () => void;
    const answered = new Promise<void>((resolve) => (heldAnswered = resolve));
    let calls = 0;
    await page.route('**/ipc/studies.series', async (route) => {
      calls++;
      await held;
      await route.continue();
      heldAnswered();
    });
    try {
      await row.press('Enter');
      await expect.poll(() => calls, { timeout: 30000 }).toBe(1);
      await strip.press('Enter');
      await page.locator('[data-cell="0"] .viewport[data-state="ready"]').waitFor({ timeout: 120000 });
      const voi = () => page.locator('[data-cell="0"] [data-testid="overlay-voi"]').textContent();
      await expect.poll(voi, { timeout: 30000 }).toBe('W 2000  L -450');
      release();
      await answered;
      // Give the dropped answer time to do harm if it were applied: a re-hang reloads the cell in the preset.
      await page.waitForTimeout(1500);
      expect(await voi()).toBe('W 2000  L -450');
      expect(await voi()).not.toBe(`W ${preset.window}  L ${preset.level}`);
    } finally {
      release();
      await page.unroute('**/ipc/studies.series');
    }
    expect(pageErrors).toEqual([]);
  });

  it("hangs a CT of another body part in MPR 1+3 with the protocol's window on all three planes and its VR preset in 3D", async () => {
    // The demo's slices re-positioned 5 mm apart, as another study of body part ABDOMEN.
    const uidRoot = '1.2.826.0.1.3680043.10.1234.85';
    const files = writeEvenlySpacedCopy(demoFiles.length % 2 ? demoFiles : demoFiles.slice(0, -1), path.join(derivedDir, 'abdomen'), uidRoot, 5, {
      StudyInstanceUID: `${uidRoot}.1`,
      StudyDate: '20020304',
      SeriesDate: '20020304',
      StudyDescription: 'CT 2002',
      BodyPartExamined: 'ABDOMEN',
    });
    expect((await importPaths(host.services.store, files)).imported).toBe(files.length);
    const protocol = builtInProtocols().find((p) => p.id === 'ct-mpr')!;
    const planePreset = WL_PRESETS.find((p) => p.id === protocol.viewports[0]!.preset)!;
    const vrPreset = protocol.viewports.find((v) => v.view === '3d')!.preset!;
    expect(planePreset).toBeDefined();
    // The files' own window (W2000/L−450, what the volume opens in without the protocol) is not the preset's.
    expect(planePreset.window).not.toBe(2000);

    await openStudyByEnter(page, host.url, '2002-03-04');
    await expect.poll(() => page.locator('.workspace').getAttribute('data-layout'), { timeout: 30000 }).toBe(protocol.layout);
    await page.locator('.mpr[data-state="ready"]').waitFor({ timeout: 120000 });
    await expect.poll(() => page.locator('[data-testid="mpr-voi"]').textContent(), { timeout: 60000 }).toBe(`W ${planePreset.window} L ${planePreset.level}`);
    for (const p of ['axial', 'sagittal', 'coronal']) {
      const range = await page.evaluate((label) => (window as unknown as { __dokueiViewports: Record<string, { voiRange(): { lower: number; upper: number } }> }).__dokueiViewports[label]!.voiRange(), `MPR ${p}`);
      expect(range.lower, p).toBeCloseTo(planePreset.level - planePreset.window / 2, 6);
      expect(range.upper, p).toBeCloseTo(planePreset.level - 0.5 + (planePreset.window - 1) / 2, 6);
    }
    expect(await page.getByLabel('Volume rendering preset').inputValue()).toBe(vrPreset);
    // Once the whole volume is in, the window is still the protocol's (loading does not reset it).
    await expect.poll(() => page.locator('[data-testid="volume-progress"]').textContent(), { timeout: 180000, interval: 1000 }).toMatch(/^\d+ slices$/);
    expect(await page.locator('[data-testid="mpr-voi"]').textContent()).toBe(`W ${planePreset.window} L ${planePreset.level}`);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-layout-mpr-preset.png') });
    expect(pageErrors).toEqual([]);
  });
});
