import { CalculatorOutlined, SyncOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, DatePicker, Descriptions, Empty, Flex, Form, Progress, Row, Select, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BillingRun, BillingRunStatus, SkipReason, SkippedAccount } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { applyFieldErrors } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { formatCubicMetres, formatYuan, isActive, useBillingRun, useBillingRuns, useRouteOptions, useSkippedAccounts, useStartBillingRun } from './hooks';

const STATUS_COLORS: Record<BillingRunStatus, string> = { pending: 'gold', running: 'processing', completed: 'green', failed: 'red', cancelled: 'default' };

export function RunStatusTag({ status }: { status: BillingRunStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status]} icon={status === 'running' ? <SyncOutlined spin /> : undefined} data-testid="billing-run-status">
      {t(`billing.status.${status}`)}
    </Tag>
  );
}

const percentOf = (run: BillingRun) => Math.floor(run.progress * 100);
const progressStatus = (run: BillingRun) => (run.status === 'failed' ? 'exception' : isActive(run) ? 'active' : 'success');

interface StartForm {
  period: Dayjs | null;
  routeIds?: string[];
}

function StartRunForm({ onStarted }: { onStarted: (run: BillingRun) => void }) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<StartForm>();
  const routes = useRouteOptions(can('route.read'));
  const start = useStartBillingRun();
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const run = (period: string, routeIds: string[] | undefined) => {
    setUnmatched([]);
    start.mutate(
      { period, ...(routeIds?.length ? { routeIds } : {}) },
      {
        onSuccess: (started) => {
          void message.success(t('billing.start.started', { period }));
          onStarted(started);
        },
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
      },
    );
  };

  // A run bills money to every account it covers: the clerk confirms the month and the routes first, so a
  // stray Enter or a cleared route selection never bills the whole utility unasked.
  const submit = (values: StartForm) => {
    if (!values.period) return;
    const period = values.period.format('YYYY-MM');
    const chosen = (routes.data?.routes ?? []).filter((route) => values.routeIds?.includes(route.id));
    const all = !values.routeIds?.length;
    const accounts = (all ? (routes.data?.routes ?? []) : chosen).reduce((sum, route) => sum + route.accounts, 0);
    void modal.confirm({
      title: t('billing.confirm.title', { period }),
      content: all
        ? t('billing.confirm.allRoutes', { accounts })
        : t('billing.confirm.someRoutes', { routes: chosen.map((route) => route.code).join('、'), accounts }),
      okText: t('billing.confirm.ok'),
      cancelText: t('billing.confirm.cancel'),
      okButtonProps: { danger: all, ...({ 'data-testid': 'billing-confirm' } as object) },
      onOk: () => run(period, values.routeIds),
    });
  };

  const options = (routes.data?.routes ?? []).map((route) => ({
    value: route.id,
    label: t('billing.start.routeOption', { code: route.code, name: route.name, accounts: route.accounts }),
  }));
  const routesUnavailable = !can('route.read') || routes.isError || routes.data?.isAvailable === false;

  return (
    <>
      {start.error ? <MutationErrorAlert error={start.error} unmatched={unmatched} /> : null}
      <Form<StartForm> form={form} layout="inline" onFinish={submit} initialValues={{ period: dayjs().subtract(1, 'month') }} data-testid="billing-start-form">
        <Form.Item name="period" label={t('billing.start.period')} rules={[{ required: true, message: t('billing.start.periodRequired') }]}>
          <DatePicker picker="month" allowClear={false} disabledDate={(date) => date.isAfter(dayjs(), 'month')} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="routeIds" label={t('billing.start.routes')} extra={routesUnavailable ? t('billing.start.routesUnavailable') : undefined}>
          <Select
            mode="multiple"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            maxTagCount="responsive"
            placeholder={t('billing.start.routesPlaceholder')}
            options={options}
            loading={routes.isFetching}
            disabled={routesUnavailable}
            style={{ width: 380 }}
            data-testid="billing-routes"
          />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<CalculatorOutlined />} loading={start.isPending} data-testid="billing-start">
            {t('billing.start.submit')}
          </Button>
        </Form.Item>
      </Form>
    </>
  );
}

