import { ScissorOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Flex, List, Popconfirm, Row, Skeleton, Space, Statistic, Table, Tag, Timeline, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BillDispute, CollectionCase, CollectionNote, CutoffOrder, DunningNotice, ReconnectionOrder } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDate, formatDateTime } from '../utils/format';
import { AddNoteForm, CancelCutoffModal, CloseDisputeModal, CutoffModal } from './forms';
import { useCollectionFile, useCompleteCutoff, useCompleteReconnection } from './hooks';
import { Countdown, CutoffStatusTag, money, NoticeChannelTag, NoticeKindTag, ReconnectionStatusTag, useNow } from './parts';

const NOTE_COLOURS: Record<CollectionNote['kind'], string> = { visit: 'blue', promise_to_pay: 'green', note: 'gray' };

function NotesTimeline({ notes }: { notes: CollectionNote[] }) {
  const { t } = useTranslation();
  if (notes.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('collection.file.noNotes')} />;
  return (
    <Timeline
      data-testid="collection-notes"
      items={notes.map((note) => ({
        key: note.id,
        color: NOTE_COLOURS[note.kind],
        content: (
          <Flex vertical gap={2} data-testid="collection-note">
            <Space size={6} wrap>
              <Tag color={NOTE_COLOURS[note.kind] === 'gray' ? 'default' : NOTE_COLOURS[note.kind]}>{t(`collection.note.kind.${note.kind}`)}</Tag>
              <Typography.Text>{note.note}</Typography.Text>
            </Space>
            {note.promisedOn ? (
              <Typography.Text type="success">
                {note.promisedFen
                  ? t('collection.note.promiseAmount', { date: formatDate(note.promisedOn), amount: formatYuan(note.promisedFen) })
                  : t('collection.note.promise', { date: formatDate(note.promisedOn) })}
              </Typography.Text>
            ) : null}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('collection.file.by', { name: note.staffName, time: formatDateTime(note.createdAt) })}
            </Typography.Text>
          </Flex>
        ),
      }))}
    />
  );
}

function NoticesTimeline({ notices }: { notices: DunningNotice[] }) {
  const { t } = useTranslation();
  if (notices.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('collection.file.noNotices')} />;
  return (
    <Timeline
      data-testid="collection-notices"
      items={notices.map((notice) => ({
        key: notice.id,
        color: notice.kind === 'cutoff_notice' ? 'red' : 'orange',
        content: (
          <Flex vertical gap={2}>
            <Space size={4} wrap>
              <Typography.Text strong>{formatDate(notice.businessDate)}</Typography.Text>
              <NoticeKindTag kind={notice.kind} />
              <NoticeChannelTag channel={notice.channel} />
              <Typography.Text type="secondary">{t(`collection.notice.status.${notice.status}`)}</Typography.Text>
            </Space>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              <span className="sw-code">{notice.billNo}</span> · {t('collection.notice.step', { days: notice.stepDays })} · {t('collection.notice.amount', { amount: formatYuan(notice.amountFen) })}
            </Typography.Text>
            <Typography.Paragraph type="secondary" ellipsis={{ rows: 2, expandable: true }} style={{ marginBottom: 0, fontSize: 12 }}>
              {notice.body}
            </Typography.Paragraph>
          </Flex>
        ),
      }))}
    />
  );
}

function DisputesList({ disputes }: { disputes: BillDispute[] }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [closing, setClosing] = useState<BillDispute | null>(null);
  if (disputes.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('collection.file.noDisputes')} />;
  return (
    <>
      <List
        size="small"
        dataSource={disputes}
        data-testid="collection-disputes"
        renderItem={(dispute) => (
          <List.Item
            actions={
              dispute.status === 'open' && can('bill.adjust')
                ? [
                    <Button key="close" size="small" onClick={() => setClosing(dispute)} data-testid="dispute-close">
                      {t('collection.dispute.close')}
                    </Button>,
                  ]
                : []
            }
          >
            <Flex vertical gap={2}>
              <Space size={6} wrap>
                <Tag color={dispute.status === 'open' ? 'purple' : 'default'} variant="filled">
                  {t(`collection.dispute.status.${dispute.status}`)}
                </Tag>
                <span className="sw-code">{dispute.billNo}</span>
                <Typography.Text>{dispute.reason}</Typography.Text>
              </Space>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('collection.dispute.openedBy', { name: dispute.openedBy, time: formatDateTime(dispute.openedAt) })}
              </Typography.Text>
              {dispute.resolution ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('collection.dispute.resolved', { resolution: dispute.resolution, name: dispute.closedBy ?? '' })}
                </Typography.Text>
              ) : null}
            </Flex>
          </List.Item>
        )}
      />
      <CloseDisputeModal dispute={closing} onClose={() => setClosing(null)} />
    </>
  );
}

