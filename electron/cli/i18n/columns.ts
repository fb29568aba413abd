/**
 * Terminal columns for the CLI's aligned labels (issue #18): a Japanese label is shorter in characters than the
 * English one but each kanji or kana takes two columns, so String.padEnd would misalign a table once translated.
 * ASCII counts one column per character, so English lines pad exactly as String.padEnd did.
 */

/** East Asian Wide and Fullwidth ranges (UAX #11): CJK, kana, hangul, full-width forms. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

/** How many terminal columns `text` takes. */
export function columns(text: string): number {
  let n = 0;
  for (const ch of text) n += WIDE.test(ch) ? 2 : 1;
  return n;
}

/** `text` padded with spaces on the right to `width` columns (never cut). */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - columns(text)));
}
