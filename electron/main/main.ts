/**
 * Electron main process: the only module that imports 'electron' at runtime. It wires the pure pieces
 * (schemes, guards, protocol handlers, IPC binder, web preferences) to Electron and starts the services.
 * Anything with logic lives in those modules, where plain-Node tests can reach it.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, screen, session, shell, type OpenDialogOptions, type WebContents } from 'electron';
import ElectronStore from 'electron-store';
import { electronEventChannel } from '../../common/ipc/contract';
import { createServices } from '../services/app/createServices';
import { nodeHealthRows } from '../services/app/handlers';
import { PathGrants } from '../services/app/pathGrants';
import { confirmPathsMessage, withNativeFileGrants, type NativeFileDialogs } from './pathGrantsIpc';
import { VERSION } from '../services/version';
import { ElectronStoreSettings } from './electronStoreSettings';
import { appKeySources, migrateSafeStorageSecrets } from './safeStorageSecrets';
import { openDataFolder } from '../services/custody/openFolder';
import {
  EXTERNAL_URL_ALLOW_LIST,
  isAllowedExternalUrl,
  isAllowedNavigation,
  isTrustedIpcSender,
  permissionDecision,
  windowOpenDecision,
} from './guards';
import { bindIpc } from './ipcBinding';
import { createAppHandler, createDataPlaneHandler } from './protocolHandlers';
import { APP_ENTRY_URL, APP_SCHEME, DATA_PLANE_BASE_URL, DATA_PLANE_SCHEME, PRIVILEGED_SCHEMES } from './schemes';
import { secureWebPreferences } from './webPreferences';
import { parseSavedPlacements, placementFor, rememberPlacement, type DisplayInfo, type Placement, type WindowRole } from './windowPlacement';

const log = (message: string) => console.error(`[dokuei] ${message}`);

// Must happen before 'ready', and synchronously at the top of the module: with an ESM entry point the
// 'ready' event may fire as soon as this module first awaits.
protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);

let mainWindow: BrowserWindow | undefined;

/** What each window may read from disk: only what the reader picked in a dialog of ours (see pathGrantsIpc.ts). */
const pathGrants = new PathGrants();

/** The window whose page has this IPC window id (its WebContents id); dialogs are modal to it. */
const windowOf = (windowId: string): BrowserWindow | undefined => BrowserWindow.getAllWindows().find((w) => String(w.webContents.id) === windowId);

const nativeFileDialogs: NativeFileDialogs = {
  async confirmPaths(windowId, paths) {
    const { message, detail } = confirmPathsMessage(paths);
    const options = { type: 'question' as const, buttons: ['Allow', 'Cancel'], defaultId: 1, cancelId: 1, noLink: true, title: 'Read files', message, detail };
    const win = windowOf(windowId);
    const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
    return response === 0;
  },
  async choosePaths(windowId, folders) {
    const options: OpenDialogOptions = { properties: folders ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'] };
    const win = windowOf(windowId);
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  },
};

/** Window placements per set of monitors (window-state.json in userData): UI state, not settings, so never exported. */
let windowState: ElectronStore<Record<string, unknown>> | undefined;
const placementStore = () => (windowState ??= new ElectronStore<Record<string, unknown>>({ name: 'window-state' }));

function currentDisplays(): DisplayInfo[] {
  const primary = screen.getPrimaryDisplay().id;
  return screen.getAllDisplays().map((d) => ({ id: d.id, bounds: d.bounds, workArea: d.workArea, scaleFactor: d.scaleFactor, primary: d.id === primary }));
}

/** Where a window of this role opens now: as last time on these monitors, else on its default monitor. */
function initialPlacement(role: WindowRole): Placement | undefined {
  try {
    return placementFor(parseSavedPlacements(placementStore().store.placements), currentDisplays(), role, mainWindow?.getBounds());
  } catch (err) {
    log(`Window placement unavailable (${(err as Error).message}): the default size is used.`);
    return undefined;
  }
}

function savePlacement(role: WindowRole, win: BrowserWindow): void {
  try {
    const store = placementStore();
    const placement = { bounds: win.getNormalBounds(), maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
    store.store = { ...store.store, placements: rememberPlacement(parseSavedPlacements(store.store.placements), currentDisplays(), role, placement) };
  } catch (err) {
    log(`Could not remember the window's placement: ${(err as Error).message}`);
  }
}

function createWindow(role: WindowRole = 'main'): BrowserWindow {
  const placement = initialPlacement(role);
  const win = new BrowserWindow({
    ...(placement?.bounds ?? { width: 1440, height: 900 }),
    show: false,
    backgroundColor: '#000000',
    title: 'Dokuei',
    // DevTools only in a development run: a packaged build is what sits in the reading room.
    webPreferences: secureWebPreferences(path.join(app.getAppPath(), 'dist/electron/preload.cjs'), { devTools: !app.isPackaged }),
  });
  win.once('ready-to-show', () => {
    if (placement?.maximized) win.maximize();
    if (placement?.fullScreen) win.setFullScreen(true);
    win.show();
  });
  // Remembered for this set of monitors when the window closes (moved, resized, maximised meanwhile).
  win.on('close', () => savePlacement(role, win));
  const ipcWindowId = String(win.webContents.id);
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
    pathGrants.revoke(ipcWindowId);
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

/** Applied to every WebContents, including ones we never meant to create. */
function hardenWebContents(contents: WebContents): void {
  const blockForeign = (event: { url: string; preventDefault(): void }) => {
    if (!isAllowedNavigation(event.url)) {
      event.preventDefault();
      log(`Blocked navigation to ${event.url}`);
    }
  };
  contents.on('will-navigate', blockForeign);
  contents.on('will-redirect', blockForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url, EXTERNAL_URL_ALLOW_LIST)) void shell.openExternal(url);
    return windowOpenDecision();
  });
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(permissionDecision()));
  ses.setPermissionCheckHandler(() => permissionDecision());
  ses.setDevicePermissionHandler(() => permissionDecision());
}

