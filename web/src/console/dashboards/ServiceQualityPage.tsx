/**
 * 服务质量看板: the managers' view of the service desk and the repair crews over a period of days — time
 * limits met on time (per limit and per day), requests made and closed, satisfaction, first-contact
 * resolution and the call answer rate, per department and per category, and the requests overdue now.
 * The period is in the address (?from=&to=), so a view can be shared; it defaults to the last 30 days.
 */
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Empty, Flex, Row, Skeleton, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { QualityCategoryRow, QualityDepartmentRow, QualityOverdueItem, QualityRowFigures, ServiceQualityDashboard } from '../../api/types';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDateTime } from '../utils/format';
import { MAX_RANGE_DAYS, percent, rating, serviceQualityCsvUrl, useServiceQuality, type DateRange } from './hooks';
import type { TimeLimitBar } from './TimeLimitChart';

// echarts is loaded only when a chart is first shown.
const TimeLimitChart = lazy(() => import('./TimeLimitChart'));
const TrendChart = lazy(() => import('./TrendChart'));

const DEFAULT_DAYS = 30;
const ISO = 'YYYY-MM-DD';

/** The period in the address, if it is one the server takes; else the last 30 days. */
function rangeOf(params: URLSearchParams): DateRange {
  const from = dayjs(params.get('from') ?? '', ISO, true);
  const to = dayjs(params.get('to') ?? '', ISO, true);
  if (from.isValid() && to.isValid() && !to.isBefore(from) && to.diff(from, 'day') < MAX_RANGE_DAYS) return { from: from.format(ISO), to: to.format(ISO) };
  const today = dayjs();
  return { from: today.subtract(DEFAULT_DAYS - 1, 'day').format(ISO), to: today.format(ISO) };
}

/** Green at 95 % and above, gold from 80 %, red below. */
const rateTagColour = (bp: number): string => (bp >= 9_500 ? 'green' : bp >= 8_000 ? 'gold' : 'red');

function RateTag({ bp }: { bp: number | null }) {
  if (bp === null) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Tag color={rateTagColour(bp)} variant="filled" style={{ marginInlineEnd: 0 }}>
      {percent(bp)}
    </Tag>
  );
}

/** Sorts nulls (nothing to rate) after every rate, whichever way the column is sorted. */
const byNullable = (get: (row: QualityRowFigures) => number | null) => (a: QualityRowFigures, b: QualityRowFigures) => (get(a) ?? -1) - (get(b) ?? -1);

function Kpi({ title, value, detail, testId, danger }: { title: string; value: string | number; detail: ReactNode; testId: string; danger?: boolean }) {
  return (
    <Card size="small" style={{ height: '100%' }} data-testid={testId}>
      <Statistic title={title} value={value} styles={{ content: { color: danger ? '#cf1322' : undefined } }} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {detail}
      </Typography.Text>
    </Card>
  );
}

