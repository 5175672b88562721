import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { switchLanguage, type Language } from '../shared/i18n';

/** Date pickers and relative dates follow the interface language. */
export function applyDayjsLocale(language: string): void {
  dayjs.locale(language.startsWith('en') ? 'en' : 'zh-cn');
}

export async function changeLanguage(language: Language): Promise<void> {
  applyDayjsLocale(language);
  await switchLanguage(language);
}
