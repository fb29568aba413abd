/**
 * Names as the reader sees them in the study list: the PS3.5 Annex H/I files (ISO 2022 IR 13/87, UTF-8,
 * Latin-1) imported into the local store, decoded exactly, each group shown (list text + tooltip).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/services/secrets/secretStore';
import { importPaths } from '../../electron/services/store/importPaths';
import { repoRoot } from '../support/data';
import { startE2eSession, type E2eSession } from '../support/e2eSession';

const FIXTURES = path.join(repoRoot, 'test/fixtures/charsets');

// From shared/data/japanese_charsets/MANIFEST.txt: patient ID → [list text, the three groups in the tooltip].
const EXPECTED: Record<string, [string, string]> = {
  H31EXAMPLE: ['Yamada Tarou (山田 太郎)', 'Yamada^Tarou = 山田^太郎 = やまだ^たろう'],
  H32EXAMPLE: ['ﾔﾏﾀﾞ ﾀﾛｳ (山田 太郎)', 'ﾔﾏﾀﾞ^ﾀﾛｳ = 山田^太郎 = やまだ^たろう'],
  '2008-4': ['やまだ たろう', 'やまだ^たろう'],
  X1EXAMPLE: ['Wang XiaoDong (王 小東)', 'Wang^XiaoDong = 王^小東'],
  SCSFREN: ['Buc Jérôme', 'Buc^Jérôme'],
  SCSGERM: ['Äneas Rüdiger', 'Äneas^Rüdiger'],
};

describe('person names in the study list', () => {
  let session: E2eSession;
  const newPage = () => session.browser.newPage({ viewport: { width: 1500, height: 800 } });

  beforeAll(async () => {
    session = await startE2eSession({ prefix: 'dokuei-e2e-names-', viewport: { width: 1500, height: 800 }, hostOptions: { secrets: new MemorySecretStore() } });
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.dcm')).map((f) => path.join(FIXTURES, f));
    const result = await importPaths(session.host.services.store, files);
    // The two sequence-encoding files have no study: they are refused with a reason, the rest imported (so not by the session, which wants every file in).
    expect(result.failed.map((f) => path.basename(f.path)).sort()).toEqual(['chrSQEncoding.dcm', 'chrSQEncoding1.dcm']);
  });

  afterAll(() => session?.close());

  it('decodes every name exactly and shows all its groups', async () => {
    const { page } = session;
    await page.goto(session.host.url);
    for (const [patientId, [text, groups]] of Object.entries(EXPECTED)) {
      const row = page.locator('tr[data-study-uid]', { has: page.locator(`td[title="${patientId}"]`) });
      await row.waitFor({ timeout: 60000 });
      const cell = row.locator('td.patient-name');
      expect(await cell.textContent(), patientId).toBe(text);
      expect(await cell.getAttribute('title'), patientId).toBe(groups);
    }
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'e2e-japanese-names.png') });
  });

  it('finds a patient by the kanji or kana of the name', async () => {
    const page = await newPage();
    await page.goto(session.host.url);
    await page.locator('tr[data-study-uid]').first().waitFor({ timeout: 60000 });
    for (const [query, ids] of [
      ['山田', ['H31EXAMPLE', 'H32EXAMPLE']],
      ['やまだ', ['2008-4', 'H31EXAMPLE', 'H32EXAMPLE']],
      ['王', ['X1EXAMPLE']],
    ] as const) {
      await page.fill('input[name="patientName"]', query);
      await page.click('button[type="submit"]');
      await expect
        .poll(async () => (await page.locator('tr[data-study-uid] td:nth-child(2)').allTextContents()).sort(), { timeout: 30000 })
        .toEqual([...ids].sort());
    }
  });

  it('the file inspector shows names inside sequence items, decoded with the set that applies there', async () => {
    const page = await newPage();
    await page.goto(session.host.url);
    await page.click('button:has-text("Files…")');
    const files = ['chrSQEncoding.dcm', 'chrSQEncoding1.dcm', 'chrH32.dcm'].map((f) => path.join(FIXTURES, f));
    await page.fill('textarea[name="paths"]', [...files, '/no/such/file.dcm'].join('\n'));
    await page.click('button:has-text("Inspect")');
    // Typed paths are read only once the reader allowed them (issue #16).
    await page.click('button:has-text("Allow reading")');
    const sqRow = page.locator(`tr[data-file="${files[0]}"]`);
    await sqRow.waitFor({ timeout: 30000 });
    const item = '(0032,1064)[1].(0010,0010)';
    for (const f of files.slice(0, 2)) {
      expect(await page.locator(`tr[data-file="${f}"] div[data-path="${item}"]`).textContent()).toBe(`${item} ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう`);
    }
    expect(await sqRow.locator('div[data-path="(0032,1032)"]').textContent()).toContain('Doctor^Who^^MD');
    expect(await page.locator(`tr[data-file="${files[2]}"] td.patient`).textContent()).toBe('H32EXAMPLE ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう');
    expect(await page.locator('tr[data-file="/no/such/file.dcm"] td.error').textContent()).toBe('No such file');
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'e2e-file-inspector.png') });

    await page.click('button:has-text("Import into the local archive")');
    await expect.poll(() => page.locator('.import-result').textContent(), { timeout: 30000 }).toContain('3 refused');
    expect(await page.locator('.import-result').textContent()).toContain('/no/such/file.dcm: No such file or folder');
  });
});
