import { PrinterOutlined, RollbackOutlined, StopOutlined, SwapOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Empty, Flex, Popconfirm, Row, Segmented, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account, AccountMoney, OpenBill, PaymentSummary, StatementLine } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { isRefundable, RefundModal } from '../finance/RefundModal';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDate, formatDateTime } from '../utils/format';
import { STATEMENT_LIMIT, useAccountMoney, useAccountPayments, useApplyPrepaid, useStatement } from './hooks';
import { ReceiptModal } from './ReceiptModal';
import { isReversible, ReversalModal } from './ReversalModal';
import { TakePaymentForm } from './TakePaymentForm';

const money = (fen: number) => <span className="sw-code">{formatYuan(fen)}</span>;

function ApplyPrepaidButton({ accountId, prepaidFen }: { accountId: string; prepaidFen: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const apply = useApplyPrepaid(accountId);
  return (
    <>
      <Popconfirm
        title={t('payments.summary.applyPrepaidConfirm', { prepaid: formatYuan(prepaidFen) })}
        onConfirm={() =>
          apply.mutate(undefined, {
            onSuccess: ({ appliedFen }) =>
              void (appliedFen > 0 ? message.success(t('payments.summary.applied', { amount: formatYuan(appliedFen) })) : message.info(t('payments.summary.appliedNothing'))),
          })
        }
      >
        <Button icon={<SwapOutlined />} loading={apply.isPending} data-testid="apply-prepaid">
          {t('payments.summary.applyPrepaid')}
        </Button>
      </Popconfirm>
      {apply.error ? <MutationErrorAlert error={apply.error} /> : null}
    </>
  );
}

/** Owed or in credit, prepaid, and the open bills oldest first. */
function MoneySummary({ accountId, data, canTake }: { accountId: string; data: AccountMoney; canTake: boolean }) {
  const { t } = useTranslation();
  const owed = data.balanceFen;
  const openTotal = data.openBills.reduce((sum, bill) => sum + bill.openFen, 0) + data.lateFeeFen;
  const columns: TableColumnsType<OpenBill> = [
    { key: 'period', title: t('payments.summary.period'), width: 90, render: (_, bill) => <Typography.Text strong>{bill.period}</Typography.Text> },
    { key: 'billNo', title: t('payments.summary.billNo'), render: (_, bill) => <span className="sw-code">{bill.billNo}</span> },
    { key: 'openFen', title: t('payments.summary.openFen'), align: 'right', width: 130, render: (_, bill) => money(bill.openFen) },
  ];
  return (
    <Flex vertical gap={16}>
      <Row gutter={16}>
        <Col span={8}>
          <Statistic
            title={owed < 0 ? t('payments.summary.credit') : t('payments.summary.owed')}
            value={formatYuan(Math.abs(owed))}
            prefix="¥"
            styles={{ content: { color: owed > 0 ? '#cf1322' : '#389e0d' } }}
            data-testid="money-owed"
          />
        </Col>
        <Col span={5}>
          <Statistic title={t('payments.summary.prepaid')} value={formatYuan(data.prepaidFen)} prefix="¥" data-testid="money-prepaid" />
        </Col>
        <Col span={5}>
          <Statistic
            title={<Tooltip title={t('payments.summary.lateFeeNote')}>{t('payments.summary.lateFee')}</Tooltip>}
            value={formatYuan(data.lateFeeFen)}
            prefix="¥"
            styles={{ content: { color: data.lateFeeFen > 0 ? '#cf1322' : undefined } }}
            data-testid="money-late-fee"
          />
        </Col>
        <Col span={6}>
          <Statistic title={t('payments.summary.openBills')} value={data.openBills.length} data-testid="money-open-bills" />
        </Col>
      </Row>
      {canTake && data.prepaidFen > 0 && (data.openBills.length > 0 || data.lateFeeFen > 0) ? (
        <div>
          <ApplyPrepaidButton accountId={accountId} prepaidFen={data.prepaidFen} />
        </div>
      ) : null}
      <Table<OpenBill>
        rowKey="billId"
        size="small"
        columns={columns}
        dataSource={data.openBills}
        pagination={false}
        data-testid="open-bills"
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('payments.summary.noOpenBills')} /> }}
        summary={() => (
          <>
            {data.lateFeeFen > 0 ? (
              <Table.Summary.Row data-testid="open-bills-late-fee">
                <Table.Summary.Cell index={0} colSpan={2}>
                  <Typography.Text>{t('payments.summary.lateFee')}</Typography.Text>{' '}
                  <Typography.Text type="secondary">{t('payments.summary.lateFeeNote')}</Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  <Typography.Text type="danger">{money(data.lateFeeFen)}</Typography.Text>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            ) : null}
            {data.openBills.length + (data.lateFeeFen > 0 ? 1 : 0) > 1 ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={2}>
                  <Typography.Text strong>{t('payments.summary.total')}</Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  <Typography.Text strong>{money(openTotal)}</Typography.Text>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            ) : null}
          </>
        )}
      />
    </Flex>
  );
}

