import { FilePdfOutlined, MinusCircleOutlined, PlusCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Descriptions, Drawer, Empty, Flex, Skeleton, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BillDetail, BillLine, BillNote } from '../../api/types';
import { formatCubicMetres, formatYuan } from '../../shared/money';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDate } from '../utils/format';
import { AdjustmentModal, type AdjustmentMode } from './AdjustmentModal';
import { BillKindTag, BillStatusTag, EstimatedTag, useBillLabels } from './BillTags';
import { billPdfUrl, useBill } from './hooks';
import { UsageCard } from './UsageCard';

const money = (fen: number) => (
  <Typography.Text type={fen < 0 ? 'danger' : undefined}>
    {formatYuan(fen)}
  </Typography.Text>
);

/** One bill in full: lines, readings, notes, PDF, and (with bill.adjust) credit, debit and re-bill. */
export function BillDrawer({ billId, onClose, onOpen }: { billId: string | null; onClose: () => void; onOpen: (billId: string) => void }) {
  const { t } = useTranslation();
  const bill = useBill(billId);
  return (
    <Drawer
      open={Boolean(billId)}
      onClose={onClose}
      size={760}
      title={bill.data ? t('bills.detail.title', { billNo: bill.data.bill.billNo }) : t('bills.tab')}
      destroyOnHidden
      extra={
        billId ? (
          <Button icon={<FilePdfOutlined />} href={billPdfUrl(billId)} target="_blank" rel="noopener" data-testid="bill-pdf">
            {t('bills.detail.pdf')}
          </Button>
        ) : null
      }
    >
      {bill.isPending ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : bill.isError ? (
        <QueryError compact error={bill.error} onRetry={() => void bill.refetch()} />
      ) : (
        <BillDetailView detail={bill.data} onOpen={onOpen} />
      )}
    </Drawer>
  );
}

