/**
 * User-editable viewer keys, as a reader edits them: "?" opens the Keys panel, the lung preset is rebound to
 * Shift+L (a conflicting key is refused first, naming both actions, in the panel and by the services), saved in
 * settings.json, and after a page reload Shift+L sets the lung window while the old key 2 does nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ConfSettingsStore } from '../../electron/services/settings/settings';
import { demoCtDir } from '../support/data';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { waitForRenderedImage } from '../support/viewerPage';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shotsDir, `e2e-keys-${name}.png`) });

describe('viewer keys: the Keys panel, saved in the settings', () => {
  let session: E2eSession;
  let page: Page;
  const voiText = () => page.locator('[data-testid="overlay-voi"]').textContent();
  const row = (action: string) => page.locator(`.keys-panel tr[data-action="${action}"]`);
  const panel = () => page.locator('[role="dialog"][aria-label="Viewer keys"]');
  /** settings.json's `shortcuts` (undefined while the file or the field is absent). */
  const savedShortcuts = (): unknown => {
    const file = path.join(session.dataDir, 'settings.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { shortcuts?: unknown }).shortcuts : undefined;
  };

  async function openDemoSeries() {
    const study = page.locator('tr[data-study-uid]', { hasText: 'LIDC-IDRI-0314' });
    await study.waitFor({ timeout: 60000 });
    await study.press('Enter');
    const series = page.locator('li[data-series-uid]').first();
    await series.waitFor({ timeout: 60000 });
    await series.press('Enter');
    // A hanging protocol may open the CT in another layout: the keys under test are the stack viewer's.
    const oneByOne = page.locator('.layout-bar').getByRole('button', { name: '1×1', exact: true });
    await oneByOne.waitFor({ timeout: 30000 });
    if ((await oneByOne.getAttribute('aria-pressed')) !== 'true') await oneByOne.click();
    await waitForRenderedImage(page);
  }

  beforeAll(async () => {
    session = await startE2eSession({
      prefix: 'dokuei-e2e-keys-',
      settings: (dataDir) => new ConfSettingsStore(dataDir),
      hostOptions: { demoDir: demoCtDir() },
      viewport: { width: 1400, height: 900 },
    });
    page = session.page;
    await page.goto(session.host.url);
    await openDemoSeries();
  });

  afterAll(() => session?.close());

  it('"?" opens the panel listing every action with its description and key', async () => {
    await page.locator('.viewport').focus();
    await page.keyboard.press('?');
    await panel().waitFor({ timeout: 10000 });
    expect(await page.locator('.keys-panel tbody tr').count()).toBeGreaterThanOrEqual(40);
    expect(await row('wlPreset2').locator('td').first().textContent()).toBe('Window/level preset 2 (Lung W1500/L−600)');
    expect(await row('wlPreset2').locator('[data-testid="keys-current"]').textContent()).toBe('2');
    expect(await row('toolLength').locator('[data-testid="keys-current"]').textContent()).toBe('L');
    // The header button closes and reopens it.
    await page.getByRole('button', { name: 'Keys', exact: true }).click();
    await panel().waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Keys', exact: true }).click();
    await panel().waitFor();
  });

  it('refuses a key another action has, naming both, until the conflict is resolved', async () => {
    await row('wlPreset2').getByRole('button', { name: 'Change' }).click();
    expect(await row('wlPreset2').locator('[data-testid="keys-current"]').textContent()).toMatch(/Press a key/);
    await page.keyboard.press('l');
    const conflicts = page.locator('[data-testid="keys-conflicts"]');
    await expect.poll(() => conflicts.textContent()).toBe('L is bound to both "Window/level preset 2 (Lung W1500/L−600)" and "Tool: length". Give one of them another key.');
    expect(await row('wlPreset2').getAttribute('data-conflict')).toBe('true');
    expect(await row('toolLength').getAttribute('data-conflict')).toBe('true');
    expect(await page.locator('.keys-panel').getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await shot(page, 'conflict');
    // The services refuse it too, whoever asks: the message names both actions; nothing is saved.
    const refused = await page.evaluate(async () => {
      const res = await fetch('/ipc/shortcuts.set', {
        method: 'POST',
        headers: { Authorization: `Bearer ${sessionStorage.getItem('dokuei.token')}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ overrides: { wlPreset2: 'L' } }),
      });
      return (await res.json()) as { ok: boolean; error?: { code: string; message: string } };
    });
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('INVALID_REQUEST');
    expect(refused.error?.message).toMatch(/L would trigger both "Window\/level preset 2 \(Lung W1500\/L−600\)" \(wlPreset2\) and "Tool: length" \(toolLength\)/);
    expect(savedShortcuts()).toBeUndefined();
  });

  it('rebinds the lung preset to Shift+L, resets one key, and saves to settings.json', async () => {
    await row('wlPreset2').getByRole('button', { name: 'Change' }).click();
    await page.keyboard.press('Shift+L');
    await expect.poll(() => row('wlPreset2').locator('[data-testid="keys-current"]').textContent()).toBe('Shift+L');
    expect(await page.locator('[data-testid="keys-conflicts"]').count()).toBe(0);
    // Change another key, then reset just that one.
    await row('invert').getByRole('button', { name: 'Change' }).click();
    await page.keyboard.press('j');
    await expect.poll(() => row('invert').locator('[data-testid="keys-current"]').textContent()).toBe('J');
    await row('invert').getByRole('button', { name: 'Reset' }).click();
    expect(await row('invert').locator('[data-testid="keys-current"]').textContent()).toBe('I');
    await page.locator('.keys-panel').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('[data-testid="keys-status"]').textContent()).toMatch(/^Saved/);
    expect(savedShortcuts()).toEqual({ wlPreset2: 'Shift+L' });
    await shot(page, 'saved');
    await page.locator('.keys-panel').getByRole('button', { name: 'Close' }).click();
    await panel().waitFor({ state: 'detached' });
  });

  it('after a reload, Shift+L sets the lung window and 2 no longer does', async () => {
    await page.reload();
    await openDemoSeries();
    const viewport = page.locator('.viewport');
    await viewport.focus();
    await page.keyboard.press('1');
    await expect.poll(voiText).toMatch(/W 80\s+L 40/);
    await page.keyboard.press('Shift+L');
    await expect.poll(voiText).toMatch(/W 1500\s+L -600/);
    // Shift+L is not the length tool: the tool stays window/level.
    expect(await viewport.getAttribute('data-tool')).toBe('WindowLevel');
    await page.keyboard.press('3');
    await expect.poll(voiText).toMatch(/W 2500\s+L 480/);
    await page.keyboard.press('2');
    // Give a would-be preset time to apply, then check nothing changed.
    await page.waitForTimeout(500);
    expect(await voiText()).toMatch(/W 2500\s+L 480/);
    await shot(page, 'after-reload');
    // The panel shows the saved key; "Reset all" then Save goes back to the defaults.
    await page.keyboard.press('?');
    await panel().waitFor();
    expect(await row('wlPreset2').locator('[data-testid="keys-current"]').textContent()).toBe('Shift+L');
    await page.locator('.keys-panel').getByRole('button', { name: 'Reset all to defaults' }).click();
    await page.locator('.keys-panel').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('[data-testid="keys-status"]').textContent()).toMatch(/^Saved/);
    expect(savedShortcuts()).toBeUndefined();
    expect(session.pageErrors).toEqual([]);
  });
});
