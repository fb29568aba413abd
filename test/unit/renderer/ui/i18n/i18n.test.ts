/**
 * The UI's two languages (issue #18): the Japanese and English files hold the same keys, none empty, with the same
 * placeholders; every key the renderer names exists; the language a first start picks; and the lint rule that keeps
 * literal text out of translated components (run through the repository's own ESLint config).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { initialLanguage, RESOURCES } from '../../../../../renderer/ui/i18n/i18n';
import { repoRoot } from '../../../../support/data';
import { flattenCatalogue, type CatalogueTree, placeholdersOf } from '../../../../support/catalogue';

type Tree = CatalogueTree;
const flatten = flattenCatalogue;

const en = flatten(RESOURCES.en as Tree);
const ja = flatten(RESOURCES.ja as Tree);
const placeholders = placeholdersOf;

function sources(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(tsx?|ts)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('translations', () => {
  it('hold the same keys in Japanese and English, none empty, with the same placeholders', () => {
    expect([...ja.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of en) {
      expect(text.trim(), `en ${key}`).not.toBe('');
      expect(ja.get(key)!.trim(), `ja ${key}`).not.toBe('');
      expect(placeholders(ja.get(key)!), key).toEqual(placeholders(text));
    }
  });

  it('keep each group in one file: locales/<lang>/<group>.json holds only its group, which the main file lacks', () => {
    for (const lang of ['en', 'ja']) {
      const main = JSON.parse(readFileSync(path.join(repoRoot, `renderer/ui/i18n/locales/${lang}.json`), 'utf8')) as Record<string, unknown>;
      const dir = path.join(repoRoot, `renderer/ui/i18n/locales/${lang}`);
      for (const file of readdirSync(dir)) {
        const group = file.replace(/\.json$/, '');
        const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
        expect(Object.keys(json), `${lang}/${file}`).toEqual([group]);
        expect(main, `${lang}.json and ${lang}/${file} both hold "${group}"`).not.toHaveProperty(group);
        // Loaded: what the file holds is what the UI gets.
        expect((RESOURCES as Record<string, Record<string, unknown>>)[lang]![group]).toEqual(json[group]);
      }
    }
  });

  it('are really Japanese in ja: most strings hold kana or kanji', () => {
    const japanese = [...ja.values()].filter((t) => /[\u3040-\u30ff\u3400-\u9fff]/.test(t)).length;
    expect(japanese / ja.size).toBeGreaterThan(0.8);
  });

  it('have every key the renderer names', () => {
    const groups = new Set([...en.keys()].map((k) => k.split('.')[0]));
    const missing: string[] = [];
    for (const file of sources('renderer')) {
      const text = readFileSync(file, 'utf8');
      // t('group.key') and keys kept in tables ('browser.patient' …) alike: any string literal shaped like a key of a known group.
      for (const m of text.matchAll(/['"`]([a-z]+)\.([A-Za-z0-9]+)['"`]/g)) {
        if (groups.has(m[1]!) && !en.has(`${m[1]}.${m[2]}`)) missing.push(`${path.relative(repoRoot, file)}: ${m[1]}.${m[2]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('initialLanguage', () => {
  it('is Japanese when the first preferred language is, English otherwise; a saved choice wins', () => {
    expect(initialLanguage(['ja-JP', 'en-US'], null)).toBe('ja');
    expect(initialLanguage(['ja'], undefined)).toBe('ja');
    expect(initialLanguage(['en-US', 'ja'], null)).toBe('en');
    expect(initialLanguage([], null)).toBe('en');
    expect(initialLanguage(['ja-JP'], 'en')).toBe('en');
    expect(initialLanguage(['en-GB'], 'ja')).toBe('ja');
    expect(initialLanguage(['en-GB'], 'fr')).toBe('en');
  });
});

describe('the no-literal-ui-text lint rule', () => {
  const lint = async (code: string) => {
    const eslint = new ESLint({ cwd: repoRoot });
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, 'renderer/features/worklist/components/Probe.tsx') });
    return result!.messages.filter((m) => m.ruleId === 'dokuei-i18n/no-literal-ui-text').map((m) => m.message);
  };
  it('reports literal text and labels in a translated component, and passes t()', async () => {
    const literal = await lint(`export function P() { return <button title="Open it" aria-label={\`Open \${1}\`}>Open</button>; }\n`);
    expect(literal).toHaveLength(3);
    expect(literal[0]).toContain('"Open it"');
    const japanese = await lint(`export function P() { return <span>検索</span>; }\n`);
    expect(japanese).toHaveLength(1);
    const translated = await lint(`import { useTranslation } from '../../../ui/i18n';\nexport function P() { const { t } = useTranslation(); return <button title={t('search.search')}>{t('search.search')} ▲ {1}</button>; }\n`);
    expect(translated).toEqual([]);
  });
});
