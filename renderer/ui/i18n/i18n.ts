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
// One file per group beside the two main ones (locales/<lang>/<group>.json, the group as its only key), so that
// panels can be translated side by side without editing one big file.
import enFiles from './locales/en/files.json';
import jaFiles from './locales/ja/files.json';
import enStatus from './locales/en/status.json';
import jaStatus from './locales/ja/status.json';
import enAudit from './locales/en/audit.json';
import jaAudit from './locales/ja/audit.json';
import enKeys from './locales/en/keys.json';
import jaKeys from './locales/ja/keys.json';
import enCommon from './locales/en/common.json';
import jaCommon from './locales/ja/common.json';
import enFusion from './locales/en/fusion.json';
import jaFusion from './locales/ja/fusion.json';
import enPetct from './locales/en/petct.json';
import jaPetct from './locales/ja/petct.json';
import enMpr from './locales/en/mpr.json';
import jaMpr from './locales/ja/mpr.json';
import enStack from './locales/en/stack.json';
import jaStack from './locales/ja/stack.json';
import enRt from './locales/en/rt.json';
import jaRt from './locales/ja/rt.json';
import enPhases from './locales/en/phases.json';
import jaPhases from './locales/ja/phases.json';
import enSuv from './locales/en/suv.json';
import jaSuv from './locales/ja/suv.json';
import enReports from './locales/en/reports.json';
import jaReports from './locales/ja/reports.json';
import enCpr from './locales/en/cpr.json';
import jaCpr from './locales/ja/cpr.json';
import enMarks from './locales/en/marks.json';
import jaMarks from './locales/ja/marks.json';
// The services' messages (errors, import refusals): one catalogue with the CLI, in common/ (services.* keys).
import enServices from '../../../common/i18n/locales/en/services.json';
import jaServices from '../../../common/i18n/locales/ja/services.json';

export const LANGUAGES = [
  { id: 'ja', label: '日本語' },
  { id: 'en', label: 'English' },
] as const;
export type Language = (typeof LANGUAGES)[number]['id'];

const EN_GROUPS = [enFiles, enStatus, enAudit, enKeys, enCommon, enFusion, enPetct, enMpr, enStack, enRt, enPhases, enSuv, enMarks, enCpr, enReports, enServices];
const JA_GROUPS = [jaFiles, jaStatus, jaAudit, jaKeys, jaCommon, jaFusion, jaPetct, jaMpr, jaStack, jaRt, jaPhases, jaSuv, jaMarks, jaCpr, jaReports, jaServices];

/** The main file with each group file's group added (a group is in one file only). */
function withGroups<T extends object>(main: T, groups: readonly object[]): T {
  return Object.assign({}, main, ...groups) as T;
}

export const RESOURCES = { en: withGroups(en, EN_GROUPS), ja: withGroups(ja, JA_GROUPS) } as const;

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
    resources: { en: { translation: RESOURCES.en }, ja: { translation: RESOURCES.ja } },
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
