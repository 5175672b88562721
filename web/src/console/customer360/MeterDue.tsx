import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { daysUntil, formatDate } from '../utils/format';

export const DUE_SOON_DAYS = 90;

/** The verification / replacement due date, red when overdue and orange within 90 days. */
export function MeterDue({ dueOn }: { dueOn: string | null }) {
  const { t } = useTranslation();
  if (!dueOn) return <Typography.Text type="secondary">—</Typography.Text>;
  const days = daysUntil(dueOn);
  if (days < 0) {
    return (
      <Space size={4}>
        <Typography.Text type="danger">{formatDate(dueOn)}</Typography.Text>
        <Tag color="red">{t('meter.overdue')}</Tag>
      </Space>
    );
  }
  if (days <= DUE_SOON_DAYS) {
    return (
      <Space size={4}>
        <Typography.Text type="warning">{formatDate(dueOn)}</Typography.Text>
        <Tag color="orange">{t('meter.dueSoon', { days })}</Tag>
      </Space>
    );
  }
  return <Typography.Text>{formatDate(dueOn)}</Typography.Text>;
}
