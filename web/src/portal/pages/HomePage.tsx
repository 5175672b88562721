/** Home: the customer's bound accounts, or an invitation to bind one. */
import { useQuery } from '@tanstack/react-query';
import { Button, PullToRefresh } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { fetchAccounts, queryKeys } from '../api';
import { AccountCard } from '../components/AccountCard';
import { Page } from '../components/Page';
import { CardSkeleton, EmptyState, ErrorState } from '../components/states';
import { PlusIcon } from '../icons';
import { tenantName, useSession } from '../session';
import { AccountPayStrip } from './PayParts';
import { ApplicationEntries } from './ApplicationParts';
import { AppointmentEntries } from './AppointmentParts';
import { ServiceEntries } from './ServiceEntries';

export function HomePage(): ReactElement {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const session = useSession();
  const accounts = useQuery({ queryKey: queryKeys.accounts, queryFn: fetchAccounts });
  const title = session.data ? tenantName(session.data.tenant, i18n.language) : t('app.title');
  const goBind = () => void navigate('/bind');

  let body: ReactElement;
  if (accounts.isPending) {
    body = <CardSkeleton />;
  } else if (accounts.isError) {
    body = <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />;
  } else if (accounts.data.length === 0) {
    body = (
      <EmptyState title={t('home.emptyTitle')} description={t('home.emptyDescription')}>
        <Button color="primary" size="large" className="portal-empty-action" onClick={goBind}>
          {t('home.bind')}
        </Button>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <div className="portal-section-head">
          <h2 className="portal-section-title">{t('home.myAccounts')}</h2>
          <Button size="small" color="primary" fill="outline" className="portal-touch-small" onClick={goBind}>
            <PlusIcon className="portal-inline-icon" /> {t('home.bind')}
          </Button>
        </div>
        <div className="portal-stack">
          {accounts.data.map((account) => (
            <div key={account.id} className="pay-home-account">
              <AccountCard account={account} />
              <AccountPayStrip accountId={account.id} />
            </div>
          ))}
        </div>
      </>
    );
  }

  return (
    <Page title={title} testId="home-page">
      <PullToRefresh
        onRefresh={async () => {
          await accounts.refetch();
        }}
        pullingText={t('home.pulling')}
        canReleaseText={t('home.canRelease')}
        refreshingText={t('home.refreshing')}
        completeText={t('home.refreshed')}
      >
        <div className="portal-content">
          <ServiceEntries />
          <ApplicationEntries />
          <AppointmentEntries />
          {body}
        </div>
      </PullToRefresh>
    </Page>
  );
}
