/**
 * The study browser as a reader uses it with the hospital's set-up: an on-site PACS and an off-site
 * archive (two real Orthancs) and a third node that is down. One search shows the union with where each
 * study is, the dead node with its reason, Japanese names decoded; Retrieve brings a study into the local
 * store with a progress bar, and it then opens from there.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserHost } from '../../electron/browser-host/server';
import { MemorySecretStore } from '../../electron/services/secrets/secretStore';
import { demoCtDir, dicomFilesIn, repoRoot } from '../support/data';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { freePort } from '../support/freePort';
import { startOrthanc, type OrthancInstance } from '../support/orthanc';
import { waitForRenderedImage } from '../support/viewerPage';

const CT_PATIENT = 'LIDC-IDRI-0314';
const JP_PATIENT = 'H31EXAMPLE';

describe('federated study browser', () => {
  let onsite: OrthancInstance;
  let offsite: OrthancInstance;
  let session: E2eSession;
  let host: BrowserHost;
  let page: Page;

  beforeAll(async () => {
    // UTF-8 answers: with its Latin-1 default, Orthanc would drop the kanji before we ever see them.
    onsite = await startOrthanc({ name: 'Onsite', extraConfig: { DefaultEncoding: 'Utf8' } });
    offsite = await startOrthanc({ name: 'Offsite' });
    await onsite.upload(path.join(repoRoot, 'test/fixtures/charsets/chrH31.dcm'));
    const ct = dicomFilesIn(demoCtDir()).slice(0, 12);
    for (const f of ct) await offsite.upload(f);
    const deadPort = await freePort();
    session = await startE2eSession({
      prefix: 'dokuei-e2e-fed-',
      nodes: [
        { id: 'onsite', name: 'On-site PACS', role: 'onsite', priority: 10, kind: 'dicomweb', url: onsite.dicomwebUrl },
        { id: 'offsite', name: 'Off-site archive', role: 'offsite', priority: 20, kind: 'dicomweb', url: offsite.dicomwebUrl },
        { id: 'legacy', name: 'Legacy PACS', role: 'other', priority: 30, kind: 'dicomweb', url: `http://127.0.0.1:${deadPort}/dicom-web`, connectTimeoutMs: 1000, timeoutMs: 3000 },
      ],
      hostOptions: { secrets: new MemorySecretStore() },
    });
    ({ host, page } = session);
  });

  afterAll(async () => {
    await session?.close();
    await onsite?.stop();
    await offsite?.stop();
  });

  it('shows the union of both PACS, where each study is, and the dead node with its reason', async () => {
    await page.goto(host.url);
    const ctRow = page.locator('tr[data-study-uid]', { hasText: CT_PATIENT });
    const jpRow = page.locator('tr[data-study-uid]', { hasText: JP_PATIENT });
    await ctRow.waitFor({ timeout: 60000 });
    await jpRow.waitFor({ timeout: 60000 });
    expect(await ctRow.locator('td.where').textContent()).toBe('Off-site');
    expect(await jpRow.locator('td.where').textContent()).toBe('On-site');
    // The Japanese name, decoded from ISO 2022 IR 87 and shown with its ideographic group.
    expect(await jpRow.locator('td.patient-name').textContent()).toBe('Yamada Tarou (山田 太郎)');
    expect(await jpRow.locator('td.patient-name').getAttribute('title')).toBe('Yamada^Tarou = 山田^太郎 = やまだ^たろう');

    await expect.poll(() => page.locator('.node-status .chip[data-node-id="legacy"]').getAttribute('data-state')).toBe('unreachable');
    expect(await page.locator('.node-status .chip[data-node-id="onsite"]').getAttribute('data-state')).toMatch(/ok|slow/);
    expect(await page.locator('.node-problem').textContent()).toMatch(/Legacy PACS.*(cannot reach|refused|unreachable)/i);
    // The header keeps each node's health: the dead node is offline, with its reason on hover.
    await expect.poll(() => page.locator('.chip.health[data-node-id="legacy"]').getAttribute('data-state')).toBe('offline');
    expect(await page.locator('.chip.health[data-node-id="legacy"]').getAttribute('title')).toMatch(/offline: .*Legacy PACS/);
    await expect.poll(() => page.locator('.chip.health[data-node-id="onsite"]').getAttribute('data-state')).toBe('online');
    await page.screenshot({ path: path.join(shotsDir, 'e2e-federated-search.png') });
  });

  it('filters by patient ID and by modality', async () => {
    await page.fill('input[name="patientId"]', CT_PATIENT);
    await page.click('button[type="submit"]');
    await expect.poll(() => page.locator('tr[data-study-uid]').count()).toBe(1);
    await page.fill('input[name="patientId"]', '');
    await page.selectOption('select[name="modality"]', 'MR');
    await page.click('button[type="submit"]');
    await expect.poll(() => page.locator('tr[data-study-uid]').count()).toBe(0);
    await page.selectOption('select[name="modality"]', '');
    await page.click('button[type="submit"]');
    await expect.poll(() => page.locator('tr[data-study-uid]').count()).toBe(2);
  });

  it('retrieves a study with a progress bar, after which it is local and opens', async () => {
    const ctRow = page.locator('tr[data-study-uid]', { hasText: CT_PATIENT });
    expect(await ctRow.locator('button', { hasText: 'Retrieve' }).count()).toBe(1);
    // Keyboard only: focus the row (which selects it) and press R.
    await ctRow.focus();
    await expect.poll(() => ctRow.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('r');
    await expect.poll(() => ctRow.locator('.job').getAttribute('data-job-state'), { timeout: 60000 }).toBe('done');
    expect(await ctRow.locator('.job').textContent()).toContain('Retrieved 12 images');
    expect(host.services.store.counts().instances).toBe(12);
    await expect.poll(() => ctRow.locator('td.where').textContent(), { timeout: 30000 }).toBe('LocalOff-site');

    await ctRow.click();
    const series = page.locator('li[data-series-uid]').first();
    await series.waitFor({ timeout: 30000 });
    expect(await page.locator('ul.series-list').getAttribute('data-source')).toBe('local');
    await series.click();
    const stats = await waitForRenderedImage(page);
    expect(stats.distinct).toBeGreaterThan(64);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-federated-retrieved.png') });

    // The jobs panel lists the finished retrieve; the storage panel shows the CT in the archive.
    await page.click('button:has-text("Jobs")');
    expect(await page.locator('.jobs-table tr').first().getAttribute('data-state')).toBe('done');
    expect(await page.locator('.jobs-table tr').first().textContent()).toContain('12/12');
    await page.click('button:has-text("Storage")');
    await expect.poll(() => page.locator('[data-testid="archive-total"]').textContent()).toMatch(/in 1 studies \(0 pinned\), encrypted at rest/);
    expect(await page.locator('.usage-table tr[data-modality="CT"]').count()).toBe(1);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-storage-panel.png') });
  });
});
