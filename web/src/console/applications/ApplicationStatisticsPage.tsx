/**
 * 业务统计 for the manager: each type's applications in progress, back with the applicant, overdue, completed
 * (late or not), rejected and the average days to completion; per stage of a type, how many are open and
 * overdue there and the average days the stage took, as a chart; and the overdue applications themselves.
 */
import { Card, Col, Empty, Flex, Row, Segmented, Skeleton, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryError } from '../components/QueryError';
import { useApplications, useApplicationStatistics } from './hooks';
import { Deadline, StageCell, useBilingual } from './parts';
import type { ApplicationSummary, StageStats, TypeStats } from './types';

const StageChart = lazy(() => import('./StageChart'));

const days = (hundredths: number | null) => (hundredths === null ? '—' : (hundredths / 100).toFixed(2));

export function ApplicationStatisticsPage() {
  const { t } = useTranslation();
  const { english } = useBilingual();
  const statistics = useApplicationStatistics();
  const overdue = useApplications({ overdue: 'true', limit: 100 });
  const [typeCode, setTypeCode] = useState('new_connection');
  const typeName = (row: { typeName: string; typeNameEn: string }) => (english ? row.typeNameEn : row.typeName);
  const stages = useMemo(() => (statistics.data?.stages ?? []).filter((row) => row.typeCode === typeCode), [statistics.data, typeCode]);
  const bars = useMemo(
    () => stages.map((row) => ({ label: english ? row.stageNameEn : row.stageName, open: row.open, overdue: row.overdue, averageDays: row.averageDaysHundredths === null ? null : row.averageDaysHundredths / 100 })),
    [stages, english],
  );
  const chartLabels = useMemo(() => ({ open: t('applications.stats.open'), overdue: t('applications.stats.overdueSeries'), average: t('applications.stats.averageSeries') }), [t]);

  const typeColumns: TableColumnsType<TypeStats> = [
    { key: 'type', title: t('applications.stats.columns.type'), render: (_, row) => typeName(row) },
    { key: 'inProgress', title: t('applications.stats.columns.inProgress'), align: 'right', dataIndex: 'inProgress' },
    { key: 'returned', title: t('applications.stats.columns.returned'), align: 'right', dataIndex: 'returned' },
    { key: 'overdue', title: t('applications.stats.columns.overdue'), align: 'right', render: (_, row) => <Typography.Text type={row.overdue ? 'danger' : undefined}>{row.overdue}</Typography.Text> },
    { key: 'completed', title: t('applications.stats.columns.completed'), align: 'right', dataIndex: 'completed' },
    { key: 'completedLate', title: t('applications.stats.columns.completedLate'), align: 'right', dataIndex: 'completedLate' },
    { key: 'rejected', title: t('applications.stats.columns.rejected'), align: 'right', dataIndex: 'rejected' },
    { key: 'average', title: t('applications.stats.columns.average'), align: 'right', render: (_, row) => days(row.averageDaysHundredths) },
  ];
  const stageColumns: TableColumnsType<StageStats> = [
    { key: 'stage', title: t('applications.stats.columns.stage'), render: (_, row) => (english ? row.stageNameEn : row.stageName) },
    { key: 'open', title: t('applications.stats.columns.open'), align: 'right', dataIndex: 'open' },
    { key: 'overdue', title: t('applications.stats.columns.overdue'), align: 'right', render: (_, row) => <Typography.Text type={row.overdue ? 'danger' : undefined}>{row.overdue}</Typography.Text> },
    { key: 'done', title: t('applications.stats.columns.done'), align: 'right', dataIndex: 'done' },
    { key: 'average', title: t('applications.stats.columns.averageStage'), align: 'right', render: (_, row) => days(row.averageDaysHundredths) },
  ];
  const overdueColumns: TableColumnsType<ApplicationSummary> = [
    { key: 'no', title: t('applications.queue.columns.no'), width: 160, render: (_, row) => <Link to={`/applications/${row.id}`} className="sw-code">{row.applicationNo}</Link> },
    { key: 'type', title: t('applications.queue.columns.type'), width: 120, render: (_, row) => (english ? row.type.nameEn : row.type.name) },
    { key: 'applicant', title: t('applications.queue.columns.applicant'), width: 110, render: (_, row) => row.applicantName },
    { key: 'stage', title: t('applications.queue.columns.stage'), render: (_, row) => <StageCell stage={row.currentStage} /> },
    { key: 'holder', title: t('applications.queue.columns.holder'), width: 150, render: (_, row) => row.currentStage?.holder?.name ?? <Typography.Text type="secondary">{t('applications.queue.unclaimed')}</Typography.Text> },
    { key: 'deadline', title: t('applications.queue.columns.deadline'), width: 150, render: (_, row) => <Deadline at={row.currentStage?.dueAt ?? null} isOverdue /> },
  ];

  if (statistics.isError) return <QueryError error={statistics.error} onRetry={() => void statistics.refetch()} />;
  return (
    <Flex vertical gap={16} data-testid="application-statistics">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('applications.stats.title')}
      </Typography.Title>
      <Card title={t('applications.stats.byType')} styles={{ body: { padding: 0 } }}>
        <Table rowKey="typeCode" size="middle" loading={statistics.isPending} columns={typeColumns} dataSource={statistics.data?.types ?? []} pagination={false} scroll={{ x: 800 }} data-testid="application-type-stats" />
      </Card>
      <Card
        title={t('applications.stats.byStage')}
        extra={
          <Segmented
            value={typeCode}
            onChange={(value) => setTypeCode(String(value))}
            options={(statistics.data?.types ?? []).map((row) => ({ value: row.typeCode, label: typeName(row) }))}
            data-testid="application-stats-type"
          />
        }
      >
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={14}>
            <Typography.Text type="secondary">{t('applications.stats.chart')}</Typography.Text>
            {statistics.isPending ? (
              <Skeleton active paragraph={{ rows: 7 }} />
            ) : (
              <Suspense fallback={<Skeleton active paragraph={{ rows: 7 }} />}>
                <StageChart bars={bars} labels={chartLabels} />
              </Suspense>
            )}
          </Col>
          <Col xs={24} xl={10}>
            <Table rowKey="stageCode" size="small" loading={statistics.isPending} columns={stageColumns} dataSource={stages} pagination={false} data-testid="application-stage-stats" />
          </Col>
        </Row>
      </Card>
      <Card title={t('applications.stats.overdueList')} styles={{ body: { padding: 0 } }}>
        {overdue.isError ? (
          <QueryError compact error={overdue.error} onRetry={() => void overdue.refetch()} />
        ) : (
          <Table
            rowKey="id"
            size="middle"
            loading={overdue.isPending}
            columns={overdueColumns}
            dataSource={overdue.data ?? []}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            scroll={{ x: 800 }}
            locale={{ emptyText: <Empty description={t('applications.stats.noOverdue')} /> }}
            data-testid="application-overdue-list"
          />
        )}
      </Card>
    </Flex>
  );
}
