/**
 * The audit panel as a reader uses it (issue #15): a session searches and opens the demo study, then
 * Ctrl+Shift+A opens the panel over the records that produced; filters by patient, event and day narrow it to
 * the expected rows, the keyboard moves in the table, a record's detail shows the stored message and its chain
 * hash, the chain status says intact, Esc closes, and every listing the panel made is itself in the log (Audit
 * Log Used, once per listing). A screenshot of the panel is checked for real pixels.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeAuditXml } from '../../common/audit/summary';
import { demoCtDir } from '../support/data';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { decodePng } from '../support/png';
import { waitForRenderedImage } from '../support/viewerPage';

const PATIENT = 'LIDC-IDRI-0314';

/** YYYY-MM-DD of a local day, as a date input takes it. */
const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

describe('the audit panel', () => {
  let session: E2eSession;
  let page: Page;
  /** Listings the panel was asked for (open, each Apply): each one must be one Audit Log Used record. */
  let listings = 0;
  const panel = () => page.locator('[role="dialog"][aria-label="Audit trail"]');
  const rows = () => panel().locator('tbody tr[data-audit-index]');
  const chain = () => panel().locator('[data-testid="audit-chain"]');
  const logRecords = async () => (await session.host.services.audit.records()).map((r) => ({ ...r, ...summarizeAuditXml(r.xml) }));
  /** Waits for the listing that the last action asked for to be on screen (the count line follows each answer). */
  const settled = async () => {
    await panel().locator('[data-testid="audit-count"]').waitFor({ timeout: 30000 });
    await expect.poll(() => panel().locator('.audit-list').getAttribute('aria-busy')).not.toBe('true');
  };
  const apply = async () => {
    await panel().locator('input[name="patient"]').press('Enter');
    listings++;
    await settled();
  };

  beforeAll(async () => {
    session = await startE2eSession({ prefix: 'dokuei-e2e-audit-', seedDemo: true, hostOptions: { demoDir: demoCtDir() }, viewport: { width: 1500, height: 900 } });
    page = session.page;
    await page.goto(session.host.url);
    // The session: the study list's search (Query), then the study opened in the viewer (Instances Accessed).
    const study = page.locator('tr[data-study-uid]', { hasText: PATIENT });
    await study.waitFor({ timeout: 60000 });
    await study.click();
    await page.keyboard.press('Enter');
    await waitForRenderedImage(page);
    // (expect.poll only runs inside a test.) The opening is recorded in the background: wait for it.
    const deadline = Date.now() + 30000;
    while (!(await logRecords()).some((r) => r.eventId === '110103' && r.patientIds?.includes(PATIENT))) {
      if (Date.now() > deadline) throw new Error('The study opening was never recorded');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(() => session?.close());

  it('opens with Ctrl+Shift+A: the session’s records newest first, and the chain intact', async () => {
    await page.locator('body').focus();
    await page.keyboard.press('Control+Shift+A');
    await panel().waitFor({ timeout: 10000 });
    listings++;
    await settled();
    // The focus is in the first filter field, ready to type.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('patient');
    const indices = await rows().evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-audit-index'))));
    await expect.poll(() => chain().textContent(), { timeout: 30000 }).toMatch(/^Chain intact — \d+ records$/);
    // The chain is checked just before the listing reads the log: both count the same records.
    const checked = Number(/(\d+) records/.exec((await chain().textContent())!)![1]);
    expect(await panel().locator('[data-testid="audit-count"] span').textContent()).toBe(`${indices.length} of ${checked} records`);
    expect(indices.length).toBeGreaterThanOrEqual(3);
    expect(indices).toEqual([...indices].sort((a, b) => b - a));
    // The time column's header sorts: oldest first, then back.
    const sort = panel().locator('th[aria-sort] button');
    await sort.click();
    listings++;
    await expect.poll(() => panel().locator('th[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
    await settled();
    const ascending = await rows().evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-audit-index'))));
    expect(ascending.slice(0, indices.length)).toEqual([...indices].reverse());
    await sort.click();
    listings++;
    await expect.poll(() => panel().locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
    await settled();
    const events = await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-event-id')));
    expect(events).toContain('110100'); // Application Start
    expect(events).toContain('110112'); // the study list's search
    expect(events).toContain('110103'); // the study opened
  });

  it('filters by patient: only the records about that patient', async () => {
    await panel().locator('input[name="patient"]').fill('idri-0314');
    await apply();
    const patients = await panel().locator('[data-testid="audit-patients"]').allTextContents();
    expect(patients.length).toBeGreaterThanOrEqual(1);
    for (const p of patients) expect(p).toContain(PATIENT);
    const expected = (await logRecords()).filter((r) => r.patientIds?.includes(PATIENT)).map((r) => r.index).sort((a, b) => b - a);
    expect(await rows().evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-audit-index'))))).toEqual(expected);
    expect(await rows().first().getAttribute('data-event-id')).toBe('110103');

    await panel().locator('input[name="patient"]').fill('nobody-here');
    await apply();
    expect(await rows().count()).toBe(0);
    expect(await panel().locator('.audit-empty').textContent()).toBe('No records match.');
  });

  it('filters by event (Enter in the event list applies) and by day', async () => {
    await panel().locator('input[name="patient"]').fill('');
    await panel().locator('select[name="event"]').selectOption('110112');
    await panel().locator('select[name="event"]').press('Enter');
    listings++;
    await settled();
    const queryRows = (await logRecords()).filter((r) => r.eventId === '110112').length;
    expect(await rows().count()).toBe(queryRows);
    for (const id of await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-event-id')))) expect(id).toBe('110112');

    const today = new Date();
    const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
    await panel().locator('input[name="from"]').fill(localDay(tomorrow));
    await apply();
    expect(await rows().count()).toBe(0);
    expect(await panel().locator('.audit-empty').textContent()).toBe('No records match.');

    await panel().locator('input[name="from"]').fill(localDay(today));
    await panel().locator('input[name="to"]').fill(localDay(today));
    await apply();
    expect(await rows().count()).toBe(queryRows);

    // A reversed range is refused in the form, with no listing asked for.
    await panel().locator('input[name="from"]').fill(localDay(tomorrow));
    await panel().locator('input[name="patient"]').press('Enter');
    expect(await panel().locator('[data-testid="audit-form-error"]').textContent()).toBe('The "From" day is after the "To" day.');
    await panel().locator('input[name="from"]').fill(localDay(today));
    await apply();
    expect(await panel().locator('[data-testid="audit-form-error"]').count()).toBe(0);
  });

  it('moves with the arrow keys and shows the selected record’s message and chain hash', async () => {
    await panel().getByRole('button', { name: 'Clear' }).click();
    listings++;
    await settled();
    await panel().locator('input[name="patient"]').fill(PATIENT);
    await apply();
    // Tab from the filters reaches the table; the arrows move the selection.
    const first = rows().first();
    await first.focus();
    await expect.poll(() => first.getAttribute('aria-selected')).toBe('true');
    const count = await rows().count();
    if (count > 1) {
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => rows().nth(1).getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('ArrowUp');
      await expect.poll(() => first.getAttribute('aria-selected')).toBe('true');
    }
    const index = Number(await first.getAttribute('data-audit-index'));
    const detail = panel().locator('[data-testid="audit-detail"]');
    await expect.poll(() => detail.locator('h3').textContent(), { timeout: 10000 }).toBe(`Record ${index}`);
    const stored = (await session.host.services.audit.records()).find((r) => r.index === index)!;
    expect(await detail.locator('[data-testid="audit-hash"]').textContent()).toBe(stored.hash);
    const xml = (await detail.locator('[data-testid="audit-xml"]').textContent())!;
    expect(xml.split('\n')[0]).toBe('<AuditMessage>');
    expect(xml).toContain(`ParticipantObjectID="${PATIENT}"`);
    expect(xml).toContain('csd-code="110103"');

    const shot = await panel().screenshot({ path: path.join(shotsDir, 'e2e-audit-panel.png') });
    writeFileSync('/tmp/e2e-audit-panel.png', shot);
    const png = decodePng(shot);
    // Real pixels: text and table over the panel background, and the chain line in its green.
    const bg = [0x11, 0x14, 0x18];
    let ink = 0;
    let green = 0;
    const colours = new Set<number>();
    for (let i = 0; i < png.pixels.length; i += png.channels) {
      const [r, g, b] = [png.pixels[i]!, png.pixels[i + 1]!, png.pixels[i + 2]!];
      colours.add((r << 16) | (g << 8) | b);
      if (Math.abs(r - bg[0]!) + Math.abs(g - bg[1]!) + Math.abs(b - bg[2]!) > 60) ink++;
      if (g > 150 && g - r > 60 && g - b > 20) green++;
    }
    expect(png.width).toBeGreaterThan(600);
    expect(ink / (png.width * png.height)).toBeGreaterThan(0.01);
    expect(colours.size).toBeGreaterThan(50);
    expect(green).toBeGreaterThan(50);
  });

  it('Esc closes it; each listing it made is one Audit Log Used record, and the chain is still intact', async () => {
    await rows().first().focus();
    await page.keyboard.press('Escape');
    await panel().waitFor({ state: 'detached', timeout: 10000 });
    await expect.poll(async () => (await logRecords()).filter((r) => r.eventId === '110101').length, { timeout: 10000 }).toBe(listings);
    const used = (await logRecords()).filter((r) => r.eventId === '110101');
    expect(used[0]!.xml).toContain(session.host.services.audit.uri);
    expect((await session.host.services.audit.verify()).ok).toBe(true);
    // The header button opens it again.
    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    await panel().waitFor();
    await settled();
    expect(session.pageErrors).toEqual([]);
  });
});
