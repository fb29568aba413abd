/**
 * The UI's own words for model tests: an i18next instance over the renderer's catalogue (RESOURCES), in English or
 * Japanese, so a model that words its text through `t` is checked against the sentences a reader sees.
 */
import i18next from 'i18next';
import { RESOURCES } from '../../renderer/ui/i18n/i18n';

export function uiText(lng: 'en' | 'ja'): (key: string, values?: Record<string, string | number>) => string {
  const instance = i18next.createInstance();
  void instance.init({
    resources: { en: { translation: RESOURCES.en }, ja: { translation: RESOURCES.ja } },
    lng,
    fallbackLng: false,
    interpolation: { escapeValue: false },
    initImmediate: false,
  } as never);
  return (key, values) => {
    // A missing key is a test failure, not the key echoed back as text.
    if (!instance.exists(key, values)) throw new Error(`No "${key}" in the ${lng} catalogue`);
    return instance.t(key, values ?? {}) as string;
  };
}
