/**
 * The settings window as IT meets it on a new workstation (issue #18): no node configured; a DICOMweb node added
 * through the window (an Orthanc this test starts, with a password) is tested — first on a wrong port, which the
 * test names — then saved, and at once its study is found and retrieved. The password is in the encrypted secret
 * store and never in settings.json (the test reads the file). Field checks stand beside their fields.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ConfSettingsStore } from '../../electron/services/settings/settings';
import { repoRoot } from '../support/data';
import { freePort } from '../support/freePort';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';

const PASSWORD = 'pw-設定-7f3a';
const DEMO = path.join(repoRoot, 'resources/demo');

describe('settings window: a PACS node added, tested, used', () => {
  let orthanc: OrthancInstance;
  let session: E2eSession;
  let page: Page;
  let uploaded = 0;

  beforeAll(async () => {
    orthanc = await startOrthanc({ auth: { user: 'reader', password: PASSWORD } });
    uploaded = await orthanc.uploadDir(DEMO);
    session = await startE2eSession({
      prefix: 'dokuei-e2e-settings-',
      // settings.json in the data folder, as a user's; no demo study, so every study listed comes from the node.
      settings: (dataDir) => {
        const store = new ConfSettingsStore(dataDir);
        store.set({ seedDemo: false });
        return store;
      },
    });
    page = session.page;
  });

  afterAll(async () => {
    await session?.close();
    await orthanc?.stop();
  });

  const field = (label: string) => page.getByRole('dialog', { name: 'Settings' }).getByLabel(label, { exact: true });

  it('adds the node, says which port is wrong, tests it green, saves it without its password, finds and retrieves its study', async () => {
    const { host, dataDir, pageErrors } = session;
    expect(uploaded).toBeGreaterThan(0);
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByText('No PACS node yet').waitFor();
    await dialog.getByRole('button', { name: 'Add a DICOMweb node' }).click();

    // Save before anything is typed: each required field says so beside it.
    await dialog.getByRole('button', { name: 'Save the node' }).click();
    await expect.poll(() => dialog.locator('[data-testid="problem-name"]').textContent()).toBe('Required.');
    expect(await dialog.locator('[data-testid="problem-url"]').textContent()).toBe('Required.');

    await field('Name').fill('On-site Orthanc');
    expect(await field('Id').inputValue()).toBe('On-site-Orthanc');
    const wrongPort = await freePort();
    await field('DICOMweb URL').fill(`http://127.0.0.1:${wrongPort}/dicom-web`);
    await field('Sign-in').selectOption('basic');
    await field('User name').fill('reader');
    await field('Password').fill(PASSWORD);
    await field('Allow the sign-in over plain http:// (not recommended: anyone on the network can read it)').check();

    // A wrong port: the echo fails and says where it tried.
    await dialog.getByRole('button', { name: 'Test', exact: true }).click();
    const test = dialog.locator('form [data-testid="node-test"]');
    await expect.poll(() => test.getAttribute('data-ok'), { timeout: 30000 }).toBe('false');
    expect(await test.textContent()).toContain(`127.0.0.1:${wrongPort}`);

    // The right port: echo and a one-study query both answer.
    await field('DICOMweb URL').fill(orthanc.dicomwebUrl);
    await dialog.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => test.getAttribute('data-ok'), { timeout: 30000 }).toBe('true');
    expect(await test.textContent()).toMatch(/Echo.*answered/);
    expect(await test.textContent()).toMatch(/A study query answered 1 study/);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-settings-node-tested.png') });

    await dialog.getByRole('button', { name: 'Save the node' }).click();
    await expect.poll(() => dialog.locator('[data-testid="settings-status"]').textContent(), { timeout: 30000 }).toContain('Saved On-site Orthanc');
    await dialog.locator('li[data-node-id="On-site-Orthanc"]').waitFor();

    // settings.json: the node, its user name and its secret's ref; never the password.
    const file = readFileSync(path.join(dataDir, 'settings.json'), 'utf8');
    expect(file).not.toContain(PASSWORD);
    const saved = JSON.parse(file) as { version: number; nodes: Array<{ id: string; url: string; auth: Record<string, string> }> };
    expect(saved.version).toBe(1);
    expect(saved.nodes).toHaveLength(1);
    expect(saved.nodes[0]).toMatchObject({ id: 'On-site-Orthanc', url: orthanc.dicomwebUrl, auth: { type: 'basic', username: 'reader', secretRef: 'On-site-Orthanc-password' } });

    // The saved node, tested from the list (its password now comes from the secret store).
    await dialog.getByRole('button', { name: 'Test On-site Orthanc' }).click();
    await expect.poll(() => dialog.locator('li[data-node-id="On-site-Orthanc"] [data-testid="node-test"]').getAttribute('data-ok'), { timeout: 30000 }).toBe('true');

    // Used at once, without a restart: the study browser finds the node's study, and R retrieves it.
    await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
    await page.locator('.health-bar', { hasText: 'On-site Orthanc' }).waitFor({ timeout: 30000 });
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const row = page.locator('tr[data-study-uid]').first();
    await row.waitFor({ timeout: 60000 });
    expect(host.services.store.counts().instances).toBe(0);
    await row.click();
    await page.keyboard.press('r');
    await expect.poll(() => host.services.store.counts().instances, { timeout: 120000 }).toBe(uploaded);
    expect(pageErrors).toEqual([]);
  });

  it('checks a DIMSE node’s fields as they are typed, and a removed node takes its password with it', async () => {
    const { host, pageErrors } = session;
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByRole('button', { name: 'Add a DIMSE node' }).click();
    await field('Node AE title').fill('FAR\\TOO_LONG_AE_TITLE');
    await field('Port').first().fill('70000');
    await field('Host').click();
    await expect.poll(() => dialog.locator('[data-testid="problem-calledAeTitle"]').textContent()).toBe('1–16 printable ASCII characters, no backslash.');
    await field('Port').first().click();
    await field('Name').click();
    expect(await dialog.locator('[data-testid="problem-port"]').textContent()).toBe('At most 65535.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await dialog.getByRole('button', { name: 'Remove On-site Orthanc' }).click();
    await dialog.getByRole('button', { name: 'Remove On-site Orthanc and its stored password' }).click();
    await dialog.getByText('No PACS node yet').waitFor();
    const file = readFileSync(path.join(session.dataDir, 'settings.json'), 'utf8');
    expect(JSON.parse(file).nodes).toEqual([]);
    expect(host.services.nodes).toHaveLength(0);
    expect(pageErrors).toEqual([]);
  });

  it('imports hanging protocols from a file (naming the invalid one), hangs the next study by them, and exports them all', async () => {
    const { dataDir, pageErrors } = session;
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    if (!(await dialog.isVisible())) await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await dialog.getByRole('tab', { name: 'Hanging protocols' }).click();
    const file = path.join(dataDir, 'protocols-from-ws1.json');
    const sideBySide = {
      id: 'ct-side-by-side',
      name: 'CT side by side',
      priority: 1000,
      match: { modality: ['CT'] },
      layout: '1x2',
      viewports: [
        { seriesSelector: { modality: ['CT'] }, view: 'stack', preset: 'lung' },
        { seriesSelector: { modality: ['CT'] }, view: 'stack', preset: 'mediastinum' },
      ],
    };
    writeFileSync(file, JSON.stringify({ version: 1, protocols: [sideBySide, { ...sideBySide, id: 'Bad Id', layout: '2x2' }] }));
    await dialog.locator('[data-testid="protocols-import"]').setInputFiles(file);
    const status = dialog.locator('[data-testid="protocols-status"]');
    await expect.poll(() => status.textContent()).toContain('Imported 1 protocol(s) from protocols-from-ws1.json');
    expect(await status.textContent()).toMatch(/Hanging protocol "Bad Id" is not valid: .*id/);
    expect(await dialog.locator('tr[data-protocol-id="ct-side-by-side"]').textContent()).toContain('Yours');
    // Saved in settings.json, for the next start and the settings export.
    expect(JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).hangingProtocols).toEqual([sideBySide]);

    // Exported: the reader's protocol and the built-in ones, in one file another workstation imports.
    const download = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export all as JSON' }).click();
    const exported = JSON.parse(readFileSync((await (await download).path())!, 'utf8')) as { protocols: Array<{ id: string }> };
    expect(exported.protocols.map((p) => p.id)).toEqual(expect.arrayContaining(['ct-side-by-side', 'ct-chest', 'default']));

    // The study retrieved earlier (a CT) now opens in the imported protocol's 1×2 layout.
    await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const row = page.locator('tr[data-study-uid]').first();
    await row.waitFor({ timeout: 60000 });
    await row.click();
    await page.keyboard.press('Enter');
    await page.locator('.workspace[data-layout="1x2"] .cell[data-cell="1"]').waitFor({ timeout: 60000 });
    expect(pageErrors).toEqual([]);
  });

  it('saves the prefetch rules, refusing a count out of range beside its field', async () => {
    const { dataDir, pageErrors } = session;
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByRole('tab', { name: 'Prefetch' }).click();
    const count = field('How many earlier studies');
    expect(await count.inputValue()).toBe('3');
    await count.fill('0');
    expect(await dialog.locator('#prefetch-count-problem').textContent()).toBe('1 to 20.');
    expect(await dialog.getByRole('button', { name: 'Save the prefetch rules' }).isDisabled()).toBe(true);
    await count.fill('5');
    await field("At start, fetch today's studies from the nodes").check();
    await dialog.getByRole('button', { name: 'Save the prefetch rules' }).click();
    await expect.poll(() => dialog.locator('[data-testid="prefetch-status"]').textContent()).toContain('Saved');
    expect(JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).prefetch).toEqual({ priorsOnOpen: true, priorsCount: 5, todayOnStart: true });
    expect(pageErrors).toEqual([]);
  });
});
