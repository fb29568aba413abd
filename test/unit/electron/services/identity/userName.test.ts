/**
 * Who the services say is at the workstation (electron/services/identity/userName.ts): DOKUEI_USER first, else the
 * OS account; and that name as the Person Observer Name (PN) of the documents the viewer saves.
 */
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultUserName, personNameOf } from '../../../../../electron/services/identity/userName';

const saved = process.env.DOKUEI_USER;
afterEach(() => {
  if (saved === undefined) delete process.env.DOKUEI_USER;
  else process.env.DOKUEI_USER = saved;
});

describe('defaultUserName', () => {
  it('is DOKUEI_USER when configured, else the OS account', () => {
    process.env.DOKUEI_USER = '  佐藤^花子 ';
    expect(defaultUserName()).toBe('佐藤^花子');
    delete process.env.DOKUEI_USER;
    expect(defaultUserName()).toBe(os.userInfo().username);
  });
});

describe('personNameOf', () => {
  it('keeps a configured "Family^Given" and an account name (the family name component)', () => {
    expect(personNameOf('Sato^Hanako')).toBe('Sato^Hanako');
    expect(personNameOf('dr.sato')).toBe('dr.sato');
    expect(personNameOf('Sato^Hanako=佐藤^花子')).toBe('Sato^Hanako=佐藤^花子');
  });

  it('removes what PN cannot hold: a backslash (the value separator), control characters; cuts groups at 64', () => {
    expect(personNameOf('HOSP\\sato\n')).toBe('HOSPsato');
    expect(personNameOf('x'.repeat(80))).toBe('x'.repeat(64));
    expect(personNameOf('a=b=c=d')).toBe('a=b=c');
    expect(personNameOf(' \\ ')).toBe('unknown');
  });
});
