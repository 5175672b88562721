/** The buttons for the next steps of a request, with an optional note; dispatch asks for a crew member first. */
import { App, Button, Empty, Flex, Form, Input, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceRequestDetail, ServiceStep } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { isStaleVersion } from '../utils/errors';
import { useServiceCrews, useServiceStep } from './hooks';
import { stepLabel, stepsFor } from './parts';
import { ReassignModal } from './ReassignModal';

const CONFIRM: Partial<Record<ServiceStep, string>> = { cancel: 'service.detail.confirmCancel', close: 'service.detail.confirmClose' };

export function StepActions({ request, onReload, big }: { request: ServiceRequestDetail; onReload: () => void; big?: boolean }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { session, can } = useSession();
  const mutation = useServiceStep(request.id);
  const [note, setNote] = useState('');
  const [dispatching, setDispatching] = useState(false);
  const [reassigning, setReassigning] = useState(false);
  const steps = stepsFor(request, session.staff.id, can);

  const take = (step: Exclude<ServiceStep, 'reassign'>, assigneeStaffId?: string) => {
    const trimmed = note.trim();
    mutation.mutate(
      { step, version: request.version, ...(trimmed ? { note: trimmed } : {}), ...(assigneeStaffId ? { assigneeStaffId } : {}) },
      {
        onSuccess: () => {
          setNote('');
          setDispatching(false);
          // One message at a time: a crew member taps through several steps in a row.
          void message.success({ key: 'service-step', content: t('service.detail.done', { step: stepLabel(t, step) }) });
        },
        onError: (error) => {
          // Someone else moved the request on: show what it is now; the alert says why nothing happened.
          if (isStaleVersion(error)) onReload();
        },
      },
    );
  };
  const onClick = (step: ServiceStep) => {
    mutation.reset();
    if (step === 'dispatch') return setDispatching(true);
    if (step === 'reassign') return setReassigning(true);
    const confirm = CONFIRM[step];
    if (confirm) {
      void modal.confirm({ title: t(confirm), okText: stepLabel(t, step), okButtonProps: { danger: step === 'cancel' }, onOk: () => take(step) });
      return;
    }
    take(step);
  };

  if (steps.length === 0) {
    return (
      <>
        <MutationErrorAlert error={mutation.error} onReload={onReload} />
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('service.detail.noActions')} />
      </>
    );
  }
  // Reassigning is a side way, not the next step: it sits with cancel below the forward step.
  const primary = steps.filter((step) => step !== 'cancel' && step !== 'reassign');
  return (
    <Flex vertical gap={12} data-testid="service-actions">
      <MutationErrorAlert error={mutation.error} onReload={onReload} />
      <Input.TextArea
        value={note}
        onChange={(event) => setNote(event.target.value)}
        rows={big ? 2 : 3}
        maxLength={1000}
        aria-label={big ? t('service.crew.note') : t('service.detail.note')}
        placeholder={big ? t('service.crew.notePlaceholder') : t('service.detail.notePlaceholder')}
      />
      {primary.map((step) => (
        <Button
          key={step}
          type="primary"
          block
          size="large"
          className={big ? 'sv-big-step' : undefined}
          loading={mutation.isPending && mutation.variables.step === step}
          disabled={mutation.isPending}
          onClick={() => onClick(step)}
          data-testid={`step-${step}`}
        >
          {stepLabel(t, step)}
        </Button>
      ))}
      {steps.includes('reassign') && (
        <Button block disabled={mutation.isPending} onClick={() => onClick('reassign')} data-testid="step-reassign">
          {stepLabel(t, 'reassign')}
        </Button>
      )}
      {steps.includes('cancel') && (
        <Button danger block disabled={mutation.isPending} onClick={() => onClick('cancel')} data-testid="step-cancel">
          {stepLabel(t, 'cancel')}
        </Button>
      )}
      {reassigning && <ReassignModal request={request} onClose={() => setReassigning(false)} onReload={onReload} />}
      {dispatching && <DispatchModal pending={mutation.isPending} onCancel={() => setDispatching(false)} onDispatch={(staffId) => take('dispatch', staffId)} />}
    </Flex>
  );
}

function DispatchModal({ pending, onCancel, onDispatch }: { pending: boolean; onCancel: () => void; onDispatch: (staffId: string) => void }) {
  const { t } = useTranslation();
  const crews = useServiceCrews(true);
  const [form] = Form.useForm<{ staffId?: string }>();
  return (
    <Modal
      open
      title={t('service.dispatch.title')}
      okText={t('service.dispatch.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={pending}
      onCancel={onCancel}
      onOk={() =>
        void form
          .validateFields()
          .then((values) => values.staffId && onDispatch(values.staffId))
          // The form shows what is missing next to the field.
          .catch(() => undefined)
      }
      destroyOnHidden
    >
      {crews.isError ? (
        <QueryError compact error={crews.error} onRetry={() => void crews.refetch()} />
      ) : (
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="staffId" label={t('service.dispatch.crew')} rules={[{ required: true, message: t('service.dispatch.crewRequired') }]}>
            <Select
              loading={crews.isPending}
              data-testid="dispatch-crew"
              notFoundContent={crews.isPending ? null : t('service.dispatch.noCrew')}
              options={(crews.data ?? []).map((crew) => ({ value: crew.id, label: crew.name, open: crew.openRequests }))}
              optionRender={(option) => (
                <Flex justify="space-between">
                  <span>{option.data.label}</span>
                  <Typography.Text type="secondary">{t('service.dispatch.openRequests', { count: option.data.open })}</Typography.Text>
                </Flex>
              )}
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