function StatementCard({ accountId }: { accountId: string }) {
  const { t } = useTranslation();
  const statement = useStatement(accountId);
  // Newest first: the payment just taken is at the top.
  const lines = [...(statement.data?.lines ?? [])].reverse();
  const columns: TableColumnsType<StatementLine> = [
    { key: 'date', title: t('payments.statement.date'), width: 110, render: (_, line) => formatDate(line.businessDate) },
    { key: 'description', title: t('payments.statement.description'), ellipsis: true, render: (_, line) => line.description },
    { key: 'billNo', title: t('payments.statement.billNo'), width: 170, render: (_, line) => (line.billNo ? <span className="sw-code">{line.billNo}</span> : '—') },
    { key: 'charged', title: t('payments.statement.charged'), align: 'right', width: 110, render: (_, line) => (line.changeFen > 0 ? money(line.changeFen) : '') },
    {
      key: 'paid',
      title: t('payments.statement.paid'),
      align: 'right',
      width: 120,
      render: (_, line) => (line.changeFen < 0 ? <Typography.Text type="success">{money(-line.changeFen)}</Typography.Text> : ''),
    },
    {
      key: 'balance',
      title: t('payments.statement.balance'),
      align: 'right',
      width: 120,
      render: (_, line) => <Typography.Text type={line.balanceFen > 0 ? 'danger' : undefined}>{money(line.balanceFen)}</Typography.Text>,
    },
  ];
  return (
    <Card
      size="small"
      title={t('payments.statement.title')}
      extra={<Typography.Text type="secondary">{t('payments.statement.note', { limit: STATEMENT_LIMIT })}</Typography.Text>}
      styles={{ body: { padding: 0 } }}
    >
      {statement.isError ? (
        <QueryError compact error={statement.error} onRetry={() => void statement.refetch()} />
      ) : (
        <Table<StatementLine>
          rowKey="journalId"
          size="small"
          loading={statement.isPending}
          columns={columns}
          dataSource={lines}
          pagination={{ pageSize: 10, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="statement"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('payments.statement.empty')} /> }}
        />
      )}
    </Card>
  );
}

