/**
 * A message worded in the reader's language by whoever shows it (issue #18): a key of the services' catalogue
 * (common/i18n/locales/<lang>/services.json, shared by the renderer and the CLI) with the values it names. The
 * services keep their English message beside it for logs, the audit trail and older clients; the UI and the CLI
 * show the keyed text when they know the key, the English message otherwise.
 */
export type SaysValues = Record<string, string | number>;

export interface Says {
  key: string;
  values?: SaysValues;
}

export function says(key: string, values?: SaysValues): Says {
  return values ? { key, values } : { key };
}

/** What a catalogue key looks like: a group and dotted names (services.pacs.unreachable). */
export const SAYS_KEY = /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/;

/** What crossed a boundary (a bridge message, JSON from the browser host): a Says only if it is well formed. */
export function asSays(value: unknown): Says | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { key?: unknown; values?: unknown };
  if (typeof v.key !== 'string' || !SAYS_KEY.test(v.key)) return undefined;
  if (v.values === undefined) return { key: v.key };
  if (!v.values || typeof v.values !== 'object' || Array.isArray(v.values)) return undefined;
  const values: SaysValues = {};
  for (const [k, x] of Object.entries(v.values as Record<string, unknown>)) {
    if (typeof x !== 'string' && typeof x !== 'number') return undefined;
    values[k] = x;
  }
  return { key: v.key, values };
}