/** Who did what when to a cut-off order, as one line. */
function cutoffHistory(order: CutoffOrder, t: (key: string, options?: Record<string, unknown>) => string): string {
  const parts = [`${t('collection.orders.columns.issued')} ${t('collection.file.by', { name: order.issuedBy, time: formatDateTime(order.issuedAt) })}`];
  if (order.doneAt) parts.push(`${t('collection.orders.columns.done')} ${t('collection.file.by', { name: order.doneBy ?? '', time: formatDateTime(order.doneAt) })}`);
  if (order.cancelledAt) parts.push(`${t('collection.orders.columns.cancelled')} ${t('collection.file.by', { name: order.cancelledBy ?? '', time: formatDateTime(order.cancelledAt) })}`);
  return parts.join('；');
}

/** Actions on a cut-off order: record it done (collection.work), cancel it (collection.manage). */
export function CutoffActions({ order, onCancel }: { order: CutoffOrder; onCancel: (order: CutoffOrder) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const complete = useCompleteCutoff();
  if (order.status !== 'issued') return null;
  return (
    <Flex vertical gap={4}>
      <Space size={4}>
        <Popconfirm
          title={t('collection.cutoff.completeConfirm', { accountNo: order.accountNo })}
          onConfirm={() => complete.mutate(order.id, { onSuccess: () => void message.success(t('collection.cutoff.completed')) })}
        >
          <Button size="small" type="primary" danger loading={complete.isPending} data-testid="cutoff-complete">
            {t('collection.cutoff.complete')}
          </Button>
        </Popconfirm>
        {can('collection.manage') ? (
          <Button size="small" onClick={() => onCancel(order)} data-testid="cutoff-cancel">
            {t('collection.cutoff.cancel')}
          </Button>
        ) : null}
      </Space>
      {complete.error ? <MutationErrorAlert error={complete.error} /> : null}
    </Flex>
  );
}

export function ReconnectionAction({ order }: { order: ReconnectionOrder }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const complete = useCompleteReconnection();
  if (order.status !== 'due') return null;
  return (
    <Flex vertical gap={4}>
      <Popconfirm
        title={t('collection.reconnection.completeConfirm', { accountNo: order.accountNo })}
        onConfirm={() => complete.mutate(order.id, { onSuccess: () => void message.success(t('collection.reconnection.completed')) })}
      >
        <Button size="small" type="primary" loading={complete.isPending} data-testid="reconnection-complete">
          {t('collection.reconnection.complete')}
        </Button>
      </Popconfirm>
      {complete.error ? <MutationErrorAlert error={complete.error} /> : null}
    </Flex>
  );
}

function OrdersSection({ file }: { file: CollectionCase }) {
  const { t } = useTranslation();
  const now = useNow();
  const [cancelling, setCancelling] = useState<CutoffOrder | null>(null);
  if (file.cutoffOrders.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('collection.file.noOrders')} />;
  const columns: TableColumnsType<CutoffOrder> = [
    {
      key: 'status',
      title: t('collection.orders.columns.status'),
      width: 130,
      render: (_, order) => (
        <Space size={2} wrap>
          <CutoffStatusTag status={order.status} />
          {order.isOverride ? <Tag color="volcano">{t('collection.cutoff.overrideTag')}</Tag> : null}
        </Space>
      ),
    },
    { key: 'owed', title: t('collection.orders.columns.owed'), align: 'right', width: 120, render: (_, order) => money(order.owedFen) },
    {
      key: 'note',
      title: t('collection.orders.columns.note'),
      render: (_, order) => {
        const reconnection = file.reconnectionOrders.find((item) => item.cutoffOrderId === order.id);
        return (
          <Flex vertical gap={2}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {cutoffHistory(order, t)}
            </Typography.Text>
            {order.overrideReason ? <Typography.Text style={{ fontSize: 12 }}>{order.overrideReason}</Typography.Text> : null}
            {order.cancelReason ? <Typography.Text style={{ fontSize: 12 }}>{order.cancelReason}</Typography.Text> : null}
            {reconnection ? (
              <Space size={6} wrap>
                <ReconnectionStatusTag order={reconnection} />
                {reconnection.status === 'due' ? <Countdown dueAt={reconnection.dueAt} now={now} /> : <Typography.Text type="secondary">{formatDateTime(reconnection.doneAt)}</Typography.Text>}
                <ReconnectionAction order={reconnection} />
              </Space>
            ) : null}
          </Flex>
        );
      },
    },
    { key: 'actions', width: 150, render: (_, order) => <CutoffActions order={order} onCancel={setCancelling} /> },
  ];
  return (
    <>
      <Table<CutoffOrder> rowKey="id" size="small" columns={columns} dataSource={file.cutoffOrders} pagination={false} data-testid="collection-orders" />
      <CancelCutoffModal order={cancelling} onClose={() => setCancelling(null)} />
    </>
  );
}

/** The account's collection file (催缴档案), for the arrears drawer and the customer 360's 催缴 tab. */
export function CollectionFile({ accountId, wide = false }: { accountId: string; wide?: boolean }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const query = useCollectionFile(accountId);
  const [cutoffOpen, setCutoffOpen] = useState(false);

  if (query.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (query.isError) return <QueryError compact error={query.error} onRetry={() => void query.refetch()} />;
  const file = query.data;
  const owedTotal = file.principalFen + file.lateFeeFen;
  const half = wide ? 12 : 24;

  return (
    <Flex vertical gap={12} data-testid="collection-file">
      <Card size="small">
        <Flex justify="space-between" align="flex-start" wrap gap={12}>
          <Space size={32} wrap>
            <Statistic title={t('collection.file.principal')} value={formatYuan(file.principalFen)} prefix="¥" styles={{ content: { color: owedTotal > 0 ? '#cf1322' : undefined } }} />
            <Statistic title={t('collection.file.overdue')} value={formatYuan(file.overdueFen)} prefix="¥" />
            <Statistic title={t('collection.file.lateFee')} value={formatYuan(file.lateFeeFen)} prefix="¥" />
          </Space>
          {can('collection.manage') ? (
            <Button danger icon={<ScissorOutlined />} onClick={() => setCutoffOpen(true)} data-testid="cutoff-open">
              {t('collection.file.issueCutoff')}
            </Button>
          ) : null}
        </Flex>
        {file.isProtected ? <Alert type="warning" showIcon style={{ marginTop: 12 }} title={t('collection.file.protected')} /> : null}
      </Card>
      <Row gutter={[12, 12]}>
        <Col span={half}>
          <Card size="small" title={t('collection.file.notes')} style={{ height: '100%' }}>
            <Flex vertical gap={16}>
              <AddNoteForm accountId={file.accountId} />
              <NotesTimeline notes={file.notes} />
            </Flex>
          </Card>
        </Col>
        <Col span={half}>
          <Card size="small" title={t('collection.file.notices')} style={{ height: '100%' }}>
            <NoticesTimeline notices={file.notices} />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('collection.file.orders')} styles={{ body: file.cutoffOrders.length ? { padding: 0 } : undefined }}>
        <OrdersSection file={file} />
      </Card>
      <Row gutter={[12, 12]}>
        <Col span={half}>
          <Card size="small" title={t('collection.file.disputes')} style={{ height: '100%' }}>
            <DisputesList disputes={file.disputes} />
          </Card>
        </Col>
        <Col span={half}>
          <Card size="small" title={t('collection.file.lateFees')} style={{ height: '100%' }}>
            {file.lateFees.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('collection.file.noLateFees')} />
            ) : (
              <Flex vertical gap={4}>
                {file.lateFees.map((fee) => (
                  <Typography.Text key={fee.billId} style={{ fontSize: 13 }}>
                    {t('collection.file.lateFeeLine', { billNo: fee.billNo, dueOn: formatDate(fee.dueOn), through: formatDate(fee.accruedThrough), amount: formatYuan(fee.postedFen) })}
                  </Typography.Text>
                ))}
              </Flex>
            )}
          </Card>
        </Col>
      </Row>
      {can('collection.manage') ? <CutoffModal file={file} open={cutoffOpen} onClose={() => setCutoffOpen(false)} /> : null}
    </Flex>
  );
}
