/**
 * The one place that decides how a Dokuei window's renderer is locked down (see "Security defaults" in
 * docs/architecture.md). Every BrowserWindow takes its webPreferences from here, so a window created later
 * (a second viewer, a print preview) cannot quietly start with weaker settings.
 */
import type { WebPreferences } from 'electron';

export interface WebPreferenceOptions {
  /**
   * DevTools give whoever sits at the workstation a console inside the page that holds the IPC bridge and
   * the patient list: main.ts passes `!app.isPackaged`, so only a development run (`npm start`) has them.
   */
  devTools: boolean;
}

export function secureWebPreferences(preloadPath: string, options: WebPreferenceOptions): WebPreferences {
  return {
    preload: preloadPath,
    // Also makes the default menu's Toggle Developer Tools item (Ctrl+Shift+I / Alt+Cmd+I) do nothing.
    devTools: options.devTools,
    // The preload runs in its own JS world; the page only sees what contextBridge hands it.
    contextIsolation: true,
    // The renderer process runs in Chromium's OS sandbox; this is also why the preload must be one CJS file.
    sandbox: true,
    // Page code (React, cornerstone, anything a crafted DICOM field could smuggle in) never gets Node.
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    // Same-origin policy stays on: the data plane is reached through the dicomweb: scheme's CORS rules.
    webSecurity: true,
    allowRunningInsecureContent: false,
    // <webview> would be a second, separately configured browser inside ours.
    webviewTag: false,
    // Experimental Blink features widen the attack surface for nothing the viewer needs.
    experimentalFeatures: false,
    // The spellchecker downloads dictionaries from Google: a medical workstation must not phone home.
    spellcheck: false,
  };
}
