/**
 * Issue 16, bad-input corpus in the viewer: corpus files the store keeps but no decoder can show (random bytes where
 * a JPEG, JPEG-LS, JPEG 2000 or HTJ2K frame should be) each in a series of its own, next to a good series. Opening each bad series
 * shows a clear message in the viewer; the good one still renders; the page throws nothing. Prints a
 * `corpus (viewer):` figures line for `npm run test:hardening`.
 *
 * Garbage JPEG 2000 / HTJ2K frames decode without an error but without the image (fewer values than rows × columns):
 * the viewer counts that as a failed load too. Not here: garbage RLE frames, which decode to noise (inspect checks
 * their headers; the viewer shows the noise).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badInputCorpus, isClearMessage } from '../../support/badInputs';
import { startE2eSession, type E2eSession } from '../../support/e2eSession';
import { nativeMr } from '../../support/incompleteInstances';
import { rewriteIdentity } from '../../support/rewriteUids';
import { waitForRenderedImage } from '../../support/viewerPage';

const ROOT = '1.2.826.0.1.3680043.9.7777.1617';
const STUDY = `${ROOT}.1`;
const BAD = ['garbage-frames-jpeg-random.dcm', 'garbage-frames-jpeg-ls-random.dcm', 'garbage-frames-jpeg-sof-lies.dcm', 'garbage-frames-j2k-random.dcm', 'garbage-frames-htj2k-random.dcm'];
const GOOD_SERIES = `${ROOT}.2.100`;
const seriesOf = (i: number) => `${ROOT}.2.${i + 1}`;

const figures = { tried: 0, clear: 0, unclear: 0, crashes: 0, hangs: 0 };

describe('bad input in the viewer', () => {
  let s: E2eSession;

  beforeAll(async () => {
    const corpus = new Map(badInputCorpus().map((f) => [f.name, f]));
    s = await startE2eSession({
      prefix: 'dokuei-e2e-badinput-',
      errorStacks: true,
      files: (dataDir) => {
        const files = BAD.map((name, i) => {
          const file = path.join(dataDir, name);
          writeFileSync(file, rewriteIdentity(corpus.get(name)!.bytes, { studyInstanceUid: STUDY, seriesInstanceUid: seriesOf(i), sopInstanceUid: `${seriesOf(i)}.1`, seriesDescription: name.replace(/\.dcm$/, ''), seriesNumber: i + 1 }));
          return file;
        });
        const good = path.join(dataDir, 'good.dcm');
        writeFileSync(good, rewriteIdentity(nativeMr({ sop: `${GOOD_SERIES}.1` }), { studyInstanceUid: STUDY, seriesInstanceUid: GOOD_SERIES, sopInstanceUid: `${GOOD_SERIES}.1`, seriesDescription: 'good', seriesNumber: 100 }));
        return [...files, good];
      },
    });
  });
  afterAll(async () => {
    console.log(`corpus (viewer): ${figures.tried} files tried / ${figures.clear} clear errors / unclear errors ${figures.unclear} / crashes ${figures.crashes} / hangs ${figures.hangs}`);
    await s?.close();
  });

  it('each bad series says why it cannot be shown, and the good one still renders', async () => {
    const { page, host } = s;
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text().slice(0, 300)}`));
    page.on('response', (r) => r.status() >= 400 && consoleLines.push(`HTTP ${r.status()} ${r.url().slice(-120)}`));
    await page.goto(host.url);
    const row = page.locator(`tr[data-study-uid="${STUDY}"]`);
    await row.waitFor({ timeout: 60000 });
    await row.click();
    const messages: Record<string, string> = {};
    for (const [i, name] of BAD.entries()) {
      figures.tried++;
      const item = page.locator(`li[data-series-uid="${seriesOf(i)}"]`);
      await item.waitFor({ timeout: 60000 });
      await item.click();
      const alert = page.locator('.stack-pane [role="alert"], [role="alert"]').first();
      try {
        await alert.waitFor({ timeout: 60000 });
      } catch {
        figures.hangs++;
        messages[name] = '(no message within 60 s)';
        continue;
      }
      const text = (await alert.innerText()).trim();
      const reason = text.replace(/^Could not open the series:\s*/, '');
      messages[name] = reason;
      if (isClearMessage(reason)) figures.clear++;
      else figures.unclear++;
    }
    // Every bad series has its own clear message.
    expect(Object.entries(messages).filter(([, m]) => !isClearMessage(m)), consoleLines.join('\n')).toEqual([]);
    // And the viewer still works: the good series renders.
    await page.locator(`li[data-series-uid="${GOOD_SERIES}"]`).click();
    await waitForRenderedImage(page);
  });

  it('the page throws nothing while it fails to decode them', () => {
    // cornerstone's image cache rethrew each decoder failure into a promise nobody awaited (an unhandled
    // rejection: "87400", "the leading start byte (0xFF) for a JPEG marker was not found"), until
    // patches/@cornerstonejs+core+5.14.0.patch.
    figures.crashes += s.pageErrors.length;
    expect(s.pageErrors).toEqual([]);
  });
});