function KpiCards({ data }: { data: ServiceQualityDashboard }) {
  const { t } = useTranslation();
  const { totals } = data;
  const none = t('dashboards.quality.noRate');
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} sm={12} lg={8} xl={4}>
        <Kpi
          testId="quality-kpi-ontime"
          title={t('dashboards.quality.kpi.onTime')}
          value={percent(totals.deadlines.onTimeRateBp) ?? none}
          detail={t('dashboards.quality.kpi.onTimeDetail', { onTime: totals.deadlines.onTime, due: totals.deadlines.due })}
        />
      </Col>
      <Col xs={24} sm={12} lg={8} xl={4}>
        <Kpi testId="quality-kpi-requests" title={t('dashboards.quality.kpi.requests')} value={`${totals.created} / ${totals.closed}`} detail={t('dashboards.quality.kpi.requestsDetail', { open: totals.openNow })} />
      </Col>
      <Col xs={24} sm={12} lg={8} xl={4}>
        <Kpi testId="quality-kpi-overdue" title={t('dashboards.quality.kpi.overdue')} value={totals.overdueNow} danger={totals.overdueNow > 0} detail={t('dashboards.quality.kpi.overdueDetail')} />
      </Col>
      <Col xs={24} sm={12} lg={8} xl={4}>
        <Kpi
          testId="quality-kpi-satisfaction"
          title={t('dashboards.quality.kpi.satisfaction')}
          value={rating(totals.satisfaction.averageHundredths) ?? none}
          detail={
            totals.satisfaction.rated === 0
              ? t('dashboards.quality.kpi.noRatings')
              : t('dashboards.quality.kpi.satisfactionDetail', { rated: totals.satisfaction.rated, rate: percent(totals.satisfaction.satisfiedRateBp) ?? none })
          }
        />
      </Col>
      <Col xs={24} sm={12} lg={8} xl={4}>
        <Kpi
          testId="quality-kpi-first-contact"
          title={t('dashboards.quality.kpi.firstContact')}
          value={percent(totals.firstContact.rateBp) ?? none}
          detail={t('dashboards.quality.kpi.firstContactDetail', { resolved: totals.firstContact.resolved, eligible: totals.firstContact.eligible })}
        />
      </Col>
      <Col xs={24} sm={12} lg={8} xl={4}>
        <Kpi
          testId="quality-kpi-answer-rate"
          title={t('dashboards.quality.kpi.answerRate')}
          value={percent(totals.calls.answerRateBp) ?? none}
          detail={t('dashboards.quality.kpi.answerRateDetail', { answered: totals.calls.answered, inbound: totals.calls.inbound, missed: totals.calls.missed, callBack: totals.calls.callBack })}
        />
      </Col>
    </Row>
  );
}

function Charts({ data }: { data: ServiceQualityDashboard }) {
  const { t } = useTranslation();
  const bars = useMemo<TimeLimitBar[]>(
    () => data.timeLimits.map((row) => ({ label: t(`service.limit.${row.timeLimit}`), due: row.due, onTime: row.onTime, late: row.late, unmetLate: row.unmetLate, rateBp: row.onTimeRateBp })),
    [data, t],
  );
  const limitLabels = useMemo(
    () => ({ tooltip: (bar: TimeLimitBar) => t('dashboards.quality.chart.limitTooltip', { onTime: bar.onTime, late: bar.late, unmet: bar.unmetLate }), none: t('dashboards.quality.chart.noDeadlines') }),
    [t],
  );
  const trendLabels = useMemo(
    () => ({
      created: t('dashboards.quality.chart.created'),
      closed: t('dashboards.quality.chart.closed'),
      onTime: t('dashboards.quality.chart.onTime'),
      answerRate: t('dashboards.quality.chart.answerRate'),
      satisfied: t('dashboards.quality.chart.satisfied'),
      count: t('dashboards.quality.chart.count'),
    }),
    [t],
  );
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} xl={10}>
        <Card size="small" title={t('dashboards.quality.chart.byLimit')} style={{ height: '100%' }}>
          <Suspense fallback={<Skeleton active paragraph={{ rows: 6 }} />}>
            <TimeLimitChart bars={bars} labels={limitLabels} />
          </Suspense>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
            {t('dashboards.quality.chart.byLimitHint')}
          </Typography.Paragraph>
        </Card>
      </Col>
      <Col xs={24} xl={14}>
        <Card size="small" title={t('dashboards.quality.chart.trend')} style={{ height: '100%' }}>
          <Suspense fallback={<Skeleton active paragraph={{ rows: 7 }} />}>
            <TrendChart days={data.days} labels={trendLabels} />
          </Suspense>
        </Card>
      </Col>
    </Row>
  );
}

