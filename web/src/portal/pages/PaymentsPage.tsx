/** 缴费记录: one bound account's payments, newest first; a payment opens its receipt. */
import { useQuery } from '@tanstack/react-query';
import { Button, List } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { formatYuan } from '../../shared/money';
import { Page } from '../components/Page';
import { CardSkeleton, EmptyState, ErrorState } from '../components/states';
import { fetchPayments, payQueryKeys } from './PayApi';
import { fill } from './PayMessages';
import { ChannelMark, formatDateTime, usePayText } from './PayParts';

export function PaymentsPage(): ReactElement {
  const { t } = useTranslation();
  const { text, language } = usePayText();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const payments = useQuery({ queryKey: payQueryKeys.payments(id), queryFn: () => fetchPayments(id) });
  const goPay = () => void navigate(`/accounts/${encodeURIComponent(id)}/pay`);

  let body: ReactElement;
  if (payments.isPending) body = <CardSkeleton />;
  else if (payments.isError && payments.error instanceof ApiError && payments.error.status === 404)
    body = <EmptyState title={t('account.notFoundTitle')} description={t('account.notFoundDescription')} />;
  else if (payments.isError) body = <ErrorState error={payments.error} onRetry={() => void payments.refetch()} />;
  else if (payments.data.length === 0)
    body = (
      <EmptyState title={text.historyEmpty} description={text.historyEmptyDescription}>
        <Button color="primary" size="large" className="portal-empty-action" onClick={goPay}>
          {text.entry}
        </Button>
      </EmptyState>
    );
  else
    body = (
      <List mode="card" className="portal-list" data-testid="payments-list">
        {payments.data.map((payment) => (
          <List.Item
            key={payment.id}
            arrowIcon
            onClick={() => void navigate(`/payments/${encodeURIComponent(payment.id)}`)}
            data-testid="payment-item"
            description={
              <>
                <span className="pay-mono">{formatDateTime(payment.receivedAt, language)}</span>
                <br />
                <span className="pay-mono">{fill(text.receiptNoShort, { no: payment.receiptNo })}</span>
              </>
            }
            extra={<span className="pay-history-amount">¥{formatYuan(payment.amountFen)}</span>}
          >
            <span className="pay-history-title">
              <ChannelMark channel={payment.method} />
              {language.startsWith('en') ? payment.methodName.en : payment.methodName.zh}
            </span>
          </List.Item>
        ))}
      </List>
    );

  return (
    <Page title={text.historyTitle} back testId="payments-page">
      <div className="portal-content">{body}</div>
    </Page>
  );
}
