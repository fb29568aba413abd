/**
 * The Files panel reads only paths the reader picked (issue #16): a typed path is read once the reader
 * confirmed it in the panel, not when they cancel; a direct call to the host's IPC for /etc/passwd, from a
 * window that never picked it (or one that picked something else), is refused with PATH_NOT_PICKED naming it.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../common/ipc/errors';
import { WINDOW_HEADER } from '../../electron/browser-host/httpBridge';
import { MemorySecretStore } from '../../electron/services/secrets/secretStore';
import { repoRoot } from '../support/data';
import { startE2eSession, type E2eSession } from '../support/e2eSession';

const FIXTURES = path.join(repoRoot, 'test/fixtures/charsets');

describe('paths the reader picked', () => {
  let session: E2eSession;

  beforeAll(async () => {
    session = await startE2eSession({ prefix: 'dokuei-e2e-grants-', viewport: { width: 1400, height: 800 }, hostOptions: { secrets: new MemorySecretStore() } });
  });
  afterAll(() => session?.close());

  const ipc = async (channel: string, body: unknown, windowId: string) => {
    const res = await fetch(`${session.host.origin}/ipc/${channel}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.host.token}`, 'Content-Type': 'application/json', [WINDOW_HEADER]: windowId },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  };

  it('reads a typed path once the reader confirms it, and nothing when they cancel', async () => {
    const { page } = session;
    // The page's window id, as the host sees it: to call the IPC as that window below.
    let pageWindow: string | undefined;
    page.on('request', (r) => (pageWindow ??= r.headers()[WINDOW_HEADER]));
    await page.goto(session.host.url);
    await page.getByRole('button', { name: 'Files…' }).click();
    const file = path.join(FIXTURES, 'chrH31.dcm');
    await page.fill('textarea[name="paths"]', file);

    await page.getByRole('button', { name: 'Inspect', exact: true }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Allow reading typed paths' });
    await confirm.waitFor({ timeout: 30000 });
    expect(await confirm.locator('li').allTextContents()).toEqual([file]);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('.file-panel .banner.error').textContent(), { timeout: 30000 }).toBe('Not read: reading the typed paths was not allowed.');
    expect(await page.locator('table.inspect-table').count()).toBe(0);

    await page.getByRole('button', { name: 'Inspect', exact: true }).click();
    await confirm.getByRole('button', { name: 'Allow reading' }).click();
    const row = page.locator(`tr[data-file="${file}"]`);
    await row.waitFor({ timeout: 30000 });
    expect(await row.locator('td.patient').textContent()).toContain('H31EXAMPLE');
    expect(await confirm.count()).toBe(0);
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'e2e-path-grants.png') });

    // Picked once for this window: importing it asks nothing more.
    await page.getByRole('button', { name: 'Import into the local archive' }).click();
    await expect.poll(() => page.locator('.import-result').textContent(), { timeout: 30000 }).toContain('Imported 1');
    expect(await confirm.count()).toBe(0);

    // A direct call, not through the panel: refused for a window that picked nothing, and for the page's own
    // window, whose pick does not reach /etc/passwd.
    expect(pageWindow).toBeTruthy();
    for (const windowId of ['not-the-page', pageWindow!]) {
      for (const channel of ['files.inspect', 'store.importPaths']) {
        const answer = await ipc(channel, { paths: ['/etc/passwd'] }, windowId);
        expect(answer.ok, `${channel} as ${windowId}`).toBe(false);
        expect(answer.error?.code).toBe(ErrorCode.PathNotPicked);
        expect(answer.error?.message).toContain('/etc/passwd');
      }
    }
    // What the page picked is its own: another window cannot read it either.
    expect((await ipc('files.inspect', { paths: [file] }, 'not-the-page')).error?.code).toBe(ErrorCode.PathNotPicked);
    expect(session.pageErrors).toEqual([]);
  });
});
