import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Empty, Flex, Segmented, Select, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import type { ServiceRequest, ServiceRequestKind, ServiceRequestState } from '../../api/types';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDateTime } from '../utils/format';
import { useServiceRequests, type ServiceListFilter } from './hooks';
import { AlertTag, categoryName, Countdown, KINDS, STATES, StateTag, useNow } from './parts';
import './service.css';


const isOverdue = (request: ServiceRequest, now: number) => request.nextDeadline !== null && new Date(request.nextDeadline.dueAt).getTime() < now;

/** 工单: every channel's requests, filtered by open/overdue/kind/state, with the next deadline counting down. */
export function ServiceListPage() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const now = useNow();
  // The filters live in the address, so that "back" from a request returns to the same list.
  const [params, setParams] = useSearchParams();
  const scope = params.get('scope') === 'all' ? 'all' : 'open';
  const kind = (KINDS as string[]).includes(params.get('kind') ?? '') ? (params.get('kind') as ServiceRequestKind) : undefined;
  const state = (STATES as string[]).includes(params.get('state') ?? '') ? (params.get('state') as ServiceRequestState) : undefined;
  const overdue = params.get('overdue') === 'true';
  const mine = params.get('mine') === 'true';
  const set = (key: string, value: string | undefined) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const filter: ServiceListFilter = { open: scope === 'open' ? true : undefined, overdue: overdue || undefined, kind, state, assignedToMe: mine || undefined };
  const query = useServiceRequests(filter);
  const rows = query.data ?? [];

  const columns: TableColumnsType<ServiceRequest> = [
    {
      key: 'requestNo',
      title: t('service.list.requestNo'),
      width: 170,
      render: (_, row) => (
        <Space orientation="vertical" size={0}>
          <Typography.Link strong className="sw-code" onClick={() => void navigate(`/service/${row.id}`)} data-testid="service-request-no">
            {row.requestNo}
          </Typography.Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`service.channel.${row.channel}`)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: 'category',
      title: t('service.list.category'),
      width: 130,
      render: (_, row) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text>{categoryName(row.category, i18n.language)}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`service.kind.${row.kind}`)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: 'address',
      title: t('service.list.address'),
      render: (_, row) => (
        <Space orientation="vertical" size={0} style={{ minWidth: 0 }}>
          <Typography.Text ellipsis={{ tooltip: row.address }} style={{ maxWidth: 320 }}>
            {row.address ?? '—'}
          </Typography.Text>
          <Typography.Text type="secondary" ellipsis={{ tooltip: row.description }} style={{ fontSize: 12, maxWidth: 320 }}>
            {row.description}
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'state', title: t('service.list.state'), width: 110, render: (_, row) => <StateTag state={row.state} /> },
    { key: 'alert', title: t('service.list.alertLevel'), width: 90, render: (_, row) => <AlertTag level={row.alertLevel} /> },
    { key: 'deadline', title: t('service.list.nextDeadline'), width: 190, render: (_, row) => <Countdown deadline={row.nextDeadline} now={now} /> },
    { key: 'assignee', title: t('service.list.assignee'), width: 120, render: (_, row) => row.assignee?.name ?? <Typography.Text type="secondary">—</Typography.Text> },
    { key: 'createdAt', title: t('service.list.createdAt'), width: 170, render: (_, row) => formatDateTime(row.createdAt) },
  ];

  return (
    <Flex vertical gap={16} data-testid="service-list-page">
      <Card>
        <Flex justify="space-between" align="flex-start" gap={16} wrap>
          <div style={{ flex: '1 1 420px' }}>
            <Typography.Title level={4} style={{ marginTop: 0 }}>
              {t('service.list.title')}
            </Typography.Title>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {t('service.list.subtitle')}
            </Typography.Paragraph>
          </div>
          {can('service.create') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/service/new')}>
              {t('service.list.new')}
            </Button>
          )}
        </Flex>
        <Flex gap={12} wrap align="center" style={{ marginTop: 16 }}>
          <Segmented
            value={scope}
            onChange={(value) => set('scope', value === 'all' ? 'all' : undefined)}
            options={[
              { value: 'open', label: t('service.list.open') },
              { value: 'all', label: t('service.list.all') },
            ]}
          />
          <Select<ServiceRequestKind | ''>
            style={{ width: 140 }}
            value={kind ?? ''}
            onChange={(value) => set('kind', value || undefined)}
            aria-label={t('service.list.kind')}
            options={[{ value: '', label: t('service.list.anyKind') }, ...KINDS.map((value) => ({ value, label: t(`service.kind.${value}`) }))]}
          />
          <Select<ServiceRequestState | ''>
            style={{ width: 140 }}
            value={state ?? ''}
            onChange={(value) => set('state', value || undefined)}
            aria-label={t('service.list.state')}
            options={[{ value: '', label: t('service.list.anyState') }, ...STATES.map((value) => ({ value, label: t(`service.state.${value}`) }))]}
          />
          <Checkbox checked={overdue} onChange={(event) => set('overdue', event.target.checked ? 'true' : undefined)}>
            {t('service.list.overdue')}
          </Checkbox>
          {can('service.field') && (
            <Checkbox checked={mine} onChange={(event) => set('mine', event.target.checked ? 'true' : undefined)}>
              {t('service.list.mine')}
            </Checkbox>
          )}
          <Flex flex={1} justify="flex-end" align="center" gap={8}>
            <Typography.Text type="secondary">{t('service.list.count', { count: rows.length })}</Typography.Text>
            <Button icon={<ReloadOutlined />} loading={query.isFetching} onClick={() => void query.refetch()} aria-label={t('service.list.refresh')} />
          </Flex>
        </Flex>
      </Card>
      <Card styles={{ body: { padding: 0 } }}>
        {query.isError ? (
          <div style={{ padding: 16 }}>
            <QueryError compact error={query.error} onRetry={() => void query.refetch()} />
          </div>
        ) : (
          <Table<ServiceRequest>
            rowKey="id"
            size="middle"
            loading={query.isPending}
            columns={columns}
            dataSource={rows}
            pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
            scroll={{ x: 1100 }}
            rowClassName={(row) => (isOverdue(row, now) ? 'sv-row-overdue' : '')}
            onRow={(row) => ({ onDoubleClick: () => void navigate(`/service/${row.id}`), 'data-testid': 'service-row' }) as React.HTMLAttributes<HTMLTableRowElement>}
            locale={{ emptyText: <Empty description={t('service.list.empty')} /> }}
          />
        )}
      </Card>
    </Flex>
  );
}
