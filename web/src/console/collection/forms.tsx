import { App, Button, Checkbox, DatePicker, Flex, Form, Input, Modal, Segmented, Typography } from 'antd';
import type dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CollectionCase, CollectionNoteKind } from '../../api/types';
import { formatYuan, parseYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { useSession } from '../session/session';
import { applyFieldErrors } from '../utils/errors';
import { toIsoDate } from '../utils/format';
import { useAddNote, useCancelCutoff, useCloseDispute, useIssueCutoff, useOpenDispute } from './hooks';

const NOTE_KINDS: CollectionNoteKind[] = ['visit', 'promise_to_pay', 'note'];
const yuanRule = (message: string) => ({
  validator: (_: unknown, value: string | undefined) => (!value || parseYuan(value) !== null ? Promise.resolve() : Promise.reject(new Error(message))),
});

interface NoteValues {
  kind: CollectionNoteKind;
  note: string;
  promisedOn?: dayjs.Dayjs | null;
  promisedAmount?: string;
}

/** Records a visit, a promise to pay (with its date, and an amount if given) or a plain note. */
export function AddNoteForm({ accountId }: { accountId: string }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<NoteValues>();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const add = useAddNote(accountId);
  const kind = Form.useWatch('kind', form) ?? 'visit';

  const submit = (values: NoteValues) => {
    setUnmatched([]);
    const promisedFen = values.promisedAmount ? parseYuan(values.promisedAmount) : null;
    add.mutate(
      {
        kind: values.kind,
        note: values.note.trim(),
        ...(values.kind === 'promise_to_pay' && values.promisedOn ? { promisedOn: toIsoDate(values.promisedOn) ?? undefined } : {}),
        ...(values.kind === 'promise_to_pay' && promisedFen ? { promisedFen } : {}),
      },
      {
        onSuccess: () => {
          void message.success(t('collection.note.saved'));
          form.resetFields(['note', 'promisedOn', 'promisedAmount']);
        },
        onError: (error) =>
          setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => [field === 'promisedFen' ? 'promisedAmount' : field], ['kind', 'note', 'promisedOn', 'promisedAmount'])),
      },
    );
  };

  return (
    <Form<NoteValues> form={form} layout="vertical" onFinish={submit} initialValues={{ kind: 'visit' }} data-testid="note-form" requiredMark={false}>
      <MutationErrorAlert error={add.error} unmatched={unmatched} />
      <Form.Item name="kind" label={t('collection.note.kindLabel')} style={{ marginBottom: 12 }}>
        <Segmented options={NOTE_KINDS.map((value) => ({ value, label: t(`collection.note.kind.${value}`) }))} data-testid="note-kind" />
      </Form.Item>
      {kind === 'promise_to_pay' ? (
        <Flex gap={12} wrap>
          <Form.Item name="promisedOn" label={t('collection.note.promisedOn')} rules={[{ required: true, message: t('collection.note.promisedOnRequired') }]} style={{ marginBottom: 12 }}>
            <DatePicker style={{ width: 160 }} data-testid="note-promised-on" />
          </Form.Item>
          <Form.Item name="promisedAmount" label={t('collection.note.promisedAmount')} rules={[yuanRule(t('collection.note.amountInvalid'))]} style={{ marginBottom: 12 }}>
            <Input style={{ width: 160 }} inputMode="decimal" prefix="¥" data-testid="note-promised-amount" />
          </Form.Item>
        </Flex>
      ) : null}
      <Form.Item name="note" label={t('collection.note.text')} rules={[{ required: true, whitespace: true, message: t('collection.note.textRequired') }]} style={{ marginBottom: 12 }}>
        <Input.TextArea rows={2} maxLength={1000} placeholder={t('collection.note.textPlaceholder')} data-testid="note-text" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={add.isPending} data-testid="note-submit">
        {t('collection.note.submit')}
      </Button>
    </Form>
  );
}

interface CutoffValues {
  override?: boolean;
  reason?: string;
}

/**
 * 开停水单: the server decides (notice period, disputes, protections) and its refusal is shown field by field.
 * The override of a protected household is offered only to holders of collection.override.
 */
export function CutoffModal({ file, open, onClose }: { file: CollectionCase; open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const canOverride = can('collection.override');
  const [form] = Form.useForm<CutoffValues>();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const issue = useIssueCutoff(file.accountId);
  const override = Form.useWatch('override', form) ?? false;
  const showOverride = canOverride && file.isProtected;

  const close = () => {
    issue.reset();
    setUnmatched([]);
    form.resetFields();
    onClose();
  };
  const submit = (values: CutoffValues) => {
    setUnmatched([]);
    issue.mutate(showOverride && values.override ? { override: true, reason: values.reason?.trim() } : {}, {
      onSuccess: () => {
        void message.success(t('collection.cutoff.issued'));
        close();
      },
      onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => [field], showOverride ? ['override', 'reason'] : [])),
    });
  };

  return (
    <Modal
      open={open}
      title={t('collection.cutoff.title', { accountNo: file.accountNo })}
      onCancel={close}
      destroyOnHidden
      okText={t('collection.cutoff.submit')}
      okButtonProps={{ danger: true, loading: issue.isPending, 'data-testid': 'cutoff-submit' }}
      onOk={() => form.submit()}
    >
      <Flex vertical gap={12} data-testid="cutoff-modal">
        <Typography.Text type="secondary">{t('collection.cutoff.hint')}</Typography.Text>
        <Typography.Text strong>{t('collection.cutoff.owed', { amount: formatYuan(file.principalFen + file.lateFeeFen) })}</Typography.Text>
        {file.isProtected ? <Typography.Text type="warning">{t('collection.cutoff.protectedHint')}</Typography.Text> : null}
        {issue.error ? (
          <div data-testid="cutoff-refusal">
            <MutationErrorAlert error={issue.error} unmatched={unmatched} />
          </div>
        ) : null}
        <Form<CutoffValues> form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          {showOverride ? (
            <>
              <Form.Item name="override" valuePropName="checked" style={{ marginBottom: 8 }}>
                <Checkbox data-testid="cutoff-override">{t('collection.cutoff.override')}</Checkbox>
              </Form.Item>
              {override ? (
                <Form.Item name="reason" label={t('collection.cutoff.overrideReason')} rules={[{ required: true, whitespace: true, message: t('collection.cutoff.overrideReasonRequired') }]}>
                  <Input.TextArea rows={2} maxLength={500} data-testid="cutoff-reason" />
                </Form.Item>
              ) : null}
            </>
          ) : null}
        </Form>
      </Flex>
    </Modal>
  );
}

