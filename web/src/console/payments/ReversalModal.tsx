import { Alert, App, Button, Flex, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PaymentMethod, PaymentReversal, PaymentSummary } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { applyFieldErrors } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { useReversePayment } from './hooks';

const ONLINE: readonly PaymentMethod[] = ['wechatpay', 'alipay'];

/** Whether a payment may be offered for reversal (冲正): not yet reversed, not refunded, not paid online. */
export const isReversible = (payment: PaymentSummary) => payment.reversal === null && payment.refundedFen === 0 && !ONLINE.includes(payment.method);

interface Values {
  reason: string;
}

/** 冲正: a supervisor reverses a mistaken payment, with a required reason. */
export function ReversalModal({ payment, onClose }: { payment: PaymentSummary | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const english = i18n.language.startsWith('en');
  const [form] = Form.useForm<Values>();
  const reverse = useReversePayment(payment?.id ?? '');
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const close = () => {
    form.resetFields();
    reverse.reset();
    setUnmatched([]);
    onClose();
  };

  const submit = (values: Values) => {
    if (!payment || reverse.isPending) return;
    setUnmatched([]);
    reverse.mutate(values.reason.trim(), {
      onSuccess: (reversal: PaymentReversal) => {
        void message.success(t('payments.reverse.done', { receiptNo: reversal.receiptNo }));
        close();
      },
      onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
    });
  };

  return (
    <Modal
      open={payment !== null}
      title={payment ? t('payments.reverse.title', { receiptNo: payment.receiptNo }) : null}
      onCancel={close}
      width={560}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={close}>
          {t('payments.reverse.cancel')}
        </Button>,
        <Button key="submit" type="primary" danger loading={reverse.isPending} onClick={() => form.submit()} data-testid="reversal-submit">
          {t('payments.reverse.submit')}
        </Button>,
      ]}
    >
      {payment ? (
        <Flex vertical gap={12} data-testid="reversal-modal">
          <Typography.Text strong>
            {t('payments.reverse.payment', {
              method: english ? payment.methodName.en : payment.methodName.zh,
              amount: formatYuan(payment.amountFen),
              cashier: payment.cashier ?? '—',
              at: formatDateTime(payment.receivedAt),
            })}
          </Typography.Text>
          <Alert type="warning" showIcon title={t('payments.reverse.intro')} description={t('payments.reverse.rules')} />
          {reverse.error ? <MutationErrorAlert error={reverse.error} unmatched={unmatched} /> : null}
          <Form<Values> form={form} layout="vertical" onFinish={submit} requiredMark={false} initialValues={{ reason: '' }}>
            <Form.Item
              name="reason"
              label={t('payments.reverse.reason')}
              rules={[
                { required: true, whitespace: true, message: t('payments.reverse.reasonRequired') },
                { min: 2, message: t('payments.reverse.reasonRequired') },
              ]}
            >
              <Input.TextArea maxLength={200} showCount autoSize={{ minRows: 2, maxRows: 4 }} placeholder={t('payments.reverse.reasonPlaceholder')} data-testid="reversal-reason" />
            </Form.Item>
          </Form>
        </Flex>
      ) : null}
    </Modal>
  );
}
