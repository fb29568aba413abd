// The UI's languages (issue #18): i18next in ja and en, names and dates per language, the header's switch.
export { startI18n, setLanguage, initialLanguage, LANGUAGES, RESOURCES, type Language } from './i18n';
export { displayPersonName, personNameTooltip, displayDate, type PersonNameGroups } from './personName';
export { LanguageSwitch, useLanguage } from './LanguageSwitch';
export { useTranslation } from 'react-i18next';
export { errorText, errorTextNow, saysText, textNow } from './errorText';
