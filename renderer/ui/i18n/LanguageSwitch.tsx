/** The header's language switch (日本語 / English): live, the page keeps its state. */
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from './i18n';

/** The language the UI shows now. */
export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return i18n.language === 'ja' ? 'ja' : 'en';
}

export function LanguageSwitch() {
  const { t } = useTranslation();
  const language = useLanguage();
  return (
    <select className="language-switch" aria-label={t('app.language')} value={language} onChange={(e) => void setLanguage(e.target.value as Language)}>
      {LANGUAGES.map((l) => (
        <option key={l.id} value={l.id} lang={l.id}>
          {l.label}
        </option>
      ))}
    </select>
  );
}
