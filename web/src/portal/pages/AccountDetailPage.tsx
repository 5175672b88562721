/** One bound account in full, with the action to unbind it. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, List, Tag, Toast } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { PortalAccount } from '../../api/types';
import { fetchAccount, queryKeys, unbindAccount } from '../api';
import { StatusTag } from '../components/AccountCard';
import { Page } from '../components/Page';
import { EmptyState, ErrorState, PageLoading } from '../components/states';
import { PayEntryCard } from './PayParts';
import { selfReadingText } from './selfReadingText';

function formatDate(value: string | null, language: string): string {
  if (!value) return '—';
  const date = new Date(value.length === 10 ? `${value}T00:00:00` : value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleDateString(language.startsWith('en') ? 'en-GB' : 'zh-CN', {
    year: 'numeric',
    month: language.startsWith('en') ? 'short' : '2-digit',
    day: '2-digit',
  });
}

export function AccountDetailPage(): ReactElement {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const account = useQuery({ queryKey: queryKeys.account(id), queryFn: () => fetchAccount(id) });

  let body: ReactElement;
  if (account.isPending) body = <PageLoading />;
  else if (account.isError && account.error instanceof ApiError && account.error.status === 404)
    body = <EmptyState title={t('account.notFoundTitle')} description={t('account.notFoundDescription')} />;
  else if (account.isError) body = <ErrorState error={account.error} onRetry={() => void account.refetch()} />;
  else body = <AccountDetail account={account.data} />;

  return (
    <Page title={t('account.detailTitle')} back testId="account-detail-page">
      {body}
    </Page>
  );
}

function AccountDetail({ account }: { account: PortalAccount }): ReactElement {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const language = i18n.language;

  const unbind = useMutation({
    mutationFn: () => unbindAccount(account.id),
    onSuccess: () => {
      queryClient.setQueryData<PortalAccount[]>(queryKeys.accounts, (current) =>
        current?.filter((item) => item.id !== account.id),
      );
      queryClient.removeQueries({ queryKey: queryKeys.account(account.id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.accounts });
      Toast.show({ icon: 'success', content: t('unbind.success') });
      void navigate('/', { replace: true });
    },
    onError: (error) => {
      Toast.show({
        icon: 'fail',
        content: error instanceof ApiError ? error.messageIn(language) : t('app.errorDescription'),
      });
    },
  });

  const confirmUnbind = async () => {
    const confirmed = await Dialog.confirm({
      title: t('unbind.confirmTitle'),
      content: t('unbind.confirmContent', { accountNo: account.accountNo }),
      confirmText: <span className="portal-danger-text">{t('unbind.confirmOk')}</span>,
      cancelText: t('app.cancel'),
    });
    if (confirmed) unbind.mutate();
  };

  return (
    <div className="portal-content">
      <div className="portal-card portal-detail-head">
        <div className="portal-account-head">
          <div>
            <div className="portal-label">{t('account.accountNo')}</div>
            <div className="portal-account-no" data-testid="detail-account-no">
              {account.accountNo}
            </div>
          </div>
          <StatusTag status={account.status} />
        </div>
      </div>

      <PayEntryCard accountId={account.id} />

      <List mode="card" header={t('bills.entry')} className="portal-list" data-testid="account-bills-entry">
        <List.Item onClick={() => void navigate(`/accounts/${encodeURIComponent(account.id)}/bills`)} description={t('bills.billsDescription')}>
          {t('bills.bills')}
        </List.Item>
        <List.Item onClick={() => void navigate(`/accounts/${encodeURIComponent(account.id)}/usage`)} description={t('bills.usageDescription')}>
          {t('bills.usage')}
        </List.Item>
        <List.Item onClick={() => void navigate(`/accounts/${encodeURIComponent(account.id)}/reading`)} description={selfReadingText(language).entryDescription} data-testid="self-reading-entry">
          {selfReadingText(language).entry}
        </List.Item>
      </List>

      <List mode="card" className="portal-list">
        <List.Item extra={account.holderNameMasked}>{t('account.holder')}</List.Item>
        <List.Item description={account.fullAddress}>{t('account.address')}</List.Item>
        <List.Item extra={t(`account.categories.${account.category}`)}>{t('account.category')}</List.Item>
        {account.category === 'residential' && (
          <List.Item extra={t('account.persons', { count: account.householdSize })}>
            {t('account.householdSize')}
          </List.Item>
        )}
        <List.Item extra={formatDate(account.openedOn, language)}>{t('account.openedOn')}</List.Item>
        <List.Item extra={formatDate(account.boundAt, language)}>{t('account.boundAt')}</List.Item>
      </List>

      <List mode="card" header={t('account.meters')} className="portal-list">
        {account.meters.length === 0 ? (
          <List.Item>
            <span className="portal-muted">{t('account.noMeters')}</span>
          </List.Item>
        ) : (
          account.meters.map((meter) => (
            <List.Item
              key={meter.serialNo}
              description={`${t('account.meterSize')} DN${meter.sizeDn} · ${t('account.installedOn')} ${formatDate(meter.installedOn, language)}`}
              extra={
                <Tag color={meter.isRemote ? 'primary' : 'default'} fill="outline" className="portal-tag">
                  {meter.isRemote ? t('account.remote') : t('account.mechanical')}
                </Tag>
              }
            >
              <span className="portal-meter-serial">
                {t('account.meterSerial')} {meter.serialNo}
              </span>
            </List.Item>
          ))
        )}
      </List>

      <div className="portal-actions">
        <Button
          block
          size="large"
          color="danger"
          fill="outline"
          loading={unbind.isPending}
          onClick={() => void confirmUnbind()}
        >
          {t('unbind.action')}
        </Button>
      </div>
    </div>
  );
}
