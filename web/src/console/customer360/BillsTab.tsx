import { Button, Card, Empty, Flex, Segmented, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account, Bill } from '../../api/types';
import { formatCubicMetres, formatYuan } from '../../shared/money';
import { BillDrawer } from '../bills/BillDrawer';
import { BillKindTag, BillStatusTag, EstimatedTag } from '../bills/BillTags';
import { useAccountBills } from '../bills/hooks';
import { UsageCard } from '../bills/UsageCard';
import { DisputeModal } from '../collection/forms';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDate } from '../utils/format';

const PAGE_SIZE = 12;

/** 账单: an account's bills and notes, its balance and twelve months of use; a bill opens in a drawer. */
export function BillsTab({ accounts }: { accounts: Account[] }) {
  const { t } = useTranslation();
  const [accountId, setAccountId] = useState<string | undefined>(() => (accounts.find((account) => account.status !== 'closed') ?? accounts[0])?.id);
  const [page, setPage] = useState(1);
  const [openBill, setOpenBill] = useState<string | null>(null);
  const [disputing, setDisputing] = useState<Bill | null>(null);
  const { can } = useSession();
  const canDispute = can('customer.write');
  const bills = useAccountBills(accountId, page, PAGE_SIZE);

  if (!accountId) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('account.empty')} />;

  const columns: TableColumnsType<Bill> = [
    { key: 'period', title: t('bills.columns.period'), width: 90, render: (_, bill) => <Typography.Text strong={bill.kind === 'regular'}>{bill.period}</Typography.Text> },
    { key: 'billNo', title: t('bills.columns.billNo'), width: 170, render: (_, bill) => <Typography.Text className="sw-code">{bill.billNo}</Typography.Text> },
    {
      key: 'kind',
      title: t('bills.columns.kind'),
      width: 150,
      render: (_, bill) => (
        <Space size={4} wrap>
          <BillKindTag kind={bill.kind} />
          {bill.isEstimated ? <EstimatedTag /> : null}
        </Space>
      ),
    },
    { key: 'consumption', title: t('bills.columns.consumption'), align: 'right', width: 120, render: (_, bill) => formatCubicMetres(bill.consumptionLitres) },
    {
      key: 'total',
      title: t('bills.columns.total'),
      align: 'right',
      width: 120,
      render: (_, bill) => (
        <Typography.Text type={bill.totalFen < 0 ? 'danger' : undefined} strong={bill.kind === 'regular'}>
          {formatYuan(bill.totalFen)}
        </Typography.Text>
      ),
    },
    { key: 'status', title: t('bills.columns.status'), width: 100, render: (_, bill) => (bill.status ? <BillStatusTag status={bill.status} /> : null) },
    { key: 'dueOn', title: t('bills.columns.dueOn'), width: 110, render: (_, bill) => (bill.kind === 'credit_note' ? '—' : formatDate(bill.dueOn)) },
    ...(canDispute
      ? [
          {
            key: 'dispute',
            width: 80,
            render: (_: unknown, bill: Bill) =>
              bill.kind === 'regular' ? (
                <Button
                  type="link"
                  size="small"
                  onClick={(event) => {
                    event.stopPropagation();
                    setDisputing(bill);
                  }}
                  data-testid="bill-dispute"
                >
                  {t('collection.dispute.action')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  const balance = bills.data?.balanceFen ?? 0;
  const balanceText =
    balance > 0 ? t('bills.balanceOwed', { amount: formatYuan(balance) }) : balance < 0 ? t('bills.balanceCredit', { amount: formatYuan(-balance) }) : t('bills.balanceZero');

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="bills-tab">
      <Flex justify="space-between" align="center" wrap gap={8}>
        {accounts.length > 1 ? (
          <Segmented
            value={accountId}
            onChange={(value) => {
              setAccountId(String(value));
              setPage(1);
            }}
            options={accounts.map((account) => ({ value: account.id, label: account.accountNo }))}
          />
        ) : (
          <Typography.Text>
            {t('bills.chooseAccount')} <Typography.Text strong className="sw-code">{accounts[0]?.accountNo}</Typography.Text>
          </Typography.Text>
        )}
        {bills.data ? (
          <Typography.Text data-testid="account-balance">
            {t('bills.balance')}：<Typography.Text strong type={balance > 0 ? 'danger' : 'success'}>{balanceText}</Typography.Text>
          </Typography.Text>
        ) : null}
      </Flex>
      <UsageCard accountId={accountId} />
      <Card size="small" styles={{ body: { padding: 0 } }}>
        {bills.isError ? (
          <QueryError compact error={bills.error} onRetry={() => void bills.refetch()} />
        ) : (
          <Table<Bill>
            rowKey="id"
            size="middle"
            loading={bills.isFetching && !bills.data}
            columns={columns}
            dataSource={bills.data?.bills ?? []}
            onRow={(bill) => ({ onClick: () => setOpenBill(bill.id), style: { cursor: 'pointer' } })}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: bills.data?.total ?? 0,
              showSizeChanger: false,
              hideOnSinglePage: true,
              onChange: setPage,
            }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('bills.empty')} /> }}
          />
        )}
      </Card>
      <BillDrawer billId={openBill} onClose={() => setOpenBill(null)} onOpen={setOpenBill} />
      {canDispute ? <DisputeModal bill={disputing} onClose={() => setDisputing(null)} /> : null}
    </Space>
  );
}