interface TextValues {
  text: string;
}

/** A modal asking for one required text (a reason, a resolution) before it runs the action. */
function TextModal({
  open,
  title,
  hint,
  label,
  required,
  placeholder,
  okText,
  danger,
  field,
  error,
  pending,
  onSubmit,
  onClose,
  testId,
}: {
  open: boolean;
  title: string;
  hint?: string;
  label: string;
  required: string;
  placeholder?: string;
  okText: string;
  danger?: boolean;
  /** The request body's property for the text, to put the server's field problem next to it. */
  field: string;
  error: unknown;
  pending: boolean;
  onSubmit: (text: string, onError: (error: unknown) => void) => void;
  onClose: () => void;
  testId: string;
}) {
  const { i18n } = useTranslation();
  const [form] = Form.useForm<TextValues>();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  return (
    <Modal
      open={open}
      title={title}
      onCancel={() => {
        setUnmatched([]);
        onClose();
      }}
      destroyOnHidden
      okText={okText}
      okButtonProps={{ danger, loading: pending, 'data-testid': `${testId}-submit` }}
      onOk={() => form.submit()}
    >
      {hint ? (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          {hint}
        </Typography.Paragraph>
      ) : null}
      {error ? <MutationErrorAlert error={error} unmatched={unmatched} /> : null}
      <Form<TextValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => {
          setUnmatched([]);
          onSubmit(values.text.trim(), (failure) => setUnmatched(applyFieldErrors(form, failure, i18n.language, (name) => [name === field ? 'text' : name], ['text'])));
        }}
        data-testid={testId}
      >
        <Form.Item name="text" label={label} rules={[{ required: true, whitespace: true, message: required }]}>
          <Input.TextArea rows={3} maxLength={500} placeholder={placeholder} data-testid={`${testId}-text`} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 申诉: a customer disputes a bill; while open, the account is not cut off. */
export function DisputeModal({ bill, onClose }: { bill: { id: string; billNo: string } | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const open = useOpenDispute();
  const close = () => {
    open.reset();
    onClose();
  };
  return (
    <TextModal
      open={bill !== null}
      title={t('collection.dispute.title', { billNo: bill?.billNo ?? '' })}
      hint={t('collection.dispute.hint')}
      label={t('collection.dispute.reason')}
      required={t('collection.dispute.reasonRequired')}
      placeholder={t('collection.dispute.reasonPlaceholder')}
      okText={t('collection.dispute.submit')}
      field="reason"
      error={open.error}
      pending={open.isPending}
      testId="dispute-form"
      onClose={close}
      onSubmit={(reason, onError) => {
        if (!bill) return;
        open.mutate(
          { billId: bill.id, reason },
          {
            onSuccess: () => {
              void message.success(t('collection.dispute.opened'));
              close();
            },
            onError,
          },
        );
      }}
    />
  );
}

export function CloseDisputeModal({ dispute, onClose }: { dispute: { id: string; billNo: string } | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const closeDispute = useCloseDispute();
  const close = () => {
    closeDispute.reset();
    onClose();
  };
  return (
    <TextModal
      open={dispute !== null}
      title={t('collection.dispute.closeTitle', { billNo: dispute?.billNo ?? '' })}
      label={t('collection.dispute.resolution')}
      required={t('collection.dispute.resolutionRequired')}
      okText={t('collection.dispute.closeSubmit')}
      field="resolution"
      error={closeDispute.error}
      pending={closeDispute.isPending}
      testId="dispute-close-form"
      onClose={close}
      onSubmit={(resolution, onError) => {
        if (!dispute) return;
        closeDispute.mutate(
          { disputeId: dispute.id, resolution },
          {
            onSuccess: () => {
              void message.success(t('collection.dispute.closed'));
              close();
            },
            onError,
          },
        );
      }}
    />
  );
}

export function CancelCutoffModal({ order, onClose }: { order: { id: string; accountNo: string } | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const cancel = useCancelCutoff();
  const close = () => {
    cancel.reset();
    onClose();
  };
  return (
    <TextModal
      open={order !== null}
      title={`${t('collection.cutoff.cancelTitle')} · ${order?.accountNo ?? ''}`}
      label={t('collection.cutoff.cancelReason')}
      required={t('collection.cutoff.cancelReasonRequired')}
      okText={t('collection.cutoff.cancelSubmit')}
      danger
      field="reason"
      error={cancel.error}
      pending={cancel.isPending}
      testId="cutoff-cancel-form"
      onClose={close}
      onSubmit={(reason, onError) => {
        if (!order) return;
        cancel.mutate(
          { orderId: order.id, reason },
          {
            onSuccess: () => {
              void message.success(t('collection.cutoff.cancelled'));
              close();
            },
            onError,
          },
        );
      }}
    />
  );
}
