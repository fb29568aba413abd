/**
 * The services' catalogue (issue #18: "errors from the services … keyed the same way"): one file per language that
 * the UI and the CLI both load. Both languages hold the same keys and placeholders; every key a service or common
 * module names in code exists, so a message never shows as a bare key; the English text of a keyed reason is the
 * service's own sentence (the UI in English reads as it did).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../../../common/i18n/locales/en/services.json';
import ja from '../../../../common/i18n/locales/ja/services.json';
import { REASON_KEYS, reasonSays } from '../../../../electron/services/store/reasonSays';
import { userSentence } from '../../../../electron/services/dicom/readErrors';
import { fileSystemReason } from '../../../../electron/services/store/regularFile';
import { PacsError, type PacsErrorKind } from '../../../../electron/services/pacs/pacsNode';
import { repoRoot } from '../../../support/data';
import { fillPlaceholders, flattenCatalogue, type CatalogueTree, placeholdersOf } from '../../../support/catalogue';

type Tree = CatalogueTree;
const flatten = flattenCatalogue;
const enKeys = flatten(en as Tree);
const jaKeys = flatten(ja as Tree);
const placeholders = placeholdersOf;
const fill = fillPlaceholders;

function sources(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('the services catalogue', () => {
  it('holds the same keys in ja and en, none empty, with the same placeholders, the Japanese in Japanese', () => {
    expect([...jaKeys.keys()].sort()).toEqual([...enKeys.keys()].sort());
    for (const [key, text] of enKeys) {
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(jaKeys.get(key)!), key).toEqual(placeholders(text));
      expect(jaKeys.get(key), key).toMatch(/[\u3040-\u30ff\u3400-\u9fff]/);
    }
  });

  it('has every key the code names: says(…) literals in electron/ and common/, PacsError kinds, import reasons', () => {
    const named = new Set<string>();
    for (const file of [...sources('electron'), ...sources('common')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/says\(\s*'(services\.[A-Za-z0-9.]+)'/g)) named.add(m[1]!);
    }
    expect(named.size).toBeGreaterThan(25);
    for (const kind of ['unreachable', 'timeout', 'auth', 'tls', 'protocol', 'refused', 'cancelled', 'not-found'] satisfies PacsErrorKind[]) {
      named.add(new PacsError(kind, 'n', 'm').says.key);
    }
    for (const k of REASON_KEYS) named.add(k);
    const missing = [...named].filter((k) => !enKeys.has(k));
    expect(missing).toEqual([]);
  });

  it('words a PacsError by its kind, with the English message (node and cause) as its detail', () => {
    const err = new PacsError('auth', 'onsite', 'On-site PACS: HTTP 401, the password was refused');
    expect(err.says).toEqual({ key: 'services.pacs.auth', values: { detail: 'On-site PACS: HTTP 401, the password was refused' } });
    expect(fill(enKeys.get(err.says.key)!, err.says.values)).toBe(err.message);
    expect(fill(jaKeys.get(err.says.key)!, err.says.values)).toContain('認証');
  });

  it('keys every reason a file read gives, and reads it back as the same English sentence', () => {
    const reasons = [
      userSentence('dicomParser: buffer overrun'),
      userSentence('byte length of Int16Array should be a multiple of 2'),
      userSentence('invalid array length'),
      userSentence('incorrect header check'),
      userSentence('unsupported pixel format'),
      userSentence('jpeg marker not found'),
      userSentence('something else entirely'),
      ...['ENOENT', 'ENOTDIR', 'EACCES', 'ELOOP', 'ENXIO', 'EISDIR', 'ENAMETOOLONG', 'EIO', 'EMFILE'].map((code) => fileSystemReason(Object.assign(new Error(code), { code }))!),
      'Only regular files are read: this is a FIFO (named pipe)',
      'Only regular files are read: this is something new',
      'A broken symbolic link: its target does not exist',
      'Not a DICOM Part 10 file (no "DICM" preamble)',
      'The deflated dataset cannot be inflated: it is damaged or cut short',
      'The DICOM dataset cannot be read',
      'File meta information has no Transfer Syntax UID',
      'The DICOM dataset is truncated: the value of (0010,0010) at byte 312 runs past the end of the data',
      'The DICOM dataset nests sequences deeper than 64 levels',
      'The file meta information is truncated at (0002,0010)',
      'Incomplete instance: the file is truncated inside the pixel data header',
      'A symbolic link loop: it points back at /a/b, which is already being imported; not followed',
      'Listed in the DICOMDIR (DICOM/ST1/IM2) but not on the media',
      'A different copy of this instance (same SOP Instance UID, other content) is already stored; this one was kept aside',
    ];
    for (const reason of reasons) {
      const said = reasonSays(reason);
      expect(said, reason).toBeDefined();
      expect(fill(enKeys.get(said!.key)!, said!.values), reason).toBe(reason);
      expect(jaKeys.get(said!.key)).toMatch(/[\u3040-\u30ff\u3400-\u9fff]/);
    }
    expect(reasonSays('The gateway said no')).toBeUndefined();
  });
});
