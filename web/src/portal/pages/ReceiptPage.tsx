/** One payment's receipt (缴费凭证), opened from 缴费记录. */
import { useQuery } from '@tanstack/react-query';
import type { ReactElement } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { Page } from '../components/Page';
import { EmptyState, ErrorState, PageLoading } from '../components/states';
import { fetchReceipt, payQueryKeys } from './PayApi';
import { ReceiptView, usePayText } from './PayParts';

export function ReceiptPage(): ReactElement {
  const { text } = usePayText();
  const { id = '' } = useParams();
  const receipt = useQuery({ queryKey: payQueryKeys.receipt(id), queryFn: () => fetchReceipt(id) });

  let body: ReactElement;
  if (receipt.isPending) body = <PageLoading />;
  else if (receipt.isError && receipt.error instanceof ApiError && (receipt.error.status === 404 || receipt.error.status === 400))
    body = <EmptyState title={text.receiptNotFound} description={text.receiptNotFoundDescription} />;
  else if (receipt.isError) body = <ErrorState error={receipt.error} onRetry={() => void receipt.refetch()} />;
  else
    body = (
      <div className="portal-content">
        <ReceiptView receipt={receipt.data} />
      </div>
    );

  return (
    <Page title={text.receiptTitle} back testId="receipt-page">
      {body}
    </Page>
  );
}
