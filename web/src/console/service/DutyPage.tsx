/** 值班领导: who is the duty leader when, and the mobile that alert-level 4+ requests are sent to. */
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Empty, Flex, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceDutyShift } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { applyFieldErrors } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { useDutyAction, useDutyShifts, useManagers } from './deskHooks';

export function DutyPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { modal, message } = App.useApp();
  const shifts = useDutyShifts();
  const action = useDutyAction();
  const [adding, setAdding] = useState(false);
  const manage = can('service.supervise');
  const columns: TableColumnsType<ServiceDutyShift> = [
    { key: 'leader', title: t('service.desk.duty.leader'), render: (_, shift) => shift.staff.name },
    { key: 'phone', title: t('service.desk.duty.phone'), render: (_, shift) => <span className="sw-code">{shift.phoneMasked}</span> },
    { key: 'starts', title: t('service.desk.duty.startsAt'), render: (_, shift) => formatDateTime(shift.startsAt) },
    { key: 'ends', title: t('service.desk.duty.endsAt'), render: (_, shift) => formatDateTime(shift.endsAt) },
    {
      key: 'state',
      title: t('service.list.state'),
      render: (_, shift) =>
        shift.cancelledAt ? <Tag>{t('service.desk.duty.cancelled')}</Tag> : shift.isOnDuty ? <Tag color="green">{t('service.desk.duty.onDuty')}</Tag> : <Tag color="blue">{t('service.desk.duty.planned')}</Tag>,
    },
    { key: 'by', title: t('service.desk.duty.createdBy'), render: (_, shift) => shift.createdBy },
    ...(manage
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, shift: ServiceDutyShift) =>
              shift.cancelledAt ? null : (
                <Button
                  size="small"
                  danger
                  onClick={() =>
                    void modal.confirm({
                      title: t('service.desk.duty.cancelConfirm', { name: shift.staff.name }),
                      okButtonProps: { danger: true },
                      onOk: () => action.mutate({ kind: 'cancel', id: shift.id }, { onSuccess: () => void message.success(t('common.saved')) }),
                    })
                  }
                >
                  {t('service.desk.duty.cancel')}
                </Button>
              ),
          },
        ]
      : []),
  ];
  return (
    <Flex vertical gap={16} data-testid="duty-page">
      <Card>
        <Flex justify="space-between" align="center" wrap gap={8}>
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('service.desk.duty.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('service.desk.duty.subtitle')}</Typography.Text>
          </div>
          {manage ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="duty-add">
              {t('service.desk.duty.add')}
            </Button>
          ) : null}
        </Flex>
      </Card>
      <Card>
        <MutationErrorAlert error={action.error} />
        {shifts.isError ? (
          <QueryError compact error={shifts.error} onRetry={() => void shifts.refetch()} />
        ) : (
          <Table<ServiceDutyShift>
            rowKey="id"
            loading={shifts.isPending}
            columns={columns}
            dataSource={shifts.data ?? []}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('service.desk.duty.empty')} /> }}
            pagination={false}
            data-testid="duty-shifts"
          />
        )}
      </Card>
      {manage ? <AddShiftModal open={adding} onClose={() => setAdding(false)} /> : null}
    </Flex>
  );
}

interface ShiftValues {
  staffId: string;
  phone: string;
  range: [Dayjs, Dayjs];
}

function AddShiftModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<ShiftValues>();
  const managers = useManagers(open);
  const action = useDutyAction();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const close = () => {
    action.reset();
    form.resetFields();
    setUnmatched([]);
    onClose();
  };
  return (
    <Modal open={open} title={t('service.desk.duty.add')} okText={t('common.save')} onOk={() => form.submit()} onCancel={close} confirmLoading={action.isPending} destroyOnHidden>
      <Form<ShiftValues>
        form={form}
        layout="vertical"
        onFinish={(values) =>
          action.mutate(
            { kind: 'create', body: { staffId: values.staffId, phone: values.phone.trim(), startsAt: values.range[0].toISOString(), endsAt: values.range[1].toISOString() } },
            { onSuccess: close, onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => (field === 'startsAt' || field === 'endsAt' ? ['range'] : [field]))) },
          )
        }
      >
        <Form.Item name="staffId" label={t('service.desk.duty.leader')} extra={t('service.desk.duty.leaderHelp')} rules={[{ required: true, message: t('service.desk.duty.leaderRequired') }]}>
          <Select loading={managers.isPending} options={(managers.data ?? []).map((member) => ({ value: member.id, label: member.displayName }))} data-testid="duty-leader" />
        </Form.Item>
        <Form.Item name="phone" label={t('service.desk.duty.phone')} rules={[{ required: true, pattern: /^1[3-9]\d{9}$/, message: t('service.desk.duty.phoneInvalid') }]}>
          <Input inputMode="tel" maxLength={11} />
        </Form.Item>
        <Form.Item name="range" label={t('service.desk.duty.range')} rules={[{ required: true, message: t('service.desk.duty.rangeRequired') }]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
      </Form>
      {managers.isError ? <QueryError compact error={managers.error} onRetry={() => void managers.refetch()} /> : null}
      <MutationErrorAlert error={action.error} unmatched={unmatched} />
    </Modal>
  );
}
