/**
 * The UI in Japanese and English (issue #18). A browser whose language is Japanese opens the study browser in
 * Japanese (html lang, header, search form, column heads) with a Japanese patient name (ISO 2022 IR 87, from
 * ../shared/data/japanese_charsets when present, else the same committed files) in its ideographic form first;
 * switching to English in the header changes every one of those in place, and the page keeps its state: the typed
 * filter, the selected study and its series strip. What the services say (an import refusal) reads in the reader's
 * language too, and changes with the switch.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedDataDir } from '../support/data';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';

const shared = sharedDataDir('japanese_charsets');
const CHARSETS = shared && existsSync(path.join(shared, 'chrH31.dcm')) ? shared : path.join(repoRoot, 'test/fixtures/charsets');

describe('Japanese and English', () => {
  let s: E2eSession;

  beforeAll(async () => {
    s = await startE2eSession({
      prefix: 'dokuei-e2e-lang-',
      locale: 'ja-JP',
      skipNotDicom: true,
      files: () => ['chrH31.dcm', 'chrH32.dcm', 'chrX1.dcm'].map((f) => path.join(CHARSETS, f)).filter((f) => readdirSync(path.dirname(f)).includes(path.basename(f))),
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('opens in Japanese for a Japanese browser, and switches to English live keeping the page as it was', async () => {
    const { page, host } = s;
    await page.goto(host.url);
    const row = page.locator('tr[data-study-uid]', { has: page.locator('td[title="H31EXAMPLE"]') });
    await row.waitFor({ timeout: 60000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    await expect.poll(() => page.locator('.app-header').textContent()).toContain('ファイル…');
    expect(await page.getByRole('table', { name: '検査' }).count()).toBe(1);
    expect(await page.getByRole('columnheader', { name: /患者/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '検索', exact: true }).count()).toBe(1);
    // The name in its ideographic form first, every group in the tooltip.
    const name = row.locator('td.patient-name');
    expect(await name.textContent()).toBe('山田 太郎 (Yamada Tarou)');
    expect(await name.getAttribute('title')).toBe('Yamada^Tarou = 山田^太郎 = やまだ^たろう');

    // Some state: a filter typed (not searched), a study selected with its series shown.
    await page.getByLabel('氏名').fill('山田*');
    await row.click();
    await expect.poll(() => row.getAttribute('aria-selected')).toBe('true');
    await page.locator('li[data-series-uid]').first().waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(shotsDir, 'e2e-study-browser-ja.png') });

    await page.getByRole('combobox', { name: 'Language / 言語' }).selectOption('en');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => page.locator('.app-header').textContent()).toContain('Files…');
    expect(await page.getByRole('table', { name: 'Studies' }).count()).toBe(1);
    expect(await name.textContent()).toBe('Yamada Tarou (山田 太郎)');
    // The same page: the typed filter, the selection and the series strip are still there.
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('山田*');
    expect(await row.getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('li[data-series-uid]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shotsDir, 'e2e-study-browser-en.png') });

    // The choice is kept: a reload stays in English although the browser is Japanese.
    await page.reload();
    await row.waitFor({ timeout: 60000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(s.pageErrors).toEqual([]);
  });

  it("words what the services say in the reader's language: an import refusal in Japanese, then in English", async () => {
    const { page, host } = s;
    await page.goto(host.url);
    await page.getByRole('combobox', { name: 'Language / 言語' }).selectOption('ja');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('ja');
    await page.getByRole('button', { name: 'ファイル…' }).click();
    const missing = '/no/such/dokuei-file.dcm';
    await page.fill('textarea[name="paths"]', missing);
    await page.getByRole('button', { name: 'ローカルアーカイブに取り込み' }).click();
    const confirm = page.getByRole('alertdialog', { name: '入力したパスの読み取りを許可' });
    await confirm.waitFor({ timeout: 30000 });
    await confirm.getByRole('button', { name: '読み取りを許可' }).click();
    const result = page.locator('.import-result');
    await result.waitFor({ timeout: 30000 });
    // The services' reason ("No such file or folder", services.fs.noSuchFile) in Japanese, beside the path.
    expect(await result.locator('li').allTextContents()).toEqual([`${missing}: ファイルまたはフォルダがありません`]);
    await page.getByRole('combobox', { name: 'Language / 言語' }).selectOption('en');
    await expect.poll(() => result.locator('li').allTextContents()).toEqual([`${missing}: No such file or folder`]);
    expect(s.pageErrors).toEqual([]);
  });
});
