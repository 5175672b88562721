import { PrinterOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { CutoffOrder, CutoffStatus, DunningNotice, ReconnectionOrder } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDate, formatDateTime } from '../utils/format';
import { CutoffActions, ReconnectionAction } from './CollectionFile';
import { CancelCutoffModal } from './forms';
import { useCutoffOrders, useNotices, useReconnectionOrders, type ReconnectionFilter } from './hooks';
import { Countdown, CutoffStatusTag, money, NoticeKindTag, ReconnectionStatusTag, useNow } from './parts';
import './collection.css';

const TABS = ['cutoff', 'reconnection', 'letters'] as const;
type TabKey = (typeof TABS)[number];
const isTab = (value: string | null): value is TabKey => (TABS as readonly (string | null)[]).includes(value);

const CUTOFF_FILTERS: (CutoffStatus | 'all')[] = ['issued', 'done', 'cancelled', 'all'];
const RECONNECTION_FILTERS: (ReconnectionFilter | 'all')[] = ['due', 'overdue', 'done', 'all'];

const who = (name: string | null, at: string | null) => (at ? `${name ?? ''} · ${formatDateTime(at)}` : '—');

function CutoffOrders() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<CutoffStatus | 'all'>('issued');
  const [cancelling, setCancelling] = useState<CutoffOrder | null>(null);
  const orders = useCutoffOrders(status === 'all' ? undefined : status);
  const columns: TableColumnsType<CutoffOrder> = [
    { key: 'accountNo', title: t('collection.orders.columns.accountNo'), width: 120, render: (_, order) => <span className="sw-code">{order.accountNo}</span> },
    {
      key: 'status',
      title: t('collection.orders.columns.status'),
      width: 150,
      render: (_, order) => (
        <Space size={2} wrap>
          <CutoffStatusTag status={order.status} />
          {order.isOverride ? <Tag color="volcano">{t('collection.cutoff.overrideTag')}</Tag> : null}
        </Space>
      ),
    },
    { key: 'owed', title: t('collection.orders.columns.owed'), align: 'right', width: 140, render: (_, order) => money(order.owedFen) },
    { key: 'issued', title: t('collection.orders.columns.issued'), width: 230, render: (_, order) => who(order.issuedBy, order.issuedAt) },
    {
      key: 'closed',
      title: `${t('collection.orders.columns.done')} / ${t('collection.orders.columns.cancelled')}`,
      width: 230,
      render: (_, order) => (order.doneAt ? who(order.doneBy, order.doneAt) : order.cancelledAt ? who(order.cancelledBy, order.cancelledAt) : '—'),
    },
    {
      key: 'note',
      title: t('collection.orders.columns.note'),
      ellipsis: true,
      render: (_, order) => order.cancelReason ?? order.overrideReason ?? '',
    },
    { key: 'actions', width: 150, render: (_, order) => <CutoffActions order={order} onCancel={setCancelling} /> },
  ];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Segmented
        value={status}
        onChange={(value) => setStatus(value)}
        options={CUTOFF_FILTERS.map((value) => ({ value, label: value === 'all' ? t('collection.orders.all') : t(`collection.cutoff.status.${value}`) }))}
        data-testid="cutoff-status"
      />
      {orders.isError ? (
        <QueryError compact error={orders.error} onRetry={() => void orders.refetch()} />
      ) : (
        <Table<CutoffOrder>
          rowKey="id"
          size="middle"
          loading={orders.isFetching}
          columns={columns}
          dataSource={orders.data ?? []}
          scroll={{ x: 1100 }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="cutoff-orders"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('collection.orders.emptyCutoff')} /> }}
        />
      )}
      <CancelCutoffModal order={cancelling} onClose={() => setCancelling(null)} />
    </Space>
  );
}

function ReconnectionOrders() {
  const { t } = useTranslation();
  const now = useNow();
  const [status, setStatus] = useState<ReconnectionFilter | 'all'>('due');
  const orders = useReconnectionOrders(status === 'all' ? undefined : status);
  const columns: TableColumnsType<ReconnectionOrder> = [
    { key: 'accountNo', title: t('collection.orders.columns.accountNo'), width: 120, render: (_, order) => <span className="sw-code">{order.accountNo}</span> },
    { key: 'status', title: t('collection.orders.columns.status'), width: 100, render: (_, order) => <ReconnectionStatusTag order={order} /> },
    { key: 'created', title: t('collection.orders.columns.created'), width: 170, render: (_, order) => formatDateTime(order.createdAt) },
    { key: 'deadline', title: t('collection.orders.columns.deadline'), width: 170, render: (_, order) => formatDateTime(order.dueAt) },
    {
      key: 'countdown',
      title: t('collection.orders.columns.countdown'),
      width: 170,
      render: (_, order) => (order.status === 'due' ? <Countdown dueAt={order.dueAt} now={now} /> : <Typography.Text type="secondary">{who(order.doneBy, order.doneAt)}</Typography.Text>),
    },
    { key: 'actions', width: 120, render: (_, order) => <ReconnectionAction order={order} /> },
  ];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Segmented
        value={status}
        onChange={(value) => setStatus(value)}
        options={RECONNECTION_FILTERS.map((value) => ({ value, label: value === 'all' ? t('collection.orders.all') : t(`collection.reconnection.status.${value}`) }))}
        data-testid="reconnection-status"
      />
      {orders.isError ? (
        <QueryError compact error={orders.error} onRetry={() => void orders.refetch()} />
      ) : (
        <Table<ReconnectionOrder>
          rowKey="id"
          size="middle"
          loading={orders.isFetching}
          columns={columns}
          dataSource={orders.data ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          rowClassName={(order) => (order.status === 'due' && order.isOverdue ? 'sw-row-overdue' : '')}
          data-testid="reconnection-orders"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('collection.orders.emptyReconnection')} /> }}
        />
      )}
    </Space>
  );
}

