/** 用水量: a bound account's water use over the last twelve months, as bars and as a list. */
import { useQuery } from '@tanstack/react-query';
import { List } from 'antd-mobile';
import { lazy, Suspense, useMemo, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { UsagePoint } from '../../api/types';
import { formatCubicMetres } from '../../shared/money';
import { Page } from '../components/Page';
import { EmptyState, ErrorState, PageLoading } from '../components/states';
import { billQueryKeys, fetchUsage } from './BillsApi';
import './Bills.css';

// echarts (bars only, from echarts/core) is fetched when the chart is first shown.
const UsageBarChart = lazy(() => import('../../shared/UsageBarChart'));

export function UsagePage(): ReactElement {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const usage = useQuery({ queryKey: billQueryKeys.usage(id), queryFn: () => fetchUsage(id) });

  let body: ReactElement;
  if (usage.isPending) body = <PageLoading />;
  else if (usage.isError && usage.error instanceof ApiError && usage.error.status === 404)
    body = <EmptyState title={t('account.notFoundTitle')} description={t('account.notFoundDescription')} />;
  else if (usage.isError) body = <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />;
  else if (!usage.data.points.some((point) => point.consumptionLitres !== null)) body = <EmptyState title={t('bills.usageEmpty')} />;
  else body = <UsageView points={usage.data.points} />;

  return (
    <Page title={t('bills.usageTitle')} back testId="usage-page">
      {body}
    </Page>
  );
}

function UsageView({ points }: { points: UsagePoint[] }): ReactElement {
  const { t } = useTranslation();
  const labels = useMemo(
    () => ({
      month: (period: string) => t('bills.usageMonth', { month: Number(period.slice(5, 7)) }),
      unit: t('bills.usageUnit'),
      estimated: t('bills.estimated'),
      noBill: t('bills.noBill'),
    }),
    [t],
  );
  const billed = points.filter((point) => point.consumptionLitres !== null);
  const totalLitres = billed.reduce((sum, point) => sum + (point.consumptionLitres ?? 0), 0);
  const average = Math.round(totalLitres / Math.max(billed.length, 1));
  const highest = billed.reduce<UsagePoint | null>((best, point) => ((point.consumptionLitres ?? 0) > (best?.consumptionLitres ?? -1) ? point : best), null);
  const monthFull = (period: string) => t('bills.usageMonthFull', { year: period.slice(0, 4), month: Number(period.slice(5, 7)) });

  return (
    <div className="portal-content">
      <div className="portal-card bills-chart-card">
        <div className="bills-chart-title">{t('bills.usageChart')}</div>
        <Suspense fallback={<PageLoading inline />}>
          <UsageBarChart points={points} labels={labels} height={220} compact />
        </Suspense>
      </div>
      <div className="bills-stats">
        <div className="portal-card">
          <div className="portal-label">{t('bills.average')}</div>
          <div className="bills-stat-value">{formatCubicMetres(average)}</div>
        </div>
        <div className="portal-card">
          <div className="portal-label">{t('bills.highest')}</div>
          <div className="bills-stat-value">{highest ? formatCubicMetres(highest.consumptionLitres ?? 0) : '—'}</div>
          <div className="portal-muted">{highest ? monthFull(highest.period) : ''}</div>
        </div>
      </div>
      <List mode="card" className="portal-list" data-testid="usage-list">
        {[...points].reverse().map((point) => (
          <List.Item key={point.period} extra={point.consumptionLitres === null ? <span className="portal-muted">{t('bills.noBill')}</span> : `${formatCubicMetres(point.consumptionLitres)} m³`}>
            {monthFull(point.period)}
            {point.isEstimated ? `（${t('bills.estimated')}）` : ''}
          </List.Item>
        ))}
      </List>
    </div>
  );
}
