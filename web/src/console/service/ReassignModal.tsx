/** 改派: give a dispatched repair to another crew member, with the reason; from the board card and the detail page. */
import { Alert, App, Flex, Form, Input, Modal, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ServiceRequest } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useServiceCrews, useServiceReassign } from './hooks';

interface Values {
  staffId?: string;
  reason?: string;
}

export function ReassignModal({ request, onClose, onReload }: { request: Pick<ServiceRequest, 'id' | 'requestNo' | 'version' | 'assignee'>; onClose: () => void; onReload?: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const crews = useServiceCrews(true);
  const reassign = useServiceReassign(request.id);
  const [form] = Form.useForm<Values>();
  const submit = () =>
    void form
      .validateFields()
      .then(({ staffId, reason }) => {
        if (!staffId || !reason) return;
        reassign.mutate(
          { version: request.version, assigneeStaffId: staffId, reason: reason.trim() },
          {
            onSuccess: (detail) => {
              void message.success(t('service.reassign.done', { name: detail.assignee?.name ?? '' }));
              onClose();
            },
          },
        );
      })
      // The form shows what is missing next to the field.
      .catch(() => undefined);
  return (
    <Modal
      open
      title={t('service.reassign.title', { no: request.requestNo })}
      okText={t('service.reassign.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={reassign.isPending}
      onCancel={onClose}
      onOk={submit}
      destroyOnHidden
    >
      <div data-testid="reassign-form">
        <Flex vertical gap={12}>
          <Typography.Text>{t('service.reassign.current', { name: request.assignee?.name ?? '—' })}</Typography.Text>
          <Alert type="info" showIcon title={t('service.reassign.hint')} />
          {crews.isError ? (
            <QueryError compact error={crews.error} onRetry={() => void crews.refetch()} />
          ) : (
            <Form form={form} layout="vertical" preserve={false}>
              <Form.Item name="staffId" label={t('service.reassign.crew')} rules={[{ required: true, message: t('service.reassign.crewRequired') }]}>
                <Select
                  loading={crews.isPending}
                  data-testid="reassign-crew"
                  notFoundContent={crews.isPending ? null : t('service.dispatch.noCrew')}
                  // The crew member who holds the job now is not a choice.
                  options={(crews.data ?? []).map((crew) => ({ value: crew.id, label: crew.name, open: crew.openRequests, disabled: crew.id === request.assignee?.id }))}
                  optionRender={(option) => (
                    <Flex justify="space-between">
                      <span>{option.data.label}</span>
                      <Typography.Text type="secondary">
                        {option.data.disabled ? t('service.reassign.current_tag') : t('service.dispatch.openRequests', { count: option.data.open })}
                      </Typography.Text>
                    </Flex>
                  )}
                />
              </Form.Item>
              <Form.Item
                name="reason"
                label={t('service.reassign.reason')}
                rules={[{ required: true, whitespace: true, min: 2, message: t('service.reassign.reasonRequired') }]}
              >
                <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('service.reassign.reasonPlaceholder')} data-testid="reassign-reason" />
              </Form.Item>
            </Form>
          )}
          <MutationErrorAlert error={reassign.error} {...(onReload ? { onReload } : {})} />
        </Flex>
      </div>
    </Modal>
  );
}
