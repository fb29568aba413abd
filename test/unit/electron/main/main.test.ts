/**
 * Runs the real main.ts against a recording fake of 'electron' (and of electron-store, which imports
 * electron itself), with real services on a temporary userData folder. Checks the wiring the pure-module
 * tests cannot: what is registered before 'ready', which handlers end up installed, and that they behave.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electronEventChannel, electronRequestChannel, requestChannels } from '../../../../common/ipc/contract';
import { ErrorCode } from '../../../../common/ipc/errors';
import { APP_CONTENT_SECURITY_POLICY } from '../../../../electron/main/csp';
import { APP_ENTRY_URL, PRIVILEGED_SCHEMES } from '../../../../electron/main/schemes';
import { secureWebPreferences } from '../../../../electron/main/webPreferences';
import { fakeInvokeEvent } from './fakes';

const fake = vi.hoisted(() => {
  type Fn = (...args: unknown[]) => unknown;
  interface FakeWindow {
    url: string;
    focused: number;
    sent: Array<[string, unknown]>;
    options: { webPreferences?: unknown };
  }
  const s = {
    lock: true,
    userData: '',
    appPath: '',
    packaged: false,
    order: [] as string[],
    appListeners: new Map<string, Fn[]>(),
    ready: [] as Array<() => void>,
    quits: 0,
    exits: [] as number[],
    errorBoxes: [] as string[],
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, (r: Request) => Promise<Response>>(),
    ipcHandlers: new Map<string, Fn>(),
    windows: [] as FakeWindow[],
    permissionRequest: undefined as Fn | undefined,
    permissionCheck: undefined as Fn | undefined,
    devicePermission: undefined as Fn | undefined,
    opened: [] as string[],
    /** What the fake open dialog answers, and the native confirm's button (0 Allow, 1 Cancel); what each showed. */
    dialogPicks: [] as string[],
    confirmResponse: 1,
    messageBoxes: [] as Array<{ message: string; detail: string }>,
  };
  class BrowserWindow {
    static getAllWindows = () => s.windows;
    url = '';
    focused = 0;
    sent: Array<[string, unknown]> = [];
    webContents = { send: (channel: string, payload: unknown) => this.sent.push([channel, payload]) };
    constructor(readonly options: { webPreferences?: unknown }) {
      s.windows.push(this);
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    getBounds() {
      return { x: 0, y: 0, width: 1440, height: 900 };
    }
    once() {}
    on() {}
    show() {}
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {
      this.focused++;
    }
  }
  const electron = {
    app: {
      requestSingleInstanceLock: () => {
        s.order.push('requestSingleInstanceLock');
        return s.lock;
      },
      quit: () => {
        s.quits++;
      },
      exit: (code: number) => s.exits.push(code),
      isReady: () => true,
      get isPackaged() {
        return s.packaged;
      },
      on: (name: string, fn: Fn) => {
        s.appListeners.set(name, [...(s.appListeners.get(name) ?? []), fn]);
      },
      whenReady: () => {
        s.order.push('whenReady');
        return new Promise<void>((resolve) => s.ready.push(resolve));
      },
      getPath: (name: string) => (name === 'userData' ? s.userData : `/unexpected/${name}`),
      getAppPath: () => s.appPath,
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        s.order.push('registerSchemesAsPrivileged');
        s.schemes.push(schemes);
      },
      handle: (scheme: string, handler: (r: Request) => Promise<Response>) => {
        s.protocolHandlers.set(scheme, handler);
      },
    },
    ipcMain: {
      handle: (channel: string, fn: Fn) => {
        if (s.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
        s.ipcHandlers.set(channel, fn);
      },
      removeHandler: (channel: string) => s.ipcHandlers.delete(channel),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Fn) => (s.permissionRequest = fn),
        setPermissionCheckHandler: (fn: Fn) => (s.permissionCheck = fn),
        setDevicePermissionHandler: (fn: Fn) => (s.devicePermission = fn),
      },
    },
    shell: { openExternal: async (url: string) => void s.opened.push(url) },
    // A reversible stand-in for the OS keychain: enough to prove secrets are never written in plain text.
    // The async API only (the sync one is deprecated), on a real keyring backend (never basic_text).
    safeStorage: {
      isAsyncEncryptionAvailable: async () => true,
      encryptStringAsync: async (plain: string) => Buffer.from(`enc:${Buffer.from(plain).toString('base64')}`),
      decryptStringAsync: async (data: Buffer) => ({ result: Buffer.from(data.toString().slice(4), 'base64').toString(), shouldReEncrypt: false }),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    },
    dialog: {
      showErrorBox: (_title: string, message: string) => s.errorBoxes.push(message),
      showOpenDialog: async (...args: unknown[]) => {
        void args;
        return { canceled: s.dialogPicks.length === 0, filePaths: s.dialogPicks };
      },
      showMessageBox: async (...args: unknown[]) => {
        s.messageBoxes.push(args[args.length - 1] as { message: string; detail: string });
        return { response: s.confirmResponse };
      },
    },
    BrowserWindow,
    screen: {
      getPrimaryDisplay: () => ({ id: 1 }),
      getAllDisplays: () => [
        { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 }, scaleFactor: 1 },
        { id: 2, bounds: { x: 1920, y: 0, width: 2560, height: 1440 }, workArea: { x: 1920, y: 0, width: 2560, height: 1440 }, scaleFactor: 1 },
      ],
    },
  };
  return { s, electron };
});