/** The figure columns shared by the department and category tables, each sortable. */
function useFigureColumns<T extends QualityRowFigures>(): TableColumnsType<T> {
  const { t } = useTranslation();
  const count = (key: 'created' | 'closed' | 'openNow' | 'overdueNow', title: string): TableColumnsType<T>[number] => ({
    key,
    title,
    align: 'right',
    width: 96,
    sorter: (a, b) => a[key] - b[key],
    render: (_, row) => (key === 'overdueNow' && row[key] > 0 ? <Typography.Text type="danger">{row[key]}</Typography.Text> : row[key]),
  });
  return [
    count('created', t('dashboards.quality.table.created')),
    count('closed', t('dashboards.quality.table.closed')),
    count('openNow', t('dashboards.quality.table.openNow')),
    count('overdueNow', t('dashboards.quality.table.overdueNow')),
    { key: 'due', title: t('dashboards.quality.table.due'), align: 'right', width: 110, sorter: (a, b) => a.deadlines.due - b.deadlines.due, render: (_, row) => row.deadlines.due },
    { key: 'onTime', title: t('dashboards.quality.table.onTime'), align: 'right', width: 90, sorter: (a, b) => a.deadlines.onTime - b.deadlines.onTime, render: (_, row) => row.deadlines.onTime },
    { key: 'late', title: t('dashboards.quality.table.late'), align: 'right', width: 80, sorter: (a, b) => a.deadlines.late - b.deadlines.late, render: (_, row) => row.deadlines.late },
    { key: 'onTimeRate', title: t('dashboards.quality.table.onTimeRate'), align: 'right', width: 120, sorter: byNullable((row) => row.deadlines.onTimeRateBp), render: (_, row) => <RateTag bp={row.deadlines.onTimeRateBp} /> },
    { key: 'rated', title: t('dashboards.quality.table.rated'), align: 'right', width: 96, sorter: (a, b) => a.satisfaction.rated - b.satisfaction.rated, render: (_, row) => row.satisfaction.rated },
    { key: 'average', title: t('dashboards.quality.table.average'), align: 'right', width: 100, sorter: byNullable((row) => row.satisfaction.averageHundredths), render: (_, row) => rating(row.satisfaction.averageHundredths) ?? '—' },
    {
      key: 'firstContact',
      title: t('dashboards.quality.table.firstContact'),
      align: 'right',
      width: 140,
      sorter: byNullable((row) => row.firstContact.rateBp),
      render: (_, row) => (row.firstContact.rateBp === null ? '—' : `${percent(row.firstContact.rateBp)} (${row.firstContact.resolved}/${row.firstContact.eligible})`),
    },
  ];
}

function DepartmentTable({ data }: { data: ServiceQualityDashboard }) {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const figures = useFigureColumns<QualityDepartmentRow>();
  const columns: TableColumnsType<QualityDepartmentRow> = [
    { key: 'department', title: t('dashboards.quality.table.department'), fixed: 'left', width: 200, sorter: (a, b) => a.department.localeCompare(b.department), render: (_, row) => (english ? row.nameEn : row.name) },
    ...figures,
  ];
  return (
    <Card size="small" title={t('dashboards.quality.table.departments')} styles={{ body: { padding: 0 } }} data-testid="quality-departments">
      <Table rowKey="department" size="small" dataSource={data.departments} columns={columns} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: t('dashboards.quality.table.empty') }} />
    </Card>
  );
}

