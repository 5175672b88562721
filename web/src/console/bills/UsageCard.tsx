import { Card, Empty, Skeleton } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '../components/QueryError';
import { useUsage } from './hooks';

// echarts is loaded only when a usage chart is first shown.
const UsageBarChart = lazy(() => import('../../shared/UsageBarChart'));

/** Twelve months of an account's use as bars (m³), from its bills. */
export function UsageCard({ accountId, highlight }: { accountId: string; highlight?: string | null }) {
  const { t } = useTranslation();
  const usage = useUsage(accountId);
  const labels = useMemo(
    () => ({
      month: (period: string) => t('bills.usage.month', { year: period.slice(0, 4), month: Number(period.slice(5, 7)) }),
      unit: t('bills.usage.unit'),
      estimated: t('bills.usage.estimated'),
      noBill: t('bills.usage.noBill'),
    }),
    [t],
  );
  const points = usage.data?.points ?? [];
  const hasData = points.some((point) => point.consumptionLitres !== null);
  return (
    <Card size="small" title={t('bills.usage.title')} data-testid="usage-card">
      {usage.isPending ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : usage.isError ? (
        <QueryError compact error={usage.error} onRetry={() => void usage.refetch()} />
      ) : !hasData ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('bills.empty')} />
      ) : (
        <Suspense fallback={<Skeleton active paragraph={{ rows: 4 }} />}>
          <UsageBarChart points={points} highlight={highlight ?? null} labels={labels} height={220} />
        </Suspense>
      )}
    </Card>
  );
}