vi.mock('electron', () => fake.electron);
vi.mock('electron-store', () => ({
  // No PACS and no demo: keeps start-up fast and the store empty.
  default: class {
    store: Record<string, unknown> = { seedDemo: false };
    path = '/fake/userData/settings.json';
  },
}));

const s = fake.s;
const repoRoot = path.resolve(__dirname, '../../../..');

async function loadMain(): Promise<void> {
  vi.resetModules();
  await import('../../../../electron/main/main');
}

async function startApp() {
  await loadMain();
  for (const resolve of s.ready) resolve();
  await vi.waitFor(() => {
    if (s.windows.length === 0 && s.exits.length === 0) throw new Error('not started yet');
  });
  expect(s.errorBoxes).toEqual([]);
}

describe('electron main', () => {
  beforeEach(async () => {
    s.lock = true;
    s.userData = await mkdtemp(path.join(os.tmpdir(), 'dokuei-main-'));
    s.appPath = repoRoot;
    s.packaged = false;
    s.order.length = 0;
    s.appListeners.clear();
    s.ready.length = 0;
    s.quits = 0;
    s.exits.length = 0;
    s.errorBoxes.length = 0;
    s.schemes.length = 0;
    s.protocolHandlers.clear();
    s.ipcHandlers.clear();
    s.windows.length = 0;
    s.opened.length = 0;
    s.dialogPicks = [];
    s.confirmResponse = 1;
    s.messageBoxes.length = 0;
    s.permissionRequest = s.permissionCheck = s.devicePermission = undefined;
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(s.userData, { recursive: true, force: true });
  });

  it('registers the privileged schemes at load, before waiting for ready', async () => {
    await loadMain();
    expect(s.schemes).toEqual([PRIVILEGED_SCHEMES]);
    expect(s.order.indexOf('registerSchemesAsPrivileged')).toBe(0);
    expect(s.order).toContain('whenReady');
  });

  it('quits at once, and wires nothing, when another instance holds the lock', async () => {
    s.lock = false;
    await loadMain();
    expect(s.quits).toBe(1);
    expect(s.order).not.toContain('whenReady');
    expect(s.appListeners.size).toBe(0);
  });

  it('focuses the existing window when a second instance starts', async () => {
    await startApp();
    for (const fn of s.appListeners.get('second-instance') ?? []) fn({}, [], '/');
    expect(s.windows[0]!.focused).toBe(1);
  });

  it('opens one window on app://dokuei/index.html with the secure web preferences', async () => {
    await startApp();
    expect(s.windows).toHaveLength(1);
    expect(s.windows[0]!.url).toBe(APP_ENTRY_URL);
    expect(s.windows[0]!.options.webPreferences).toEqual(
      secureWebPreferences(path.join(repoRoot, 'dist/electron/preload.cjs'), { devTools: true }),
    );
  });

  it('gives a packaged build no DevTools, and a development run DevTools', async () => {
    await startApp();
    expect(s.windows[0]!.options.webPreferences).toMatchObject({ devTools: true });
    s.packaged = true;
    s.windows.length = 0;
    for (const fn of s.appListeners.get('activate') ?? []) fn();
    expect(s.windows).toHaveLength(1);
    expect(s.windows[0]!.options.webPreferences).toMatchObject({ devTools: false, sandbox: true, contextIsolation: true });
  });

  it('denies every permission request and check', async () => {
    await startApp();
    const answers: boolean[] = [];
    s.permissionRequest!({}, 'media', (granted: boolean) => answers.push(granted), {});
    s.permissionRequest!({}, 'notifications', (granted: boolean) => answers.push(granted), {});
    expect(answers).toEqual([false, false]);
    expect(s.permissionCheck!({}, 'clipboard-read', 'app://dokuei', {})).toBe(false);
    expect(s.devicePermission!({ deviceType: 'usb' })).toBe(false);
  });

  it('blocks foreign navigation and every new window on all web contents', async () => {
    await startApp();
    const listeners = new Map<string, (event: { url: string; preventDefault(): void }) => void>();
    let openHandler: ((details: { url: string }) => unknown) | undefined;
    const contents = {
      on: (name: string, fn: (event: { url: string; preventDefault(): void }) => void) => listeners.set(name, fn),
      setWindowOpenHandler: (fn: (details: { url: string }) => unknown) => (openHandler = fn),
    };
    for (const fn of s.appListeners.get('web-contents-created') ?? []) fn({}, contents);

    const navigate = (event: string, url: string) => {
      const preventDefault = vi.fn();
      listeners.get(event)!({ url, preventDefault });
      return preventDefault.mock.calls.length > 0;
    };
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-navigate', 'app://dokuei/index.html')).toBe(false);
    expect(navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(navigate('will-attach-webview', 'app://dokuei/index.html')).toBe(true);
    expect(openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'app://dokuei/index.html' })).toEqual({ action: 'deny' });
    expect(s.opened).toEqual([]);
  });

  it('binds every contract channel, answering our UI and refusing others', async () => {
    await startApp();
    expect([...s.ipcHandlers.keys()].sort()).toEqual(requestChannels().map((e) => electronRequestChannel(e.channel)).sort());
    const handler = s.ipcHandlers.get(electronRequestChannel('app.getInfo'))!;
    const ok = await handler(fakeInvokeEvent('app://dokuei/index.html').event, {});
    expect(ok).toMatchObject({ ok: true, value: { name: 'Dokuei', host: 'electron', dataPlaneBaseUrl: 'dicomweb://local' } });
    const refused = await handler(fakeInvokeEvent('https://evil.example/').event, {});
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.Forbidden } });
  });

  it('opens a second window of the app on the other, larger monitor (multi-monitor reading)', async () => {
    await startApp();
    expect(s.windows).toHaveLength(1);
    // The main window opens centred on the primary monitor (the first start: nothing remembered yet).
    const main = s.windows[0]!.options as { x?: number; width?: number };
    expect(main.x).toBeGreaterThanOrEqual(0);
    expect(main.x! + main.width!).toBeLessThanOrEqual(1920);
    const result = await s.ipcHandlers.get(electronRequestChannel('app.openWindow'))!(fakeInvokeEvent('app://dokuei/index.html').event, {});
    expect(result).toMatchObject({ ok: true, value: { opened: true } });
    expect(s.windows).toHaveLength(2);
    expect(s.windows[1]!.url).toBe(APP_ENTRY_URL);
    expect(s.windows[1]!.options).toMatchObject({ x: 1920, y: 0, width: 2560, height: 1440 });
  });

  it('serves the data plane from the local store on dicomweb://local', async () => {
    await startApp();
    const res = await s.protocolHandlers.get('dicomweb')!(new Request('dicomweb://local/studies', { headers: { Origin: 'app://dokuei' } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('app://dokuei');
    expect(await res.json()).toEqual([]);
  });

  it('serves app:// with the CSP header', async () => {
    await startApp();
    const res = await s.protocolHandlers.get('app')!(new Request('app://dokuei/index.html'));
    // 200 once the renderer is built, 503 before: either way the policy is on the response.
    expect([200, 503]).toContain(res.status);
    if (res.status === 200) expect(res.headers.get('content-security-policy')).toBe(APP_CONTENT_SECURITY_POLICY);
  });

  it('tells every window when the store changes', async () => {
    await startApp();
    const handler = s.ipcHandlers.get(electronRequestChannel('store.importPaths'))!;
    const demo = path.join(repoRoot, 'resources/demo/ct_000176.dcm');
    // Picked in the (fake) open dialog first: import reads only what the reader picked.
    s.dialogPicks = [demo];
    await s.ipcHandlers.get(electronRequestChannel('files.choose'))!(fakeInvokeEvent('app://dokuei/index.html').event, { folders: false });
    const result = await handler(fakeInvokeEvent('app://dokuei/index.html').event, { paths: [demo] });
    expect(result).toMatchObject({ ok: true, value: { imported: 1 } });
    // Store changes are batched (a retrieve stores instances one by one), so the event follows shortly.
    await expect.poll(() => s.windows[0]!.sent).toContainEqual([electronEventChannel('storeChanged'), { studies: 1, instances: 1 }]);
  });
  it('reads only paths the reader picked: an open-dialog pick, or a typed path allowed in the native dialog', async () => {
    await startApp();
    const call = (channel: Parameters<typeof electronRequestChannel>[0], req: unknown, windowId = 7) =>
      s.ipcHandlers.get(electronRequestChannel(channel))!(fakeInvokeEvent('app://dokuei/index.html', windowId).event, req) as Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
    const demoDir = path.join(repoRoot, 'resources/demo');
    const demo = path.join(demoDir, 'ct_000176.dcm');

    const refused = await call('files.inspect', { paths: ['/etc/passwd'] });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.PathNotPicked } });
    expect(refused.error!.message).toContain('/etc/passwd');

    // A typed path the reader declines in main's own dialog is not granted, whatever the page asked.
    s.confirmResponse = 1;
    expect(await call('files.grant', { paths: ['/etc'] })).toEqual({ ok: true, value: { granted: [] } });
    expect(s.messageBoxes.at(-1)!.detail).toContain('/etc');
    expect(await call('files.inspect', { paths: ['/etc/passwd'] })).toMatchObject({ ok: false, error: { code: ErrorCode.PathNotPicked } });

    // Allowed: the folder and what is in it, for this window only.
    s.confirmResponse = 0;
    expect(await call('files.grant', { paths: [demoDir] })).toMatchObject({ ok: true, value: { granted: [demoDir] } });
    expect(await call('files.inspect', { paths: [demo] })).toMatchObject({ ok: true, value: [{ file: demo, ok: true }] });
    expect(await call('files.inspect', { paths: [demo] }, 8)).toMatchObject({ ok: false, error: { code: ErrorCode.PathNotPicked } });
    expect(await call('files.inspect', { paths: [`${demoDir}/../../../../etc/passwd`] })).toMatchObject({ ok: false, error: { code: ErrorCode.PathNotPicked } });
  });
});
