import { ShopOutlined, WalletOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Form, Input, Radio, Skeleton, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import type { AccountMoney, CounterMethod, Receipt } from '../../api/types';
import { formatYuan, parseYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { applyFieldErrors, errorMessage } from '../utils/errors';
import { useCurrentTill, useOpenTill, useTakePayment } from './hooks';
import { COUNTER_METHODS, MAX_PAYMENT_FEN, fenToCapitals, fenToYuanInput } from './money';

interface Values {
  method: CounterMethod;
  amount: string;
}

const errorCode = (error: unknown): string | null => (error instanceof ApiError ? error.body.code : null);

/** What to say (and offer) when the cashier cannot take money because of the till. */
function TillPrompt({ earlierDay, onOpened }: { earlierDay?: string; onOpened?: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const open = useOpenTill();
  if (earlierDay !== undefined) {
    return (
      <Alert
        type="warning"
        showIcon
        title={t('payments.take.tillFromEarlierDay', { date: earlierDay })}
        action={
          <Button size="small" onClick={() => void navigate('/counter')}>
            {t('payments.take.goToCounter')}
          </Button>
        }
        data-testid="till-prompt"
      />
    );
  }
  return (
    <Alert
      type="warning"
      showIcon
      title={t('payments.take.noTill')}
      description={open.error ? errorMessage(open.error, i18n.language, t('common.unexpectedError')) : undefined}
      action={
        <Button
          type="primary"
          size="small"
          icon={<ShopOutlined />}
          loading={open.isPending}
          onClick={() =>
            open.mutate(undefined, {
              onSuccess: () => {
                void message.success(t('payments.take.tillOpened'));
                onOpened?.();
              },
            })
          }
          data-testid="till-prompt-open"
        >
          {t('payments.take.openTill')}
        </Button>
      }
      data-testid="till-prompt"
    />
  );
}

/** 收费: method, amount (default: what is owed), and the receipt once the money is in. */
export function TakePaymentForm({ accountId, money, onPaid }: { accountId: string; money: AccountMoney; onPaid: (receipt: Receipt) => void }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<Values>();
  const till = useCurrentTill();
  const take = useTakePayment(accountId);
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const owed = Math.max(money.balanceFen, 0);
  const amountText = Form.useWatch('amount', form) ?? '';
  const amountFen = parseYuan(amountText);

  // The amount starts at what is owed, and follows it when it changes (after a payment, prepaid applied).
  useEffect(() => {
    form.setFieldValue('amount', owed > 0 ? fenToYuanInput(owed) : '');
  }, [form, owed, accountId]);

  if (till.isPending) return <Skeleton active paragraph={{ rows: 3 }} />;
  if (till.isError) return <QueryError compact error={till.error} onRetry={() => void till.refetch()} />;
  const current = till.data.till;
  const code = errorCode(take.error);

  const submit = (values: Values) => {
    const fen = parseYuan(values.amount);
    if (fen === null || take.isPending) return;
    setUnmatched([]);
    take.mutate(
      { method: values.method, amountFen: fen },
      {
        onSuccess: (receipt) => onPaid(receipt),
        onError: (error) => {
          const failure = errorCode(error);
          if (failure === 'no_open_till' || failure === 'till_from_earlier_day') void till.refetch();
          setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => (field === 'amountFen' ? ['amount'] : field.split('.'))));
        },
      },
    );
  };

  const tillProblem =
    !current || code === 'no_open_till' ? (
      <TillPrompt onOpened={() => take.reset()} />
    ) : code === 'till_from_earlier_day' ? (
      <TillPrompt earlierDay={current.businessDate} />
    ) : null;

  return (
    <Flex vertical gap={12} data-testid="take-payment">
      {tillProblem ?? (
        <Typography.Text type="secondary" data-testid="till-status">
          <ShopOutlined /> {t('payments.take.tillOpen', { count: current?.payments ?? 0 })}
        </Typography.Text>
      )}
      {take.error && !tillProblem ? <MutationErrorAlert error={take.error} unmatched={unmatched} /> : null}
      <Form<Values> form={form} layout="vertical" onFinish={submit} initialValues={{ method: 'cash', amount: owed > 0 ? fenToYuanInput(owed) : '' }} disabled={!current} requiredMark={false}>
        <Form.Item name="method" label={t('payments.take.method')}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={COUNTER_METHODS.map((method) => ({ value: method, label: t(`payments.method.${method}`) }))}
            data-testid="take-method"
          />
        </Form.Item>
        <Form.Item
          name="amount"
          label={t('payments.take.amount')}
          rules={[
            { required: true, message: t('payments.take.amountRequired') },
            {
              validator: (_, value: string | undefined) => {
                if (!value) return Promise.resolve();
                const fen = parseYuan(value);
                if (fen === null) return Promise.reject(new Error(t('payments.take.amountInvalid')));
                if (fen <= 0) return Promise.reject(new Error(t('payments.take.amountTooSmall')));
                if (fen > MAX_PAYMENT_FEN) return Promise.reject(new Error(t('payments.take.amountTooLarge')));
                return Promise.resolve();
              },
            },
          ]}
          extra={
            amountFen !== null && amountFen > 0 ? (
              <Flex vertical>
                <span data-testid="take-capitals">{t('payments.take.capitals', { text: fenToCapitals(amountFen) })}</span>
                {amountFen > owed ? <span>{t('payments.take.overpay', { amount: formatYuan(amountFen - owed) })}</span> : null}
              </Flex>
            ) : undefined
          }
        >
          <Input prefix="¥" inputMode="decimal" autoComplete="off" size="large" style={{ maxWidth: 260 }} data-testid="take-amount" />
        </Form.Item>
        <Flex gap={8} wrap>
          {owed > 0 ? (
            <Button onClick={() => form.setFieldsValue({ amount: fenToYuanInput(owed) })} data-testid="take-pay-all">
              {t('payments.take.payAll', { amount: formatYuan(owed) })}
            </Button>
          ) : null}
          <Button type="primary" htmlType="submit" icon={<WalletOutlined />} loading={take.isPending} data-testid="take-submit">
            {t('payments.take.submit')}
          </Button>
        </Flex>
      </Form>
    </Flex>
  );
}
