/**
 * The UI's languages (issue #18): Japanese and English, i18next with react-i18next. Japanese when the browser's (or
 * the OS's, in Electron) preferred language is Japanese, English otherwise; the reader's choice in the header wins
 * and is kept for the next start (localStorage: a language is no patient data). Switching is live: every component
 * that uses `useTranslation` renders again in place, nothing is reloaded.
 *
 * Keys are grouped by where they show (app, search, browser …); the two files must hold the same keys
 * (test/unit/renderer/ui/i18n/i18n.test.ts fails otherwise), and components take every user-facing word from here
 * (the `dokuei-i18n/no-literal-ui-text` lint rule, on the components translated so far).
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import ja from './locales/ja.json';

export const LANGUAGES = [
  { id: 'ja', label: '日本語' },
  { id: 'en', label: 'English' },
] as const;
export type Language = (typeof LANGUAGES)[number]['id'];

export const RESOURCES = { en, ja } as const;

const STORAGE_KEY = 'dokuei.language';

/** The reader's saved choice, else Japanese when the first preferred language (the OS's or browser's) is Japanese, else English. */
export function initialLanguage(preferred: readonly string[], saved: string | null | undefined): Language {
  if (saved === 'ja' || saved === 'en') return saved;
  return /^ja\b/i.test(preferred[0] ?? '') ? 'ja' : 'en';
}

function savedLanguage(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

let started = false;

/** Starts i18next once, in the language initialLanguage picks; sets <html lang>. */
export function startI18n(): typeof i18next {
  if (started) return i18next;
  started = true;
  const lng = initialLanguage(globalThis.navigator?.languages ?? [], savedLanguage());
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ja: { translation: ja } },
    lng,
    fallbackLng: 'en',
    // React escapes what it renders: i18next must not escape it a second time.
    interpolation: { escapeValue: false },
    returnNull: false,
    initImmediate: false,
  } as never);
  if (globalThis.document) document.documentElement.lang = lng;
  return i18next;
}

/** Switches the whole UI live and remembers the choice. */
export async function setLanguage(lng: Language): Promise<void> {
  await i18next.changeLanguage(lng);
  if (globalThis.document) document.documentElement.lang = lng;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lng);
  } catch {
    // A browser that refuses storage still switches; the choice just is not kept.
  }
}
