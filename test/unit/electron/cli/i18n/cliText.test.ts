/**
 * The CLI's catalogue and its language (issue #18): every group holds the same keys in ja and en with the same
 * placeholders, none empty, the Japanese in Japanese; every key a command names literally exists (a line never
 * prints as a bare key); the language follows DOKUEI_LANG, then the POSIX locale; a service's keyed error reads in
 * the CLI's language; --help entries keep their columns.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliErrorText, cliLanguage, cliSaysText, ct, helpEntry } from '../../../../../electron/cli/i18n/cliText';
import { columns, padColumns } from '../../../../../electron/cli/i18n/columns';
import { PacsError } from '../../../../../electron/services/pacs/pacsNode';
import { repoRoot } from '../../../../support/data';
import { flattenCatalogue, type CatalogueTree, placeholdersOf } from '../../../../support/catalogue';

type Tree = CatalogueTree;
const flatten = flattenCatalogue;
const localeDir = (lang: string) => path.join(repoRoot, 'electron/cli/i18n/locales', lang);
const GROUPS = readdirSync(localeDir('en')).map((f) => f.replace(/\.json$/, ''));
const catalogue = (lang: 'en' | 'ja', group: string) => flatten(JSON.parse(readFileSync(path.join(localeDir(lang), `${group}.json`), 'utf8')) as Tree);
const placeholders = placeholdersOf;

describe('the CLI catalogue', () => {
  it('has a file per group in both languages', () => {
    expect(GROUPS.sort()).toEqual(['archive', 'audit', 'custody', 'dvh', 'main', 'pacs', 'prefetch', 'register', 'settings', 'suv']);
    expect(readdirSync(localeDir('ja')).sort()).toEqual(readdirSync(localeDir('en')).sort());
  });

  it.each(GROUPS)('%s: same keys in ja and en under the group, none empty, same placeholders, Japanese in ja', (group) => {
    const en = catalogue('en', group);
    const ja = catalogue('ja', group);
    expect(en.size).toBeGreaterThan(0);
    expect([...ja.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of en) {
      expect(key.startsWith(`${group}.`), key).toBe(true);
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(ja.get(key)!), key).toEqual(placeholders(text));
      // Kana or kanji, or at least Japanese punctuation (an entry of placeholders only, such as "{{root}}：{{used}}").
      expect(ja.get(key), key).toMatch(/[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/);
    }
  });

  it('holds every key the commands name literally (ct, helpEntry, says)', () => {
    const known = new Set(GROUPS.flatMap((g) => [...catalogue('en', g).keys()]));
    const named = new Set<string>();
    const groups = GROUPS.join('|');
    for (const file of readdirSync(path.join(repoRoot, 'electron/cli')).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(path.join(repoRoot, 'electron/cli', file), 'utf8');
      // (A file name such as 'custody.json' is no key.)
      for (const m of text.matchAll(new RegExp(`'((?:${groups})\\.[A-Za-z0-9_.]+)'`, 'g'))) if (!m[1]!.endsWith('.json')) named.add(m[1]!);
    }
    expect(named.size).toBeGreaterThan(150);
    expect([...named].filter((k) => !known.has(k))).toEqual([]);
  });
});

describe('the CLI language', () => {
  const saved = process.env.DOKUEI_LANG;
  afterEach(() => {
    if (saved === undefined) delete process.env.DOKUEI_LANG;
    else process.env.DOKUEI_LANG = saved;
  });

  it('follows DOKUEI_LANG, then LC_ALL, LC_MESSAGES, LANG (the first set decides), English by default', () => {
    expect(cliLanguage({})).toBe('en');
    expect(cliLanguage({ LANG: 'ja_JP.UTF-8' })).toBe('ja');
    expect(cliLanguage({ LANG: 'ja' })).toBe('ja');
    expect(cliLanguage({ LANG: 'jav_ID' })).toBe('en');
    expect(cliLanguage({ LC_ALL: 'C', LANG: 'ja_JP.UTF-8' })).toBe('en');
    expect(cliLanguage({ LC_MESSAGES: 'ja_JP.eucJP', LANG: 'en_US.UTF-8' })).toBe('ja');
    expect(cliLanguage({ DOKUEI_LANG: 'en', LC_ALL: 'ja_JP.UTF-8' })).toBe('en');
    expect(cliLanguage({ DOKUEI_LANG: 'ja', LANG: 'C.UTF-8' })).toBe('ja');
  });

  it("words a service's keyed error in the CLI's language, and unkeyed text as it came", () => {
    const err = new PacsError('unreachable', 'onsite', 'On-site PACS: cannot reach 127.0.0.1:1 (connection refused)');
    process.env.DOKUEI_LANG = 'en';
    expect(cliErrorText(err)).toBe(err.message);
    process.env.DOKUEI_LANG = 'ja';
    expect(cliErrorText(err)).toBe(`PACS ノードに接続できません（${err.message}）`);
    expect(cliSaysText({ key: 'services.read.notRegular.fifo' }, 'x')).toBe('通常のファイルのみ読み込みます：これは FIFO（名前付きパイプ）です');
    expect(cliSaysText({ key: 'services.no.such' }, 'as given')).toBe('as given');
    expect(cliErrorText(new Error('plain'))).toBe('plain');
    expect(ct('main.errors.seeHelp')).toBe("使い方は 'dokuei --help' で表示できます。");
    process.env.DOKUEI_LANG = 'en';
    expect(ct('main.errors.seeHelp')).toBe("Run 'dokuei --help' for usage.");
  });

  it('lays out a --help entry: description at column 42, its own lines indented, a long synopsis on its own line', () => {
    process.env.DOKUEI_LANG = 'en';
    const key = Object.keys(flatten(JSON.parse(readFileSync(path.join(localeDir('en'), 'main.json'), 'utf8')) as Tree)).find((k) => ct(k).includes('\n'))!;
    const lines = ct(key).split('\n');
    const short = helpEntry('  dokuei x', key).split('\n');
    expect(short[0]).toBe(`${'  dokuei x'.padEnd(42)}${lines[0]}`);
    expect(short.slice(1)).toEqual(lines.slice(1).map((l) => `${' '.repeat(42)}${l}`));
    const long = helpEntry(`  dokuei ${'y'.repeat(40)}`, key).split('\n');
    expect(long[1]).toBe(`${' '.repeat(42)}${lines[0]}`);
  });

  it('pads by terminal columns: a kanji is two, ASCII one', () => {
    expect(columns('abc')).toBe(3);
    expect(columns('検査')).toBe(4);
    expect(padColumns('検査', 6)).toBe('検査  ');
    expect(padColumns('abc', 6)).toBe('abc'.padEnd(6));
    expect(padColumns('toolong', 3)).toBe('toolong');
  });
});
