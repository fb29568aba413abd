/**
 * A sentence computed in English elsewhere (common/suv, common/volume …), as a catalogue key and its values, worded
 * in the reader's language when shown. A value may be a sentence of its own (a refusal quoting another) or a list
 * worded item by item, so the whole reads in one language. Shared by the features' *Text.ts maps.
 */

/** i18next's `t` as these need it (a component's own `t`, or `textNow` in a hook). */
export type Translate = (key: string, values: Record<string, string | number>) => string;

export type SaidValue = string | number | Said | SaidList;

/** A catalogue key and its values. */
export interface Said {
  key: string;
  values?: Record<string, SaidValue>;
}

/** Items worded one by one and joined by the text of `joinKey` (", ", " and " …), or by a space between whole sentences. */
export interface SaidList {
  items: readonly SaidValue[];
  joinKey?: string;
}

/** A Said worded by `t`, its inner sentences and lists first. */
export function sayWith(t: Translate, s: Said): string {
  if (!s.values) return t(s.key, {});
  const values: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(s.values)) values[name] = word(t, v);
  return t(s.key, values);
}

function word(t: Translate, v: SaidValue): string | number {
  if (typeof v !== 'object') return v;
  if ('items' in v) return v.items.map((item) => word(t, item)).join(v.joinKey ? t(v.joinKey, {}) : ' ');
  return sayWith(t, v);
}
