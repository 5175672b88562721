/** Pieces the bills and usage pages share: tags, line names, dates. */
import { Tag } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { BillLine, BillStatus } from '../../api/types';

const STATUS_COLOR: Record<BillStatus, 'success' | 'warning' | 'danger' | 'primary' | 'default'> = {
  paid: 'success',
  partially_paid: 'warning',
  unpaid: 'primary',
  overdue: 'danger',
  credited: 'default',
};

export function BillStatusTag({ status }: { status: BillStatus }): ReactElement {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} fill="outline" className="portal-tag" data-testid="bill-status">
      {t(`bills.status.${status}`)}
    </Tag>
  );
}

export function useBillTexts() {
  const { t } = useTranslation();
  return {
    period: (period: string) => t('bills.periodTitle', { year: period.slice(0, 4), month: period.slice(5, 7) }),
    line: (line: Pick<BillLine, 'lineType' | 'tier' | 'description'>): string => {
      if (line.lineType === 'water' && line.tier) return t('bills.line.waterTier', { tier: line.tier });
      if (line.lineType === 'fixed' || line.lineType === 'adjustment') return `${t(`bills.line.${line.lineType}`)}：${line.description}`;
      return t(`bills.line.${line.lineType}`);
    },
  };
}

/** "2026-03-18" → "2026-03-18" in Chinese, "18 Mar 2026" in English. */
export function formatDay(value: string | null, language: string): string {
  if (!value) return '—';
  if (!language.startsWith('en')) return value;
  const date = new Date(`${value}T00:00:00`);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleDateString('en-GB', { year: 'numeric', month: 'short', day: '2-digit' });
}
