import { CheckCircleOutlined, SearchOutlined, ShopOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Flex, Form, Input, Popconfirm, Result, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { CounterMethod, Till } from '../../api/types';
import { formatYuan, parseYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { PageLoading } from '../components/PageLoading';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { applyFieldErrors, errorMessage } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { useCloseTill, useCurrentTill, useOpenTill } from './hooks';
import { COUNTER_METHODS, totalOf } from './money';

/** Today (the browser's date), as the API writes dates. */
const localToday = (): string => {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
};

type CountedValues = Record<CounterMethod, string>;

/** Expected (and, once closed, counted) per method, with the total. */
function TotalsTable({ till }: { till: Till }) {
  const { t } = useTranslation();
  const rows = COUNTER_METHODS.map((method) => ({ method, expected: till.expected[method], counted: till.counted?.[method] ?? null }));
  return (
    <Table
      rowKey="method"
      size="small"
      pagination={false}
      dataSource={rows}
      data-testid="till-totals"
      columns={[
        { key: 'method', title: t('payments.take.method'), render: (_, row) => t(`payments.method.${row.method}`) },
        { key: 'expected', title: t('payments.counter.expected'), align: 'right', render: (_, row) => <span className="sw-code">{formatYuan(row.expected)}</span> },
        ...(till.counted
          ? [{ key: 'counted', title: t('payments.counter.counted'), align: 'right' as const, render: (_: unknown, row: (typeof rows)[number]) => <span className="sw-code">{formatYuan(row.counted ?? 0)}</span> }]
          : []),
      ]}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0}>
            <Typography.Text strong>{t('payments.counter.total')}</Typography.Text>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={1} align="right">
            <Typography.Text strong className="sw-code" data-testid="till-expected-total">
              {formatYuan(totalOf(till.expected))}
            </Typography.Text>
          </Table.Summary.Cell>
          {till.counted ? (
            <Table.Summary.Cell index={2} align="right">
              <Typography.Text strong className="sw-code">
                {formatYuan(totalOf(till.counted))}
              </Typography.Text>
            </Table.Summary.Cell>
          ) : null}
        </Table.Summary.Row>
      )}
    />
  );
}

/** 日结: what was counted per method; the server refuses (and names each method) when it does not match. */
function CloseTillForm({ till, onClosed }: { till: Till; onClosed: (till: Till) => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<CountedValues>();
  const close = useCloseTill();
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const submit = (values: CountedValues) => {
    const counted = { cash: parseYuan(values.cash), card: parseYuan(values.card), transfer: parseYuan(values.transfer) };
    if (counted.cash === null || counted.card === null || counted.transfer === null) return;
    setUnmatched([]);
    close.mutate(
      { tillId: till.id, counted: { cash: counted.cash, card: counted.card, transfer: counted.transfer } },
      {
        onSuccess: (closed) => {
          void message.success(t('payments.counter.closed'));
          onClosed(closed);
        },
        // counted.cash → the field `cash`.
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => [field.replace(/^counted\./, '')])),
      },
    );
  };

  const amountRule = {
    validator: (_: unknown, value: string | undefined) =>
      !value ? Promise.reject(new Error(t('payments.counter.countedRequired'))) : parseYuan(value) === null ? Promise.reject(new Error(t('payments.take.amountInvalid'))) : Promise.resolve(),
  };

  return (
    <Card title={t('payments.counter.closeTitle')} data-testid="close-till">
      <Typography.Paragraph type="secondary">{t('payments.counter.closeHint')}</Typography.Paragraph>
      {close.error ? (
        <MutationErrorAlert error={close.error} unmatched={unmatched} />
      ) : null}
      <Form<CountedValues> form={form} layout="vertical" onFinish={submit} requiredMark={false} style={{ maxWidth: 420 }}>
        {COUNTER_METHODS.map((method) => (
          <Form.Item
            key={method}
            name={method}
            label={`${t(`payments.method.${method}`)}（${t('payments.counter.expected')} ¥${formatYuan(till.expected[method])}）`}
            rules={[amountRule]}
          >
            <Input prefix="¥" inputMode="decimal" autoComplete="off" data-testid={`counted-${method}`} />
          </Form.Item>
        ))}
        <Popconfirm title={t('payments.counter.closeConfirm')} onConfirm={() => form.submit()}>
          <Button type="primary" icon={<CheckCircleOutlined />} loading={close.isPending} data-testid="close-till-submit">
            {t('payments.counter.closeSubmit')}
          </Button>
        </Popconfirm>
      </Form>
    </Card>
  );
}