function BillDetailView({ detail, onOpen }: { detail: BillDetail; onOpen: (billId: string) => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const labels = useBillLabels();
  const [mode, setMode] = useState<AdjustmentMode | null>(null);
  const { bill, account, readings } = detail;
  const isRegular = bill.kind === 'regular';

  const lineColumns: TableColumnsType<BillLine> = [
    { key: 'item', title: t('bills.detail.item'), render: (_, line) => labels.line(line) },
    { key: 'quantity', title: t('bills.detail.quantity'), align: 'right', width: 110, render: (_, line) => (line.quantityLitres === null ? '' : formatCubicMetres(line.quantityLitres)) },
    { key: 'price', title: t('bills.detail.unitPrice'), align: 'right', width: 110, render: (_, line) => (line.unitPriceFenPerM3 === null ? '' : formatYuan(line.unitPriceFenPerM3)) },
    { key: 'amount', title: t('bills.detail.amount'), align: 'right', width: 110, render: (_, line) => money(line.amountFen) },
  ];
  const noteColumns: TableColumnsType<BillNote> = [
    {
      key: 'billNo',
      title: t('bills.columns.billNo'),
      render: (_, note) => (
        <Button type="link" size="small" style={{ paddingInline: 0 }} onClick={() => onOpen(note.id)}>
          {note.billNo}
        </Button>
      ),
    },
    { key: 'kind', title: t('bills.columns.kind'), width: 100, render: (_, note) => <BillKindTag kind={note.kind} /> },
    { key: 'reason', title: t('bills.detail.reason'), render: (_, note) => (note.reason ? t(`bills.reason.${note.reason}`) : '—') },
    { key: 'note', title: t('bills.detail.note'), ellipsis: true, render: (_, note) => note.note ?? '—' },
    { key: 'issuedOn', title: t('bills.columns.issuedOn'), width: 110, render: (_, note) => formatDate(note.issuedOn) },
    { key: 'amount', title: t('bills.detail.amount'), align: 'right', width: 100, render: (_, note) => money(note.totalFen) },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="bill-detail">
      <Flex gap={8} wrap align="center">
        <BillKindTag kind={bill.kind} />
        {bill.status ? <BillStatusTag status={bill.status} /> : null}
        {bill.isEstimated ? <EstimatedTag /> : null}
        <Typography.Text strong style={{ fontSize: 20, marginInlineStart: 'auto' }} type={bill.totalFen < 0 ? 'danger' : undefined} data-testid="bill-total">
          ¥ {formatYuan(isRegular ? (bill.netTotalFen ?? bill.totalFen) : bill.totalFen)}
        </Typography.Text>
      </Flex>
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('bills.detail.account')}>{account.accountNo}</Descriptions.Item>
        <Descriptions.Item label={t('bills.detail.holder')}>{account.holderNameMasked}</Descriptions.Item>
        <Descriptions.Item label={t('bills.detail.address')} span={2}>
          {account.fullAddress}
        </Descriptions.Item>
        <Descriptions.Item label={t('bills.detail.period')}>
          {bill.period}（{t('bills.detail.periodRange', { start: bill.periodStart, end: bill.periodEnd })}）
        </Descriptions.Item>
        <Descriptions.Item label={t('bills.columns.consumption')}>{formatCubicMetres(bill.consumptionLitres)}</Descriptions.Item>
        <Descriptions.Item label={t('bills.columns.issuedOn')}>{formatDate(bill.issuedOn)}</Descriptions.Item>
        <Descriptions.Item label={t('bills.columns.dueOn')}>{formatDate(bill.dueOn)}</Descriptions.Item>
        {isRegular ? (
          <Descriptions.Item label={t('bills.detail.readings')} span={2}>
            {readings
              ? `${t('bills.detail.previous')} ${readings.previousLitres === null ? '—' : formatCubicMetres(readings.previousLitres)}（${formatDate(readings.previousOn)}）→ ${t('bills.detail.current')} ${readings.currentLitres === null ? '—' : formatCubicMetres(readings.currentLitres)}（${formatDate(readings.currentOn)}）· ${t('bills.detail.meter')} ${readings.meterSerialNo ?? '—'}`
              : t('bills.detail.noReadings')}
          </Descriptions.Item>
        ) : (
          <>
            <Descriptions.Item label={t('bills.detail.original')}>
              {detail.original ? (
                <Button type="link" size="small" style={{ paddingInline: 0 }} onClick={() => onOpen(detail.original?.id ?? '')}>
                  {detail.original.billNo}
                </Button>
              ) : (
                '—'
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('bills.detail.reason')}>{bill.reason ? t(`bills.reason.${bill.reason}`) : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('bills.detail.note')} span={2}>
              {bill.note ?? '—'}
            </Descriptions.Item>
          </>
        )}
      </Descriptions>

      <div>
        <Typography.Title level={5}>{t('bills.detail.lines')}</Typography.Title>
        <Table<BillLine>
          rowKey="lineNo"
          size="small"
          columns={lineColumns}
          dataSource={detail.lines}
          pagination={false}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={3}>
                <Typography.Text strong>{t('bills.detail.total')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">
                <Typography.Text strong>{money(bill.totalFen)}</Typography.Text>
              </Table.Summary.Cell>
            </Table.Summary.Row>
          )}
        />
      </div>

      {isRegular ? (
        <div>
          <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('bills.detail.notes')}
            </Typography.Title>
            {can('bill.adjust') ? (
              <Space wrap>
                <Button danger icon={<MinusCircleOutlined />} disabled={detail.remainingFen <= 0} onClick={() => setMode('credit_note')} data-testid="credit-note">
                  {t('bills.adjust.credit')}
                </Button>
                <Button icon={<PlusCircleOutlined />} onClick={() => setMode('debit_note')} data-testid="debit-note">
                  {t('bills.adjust.debit')}
                </Button>
                <Button type="primary" ghost icon={<ReloadOutlined />} onClick={() => setMode('rebill')} data-testid="rebill">
                  {t('bills.adjust.rebill')}
                </Button>
              </Space>
            ) : null}
          </Flex>
          {detail.notes.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('bills.detail.noNotes')} />
          ) : (
            <Table<BillNote> rowKey="id" size="small" columns={noteColumns} dataSource={detail.notes} pagination={false} />
          )}
          <Flex justify="end" gap={24} style={{ marginTop: 8 }}>
            <Typography.Text type="secondary">
              {t('bills.detail.net')}：<Typography.Text strong>¥ {formatYuan(detail.remainingFen)}</Typography.Text>
            </Typography.Text>
            <Typography.Text type="secondary">
              {t('bills.balance')}：<Typography.Text strong>¥ {formatYuan(detail.balanceFen)}</Typography.Text>
            </Typography.Text>
          </Flex>
        </div>
      ) : null}

      {isRegular ? <UsageCard accountId={bill.accountId} highlight={bill.period} /> : null}
      {isRegular ? <AdjustmentModal detail={detail} mode={mode} onClose={() => setMode(null)} /> : null}
    </Space>
  );
}

