import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setUpI18n } from '../shared/i18n';
import { App } from './App';
import { applyDayjsLocale } from './language';
import { en } from './locales/en';
import { zh } from './locales/zh';
import './console.css';

void setUpI18n({ 'zh-CN': { translation: zh }, en: { translation: en } }).then((i18n) => {
  applyDayjsLocale(i18n.language);
  const container = document.getElementById('root');
  if (!container) throw new Error('#root is missing from console/index.html');
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