function SkippedAccounts({ runId, reason }: { runId: string; reason: SkipReason }) {
  const { t } = useTranslation();
  const skipped = useSkippedAccounts(runId, reason);
  if (skipped.isError) return <QueryError compact error={skipped.error} onRetry={() => void skipped.refetch()} />;
  return (
    <Table<SkippedAccount>
      rowKey="accountId"
      size="small"
      loading={skipped.isFetching}
      dataSource={skipped.data?.accounts ?? []}
      pagination={{ pageSize: 10, size: 'small', hideOnSinglePage: true }}
      columns={[
        { key: 'accountNo', title: t('billing.detail.accountNo'), render: (_, row) => <span className="sw-code">{row.accountNo}</span> },
        { key: 'reason', title: t('billing.detail.reason'), render: (_, row) => t(`billing.reason.${row.reason}`) },
      ]}
    />
  );
}

function RunDetail({ runId, onClose }: { runId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const query = useBillingRun(runId);
  const [reason, setReason] = useState<SkipReason | null>(null);
  const run = query.data;
  if (query.isError && !run) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  if (!run) return <Card loading />;
  const { summary } = run;
  return (
    <Card
      data-testid="billing-run-detail"
      title={
        <Flex gap={12} align="center">
          <span>{t('billing.detail.title', { period: run.period })}</span>
          <RunStatusTag status={run.status} />
        </Flex>
      }
      extra={<Button onClick={onClose}>{t('billing.detail.close')}</Button>}
    >
      <Flex vertical gap={20}>
        <div>
          <Progress percent={percentOf(run)} status={progressStatus(run)} data-testid="billing-progress" />
          <Typography.Text type="secondary">
            {t('billing.detail.chunks', { done: run.doneChunks, total: run.totalChunks })}
            {isActive(run) ? ` · ${t('billing.detail.live')}` : ''}
          </Typography.Text>
        </div>
        <Row gutter={24}>
          <Col xs={12} md={6}>
            <Statistic title={t('billing.detail.accounts')} value={summary.accounts} />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('billing.detail.bills')} value={summary.bills} />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('billing.detail.water')} value={formatCubicMetres(summary.consumptionLitres)} />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('billing.detail.total')} value={formatYuan(summary.totalFen)} prefix="¥" data-testid="billing-total" />
          </Col>
        </Row>
        {summary.failedChunks > 0 ? <Typography.Text type="danger">{t('billing.detail.failedChunks', { count: summary.failedChunks })}</Typography.Text> : null}
        <Row gutter={24}>
          <Col xs={24} lg={12}>
            <Typography.Title level={5}>{t('billing.detail.byLineType')}</Typography.Title>
            <Table
              rowKey="lineType"
              size="small"
              pagination={false}
              dataSource={summary.byLineType}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="—" /> }}
              columns={[
                { key: 'type', title: t('billing.detail.lineType'), render: (_, row) => t(`billing.lineType.${row.lineType}`) },
                { key: 'lines', title: t('billing.detail.lines'), align: 'right', render: (_, row) => row.lines.toLocaleString() },
                { key: 'amount', title: t('billing.detail.amount'), align: 'right', render: (_, row) => <span className="sw-code">{formatYuan(row.amountFen)}</span> },
              ]}
              summary={() =>
                summary.byLineType.length > 0 ? (
                  <Table.Summary.Row>
                    <Table.Summary.Cell index={0} colSpan={2}>
                      <Typography.Text strong>{t('billing.detail.total')}</Typography.Text>
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={2} align="right">
                      <Typography.Text strong className="sw-code">
                        {formatYuan(summary.totalFen)}
                      </Typography.Text>
                    </Table.Summary.Cell>
                  </Table.Summary.Row>
                ) : null
              }
            />
          </Col>
          <Col xs={24} lg={12}>
            <Typography.Title level={5}>{t('billing.detail.skipped')}</Typography.Title>
            {summary.skipped.length === 0 ? (
              <Typography.Text type="secondary">{isActive(run) ? '—' : t('billing.detail.noSkipped')}</Typography.Text>
            ) : (
              <Table
                rowKey="reason"
                size="small"
                pagination={false}
                dataSource={summary.skipped}
                data-testid="billing-skipped"
                columns={[
                  { key: 'reason', title: t('billing.detail.reason'), render: (_, row) => t(`billing.reason.${row.reason}`) },
                  { key: 'count', title: t('billing.detail.count'), align: 'right', render: (_, row) => row.accounts.toLocaleString() },
                  {
                    key: 'show',
                    align: 'right',
                    render: (_, row) => (
                      <Button type="link" size="small" onClick={() => setReason(reason === row.reason ? null : row.reason)}>
                        {t('billing.detail.showAccounts')}
                      </Button>
                    ),
                  },
                ]}
              />
            )}
            {reason ? (
              <div style={{ marginTop: 12 }}>
                <SkippedAccounts runId={run.id} reason={reason} />
              </div>
            ) : null}
          </Col>
        </Row>
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('billing.columns.startedBy')}>{run.startedBy}</Descriptions.Item>
          <Descriptions.Item label={t('billing.columns.createdAt')}>{formatDateTime(run.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t('billing.columns.finishedAt')}>{formatDateTime(run.finishedAt)}</Descriptions.Item>
        </Descriptions>
      </Flex>
    </Card>
  );
}

