/**
 * Import of files chosen in the Files panel (the keyboard path of drop-to-import): their bytes go to the
 * data plane's STOW-RS endpoint, the result lists what was imported and each refused file with its reason,
 * and the study list shows the new patients.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/services/secrets/secretStore';
import { repoRoot } from '../support/data';
import { startE2eSession, type E2eSession } from '../support/e2eSession';
import { makeTempDir, removeDir } from '../support/tempDir';

const charset = (name: string) => path.join(repoRoot, 'test/fixtures/charsets', name);

describe('drop to import', () => {
  let session: E2eSession;
  let tmp: string;

  beforeAll(async () => {
    session = await startE2eSession({ prefix: 'dokuei-e2e-drop-', viewport: { width: 1400, height: 800 }, hostOptions: { secrets: new MemorySecretStore() } });
    tmp = await makeTempDir('dokuei-e2e-drop-files-');
  });

  afterAll(async () => {
    await session?.close();
    if (tmp) await removeDir(tmp);
  });

  it('imports chosen files over the data plane and lists each refused file with its reason', async () => {
    const broken = path.join(tmp, 'broken.dcm');
    // A Part 10 file with its preamble wiped: not DICOM any more.
    writeFileSync(broken, Buffer.concat([Buffer.alloc(132), readFileSync(charset('chrGerm.dcm')).subarray(132)]));
    const { page, host } = session;
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Files…' }).click();
    const input = page.locator('input[type="file"][name="dropFiles"]');
    await input.setInputFiles([charset('chrH31.dcm'), charset('chrX1.dcm'), broken]);
    const result = page.locator('.drop-result');
    await result.waitFor({ timeout: 30000 });
    expect(await result.textContent()).toMatch(/^Imported 2, 0 already stored, 1 refused\./);
    const refused = result.locator('li');
    expect(await refused.count()).toBe(1);
    expect(await refused.first().getAttribute('data-file')).toBe('broken.dcm');
    expect(await refused.first().textContent()).toMatch(/^broken\.dcm: Not a DICOM Part 10 file \(no "DICM" preamble\)/);
    expect(await page.locator('.drop-progress').textContent()).toBe('Sent 3 of 3 files.');
    expect(host.services.store.counts().instances).toBe(2);

    // The study list refreshes: both new patients are there.
    for (const id of ['H31EXAMPLE', 'X1EXAMPLE']) {
      await page.locator('tr[data-study-uid]', { has: page.locator(`td[title="${id}"]`) }).waitFor({ timeout: 30000 });
    }
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'e2e-drop-import.png') });

    // Again: both are duplicates now.
    await input.setInputFiles([charset('chrH31.dcm'), charset('chrX1.dcm')]);
    await expect.poll(async () => result.textContent(), { timeout: 30000 }).toMatch(/^Imported 0, 2 already stored, 0 refused\./);
  });

  it('imports a whole chosen folder (its subfolders too), as a CD’s contents are', async () => {
    const folder = path.join(tmp, 'cd');
    mkdirSync(path.join(folder, 'SUB'), { recursive: true });
    copyFileSync(charset('chrH32.dcm'), path.join(folder, 'IM1'));
    copyFileSync(charset('chrFren.dcm'), path.join(folder, 'SUB', 'IM2'));
    const { page } = session;
    await page.locator('input[type="file"][name="dropFolder"]').setInputFiles(folder);
    await expect.poll(async () => page.locator('.drop-result').textContent(), { timeout: 30000 }).toMatch(/^Imported 2, 0 already stored, 0 refused\./);
    await page.locator('tr[data-study-uid]', { has: page.locator('td[title="H32EXAMPLE"]') }).waitFor({ timeout: 30000 });
  });
});
