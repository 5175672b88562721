import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Empty, Flex, Form, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ZeroUseAccount } from '../../api/types';
import { AccountStatusTag } from '../components/StatusTags';
import { QueryError } from '../components/QueryError';
import { useDistricts } from '../hooks/customers';
import { useSession } from '../session/session';
import { formatDate } from '../utils/format';
import { useZeroUseReport, zeroUseCsvUrl } from './hooks';

const PERIOD_CHOICES = [1, 2, 3, 4, 6, 12];
const PAGE_SIZE = 50;

/** 零水量用户: accounts with no use in each of the latest N billed periods, to chase; filter, page, export. */
export function ZeroUsePage() {
  const { t, i18n } = useTranslation();
  const [periods, setPeriods] = useState(3);
  const [district, setDistrict] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [onlyFlagged, setOnlyFlagged] = useState(false);
  const { can } = useSession();
  const districts = useDistricts();
  const report = useZeroUseReport({ periods, district, onlyFlagged, page, pageSize: PAGE_SIZE });
  const english = i18n.language.startsWith('en');

  const columns: TableColumnsType<ZeroUseAccount> = [
    {
      key: 'accountNo',
      title: t('zeroUse.columns.accountNo'),
      width: 130,
      render: (_, row) => (
        <Link to={`/customers/${row.customerId}?tab=bills`} className="sw-code">
          {row.accountNo}
        </Link>
      ),
    },
    { key: 'customer', title: t('zeroUse.columns.customer'), width: 140, ellipsis: true, dataIndex: 'customerName' },
    { key: 'address', title: t('zeroUse.columns.address'), ellipsis: true, dataIndex: 'fullAddress' },
    { key: 'status', title: t('zeroUse.columns.status'), width: 100, render: (_, row) => <AccountStatusTag status={row.accountStatus} /> },
    { key: 'openedOn', title: t('zeroUse.columns.openedOn'), width: 110, render: (_, row) => formatDate(row.openedOn) },
    {
      key: 'meter',
      title: t('zeroUse.columns.meter'),
      width: 150,
      render: (_, row) =>
        row.meters.length === 0 ? (
          <Typography.Text type="warning">{t('zeroUse.noMeter')}</Typography.Text>
        ) : (
          <Space orientation="vertical" size={0}>
            {row.meters.map((meter) => (
              <Typography.Text key={meter.serialNo} className="sw-code">
                {meter.serialNo}
              </Typography.Text>
            ))}
          </Space>
        ),
    },
    {
      key: 'installedOn',
      title: t('zeroUse.columns.installedOn'),
      width: 110,
      render: (_, row) => (
        <Space orientation="vertical" size={0}>
          {row.meters.map((meter) => (
            <span key={meter.serialNo}>{formatDate(meter.installedOn)}</span>
          ))}
        </Space>
      ),
    },
    {
      key: 'lastUse',
      title: t('zeroUse.columns.lastUse'),
      width: 130,
      render: (_, row) => (
        <Space orientation="vertical" size={0}>
          {row.lastUsePeriod ? row.lastUsePeriod : <Typography.Text type="danger">{t('zeroUse.neverUsed')}</Typography.Text>}
          {row.isZeroUse ? null : <Typography.Text type="secondary">{t('zeroUse.notZeroUse')}</Typography.Text>}
        </Space>
      ),
    },
    {
      key: 'connection',
      title: t('zeroUse.columns.connection'),
      width: 190,
      render: (_, row) => {
        const connection = row.newConnection;
        if (!connection) return <Typography.Text type="secondary">{t('zeroUse.noConnection')}</Typography.Text>;
        const stage = connection.stage ? (english ? connection.stage.nameEn : connection.stage.name) : '';
        const state = t(`zeroUse.connection.${connection.status}`, { stage, date: formatDate(connection.finishedOn) });
        return (
          <Space orientation="vertical" size={0}>
            {can('application.read') ? (
              <Link to={`/applications/${connection.applicationId}`} className="sw-code">
                {connection.applicationNo}
              </Link>
            ) : (
              <Typography.Text className="sw-code">{connection.applicationNo}</Typography.Text>
            )}
            <Typography.Text type={connection.status === 'completed' ? 'secondary' : undefined}>{state}</Typography.Text>
          </Space>
        );
      },
    },
    {
      key: 'firstReading',
      title: t('zeroUse.columns.firstReading'),
      width: 150,
      render: (_, row) =>
        row.firstReadingDueOn === null ? (
          <Typography.Text type="secondary">{t('zeroUse.noConnection')}</Typography.Text>
        ) : (
          <Space orientation="vertical" size={2}>
            {row.isFirstReadingOverdue ? (
              <Tag color={row.firstReadOn ? 'orange' : 'red'} data-testid="first-reading-flag">
                {row.firstReadOn ? t('zeroUse.overdueRead') : t('zeroUse.overdueUnread')}
              </Tag>
            ) : null}
            {row.firstReadOn ? <span>{t('zeroUse.firstReadOn', { date: formatDate(row.firstReadOn) })}</span> : null}
            <Typography.Text type="secondary">{t('zeroUse.dueOn', { date: formatDate(row.firstReadingDueOn) })}</Typography.Text>
          </Space>
        ),
    },
  ];

  // The new connection's application and first reading come right after the account's state, visible without scrolling.
  const ORDER = ['accountNo', 'customer', 'address', 'status', 'connection', 'firstReading', 'openedOn', 'meter', 'installedOn', 'lastUse'];
  columns.sort((a, b) => ORDER.indexOf(String(a.key)) - ORDER.indexOf(String(b.key)));

  const looked = report.data?.periods ?? [];
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="zero-use-page">
      <div>
        <Typography.Title level={3} style={{ marginBottom: 4 }}>
          {t('zeroUse.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('zeroUse.subtitle')}</Typography.Text>
      </div>
      <Card size="small">
        <Flex justify="space-between" align="center" wrap gap={12}>
          <Form layout="inline">
            <Form.Item label={t('zeroUse.periods')}>
              <Select
                style={{ width: 120 }}
                value={periods}
                onChange={(value) => {
                  setPeriods(value);
                  setPage(1);
                }}
                options={PERIOD_CHOICES.map((count) => ({ value: count, label: t('zeroUse.periodsOption', { count }) }))}
                data-testid="zero-use-periods"
              />
            </Form.Item>
            <Form.Item label={t('zeroUse.district')}>
              <Select
                style={{ width: 160 }}
                allowClear
                placeholder={t('zeroUse.allDistricts')}
                value={district}
                loading={districts.isPending}
                onChange={(value: string | undefined) => {
                  setDistrict(value);
                  setPage(1);
                }}
                options={(districts.data ?? []).map((item) => ({ value: item.name, label: item.name }))}
              />
            </Form.Item>
            <Form.Item>
              <Tooltip title={report.data ? t('zeroUse.flagRule', { days: report.data.firstReadingDays }) : undefined}>
                <Checkbox
                  checked={onlyFlagged}
                  onChange={(event) => {
                    setOnlyFlagged(event.target.checked);
                    setPage(1);
                  }}
                  data-testid="zero-use-only-flagged"
                >
                  {t('zeroUse.onlyFlagged')}
                </Checkbox>
              </Tooltip>
            </Form.Item>
          </Form>
          <Button icon={<DownloadOutlined />} href={zeroUseCsvUrl({ periods, district, onlyFlagged })} disabled={!report.data?.total} data-testid="zero-use-export">
            {t('zeroUse.export')}
          </Button>
        </Flex>
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
          {report.data
            ? `${looked.length ? t('zeroUse.lookedAt', { periods: [...looked].reverse().join('、') }) : t('zeroUse.noPeriods')} · ${t('zeroUse.total', { count: report.data.total })} · ${t('zeroUse.flagRule', { days: report.data.firstReadingDays })}`
            : '\u00a0'}
        </Typography.Text>
      </Card>
      <Card size="small" styles={{ body: { padding: 0 } }}>
        {report.isError ? (
          <QueryError compact error={report.error} onRetry={() => void report.refetch()} />
        ) : (
          <Table<ZeroUseAccount>
            rowKey="accountId"
            size="middle"
            loading={report.isFetching}
            columns={columns}
            scroll={{ x: 1360 }}
            dataSource={report.data?.rows ?? []}
            pagination={{ current: page, pageSize: PAGE_SIZE, total: report.data?.total ?? 0, showSizeChanger: false, hideOnSinglePage: true, onChange: setPage }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('zeroUse.empty')} /> }}
          />
        )}
      </Card>
    </Space>
  );
}
