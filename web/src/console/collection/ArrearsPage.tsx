import { DownloadOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Drawer, Empty, Flex, Form, Input, Row, Select, Skeleton, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AgeBucket, ArrearsAccount, ArrearsQuery, ArrearsReport } from '../../api/types';
import { formatYuan, parseYuan } from '../../shared/money';
import { QueryError } from '../components/QueryError';
import { useRoutes } from '../reading/api';
import { useSession } from '../session/session';
import { formatDate } from '../utils/format';
import { CollectionFile } from './CollectionFile';
import { arrearsCsvUrl, useArrears } from './hooks';
import { CollectionFlags, money } from './parts';

// echarts is loaded only when the chart is first shown.
const AgingBarChart = lazy(() => import('./AgingBarChart'));

const BUCKETS: AgeBucket[] = ['0_30', '31_90', '91_180', 'over_180'];
const BUCKET_COLOURS: Record<AgeBucket, string> = { '0_30': 'gold', '31_90': 'orange', '91_180': 'volcano', over_180: 'red' };
const AGE_CHOICES = [1, 31, 91, 181];
const PAGE_SIZE = 50;

interface FilterValues {
  routeId?: string;
  minAgeDays?: number;
  minAmount?: string;
}

function toQuery(values: FilterValues): ArrearsQuery {
  const minAmountFen = values.minAmount ? parseYuan(values.minAmount) : null;
  return {
    ...(values.routeId ? { routeId: values.routeId } : {}),
    ...(values.minAgeDays ? { minAgeDays: values.minAgeDays } : {}),
    ...(minAmountFen ? { minAmountFen } : {}),
  };
}

function AgeTag({ row }: { row: ArrearsAccount }) {
  const { t } = useTranslation();
  if (row.ageDays === null || !row.bucket) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Tag color={BUCKET_COLOURS[row.bucket]} variant="filled" style={{ marginInlineEnd: 0 }}>
      {t('collection.arrears.days', { days: row.ageDays })}
    </Tag>
  );
}