/** 核算: start a billing run for a month and routes, watch its progress, read its summary. */
export function BillingRunsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const runs = useBillingRuns();
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  const list = runs.data?.runs ?? [];
  // Until someone picks a run (or closes it), show the newest one.
  const selected = chosen === undefined ? (list[0]?.id ?? null) : chosen;

  const columns: TableColumnsType<BillingRun> = [
    { key: 'period', title: t('billing.columns.period'), width: 100, render: (_, row) => <Typography.Text strong>{row.period}</Typography.Text> },
    { key: 'status', title: t('billing.columns.status'), width: 110, render: (_, row) => <RunStatusTag status={row.status} /> },
    {
      key: 'progress',
      title: t('billing.columns.progress'),
      width: 200,
      render: (_, row) => <Progress size="small" percent={percentOf(row)} status={progressStatus(row)} />,
    },
    { key: 'routes', title: t('billing.columns.routes'), width: 90, render: (_, row) => t('billing.routeCount', { count: row.routeIds.length }) },
    { key: 'bills', title: t('billing.columns.bills'), align: 'right', render: (_, row) => `${row.summary.bills.toLocaleString()} / ${row.accounts.toLocaleString()}` },
    { key: 'total', title: t('billing.columns.total'), align: 'right', render: (_, row) => <span className="sw-code">{formatYuan(row.summary.totalFen)}</span> },
    { key: 'startedBy', title: t('billing.columns.startedBy'), ellipsis: true, render: (_, row) => row.startedBy },
    { key: 'createdAt', title: t('billing.columns.createdAt'), width: 170, render: (_, row) => formatDateTime(row.createdAt) },
  ];

  return (
    <Flex vertical gap={16}>
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('billing.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('billing.subtitle')}</Typography.Paragraph>
        {can('billing.run') ? <StartRunForm onStarted={(run) => setChosen(run.id)} /> : null}
      </Card>
      {selected ? <RunDetail key={selected} runId={selected} onClose={() => setChosen(null)} /> : null}
      <Card
        title={t('billing.list.title')}
        extra={
          <Typography.Text type="secondary">
            <SyncOutlined spin={runs.isFetching} /> {t('billing.list.autoRefresh')}
          </Typography.Text>
        }
      >
        {runs.isError && !runs.data ? (
          <QueryError compact error={runs.error} onRetry={() => void runs.refetch()} />
        ) : (
          <Table<BillingRun>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list}
            loading={runs.isPending}
            pagination={false}
            rowClassName={(row) => (row.id === selected ? 'ant-table-row-selected' : '')}
            onRow={(row) => ({ onClick: () => setChosen(row.id), style: { cursor: 'pointer' } })}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('billing.list.empty')} /> }}
            data-testid="billing-runs"
          />
        )}
      </Card>
    </Flex>
  );
}
