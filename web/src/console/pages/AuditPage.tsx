import { SafetyCertificateOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, AutoComplete, Button, Card, DatePicker, Empty, Flex, Form, Input, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { AuditEntry } from '../../api/types';
import { JsonDiff } from '../components/JsonDiff';
import { QueryError } from '../components/QueryError';
import { useAuditLog, useVerifyAudit, type AuditFilters } from '../hooks/audit';
import { useAuditLabels } from '../hooks/useLabels';
import { errorMessage } from '../utils/errors';
import { formatDateTime } from '../utils/format';

const OBJECT_TYPES = ['customer', 'contact', 'premise', 'account', 'meter', 'staff', 'session', 'portal_user', 'binding'];
const FILTER_KEYS = ['objectType', 'objectId', 'actor', 'action', 'from', 'to'] as const;

interface FilterValues {
  objectType?: string;
  objectId?: string;
  actor?: string;
  action?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function filtersFrom(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

/** The tamper-evident audit log: filters, newest first, "load more", before/after of every change. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const labels = useAuditLabels();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const log = useAuditLog(filters);
  const verify = useVerifyAudit();
  const [form] = Form.useForm<FilterValues>();

  const applyFilters = (values: FilterValues) => {
    const next: Record<string, string> = {};
    for (const key of ['objectType', 'objectId', 'actor', 'action'] as const) {
      const value = values[key]?.trim();
      if (value) next[key] = value;
    }
    const [start, end] = values.range ?? [null, null];
    if (start) next.from = start.startOf('day').toISOString();
    if (end) next.to = end.endOf('day').toISOString();
    setParams(next);
  };

  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];

  const columns: TableColumnsType<AuditEntry> = [
    { key: 'seq', title: t('audit.columns.seq'), width: 80, render: (_, row) => <span className="sw-code">{row.seq}</span> },
    { key: 'occurredAt', title: t('audit.columns.occurredAt'), width: 170, render: (_, row) => formatDateTime(row.occurredAt) },
    {
      key: 'actor',
      title: t('audit.columns.actor'),
      width: 220,
      render: (_, row) => (
        <Space size={4}>
          <Tag>{t(`audit.actorType.${row.actorType}`)}</Tag>
          {row.actorName}
        </Space>
      ),
    },
    {
      key: 'action',
      title: t('audit.columns.action'),
      width: 200,
      render: (_, row) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{labels.action(row.action)}</Typography.Text>
          <Typography.Text type="secondary" className="sw-code" style={{ fontSize: 12 }}>
            {row.action}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: 'object',
      title: t('audit.columns.object'),
      render: (_, row) => (
        <Space orientation="vertical" size={0} style={{ maxWidth: '100%' }}>
          <Typography.Text>{labels.objectType(row.objectType)}</Typography.Text>
          {row.objectType === 'customer' ? (
            <Link to={`/customers/${row.objectId}`} className="sw-code" style={{ fontSize: 12 }}>
              {row.objectId}
            </Link>
          ) : (
            <Typography.Text type="secondary" className="sw-code" style={{ fontSize: 12 }} copyable>
              {row.objectId}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { key: 'ip', title: t('audit.columns.ip'), width: 130, render: (_, row) => <span className="sw-code">{row.ip ?? '—'}</span> },
  ];

  const initialValues: FilterValues = {
    objectType: filters.objectType,
    objectId: filters.objectId,
    actor: filters.actor,
    action: filters.action,
    range: filters.from || filters.to ? [filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null] : null,
  };

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('audit.title')}
        </Typography.Title>
        <Button icon={<SafetyCertificateOutlined />} loading={verify.isPending} onClick={() => verify.mutate()}>
          {t('audit.verify')}
        </Button>
      </Flex>
      {verify.isSuccess ? (
        <Alert
          data-testid="audit-verify-result"
          style={{ marginBottom: 16 }}
          showIcon
          closable={{ onClose: () => verify.reset() }}
          type={verify.data.isIntact ? 'success' : 'error'}
          title={
            verify.data.isIntact
              ? t('audit.intact', { count: verify.data.entries })
              : t('audit.broken', { seq: verify.data.firstBrokenSeq ?? '?', count: verify.data.entries })
          }
        />
      ) : null}
      {verify.isError ? (
        <Alert
          style={{ marginBottom: 16 }}
          showIcon
          type="error"
          title={t('audit.verifyFailed')}
          description={errorMessage(verify.error, i18n.language, t('common.unexpectedError'))}
        />
      ) : null}
      <Form<FilterValues>
        key={params.toString()}
        form={form}
        layout="inline"
        initialValues={initialValues}
        onFinish={applyFilters}
        style={{ marginBottom: 16, rowGap: 12 }}
      >
        <Form.Item name="objectType" label={t('audit.filters.objectType')}>
          <AutoComplete
            allowClear
            style={{ width: 160 }}
            options={OBJECT_TYPES.map((type) => ({ value: type, label: `${labels.objectType(type)} (${type})` }))}
          />
        </Form.Item>
        <Form.Item name="objectId" label={t('audit.filters.objectId')}>
          <Input allowClear style={{ width: 200 }} className="sw-code" />
        </Form.Item>
        <Form.Item name="actor" label={t('audit.filters.actor')}>
          <Input allowClear style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="action" label={t('audit.filters.action')}>
          <Input allowClear style={{ width: 170 }} className="sw-code" placeholder={t('audit.filters.actionPlaceholder')} />
        </Form.Item>
        <Form.Item name="range" label={t('audit.filters.dateRange')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              {t('common.search')}
            </Button>
            <Button onClick={() => setParams({})}>{t('common.reset')}</Button>
          </Space>
        </Form.Item>
      </Form>
      {log.isError && !log.data ? (
        <QueryError compact error={log.error} onRetry={() => void log.refetch()} />
      ) : (
        <>
          <Table<AuditEntry>
            rowKey="seq"
            size="middle"
            columns={columns}
            dataSource={entries}
            loading={log.isPending || (log.isFetching && !log.isFetchingNextPage)}
            pagination={false}
            expandable={{
              expandedRowRender: (row) => (
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <JsonDiff before={row.before} after={row.after} />
                  <Typography.Text type="secondary" className="sw-code" style={{ fontSize: 12 }}>
                    {t('audit.hash')}: {row.hash}
                  </Typography.Text>
                </Space>
              ),
            }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audit.empty')} /> }}
          />
          {log.isError && log.data ? (
            <div style={{ marginTop: 12 }}>
              <QueryError compact error={log.error} onRetry={() => void log.fetchNextPage()} />
            </div>
          ) : null}
          <Flex justify="center" align="center" gap={16} style={{ marginTop: 16 }}>
            <Typography.Text type="secondary">{t('audit.count', { count: entries.length })}</Typography.Text>
            {log.hasNextPage ? (
              <Button loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                {t('common.loadMore')}
              </Button>
            ) : entries.length > 0 ? (
              <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
            ) : null}
          </Flex>
        </>
      )}
    </Card>
  );
}
