/** 账单: one bound account's bills, newest first, with what is owed now; a bill opens its detail. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { InfiniteScroll, List, Tag } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { Bill } from '../../api/types';
import { formatCubicMetres, formatYuan } from '../../shared/money';
import { Page } from '../components/Page';
import { CardSkeleton, EmptyState, ErrorState } from '../components/states';
import { BILLS_PAGE_SIZE, billQueryKeys, fetchBills } from './BillsApi';
import { BillStatusTag, formatDay, useBillTexts } from './BillsParts';
import { PayFooterButton, PaymentsNavLink } from './PayParts';
import './Bills.css';

export function BillsPage(): ReactElement {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const texts = useBillTexts();
  const bills = useInfiniteQuery({
    queryKey: billQueryKeys.bills(id),
    queryFn: ({ pageParam }) => fetchBills(id, pageParam),
    initialPageParam: 1,
    getNextPageParam: (last) => (last.page * BILLS_PAGE_SIZE < last.total ? last.page + 1 : undefined),
  });

  let body: ReactElement;
  if (bills.isPending) body = <CardSkeleton />;
  else if (bills.isError && bills.error instanceof ApiError && bills.error.status === 404)
    body = <EmptyState title={t('account.notFoundTitle')} description={t('account.notFoundDescription')} />;
  else if (bills.isError) body = <ErrorState error={bills.error} onRetry={() => void bills.refetch()} />;
  else {
    const all = bills.data.pages.flatMap((page) => page.bills);
    const balance = bills.data.pages[0]?.balanceFen ?? 0;
    body =
      all.length === 0 ? (
        <EmptyState title={t('bills.empty')} description={t('bills.emptyDescription')} />
      ) : (
        <>
          <div className="portal-card bills-summary" data-testid="bills-balance">
            <span className="portal-muted">{balance > 0 ? t('bills.balanceOwed') : balance < 0 ? t('bills.balanceCredit') : t('bills.balanceSettled')}</span>
            <span className={`bills-summary-amount${balance > 0 ? ' is-owed' : ''}`}>¥{formatYuan(Math.abs(balance))}</span>
          </div>
          <List mode="card" className="portal-list" data-testid="bills-list">
            {all.map((bill) => (
              <BillItem key={bill.id} bill={bill} language={i18n.language} onOpen={() => void navigate(`/bills/${encodeURIComponent(bill.id)}`)} title={texts.period(bill.period)} />
            ))}
          </List>
          <InfiniteScroll loadMore={async () => void (await bills.fetchNextPage())} hasMore={bills.hasNextPage}>
            <span className="portal-muted">{bills.hasNextPage ? t('bills.loadMore') : t('bills.noMore')}</span>
          </InfiniteScroll>
        </>
      );
  }

  const owedFen = bills.data?.pages[0]?.balanceFen ?? 0;
  return (
    <Page
      title={t('bills.title')}
      back
      testId="bills-page"
      right={<PaymentsNavLink accountId={id} />}
      footer={owedFen > 0 ? <PayFooterButton accountId={id} owedFen={owedFen} /> : undefined}
    >
      <div className="portal-content">{body}</div>
    </Page>
  );
}

function BillItem({ bill, title, language, onOpen }: { bill: Bill; title: string; language: string; onOpen: () => void }): ReactElement {
  const { t } = useTranslation();
  const isNote = bill.kind !== 'regular';
  const amount = bill.kind === 'regular' ? (bill.netTotalFen ?? bill.totalFen) : bill.totalFen;
  return (
    <List.Item
      onClick={onOpen}
      arrowIcon
      data-testid="bill-item"
      description={
        <>
          {t('bills.consumption', { value: formatCubicMetres(bill.consumptionLitres) })}
          {bill.kind !== 'credit_note' && ` · ${t('bills.due', { date: formatDay(bill.dueOn, language) })}`}
        </>
      }
      extra={
        <span className="bills-item-amount">
          <span className={amount < 0 ? 'bills-negative' : undefined}>¥{formatYuan(amount)}</span>
          {bill.status && <BillStatusTag status={bill.status} />}
        </span>
      }
    >
      <span className="bills-item-title">
        {title}
        {isNote && (
          <Tag color={bill.kind === 'credit_note' ? 'danger' : 'warning'} fill="outline" className="portal-tag">
            {t(`bills.kind.${bill.kind}`)}
          </Tag>
        )}
        {bill.isEstimated && (
          <Tag color="warning" fill="solid" className="portal-tag">
            {t('bills.estimated')}
          </Tag>
        )}
        {!isNote && bill.netTotalFen !== null && bill.netTotalFen !== bill.totalFen && (
          <Tag color="primary" fill="outline" className="portal-tag">
            {t('bills.adjusted')}
          </Tag>
        )}
      </span>
    </List.Item>
  );
}
