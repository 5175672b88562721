/** The dialogs of a follow-up visit (回访): the agent's phone result, and the supervisor's handling of a poor repair rating. */
import { App, Form, Input, Modal, Radio, Rate, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ServiceFollowUp } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { useFollowUpAction } from './deskHooks';

interface ResultValues {
  reached: boolean;
  rating?: number;
  comment?: string;
}

export function FollowUpResultModal({ followUp, onClose }: { followUp: ServiceFollowUp | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ResultValues>();
  const action = useFollowUpAction();
  const reached = Form.useWatch('reached', form) !== false;
  const close = () => {
    action.reset();
    form.resetFields();
    onClose();
  };
  const submit = (values: ResultValues) => {
    if (!followUp) return;
    const comment = values.comment?.trim();
    action.mutate(
      { kind: 'result', id: followUp.id, body: { version: followUp.version, reached: values.reached, ...(values.reached ? { rating: values.rating } : {}), ...(comment ? { comment } : {}) } },
      {
        onSuccess: (saved) => {
          void message.success(saved.outcome === 'reopened' ? t('service.desk.followUps.reopened') : saved.outcome === 'escalated' ? t('service.desk.followUps.escalatedMessage') : t('service.desk.followUps.recorded'));
          close();
        },
      },
    );
  };
  return (
    <Modal
      open={followUp !== null}
      title={followUp ? t('service.desk.followUps.resultTitle', { no: followUp.request.requestNo }) : ''}
      okText={t('common.save')}
      onOk={() => form.submit()}
      onCancel={close}
      confirmLoading={action.isPending}
      destroyOnHidden
    >
      {followUp ? (
        <Typography.Paragraph type="secondary">
          {[followUp.request.contactName, followUp.request.contactPhoneMasked].filter(Boolean).join(' · ') || t('service.desk.followUps.noContact')}
        </Typography.Paragraph>
      ) : null}
      <Form<ResultValues> form={form} layout="vertical" initialValues={{ reached: true }} onFinish={submit}>
        <Form.Item name="reached" label={t('service.desk.followUps.reached')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: true, label: t('service.desk.followUps.reachedYes') },
              { value: false, label: t('service.desk.followUps.reachedNo') },
            ]}
          />
        </Form.Item>
        {reached ? (
          <Form.Item name="rating" label={t('service.desk.followUps.rating')} rules={[{ required: true, message: t('service.desk.followUps.ratingRequired') }]} extra={t('service.desk.followUps.ratingHelp')}>
            <Rate data-testid="followup-rate" />
          </Form.Item>
        ) : null}
        <Form.Item name="comment" label={t('service.desk.followUps.comment')}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </Form>
      <MutationErrorAlert error={action.error} />
    </Modal>
  );
}

export function FollowUpReviewModal({ followUp, onClose }: { followUp: ServiceFollowUp | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note: string }>();
  const action = useFollowUpAction();
  const close = () => {
    action.reset();
    form.resetFields();
    onClose();
  };
  return (
    <Modal
      open={followUp !== null}
      title={followUp ? t('service.desk.followUps.reviewTitle', { no: followUp.request.requestNo }) : ''}
      okText={t('common.save')}
      onOk={() => form.submit()}
      onCancel={close}
      confirmLoading={action.isPending}
      destroyOnHidden
    >
      {followUp ? (
        <Typography.Paragraph>
          <Rate disabled value={followUp.rating ?? 0} /> {followUp.comment}
        </Typography.Paragraph>
      ) : null}
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => {
          if (!followUp) return;
          action.mutate({ kind: 'review', id: followUp.id, body: { version: followUp.version, note: values.note.trim() } }, { onSuccess: () => { void message.success(t('common.saved')); close(); } });
        }}
      >
        <Form.Item name="note" label={t('service.desk.followUps.reviewNote')} rules={[{ required: true, whitespace: true, message: t('service.desk.followUps.reviewNoteRequired') }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount placeholder={t('service.desk.followUps.reviewPlaceholder')} />
        </Form.Item>
      </Form>
      <MutationErrorAlert error={action.error} />
    </Modal>
  );
}
