import { describe, expect, it } from 'vitest';
import {
  EXTERNAL_URL_ALLOW_LIST,
  isAllowedExternalUrl,
  isAllowedNavigation,
  isTrustedIpcSender,
  permissionDecision,
  windowOpenDecision,
} from '../../../../electron/main/guards';

const foreign = [
  'https://evil.example/',
  'http://evil.example/',
  'file:///etc/passwd',
  'dicomweb://local/studies',
  'app://evil/index.html',
  'app://dokuei.evil.example/index.html',
  'app://dokuei@evil.example/index.html',
  'app://user:pw@dokuei/index.html',
  'app://dokuei:444/index.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'about:blank',
  'chrome://gpu',
  'devtools://devtools/bundled/inspector.html',
  '',
  'not a url',
];

describe('isAllowedNavigation', () => {
  it('allows our own pages', () => {
    expect(isAllowedNavigation('app://dokuei/')).toBe(true);
    expect(isAllowedNavigation('app://dokuei/index.html')).toBe(true);
    expect(isAllowedNavigation('app://dokuei/index.html#/viewer/1.2.3')).toBe(true);
  });

  it.each(foreign)('blocks %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(false);
  });
});

describe('isTrustedIpcSender', () => {
  it('trusts frames showing our UI', () => {
    expect(isTrustedIpcSender('app://dokuei/index.html')).toBe(true);
  });

  it.each(foreign)('does not trust %s', (url) => {
    expect(isTrustedIpcSender(url)).toBe(false);
  });
});

describe('windowOpenDecision / permissionDecision', () => {
  it('denies every new window', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });

  it('denies every permission', () => {
    expect(permissionDecision()).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  const allow = ['https://docs.dokuei.example'];

  it('opens https links to a listed origin', () => {
    expect(isAllowedExternalUrl('https://docs.dokuei.example/manual?x=1#y', allow)).toBe(true);
    expect(isAllowedExternalUrl('HTTPS://DOCS.dokuei.example/', allow)).toBe(true);
  });

  it.each([
    'http://docs.dokuei.example/manual',
    'https://docs.dokuei.example:8443/manual',
    'https://docs.dokuei.example.evil.example/',
    'https://evil.example/?https://docs.dokuei.example',
    'https://docs.dokuei.example@evil.example/',
    'https://user:pw@docs.dokuei.example/',
    'file:///C:/Windows/System32/calc.exe',
    'smb://docs.dokuei.example/share',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url, allow)).toBe(false);
  });

  it('refuses everything with an empty list, which is what the app ships', () => {
    expect(EXTERNAL_URL_ALLOW_LIST).toEqual([]);
    expect(isAllowedExternalUrl('https://docs.dokuei.example/', EXTERNAL_URL_ALLOW_LIST)).toBe(false);
  });
});
