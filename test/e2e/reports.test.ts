/**
 * Reports shown (issue #19). The demo CT (three slices) with, in its study, a Comprehensive SR narrative report, a
 * TID 1500 measurement report and an encapsulated PDF, all written here with dcmjs (the PDF by hand, larger than the
 * metadata's inline limit so that it comes over the gateway's bulk data route); and, when ../shared has it, OFFIS's
 * test-SR.dcm from pydicom's test files.
 * - Clicking the SR tile opens the report panel (a dialog, focus inside): title, date, observer, the Findings heading,
 *   the text, the coded site, "Diameter: 12.3 mm", and image references labelled by instance number and series that
 *   dispatch the jump-to-image event with the CT's study, series and instance; Esc closes it.
 * - The TID 1500 report has the measurement table on top ("Nodule 1", "Length 18.5 mm").
 * - The PDF tile shows the PDF drawn on a canvas: its black rectangle where the page has it, white elsewhere; next
 *   page shows page 2's rectangle; zoom in widens the canvas and fit width brings it back.
 * Screenshots: test-results/e2e-report-sr.png, e2e-report-measurements.png, e2e-report-pdf.png, e2e-report-shared-sr.png.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dicomFilesIn, demoCtDir, sharedDataDir } from '../support/data';
import { openSeries, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { hookCall } from '../support/viewerPage';
import { encapsulatedPdf, measurementSr, NARRATIVE, narrativeSr, TINY_PDF_PAGES, tinyPdf, type ReferencedImage, type ReportStudy } from '../support/reportFixtures';

const ROOT = '1.2.826.0.1.3680043.9.7777.1919';
const SR_SERIES = `${ROOT}.80`;
const TID1500_SERIES = `${ROOT}.81`;
const PDF_SERIES = `${ROOT}.90`;

const ctFiles = dicomFilesIn(demoCtDir()).slice(0, 3);
const ct = dicomParser.parseDicom(new Uint8Array(readFileSync(ctFiles[1]!)));
const str = (tag: string) => ct.string(tag)?.trim() ?? '';
const CT: ReferencedImage = { studyInstanceUid: str('x0020000d'), seriesInstanceUid: str('x0020000e'), sopClassUid: str('x00080016'), sopInstanceUid: str('x00080018') };
const CT_INSTANCE_NUMBER = str('x00200013');
const CT_SERIES_LABEL = str('x0008103e') || `#${str('x00200011')}`;
const study: ReportStudy = { StudyInstanceUID: CT.studyInstanceUid, PatientName: str('x00100010'), PatientID: str('x00100020'), StudyDate: str('x00080020') };

/** OFFIS's Comprehensive SR from pydicom's test files, when ../shared/data holds it. */
const sharedSrDir = sharedDataDir('pydicom_testfiles_bad_rt');
const SHARED_SR = sharedSrDir ? path.join(sharedSrDir, 'test-SR.dcm') : undefined;
const SHARED_SR_STUDY = '1.2.276.0.7230010.3.1.4.2139363186.7819.982086466.2';
const SHARED_SR_SERIES = '1.2.276.0.7230010.3.1.4.2139363186.7819.982086466.3';

/** Mean red level (0 black … 255 white) of a 5×5 patch of the PDF canvas at fractions of its width and height. */
async function pdfLevel(page: Page, fx: number, fy: number): Promise<number> {
  return page.evaluate(
    ([x, y]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="pdf-page"]');
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return -1;
      const px = Math.round(x! * canvas.width) - 2;
      const py = Math.round(y! * canvas.height) - 2;
      const { data } = ctx.getImageData(px, py, 5, 5);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += data[i]!;
      return sum / (data.length / 4);
    },
    [fx, fy],
  );
}

/** The centre of a page's rectangle, as fractions of the page (canvas y runs down, PDF y up). */
function rectCentre(p: (typeof TINY_PDF_PAGES)[number]): [number, number] {
  const [x, y, w, h] = p.rect;
  return [(x + w / 2) / p.width, 1 - (y + h / 2) / p.height];
}

