/**
 * 业务办理: the staff member's work queue — applications in progress at a stage of one of their roles, the most
 * urgent first — and every application with filters (type, stage, status, overdue, number or applicant). Each row
 * shows the current stage, who holds it, its deadline and an overdue tag.
 */
import { FileAddOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Empty, Flex, Input, Segmented, Select, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDateTime } from '../utils/format';
import { useApplications, useApplicationTypes } from './hooks';
import { Deadline, StageCell, StatusTag, useBilingual } from './parts';
import type { ApplicationStatus, ApplicationSummary, ListFilter } from './types';

const STATUSES: ApplicationStatus[] = ['in_progress', 'returned', 'completed', 'rejected'];

export function ApplicationsQueuePage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { name } = useBilingual();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const canWork = can('application.work');
  const view = params.get('view') === 'all' || !canWork ? 'all' : params.get('view') === 'held' ? 'held' : 'mine';
  const typeCode = params.get('type') ?? undefined;
  const stageCode = params.get('stage') ?? undefined;
  const status = (STATUSES as string[]).includes(params.get('status') ?? '') ? (params.get('status') as ApplicationStatus) : undefined;
  const onlyOverdue = params.get('overdue') === 'true';
  const q = params.get('q') ?? '';
  const types = useApplicationTypes();

  const filter: ListFilter = useMemo(() => {
    const base: ListFilter = { limit: 200 };
    if (view === 'mine') base.workable = 'true';
    if (view === 'held') base.heldByMe = 'true';
    if (typeCode) base.typeCode = typeCode;
    if (stageCode) base.stageCode = stageCode;
    if (status && view === 'all') base.status = status;
    if (onlyOverdue) base.overdue = 'true';
    if (q) base.q = q;
    return base;
  }, [view, typeCode, stageCode, status, onlyOverdue, q]);
  const list = useApplications(filter);

  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };

  const type = types.data?.types.find((candidate) => candidate.code === typeCode);
  const stageOptions = (type ? type.stages : (types.data?.types ?? []).flatMap((candidate) => candidate.stages))
    .filter((stage, index, all) => all.findIndex((other) => other.code === stage.code) === index)
    .map((stage) => ({ value: stage.code, label: name(stage) }));

  const columns: TableColumnsType<ApplicationSummary> = [
    {
      key: 'no',
      title: t('applications.queue.columns.no'),
      width: 145,
      render: (_, row) => (
        <Link to={`/applications/${row.id}`} className="sw-code" data-testid="application-link">
          {row.applicationNo}
        </Link>
      ),
    },
    { key: 'type', title: t('applications.queue.columns.type'), width: 110, render: (_, row) => name(row.type) },
    {
      key: 'applicant',
      title: t('applications.queue.columns.applicant'),
      width: 130,
      render: (_, row) => (
        <Flex vertical>
          <span>{row.applicantName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {row.applicantPhoneMasked}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'address', title: t('applications.queue.columns.address'), ellipsis: true, render: (_, row) => row.address },
    { key: 'stage', title: t('applications.queue.columns.stage'), width: 150, render: (_, row) => <StageCell stage={row.currentStage} /> },
    {
      key: 'holder',
      title: t('applications.queue.columns.holder'),
      width: 120,
      render: (_, row) =>
        row.currentStage ? (
          row.currentStage.holder ? (
            row.currentStage.holder.name
          ) : (
            <Typography.Text type="secondary">{t('applications.queue.unclaimed')}</Typography.Text>
          )
        ) : (
          '—'
        ),
    },
    { key: 'deadline', title: t('applications.queue.columns.deadline'), width: 140, render: (_, row) => <Deadline at={row.currentStage?.dueAt ?? null} isOverdue={row.currentStage?.isOverdue ?? false} /> },
    { key: 'submitted', title: t('applications.queue.columns.submitted'), width: 130, render: (_, row) => formatDateTime(row.submittedAt).slice(0, 16) },
    { key: 'status', title: t('applications.queue.columns.status'), width: 90, render: (_, row) => <StatusTag status={row.status} /> },
  ];

  return (
    <Flex vertical gap={16} data-testid="applications-queue">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('applications.queue.title')}
        </Typography.Title>
        {can('application.create') && (
          <Button type="primary" icon={<FileAddOutlined />} onClick={() => void navigate('/applications/new')} data-testid="application-new">
            {t('applications.queue.newAtCounter')}
          </Button>
        )}
      </Flex>
      <Card size="small">
        <Flex vertical gap={12}>
          {canWork && (
            <Segmented
              value={view}
              onChange={(value) => set({ view: value === 'mine' ? undefined : String(value), status: undefined })}
              options={[
                { value: 'mine', label: t('applications.queue.mine') },
                { value: 'held', label: t('applications.queue.heldByMe') },
                { value: 'all', label: t('applications.queue.all') },
              ]}
              data-testid="application-view"
            />
          )}
          <Space wrap>
            <Select
              allowClear
              style={{ width: 160 }}
              placeholder={t('applications.queue.allTypes')}
              aria-label={t('applications.queue.type')}
              value={typeCode}
              loading={types.isPending}
              onChange={(value: string | undefined) => set({ type: value, stage: undefined })}
              options={(types.data?.types ?? []).map((candidate) => ({ value: candidate.code, label: name(candidate) }))}
              data-testid="application-filter-type"
            />
            <Select
              allowClear
              style={{ width: 160 }}
              placeholder={t('applications.queue.allStages')}
              aria-label={t('applications.queue.stage')}
              value={stageCode}
              onChange={(value: string | undefined) => set({ stage: value })}
              options={stageOptions}
              data-testid="application-filter-stage"
            />
            {view === 'all' && (
              <Select
                allowClear
                style={{ width: 140 }}
                placeholder={t('applications.queue.allStatuses')}
                aria-label={t('applications.queue.status')}
                value={status}
                onChange={(value: string | undefined) => set({ status: value })}
                options={STATUSES.map((value) => ({ value, label: t(`applications.status.${value}`) }))}
                data-testid="application-filter-status"
              />
            )}
            <Checkbox checked={onlyOverdue} onChange={(event) => set({ overdue: event.target.checked ? 'true' : undefined })} data-testid="application-filter-overdue">
              {t('applications.queue.onlyOverdue')}
            </Checkbox>
            <Input.Search
              allowClear
              defaultValue={q}
              placeholder={t('applications.queue.search')}
              onSearch={(value) => set({ q: value.trim() || undefined })}
              style={{ width: 260 }}
              data-testid="application-search"
            />
          </Space>
        </Flex>
      </Card>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Card size="small" styles={{ body: { padding: 0 } }}>
          <Table
            rowKey="id"
            size="middle"
            loading={list.isPending || list.isFetching}
            columns={columns}
            dataSource={list.data ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (total) => t('applications.queue.count', { count: total }) }}
            // Fits the content of a 1440 px screen; the address takes what is left and is cut short with an ellipsis.
            scroll={{ x: 1100 }}
            onRow={(row) => ({ 'data-application-no': row.applicationNo, 'data-testid': 'application-row' }) as HTMLAttributes<HTMLElement>}
            locale={{ emptyText: <Empty description={view === 'mine' ? t('applications.queue.emptyMine') : t('applications.queue.empty')} /> }}
            data-testid="application-table"
          />
        </Card>
      )}
    </Flex>
  );
}
