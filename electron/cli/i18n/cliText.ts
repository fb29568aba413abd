/**
 * The `dokuei` command in the reader's language (issue #18): Japanese when DOKUEI_LANG, or else the POSIX locale
 * (LC_ALL, then LC_MESSAGES, then LANG), is Japanese; English otherwise. The same i18next and the same catalogue
 * layout as the UI: one JSON file per command group in ./locales/<lang>/ (keys <group>.*), plus the services'
 * catalogue the UI uses too (common/i18n/locales, keys services.*), so an error a service words by key reads the same
 * in the window and in the terminal. `--json` output is never translated: its field names and values are an
 * interface.
 */
import i18next, { type i18n } from 'i18next';
import enServices from '../../../common/i18n/locales/en/services.json';
import jaServices from '../../../common/i18n/locales/ja/services.json';
import type { Says, SaysValues } from '../../../common/i18n/says';
import { saysOf } from '../../../common/ipc/errors';
import enMain from './locales/en/main.json';
import jaMain from './locales/ja/main.json';
import enPacs from './locales/en/pacs.json';
import jaPacs from './locales/ja/pacs.json';
import enSettings from './locales/en/settings.json';
import jaSettings from './locales/ja/settings.json';
import enPrefetch from './locales/en/prefetch.json';
import jaPrefetch from './locales/ja/prefetch.json';
import enArchive from './locales/en/archive.json';
import jaArchive from './locales/ja/archive.json';
import enAudit from './locales/en/audit.json';
import jaAudit from './locales/ja/audit.json';
import enCustody from './locales/en/custody.json';
import jaCustody from './locales/ja/custody.json';
import enDvh from './locales/en/dvh.json';
import jaDvh from './locales/ja/dvh.json';
import enRegister from './locales/en/register.json';
import jaRegister from './locales/ja/register.json';
import enSuv from './locales/en/suv.json';
import jaSuv from './locales/ja/suv.json';

export type CliLanguage = 'ja' | 'en';

export const CLI_RESOURCES = {
  en: Object.assign({}, enServices, enMain, enPacs, enSettings, enPrefetch, enArchive, enAudit, enCustody, enDvh, enRegister, enSuv),
  ja: Object.assign({}, jaServices, jaMain, jaPacs, jaSettings, jaPrefetch, jaArchive, jaAudit, jaCustody, jaDvh, jaRegister, jaSuv),
};

/** The first of DOKUEI_LANG, LC_ALL, LC_MESSAGES, LANG that is set decides (POSIX order); "ja", "ja_JP.UTF-8" … are Japanese. */
export function cliLanguage(env: Record<string, string | undefined> = process.env): CliLanguage {
  for (const name of ['DOKUEI_LANG', 'LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const v = env[name];
    if (v) return /^ja(?:$|[_.@-])/i.test(v) ? 'ja' : 'en';
  }
  return 'en';
}

let instance: i18n | undefined;
let instanceLanguage: CliLanguage | undefined;

/** The catalogue for `lng` (default: the environment's), made once per language. */
function catalogue(lng: CliLanguage = cliLanguage()): i18n {
  if (instance && instanceLanguage === lng) return instance;
  const next = i18next.createInstance();
  void next.init({
    resources: { en: { translation: CLI_RESOURCES.en }, ja: { translation: CLI_RESOURCES.ja } },
    lng,
    fallbackLng: 'en',
    // A terminal is no HTML page: nothing to escape.
    interpolation: { escapeValue: false },
    returnNull: false,
    initImmediate: false,
  } as never);
  instance = next;
  instanceLanguage = lng;
  return next;
}

/** The text of `key` in the CLI's language, with its values. */
export function ct(key: string, values?: SaysValues): string {
  return catalogue().t(key, values ?? {}) as string;
}

/** The keyed text when `said` is a key the catalogue knows, else the English `fallback` the service gave. */
export function cliSaysText(said: Says | undefined, fallback: string): string {
  const cat = catalogue();
  if (!said || !cat.exists(said.key)) return fallback;
  return cat.t(said.key, said.values ?? {}) as string;
}

/** An error for the terminal: worded from its key when it has one, else its message. */
export function cliErrorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return cliSaysText(saysOf(err), message);
}

/**
 * One entry of a --help text: the synopsis (commands and options, never translated) in the first 40 columns, the
 * description from `key` beside it. Descriptions hold their own line breaks (each language wraps its own text:
 * a kanji is two columns wide); every line after the first is indented to the description's column, and a synopsis
 * longer than the column puts the description on the next line.
 */
export function helpEntry(synopsis: string, key: string, values?: SaysValues): string {
  const COLUMN = 42;
  const lines = ct(key, values).split('\n');
  const pad = ' '.repeat(COLUMN);
  const head = synopsis.length <= COLUMN - 2 ? `${synopsis.padEnd(COLUMN)}${lines[0]}` : `${synopsis}\n${pad}${lines[0]}`;
  return [head, ...lines.slice(1).map((l) => `${pad}${l}`)].join('\n');
}