/** One printed letter per notice: utility, kind, addressee, the notice text, date. */
function Letter({ notice, utility }: { notice: DunningNotice; utility: string }) {
  const { t } = useTranslation();
  return (
    <section className="sw-letter">
      <div className="sw-letter-utility">{utility}</div>
      <div className="sw-letter-title">{t(`collection.notice.kind.${notice.kind}`)}</div>
      <div>{t('collection.letters.to', { holder: notice.holderName, accountNo: notice.accountNo })}</div>
      <div>{t('collection.letters.address', { address: notice.fullAddress })}</div>
      <div className="sw-letter-body">{notice.body}</div>
      <div className="sw-letter-footer">
        <span>
          {t('collection.letters.columns.bill')}：{notice.billNo} · ¥{formatYuan(notice.amountFen)}
        </span>
        <span>
          {utility} · {formatDate(notice.businessDate)}
        </span>
      </div>
    </section>
  );
}

/** 催缴函: the notices to deliver on paper, one letter per page when printed. */
function Letters() {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const [date, setDate] = useState<string | undefined>(undefined);
  const all = useNotices('letter', undefined);
  const dates = useMemo(() => [...new Set((all.data ?? []).map((notice) => notice.businessDate))].sort().reverse(), [all.data]);
  const letters = useMemo(() => (all.data ?? []).filter((notice) => !date || notice.businessDate === date), [all.data, date]);
  const utility = i18n.language.startsWith('en') ? session.tenant.nameEn : session.tenant.name;
  const columns: TableColumnsType<DunningNotice> = [
    { key: 'date', title: t('collection.letters.columns.date'), width: 110, render: (_, notice) => formatDate(notice.businessDate) },
    { key: 'accountNo', title: t('collection.letters.columns.accountNo'), width: 120, render: (_, notice) => <span className="sw-code">{notice.accountNo}</span> },
    { key: 'holder', title: t('collection.letters.columns.holder'), width: 110, ellipsis: true, render: (_, notice) => notice.holderName },
    { key: 'address', title: t('collection.letters.columns.address'), ellipsis: true, render: (_, notice) => notice.fullAddress },
    { key: 'bill', title: t('collection.letters.columns.bill'), width: 160, render: (_, notice) => <span className="sw-code">{notice.billNo}</span> },
    { key: 'kind', title: t('collection.letters.columns.kind'), width: 110, render: (_, notice) => <NoticeKindTag kind={notice.kind} /> },
    { key: 'amount', title: t('collection.letters.columns.amount'), width: 110, align: 'right', render: (_, notice) => money(notice.amountFen) },
  ];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('collection.letters.hint')}</Typography.Text>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Space>
          <Typography.Text>{t('collection.letters.date')}</Typography.Text>
          <Select
            style={{ width: 160 }}
            allowClear
            placeholder={t('collection.letters.allDates')}
            value={date}
            onChange={(value: string | undefined) => setDate(value)}
            options={dates.map((value) => ({ value, label: formatDate(value) }))}
            data-testid="letters-date"
          />
          {all.data ? <Typography.Text type="secondary">{t('collection.letters.count', { count: letters.length })}</Typography.Text> : null}
        </Space>
        <Button type="primary" icon={<PrinterOutlined />} disabled={letters.length === 0} onClick={() => window.print()} data-testid="letters-print">
          {t('collection.letters.print')}
        </Button>
      </Flex>
      {all.isError ? (
        <QueryError compact error={all.error} onRetry={() => void all.refetch()} />
      ) : (
        <Table<DunningNotice>
          rowKey="id"
          size="middle"
          loading={all.isPending}
          columns={columns}
          dataSource={letters}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="letters"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('collection.letters.empty')} /> }}
        />
      )}
      {letters.length > 0
        ? createPortal(
            <div className="sw-letters-print" aria-hidden>
              {letters.map((notice) => (
                <Letter key={notice.id} notice={notice} utility={utility} />
              ))}
            </div>,
            document.body,
          )
        : null}
    </Space>
  );
}

/** 停水 / 复水: cut-off orders by status, reconnection orders against their deadline, and the letters to print. */
export function OrdersPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: TabKey = isTab(tabParam) ? tabParam : 'cutoff';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="orders-page">
      <div>
        <Typography.Title level={3} style={{ marginBottom: 4 }}>
          {t('collection.orders.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('collection.orders.subtitle')}</Typography.Text>
      </div>
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams(key === 'cutoff' ? {} : { tab: key }, { replace: true })}
          destroyOnHidden
          items={[
            { key: 'cutoff', label: t('collection.orders.cutoffTab'), children: <CutoffOrders /> },
            { key: 'reconnection', label: t('collection.orders.reconnectionTab'), children: <ReconnectionOrders /> },
            { key: 'letters', label: t('collection.orders.lettersTab'), children: <Letters /> },
          ]}
        />
      </Card>
    </Space>
  );
}
