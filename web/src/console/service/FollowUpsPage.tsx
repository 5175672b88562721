/** 回访: closed requests to follow up by phone, poor repair ratings awaiting the supervisor, and what was done. */
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Rate, Segmented, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ServiceFollowUp } from '../../api/types';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDateTime } from '../utils/format';
import { FollowUpTags } from './DeskPanel';
import { useFollowUps, type FollowUpView } from './deskHooks';
import { FollowUpResultModal, FollowUpReviewModal } from './FollowUpModals';
import { categoryName } from './parts';
import './service.css';

export function FollowUpsPage() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const [view, setView] = useState<FollowUpView>('pending');
  const query = useFollowUps(view);
  const [recording, setRecording] = useState<ServiceFollowUp | null>(null);
  const [reviewing, setReviewing] = useState<ServiceFollowUp | null>(null);
  const columns: TableColumnsType<ServiceFollowUp> = [
    {
      key: 'request',
      title: t('service.list.requestNo'),
      render: (_, row) => (
        <Flex vertical>
          <Link to={`/service/${row.request.id}`} className="sw-code" data-testid="followup-request">
            {row.request.requestNo}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {categoryName(row.request.category, i18n.language)} · {t(`service.kind.${row.request.kind}`)}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'contact', title: t('service.detail.contact'), render: (_, row) => [row.request.contactName, row.request.contactPhoneMasked].filter(Boolean).join(' · ') || '—' },
    { key: 'closedAt', title: t('service.detail.closedAt'), render: (_, row) => formatDateTime(row.request.closedAt) },
    {
      key: 'due',
      title: t('service.desk.followUps.due'),
      render: (_, row) => <Typography.Text type={row.isOverdue && row.state === 'pending' ? 'danger' : undefined}>{formatDateTime(row.dueAt)}</Typography.Text>,
    },
    { key: 'reason', title: t('service.desk.followUps.reasonTitle'), render: (_, row) => t(`service.desk.followUps.reason.${row.reason}`) },
    { key: 'state', title: t('service.list.state'), render: (_, row) => <FollowUpTags followUp={row} /> },
    {
      key: 'rating',
      title: t('service.desk.followUps.rating'),
      render: (_, row) =>
        row.rating !== null ? (
          <Flex vertical>
            <Rate disabled value={row.rating} style={{ fontSize: 14 }} />
            {row.comment ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{row.comment}</Typography.Text> : null}
          </Flex>
        ) : row.attempts > 0 ? (
          t('service.desk.followUps.attempts', { count: row.attempts })
        ) : (
          '—'
        ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, row) =>
        row.state === 'pending' && can('service.handle') ? (
          <Button size="small" type="primary" onClick={() => setRecording(row)} data-testid="followup-record">
            {t('service.desk.followUps.record')}
          </Button>
        ) : row.outcome === 'escalated' && !row.reviewedAt && can('service.supervise') ? (
          <Button size="small" danger onClick={() => setReviewing(row)} data-testid="followup-review">
            {t('service.desk.followUps.review')}
          </Button>
        ) : row.reviewNote ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {row.reviewNote}
          </Typography.Text>
        ) : null,
    },
  ];
  return (
    <Flex vertical gap={16} data-testid="followups-page">
      <Card>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('service.desk.followUps.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('service.desk.followUps.subtitle')}</Typography.Text>
      </Card>
      <Card>
        <Flex justify="space-between" wrap gap={8} style={{ marginBottom: 12 }}>
          <Segmented<FollowUpView>
            value={view}
            onChange={setView}
            options={(['pending', 'escalated', 'done', 'all'] as const).map((value) => ({ value, label: t(`service.desk.followUps.view.${value}`) }))}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void query.refetch()}>
            {t('service.list.refresh')}
          </Button>
        </Flex>
        {query.isError ? (
          <QueryError compact error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <Table<ServiceFollowUp>
            rowKey="id"
            loading={query.isPending}
            columns={columns}
            dataSource={query.data ?? []}
            rowClassName={(row) => (row.isOverdue && row.state === 'pending' ? 'sv-row-overdue' : '')}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(`service.desk.followUps.empty.${view}`)} /> }}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 960 }}
            data-testid="followups"
          />
        )}
      </Card>
      <FollowUpResultModal followUp={recording} onClose={() => setRecording(null)} />
      <FollowUpReviewModal followUp={reviewing} onClose={() => setReviewing(null)} />
    </Flex>
  );
}