function PaymentsCard({ accountId, prepaidFen, onReceipt }: { accountId: string; prepaidFen: number; onReceipt: (paymentId: string) => void }) {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const canRefund = can('payment.refund');
  const canReverse = can('payment.reverse');
  const english = i18n.language.startsWith('en');
  const payments = useAccountPayments(accountId);
  const [refunding, setRefunding] = useState<PaymentSummary | null>(null);
  const [reversing, setReversing] = useState<PaymentSummary | null>(null);
  const columns: TableColumnsType<PaymentSummary> = [
    { key: 'receivedAt', title: t('payments.list.receivedAt'), width: 170, render: (_, row) => formatDateTime(row.receivedAt) },
    { key: 'receiptNo', title: t('payments.list.receiptNo'), width: 170, render: (_, row) => <span className="sw-code">{row.receiptNo}</span> },
    { key: 'method', title: t('payments.list.method'), width: 100, render: (_, row) => (english ? row.methodName.en : row.methodName.zh) },
    {
      key: 'amount',
      title: t('payments.list.amount'),
      align: 'right',
      width: 130,
      render: (_, row) =>
        row.reversal ? (
          <Tooltip title={t('payments.list.reversedTip', { by: row.reversal.reversedBy, at: formatDateTime(row.reversal.reversedAt), reason: row.reversal.reason })}>
            <Tag color="red" data-testid="payment-reversed">
              {t('payments.list.reversed')}
            </Tag>
            <Typography.Text delete>{money(row.amountFen)}</Typography.Text>
          </Tooltip>
        ) : (
          <Typography.Text strong>{money(row.amountFen)}</Typography.Text>
        ),
    },
    { key: 'allocated', title: t('payments.list.allocated'), align: 'right', width: 110, render: (_, row) => money(row.allocatedFen) },
    { key: 'prepaid', title: t('payments.list.prepaid'), align: 'right', width: 110, render: (_, row) => (row.prepaidFen ? money(row.prepaidFen) : '—') },
    { key: 'cashier', title: t('payments.list.cashier'), ellipsis: true, render: (_, row) => row.cashier ?? '—' },
    {
      key: 'actions',
      width: 90 + (canRefund ? 80 : 0) + (canReverse ? 80 : 0),
      render: (_, row) => (
        <Space size={0}>
          <Button type="link" size="small" icon={<PrinterOutlined />} onClick={() => onReceipt(row.id)} data-testid="payment-receipt">
            {t('payments.list.reprint')}
          </Button>
          {canRefund && isRefundable(row.method) && !row.reversal ? (
            <Button type="link" size="small" danger icon={<RollbackOutlined />} onClick={() => setRefunding(row)} data-testid="payment-refund">
              {t('finance.refund.action')}
            </Button>
          ) : null}
          {canReverse && isReversible(row) ? (
            <Button type="link" size="small" danger icon={<StopOutlined />} onClick={() => setReversing(row)} data-testid="payment-reverse">
              {t('payments.list.reverse')}
            </Button>
          ) : null}
        </Space>
      ),
    },
  ];
  return (
    <Card size="small" title={t('payments.list.title')} styles={{ body: { padding: 0 } }}>
      {payments.isError ? (
        <QueryError compact error={payments.error} onRetry={() => void payments.refetch()} />
      ) : (
        <Table<PaymentSummary>
          rowKey="id"
          size="small"
          loading={payments.isPending}
          columns={columns}
          dataSource={payments.data?.payments ?? []}
          pagination={{ pageSize: 10, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="payments-list"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('payments.list.empty')} /> }}
        />
      )}
      {canRefund ? <RefundModal payment={refunding} prepaidFen={prepaidFen} onClose={() => setRefunding(null)} /> : null}
      {canReverse ? <ReversalModal payment={reversing} onClose={() => setReversing(null)} /> : null}
    </Card>
  );
}

/** 缴费: what an account owes, taking a payment (with a printable receipt), its statement and its payments. */
export function PaymentsTab({ accounts }: { accounts: Account[] }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const canTake = can('payment.take');
  const [accountId, setAccountId] = useState<string | undefined>(() => (accounts.find((account) => account.status !== 'closed') ?? accounts[0])?.id);
  const [receipt, setReceipt] = useState<{ paymentId: string; fresh: boolean } | null>(null);
  const moneyQuery = useAccountMoney(accountId);

  if (!accountId) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('account.empty')} />;

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="payments-tab">
      {accounts.length > 1 ? (
        <Segmented value={accountId} onChange={(value) => setAccountId(String(value))} options={accounts.map((account) => ({ value: account.id, label: account.accountNo }))} />
      ) : (
        <Typography.Text>
          {t('bills.chooseAccount')} <Typography.Text strong className="sw-code">{accounts[0]?.accountNo}</Typography.Text>
        </Typography.Text>
      )}
      {moneyQuery.isError ? (
        <QueryError compact error={moneyQuery.error} onRetry={() => void moneyQuery.refetch()} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={canTake ? 13 : 24}>
            <Card size="small" loading={moneyQuery.isPending} style={{ height: '100%' }}>
              {moneyQuery.data ? <MoneySummary accountId={accountId} data={moneyQuery.data} canTake={canTake} /> : null}
            </Card>
          </Col>
          {canTake ? (
            <Col xs={24} xl={11}>
              <Card size="small" title={t('payments.take.title')} loading={moneyQuery.isPending} style={{ height: '100%' }}>
                {moneyQuery.data ? (
                  <TakePaymentForm key={accountId} accountId={accountId} money={moneyQuery.data} onPaid={(paid) => setReceipt({ paymentId: paid.id, fresh: true })} />
                ) : null}
              </Card>
            </Col>
          ) : null}
        </Row>
      )}
      {!canTake ? <Typography.Text type="secondary">{t('payments.take.readOnly')}</Typography.Text> : null}
      <StatementCard key={`statement-${accountId}`} accountId={accountId} />
      <PaymentsCard accountId={accountId} prepaidFen={moneyQuery.data?.prepaidFen ?? 0} onReceipt={(paymentId) => setReceipt({ paymentId, fresh: false })} />
      <ReceiptModal
        paymentId={receipt?.paymentId ?? null}
        title={receipt?.fresh ? t('payments.receipt.modalTitle') : undefined}
        onClose={() => setReceipt(null)}
      />
    </Space>
  );
}