function CategoryTable({ data, range }: { data: ServiceQualityDashboard; range: DateRange }) {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const figures = useFigureColumns<QualityCategoryRow>();
  const departments = new Map(data.departments.map((row) => [row.department, english ? row.nameEn : row.name]));
  const columns: TableColumnsType<QualityCategoryRow> = [
    {
      key: 'category',
      title: t('dashboards.quality.table.category'),
      fixed: 'left',
      width: 150,
      sorter: (a, b) => a.category.code.localeCompare(b.category.code),
      render: (_, row) => (
        <Space size={4}>
          <span>{english ? row.category.nameEn : row.category.name}</span>
          {row.category.isActive ? null : <Tag>{t('dashboards.quality.table.inactive')}</Tag>}
        </Space>
      ),
    },
    {
      key: 'department',
      title: t('dashboards.quality.table.department'),
      width: 190,
      filters: data.departments.map((row) => ({ text: english ? row.nameEn : row.name, value: row.department })),
      onFilter: (value, row) => row.category.department === value,
      render: (_, row) => departments.get(row.category.department),
    },
    ...figures,
  ];
  return (
    <Card
      size="small"
      title={t('dashboards.quality.table.categories')}
      styles={{ body: { padding: 0 } }}
      data-testid="quality-categories"
      extra={
        <Button size="small" icon={<DownloadOutlined />} href={serviceQualityCsvUrl(range)} data-testid="quality-export">
          {t('dashboards.quality.export')}
        </Button>
      }
    >
      <Table rowKey={(row) => row.category.id} size="small" dataSource={data.categories} columns={columns} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: t('dashboards.quality.table.empty') }} />
    </Card>
  );
}

