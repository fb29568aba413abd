/** Reading the i18n catalogues in tests: nested JSON flattened to dotted keys, and the {{placeholders}} of a text. */
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
