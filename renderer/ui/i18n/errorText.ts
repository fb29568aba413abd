/**
 * What the services said, in the reader's language (issue #18): an error or a result that carries a key of the
 * services' catalogue (common/i18n/says) is worded from it; anything else (a key this build does not know, text
 * from an older host, a browser error) is shown as its English message, never as a bare key.
 */
import type { TFunction } from 'i18next';
import i18next from 'i18next';
import type { Says } from '../../../common/i18n/says';
import { saysOf } from '../../../common/ipc/errors';

/** The keyed text when `said` is a key both languages know, else `fallback`. */
export function saysText(t: TFunction, said: Says | undefined, fallback: string): string {
  if (!said || !i18next.exists(said.key)) return fallback;
  return t(said.key, said.values ?? {});
}

/** An error for the reader: worded from its key when it has one, else its message. */
export function errorText(t: TFunction, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return saysText(t, saysOf(err), message);
}

/**
 * For hooks that keep an error as text in their state (no `t` of their own, and one in an effect's deps would redo
 * the effect on every language switch): worded in the language of the moment the error came.
 */
export function errorTextNow(err: unknown): string {
  return errorText(i18next.t, err);
}

/** The same for a key of the UI's catalogue, with values. */
export function textNow(key: string, values?: Record<string, string | number>): string {
  return i18next.t(key, values ?? {});
}
