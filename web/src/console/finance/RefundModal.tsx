import { Alert, App, Button, Descriptions, Empty, Flex, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PaymentMethod, PaymentSummary, Refund, RefundStatus } from '../../api/types';
import { formatYuan, parseYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useTillsOfDay } from '../payments/hooks';
import { applyFieldErrors } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { useRefunds, useRequestRefund } from './hooks';

const STATUS_COLORS: Record<RefundStatus, string> = { processing: 'processing', succeeded: 'green', failed: 'red' };
const ONLINE: readonly PaymentMethod[] = ['wechatpay', 'alipay'];
const COUNTER: readonly PaymentMethod[] = ['cash', 'card', 'transfer'];

/** Whether a payment of this method can be refunded at all (through its channel or out of a till). */
export const isRefundable = (method: PaymentMethod) => ONLINE.includes(method) || COUNTER.includes(method);

export function RefundStatusTag({ status }: { status: RefundStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status]} data-testid="refund-status">
      {t(`finance.refund.status.${status}`)}
    </Tag>
  );
}

interface Values {
  amount: string;
  reason: string;
  tillId?: string;
}

/** 退款: refunds (part of) a payment from the account's prepaid balance, and lists the payment's refunds. */
export function RefundModal({ payment, prepaidFen, onClose }: { payment: PaymentSummary | null; prepaidFen: number; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const english = i18n.language.startsWith('en');
  const [form] = Form.useForm<Values>();
  const refunds = useRefunds(payment?.id ?? null);
  const request = useRequestRefund(payment?.id ?? '');
  const isCounter = payment !== null && COUNTER.includes(payment.method);
  // Whoever refunds never takes money (segregation of duties): cash, card and transfer go out of a cashier's till open today.
  const tills = useTillsOfDay(dayjs().format('YYYY-MM-DD'));
  const openTills = isCounter ? (tills.data?.tills ?? []).filter((till) => !till.closedAt) : [];
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const close = () => {
    form.resetFields();
    request.reset();
    setUnmatched([]);
    onClose();
  };

  const list = refunds.data?.refunds ?? [];
  const refundedFen = list.filter((refund) => refund.status !== 'failed').reduce((sum, refund) => sum + refund.amountFen, 0);
  const leftFen = payment ? payment.amountFen - refundedFen : 0;
  const maxFen = Math.max(0, Math.min(leftFen, prepaidFen));
  const methodName = payment ? (english ? payment.methodName.en : payment.methodName.zh) : '';
  // What keeps this payment from being refunded here, if anything.
  const blocker = !payment
    ? null
    : !isRefundable(payment.method)
      ? t('finance.refund.unsupported', { method: methodName })
      : isCounter && openTills.length === 0 && !tills.isPending
        ? t('finance.refund.needTill')
        : null;
  const canSubmit = payment !== null && blocker === null && maxFen > 0 && !refunds.isPending && !(isCounter && tills.isPending);

  const submit = (values: Values) => {
    const fen = parseYuan(values.amount);
    if (!payment || fen === null || request.isPending) return;
    setUnmatched([]);
    request.mutate(
      { amountFen: fen, reason: values.reason.trim(), ...(isCounter && values.tillId ? { tillId: values.tillId } : {}) },
      {
        onSuccess: (refund: Refund) => {
          void message.success(t('finance.refund.done', { refundNo: refund.refundNo, status: t(`finance.refund.status.${refund.status}`) }));
          form.resetFields();
        },
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => (field === 'amountFen' ? ['amount'] : field.split('.')))),
      },
    );
  };

  const columns: TableColumnsType<Refund> = [
    { key: 'refundNo', title: t('finance.refund.columns.refundNo'), width: 170, render: (_, row) => <span className="sw-code">{row.refundNo}</span> },
    { key: 'amount', title: t('finance.refund.columns.amount'), align: 'right', width: 100, render: (_, row) => <span className="sw-code">{formatYuan(row.amountFen)}</span> },
    {
      key: 'status',
      title: t('finance.refund.columns.status'),
      width: 150,
      render: (_, row) => (
        <Flex vertical>
          <span>
            <RefundStatusTag status={row.status} />
          </span>
          {row.failureReason ? (
            <Typography.Text type="danger" style={{ fontSize: 12 }}>
              {row.failureReason}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    { key: 'reason', title: t('finance.refund.columns.reason'), ellipsis: true, render: (_, row) => row.reason },
    { key: 'requestedBy', title: t('finance.refund.columns.requestedBy'), width: 120, ellipsis: true, render: (_, row) => row.requestedBy },
    { key: 'requestedAt', title: t('finance.refund.columns.requestedAt'), width: 160, render: (_, row) => formatDateTime(row.requestedAt) },
  ];

  return (
    <Modal
      open={payment !== null}
      title={payment ? t('finance.refund.title', { receiptNo: payment.receiptNo }) : null}
      onCancel={close}
      width={760}
      destroyOnHidden
      footer={[
        <Button key="close" onClick={close}>
          {t('finance.refund.cancel')}
        </Button>,
        <Button key="submit" type="primary" danger disabled={!canSubmit} loading={request.isPending} onClick={() => form.submit()} data-testid="refund-submit">
          {t('finance.refund.submit')}
        </Button>,
      ]}
    >
      {payment ? (
        <Flex vertical gap={16} data-testid="refund-modal">
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('finance.refund.paymentAmount')}>
              <span className="sw-code">¥{formatYuan(payment.amountFen)}</span> · {methodName}
            </Descriptions.Item>
            <Descriptions.Item label={t('finance.refund.refunded')}>
              <span className="sw-code">¥{formatYuan(refundedFen)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('finance.refund.prepaid')}>
              <span className="sw-code">¥{formatYuan(prepaidFen)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('finance.refund.refundable')}>
              <Typography.Text strong className="sw-code" data-testid="refund-max">
                ¥{formatYuan(maxFen)}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          {blocker ? (
            <Alert type="warning" showIcon title={blocker} />
          ) : maxFen <= 0 && !refunds.isPending ? (
            <Alert type="info" showIcon title={t('finance.refund.nothingRefundable')} />
          ) : (
            <Typography.Text type="secondary">
              {t('finance.refund.onlyPrepaid')} {ONLINE.includes(payment.method) ? t('finance.refund.online', { channel: methodName }) : t('finance.refund.tillOut', { method: methodName })}
            </Typography.Text>
          )}
          {request.error ? <MutationErrorAlert error={request.error} unmatched={unmatched} /> : null}
          <Form<Values> form={form} layout="vertical" onFinish={submit} requiredMark={false} disabled={!canSubmit} initialValues={{ amount: '', reason: '' }}>
            <Flex gap={16} wrap>
              <Form.Item
                name="amount"
                label={t('finance.refund.amount')}
                style={{ width: 200 }}
                rules={[
                  { required: true, message: t('finance.refund.amountRequired') },
                  {
                    validator: (_, value: string | undefined) => {
                      if (!value) return Promise.resolve();
                      const fen = parseYuan(value);
                      if (fen === null) return Promise.reject(new Error(t('finance.refund.amountInvalid')));
                      if (fen <= 0) return Promise.reject(new Error(t('finance.refund.amountTooSmall')));
                      if (fen > maxFen) return Promise.reject(new Error(t('finance.refund.amountTooLarge', { amount: formatYuan(maxFen) })));
                      return Promise.resolve();
                    },
                  },
                ]}
              >
                <Input prefix="¥" inputMode="decimal" autoComplete="off" data-testid="refund-amount" />
              </Form.Item>
              {isCounter ? (
                <Form.Item name="tillId" label={t('finance.refund.till')} style={{ width: 220 }} rules={[{ required: true, message: t('finance.refund.tillRequired') }]}>
                  <Select
                    options={openTills.map((till) => ({ value: till.id, label: t('finance.refund.tillOption', { name: till.staffName, amount: formatYuan(till.expected[payment.method as 'cash' | 'card' | 'transfer']) }) }))}
                    loading={tills.isPending}
                    data-testid="refund-till"
                  />
                </Form.Item>
              ) : null}
              <Form.Item name="reason" label={t('finance.refund.reason')} style={{ flex: 1, minWidth: 260 }} rules={[{ required: true, whitespace: true, message: t('finance.refund.reasonRequired') }]}>
                <Input maxLength={80} placeholder={t('finance.refund.reasonPlaceholder')} data-testid="refund-reason" />
              </Form.Item>
            </Flex>
          </Form>
          <div>
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              {t('finance.refund.history')}
            </Typography.Title>
            {refunds.isError ? (
              <QueryError compact error={refunds.error} onRetry={() => void refunds.refetch()} />
            ) : (
              <Table<Refund>
                rowKey="id"
                size="small"
                loading={refunds.isPending}
                columns={columns}
                dataSource={list}
                pagination={false}
                data-testid="refund-list"
                locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('finance.refund.noRefunds')} /> }}
              />
            )}
          </div>
        </Flex>
      ) : null}
    </Modal>
  );
}