function OverdueTable({ data }: { data: ServiceQualityDashboard }) {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const { can } = useSession();
  const departments = new Map(data.departments.map((row) => [row.department, english ? row.nameEn : row.name]));
  const overdueBy = (minutes: number): string => {
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    if (days > 0) return t('dashboards.quality.overdue.days', { days, hours });
    if (hours > 0) return t('dashboards.quality.overdue.hours', { hours, minutes: minutes % 60 });
    return t('dashboards.quality.overdue.minutes', { minutes });
  };
  const columns: TableColumnsType<QualityOverdueItem> = [
    {
      key: 'requestNo',
      title: t('dashboards.quality.overdue.requestNo'),
      width: 160,
      render: (_, row) =>
        can('service.read') ? (
          <Link to={`/service/${row.requestId}`} className="sw-code">
            {row.requestNo}
          </Link>
        ) : (
          <span className="sw-code">{row.requestNo}</span>
        ),
    },
    { key: 'category', title: t('dashboards.quality.overdue.category'), width: 110, render: (_, row) => (english ? row.category.nameEn : row.category.name) },
    { key: 'department', title: t('dashboards.quality.overdue.department'), width: 130, render: (_, row) => departments.get(row.department) },
    {
      key: 'timeLimit',
      title: t('dashboards.quality.overdue.timeLimit'),
      width: 120,
      render: (_, row) => (
        <Space size={4} wrap>
          <Tag color="red" variant="filled" style={{ marginInlineEnd: 0 }}>
            {t(`service.limit.${row.timeLimit}`)}
          </Tag>
          {row.overdueLimits > 1 ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('dashboards.quality.overdue.more', { count: row.overdueLimits - 1 })}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    { key: 'dueAt', title: t('dashboards.quality.overdue.dueAt'), width: 160, render: (_, row) => formatDateTime(row.dueAt) },
    {
      key: 'overdueBy',
      title: t('dashboards.quality.overdue.overdueBy'),
      width: 130,
      sorter: (a, b) => a.minutesOverdue - b.minutesOverdue,
      defaultSortOrder: 'descend',
      render: (_, row) => <Typography.Text type="danger">{overdueBy(row.minutesOverdue)}</Typography.Text>,
    },
    {
      key: 'escalation',
      title: t('dashboards.quality.overdue.escalation'),
      width: 130,
      render: (_, row) => (row.escalationLevel > 0 ? <Tag color={row.escalationLevel > 1 ? 'volcano' : 'orange'}>{t(`dashboards.quality.overdue.escalationLevel.${row.escalationLevel}`)}</Tag> : t('dashboards.quality.overdue.escalationLevel.0')),
    },
    { key: 'state', title: t('dashboards.quality.overdue.state'), width: 100, render: (_, row) => t(`service.state.${row.state}`) },
    { key: 'assignee', title: t('dashboards.quality.overdue.assignee'), width: 140, ellipsis: true, render: (_, row) => row.assignee ?? <Typography.Text type="secondary">{t('dashboards.quality.overdue.unassigned')}</Typography.Text> },
  ];
  return (
    <Card
      size="small"
      title={t('dashboards.quality.overdue.title')}
      styles={{ body: { padding: 0 } }}
      data-testid="quality-overdue"
      extra={data.overdue.total > 0 ? <Typography.Text type="secondary">{t('dashboards.quality.overdue.count', { count: data.overdue.total, shown: data.overdue.items.length })}</Typography.Text> : null}
    >
      <Table
        rowKey="requestId"
        size="small"
        dataSource={data.overdue.items}
        columns={columns}
        pagination={{ pageSize: 10, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 1180 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboards.quality.overdue.none')} /> }}
      />
    </Card>
  );
}

/** Nothing happened in the period and nothing is open: no chart or table has anything to show. */
const isEmpty = (data: ServiceQualityDashboard): boolean =>
  data.totals.created === 0 && data.totals.closed === 0 && data.totals.openNow === 0 && data.totals.deadlines.due === 0 && data.totals.satisfaction.rated === 0 && data.totals.calls.inbound === 0;

export function ServiceQualityPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const range = useMemo(() => rangeOf(params), [params]);
  const query = useServiceQuality(range);
  const data = query.data;

  const today = dayjs().endOf('day');
  const presets: { label: string; value: [Dayjs, Dayjs] }[] = [
    { label: t('dashboards.quality.presets.last7'), value: [dayjs().subtract(6, 'day'), dayjs()] },
    { label: t('dashboards.quality.presets.last30'), value: [dayjs().subtract(29, 'day'), dayjs()] },
    { label: t('dashboards.quality.presets.last90'), value: [dayjs().subtract(89, 'day'), dayjs()] },
    { label: t('dashboards.quality.presets.thisMonth'), value: [dayjs().startOf('month'), dayjs()] },
    { label: t('dashboards.quality.presets.lastMonth'), value: [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')] },
  ];

  return (
    <Flex vertical gap={12} data-testid="quality-page">
      <Card size="small">
        <Flex justify="space-between" align="center" wrap gap={12}>
          <div style={{ minWidth: 0 }}>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('dashboards.quality.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('dashboards.quality.subtitle')}</Typography.Text>
          </div>
          <Space wrap>
            <Typography.Text>{t('dashboards.quality.range')}</Typography.Text>
            <span data-testid="quality-range">
              <DatePicker.RangePicker
                allowClear={false}
                value={[dayjs(range.from), dayjs(range.to)]}
                presets={presets}
                disabledDate={(current, info) => current.isAfter(today) || (info.from ? Math.abs(current.diff(info.from, 'day')) >= MAX_RANGE_DAYS : false)}
                onChange={(values) => {
                  const [from, to] = values ?? [];
                  if (from && to) setParams({ from: from.format(ISO), to: to.format(ISO) });
                }}
              />
            </span>
            <Button icon={<ReloadOutlined />} loading={query.isFetching} onClick={() => void query.refetch()}>
              {t('dashboards.quality.refresh')}
            </Button>
          </Space>
        </Flex>
        {data ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="quality-as-of">
            {t('dashboards.quality.asOf', { time: formatDateTime(data.generatedAt) })}
          </Typography.Text>
        ) : null}
      </Card>

      {query.isPending ? (
        <Card>
          <Skeleton active paragraph={{ rows: 10 }} />
        </Card>
      ) : !data ? (
        <QueryError error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <>
          {query.isError ? <Alert type="warning" showIcon title={t('common.loadFailed')} action={<Button size="small" onClick={() => void query.refetch()}>{t('common.retry')}</Button>} /> : null}
          <KpiCards data={data} />
          {isEmpty(data) ? (
            <Card>
              <Empty description={t('dashboards.quality.empty')} data-testid="quality-empty" />
            </Card>
          ) : (
            <>
              <Charts data={data} />
              <OverdueTable data={data} />
              <DepartmentTable data={data} />
              <CategoryTable data={data} range={range} />
            </>
          )}
        </>
      )}
    </Flex>
  );
}
