/** Any address the portal does not know. */
import { Button } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Page } from '../components/Page';
import { EmptyState } from '../components/states';

export function NotFoundPage(): ReactElement {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Page title={t('app.title')}>
      <EmptyState title={t('app.notFoundTitle')} description={t('app.notFoundDescription')}>
        <Button color="primary" className="portal-empty-action" onClick={() => void navigate('/', { replace: true })}>
          {t('app.goHome')}
        </Button>
      </EmptyState>
    </Page>
  );
}
