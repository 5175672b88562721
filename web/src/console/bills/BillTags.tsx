import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BillKind, BillLine, BillStatus } from '../../api/types';

const KIND_COLORS: Record<BillKind, string> = { regular: 'blue', credit_note: 'red', debit_note: 'orange' };
const STATUS_COLORS: Record<BillStatus, string> = { paid: 'green', partially_paid: 'gold', unpaid: 'blue', overdue: 'red', credited: 'default' };

export function BillKindTag({ kind }: { kind: BillKind }) {
  const { t } = useTranslation();
  return (
    <Tag color={KIND_COLORS[kind]} variant="outlined" data-testid="bill-kind">
      {t(`bills.kind.${kind}`)}
    </Tag>
  );
}

export function BillStatusTag({ status }: { status: BillStatus }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLORS[status]}>{t(`bills.status.${status}`)}</Tag>;
}

export function EstimatedTag() {
  const { t } = useTranslation();
  return <Tag color="warning">{t('bills.estimated')}</Tag>;
}

/** Names of bill lines and months in the console's language. */
export function useBillLabels() {
  const { t } = useTranslation();
  return {
    line: (line: Pick<BillLine, 'lineType' | 'tier' | 'description'>): string => {
      if (line.lineType === 'water' && line.tier) return t('bills.line.waterTier', { tier: line.tier });
      if (line.lineType === 'fixed' || line.lineType === 'adjustment') return `${t(`bills.line.${line.lineType}`)}：${line.description}`;
      return t(`bills.line.${line.lineType}`);
    },
    month: (period: string): string => t('bills.usage.month', { year: period.slice(0, 4), month: Number(period.slice(5, 7)) }),
  };
}
