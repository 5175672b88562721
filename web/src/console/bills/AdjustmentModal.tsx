import { Alert, App, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdjustmentReason, BillDetail } from '../../api/types';
import { formatYuan, parseCubicMetres, parseYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { applyFieldErrors } from '../utils/errors';
import { useAdjustBill, useRebill } from './hooks';

export type AdjustmentMode = 'credit_note' | 'debit_note' | 'rebill';

const REASONS: AdjustmentReason[] = ['wrong_reading', 'calibration', 'tariff_error', 'other'];

interface NoteForm {
  reason: AdjustmentReason;
  amount: string;
  note: string;
}

interface RebillForm {
  reason: AdjustmentReason;
  consumption: string;
  note?: string;
}

/** A credit note, a debit note or a re-bill on one regular bill; the bill itself never changes. */
export function AdjustmentModal({ detail, mode, onClose }: { detail: BillDetail; mode: AdjustmentMode | null; onClose: () => void }) {
  if (!mode) return null;
  return mode === 'rebill' ? <RebillModal detail={detail} onClose={onClose} /> : <NoteModal detail={detail} kind={mode} onClose={onClose} />;
}

function NoteModal({ detail, kind, onClose }: { detail: BillDetail; kind: 'credit_note' | 'debit_note'; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<NoteForm>();
  const adjust = useAdjustBill(detail.bill.id);
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const isCredit = kind === 'credit_note';

  const submit = (values: NoteForm) => {
    const amountFen = parseYuan(values.amount) as number;
    setUnmatched([]);
    adjust.mutate(
      { kind, reason: values.reason, note: values.note.trim(), amountFen },
      {
        onSuccess: (result) => {
          void message.success(t('bills.adjust.issued', { billNo: result.notes.map((note) => note.billNo).join('、') }));
          onClose();
        },
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => [field === 'amountFen' ? 'amount' : field], ['amount', 'note', 'reason'])),
      },
    );
  };

  return (
    <Modal
      open
      title={t(isCredit ? 'bills.adjust.creditTitle' : 'bills.adjust.debitTitle')}
      okText={t('bills.adjust.submit')}
      okButtonProps={{ danger: isCredit, loading: adjust.isPending, id: 'adjust-submit' }}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {isCredit ? <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('bills.adjust.creditHint')} /> : null}
      <MutationErrorAlert error={adjust.error} unmatched={unmatched} />
      <Form<NoteForm> form={form} layout="vertical" onFinish={submit} initialValues={{ reason: isCredit ? 'calibration' : 'tariff_error' }} data-testid="adjust-form">
        <Form.Item name="reason" label={t('bills.adjust.reason')} rules={[{ required: true }]}>
          <Select options={REASONS.map((reason) => ({ value: reason, label: t(`bills.reason.${reason}`) }))} />
        </Form.Item>
        <Form.Item
          name="amount"
          label={t('bills.adjust.amount')}
          extra={isCredit ? `${t('bills.detail.remaining')}：¥${formatYuan(detail.remainingFen)}` : undefined}
          rules={[
            { required: true, message: t('bills.adjust.amountRequired') },
            {
              validator: async (_rule, value: string | undefined) => {
                if (!value) return;
                const fen = parseYuan(value);
                if (fen === null || fen <= 0) throw new Error(t('bills.adjust.amountInvalid'));
                if (isCredit && fen > detail.remainingFen) throw new Error(t('bills.adjust.amountMax', { amount: formatYuan(detail.remainingFen) }));
              },
            },
          ]}
        >
          <Input prefix="¥" inputMode="decimal" placeholder="0.00" autoComplete="off" data-testid="adjust-amount" />
        </Form.Item>
        <Form.Item name="note" label={t('bills.adjust.note')} rules={[{ required: true, min: 2, whitespace: true, message: t('bills.adjust.noteRequired') }]}>
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('bills.adjust.notePlaceholder')} data-testid="adjust-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RebillModal({ detail, onClose }: { detail: BillDetail; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RebillForm>();
  const rebill = useRebill(detail.bill.id);
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const submit = (values: RebillForm) => {
    setUnmatched([]);
    const note = values.note?.trim();
    rebill.mutate(
      { reason: values.reason, correctConsumptionLitres: parseCubicMetres(values.consumption) as number, ...(note ? { note } : {}) },
      {
        onSuccess: (result) => {
          void message.success(t('bills.adjust.rebilled', { notes: result.notes.map((item) => item.billNo).join('、') }));
          onClose();
        },
        onError: (error) =>
          setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => [field === 'correctConsumptionLitres' ? 'consumption' : field], ['consumption', 'note', 'reason'])),
      },
    );
  };

  return (
    <Modal
      open
      title={t('bills.adjust.rebillTitle')}
      okText={t('bills.adjust.rebill')}
      okButtonProps={{ loading: rebill.isPending, id: 'rebill-submit' }}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('bills.adjust.rebillHint', { amount: formatYuan(detail.remainingFen) })} />
      <MutationErrorAlert error={rebill.error} unmatched={unmatched} />
      <Form<RebillForm> form={form} layout="vertical" onFinish={submit} initialValues={{ reason: 'wrong_reading' }} data-testid="rebill-form">
        <Form.Item name="reason" label={t('bills.adjust.reason')} rules={[{ required: true }]}>
          <Select options={REASONS.map((reason) => ({ value: reason, label: t(`bills.reason.${reason}`) }))} />
        </Form.Item>
        <Form.Item
          name="consumption"
          label={t('bills.adjust.consumption')}
          rules={[
            { required: true, message: t('bills.adjust.consumptionRequired') },
            {
              validator: async (_rule, value: string | undefined) => {
                if (value && parseCubicMetres(value) === null) throw new Error(t('bills.adjust.consumptionInvalid'));
              },
            },
          ]}
        >
          <Input suffix="m³" inputMode="decimal" placeholder="0.000" autoComplete="off" data-testid="rebill-consumption" />
        </Form.Item>
        <Form.Item name="note" label={t('bills.adjust.note')}>
          <Input.TextArea rows={2} maxLength={500} placeholder={t('bills.adjust.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
