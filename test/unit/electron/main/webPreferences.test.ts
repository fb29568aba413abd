import { describe, expect, it } from 'vitest';
import { secureWebPreferences } from '../../../../electron/main/webPreferences';

describe('secureWebPreferences', () => {
  const prefs = secureWebPreferences('/opt/dokuei/dist/electron/preload.cjs', { devTools: false });

  it('uses the given preload', () => {
    expect(prefs.preload).toBe('/opt/dokuei/dist/electron/preload.cjs');
  });

  it('turns on isolation, the sandbox and web security', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.webSecurity).toBe(true);
  });

  it('gives page code, workers and subframes no Node', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('turns off webview, insecure content, experimental features and the spellchecker', () => {
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.spellcheck).toBe(false);
  });

  it('turns DevTools off unless asked for (development runs), and on when asked', () => {
    expect(prefs.devTools).toBe(false);
    expect(secureWebPreferences('/x/preload.cjs', { devTools: true }).devTools).toBe(true);
  });

  it('keeps every other setting the same with DevTools on', () => {
    const dev = secureWebPreferences('/opt/dokuei/dist/electron/preload.cjs', { devTools: true });
    expect({ ...dev, devTools: false }).toEqual(prefs);
  });

  it('sets nothing else (a new key must be a deliberate, reviewed change)', () => {
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'devTools',
        'experimentalFeatures',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
  });
});
