import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  DATA_PLANE_BASE_URL,
  isDataPlaneUrl,
  PRIVILEGED_SCHEMES,
  resolveAppAssetPath,
} from '../../../../electron/main/schemes';

const privileges = (scheme: string) => PRIVILEGED_SCHEMES.find((s) => s.scheme === scheme)?.privileges;

describe('privileged schemes', () => {
  it('registers exactly app and dicomweb', () => {
    expect(PRIVILEGED_SCHEMES.map((s) => s.scheme).sort()).toEqual(['app', 'dicomweb']);
  });

  it('makes app:// a standard, secure, fetchable origin', () => {
    expect(privileges('app')).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
  });

  it('makes dicomweb:// standard, secure, fetchable, CORS-enabled and streaming', () => {
    expect(privileges('dicomweb')).toMatchObject({ standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true });
  });

  it('lets neither scheme bypass the CSP or register service workers', () => {
    for (const s of PRIVILEGED_SCHEMES) {
      expect(s.privileges?.bypassCSP ?? false, s.scheme).toBe(false);
      expect(s.privileges?.allowServiceWorkers ?? false, s.scheme).toBe(false);
    }
  });

  it('names the entry page and data plane the renderer is given', () => {
    expect(APP_ENTRY_URL).toBe('app://dokuei/index.html');
    expect(DATA_PLANE_BASE_URL).toBe('dicomweb://local');
  });
});

describe('resolveAppAssetPath', () => {
  const root = path.resolve('/srv/dokuei/dist/renderer');

  it('maps files inside the bundle', () => {
    expect(resolveAppAssetPath(root, 'app://dokuei/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveAppAssetPath(root, 'app://dokuei/assets/index-abc.js?v=1#x')).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(resolveAppAssetPath(root, 'app://dokuei/assets/a%20b.wasm')).toBe(path.join(root, 'assets', 'a b.wasm'));
  });

  it('serves index.html for the bare origin and folder URLs', () => {
    expect(resolveAppAssetPath(root, 'app://dokuei')).toBe(path.join(root, 'index.html'));
    expect(resolveAppAssetPath(root, 'app://dokuei/')).toBe(path.join(root, 'index.html'));
  });

  it.each([
    'app://dokuei/../secret.txt',
    'app://dokuei/assets/../../secret.txt',
    'app://dokuei/./index.html',
    'app://dokuei/%2e%2e/secret.txt',
    'app://dokuei/%2E%2E/%2e%2E/etc/passwd',
    'app://dokuei/.%2e/secret.txt',
    'app://dokuei/..%2fsecret.txt',
    'app://dokuei/assets%2f..%2f..%2fsecret.txt',
    'app://dokuei/..%5csecret.txt',
    'app://dokuei/..\\secret.txt',
    'app://dokuei//etc/passwd',
    'app://dokuei/C:/Windows/win.ini',
    'app://dokuei/C%3a%5cWindows%5cwin.ini',
    'app://dokuei/index.html%00.js',
    'app://dokuei/%E0%A4%A',
  ])('refuses %s', (url) => {
    expect(resolveAppAssetPath(root, url)).toBeUndefined();
  });

  it.each([
    '/etc/passwd',
    path.join(root, 'index.html'),
    'file:///etc/passwd',
    'https://dokuei/index.html',
    'app://evil/index.html',
    'app://dokuei.evil/index.html',
    'app://user@dokuei/index.html',
    'app://dokuei:8080/index.html',
    'dicomweb://local/studies',
    '',
  ])('refuses anything that is not app://dokuei/…: %s', (url) => {
    expect(resolveAppAssetPath(root, url)).toBeUndefined();
  });

  it('never returns a path outside the bundle, whatever it is given', () => {
    const nasty = ['..', '%2e%2e', '.%2e', '%2e.', '..%2f', '%2f', '%5c', 'a', 'index.html', '', '.', '%00', 'C:'];
    for (const a of nasty) {
      for (const b of nasty) {
        const file = resolveAppAssetPath(root, `app://dokuei/${a}/${b}`);
        if (file !== undefined) expect(file.startsWith(root + path.sep), file).toBe(true);
      }
    }
  });
});

describe('isDataPlaneUrl', () => {
  it('accepts dicomweb://local only', () => {
    expect(isDataPlaneUrl('dicomweb://local/studies?PatientID=1')).toBe(true);
    expect(isDataPlaneUrl('dicomweb://elsewhere/studies')).toBe(false);
    expect(isDataPlaneUrl('dicomweb://local:1234/studies')).toBe(false);
    expect(isDataPlaneUrl('dicomweb://x@local/studies')).toBe(false);
    expect(isDataPlaneUrl('https://local/studies')).toBe(false);
    expect(isDataPlaneUrl('not a url')).toBe(false);
  });
});
