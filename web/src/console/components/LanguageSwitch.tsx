import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../shared/i18n';
import { changeLanguage } from '../language';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current: Language = i18n.language.startsWith('en') ? 'en' : 'zh-CN';
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('language.label')}
      value={current}
      options={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en', label: 'EN' },
      ]}
      onChange={(value) => void changeLanguage(value)}
    />
  );
}
