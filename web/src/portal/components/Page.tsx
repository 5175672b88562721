/** A screen: the navigation bar on top, a scrolling body, and an optional fixed footer. */
import { NavBar } from 'antd-mobile';
import type { ReactElement, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { BackIcon } from '../icons';

export function Page({
  title,
  back = false,
  right,
  footer,
  children,
  testId,
}: {
  title: ReactNode;
  /** Show a back arrow (to the previous screen, or home when opened directly). */
  back?: boolean;
  right?: ReactNode;
  footer?: ReactNode;
  children: ReactNode;
  testId?: string;
}): ReactElement {
  const navigate = useNavigate();
  const { t } = useTranslation();
  const goBack = () => {
    // Opened from a shared link there is no history inside the portal: go home instead.
    const state: unknown = window.history.state;
    const index = typeof state === 'object' && state !== null && 'idx' in state ? state.idx : 0;
    if (typeof index === 'number' && index > 0) void navigate(-1);
    else void navigate('/', { replace: true });
  };
  return (
    <div className="portal-page" data-testid={testId}>
      <NavBar
        className="portal-nav"
        back={null}
        left={
          back && (
            <button type="button" className="portal-back" onClick={goBack} aria-label={t('app.back')}>
              <BackIcon />
            </button>
          )
        }
        right={right}
      >
        {title}
      </NavBar>
      <main className="portal-page-body">{children}</main>
      {footer && <div className="portal-page-footer">{footer}</div>}
    </div>
  );
}
