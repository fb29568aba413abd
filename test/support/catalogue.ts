/** Reading the i18n catalogues in tests: nested JSON flattened to dotted keys, the {{placeholders}} of a text, keyed sentences checked. */
import { expect } from 'vitest';
import { sayWith, type Said, type SaidValue, type Translate } from '../../renderer/ui/i18n/said';
export type CatalogueTree = { [key: string]: string | CatalogueTree };

export function flattenCatalogue(tree: CatalogueTree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flattenCatalogue(v, key)) out.set(kk, vv);
  }
  return out;
}

export const placeholdersOf = (text: string): string[] => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();

/** The catalogue's text with its {{placeholders}} filled, as i18next does (no escaping: React escapes). */
export const fillPlaceholders = (text: string, values: Record<string, string | number> = {}): string => text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name]));

/** A translate function over one flattened catalogue; a key it lacks throws (a test must not pass on a fallback). */
export const wordIn =
  (lang: Map<string, string>) =>
  (key: string, values: Record<string, string | number>): string => {
    const text = lang.get(key);
    if (text === undefined) throw new Error(`no key ${key}`);
    return fillPlaceholders(text, values);
  };

/** Kana or kanji: the text reads as Japanese. */
export const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;

/** Every key of a keyed sentence: inner sentences and lists (with their joiners) too. */
export function saidKeys(v: SaidValue): string[] {
  if (typeof v !== 'object') return [];
  if ('items' in v) return [...(v.joinKey ? [v.joinKey] : []), ...v.items.flatMap(saidKeys)];
  return [v.key, ...Object.values(v.values ?? {}).flatMap(saidKeys)];
}

/**
 * Checks one English sentence of a model against both catalogues: it maps to keys (`says`), each key is in both
 * languages with the same placeholders, the English text filled gives the sentence back, and the reader's text
 * (`text`) reads it unchanged in English and in Japanese script in Japanese. Returns its keys.
 */
export function checkSaidSentence(
  catalogues: { en: Map<string, string>; ja: Map<string, string> },
  says: (sentence: string) => Said | undefined,
  text: (t: Translate, sentence: string) => string,
  sentence: string,
): string[] {
  const { en, ja } = catalogues;
  const said = says(sentence);
  expect(said, sentence).toBeDefined();
  const keys = saidKeys(said!);
  for (const k of keys) {
    expect(en.has(k), `en ${k}`).toBe(true);
    expect(ja.has(k), `ja ${k}`).toBe(true);
    expect(placeholdersOf(ja.get(k)!), k).toEqual(placeholdersOf(en.get(k)!));
  }
  expect(sayWith(wordIn(en), said!), sentence).toBe(sentence);
  expect(text(wordIn(en), sentence)).toBe(sentence);
  expect(text(wordIn(ja), sentence), sentence).toMatch(JAPANESE);
  return keys;
}
