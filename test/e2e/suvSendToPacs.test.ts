/**
 * The SUV panel's "Also send to PACS" (issue #7: the corrected mapping "optionally sent to the PACS with STOW-RS"):
 * the PET/CT phantom in the local store, a real Orthanc configured as a DICOMweb node; a weight correction saved with
 * the node chosen says it was sent, and the RWVM instance is then in Orthanc; a correction saved without it is not.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { RWVM_SOP_CLASS_UID } from '../../electron/services/suv/rwvm';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';
import { writePetCtPhantom, type PetCtPhantomTruth } from '../support/petCtPhantom';
import { openSeries, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';


describe('SUV panel: Also send to PACS (phantom PET, real Orthanc)', () => {
  let session: E2eSession;
  let orthanc: OrthancInstance;
  let page: Page;
  let truth: PetCtPhantomTruth;

  beforeAll(async () => {
    orthanc = await startOrthanc({ name: 'TestPACS' });
    session = await startE2eSession({
      prefix: 'dokuei-e2e-suv-send-',
      nodes: [{ id: 'pacs', name: 'TestPACS', kind: 'dicomweb', url: orthanc.dicomwebUrl }],
      files: (dataDir) => {
        const phantom = writePetCtPhantom(path.join(dataDir, 'phantom'), { weightKg: 66.2, ct: { rows: 32, columns: 32, slices: 4 }, pet: { rows: 32, columns: 32, slices: 6 } });
        truth = phantom.truth;
        return [...phantom.ctFiles, ...phantom.petFiles];
      },
    });
    page = session.page;
  }, 240000);

  afterAll(async () => {
    await session?.close();
    await orthanc?.stop();
  });

  async function rwvmInOrthanc(): Promise<number> {
    const res = await fetch(`${orthanc.dicomwebUrl}/instances?00080016=${RWVM_SOP_CLASS_UID}`, { headers: { Accept: 'application/dicom+json' } });
    return res.status === 204 ? 0 : ((await res.json()) as unknown[]).length;
  }

  async function correctWeight(value: string, reason: string, sendTo: string): Promise<string> {
    await page.getByRole('button', { name: 'Correct weight' }).click();
    await page.getByLabel('New value').fill(value);
    await page.getByLabel('Reason').fill(reason);
    await page.getByLabel('Also send to PACS').selectOption({ label: sendTo });
    await page.getByRole('button', { name: 'Save correction' }).click();
    await expect.poll(() => page.getByTestId('suv-message').textContent().catch(() => ''), { timeout: 30000 }).toMatch(new RegExp(`^Saved: Weight ${value}`));
    return (await page.getByTestId('suv-message').textContent()) ?? '';
  }

  it('a correction saved with TestPACS chosen reaches Orthanc; one saved with No stays local', async () => {
    await openSeries(page, session.host.url, truth.pet.seriesInstanceUid);
    await page.getByRole('button', { name: 'SUV…' }).click();
    await page.locator('[data-testid="suv-panel"]').waitFor();
    expect(await rwvmInOrthanc()).toBe(0);

    expect(await correctWeight('70', 'Weighed again', 'TestPACS')).toMatch(/ Sent 1 instance to TestPACS\.$/);
    expect(await rwvmInOrthanc()).toBe(1);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-suv-send-to-pacs.png') });

    expect(await correctWeight('71', 'Scale recalibrated', 'No')).not.toMatch(/Sent/);
    expect(await rwvmInOrthanc()).toBe(1);
    expect(session.pageErrors).toEqual([]);
  });
});