/** 收款台: the cashier's till of today: open it, watch its totals, close it (日结). */
export function CounterPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { can } = useSession();
  const current = useCurrentTill();
  const open = useOpenTill();
  // The till just closed here, to show its summary (the current till is then null).
  const [closed, setClosed] = useState<Till | null>(null);

  if (current.isPending) return <PageLoading />;
  if (current.isError) return <QueryError error={current.error} onRetry={() => void current.refetch()} />;
  const till = current.data.till;
  const today = localToday();

  const openButton = (label: string) => (
    <Button
      type="primary"
      icon={<ShopOutlined />}
      loading={open.isPending}
      onClick={() =>
        open.mutate(undefined, {
          onSuccess: () => {
            setClosed(null);
            void message.success(t('payments.counter.opened'));
          },
        })
      }
      data-testid="open-till"
    >
      {label}
    </Button>
  );

  const header = (
    <Card>
      <Flex justify="space-between" align="start" wrap gap={12}>
        <div>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {t('payments.counter.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('payments.counter.subtitle')}</Typography.Text>
        </div>
        <Flex gap={8} wrap>
          <Button icon={<SearchOutlined />} onClick={() => void navigate('/')}>
            {t('payments.counter.findCustomer')}
          </Button>
          {can('payment.read') ? (
            <Button icon={<TeamOutlined />} onClick={() => void navigate('/counter/tills')}>
              {t('payments.counter.tillsLink')}
            </Button>
          ) : null}
        </Flex>
      </Flex>
    </Card>
  );

  let body;
  if (!till && closed) {
    body = (
      <Card data-testid="till-closed">
        <Result
          status="success"
          title={t('payments.counter.closedTitle')}
          subTitle={t('payments.counter.closedSubtitle', { date: closed.businessDate, count: closed.payments, amount: formatYuan(totalOf(closed.expected)) })}
          extra={openButton(t('payments.counter.openAgain'))}
        />
        <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('payments.counter.openedAt')}>{formatDateTime(closed.openedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('payments.counter.closedAt')}>{formatDateTime(closed.closedAt)}</Descriptions.Item>
        </Descriptions>
        <TotalsTable till={closed} />
      </Card>
    );
  } else if (!till) {
    body = (
      <Card data-testid="till-none">
        <Result
          icon={<ShopOutlined style={{ color: '#0b6bcb' }} />}
          title={t('payments.counter.statusNone')}
          subTitle={t('payments.counter.noTill')}
          extra={
            <Flex vertical align="center" gap={12}>
              {openButton(t('payments.counter.openTill'))}
              {open.error ? <Alert type="error" showIcon title={errorMessage(open.error, i18n.language, t('common.unexpectedError'))} /> : null}
            </Flex>
          }
        />
      </Card>
    );
  } else {
    const earlier = till.businessDate < today;
    body = (
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={13}>
          <Card
            title={
              <Flex gap={8} align="center">
                <span>{t('payments.counter.today', { date: till.businessDate })}</span>
                <Tag color={earlier ? 'orange' : 'green'} data-testid="till-state">
                  {t('payments.counter.statusOpen')}
                </Tag>
              </Flex>
            }
            data-testid="till-open"
          >
            <Flex vertical gap={16}>
              {earlier ? <Alert type="warning" showIcon title={t('payments.counter.earlierDay', { date: till.businessDate })} /> : null}
              <Row gutter={16}>
                <Col span={8}>
                  <Statistic title={t('payments.counter.openedAt')} value={formatDateTime(till.openedAt).slice(11, 16)} />
                </Col>
                <Col span={8}>
                  <Statistic title={t('payments.counter.payments')} value={till.payments} data-testid="till-payments" />
                </Col>
                <Col span={8}>
                  <Statistic title={t('payments.counter.expected')} value={formatYuan(totalOf(till.expected))} prefix="¥" />
                </Col>
              </Row>
              <TotalsTable till={till} />
            </Flex>
          </Card>
        </Col>
        <Col xs={24} lg={11}>
          <CloseTillForm key={till.id} till={till} onClosed={setClosed} />
        </Col>
      </Row>
    );
  }

  return (
    <Flex vertical gap={16} data-testid="counter-page">
      {header}
      {body}
    </Flex>
  );
}
