/**
 * The storage panel: the archive's size over time (chart with quota line and projection), usage by
 * modality, the archive folder, and setting a quota that is saved and applied at once.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/services/secrets/secretStore';
import { MemorySettingsStore } from '../../electron/services/settings/settings';
import { repoRoot } from '../support/data';
import { startE2eSession, type E2eSession } from '../support/e2eSession';

describe('storage panel', () => {
  let session: E2eSession;
  let settings: MemorySettingsStore;

  beforeAll(async () => {
    settings = new MemorySettingsStore({ seedDemo: true });
    session = await startE2eSession({ prefix: 'dokuei-e2e-storage-', settings, viewport: { width: 1300, height: 900 }, hostOptions: { secrets: new MemorySecretStore() } });
  });

  afterAll(() => session?.close());

  it('shows the usage history, the location and applies a quota', async () => {
    const { page, host, dataDir } = session;
    await page.goto(host.url);
    await page.locator('tr[data-study-uid]').first().waitFor({ timeout: 60000 });
    await page.click('button:has-text("Storage")');
    const total = page.locator('[data-testid="archive-total"]');
    await expect.poll(() => total.textContent(), { timeout: 30000 }).toMatch(/in 1 studies \(0 pinned\), encrypted at rest — no quota set/);
    expect(await page.locator('.usage-table tr[data-modality="CT"]').count()).toBe(1);

    const d = await page.locator('svg.usage-chart path.usage-line').getAttribute('d');
    expect(d).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){89}$/);
    expect(await page.locator('svg.usage-chart path.usage-line').getAttribute('data-points')).toBe('90');
    expect(await page.locator('[data-testid="archive-location"]').textContent()).toContain(path.join(dataDir, 'archive'));
    expect(await page.locator('[data-testid="archive-projection"]').textContent()).toMatch(/At the current growth \(.+\/day\) — set a quota/);
    expect(await page.locator('[data-testid="quota-line"]').count()).toBe(0);

    // An invalid quota is refused in the form, with a clear message and nothing saved.
    await page.fill('input[name="quotaGb"]', '0.01');
    await page.click('form.quota-form button[type="submit"]');
    await expect.poll(() => page.locator('[data-testid="quota-error"]').textContent()).toMatch(/between 0.1 and 100000 GB/);
    expect(settings.get().archive?.quotaGb).toBeUndefined();

    await page.fill('input[name="quotaGb"]', '0.1');
    await page.click('form.quota-form button[type="submit"]');
    await expect.poll(() => total.textContent(), { timeout: 30000 }).toMatch(/quota 102 MB \(\d+% used\)/);
    expect(await page.locator('[data-testid="quota-error"]').count()).toBe(0);
    expect(await page.locator('[data-testid="archive-projection"]').textContent()).toMatch(/^At the current growth \(.+\/day\) the quota fills around \d{4}-\d{2}-\d{2}$/);
    expect(await page.locator('[data-testid="quota-line"]').count()).toBe(1);
    expect(await page.locator('[data-testid="projection-line"]').count()).toBe(1);
    expect(settings.get().archive?.quotaGb).toBe(0.1);
    expect(host.services.store.counts().studies).toBe(1); // the demo study fits: nothing evicted
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'e2e-storage-history.png') });

    await page.click('button:has-text("No quota")');
    await expect.poll(() => total.textContent(), { timeout: 30000 }).toMatch(/no quota set/);
    expect(settings.get().archive?.quotaGb).toBeUndefined();

    // A new location is saved for the next start; the reader is told nothing is moved.
    const next = path.join(dataDir, 'moved', 'archive');
    await page.fill('input[name="archiveDir"]', next);
    await page.click('button:has-text("Save location")');
    await expect.poll(() => page.locator('[data-testid="location-message"]').textContent()).toContain(`from the next start the archive is ${next}`);
    expect(await page.locator('[data-testid="location-message"]').textContent()).toContain('nothing is moved');
    expect(settings.get().archive?.dir).toBe(next);
    await page.fill('input[name="archiveDir"]', 'not/absolute');
    await page.click('button:has-text("Save location")');
    await expect.poll(() => page.locator('[data-testid="location-message"]').textContent()).toContain('must be an absolute path');
    expect(settings.get().archive?.dir).toBe(next);
  });
});
