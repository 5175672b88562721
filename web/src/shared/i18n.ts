import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';

export type Language = 'zh-CN' | 'en';
const STORAGE_KEY = 'shuiwu.language';

/** The language chosen before, else Simplified Chinese: the product speaks Chinese by default. */
export function initialLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh-CN') return stored;
  } catch {
    // Private browsing or a WebView without storage: fall back to the default.
  }
  return 'zh-CN';
}

export function rememberLanguage(language: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not being able to remember the choice is harmless.
  }
}

/** Sets up i18next for one application with its own translations ('zh-CN' and 'en'). */
export async function setUpI18n(resources: Resource): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources,
    lng: initialLanguage(),
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
  return i18next;
}

export async function switchLanguage(language: Language): Promise<void> {
  rememberLanguage(language);
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