/** Totals, the chart of overdue principal by age, and the routes owing most. */
function Summary({ report }: { report: ArrearsReport }) {
  const { t } = useTranslation();
  const bars = useMemo(
    () =>
      BUCKETS.map((bucket) => ({
        label: t(`collection.bucket.${bucket}`),
        overdueFen: report.summary.reduce((sum, route) => sum + (route.buckets.find((item) => item.bucket === bucket)?.overdueFen ?? 0), 0),
        accounts: report.summary.reduce((sum, route) => sum + (route.buckets.find((item) => item.bucket === bucket)?.accounts ?? 0), 0),
      })),
    [report, t],
  );
  const chartLabels = useMemo(() => ({ unit: t('collection.arrears.chartUnit'), accounts: (count: number) => t('collection.arrears.chartAccounts', { count }) }), [t]);
  const routes = useMemo(() => [...report.summary].sort((a, b) => b.owedFen - a.owedFen), [report]);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={6}>
        <Card size="small" style={{ height: '100%' }} data-testid="arrears-totals">
          <Flex vertical gap={16}>
            <Statistic title={t('collection.arrears.accounts')} value={report.total.accounts} data-testid="arrears-total-accounts" />
            <Statistic title={t('collection.arrears.owed')} value={formatYuan(report.total.owedFen)} prefix="¥" styles={{ content: { color: report.total.owedFen > 0 ? '#cf1322' : undefined } }} />
            <Statistic title={t('collection.arrears.lateFees')} value={formatYuan(report.total.lateFeeFen)} prefix="¥" />
          </Flex>
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <Card size="small" title={t('collection.arrears.chartTitle')} style={{ height: '100%' }}>
          <Suspense fallback={<Skeleton active paragraph={{ rows: 5 }} />}>
            <AgingBarChart bars={bars} labels={chartLabels} height={230} />
          </Suspense>
        </Card>
      </Col>
      <Col xs={24} lg={8}>
        <Card size="small" title={t('collection.arrears.byRoute')} style={{ height: '100%' }} styles={{ body: { padding: 0 } }}>
          <Table
            rowKey={(row) => row.route?.id ?? 'none'}
            size="small"
            dataSource={routes}
            pagination={{ pageSize: 6, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
            columns={[
              {
                key: 'route',
                title: t('collection.arrears.route'),
                ellipsis: true,
                render: (_, row) => (row.route ? <span title={row.route.name}>{row.route.code}</span> : <Typography.Text type="secondary">{t('collection.arrears.noRoute')}</Typography.Text>),
              },
              { key: 'accounts', title: t('collection.arrears.accounts'), align: 'right', width: 90, render: (_, row) => row.accounts },
              { key: 'owed', title: t('collection.arrears.columns.owed'), align: 'right', width: 120, render: (_, row) => money(row.owedFen) },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

function CollectionFileDrawer({ account, onClose }: { account: ArrearsAccount | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer
      open={account !== null}
      onClose={onClose}
      size={860}
      destroyOnHidden
      title={account ? t('collection.file.title', { accountNo: account.accountNo }) : null}
      extra={
        account ? (
          <Link to={`/customers/${account.customerId}?tab=collection`}>
            <Button icon={<UserOutlined />}>{t('collection.file.openCustomer')}</Button>
          </Link>
        ) : null
      }
      data-testid="collection-drawer"
    >
      {account ? (
        <Flex vertical gap={12}>
          <Descriptions
            size="small"
            column={2}
            items={[
              { key: 'holder', label: t('collection.arrears.columns.holder'), children: account.holderName },
              { key: 'phone', label: t('customer.fields.phone'), children: account.phoneMasked ?? '—' },
              { key: 'address', label: t('collection.arrears.columns.address'), span: 2, children: account.fullAddress },
              { key: 'route', label: t('collection.arrears.columns.route'), children: account.route ? `${account.route.code} ${account.route.name}` : '—' },
              { key: 'collector', label: t('collection.arrears.columns.collector'), children: account.collector?.displayName ?? '—' },
            ]}
          />
          <CollectionFlags flags={account} />
          <CollectionFile accountId={account.accountId} />
        </Flex>
      ) : null}
    </Drawer>
  );
}

/** 欠费清单: filter by route, age and amount; totals and a chart by age; export; a row opens the collection file. */
export function ArrearsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [form] = Form.useForm<FilterValues>();
  const [filter, setFilter] = useState<ArrearsQuery>({});
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<ArrearsAccount | null>(null);
  const routes = useRoutes();
  const report = useArrears(filter);
  const isFiltered = Object.keys(filter).length > 0;

  const columns: TableColumnsType<ArrearsAccount> = [
    {
      key: 'accountNo',
      title: t('collection.arrears.columns.accountNo'),
      width: 120,
      fixed: 'left',
      render: (_, row) => (
        <Typography.Link className="sw-code" data-testid="arrears-account">
          {row.accountNo}
        </Typography.Link>
      ),
    },
    { key: 'holder', title: t('collection.arrears.columns.holder'), width: 100, ellipsis: true, render: (_, row) => row.holderName },
    { key: 'address', title: t('collection.arrears.columns.address'), ellipsis: true, render: (_, row) => row.fullAddress },
    {
      key: 'route',
      title: t('collection.arrears.columns.route'),
      width: 80,
      render: (_, row) => (row.route ? <span title={row.route.name}>{row.route.code}</span> : <Typography.Text type="secondary">—</Typography.Text>),
    },
    // A collector sees only their own routes: the collector column is for those who see every route.
    ...(can('collection.manage')
      ? [{ key: 'collector', title: t('collection.arrears.columns.collector'), width: 120, ellipsis: true, render: (_: unknown, row: ArrearsAccount) => row.collector?.displayName ?? '—' }]
      : []),
    {
      key: 'principal',
      title: t('collection.arrears.columns.principal'),
      align: 'right',
      width: 110,
      sorter: (a, b) => a.principalFen - b.principalFen,
      render: (_, row) => money(row.principalFen),
    },
    {
      key: 'lateFee',
      title: t('collection.arrears.columns.lateFee'),
      align: 'right',
      width: 90,
      sorter: (a, b) => a.lateFeeFen - b.lateFeeFen,
      render: (_, row) => (row.lateFeeFen ? money(row.lateFeeFen) : <Typography.Text type="secondary">—</Typography.Text>),
    },
    {
      key: 'owed',
      title: t('collection.arrears.columns.owed'),
      align: 'right',
      width: 110,
      sorter: (a, b) => a.owedFen - b.owedFen,
      render: (_, row) => <Typography.Text strong>{money(row.owedFen)}</Typography.Text>,
    },
    { key: 'oldestDue', title: t('collection.arrears.columns.oldestDue'), width: 105, render: (_, row) => formatDate(row.oldestDueOn) },
    {
      key: 'age',
      title: t('collection.arrears.columns.age'),
      width: 95,
      align: 'right',
      defaultSortOrder: 'descend',
      sorter: (a, b) => (a.ageDays ?? -1) - (b.ageDays ?? -1),
      render: (_, row) => <AgeTag row={row} />,
    },
    { key: 'flags', title: t('collection.arrears.columns.flags'), width: 130, render: (_, row) => <CollectionFlags flags={row} /> },
  ];

  const data = report.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="arrears-page">
      <div>
        <Typography.Title level={3} style={{ marginBottom: 4 }}>
          {t('collection.arrears.title')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('collection.arrears.subtitle')}
          {can('collection.manage') ? null : ` ${t('collection.arrears.collectorScope')}`}
        </Typography.Text>
      </div>
      <Card size="small">
        <Flex justify="space-between" align="center" wrap gap={12}>
          <Form<FilterValues>
            form={form}
            layout="inline"
            onFinish={(values) => {
              setFilter(toQuery(values));
              setPage(1);
            }}
            data-testid="arrears-filters"
          >
            <Form.Item name="routeId" label={t('collection.arrears.route')}>
              <Select
                style={{ width: 220 }}
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('collection.arrears.allRoutes')}
                loading={routes.isPending}
                options={(routes.data ?? []).map((route) => ({ value: route.id, label: `${route.code} ${route.name}` }))}
                data-testid="arrears-route"
              />
            </Form.Item>
            <Form.Item name="minAgeDays" label={t('collection.arrears.minAge')}>
              <Select
                style={{ width: 110 }}
                allowClear
                placeholder={t('collection.arrears.anyAge')}
                options={AGE_CHOICES.map((days) => ({ value: days, label: t('collection.arrears.minAgeOption', { days }) }))}
                data-testid="arrears-min-age"
              />
            </Form.Item>
            <Form.Item
              name="minAmount"
              label={t('collection.arrears.minAmount')}
              rules={[{ validator: (_, value: string | undefined) => (!value || parseYuan(value) !== null ? Promise.resolve() : Promise.reject(new Error(t('collection.arrears.minAmountInvalid')))) }]}
            >
              <Input style={{ width: 120 }} inputMode="decimal" prefix="¥" allowClear data-testid="arrears-min-amount" />
            </Form.Item>
            <Form.Item>
              <Space>
                <Button type="primary" htmlType="submit" data-testid="arrears-apply">
                  {t('collection.arrears.apply')}
                </Button>
                <Button
                  onClick={() => {
                    form.resetFields();
                    setFilter({});
                    setPage(1);
                  }}
                >
                  {t('collection.arrears.reset')}
                </Button>
              </Space>
            </Form.Item>
          </Form>
          <Button icon={<DownloadOutlined />} href={arrearsCsvUrl(filter)} disabled={!data?.total.accounts} data-testid="arrears-export">
            {t('collection.arrears.export')}
          </Button>
        </Flex>
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }} data-testid="arrears-as-of">
          {data ? `${t('collection.arrears.asOf', { date: formatDate(data.asOf) })} · ${t('collection.arrears.count', { count: data.total.accounts })}` : '\u00a0'}
        </Typography.Text>
      </Card>
      {report.isError ? (
        <QueryError error={report.error} onRetry={() => void report.refetch()} />
      ) : !data ? (
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : data.total.accounts === 0 ? (
        <Card data-testid="arrears-empty">
          <Empty description={isFiltered ? t('collection.arrears.empty') : t('collection.arrears.emptyAll')} />
        </Card>
      ) : (
        <>
          <Summary report={data} />
          <Card size="small" styles={{ body: { padding: 0 } }}>
            <Table<ArrearsAccount>
              rowKey="accountId"
              size="middle"
              loading={report.isFetching}
              columns={columns}
              dataSource={data.accounts}
              scroll={{ x: 1100 }}
              onRow={(row) => ({ onClick: () => setOpen(row), style: { cursor: 'pointer' } })}
              pagination={{ current: page, pageSize: PAGE_SIZE, showSizeChanger: false, hideOnSinglePage: true, onChange: setPage }}
              data-testid="arrears-table"
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('collection.arrears.empty')} /> }}
            />
          </Card>
        </>
      )}
      <CollectionFileDrawer account={open} onClose={() => setOpen(null)} />
    </Space>
  );
}