describe('reports: SR trees and encapsulated PDFs', () => {
  let s: E2eSession;

  beforeAll(async () => {
    s = await startE2eSession({
      prefix: 'dokuei-e2e-reports-',
      files: (dataDir) => {
        const write = (name: string, bytes: Uint8Array) => {
          const file = path.join(dataDir, name);
          writeFileSync(file, bytes);
          return file;
        };
        return [
          ...ctFiles,
          write('sr.dcm', narrativeSr(study, { series: SR_SERIES, sop: `${SR_SERIES}.1` }, CT)),
          write('tid1500.dcm', measurementSr(study, { series: TID1500_SERIES, sop: `${TID1500_SERIES}.1` }, CT)),
          // Past the 16 KiB inline limit: the PDF comes over the bulk data route, not in the metadata.
          write('pdf.dcm', encapsulatedPdf(study, { series: PDF_SERIES, sop: `${PDF_SERIES}.1` }, tinyPdf(TINY_PDF_PAGES, 20_000))),
          ...(SHARED_SR ? [SHARED_SR] : []),
        ];
      },
    });
  });

  afterAll(async () => {
    await s?.close();
  });

  const tile = (series: string) => s.page.locator(`li[data-series-uid="${series}"]`);
  const panel = () => s.page.getByTestId('report-panel');

  it('opens an SR in the report panel with its tree, and its image references ask the viewer for the CT image', async () => {
    const { page, host } = s;
    await openSeries(page, host.url, CT.seriesInstanceUid, false, CT.studyInstanceUid);
    await page.evaluate(() => {
      const w = window as unknown as { __jumps: unknown[] };
      w.__jumps = [];
      window.addEventListener('dokuei:jump-to-image', (e) => w.__jumps.push((e as CustomEvent).detail));
    });

    await tile(SR_SERIES).click();
    await expect.poll(() => panel().getAttribute('data-state'), { timeout: 30000 }).toBe('ok');
    expect(await page.getByTestId('series-not-opened').count()).toBe(0);
    // A dialog named by the document's title, with focus inside it.
    expect(await page.getByRole('dialog', { name: NARRATIVE.title }).count()).toBe(1);
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="report-panel"]'))).toBe(true);
    expect(await page.getByTestId('report-meta').textContent()).toBe('Comprehensive SR · 2026-01-02 09:15 · By Yamada Hanako · Complete · Unverified');

    // The tree: container headings, the text as a paragraph, the coded site and the number with its unit.
    const tree = page.getByTestId('sr-tree');
    expect(await tree.getByRole('heading', { level: 3 }).allTextContents()).toEqual([NARRATIVE.findings, NARRATIVE.conclusions]);
    expect(await tree.locator('p.sr-text').allTextContents()).toEqual([`Finding: ${NARRATIVE.finding}`, `Conclusion: ${NARRATIVE.conclusion}`]);
    const lines = await tree.locator('.sr-line').allTextContents();
    expect(lines).toContain(`Finding Site: ${NARRATIVE.site}`);
    expect(lines).toContain(`Diameter: ${NARRATIVE.diameter} mm`);
    expect(lines).toContain('Person Observer Name: Yamada Hanako');

    // Image references read by instance number and series once the study listing is in; each asks for the CT image.
    const imageLabel = `Image ${CT_INSTANCE_NUMBER} of series ${CT_SERIES_LABEL}`;
    const imageButton = tree.getByRole('button', { name: imageLabel, exact: true });
    await imageButton.waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(shotsDir, 'e2e-report-sr.png') });
    await imageButton.click();
    await tree.getByRole('button', { name: `Region (point) on ${imageLabel}`, exact: true }).click();
    const jump = { studyInstanceUid: CT.studyInstanceUid, seriesInstanceUid: CT.seriesInstanceUid, sopInstanceUid: CT.sopInstanceUid };
    expect(await page.evaluate(() => (window as unknown as { __jumps: unknown[] }).__jumps)).toEqual([jump, jump]);
    // …and the viewer, showing that series, shows that image.
    await expect.poll(async () => (await hookCall<{ imageId?: string }>(page, 'viewState')).imageId ?? '', { timeout: 10000 }).toContain(`/instances/${CT.sopInstanceUid}/`);

    // Esc closes the panel (focus is in it again after the clicks) and gives the focus back to the tile.
    await panel().focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => panel().count()).toBe(0);
    expect(await page.evaluate((uid) => document.activeElement?.getAttribute('data-series-uid') === uid, SR_SERIES)).toBe(true);
    expect(s.pageErrors).toEqual([]);
  });

  it('puts a measurement table on top of a TID 1500 report', async () => {
    const { page } = s;
    await tile(TID1500_SERIES).click();
    await expect.poll(() => panel().getAttribute('data-state'), { timeout: 30000 }).toBe('ok');
    expect(await page.getByRole('dialog', { name: 'Imaging Measurement Report' }).count()).toBe(1);
    const row = page.getByTestId('sr-measurements').locator('tbody tr');
    expect(await row.count()).toBe(1);
    await expect.poll(() => row.locator('td').allTextContents(), { timeout: 30000 }).toEqual(['Nodule 1', 'Nodule', '', 'Length 18.5 mm', `Image ${CT_INSTANCE_NUMBER} of series ${CT_SERIES_LABEL}`]);
    expect(await page.getByTestId('sr-tree').locator('.sr-num').allTextContents()).toEqual(['Length: 18.5 mm']);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-report-measurements.png') });
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => panel().count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  });

  it('draws an encapsulated PDF on a canvas, page by page, fitted to the width', async () => {
    const { page } = s;
    await tile(PDF_SERIES).click();
    const view = page.getByTestId('pdf-view');
    await expect.poll(() => view.getAttribute('data-state').catch(() => null), { timeout: 60000 }).toBe('ready');
    expect(await page.getByRole('dialog', { name: 'Radiology report' }).count()).toBe(1);
    expect(await page.getByTestId('report-meta').textContent()).toBe('PDF report · 2026-01-02 09:30');
    expect(await view.getByText('Page 1 of 2').count()).toBe(1);

    // Page 1: black where its rectangle is, white paper around it.
    const [p1, p2] = TINY_PDF_PAGES;
    const [x1, y1] = rectCentre(p1!);
    const [x2, y2] = rectCentre(p2!);
    expect(await pdfLevel(page, x1, y1)).toBeLessThan(40);
    expect(await pdfLevel(page, x2, y2)).toBeGreaterThan(215);
    expect(await pdfLevel(page, 0.95, 0.95)).toBeGreaterThan(215);
    // Fit width: the page as wide as the view, less its padding.
    const fit = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="pdf-page"]')!;
      return { css: c.getBoundingClientRect().width, view: c.parentElement!.clientWidth };
    });
    expect(fit.css).toBeGreaterThan(fit.view - 60);
    expect(fit.css).toBeLessThanOrEqual(fit.view);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-report-pdf.png') });

    // Next page: page 2's rectangle, page 1's place now white.
    await view.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.getByTestId('pdf-page').getAttribute('data-rendered-page')).toBe('2');
    expect(await view.getByText('Page 2 of 2').count()).toBe(1);
    expect(await pdfLevel(page, x2, y2)).toBeLessThan(40);
    expect(await pdfLevel(page, x1, y1)).toBeGreaterThan(215);
    expect(await view.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await view.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => page.getByTestId('pdf-page').getAttribute('data-rendered-page')).toBe('1');

    // Zoom in widens the page; fit width brings it back.
    const width = () => page.getByTestId('pdf-page').evaluate((c) => c.getBoundingClientRect().width);
    await view.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(width).toBeGreaterThan(fit.css * 1.2);
    await view.getByRole('button', { name: 'Fit width' }).click();
    await expect.poll(width).toBeCloseTo(fit.css, 0);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel().count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  });

  it.runIf(SHARED_SR)("shows OFFIS's test SR from ../shared with its tree", async () => {
    const { page, host } = s;
    await page.goto(host.url);
    const row = page.locator(`tr[data-study-uid="${SHARED_SR_STUDY}"]`);
    await row.waitFor({ timeout: 60000 });
    await row.click();
    await tile(SHARED_SR_SERIES).click();
    await expect.poll(() => panel().getAttribute('data-state'), { timeout: 30000 }).toBe('ok');
    expect(await page.getByRole('dialog', { name: 'Diagnosis' }).count()).toBe(1);
    // Verified by Jörg Riesmeier: the name in ISO_IR 100, decoded.
    expect(await page.getByTestId('report-meta').textContent()).toContain('By Riesmeier Jörg');
    const tree = page.getByTestId('sr-tree');
    expect(await tree.locator('p.sr-text').first().textContent()).toBe('Text Code: A mass of');
    expect((await tree.locator('.sr-num').allTextContents()).some((t) => t.startsWith('Diameter: 3'))).toBe(true);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-report-shared-sr.png') });
    expect(s.pageErrors).toEqual([]);
  });
});
