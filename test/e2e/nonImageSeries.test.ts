/**
 * Series that hold no images in the series strip (dcmjs-written study, no ../shared needed): a CT series keeps its
 * thumbnail; a REG, a SEG with two segments and an SR get labelled tiles ("REG · Spatial registration",
 * "SEG · 2 segments", "SR · Structured report") instead of a black thumbnail, and clicking one does not open it in
 * the viewer: a note says why and the CT stays open. Enter on the study hangs the CT, not the REG/SEG/SR; Enter on a
 * study holding only an SR says so in the viewer instead of an empty cell.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDcmjs } from '../support/dcmjsWrite';
import { openSeries, openStudyByEnter, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { writeSyntheticSphereSeries } from '../support/syntheticSeries';

const ROOT = '1.2.826.0.1.3680043.9.7777.5150';
const STUDY = `${ROOT}.1`;
const CT_SERIES = `${ROOT}.2`;
const REG_SERIES = `${ROOT}.20`;
const SEG_SERIES = `${ROOT}.30`;
const SR_SERIES = `${ROOT}.40`;
const REPORT_STUDY = `${ROOT}.100`;

function nonImage(dir: string, name: string, ds: Record<string, unknown>): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    writeDcmjs({
      StudyInstanceUID: STUDY,
      PatientName: 'SYNTHETIC^SPHERE',
      PatientID: 'NONIMG1',
      StudyDate: '20260101',
      StudyTime: '120000',
      ...ds,
    }),
  );
  return file;
}

describe('series strip: non-image series', () => {
  let s: E2eSession;

  beforeAll(async () => {
    s = await startE2eSession({
      prefix: 'dokuei-e2e-nonimage-',
      files: (dataDir) => {
        const dir = path.join(dataDir, 'fixture');
        const ct = writeSyntheticSphereSeries(dir, { slices: 40, rows: 64, columns: 64, pixelSpacing: 2, sliceSpacing: 3, patientId: 'NONIMG1', uidRoot: ROOT });
        const segment = (n: number) => ({ SegmentNumber: n, SegmentLabel: `Segment ${n}`, SegmentAlgorithmType: 'MANUAL' });
        return [
          ...ct,
          nonImage(dir, 'reg.dcm', { SOPClassUID: '1.2.840.10008.5.1.4.1.1.66.1', SOPInstanceUID: `${REG_SERIES}.1`, SeriesInstanceUID: REG_SERIES, Modality: 'REG', SeriesNumber: '20', InstanceNumber: '1', SeriesDescription: 'Manual registration' }),
          nonImage(dir, 'seg.dcm', {
            SOPClassUID: '1.2.840.10008.5.1.4.1.1.66.4',
            SOPInstanceUID: `${SEG_SERIES}.1`,
            SeriesInstanceUID: SEG_SERIES,
            Modality: 'SEG',
            SeriesNumber: '30',
            InstanceNumber: '1',
            SeriesDescription: 'Liver and spleen',
            SegmentSequence: [segment(1), segment(2)],
          }),
          nonImage(dir, 'sr.dcm', { SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.11', SOPInstanceUID: `${SR_SERIES}.1`, SeriesInstanceUID: SR_SERIES, Modality: 'SR', SeriesNumber: '40', InstanceNumber: '1', SeriesDescription: 'Report' }),
          // A study of only a report (older: the CT study stays the first row).
          nonImage(dir, 'report-only.dcm', {
            StudyInstanceUID: REPORT_STUDY,
            StudyDate: '20200101',
            SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.11',
            SOPInstanceUID: `${REPORT_STUDY}.1.1`,
            SeriesInstanceUID: `${REPORT_STUDY}.1`,
            Modality: 'SR',
            SeriesNumber: '1',
            InstanceNumber: '1',
            SeriesDescription: 'Report only',
          }),
        ];
      },
    });
  });

  afterAll(async () => {
    await s?.close();
  });

  it('labels REG, SEG and SR series instead of a black thumbnail and does not open them', async () => {
    const { page, host } = s;
    await openSeries(page, host.url, CT_SERIES);
    const tile = (series: string) => page.locator(`li[data-series-uid="${series}"]`);

    // The image series has its thumbnail (a real picture); the others a labelled tile and no image.
    await expect.poll(() => tile(CT_SERIES).locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 30000 }).toBeGreaterThan(0);
    expect(await tile(CT_SERIES).getByTestId('non-image-tile').count()).toBe(0);
    await expect.poll(() => tile(SEG_SERIES).getByTestId('non-image-tile').textContent(), { timeout: 30000 }).toBe('SEG · 2 segments');
    expect(await tile(REG_SERIES).getByTestId('non-image-tile').textContent()).toBe('REG · Spatial registration');
    expect(await tile(SR_SERIES).getByTestId('non-image-tile').textContent()).toBe('SR · Structured report');
    for (const series of [REG_SERIES, SEG_SERIES, SR_SERIES]) expect(await tile(series).locator('img').count()).toBe(0);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-series-strip-non-image.png') });

    // Clicking the REG does not open it: a note says why, the CT stays the open series.
    await tile(REG_SERIES).click();
    await expect.poll(() => page.getByTestId('series-not-opened').textContent()).toBe('"Manual registration" is REG (Spatial registration), not an image series: there is nothing to show in a viewport.');
    expect(await tile(REG_SERIES).getAttribute('class')).not.toContain('selected');
    expect(await tile(CT_SERIES).getAttribute('class')).toContain('selected');
    await page.locator('.viewport[data-state="ready"]').first().waitFor();
    // Opening an image series again clears the note.
    await tile(CT_SERIES).click();
    await expect.poll(() => page.getByTestId('series-not-opened').count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  });

  it('Enter on the study hangs the CT, not the REG, SEG or SR', async () => {
    const { page, host } = s;
    await openStudyByEnter(page, host.url, '2026-01-01');
    // The evenly spaced CT hangs in MPR 1+3 (ct-mpr), its volume loads; nothing says the study has no images.
    await expect.poll(() => page.locator('.workspace').getAttribute('data-layout'), { timeout: 30000 }).toBe('mpr1+3');
    await expect.poll(() => page.getByTestId('mpr-layout').getAttribute('data-state'), { timeout: 120000 }).toBe('ready');
    expect(await page.getByTestId('viewer-message').count()).toBe(0);
    // One cell back to a stack: it shows the CT series.
    await page.getByRole('button', { name: '1×1', exact: true }).click();
    await page.locator('.viewport[data-state="ready"]').first().waitFor({ timeout: 60000 });
    await expect.poll(() => page.getByTestId('overlay-series').first().textContent()).toContain('CT · Series');
    expect(s.pageErrors).toEqual([]);
  });

  it('Enter on a study of only an SR says so in the viewer', async () => {
    const { page, host } = s;
    await openStudyByEnter(page, host.url, '2020-01-01');
    await expect
      .poll(() => page.getByTestId('viewer-message').textContent(), { timeout: 30000 })
      .toBe('This study has no image series to show (only SR · Structured report): there is nothing to hang in a viewport. Its series are listed in the series strip.');
    expect(await page.locator('.workspace').getAttribute('data-layout')).toBe('1x1');
    expect(await page.locator('.viewport').count()).toBe(0);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-no-image-series.png') });
    expect(s.pageErrors).toEqual([]);
  });
});
