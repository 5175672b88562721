import { Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CutoffStatus, DunningNotice, ReconnectionOrder } from '../../api/types';
import { formatYuan } from '../../shared/money';

export const money = (fen: number) => <span className="sw-code">{formatYuan(fen)}</span>;

/** Protections and states that change what may be done about an account's arrears. */
export function CollectionFlags({ flags }: { flags: { isImportant?: boolean; isSpecialCare?: boolean; isDisputed?: boolean; isCutOff?: boolean } }) {
  const { t } = useTranslation();
  const tags = [
    flags.isImportant ? (
      <Tag key="important" color="gold" variant="filled">
        {t('collection.flags.important')}
      </Tag>
    ) : null,
    flags.isSpecialCare ? (
      <Tag key="care" color="magenta" variant="filled">
        {t('collection.flags.specialCare')}
      </Tag>
    ) : null,
    flags.isDisputed ? (
      <Tag key="disputed" color="purple" variant="filled">
        {t('collection.flags.disputed')}
      </Tag>
    ) : null,
    flags.isCutOff ? (
      <Tag key="cutoff" color="red" variant="filled">
        {t('collection.flags.cutOff')}
      </Tag>
    ) : null,
  ].filter(Boolean);
  if (tags.length === 0) return null;
  return (
    <Space size={2} wrap>
      {tags}
    </Space>
  );
}

export function NoticeKindTag({ kind }: { kind: DunningNotice['kind'] }) {
  const { t } = useTranslation();
  return (
    <Tag color={kind === 'cutoff_notice' ? 'red' : 'orange'} variant="filled">
      {t(`collection.notice.kind.${kind}`)}
    </Tag>
  );
}

export function NoticeChannelTag({ channel }: { channel: DunningNotice['channel'] }) {
  const { t } = useTranslation();
  return <Tag color={channel === 'letter' ? 'geekblue' : channel === 'wechat' ? 'green' : 'blue'}>{t(`collection.notice.channel.${channel}`)}</Tag>;
}

const CUTOFF_COLOURS: Record<CutoffStatus, string> = { issued: 'orange', done: 'red', cancelled: 'default' };

export function CutoffStatusTag({ status }: { status: CutoffStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={CUTOFF_COLOURS[status]} variant="filled">
      {t(`collection.cutoff.status.${status}`)}
    </Tag>
  );
}

export function ReconnectionStatusTag({ order }: { order: ReconnectionOrder }) {
  const { t } = useTranslation();
  if (order.status === 'done') {
    return (
      <Tag color="green" variant="filled">
        {t('collection.reconnection.status.done')}
      </Tag>
    );
  }
  return (
    <Tag color={order.isOverdue ? 'red' : 'blue'} variant="filled">
      {t(order.isOverdue ? 'collection.reconnection.status.overdue' : 'collection.reconnection.status.due')}
    </Tag>
  );
}

/** The time now, updated every `everyMs`: for countdowns. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Time left until a reconnection deadline, or how late it is. */
export function Countdown({ dueAt, now }: { dueAt: string; now: number }) {
  const { t } = useTranslation();
  const diff = new Date(dueAt).getTime() - now;
  const totalMinutes = Math.floor(Math.abs(diff) / 60_000);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  const time = hours > 0 ? t('collection.reconnection.hours', { hours, minutes }) : t('collection.reconnection.minutes', { minutes });
  if (diff < 0) {
    return (
      <Typography.Text type="danger" strong data-testid="countdown">
        {t('collection.reconnection.late', { time })}
      </Typography.Text>
    );
  }
  return (
    <Typography.Text type={hours < 4 ? 'warning' : undefined} strong={hours < 4} data-testid="countdown">
      {t('collection.reconnection.remaining', { time })}
    </Typography.Text>
  );
}
