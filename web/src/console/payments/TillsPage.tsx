import { SyncOutlined } from '@ant-design/icons';
import { Card, DatePicker, Empty, Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CounterMethod, MethodTotals, PaymentReversal, Till } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { QueryError } from '../components/QueryError';
import { formatDateTime } from '../utils/format';
import { useTillsOfDay } from './hooks';
import { COUNTER_METHODS, totalOf } from './money';

const sumOf = (tills: Till[]): MethodTotals & { payments: number } =>
  tills.reduce(
    (sum, till) => ({
      cash: sum.cash + till.expected.cash,
      card: sum.card + till.expected.card,
      transfer: sum.transfer + till.expected.transfer,
      payments: sum.payments + till.payments,
    }),
    { cash: 0, card: 0, transfer: 0, payments: 0 },
  );

/** 日结汇总: a day's tills, one row per cashier, with the totals per method and for the day. */
export function TillsPage() {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const [date, setDate] = useState(() => dayjs().format('YYYY-MM-DD'));
  const query = useTillsOfDay(date);
  const tills = query.data?.tills ?? [];
  const reversals = query.data?.reversals ?? [];
  const totals = sumOf(tills);
  const reversalColumns: TableColumnsType<PaymentReversal> = [
    { key: 'reversedAt', title: t('payments.tills.reversedAt'), width: 170, render: (_, row) => formatDateTime(row.reversedAt) },
    { key: 'receiptNo', title: t('payments.tills.receiptNo'), width: 180, render: (_, row) => <span className="sw-code">{row.receiptNo}</span> },
    { key: 'accountNo', title: t('payments.tills.accountNo'), width: 120, render: (_, row) => <span className="sw-code">{row.accountNo}</span> },
    { key: 'method', title: t('payments.tills.method'), width: 100, render: (_, row) => (english ? row.methodName.en : row.methodName.zh) },
    { key: 'amount', title: t('payments.tills.amount'), align: 'right', width: 110, render: (_, row) => <Typography.Text type="danger" className="sw-code">-{formatYuan(row.amountFen)}</Typography.Text> },
    { key: 'cashier', title: t('payments.tills.originalCashier'), width: 140, ellipsis: true, render: (_, row) => row.cashier ?? '—' },
    { key: 'reversedBy', title: t('payments.tills.reversedBy'), width: 140, ellipsis: true, render: (_, row) => row.reversedBy },
    { key: 'reason', title: t('payments.tills.reason'), ellipsis: true, render: (_, row) => row.reason },
    {
      key: 'till',
      title: '',
      width: 130,
      render: (_, row) => (row.tillId ? <Tag color="orange">{t('payments.tills.fromTill')}</Tag> : t('payments.tills.notFromTill')),
    },
  ];

  const columns: TableColumnsType<Till> = [
    { key: 'cashier', title: t('payments.tills.cashier'), render: (_, till) => <Typography.Text strong>{till.staffName}</Typography.Text> },
    {
      key: 'status',
      title: t('payments.tills.status'),
      width: 90,
      render: (_, till) => (till.closedAt ? <Tag color="green">{t('payments.counter.statusClosed')}</Tag> : <Tag color="blue">{t('payments.counter.statusOpen')}</Tag>),
    },
    { key: 'openedAt', title: t('payments.tills.openedAt'), width: 170, render: (_, till) => formatDateTime(till.openedAt) },
    { key: 'closedAt', title: t('payments.tills.closedAt'), width: 170, render: (_, till) => formatDateTime(till.closedAt) },
    { key: 'payments', title: t('payments.tills.payments'), align: 'right', width: 80, render: (_, till) => till.payments },
    ...COUNTER_METHODS.map((method: CounterMethod) => ({
      key: method,
      title: t(`payments.method.${method}`),
      align: 'right' as const,
      width: 120,
      render: (_: unknown, till: Till) => <span className="sw-code">{formatYuan(till.expected[method])}</span>,
    })),
    { key: 'total', title: t('payments.tills.total'), align: 'right', width: 130, render: (_, till) => <Typography.Text strong className="sw-code">{formatYuan(totalOf(till.expected))}</Typography.Text> },
  ];

  return (
    <Flex vertical gap={16} data-testid="tills-page">
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('payments.tills.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('payments.tills.subtitle')}</Typography.Paragraph>
        <Flex gap={12} align="center">
          <Typography.Text>{t('payments.tills.date')}</Typography.Text>
          <DatePicker
            value={dayjs(date)}
            allowClear={false}
            disabledDate={(day) => day.isAfter(dayjs(), 'day')}
            onChange={(value) => value && setDate(value.format('YYYY-MM-DD'))}
            data-testid="tills-date"
          />
          {query.isFetching ? <SyncOutlined spin /> : null}
        </Flex>
      </Card>
      <Card styles={{ body: { padding: 0 } }}>
        {query.isError ? (
          <QueryError compact error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <Table<Till>
            rowKey="id"
            size="middle"
            loading={query.isPending}
            columns={columns}
            dataSource={tills}
            pagination={false}
            data-testid="tills-table"
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('payments.tills.empty')} /> }}
            summary={() =>
              tills.length > 0 ? (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0} colSpan={4}>
                    <Typography.Text strong>{t('payments.tills.totalsRow')}</Typography.Text>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={4} align="right">
                    <Typography.Text strong>{totals.payments}</Typography.Text>
                  </Table.Summary.Cell>
                  {COUNTER_METHODS.map((method, index) => (
                    <Table.Summary.Cell key={method} index={5 + index} align="right">
                      <Typography.Text strong className="sw-code">
                        {formatYuan(totals[method])}
                      </Typography.Text>
                    </Table.Summary.Cell>
                  ))}
                  <Table.Summary.Cell index={8} align="right">
                    <Typography.Text strong className="sw-code" data-testid="tills-total">
                      {formatYuan(totalOf(totals))}
                    </Typography.Text>
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              ) : null
            }
          />
        )}
      </Card>
      <Card
        size="small"
        title={t('payments.tills.reversals')}
        extra={<Typography.Text type="secondary">{t('payments.tills.reversalsNote')}</Typography.Text>}
        styles={{ body: { padding: 0 } }}
      >
        {query.isError ? null : (
          <Table<PaymentReversal>
            rowKey="id"
            size="small"
            loading={query.isPending}
            columns={reversalColumns}
            dataSource={reversals}
            pagination={false}
            data-testid="tills-reversals"
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('payments.tills.reversalsEmpty')} /> }}
          />
        )}
      </Card>
    </Flex>
  );
}
