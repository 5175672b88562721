import { MessageOutlined, SyncOutlined, WechatOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { OutboxChannel, OutboxMessage, OutboxStatus } from '../../api/types';
import { QueryError } from '../components/QueryError';
import { OutboxStatusTag } from '../components/StatusTags';
import { useOutbox, useRetryOutboxMessage } from '../hooks/audit';
import { useSession } from '../session/session';
import { errorMessage } from '../utils/errors';
import { formatDateTime, formatTime } from '../utils/format';

const CHANNELS: OutboxChannel[] = ['sms', 'wechat'];
const STATUSES: OutboxStatus[] = ['queued', 'sent', 'delivered', 'failed'];

/** Shows one-time codes (4–8 digits) in an SMS body highlighted, so that demo users find them at a glance. */
function highlightCodes(body: string): ReactNode[] {
  return body.split(/(\b\d{4,8}\b)/).map((part, index) =>
    index % 2 === 1 ? (
      <span key={index} className="sw-otp sw-code" data-testid="outbox-code">
        {part}
      </span>
    ) : (
      part
    ),
  );
}

function ChannelTag({ channel }: { channel: OutboxChannel }) {
  const { t } = useTranslation();
  return channel === 'wechat' ? (
    <Tag color="green" icon={<WechatOutlined />} data-testid="outbox-channel">
      {t('outbox.channel.wechat')}
    </Tag>
  ) : (
    <Tag color="blue" icon={<MessageOutlined />} data-testid="outbox-channel">
      {t('outbox.channel.sms')}
    </Tag>
  );
}

/** What became of a WeChat message WeChat could not deliver, or which WeChat message an SMS stands in for. */
function FallbackNote({ message }: { message: OutboxMessage }) {
  const { t } = useTranslation();
  if (message.fallback) {
    return (
      <Typography.Text type="warning" className="sw-outbox-note" data-testid="outbox-fallback">
        {t('outbox.fellBackTo', { recipient: message.fallback.recipientMasked, status: t(`outbox.status.${message.fallback.status}`) })}
      </Typography.Text>
    );
  }
  if (message.replacesOutboxId) {
    return (
      <Typography.Text type="secondary" className="sw-outbox-note" data-testid="outbox-replaces">
        {t('outbox.replacesWechat')}
      </Typography.Text>
    );
  }
  return null;
}

function RetryButton({ message: row }: { message: OutboxMessage }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const retry = useRetryOutboxMessage();
  return (
    <Popconfirm
      title={t('outbox.retryConfirm')}
      onConfirm={() =>
        retry.mutate(row.id, {
          onSuccess: () => void message.success(t('outbox.retried')),
          onError: (error) => void message.error(errorMessage(error, i18n.language, t('outbox.retryFailed'))),
        })
      }
    >
      <Button size="small" loading={retry.isPending} data-testid="outbox-retry">
        {t('outbox.retry')}
      </Button>
    </Popconfirm>
  );
}

/** Messages to customers (SMS and WeChat template messages), newest first, refreshed every 5 seconds. */
export function OutboxPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [recipient, setRecipient] = useState('');
  const [channel, setChannel] = useState<OutboxChannel | undefined>(undefined);
  const [status, setStatus] = useState<OutboxStatus | undefined>(undefined);
  const outbox = useOutbox({ recipient, ...(channel ? { channel } : {}), ...(status ? { status } : {}) });
  const messages = outbox.data?.pages.flatMap((page) => page.messages) ?? [];
  const canRetry = can('outbox.retry');

  const columns: TableColumnsType<OutboxMessage> = [
    { key: 'createdAt', title: t('outbox.columns.createdAt'), width: 160, render: (_, row) => formatDateTime(row.createdAt) },
    { key: 'channel', title: t('outbox.columns.channel'), width: 130, render: (_, row) => <ChannelTag channel={row.channel} /> },
    {
      key: 'recipient',
      title: t('outbox.columns.recipient'),
      width: 130,
      render: (_, row) => <span className="sw-code">{row.recipientMasked}</span>,
    },
    {
      key: 'template',
      title: t('outbox.columns.template'),
      width: 150,
      render: (_, row) => <Typography.Text className="sw-code">{row.template}</Typography.Text>,
    },
    {
      key: 'body',
      title: t('outbox.columns.body'),
      render: (_, row) => (
        <Flex vertical gap={4}>
          <span>{highlightCodes(row.body)}</span>
          <FallbackNote message={row} />
        </Flex>
      ),
    },
    { key: 'status', title: t('outbox.columns.status'), width: 90, render: (_, row) => <OutboxStatusTag status={row.status} /> },
    { key: 'attempts', title: t('outbox.columns.attempts'), width: 80, align: 'right', render: (_, row) => <span data-testid="outbox-attempts">{row.attempts}</span> },
    {
      key: 'lastError',
      title: t('outbox.columns.lastError'),
      width: 200,
      render: (_, row) =>
        row.lastError ? (
          <Tooltip title={row.lastError}>
            <Typography.Text type="danger" ellipsis style={{ maxWidth: 184 }} data-testid="outbox-last-error">
              {row.lastError}
            </Typography.Text>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    { key: 'provider', title: t('outbox.columns.provider'), width: 110, render: (_, row) => row.provider ?? '—' },
    { key: 'sentAt', title: t('outbox.columns.sentAt'), width: 160, render: (_, row) => formatDateTime(row.sentAt) },
    ...(canRetry
      ? [{ key: 'actions', title: t('outbox.columns.actions'), width: 90, render: (_: unknown, row: OutboxMessage) => (row.isRetryable ? <RetryButton message={row} /> : null) }]
      : []),
  ];

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }} gap={16} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('outbox.title')}
        </Typography.Title>
        <Space size="middle" wrap>
          <Typography.Text type="secondary">
            <SyncOutlined spin={outbox.isFetching} /> {t('outbox.autoRefresh')}
            {outbox.dataUpdatedAt ? ` · ${t('outbox.updatedAt', { time: formatTime(outbox.dataUpdatedAt) })}` : ''}
          </Typography.Text>
          <Select<OutboxChannel | 'all'>
            value={channel ?? 'all'}
            style={{ width: 150 }}
            onChange={(value) => setChannel(value === 'all' ? undefined : value)}
            options={[{ value: 'all', label: t('outbox.allChannels') }, ...CHANNELS.map((value) => ({ value, label: t(`outbox.channel.${value}`) }))]}
            aria-label={t('outbox.columns.channel')}
            data-testid="outbox-channel-filter"
          />
          <Select<OutboxStatus | 'all'>
            value={status ?? 'all'}
            style={{ width: 120 }}
            onChange={(value) => setStatus(value === 'all' ? undefined : value)}
            options={[{ value: 'all', label: t('outbox.allStatuses') }, ...STATUSES.map((value) => ({ value, label: t(`outbox.status.${value}`) }))]}
            aria-label={t('outbox.columns.status')}
            data-testid="outbox-status-filter"
          />
          <Input.Search
            allowClear
            placeholder={t('outbox.recipientFilter')}
            style={{ width: 200 }}
            onSearch={(value) => setRecipient(value.trim())}
          />
        </Space>
      </Flex>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('outbox.demoHint')} />
      <Typography.Paragraph type="secondary" data-testid="outbox-letters-hint">
        {t('outbox.lettersHint')}{' '}
        {can('collection.work') ? <Link to="/collection/orders?tab=letters">{t('outbox.lettersLink')}</Link> : null}
      </Typography.Paragraph>
      {outbox.isError && !outbox.data ? (
        <QueryError compact error={outbox.error} onRetry={() => void outbox.refetch()} />
      ) : (
        <>
          <Table<OutboxMessage>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={messages}
            loading={outbox.isPending}
            pagination={false}
            scroll={{ x: 1300 }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(channel || status || recipient ? 'outbox.emptyFiltered' : 'outbox.empty')} /> }}
            data-testid="outbox-table"
          />
          {outbox.hasNextPage ? (
            <Flex justify="center" style={{ marginTop: 16 }}>
              <Button loading={outbox.isFetchingNextPage} onClick={() => void outbox.fetchNextPage()}>
                {t('common.loadMore')}
              </Button>
            </Flex>
          ) : null}
        </>
      )}
    </Card>
  );
}
