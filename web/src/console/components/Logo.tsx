import { useTranslation } from 'react-i18next';

/** A water drop and the product name. */
export function Logo({ collapsed, dark = true }: { collapsed?: boolean; dark?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="sw-logo" style={dark ? undefined : { color: '#0a2540', padding: 0, height: 'auto' }}>
      <span className="sw-logo-mark" aria-hidden>
        <svg width="18" height="18" viewBox="0 0 24 24" fill="#fff">
          <path d="M12 2.5c-.3 0-.6.15-.8.4C9.4 5.2 5 11 5 14.8 5 18.8 8.1 22 12 22s7-3.2 7-7.2C19 11 14.6 5.2 12.8 2.9a1 1 0 0 0-.8-.4Zm-3.2 12.7c.4 0 .8.3.8.8 0 1.3 1 2.4 2.4 2.4.4 0 .8.3.8.8s-.4.8-.8.8c-2.2 0-4-1.8-4-4 0-.5.4-.8.8-.8Z" />
        </svg>
      </span>
      {collapsed ? null : <span>{t('app.logo')}</span>}
    </div>
  );
}
