import { SyncOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Input, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutboxMessage } from '../../api/types';
import { QueryError } from '../components/QueryError';
import { OutboxStatusTag } from '../components/StatusTags';
import { useOutbox } from '../hooks/audit';
import { formatDateTime, formatTime } from '../utils/format';

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

/** Outgoing SMS, newest first, refreshed every 5 seconds. */
export function OutboxPage() {
  const { t } = useTranslation();
  const [recipient, setRecipient] = useState('');
  const outbox = useOutbox(recipient);
  const messages = outbox.data?.pages.flatMap((page) => page.messages) ?? [];

  const columns: TableColumnsType<OutboxMessage> = [
    { key: 'createdAt', title: t('outbox.columns.createdAt'), width: 170, render: (_, row) => formatDateTime(row.createdAt) },
    {
      key: 'recipient',
      title: t('outbox.columns.recipient'),
      width: 130,
      render: (_, row) => <span className="sw-code">{row.recipientMasked}</span>,
    },
    {
      key: 'template',
      title: t('outbox.columns.template'),
      width: 160,
      render: (_, row) => <Typography.Text className="sw-code">{row.template}</Typography.Text>,
    },
    { key: 'body', title: t('outbox.columns.body'), render: (_, row) => <span>{highlightCodes(row.body)}</span> },
    { key: 'status', title: t('outbox.columns.status'), width: 100, render: (_, row) => <OutboxStatusTag status={row.status} /> },
    { key: 'provider', title: t('outbox.columns.provider'), width: 110, render: (_, row) => row.provider ?? '—' },
    { key: 'sentAt', title: t('outbox.columns.sentAt'), width: 170, render: (_, row) => formatDateTime(row.sentAt) },
  ];

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }} gap={16} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('outbox.title')}
        </Typography.Title>
        <Space size="middle">
          <Typography.Text type="secondary">
            <SyncOutlined spin={outbox.isFetching} /> {t('outbox.autoRefresh')}
            {outbox.dataUpdatedAt ? ` · ${t('outbox.updatedAt', { time: formatTime(outbox.dataUpdatedAt) })}` : ''}
          </Typography.Text>
          <Input.Search
            allowClear
            placeholder={t('outbox.recipientFilter')}
            style={{ width: 220 }}
            onSearch={(value) => setRecipient(value.trim())}
          />
        </Space>
      </Flex>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('outbox.demoHint')} />
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
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('outbox.empty')} /> }}
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
