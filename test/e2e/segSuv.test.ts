/**
 * The QIN-HEADNECK PET with its tumour SEG (issue #7 acceptance: "SUVmax inside its SEG is the same from the CLI
 * and the UI"): PET + SEG imported into a temporary store, the PET opened in the stack viewer, the SUV panel's
 * "Segments" table read and compared, to the printed precision, with `dokuei suv PET --seg SEG --json` run
 * in-process on the same files; then the weight corrected 66.2 → 70 kg in the panel: the table follows, equal to
 * the CLI run with --weight 70. Skipped when ../shared/data is not on this machine.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { suvCommand } from '../../electron/cli/suvCommand';
import { dicomFilesIn, sharedDataDir } from '../support/data';
import { openSeries, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';

const qin = sharedDataDir('pet_qin_headneck_0024');
const PET_SERIES = '1.3.6.1.4.1.14519.5.2.1.2744.7002.117357550898198415937979788256';

interface CliSegment {
  segmentNumber: number;
  label: string;
  suvbw: { max: number; mean: number; peak: number };
}

async function cliSegments(extra: Record<string, string> = {}): Promise<CliSegment[]> {
  const out: string[] = [];
  const segFile = path.join(qin!, 'SEG', '3DSlicer', 'tumor_User1_Manual_Trial1.dcm');
  const code = await suvCommand([path.join(qin!, 'PET')], { seg: segFile, ...extra }, true, { out: (l) => out.push(l), err: () => {}, isTty: false });
  expect(code).toBe(0);
  return (JSON.parse(out.join('\n')) as { segments?: CliSegment[] }[]).at(-1)!.segments!;
}

describe.skipIf(!qin)('SUV inside the QIN-HEADNECK tumour SEG: viewer = CLI', () => {
  let session: E2eSession;
  let page: Page;

  const cell = (segment: number, what: 'max' | 'mean' | 'peak') => page.locator(`[data-testid="suv-segment"][data-segment="${segment}"] [data-testid="suv-segment-${what}"]`);

  beforeAll(async () => {
    session = await startE2eSession({
      prefix: 'dokuei-e2e-segsuv-',
      files: () => [...dicomFilesIn(path.join(qin!, 'PET')), path.join(qin!, 'SEG', '3DSlicer', 'tumor_User1_Manual_Trial1.dcm')],
    });
    page = session.page;
  }, 240000);

  afterAll(() => session?.close());

  it('shows each segment with the SUVmax, SUVmean and SUVpeak the CLI prints', async () => {
    const cli = await cliSegments();
    await openSeries(page, session.host.url, PET_SERIES);
    await page.getByRole('button', { name: 'SUV…' }).click();
    await page.locator('[data-testid="suv-panel"]').waitFor();
    await page.locator('[data-testid="suv-segment"]').first().waitFor({ timeout: 60000 });
    expect(await page.locator('[data-testid="suv-segment"]').count()).toBe(cli.length);
    for (const s of cli) {
      expect(await page.locator(`[data-testid="suv-segment"][data-segment="${s.segmentNumber}"] th`).textContent()).toBe(`${s.segmentNumber}. ${s.label}`);
      expect(await cell(s.segmentNumber, 'max').textContent()).toBe(s.suvbw.max.toFixed(2));
      expect(await cell(s.segmentNumber, 'mean').textContent()).toBe(s.suvbw.mean.toFixed(2));
      expect(await cell(s.segmentNumber, 'peak').textContent()).toBe(s.suvbw.peak.toFixed(2));
    }
    await page.locator('[data-testid="suv-panel"]').screenshot({ path: path.join(shotsDir, 'seg-suv-panel.png') });
  });

  it('follows a weight correction: the table equals the CLI with --weight 70', async () => {
    const corrected = await cliSegments({ weight: '70' });
    await page.getByRole('button', { name: 'Correct weight' }).click();
    await page.getByLabel('New value').fill('70');
    await page.getByLabel('Reason').fill('Weighed again');
    await page.getByRole('button', { name: 'Save correction' }).click();
    for (const s of corrected) {
      await expect.poll(() => cell(s.segmentNumber, 'max').textContent(), { timeout: 15000 }).toBe(s.suvbw.max.toFixed(2));
      expect(await cell(s.segmentNumber, 'peak').textContent()).toBe(s.suvbw.peak.toFixed(2));
    }
    // Closed and opened again: the table comes back with the corrected values.
    await page.getByRole('button', { name: 'Close SUV panel' }).click();
    await page.getByRole('button', { name: 'SUV…' }).click();
    await expect.poll(() => cell(corrected[0]!.segmentNumber, 'max').textContent(), { timeout: 30000 }).toBe(corrected[0]!.suvbw.max.toFixed(2));
    expect(session.pageErrors).toEqual([]);
  });
});