async function start(): Promise<void> {
  lockDownSession();
  const settings = new ElectronStoreSettings(new ElectronStore<Record<string, unknown>>({ name: 'settings' }));
  const dataDir = app.getPath('userData');
  // The data folder's keys: the OS keyring (never its basic_text fallback), or a passphrase / key file when
  // given. A folder that cannot be opened stops the start with the "locked" message (shown by the catch below).
  const archiveDir = settings.get().archive?.dir;
  const opened = await openDataFolder(dataDir, await appKeySources(safeStorage), archiveDir ? { archiveDirs: [archiveDir] } : {});
  const movedSecrets = await migrateSafeStorageSecrets(safeStorage, dataDir, opened.secrets);
  if (movedSecrets) opened.notices.push(`Moved ${movedSecrets} stored secret(s) into the data folder's secret store.`);
  const services = await createServices({
    dataDir,
    settings,
    secrets: opened.secrets,
    keyProvider: opened.folder.provider,
    keyNotices: opened.notices,
    host: 'electron',
    version: VERSION,
    dataPlaneBaseUrl: DATA_PLANE_BASE_URL,
    gatewayBasePath: '',
    demoDir: path.join(app.getAppPath(), 'resources/demo'),
    pathGrants,
    log,
  });
  protocol.handle(DATA_PLANE_SCHEME, createDataPlaneHandler(services.gateway));
  protocol.handle(APP_SCHEME, createAppHandler({ rendererDir: path.join(app.getAppPath(), 'dist/renderer') }));
  const withFiles = withNativeFileGrants(services.handlers, pathGrants, nativeFileDialogs);
  // A second window of the app for the images, on the other monitor (the first keeps the study list).
  const handlers = { ...withFiles, app: { ...withFiles.app, openWindow: async () => (createWindow('viewer'), { opened: true }) } };
  bindIpc(ipcMain, handlers, { isTrustedSender: isTrustedIpcSender });
  // Like the browser host: every window hears about store changes and retrieves, not only the one that asked.
  const broadcast = (channel: string, payload: unknown) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(channel, payload);
  };
  services.onStoreChanged((counts) => broadcast(electronEventChannel('storeChanged'), counts));
  services.onRetrieveProgress((job) => broadcast(electronEventChannel('retrieveProgress'), job));
  services.onNodeHealth(() => broadcast(electronEventChannel('nodeHealthChanged'), nodeHealthRows(services.nodes, services.health)));
  app.on('before-quit', () => void services.close());
  mainWindow = createWindow();
}

// One instance only: two would share (and race on) the same local store and settings file.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      // Most likely invalid settings or an unreadable store: say so, rather than leave a blank window.
      const message = err instanceof Error ? err.message : String(err);
      log(`Start-up failed: ${err instanceof Error ? err.stack : message}`);
      dialog.showErrorBox('Dokuei could not start', message);
      app.exit(1);
    });
}
