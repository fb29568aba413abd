/**
 * A CD's studies chosen before import (issue #18): the Files panel reads a DICOMDIR written by dcmtk's dcmmkdir over
 * three studies of two patients (one file then removed from the media), lists each study with its patient, images
 * and the missing file, and imports only the study the reader leaves ticked: the study list then holds that study
 * alone. The path is read only after the reader confirms it, as every typed path.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDicomdirMedia, type DicomdirMedia } from '../support/dicomdirMedia';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';

const ROOT = '2.25.3141592653589793238462.19';

describe('DICOMDIR in the Files panel', () => {
  let s: E2eSession;
  let cd: DicomdirMedia;

  beforeAll(async () => {
    s = await startE2eSession({
      prefix: 'dokuei-e2e-dicomdir-',
      viewport: { width: 1400, height: 900 },
      files: async (dataDir) => {
        cd = await writeDicomdirMedia(path.join(dataDir, 'cd'), [
          { patientId: 'CD-A', root: `${ROOT}.1`, slices: 3 },
          { patientId: 'CD-B', root: `${ROOT}.2`, slices: 4 },
          { patientId: 'CD-B', root: `${ROOT}.3`, slices: 2 },
        ]);
        rmSync(path.join(cd.media, 'ST1', 'IM3'));
        return [];
      },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lists the studies of a DICOMDIR with the missing file, and imports only the one chosen', async () => {
    const { page, host } = s;
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Files…' }).click();
    // The CD's folder, as a reader types it: its DICOMDIR is read.
    await page.fill('textarea[name="paths"]', cd.media);
    await page.getByRole('button', { name: 'Show DICOMDIR contents' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Allow reading typed paths' });
    await confirm.waitFor({ timeout: 30000 });
    expect(await confirm.locator('li').allTextContents()).toEqual([cd.dicomdir]);
    await confirm.getByRole('button', { name: 'Allow reading' }).click();

    const listing = page.getByRole('region', { name: 'DICOMDIR contents' });
    await expect.poll(() => listing.locator('tr[data-study-uid]').count(), { timeout: 30000 }).toBe(3);
    expect(await listing.locator('h3').textContent()).toContain('2 patients, 3 studies');
    const row = (k: number) => listing.locator(`tr[data-study-uid="${cd.studyUids[k]}"]`);
    expect(await row(0).textContent()).toContain('CD-A');
    expect(await row(1).locator('td').nth(5).textContent()).toBe('4 (1 missing)');
    expect(await page.getByTestId('dicomdir-missing').textContent()).toContain('ST1/IM3');
    await page.screenshot({ path: path.join(shotsDir, 'e2e-dicomdir-listing.png') });

    // Keep the third study only.
    await row(0).getByRole('checkbox').uncheck();
    await row(1).getByRole('checkbox').uncheck();
    await listing.getByRole('button', { name: 'Import the 1 chosen study' }).click();
    await expect.poll(() => page.locator('.import-result').textContent(), { timeout: 30000 }).toContain('Imported 2, skipped 0 already stored, 0 refused');
    await page.getByRole('button', { name: 'Close files panel' }).click();
    await expect.poll(() => page.locator('tr[data-study-uid]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-study-uid'))), { timeout: 30000 }).toEqual([cd.studyUids[2]]);
    expect(s.pageErrors).toEqual([]);
  });
});
