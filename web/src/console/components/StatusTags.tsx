import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AccountStatus, MeterStatus, OutboxMessage } from '../../api/types';

const ACCOUNT_COLORS: Record<AccountStatus, string> = { active: 'green', suspended: 'orange', closed: 'default' };
const METER_COLORS: Record<MeterStatus, string> = {
  in_stock: 'default',
  installed: 'green',
  removed: 'orange',
  scrapped: 'default',
};
const OUTBOX_COLORS: Record<OutboxMessage['status'], string> = {
  queued: 'gold',
  sent: 'blue',
  delivered: 'green',
  failed: 'red',
};

export function AccountStatusTag({ status }: { status: AccountStatus }) {
  const { t } = useTranslation();
  return <Tag color={ACCOUNT_COLORS[status]}>{t(`account.status.${status}`)}</Tag>;
}

export function MeterStatusTag({ status }: { status: MeterStatus }) {
  const { t } = useTranslation();
  return <Tag color={METER_COLORS[status]}>{t(`meter.status.${status}`)}</Tag>;
}

export function OutboxStatusTag({ status }: { status: OutboxMessage['status'] }) {
  const { t } = useTranslation();
  return <Tag color={OUTBOX_COLORS[status]}>{t(`outbox.status.${status}`)}</Tag>;
}
